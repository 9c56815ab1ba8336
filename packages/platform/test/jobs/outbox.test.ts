// The job outbox on SQLite and PostgreSQL: jobs exist iff the enqueuing transaction commits;
// (queue, ref) is idempotent; payloads are sealed; claims hand each due job to one claimer,
// oldest first, and expire (a crashed worker's job is taken again after locked_until); every
// change after a claim is a compare-and-set on the claim token.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { getSuite } from '@wangzheng/core/crypto/index';
import { Outbox, Sealer } from '../../src/jobs/index.ts';
import { DataProtector } from '../../src/protect/index.ts';
import type { Store, StoreConfig } from '../../src/store/index.ts';
import { rejectionCode } from '../../../../test/support/errors.ts';
import { wholeDump } from '../support/dump.ts';
import { describeEachEngine } from '../support/engines.ts';
import { kekRing } from '../support/keys.ts';

const suite = getSuite('gm');
const sealer = new Sealer(new DataProtector(suite, kekRing(suite)));
const token = () => randomBytes(16).toString('base64url');
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const Q = 'rp_AAAAAAAAAAAAAAAAAAAAAA';

describeEachEngine('job outbox', (engine) => {
  let cfg: StoreConfig;
  let store: Store;
  let t = 1_800_000_000_000;
  const now = () => t;
  const outbox = new Outbox({ sealer, now });

  beforeAll(async () => {
    cfg = await engine.freshConfig();
    store = await engine.open(cfg, { now });
  });

  const claim = (s: Store, o: { limit?: number; lease?: number; tok?: string } = {}) =>
    s.jobs.claim({ kinds: ['ssf.deliver'], now: t, leaseMs: o.lease ?? 30_000, limit: o.limit ?? 10, claimToken: o.tok ?? token() });

  it('transactional outbox: the job exists iff the transaction that enqueued it commits', async () => {
    const q = `${Q}-a`;
    await expect(store.transaction(async (tx) => {
      await outbox.enqueue(tx, { kind: 'ssf.poll', queue: q, ref: 'rolled-back', payload: bytes('x') });
      throw new TypeError('boom');
    })).rejects.toThrow('boom');
    expect(await store.jobs.listPending(q, 'ssf.poll', 10)).toEqual([]);
    const id = await store.transaction((tx) => outbox.enqueue(tx, { kind: 'ssf.poll', queue: q, ref: 'kept', payload: bytes('x') }));
    expect((await store.jobs.listPending(q, 'ssf.poll', 10)).map((j) => [j.id, j.ref, j.state, j.attempts])).toEqual([[id, 'kept', 'pending', 0]]);
  });

  it('(queue, ref) is an idempotency key: a second enqueue of the same SET is a no-op, not an error', async () => {
    const q = `${Q}-b`;
    const first = await store.transaction((tx) => outbox.enqueue(tx, { kind: 'ssf.poll', queue: q, ref: 'jti-1', payload: bytes('a') }));
    const again = await store.transaction(async (tx) => {
      const r = await outbox.enqueue(tx, { kind: 'ssf.poll', queue: q, ref: 'jti-1', payload: bytes('b') });
      // The transaction is still usable after the no-op (an error would end it on PostgreSQL).
      await outbox.enqueue(tx, { kind: 'ssf.poll', queue: q, ref: 'jti-2', payload: bytes('c') });
      return r;
    });
    expect(typeof first).toBe('string');
    expect(again).toBeUndefined();
    expect((await store.jobs.listPending(q, 'ssf.poll', 10)).map((j) => j.ref).sort()).toEqual(['jti-1', 'jti-2']);
  });

  it('the payload is sealed under a key of its own: not in the database in clear, and bound to its job', async () => {
    const q = `${Q}-c`;
    const secret = `eyJhbGciOiJTTTIifQ.${randomBytes(24).toString('base64url')}.sig`;
    await store.transaction((tx) => outbox.enqueue(tx, { kind: 'ssf.poll', queue: q, ref: 'sealed', payload: bytes(secret) }));
    const [job] = await store.jobs.listPending(q, 'ssf.poll', 1);
    expect(text(sealer.open(job!.id, 'job_payload', job!.payload!))).toBe(secret);
    const dump = await wholeDump(cfg as never);
    for (const hay of dump) expect(Buffer.from(hay.data).includes(secret)).toBe(false);
    // Moved to another job (or purpose) it does not open.
    expect(await rejectionCode(Promise.resolve().then(() => sealer.open(crypto.randomUUID(), 'job_payload', job!.payload!)))).toBe('decryption_failed');
    expect(await rejectionCode(Promise.resolve().then(() => sealer.open(job!.id, 'ssf_auth_header', job!.payload!)))).toBe('decryption_failed');
  });

  it('claim: due jobs only (boundary run_at = now), oldest first, attempts + 1, a lease; other kinds untouched', async () => {
    const q = `${Q}-d`;
    await store.transaction(async (tx) => {
      await outbox.enqueue(tx, { kind: 'ssf.deliver', queue: q, ref: 'later', runAt: t + 1 });
      await outbox.enqueue(tx, { kind: 'ssf.deliver', queue: q, ref: 'second', runAt: t });
      await outbox.enqueue(tx, { kind: 'ssf.deliver', queue: q, ref: 'first', runAt: t - 5 });
      await outbox.enqueue(tx, { kind: 'ssf.poll', queue: q, ref: 'held', runAt: t - 10 });
    });
    const tok = token();
    const got = await claim(store, { tok });
    expect(got.map((j) => [j.ref, j.state, j.attempts, j.lockedUntil, j.claimToken])).toEqual([
      ['first', 'running', 1, t + 30_000, tok],
      ['second', 'running', 1, t + 30_000, tok],
    ]);
    expect(await claim(store)).toEqual([]);
    t += 1;
    expect((await claim(store)).map((j) => j.ref)).toEqual(['later']);
    expect((await store.jobs.listPending(q, 'ssf.poll', 5)).map((j) => j.ref)).toEqual(['held']);
    for (const j of got) expect(await store.jobs.finish(j.id, tok)).toBe(true);
  });

  it('a crashed claim is taken again once locked_until has passed (boundary), and the old claimer then changes nothing', async () => {
    const q = `${Q}-e`;
    await store.transaction((tx) => outbox.enqueue(tx, { kind: 'ssf.deliver', queue: q, ref: 'crash' }));
    const crashed = token();
    const [j] = await claim(store, { tok: crashed, lease: 1_000 });
    t += 999;
    expect(await claim(store)).toEqual([]);
    t += 1;
    const second = token();
    const [again] = await claim(store, { tok: second });
    expect([again!.id, again!.attempts, again!.claimToken]).toEqual([j!.id, 2, second]);
    expect(await store.jobs.finish(j!.id, crashed)).toBe(false);
    expect(await store.jobs.reschedule(j!.id, crashed, { runAt: t, lastError: 'http_503' })).toBe(false);
    expect(await store.jobs.fail(j!.id, crashed, 'x')).toBe(false);
    expect(await store.jobs.finish(j!.id, second)).toBe(true);
    expect(await store.jobs.finish(j!.id, second)).toBe(false);
  });

  it('reschedule keeps the payload and records the code; fail drops the payload and keeps only the code', async () => {
    const q = `${Q}-f`;
    await store.transaction((tx) => outbox.enqueue(tx, { kind: 'ssf.deliver', queue: q, ref: 'r', payload: bytes('SET') }));
    let tok = token();
    const [j] = await claim(store, { tok });
    expect(await store.jobs.reschedule(j!.id, tok, { runAt: t + 2_000, lastError: 'http_503' })).toBe(true);
    t += 2_000;
    tok = token();
    const [k] = await claim(store, { tok });
    expect([k!.attempts, k!.lastError, text(sealer.open(k!.id, 'job_payload', k!.payload!))]).toEqual([2, 'http_503', 'SET']);
    expect(await store.jobs.fail(k!.id, tok, 'rejected:invalid_key')).toBe(true);
    expect(await store.jobs.countByQueue([q])).toEqual({ [q]: { pending: 0, failed: 1 } });
    expect(await claim(store)).toEqual([]);
  });

  it('two claimers on one database (two processes) never get the same job', async () => {
    const q = `${Q}-g`;
    const other = await engine.open(cfg, { now });
    await store.transaction(async (tx) => {
      for (let i = 0; i < 60; i++) await outbox.enqueue(tx, { kind: 'ssf.deliver', queue: q, ref: `j${i}` });
    });
    const seen: string[] = [];
    for (let round = 0; round < 20; round++) {
      const got = await Promise.all([claim(store, { limit: 4 }), claim(other, { limit: 4 }), claim(store, { limit: 3 }), claim(other, { limit: 3 })]);
      const flat = got.flat();
      if (flat.length === 0) break;
      seen.push(...flat.map((j) => j.ref!));
    }
    expect(seen.length).toBe(60);
    expect(new Set(seen).size).toBe(60);
  });

  it('poll-side operations touch only their own queue: ack deletes, failRef keeps a code, changeKind and dropQueue', async () => {
    const mine = `${Q}-h`;
    const theirs = `${Q}-i`;
    await store.transaction(async (tx) => {
      for (const r of ['a', 'b', 'c']) await outbox.enqueue(tx, { kind: 'ssf.poll', queue: mine, ref: r, payload: bytes(r) });
      await outbox.enqueue(tx, { kind: 'ssf.poll', queue: theirs, ref: 'a', payload: bytes('a') });
    });
    expect(await store.jobs.deleteRefs(mine, 'ssf.poll', ['a', 'zz'])).toBe(1);
    expect(await store.jobs.failRef(mine, 'ssf.poll', 'b', 'rejected:invalid_key')).toBe(true);
    expect(await store.jobs.failRef(mine, 'ssf.poll', 'b', 'rejected:invalid_key')).toBe(false);
    expect((await store.jobs.listPending(theirs, 'ssf.poll', 5)).map((j) => j.ref)).toEqual(['a']);
    expect(await store.jobs.changeKind(mine, 'ssf.poll', 'ssf.deliver')).toBe(1);
    expect((await claim(store)).map((j) => j.ref)).toEqual(['c']);
    expect(await store.jobs.dropQueue(mine)).toBe(1);
    expect(await store.jobs.countByQueue([mine, theirs])).toEqual({ [mine]: { pending: 0, failed: 1 }, [theirs]: { pending: 1, failed: 0 } });
  });

  it('misuse is a TypeError: unknown kind, bad ref, bad claim token', async () => {
    await expect(store.transaction((tx) => outbox.enqueue(tx, { kind: 'ssf.nope' as never, queue: Q }))).rejects.toThrow(TypeError);
    await expect(store.transaction((tx) => outbox.enqueue(tx, { kind: 'ssf.poll', queue: Q, ref: 'has space' }))).rejects.toThrow(TypeError);
    await expect(store.jobs.claim({ kinds: ['ssf.deliver'], now: t, leaseMs: 1, limit: 1, claimToken: 'short' })).rejects.toThrow(TypeError);
  });
});
