// Tampering with the stored audit trail by raw SQL on the real database — behind the
// platform's back, as an intruder or a rogue administrator with database access would — and
// what the verifier reports for each kind, on SQLite and PostgreSQL. Every case starts from ten
// entries and a signed checkpoint of entry 10, then asserts the exact findings (code@seq).
//
// In the database `seq` is the primary key and entries are read in seq order, so a duplicate
// or an out-of-order row cannot even be stored: an insertion needs the later rows renumbered,
// and a swap exchanges contents under fixed sequence numbers. Those show as changed entries and
// broken links from the tampered point on (`entry_inserted` / `entries_reordered` are what the
// verifier reports for exported copies, where storage order is free: core's tests cover them).
import { expect, it } from 'vitest';
import { canonicalJson, nextEntry, type AuditEntry } from '@wangzheng/core/audit/index';
import { getSuite, KeyRing } from '@wangzheng/core/crypto/index';
import { signCheckpoint } from '@wangzheng/core/audit/index';
import { describeEachEngine, type TestEngine } from '../support/engines.ts';
import { freshTrail, rawSql, recordMany, summary, T0, type TrailFixture } from './support.ts';

const COLUMNS = 'at, actor, action, subject, data, prev, hash';

async function tenAndCheckpoint(engine: TestEngine): Promise<TrailFixture & { entries: AuditEntry[] }> {
  const f = await freshTrail(engine);
  await recordMany(f, 10);
  expect((await f.trail.checkpoint())?.seq).toBe(10);
  const entries = await f.store.reader.audit.list();
  expect(summary(await f.trail.verify())).toEqual([]);
  return { ...f, entries };
}

