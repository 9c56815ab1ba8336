// Migration 0014 and retention (docs/store.md "Time partitions and retention"), on both engines:
// a 0013 database keeps every row through the rebuild; on PostgreSQL `events`, `audit_entries`
// and `verification_requests` are partitioned by month with a DEFAULT partition and each row sits
// in its month's partition (checked through `tableoid`); a month created later takes its rows out
// of DEFAULT; an RP's bizSeq stays single-use without the unique index; retention removes only
// what lies before the cutoff — whole months on PostgreSQL, bounded batches on SQLite — takes a
// verification's OIDC rows with it, and keeps the audit trail verifiable from its anchor.
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { getSuite, KeyRing } from '@wangzheng/core/crypto/index';
import { isWzError } from '@wangzheng/core/errors';
import { AuditTrail } from '../../src/audit/index.ts';
import { connect } from '../../src/store/dialect.ts';
import { migrateUpTo } from '../../src/store/migrations/index.ts';
import { addMonths, monthStart, partitionName, type RetentionStep } from '../../src/store/partitions.ts';
import { eventRepo } from '../../src/store/events/repo.ts';
import { relyingPartyRepo } from '../../src/store/relying-parties/repo.ts';
import { verificationRepo } from '../../src/store/verifications/repo.ts';
import { newId, type Store, type StoreConfig } from '../../src/store/index.ts';
import { describeEachEngine } from '../support/engines.ts';
import { fakePerson, insertApprovedRp } from '../support/rows.ts';
import { rawRows, rawSql } from '../audit/support.ts';

const NOW = Date.now();
const DAY = 86_400_000;
/** Somewhere inside the month `n` months from now (the 10th, noon UTC). */
const inMonth = (n: number, dayMs = 9 * DAY + DAY / 2): number => addMonths(NOW, n) + dayMs;

async function drain(step: (cutoff: number, limit: number) => Promise<RetentionStep>, cutoff: number, limit = 2): Promise<RetentionStep> {
  let rows = 0;
  let partitions = 0;
  for (let i = 0; i < 100; i++) {
    const r = await step(cutoff, limit);
    rows += r.rows;
    partitions += r.partitions;
    if (r.done) return { rows, partitions, done: true };
  }
  throw new Error('retention did not finish in 100 steps');
}

/** The partition a row is stored in (PostgreSQL), by `tableoid`. */
async function partitionOf(cfg: StoreConfig, table: string, where: string): Promise<string[]> {
  const rows = await rawRows(cfg, `select tableoid::regclass::text as p from ${table} where ${where} order by 1`);
  return rows.map((r) => String(r.p));
}

async function count(cfg: StoreConfig, table: string, where = 'true'): Promise<number> {
  const [row] = await rawRows(cfg, `select count(*) as n from ${table} where ${where}`);
  return Number(row?.n);
}

function receipt(clientId: string, createdAt: number, over: { bizSeq?: string | null; personId?: string; kind?: string } = {}) {
  return {
    id: newId(),
    refHash: randomBytes(32),
    clientId,
    kind: over.kind ?? 'receipt',
    bizSeq: over.bizSeq === undefined ? `biz-${randomBytes(6).toString('hex')}` : over.bizSeq,
    mode: 'wz',
    scopes: ['result'],
    nonce: 'n',
    expiresAt: createdAt + 300_000,
    createdAt,
    ...(over.personId ? { personId: over.personId } : {}),
  };
}

