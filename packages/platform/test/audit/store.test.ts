// The audit store on SQLite and PostgreSQL: append-only (no update or delete method, a reader
// without write methods), contiguous sequence numbers and correct links under concurrency —
// within one process and from three processes on one database, as server processes would —
// entries that commit or roll back with the caller's transaction, searches and keyset pages;
// the queue (0017): queued in the action's transaction without the lock, chained by sequencer
// passes in batches, each entry once, also with several processes queueing and sequencing.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { GENESIS_PREV } from '@wangzheng/core/audit/index';
import { WzError } from '@wangzheng/core/errors';
import type { StoreConfig } from '../../src/store/index.ts';
import { fakePerson } from '../support/rows.ts';
import { describeEachEngine } from '../support/engines.ts';
import { freshTrail, rawRows, rawSql, recordMany, summary, T0 } from './support.ts';

const CHILD = fileURLToPath(new URL('./append-child.ts', import.meta.url));

function appendInChild<T = number[]>(cfg: StoreConfig, n: number, mode: 'record' | 'queue' = 'record'): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(cfg), String(n), mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as T) : reject(new Error(`child exited ${code}: ${err.slice(-2000)}`))));
  });
}

describeEachEngine('audit store: append-only, contiguous, transactional', (engine) => {
  it('the contract has no way to change an entry or a checkpoint (only to queue one and chain the queue), and removes entries only by retention (deleteBefore: before a checkpoint); the reader has no way to write', async () => {
    const { store } = await freshTrail(engine);
    expect(Object.keys(store.audit).sort()).toEqual(['appendNext', 'deleteBefore', 'enqueue', 'ensurePartitions', 'head', 'insertCheckpoint', 'latestCheckpoint', 'list', 'listCheckpoints', 'queued', 'retentionAnchor', 'sequence']);
    expect(Object.keys(store.reader.audit).sort()).toEqual(['head', 'latestCheckpoint', 'list', 'listCheckpoints', 'queued']);
  });

  it('the first entry starts from the genesis value; each next one links to the one before', async () => {
    const f = await freshTrail(engine);
    expect(await f.store.audit.head()).toBeUndefined();
    await recordMany(f, 3);
    const all = await f.store.reader.audit.list();
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(all[0]!.prev).toBe(GENESIS_PREV);
    expect(all[1]!.prev).toBe(all[0]!.hash);
    expect(all[2]!.prev).toBe(all[1]!.hash);
    expect((await f.store.audit.head())?.seq).toBe(3);
    expect((await f.trail.verify()).ok).toBe(true);
  });

  it('50 concurrent transactions each recording one entry → seq 1..50, and the chain verifies', async () => {
    const f = await freshTrail(engine);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        f.store.transaction(async (tx) => {
          await tx.counters.increment('probe');
          return f.trail.record(tx, { actor: 'system', action: 'verification.completed', data: { n: i } });
        }),
      ),
    );
    const all = await f.store.reader.audit.list({ limit: 1000 });
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(all.map((e) => e.data['n'])).size).toBe(50);
    const report = await f.trail.verify();
    expect([report.ok, report.checked, summary(report)]).toEqual([true, 50, []]);
  });

  it('three server processes appending at once to one database → one contiguous chain', async () => {
    const f = await freshTrail(engine);
    await recordMany(f, 1);
    const got = await Promise.all([appendInChild(f.cfg, 20), appendInChild(f.cfg, 20), appendInChild(f.cfg, 20)]);
    expect(got.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 2));
    const rows = await rawRows(f.cfg, 'select seq from audit_entries order by seq');
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));
    expect(summary(await f.trail.verify())).toEqual([]);
  });

  it('an entry recorded in a transaction that fails is not kept, and leaves no gap', async () => {
    const f = await freshTrail(engine);
    await recordMany(f, 2);
    await expect(
      f.store.transaction(async (tx) => {
        await f.trail.record(tx, { actor: 'admin:ops-1', action: 'rp.rejected', subject: 'rp_aaaaaaaaaaaaaaaaaaaaaa' });
        throw new WzError('conflict', 'the action failed after its entry was written');
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect((await f.store.audit.head())?.seq).toBe(2);
    await recordMany(f, 1);
    expect((await f.store.reader.audit.list()).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect((await f.trail.verify()).ok).toBe(true);
  });

  it('appendNext outside a transaction runs in one of its own; an entry that does not follow the head is refused', async () => {
    const f = await freshTrail(engine);
    const e = await f.store.audit.appendNext((prev) => {
      expect(prev).toBeUndefined();
      return { seq: 1, at: T0, actor: 'system', action: 'checkpoint', data: {}, prev: GENESIS_PREV, hash: 'a'.repeat(64) };
    });
    expect(e.seq).toBe(1);
    await expect(f.store.audit.appendNext(() => ({ seq: 5, at: T0, actor: 'system', action: 'checkpoint', data: {}, prev: 'a'.repeat(64), hash: 'b'.repeat(64) }))).rejects.toThrow(TypeError);
    await expect(f.store.audit.appendNext(() => ({ seq: 2, at: T0, actor: 'system', action: 'checkpoint', data: {}, prev: GENESIS_PREV, hash: 'b'.repeat(64) }))).rejects.toThrow(TypeError);
    expect((await f.store.audit.head())?.seq).toBe(1);
  });

  it('an append reads the head from the lock row (seq and hash), not from the trail: three statements (two on PostgreSQL)', async () => {
    const f = await freshTrail(engine);
    await recordMany(f, 2);
    const before = f.store.statementCount();
    let seen: unknown;
    const e = await f.store.audit.appendNext((head) => {
      seen = head;
      return { seq: head!.seq + 1, at: T0, actor: 'system', action: 'checkpoint', data: {}, prev: head!.hash, hash: 'c'.repeat(64) };
    });
    // Lock (and read the head), insert, record the new head — 0016 took out the read of the head
    // entry. PostgreSQL inserts and records in one statement (a data-modifying CTE).
    expect(f.store.statementCount() - before).toBe(engine.name === 'postgres' ? 2 : 3);
    const stored = await f.store.reader.audit.list();
    expect(seen).toEqual({ seq: 2, hash: stored[1]!.hash });
    expect(e.seq).toBe(3);
    expect(await rawRows(f.cfg, 'select id, head_hash from audit_append_lock')).toEqual([{ id: 3, head_hash: 'c'.repeat(64) }]);
  });

  it('an entry that cannot be inserted leaves the head where it was: both or neither', async () => {
    const f = await freshTrail(engine);
    await recordMany(f, 2);
    const [head] = await rawRows(f.cfg, 'select head_seq, head_hash from audit_append_lock');
    // A row already holds the next seq (written around the lock, as no appender would): the insert fails.
    const at = T0 + 5_000;
    await rawSql(f.cfg, [{ sql: 'insert into audit_entries (seq, at, actor, action, subject, data, prev, hash) values ($1, $2, $3, $4, $5, $6, $7, $8)', params: [3, at, 'system', 'checkpoint', null, '{}', 'x'.repeat(64), 'y'.repeat(64)] }]);
    await expect(f.store.audit.appendNext((h) => ({ seq: h!.seq + 1, at, actor: 'system', action: 'checkpoint', data: {}, prev: h!.hash, hash: 'c'.repeat(64) }))).rejects.toThrow();
    expect(await rawRows(f.cfg, 'select head_seq, head_hash from audit_append_lock')).toEqual([head]);
    expect((await rawRows(f.cfg, "select count(*) as n from audit_entries where hash = '" + 'c'.repeat(64) + "'")).map((r) => Number(r['n']))).toEqual([0]);
  });

  it('search by action, actor, subject and time; keyset pages by seq', async () => {
    const f = await freshTrail(engine);
    await recordMany(f, 9);
    const r = f.store.reader.audit;
    expect((await r.list({ action: 'rp.suspended' })).map((e) => e.seq)).toEqual([3, 6, 9]);
    expect((await r.list({ actor: 'system' })).map((e) => e.seq)).toEqual([2, 4, 6, 8]);
    expect((await r.list({ subject: `rp_${'4'.padStart(22, '0')}` })).map((e) => e.seq)).toEqual([4]);
    const all = await r.list();
    expect((await r.list({ from: all[2]!.at, to: all[5]!.at })).map((e) => e.seq)).toEqual([3, 4, 5]);
    const page1 = await r.list({ limit: 4 });
    const page2 = await r.list({ limit: 4, after: page1.at(-1)!.seq });
    expect([page1.map((e) => e.seq), page2.map((e) => e.seq)]).toEqual([[1, 2, 3, 4], [5, 6, 7, 8]]);
    await expect(r.list({ limit: 0 })).rejects.toThrow(TypeError);
    await expect(r.list({ action: 'rp.deleted' as never })).rejects.toThrow(TypeError);
  });

  it('checkpoint: signs the head; a no-op while the head has not moved; one per seq even when two race', async () => {
    const f = await freshTrail(engine);
    expect(await f.trail.checkpoint()).toBeUndefined(); // empty trail
    await recordMany(f, 3);
    const c = await f.trail.checkpoint();
    expect(c).toMatchObject({ seq: 3, count: 3, head: (await f.store.audit.head())!.hash });
    expect(await f.trail.checkpoint()).toBeUndefined();
    await recordMany(f, 1);
    await Promise.all([f.trail.checkpoint(), f.trail.checkpoint()]);
    expect((await f.store.reader.audit.listCheckpoints()).map((x) => x.seq)).toEqual([3, 4]);
    expect(await f.store.audit.insertCheckpoint({ seq: 4, token: 'x.y.z' })).toBe(false);
    const report = await f.trail.verify();
    expect([report.ok, report.checked, report.checkpoints, report.head?.seq]).toEqual([true, 4, 2, 4]);
  });

  it('a queued entry commits or rolls back with its action, takes no lock, and joins the chain at the next pass', async () => {
    const f = await freshTrail(engine);
    await recordMany(f, 2);
    await expect(
      f.store.transaction(async (tx) => {
        await f.trail.enqueue(tx, { actor: 'system', action: 'verification.failed', data: { n: 0 } });
        throw new WzError('conflict', 'the action failed after its entry was queued');
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect(await f.store.reader.audit.queued()).toBe(0);
    const before = f.store.statementCount();
    await f.store.transaction((tx) => f.trail.enqueue(tx, { actor: 'system', action: 'verification.completed', subject: 'rp_aaaaaaaaaaaaaaaaaaaaaa', data: { n: 1 } }));
    // One insert: no lock row read, no head moved.
    expect(f.store.statementCount() - before).toBe(1);
    await f.store.transaction((tx) => f.trail.enqueue(tx, { actor: 'system', action: 'verification.failed', data: { n: 2 } }));
    expect([await f.store.reader.audit.queued(), (await f.store.audit.head())?.seq]).toEqual([2, 2]);
    expect(await f.trail.sequence()).toBe(2);
    expect(await f.trail.sequence()).toBe(0);
    const all = await f.store.reader.audit.list();
    expect(all.map((e) => [e.seq, e.action, e.data['n'] ?? null])).toEqual([[1, 'rp.approved', 1], [2, 'rp.approved', 2], [3, 'verification.completed', 1], [4, 'verification.failed', 2]]);
    expect(all[2]!.subject).toBe('rp_aaaaaaaaaaaaaaaaaaaaaa');
    expect(await f.store.reader.audit.queued()).toBe(0);
    expect((await rawRows(f.cfg, 'select head_seq, head_hash from audit_append_lock')).map((r) => [Number(r['head_seq']), r['head_hash']])).toEqual([[4, all[3]!.hash]]);
    expect(summary(await f.trail.verify())).toEqual([]);
  });

  it('an entry the chain would refuse is refused when queued, and fails its action', async () => {
    const f = await freshTrail(engine);
    for (const bad of [{ actor: 'system', action: 'rp.deleted' }, { actor: 'Not An Actor!', action: 'verification.completed' }, { actor: 'system', action: 'verification.completed', data: { big: 'x'.repeat(5000) } }]) {
      await expect(f.store.transaction((tx) => f.trail.enqueue(tx, bad as never))).rejects.toThrow(TypeError);
    }
    expect(await f.store.reader.audit.queued()).toBe(0);
  });

  it('a pass whose entries do not follow the head one by one changes nothing', async () => {
    const f = await freshTrail(engine);
    await recordMany(f, 1);
    await f.store.transaction((tx) => f.trail.enqueue(tx, { actor: 'system', action: 'verification.completed' }));
    await f.store.transaction((tx) => f.trail.enqueue(tx, { actor: 'system', action: 'verification.completed' }));
    const wrong = (h: { hash: string } | undefined, e: { at: number }, seq: number) => ({ seq, at: e.at, actor: 'system', action: 'checkpoint' as const, data: {}, prev: h!.hash, hash: 'd'.repeat(64) });
    await expect(f.store.audit.sequence((h, q) => q.map((e) => wrong(h, e, h!.seq + 1)))).rejects.toThrow(TypeError);
    await expect(f.store.audit.sequence((h, q) => q.slice(1).map((e) => wrong(h, e, h!.seq + 1)))).rejects.toThrow(TypeError);
    await expect(f.store.transaction((tx) => tx.audit.sequence(() => []))).rejects.toThrow(/of its own/);
    expect([await f.store.reader.audit.queued(), (await f.store.audit.head())?.seq]).toEqual([2, 1]);
    expect(await f.trail.flush()).toBe(2);
    expect(summary(await f.trail.verify())).toEqual([]);
  });

  it('flush chains a queue longer than a batch in full passes, and stops after the first that is not full', async () => {
    const f = await freshTrail(engine);
    await f.store.transaction(async (tx) => {
      for (let i = 0; i < 1_100; i++) await f.trail.enqueue(tx, { actor: 'system', action: 'verification.completed', data: { i } });
    });
    const before = f.store.statementCount();
    expect(await f.trail.flush()).toBe(1_100);
    // Three passes (500, 500, 100), each: the lock, the queue's read, the writes (one on PostgreSQL,
    // three on SQLite) — and once the trail's last entry, which the empty trail's lock row does not name yet.
    expect(f.store.statementCount() - before).toBe(3 * (engine.name === 'postgres' ? 3 : 5) + 1);
    expect([await f.store.reader.audit.queued(), (await f.store.audit.head())?.seq]).toEqual([0, 1_100]);
    expect((await f.store.reader.audit.list({ after: 1_095 })).map((e) => e.data['i'])).toEqual([1_095, 1_096, 1_097, 1_098, 1_099]);
    expect(summary(await f.trail.verify())).toEqual([]);
  });

  it('a pass that may not wait skips while another transaction holds the lock (PostgreSQL), and chains once it is free', async () => {
    const f = await freshTrail(engine);
    await f.store.transaction((tx) => f.trail.enqueue(tx, { actor: 'system', action: 'verification.completed' }));
    if (f.cfg.engine === 'postgres') {
      const holder = new pg.Client({ connectionString: f.cfg.url, options: `-c search_path=${f.cfg.schema}` });
      await holder.connect();
      try {
        await holder.query('begin');
        await holder.query('select head_seq from audit_append_lock where id = 3 for update');
        expect(await f.trail.sequence({ wait: false })).toBe(0);
        expect(await f.store.reader.audit.queued()).toBe(1);
        const waiting = f.trail.sequence(); // waits for the lock
        await new Promise((r) => setTimeout(r, 50));
        await holder.query('commit');
        expect(await waiting).toBe(1);
      } finally {
        await holder.end();
      }
    } else {
      expect(await f.trail.sequence({ wait: false })).toBe(1); // SQLite: BEGIN IMMEDIATE waits (busy_timeout) instead
    }
    expect([await f.store.reader.audit.queued(), (await f.store.audit.head())?.seq]).toEqual([0, 1]);
  });

  it('60 queued and 10 chained at once, passes running meanwhile → one contiguous chain, each entry once', async () => {
    const f = await freshTrail(engine);
    await Promise.all([
      ...Array.from({ length: 60 }, (_, i) => f.store.transaction((tx) => f.trail.enqueue(tx, { actor: 'system', action: 'verification.completed', data: { q: i } })).then(() => f.trail.sequence({ wait: false }))),
      ...Array.from({ length: 10 }, (_, i) => f.store.transaction((tx) => f.trail.record(tx, { actor: 'admin:ops-1', action: 'rp.approved', data: { r: i } }))),
    ]);
    await f.trail.flush();
    const all = await f.store.reader.audit.list({ limit: 1000 });
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 70 }, (_, i) => i + 1));
    expect(new Set(all.map((e) => `${e.data['q'] ?? ''}/${e.data['r'] ?? ''}`)).size).toBe(70);
    expect(summary(await f.trail.verify())).toEqual([]);
  });

  it('three server processes queueing and sequencing at once → every entry chained once, one contiguous chain', async () => {
    const f = await freshTrail(engine);
    await recordMany(f, 1);
    const chained = await Promise.all([appendInChild<number>(f.cfg, 20, 'queue'), appendInChild<number>(f.cfg, 20, 'queue'), appendInChild<number>(f.cfg, 20, 'queue')]);
    const late = await f.trail.flush(); // what the last passes skipped while another held the lock
    expect(chained.reduce((a, b) => a + b, 0) + late).toBe(60);
    const rows = await rawRows(f.cfg, 'select seq, data from audit_entries order by seq');
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));
    expect(new Set(rows.slice(1).map((r) => String(r.data))).size).toBe(60);
    expect(summary(await f.trail.verify())).toEqual([]);
  });

  it('cancellation: shredding the person leaves the entries that refer to them, and the chain, intact', async () => {
    const f = await freshTrail(engine);
    const dek = randomBytes(16);
    const person = fakePerson();
    await f.store.persons.insert(person);
    const subject = f.trail.subjectOf(dek);
    await f.store.transaction((tx) => f.trail.record(tx, { actor: 'admin:ops-1', action: 'person.locked', subject }));
    await recordMany(f, 2);
    await f.trail.checkpoint();
    expect(await f.store.persons.shred(person.id)).toBe(true);
    expect((await f.store.reader.audit.list({ subject })).map((e) => e.seq)).toEqual([1]);
    expect(summary(await f.trail.verify())).toEqual([]);
    // The entry names the person by a digest keyed with their data key: not their id, not their 网号.
    expect([subject === person.id, subject === person.netid, subject.length]).toEqual([false, false, 43]);
  });
});