describeEachEngine('audit trail: each kind of tampering is caught, with its code and seq', (engine) => {
  it('UPDATE one entry’s data → entry_changed@4, nothing else', async () => {
    const f = await tenAndCheckpoint(engine);
    await rawSql(f.cfg, [{ sql: 'update audit_entries set data = $1 where seq = 4', params: [canonicalJson({ n: 4, scopes: ['full_name_and_id_number'] })] }]);
    const r = await f.trail.verify();
    expect([r.ok, summary(r)]).toEqual([false, ['entry_changed@4']]);
  });

  it('UPDATE the actor and recompute that entry’s hash → chain_broken@5 (the next entry still links to the old hash)', async () => {
    const f = await tenAndCheckpoint(engine);
    const e4 = f.entries[3]!;
    const forged = nextEntry(f.entries[2], { at: e4.at, actor: 'admin:someone-else', action: e4.action, ...(e4.subject ? { subject: e4.subject } : {}), data: e4.data }, getSuite('gm'));
    await rawSql(f.cfg, [{ sql: 'update audit_entries set actor = $1, hash = $2 where seq = 4', params: [forged.actor, forged.hash] }]);
    expect(summary(await f.trail.verify())).toEqual(['chain_broken@5']);
  });

  it('DELETE a middle row → entry_removed@5-5', async () => {
    const f = await tenAndCheckpoint(engine);
    await rawSql(f.cfg, ['delete from audit_entries where seq = 5']);
    expect(summary(await f.trail.verify())).toEqual(['entry_removed@5-5']);
  });

  it('INSERT a forged row after shifting the later rows up → the first shifted entry is pinpointed: entry_changed and chain_broken@7, every shifted one changed, the checkpoint no longer matches', async () => {
    const f = await tenAndCheckpoint(engine);
    const forged = nextEntry(f.entries[4], { at: T0, actor: 'admin:ops-1', action: 'netid.unbanned', subject: 'x'.repeat(43) }, getSuite('gm'));
    await rawSql(f.cfg, [
      'update audit_entries set seq = seq + 1000 where seq >= 6',
      'update audit_entries set seq = seq - 999 where seq >= 1006',
      { sql: `insert into audit_entries (seq, ${COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8)`, params: [6, forged.at, forged.actor, forged.action, forged.subject, canonicalJson(forged.data), forged.prev, forged.hash] },
    ]);
    expect(summary(await f.trail.verify())).toEqual([
      'entry_changed@7',
      'chain_broken@7',
      'entry_changed@8',
      'entry_changed@9',
      'entry_changed@10',
      'checkpoint_mismatch@10',
      'entry_changed@11',
    ]);
  });

  it('INSERT a forged row and recompute every later hash (the chain alone then checks out) → checkpoint_mismatch@10', async () => {
    const f = await tenAndCheckpoint(engine);
    const suite = getSuite('gm');
    const rewritten: AuditEntry[] = f.entries.slice(0, 5);
    rewritten.push(nextEntry(rewritten.at(-1), { at: T0, actor: 'admin:ops-1', action: 'netid.unbanned' }, suite));
    for (const e of f.entries.slice(5)) rewritten.push(nextEntry(rewritten.at(-1), { at: e.at, actor: e.actor, action: e.action, ...(e.subject ? { subject: e.subject } : {}), data: e.data }, suite));
    await rawSql(f.cfg, [
      'delete from audit_entries where seq >= 6',
      ...rewritten.slice(5).map((e) => ({
        sql: `insert into audit_entries (seq, ${COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        params: [e.seq, e.at, e.actor, e.action, e.subject ?? null, canonicalJson(e.data), e.prev, e.hash],
      })),
    ]);
    expect(summary(await f.trail.verify())).toEqual(['checkpoint_mismatch@10']);
  });

  it('DELETE the tail after a checkpoint → rollback@8-10', async () => {
    const f = await tenAndCheckpoint(engine);
    await rawSql(f.cfg, ['delete from audit_entries where seq >= 8']);
    const r = await f.trail.verify();
    expect(summary(r)).toEqual(['rollback@8-10']);
    expect(r.head?.seq).toBe(7);
  });

  it('swap two rows’ contents (seq kept) → entry_changed and chain_broken@4 and @5, chain_broken@6', async () => {
    const f = await tenAndCheckpoint(engine);
    const [e4, e5] = [f.entries[3]!, f.entries[4]!];
    const set = (seq: number, e: AuditEntry) => ({
      sql: 'update audit_entries set at = $1, actor = $2, action = $3, subject = $4, data = $5, prev = $6, hash = $7 where seq = $8',
      params: [e.at, e.actor, e.action, e.subject ?? null, canonicalJson(e.data), e.prev, e.hash, seq],
    });
    await rawSql(f.cfg, [set(4, e5), set(5, e4)]);
    expect(summary(await f.trail.verify())).toEqual(['entry_changed@4', 'chain_broken@4', 'entry_changed@5', 'chain_broken@5', 'chain_broken@6']);
  });

  it('data that is not JSON → entry_malformed@3 (reported, not thrown)', async () => {
    const f = await tenAndCheckpoint(engine);
    await rawSql(f.cfg, ["update audit_entries set data = 'not json' where seq = 3"]);
    expect(summary(await f.trail.verify())).toEqual(['entry_malformed@3']);
  });

  it('a checkpoint signed by another key → checkpoint_invalid (signature_mismatch); a damaged one → checkpoint_invalid (invalid_jws)', async () => {
    const f = await tenAndCheckpoint(engine);
    const stranger = new KeyRing(getSuite('gm').generateKey());
    await rawSql(f.cfg, [
      { sql: 'insert into audit_checkpoints (seq, token, created_at) values ($1, $2, $3)', params: [9, signCheckpoint(stranger, f.entries[8]!, T0), T0] },
      "update audit_checkpoints set token = token || 'x' where seq = 10",
    ]);
    const r = await f.trail.verify();
    expect([summary(r), r.findings.map((x) => x.detail)]).toEqual([['checkpoint_invalid@-', 'checkpoint_invalid@-'], ['signature_mismatch', 'invalid_jws']]);
  });
});