describeEachEngine('0014 time partitions and retention', (engine) => {
  it('migrating a 0013 database keeps every event, audit entry and verification request (and the OIDC link)', async () => {
    const cfg = await engine.freshConfig();
    const conn = await connect(cfg);
    const ctx = { db: conn.db, now: Date.now };
    const times = [inMonth(-50), inMonth(-7), inMonth(-1), NOW, inMonth(2), inMonth(9)];
    const eventIds: string[] = [];
    const requestIds: string[] = [];
    let clientId: string;
    try {
      await migrateUpTo(conn, '0013_console_operators');
      clientId = await insertApprovedRp({ relyingParties: relyingPartyRepo(ctx) });
      for (const [i, at] of times.entries()) {
        eventIds.push((await eventRepo(ctx).append({ personId: null, type: 'probe', createdAt: at, data: randomBytes(20) })).id);
        const r = receipt(clientId, at, { bizSeq: `seq-${i}` });
        await verificationRepo(ctx).insert(r);
        requestIds.push(r.id);
        await conn.db.insertInto('audit_entries').values({ seq: i + 1, at, actor: 'system', action: 'rp.approved', subject: null, data: '{}', prev: '0'.repeat(64), hash: 'f'.repeat(64) }).execute();
      }
    } finally {
      await conn.db.destroy();
    }
    const store = await engine.open(cfg);
    expect(store.migrationsApplied).toEqual(['0014_time_partitions', '0015_status_changes', '0016_audit_head_hash', '0017_audit_queue']);
    expect(await count(cfg, 'events')).toBe(times.length);
    expect(await count(cfg, 'verification_requests')).toBe(times.length);
    expect(await count(cfg, 'audit_entries')).toBe(times.length);
    for (const [i, id] of requestIds.entries()) expect((await store.verifications.findById(id))?.createdAt).toBe(times[i]);
    const listed = await store.audit.list({ limit: 100 });
    expect(listed.map((e) => [e.seq, e.at])).toEqual(times.map((at, i) => [i + 1, at]));
    expect((await rawRows(cfg, `select id from events order by created_at`)).map((r) => r.id)).toEqual(eventIds);
    // The appenders' lock row carries the migrated head (0014: its key; 0016: its hash), at its
    // newest id: the next entry is 7 and follows the head's hash.
    expect(await rawRows(cfg, 'select id, head_seq, head_at, head_hash from audit_append_lock')).toEqual(
      [{ id: 3, head_seq: 6, head_at: times[5], head_hash: 'f'.repeat(64) }].map((r) => (engine.name === 'postgres' ? { ...r, head_seq: '6', head_at: String(r.head_at) } : r)),
    );
    const next = await store.audit.appendNext((head) => ({ seq: head!.seq + 1, at: NOW, actor: 'system', action: 'rp.approved', data: {}, prev: head!.hash, hash: 'e'.repeat(64) }));
    expect(next.seq).toBe(7);
    expect(await rawRows(cfg, 'select head_seq, head_hash from audit_append_lock')).toEqual([{ head_seq: engine.name === 'postgres' ? '7' : 7, head_hash: 'e'.repeat(64) }]);
    // The bizSeqs of migrated requests are still taken.
    const again = await store.verifications.insert(receipt(clientId!, NOW, { bizSeq: 'seq-3' })).catch((e: unknown) => e);
    expect(isWzError(again, 'conflict')).toBe(true);
    if (engine.name === 'postgres') {
      const parted = await rawRows(cfg, `select c.relname as t from pg_partitioned_table p join pg_class c on c.oid = p.partrelid where c.relnamespace = to_regnamespace(current_schema()) order by 1`);
      expect(parted.map((r) => r.t)).toEqual(['audit_entries', 'events', 'verification_requests']);
      // 50 months back is beyond MAX_BACKFILL_MONTHS (36): DEFAULT. 9 months ahead: DEFAULT too.
      const placed = await rawRows(cfg, `select tableoid::regclass::text as p from events order by created_at`);
      expect(placed.map((r) => r.p)).toEqual(['events_default', partitionName('events', times[1]!), partitionName('events', times[2]!), partitionName('events', NOW), partitionName('events', times[4]!), 'events_default']);
    }
  });

  it('inserts land in their month’s partition, or in DEFAULT when there is none (PostgreSQL: by tableoid)', async () => {
    const cfg = await engine.freshConfig();
    const store = await engine.open(cfg);
    const at = { now: NOW, ahead: inMonth(3), past: inMonth(-4), far: inMonth(30) };
    const ids: Record<string, string> = {};
    for (const [k, t] of Object.entries(at)) ids[k] = (await store.events.append({ personId: null, type: 'probe', createdAt: t })).id;
    if (engine.name === 'sqlite') {
      // One plain table: nothing to create, every row in it.
      expect(await store.events.ensurePartitions(NOW, 3)).toBe(0);
      expect(await count(cfg, 'events')).toBe(4);
      return;
    }
    expect(await partitionOf(cfg, 'events', `id = '${ids.now}'`)).toEqual([partitionName('events', NOW)]);
    expect(await partitionOf(cfg, 'events', `id = '${ids.ahead}'`)).toEqual([partitionName('events', at.ahead)]);
    expect(await partitionOf(cfg, 'events', `id = '${ids.past}'`)).toEqual(['events_default']);
    expect(await partitionOf(cfg, 'events', `id = '${ids.far}'`)).toEqual(['events_default']);
    // Maintenance for a past month moves that month's rows out of DEFAULT; nothing else moves.
    expect(await store.events.ensurePartitions(at.past, 0)).toBe(1);
    expect(await partitionOf(cfg, 'events', `id = '${ids.past}'`)).toEqual([partitionName('events', at.past)]);
    expect(await partitionOf(cfg, 'events', `id = '${ids.far}'`)).toEqual(['events_default']);
    expect(await store.events.ensurePartitions(at.past, 0)).toBe(0);
    // Audit entries and verification requests likewise.
    const clientId = await insertApprovedRp(store);
    const r = receipt(clientId, inMonth(1));
    await store.verifications.insert(r);
    expect(await partitionOf(cfg, 'verification_requests', `id = '${r.id}'`)).toEqual([partitionName('verification_requests', inMonth(1))]);
    // A request moved out of DEFAULT keeps its bizSeq taken.
    const old = receipt(clientId, inMonth(-6), { bizSeq: 'moved-1' });
    await store.verifications.insert(old);
    expect(await partitionOf(cfg, 'verification_requests', `id = '${old.id}'`)).toEqual(['verification_requests_default']);
    expect(await store.verifications.ensurePartitions(inMonth(-6), 0)).toBe(1);
    expect(await partitionOf(cfg, 'verification_requests', `id = '${old.id}'`)).toEqual([partitionName('verification_requests', inMonth(-6))]);
    const reused = await store.verifications.insert(receipt(clientId, NOW, { bizSeq: 'moved-1' })).catch((e: unknown) => e);
    expect(isWzError(reused, 'conflict')).toBe(true);
    expect(await store.audit.ensurePartitions(NOW, 5)).toBe(2);
  }, 30_000);

  it('findWithDataKey reads a request with its person’s wrapped data key, recent or months old, as findById and the person would', async () => {
    const store = await engine.openFresh();
    const clientId = await insertApprovedRp(store);
    const person = fakePerson();
    await store.persons.insert(person);
    const recent = receipt(clientId, NOW, { personId: person.id });
    const old = receipt(clientId, inMonth(-5), { personId: person.id });
    const nobody = receipt(clientId, NOW);
    for (const r of [recent, old, nobody]) await store.verifications.insert(r);
    const stored = await store.persons.findById(person.id);
    for (const r of [recent, old]) {
      expect(await store.verifications.findWithDataKey(r.id)).toEqual({
        request: await store.verifications.findById(r.id),
        dataKey: { id: person.id, wrappedDek: stored!.wrappedDek, kekId: stored!.kekId },
      });
    }
    expect(await store.verifications.findWithDataKey(nobody.id)).toEqual({ request: await store.verifications.findById(nobody.id), dataKey: undefined });
    expect(await store.verifications.findWithDataKey(newId())).toBeUndefined();
    expect(await store.verifications.findWithDataKey('not-an-id')).toBeUndefined();
  });

  it('an RP’s bizSeq stays single-use (conflict), per RP, and a deleted request frees it', async () => {
    const store = await engine.openFresh();
    const [a, b] = [await insertApprovedRp(store), await insertApprovedRp(store)];
    const person = fakePerson();
    await store.persons.insert(person);
    await store.verifications.insert(receipt(a, inMonth(-2), { bizSeq: 'order-1', personId: person.id }));
    // Another month (another partition on PostgreSQL): still taken.
    const reused = await store.verifications.insert(receipt(a, NOW, { bizSeq: 'order-1' })).catch((e: unknown) => e);
    expect(isWzError(reused, 'conflict')).toBe(true);
    await store.verifications.insert(receipt(b, NOW, { bizSeq: 'order-1' }));
    await store.verifications.insert(receipt(a, NOW, { bizSeq: null }));
    await store.verifications.insert(receipt(a, NOW, { bizSeq: null }));
    expect((await store.erasure.eraseLinkedRows(person.id)).verificationRequests).toBe(1);
    await store.verifications.insert(receipt(a, NOW, { bizSeq: 'order-1' }));
  });

  it('history retention removes only events before the cutoff: whole months on PostgreSQL, rows on SQLite', async () => {
    const cfg = await engine.freshConfig();
    const store = await engine.open(cfg);
    await store.events.ensurePartitions(inMonth(-6), 6);
    const cutoff = inMonth(-2);
    const times = [inMonth(-30), inMonth(-5), inMonth(-5, 0), inMonth(-4), addMonths(NOW, -2), cutoff - 1, cutoff, cutoff + 1, NOW];
    for (const t of times) await store.events.append({ personId: null, type: 'probe', createdAt: t });
    const r = await drain((c, l) => store.events.deleteBefore(c, l), cutoff);
    const left = (await rawRows(cfg, `select created_at from events order by created_at`)).map((x) => Number(x.created_at));
    // Never a row at or after the cutoff.
    expect(left.filter((t) => t >= cutoff)).toEqual([cutoff, cutoff + 1, NOW]);
    if (engine.name === 'postgres') {
      // Months -6, -5, -4, -3 lie wholly before the cutoff (-6 and -3 empty); DEFAULT's old row
      // goes row by row; month -2 holds newer rows: it stays, with its two older rows.
      expect(r).toEqual({ rows: 4, partitions: 4, done: true });
      expect(left).toEqual([addMonths(NOW, -2), cutoff - 1, cutoff, cutoff + 1, NOW]);
      expect(await partitionOf(cfg, 'events', `created_at = ${cutoff}`)).toEqual([partitionName('events', cutoff)]);
      const parts = (await rawRows(cfg, `select c.relname as p from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'events'::regclass order by 1`)).map((x) => x.p);
      expect(parts).toContain('events_default');
      expect(parts).not.toContain(partitionName('events', inMonth(-5)));
      expect(parts).toContain(partitionName('events', inMonth(-2)));
    } else {
      expect(r).toEqual({ rows: 6, partitions: 0, done: true });
      expect(left).toEqual([cutoff, cutoff + 1, NOW]);
    }
    // Again: nothing more to do.
    expect(await store.events.deleteBefore(cutoff, 10)).toEqual({ rows: 0, partitions: 0, done: true });
  }, 30_000);

  it('verification retention removes old requests with their OIDC authorizations and access tokens, and frees their bizSeqs', async () => {
    const cfg = await engine.freshConfig();
    const store = await engine.open(cfg);
    await store.verifications.ensurePartitions(inMonth(-4), 4);
    const clientId = await insertApprovedRp(store);
    const made: { id: string; at: number; auth: string }[] = [];
    for (const at of [inMonth(-3), inMonth(-3, DAY), inMonth(-3, 2 * DAY), inMonth(-40), NOW]) {
      const r = receipt(clientId, at, { kind: 'oidc', bizSeq: `b-${at}` });
      await store.verifications.insert(r);
      const auth = newId();
      await store.oidc.insertAuthorization({ id: auth, requestId: r.id, refHash: randomBytes(32), browserHash: randomBytes(32), clientId, redirectUri: 'https://app.example.cn/cb', state: null, nonce: 'no', codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', mode: 'wz', scopes: ['result'], expiresAt: at + 600_000 });
      await store.oidc.insertAccessToken({ tokenHash: randomBytes(32), authorizationId: auth, clientId, expiresAt: NOW + 3_600_000 });
      made.push({ id: r.id, at, auth });
    }
    const cutoff = inMonth(-1);
    const r = await drain((c, l) => store.verifications.deleteBefore(c, l), cutoff);
    expect(r.rows).toBe(4);
    // Months -4..-2 lie wholly before the cutoff (empty or not); the -40 request goes out of DEFAULT row by row.
    expect(r.partitions).toBe(engine.name === 'postgres' ? 3 : 0);
    for (const m of made) {
      const kept = m.at >= cutoff;
      expect(Boolean(await store.verifications.findById(m.id))).toBe(kept);
      expect(Boolean(await store.oidc.findAuthorization(m.auth))).toBe(kept);
    }
    expect(await count(cfg, 'oidc_access_tokens')).toBe(1);
    // An old request's bizSeq is free again; the kept one's is not.
    await store.verifications.insert(receipt(clientId, NOW, { bizSeq: `b-${made[0]!.at}` }));
    const reused = await store.verifications.insert(receipt(clientId, NOW, { bizSeq: `b-${made[4]!.at}` })).catch((e: unknown) => e);
    expect(isWzError(reused, 'conflict')).toBe(true);
  }, 30_000);

  it('audit retention keeps every entry from the last checkpoint before the cutoff; what remains verifies from it', async () => {
    const cfg = await engine.freshConfig();
    const store = await engine.open(cfg);
    await store.audit.ensurePartitions(inMonth(-5), 5);
    const suite = getSuite('gm');
    let t = 0;
    const trail = new AuditTrail({ store, suite, signing: new KeyRing(suite.generateKey()), now: () => t });
    const record = async (at: number, checkpoint = false) => {
      t = at;
      await store.transaction((tx) => trail.record(tx, { actor: 'system', action: 'rp.approved', subject: `rp_${String(at).padStart(22, '0')}`, data: { scopes: ['result'] } }));
      if (checkpoint) await trail.checkpoint();
    };
    const cutoff = inMonth(-2);
    // seq 1–3 in month -5 (checkpoint at 3), 4–5 in month -4, 6–7 in month -3 (checkpoint at 6),
    // 8 in month -2 before the cutoff, 9–10 now (checkpoint at 10).
    for (const [at, cp] of [[inMonth(-5), false], [inMonth(-5, DAY), false], [inMonth(-5, 2 * DAY), true], [inMonth(-4), false], [inMonth(-4, DAY), false], [inMonth(-3), true], [inMonth(-3, DAY), false], [cutoff - 1, false], [NOW, false], [NOW + 1, true]] as const) {
      await record(at, cp);
    }
    expect(await store.audit.retentionAnchor(cutoff)).toBe(6);
    const before = await trail.verify();
    expect(before.findings).toEqual([]);
    const r = await drain((c, l) => store.audit.deleteBefore(c, l), cutoff);
    // Months -5 and -4 lie before the anchor; month -3 holds the anchor: it stays whole.
    expect(r).toEqual(engine.name === 'postgres' ? { rows: 5, partitions: 2, done: true } : { rows: 5, partitions: 0, done: true });
    expect((await store.audit.list({ limit: 100 })).map((e) => e.seq)).toEqual([6, 7, 8, 9, 10]);
    expect((await store.audit.listCheckpoints()).map((c) => c.seq)).toEqual([3, 6, 10]);
    // What remains verifies from the anchor: the checkpoint at 6 vouches for the kept entry 6, so
    // the removed prefix is reported as pruned (prunedBefore), not as tampering; every later link holds.
    const after = await trail.verify();
    expect(after).toMatchObject({ ok: true, findings: [], prunedBefore: 6 });
    // And it still catches tampering with what was kept.
    await rawSql(cfg, [`update audit_entries set actor = 'admin:x' where seq = 7`]);
    expect((await trail.verify()).findings.map((f) => [f.code, f.seq])).toEqual([['entry_changed', 7]]);
    // Entry 6 itself altered: nothing vouches for the prefix any more.
    await rawSql(cfg, [`update audit_entries set actor = 'admin:x' where seq = 6`]);
    expect((await trail.verify()).findings.map((f) => [f.code, f.seq])).toEqual([['entry_removed', 1], ['entry_changed', 6], ['entry_changed', 7]]);
  }, 30_000);

  it('audit retention without a checkpoint before the cutoff removes nothing', async () => {
    const cfg = await engine.freshConfig();
    const store = await engine.open(cfg);
    const suite = getSuite('gm');
    let t = inMonth(-8);
    const trail = new AuditTrail({ store, suite, signing: new KeyRing(suite.generateKey()), now: () => t });
    for (let i = 0; i < 3; i++) await store.transaction((tx) => trail.record(tx, { actor: 'system', action: 'rp.approved', subject: `rp_${String(i).padStart(22, '0')}`, data: {} }));
    t = NOW;
    await trail.checkpoint(); // signs seq 3, but entry 3 was written long before: still the anchor
    expect(await store.audit.retentionAnchor(inMonth(-9))).toBeUndefined();
    expect(await store.audit.deleteBefore(inMonth(-9), 10)).toEqual({ rows: 0, partitions: 0, done: true });
    expect(await store.audit.retentionAnchor(inMonth(-1))).toBe(3);
    // The anchor entry itself stays: entries 1 and 2 go.
    expect(await drain((c, l) => store.audit.deleteBefore(c, l), inMonth(-1))).toMatchObject({ rows: 2, done: true });
    expect((await store.audit.list()).map((e) => e.seq)).toEqual([3]);
  }, 30_000);

  it('no period, no removal: ensurePartitions alone never deletes a row', async () => {
    const cfg = await engine.freshConfig();
    const store: Store = await engine.open(cfg);
    for (const t of [inMonth(-20), inMonth(-2), NOW]) await store.events.append({ personId: null, type: 'probe', createdAt: t });
    await store.events.ensurePartitions(inMonth(-20), 24);
    await store.events.ensurePartitions(NOW, 3);
    expect(await count(cfg, 'events')).toBe(3);
    expect(monthStart(inMonth(-20))).toBe(addMonths(NOW, -20));
  }, 30_000);
});
