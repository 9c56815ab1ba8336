/**
 * Enrollments in progress (migration 0002): digests, a wrapped key and sealed bytes only; each
 * step a compare-and-set on (state, nonce digest); guardian-approval codes unique; expired
 * enrollments swept. Every suite runs on SQLite and PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { isWzError } from '@wangzheng/core/errors';
import { newId, openStore, type EnrollmentPatch, type NewEnrollment, type Store } from '../../src/store/index.ts';
import { describeEachEngine, type TestEngine } from '../support/engines.ts';
import { rejectionCode as codeOf } from '../../../../test/support/errors.ts';

const T0 = 1_770_000_000_000;
const MINUTE = 60_000;

/** Random bytes where digests, the wrapped key and the sealed state would be: the store alone. */
function fakeEnrollment(over: Partial<NewEnrollment> = {}): NewEnrollment {
  return {
    id: newId(),
    tokenHash: randomBytes(32),
    state: 'document_type',
    nonceHash: randomBytes(32),
    nonceExpiresAt: T0 + 5 * MINUTE,
    expiresAt: T0 + 30 * MINUTE,
    kekId: 'kek-1',
    wrappedDek: randomBytes(46),
    sealed: randomBytes(120),
    ...over,
  };
}

function nextStep(state: string, over: Partial<EnrollmentPatch> = {}): EnrollmentPatch {
  return { state, nonceHash: randomBytes(32), nonceExpiresAt: T0 + 10 * MINUTE, sealed: randomBytes(140), ...over };
}

function same(a: Uint8Array | null | undefined, b: Uint8Array | null | undefined): boolean {
  if (a == null || b == null) return a === b;
  return Buffer.from(a).equals(Buffer.from(b));
}

/** Stores that write to one database concurrently: two pools on PostgreSQL (two "processes"). */
async function concurrentStores(engine: TestEngine): Promise<Store[]> {
  const cfg = await engine.freshConfig();
  const first = await engine.open(cfg);
  // One SQLite file is opened once per process (docs/store.md): its writers are serialised anyway.
  return engine.name === 'postgres' ? [first, await engine.open(cfg)] : [first];
}

describeEachEngine('enrollments: insert and read back', (engine) => {
  let store: Store;
  beforeAll(async () => {
    store = await engine.openFresh({ now: () => T0 });
  });

  it('insert then findById returns the same bytes and fields; updatedAt starts at createdAt', async () => {
    const e = fakeEnrollment({ approvalCodeHash: randomBytes(32) });
    const inserted = await store.enrollments.insert(e);
    const found = await store.enrollments.findById(e.id);
    expect(found).toBeDefined();
    for (const k of ['tokenHash', 'nonceHash', 'wrappedDek', 'sealed', 'approvalCodeHash'] as const) {
      expect(same(found![k], e[k]), k).toBe(true);
      expect(found![k]).toBeInstanceOf(Uint8Array);
    }
    expect(found).toMatchObject({ id: e.id, state: 'document_type', kekId: 'kek-1', nonceExpiresAt: e.nonceExpiresAt, expiresAt: e.expiresAt });
    expect(found?.createdAt).toBe(T0);
    expect(found?.updatedAt).toBe(T0);
    const bytes = { tokenHash: 0, nonceHash: 0, wrappedDek: 0, sealed: 0, approvalCodeHash: 0 };
    expect({ ...found, ...bytes }).toEqual({ ...inserted, ...bytes });
  });

  it('approvalCodeHash defaults to null; createdAt can be given', async () => {
    const e = fakeEnrollment({ createdAt: T0 - 1000 });
    await store.enrollments.insert(e);
    expect(await store.enrollments.findById(e.id)).toMatchObject({ approvalCodeHash: null, createdAt: T0 - 1000, updatedAt: T0 - 1000 });
  });

  it('a malformed id finds nothing, an upper-case one is canonicalised, writing a malformed one is a TypeError', async () => {
    const e = fakeEnrollment();
    await store.enrollments.insert(e);
    expect((await store.enrollments.findById(e.id.toUpperCase()))?.id).toBe(e.id);
    expect(await store.enrollments.findById('not-a-uuid')).toBeUndefined();
    expect(await store.enrollments.findById("' or 1=1 --")).toBeUndefined();
    expect(await store.enrollments.delete('nope')).toBe(false);
    await expect(store.enrollments.insert(fakeEnrollment({ id: 'nope' }))).rejects.toThrow(TypeError);
  });

  it('state and kekId are codes, bytes are non-empty (TypeError: programming error)', async () => {
    await expect(store.enrollments.insert(fakeEnrollment({ state: '张三 chip' }))).rejects.toThrow(TypeError);
    await expect(store.enrollments.insert(fakeEnrollment({ kekId: 'KEK 1' }))).rejects.toThrow(TypeError);
    await expect(store.enrollments.insert(fakeEnrollment({ sealed: new Uint8Array(0) }))).rejects.toThrow(TypeError);
    await expect(store.enrollments.insert(fakeEnrollment({ expiresAt: -1 }))).rejects.toThrow(TypeError);
  });

  it('the same id twice → conflict', async () => {
    const e = fakeEnrollment();
    await store.enrollments.insert(e);
    expect(await codeOf(store.enrollments.insert(fakeEnrollment({ id: e.id })))).toBe('conflict');
  });

  it('delete removes the row once; count counts rows', async () => {
    const s = await engine.openFresh();
    const [a, b] = [fakeEnrollment(), fakeEnrollment()];
    await s.enrollments.insert(a);
    await s.enrollments.insert(b);
    expect(await s.enrollments.count()).toBe(2);
    expect(await s.enrollments.delete(a.id)).toBe(true);
    expect(await s.enrollments.delete(a.id)).toBe(false);
    expect(await s.enrollments.findById(a.id)).toBeUndefined();
    expect(await s.enrollments.count()).toBe(1);
  });

  it('an abandoned enrollment leaves only a counter: delete and increment in one transaction', async () => {
    const s = await engine.openFresh();
    const e = fakeEnrollment();
    await s.enrollments.insert(e);
    await s.transaction(async (tx) => {
      expect(await tx.enrollments.delete(e.id)).toBe(true);
      await tx.counters.increment('enrollment.abandoned');
    });
    expect(await s.enrollments.count()).toBe(0);
    expect(await s.counters.get('enrollment.abandoned')).toBe(1);
  });
});

describeEachEngine('enrollments: advance is a compare-and-set on (state, nonce digest)', (engine) => {
  let store: Store;
  let t = T0;
  beforeAll(async () => {
    store = await engine.openFresh({ now: () => t });
  });

  it('succeeds once with the current state and nonce; replaying the same request fails', async () => {
    const e = fakeEnrollment();
    await store.enrollments.insert(e);
    const expected = { state: e.state, nonceHash: e.nonceHash };
    const patch = nextStep('chip');
    t += 1000;
    expect(await store.enrollments.advance(e.id, expected, patch)).toBe(true);
    const found = await store.enrollments.findById(e.id);
    expect(found).toMatchObject({ state: 'chip', nonceExpiresAt: patch.nonceExpiresAt, createdAt: T0, updatedAt: T0 + 1000 });
    expect(same(found?.nonceHash, patch.nonceHash)).toBe(true);
    expect(same(found?.sealed, patch.sealed)).toBe(true);
    expect(await store.enrollments.advance(e.id, expected, nextStep('chip'))).toBe(false);
    expect(same((await store.enrollments.findById(e.id))?.sealed, patch.sealed)).toBe(true);
  });

  it('a stale nonce, a wrong state, or both: false and nothing changes', async () => {
    const e = fakeEnrollment({ state: 'chip' });
    await store.enrollments.insert(e);
    const before = await store.enrollments.findById(e.id);
    expect(await store.enrollments.advance(e.id, { state: 'chip', nonceHash: randomBytes(32) }, nextStep('face'))).toBe(false);
    expect(await store.enrollments.advance(e.id, { state: 'document_type', nonceHash: e.nonceHash }, nextStep('face'))).toBe(false);
    expect(await store.enrollments.advance(e.id, { state: 'face', nonceHash: randomBytes(32) }, nextStep('phone_code'))).toBe(false);
    expect(await store.enrollments.findById(e.id)).toEqual(before);
    // The right pair still works afterwards.
    expect(await store.enrollments.advance(e.id, { state: 'chip', nonceHash: e.nonceHash }, nextStep('face'))).toBe(true);
  });

  it('an unknown or malformed id → false', async () => {
    const expected = { state: 'chip', nonceHash: randomBytes(32) };
    expect(await store.enrollments.advance(newId(), expected, nextStep('face'))).toBe(false);
    expect(await store.enrollments.advance('not-a-uuid', expected, nextStep('face'))).toBe(false);
  });

  it('approvalCodeHash and expiresAt: omitted → unchanged, given → set, null → cleared', async () => {
    const code = randomBytes(32);
    const e = fakeEnrollment();
    await store.enrollments.insert(e);
    const p1 = nextStep('guardian_approval', { approvalCodeHash: code, expiresAt: T0 + 24 * 60 * MINUTE });
    expect(await store.enrollments.advance(e.id, { state: e.state, nonceHash: e.nonceHash }, p1)).toBe(true);
    let found = await store.enrollments.findById(e.id);
    expect(same(found?.approvalCodeHash, code)).toBe(true);
    expect(found?.expiresAt).toBe(T0 + 24 * 60 * MINUTE);
    const p2 = nextStep('guardian_approved');
    expect(await store.enrollments.advance(e.id, { state: p1.state, nonceHash: p1.nonceHash }, p2)).toBe(true);
    found = await store.enrollments.findById(e.id);
    expect(same(found?.approvalCodeHash, code)).toBe(true);
    expect(found?.expiresAt).toBe(T0 + 24 * 60 * MINUTE);
    const p3 = nextStep('phone_code', { approvalCodeHash: null });
    expect(await store.enrollments.advance(e.id, { state: p2.state, nonceHash: p2.nonceHash }, p3)).toBe(true);
    expect((await store.enrollments.findById(e.id))?.approvalCodeHash).toBeNull();
  });

  it('a patch may keep state and nonce (recording without making the holder’s nonce stale); the CAS still applies', async () => {
    const e = fakeEnrollment({ state: 'phone_code' });
    await store.enrollments.insert(e);
    const expected = { state: e.state, nonceHash: e.nonceHash };
    const keep = nextStep('phone_code', { nonceHash: Buffer.from(e.nonceHash), nonceExpiresAt: e.nonceExpiresAt });
    expect(await store.enrollments.advance(e.id, expected, keep)).toBe(true);
    expect(same((await store.enrollments.findById(e.id))?.sealed, keep.sealed)).toBe(true);
    // The holder's nonce is still current…
    const next = nextStep('device');
    expect(await store.enrollments.advance(e.id, expected, next)).toBe(true);
    // …until a step replaces it.
    expect(await store.enrollments.advance(e.id, expected, nextStep('device'))).toBe(false);
  });

  it('concurrent requests answering the same nonce: exactly one wins (Promise.all; two pools on PostgreSQL)', async () => {
    const stores = await concurrentStores(engine);
    for (let round = 0; round < 10; round++) {
      const e = fakeEnrollment();
      await stores[0]!.enrollments.insert(e);
      const expected = { state: e.state, nonceHash: e.nonceHash };
      const patches = Array.from({ length: 8 }, () => nextStep('chip'));
      const results = await Promise.all(patches.map((p, i) => stores[i % stores.length]!.enrollments.advance(e.id, expected, p)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = patches[results.indexOf(true)]!;
      const found = await stores[0]!.enrollments.findById(e.id);
      expect(same(found?.nonceHash, winner.nonceHash)).toBe(true);
      expect(same(found?.sealed, winner.sealed)).toBe(true);
    }
  });

  it('a request waiting for the row while another step commits loses (the WHERE is re-checked)', async () => {
    const s = await engine.openFresh();
    const e = fakeEnrollment();
    await s.enrollments.insert(e);
    const expected = { state: e.state, nonceHash: e.nonceHash };
    let advanced!: () => void;
    const firstDone = new Promise<void>((r) => (advanced = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // The first step updates the row inside a transaction and holds it (PostgreSQL: the row
    // lock; SQLite: the write lock on the database) until the gate opens.
    const first = s.transaction(async (tx) => {
      const ok = await tx.enrollments.advance(e.id, expected, nextStep('chip'));
      advanced();
      await gate;
      return ok;
    });
    await firstDone;
    const second = s.enrollments.advance(e.id, expected, nextStep('chip'));
    const settled = await Promise.race([second.then(() => 'settled'), new Promise((r) => setTimeout(() => r('waiting'), 200))]);
    expect(settled).toBe('waiting');
    release();
    expect(await first).toBe(true);
    expect(await second).toBe(false);
  });
});

describeEachEngine('enrollments: guardian-approval codes (applicants aged 14–17)', (engine) => {
  let store: Store;
  beforeAll(async () => {
    store = await engine.openFresh();
  });

  it('findByApprovalCode finds the one enrollment waiting for the code; an unknown code finds nothing', async () => {
    const code = randomBytes(32);
    const e = fakeEnrollment({ approvalCodeHash: code });
    await store.enrollments.insert(e);
    expect((await store.enrollments.findByApprovalCode(Buffer.from(code)))?.id).toBe(e.id);
    expect(await store.enrollments.findByApprovalCode(randomBytes(32))).toBeUndefined();
    await expect(store.enrollments.findByApprovalCode(new Uint8Array(0))).rejects.toThrow(TypeError);
  });

  it('a code already held by another enrollment → conflict, on insert and on advance; the detail names the constraint only', async () => {
    const code = randomBytes(32);
    await store.enrollments.insert(fakeEnrollment({ approvalCodeHash: code }));
    const err = await store.enrollments.insert(fakeEnrollment({ approvalCodeHash: code })).catch((x: unknown) => x);
    expect(isWzError(err, 'conflict')).toBe(true);
    const detail = String((err as { detail?: unknown }).detail);
    expect(detail).toMatch(/approval_code_hash/);
    expect(detail).not.toContain(code.toString('hex'));

    const other = fakeEnrollment();
    await store.enrollments.insert(other);
    const expected = { state: other.state, nonceHash: other.nonceHash };
    expect(await codeOf(store.enrollments.advance(other.id, expected, nextStep('guardian_approval', { approvalCodeHash: code })))).toBe('conflict');
    // The failed advance changed nothing: the same expected values still work.
    expect(await store.enrollments.advance(other.id, expected, nextStep('guardian_approval', { approvalCodeHash: randomBytes(32) }))).toBe(true);
  });

  it('once cleared or deleted, a code can be given out again', async () => {
    const code = randomBytes(32);
    const a = fakeEnrollment({ approvalCodeHash: code });
    await store.enrollments.insert(a);
    expect(await store.enrollments.delete(a.id)).toBe(true);
    const b = fakeEnrollment({ approvalCodeHash: code });
    await store.enrollments.insert(b);
    expect((await store.enrollments.findByApprovalCode(code))?.id).toBe(b.id);
  });

  it('any number of enrollments without a code (NULLs do not collide)', async () => {
    for (let i = 0; i < 5; i++) await store.enrollments.insert(fakeEnrollment({ approvalCodeHash: null }));
  });
});

describeEachEngine('enrollments: the expiry sweep deletes expiresAt <= now', (engine) => {
  it('boundary pair: a row expiring at T survives deleteExpired(T - 1) and goes with deleteExpired(T); T + 1 survives deleteExpired(T)', async () => {
    const store = await engine.openFresh();
    const T = T0 + 30 * MINUTE;
    const at = fakeEnrollment({ expiresAt: T });
    const after = fakeEnrollment({ expiresAt: T + 1 });
    await store.enrollments.insert(at);
    await store.enrollments.insert(after);
    expect(await store.enrollments.deleteExpired(T - 1, 100)).toBe(0);
    expect((await store.enrollments.findById(at.id))?.id).toBe(at.id);
    expect(await store.enrollments.deleteExpired(T, 100)).toBe(1);
    expect(await store.enrollments.findById(at.id)).toBeUndefined();
    expect((await store.enrollments.findById(after.id))?.id).toBe(after.id);
    expect(await store.enrollments.deleteExpired(T + 1, 100)).toBe(1);
    expect(await store.enrollments.count()).toBe(0);
  });

  it('limit caps each sweep, oldest first, until none are left', async () => {
    const store = await engine.openFresh();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const e = fakeEnrollment({ expiresAt: T0 + i });
      ids.push(e.id);
      await store.enrollments.insert(e);
    }
    const live = fakeEnrollment({ expiresAt: T0 + MINUTE });
    await store.enrollments.insert(live);
    expect(await store.enrollments.deleteExpired(T0 + 10, 2)).toBe(2);
    expect(await store.enrollments.findById(ids[0]!)).toBeUndefined();
    expect(await store.enrollments.findById(ids[1]!)).toBeUndefined();
    expect((await store.enrollments.findById(ids[2]!))?.id).toBe(ids[2]);
    expect(await store.enrollments.deleteExpired(T0 + 10, 2)).toBe(2);
    expect(await store.enrollments.deleteExpired(T0 + 10, 2)).toBe(1);
    expect(await store.enrollments.deleteExpired(T0 + 10, 2)).toBe(0);
    expect(await store.enrollments.count()).toBe(1);
    expect((await store.enrollments.findById(live.id))?.id).toBe(live.id);
  });

  it('sweep and counter in one transaction: only the number remains', async () => {
    const store = await engine.openFresh();
    for (let i = 0; i < 3; i++) await store.enrollments.insert(fakeEnrollment({ expiresAt: T0 }));
    const n = await store.transaction(async (tx) => {
      const deleted = await tx.enrollments.deleteExpired(T0, 1000);
      await tx.counters.increment('enrollment.expired', deleted);
      return deleted;
    });
    expect(n).toBe(3);
    expect(await store.enrollments.count()).toBe(0);
    expect(await store.counters.get('enrollment.expired')).toBe(3);
  });

  it('a limit outside 1..10000 or a negative time is a TypeError', async () => {
    const store = await engine.openFresh();
    for (const limit of [0, -1, 1.5, 10_001]) await expect(store.enrollments.deleteExpired(T0, limit)).rejects.toThrow(TypeError);
    await expect(store.enrollments.deleteExpired(-1, 10)).rejects.toThrow(TypeError);
  });
});

describeEachEngine('enrollments and passphrases: the reader view carries no write method', (engine) => {
  it('store.reader.enrollments and store.reader.passphrases hold the read methods only, at run time', async () => {
    const store = await engine.openFresh();
    expect(Object.keys(store.reader.enrollments).sort()).toEqual(['count', 'findByApprovalCode', 'findById']);
    expect(Object.keys(store.reader.passphrases)).toEqual(['find']);
    const e = store.reader.enrollments as unknown as Record<string, unknown>;
    for (const m of ['insert', 'advance', 'delete', 'deleteExpired']) expect(e[m]).toBeUndefined();
    const p = store.reader.passphrases as unknown as Record<string, unknown>;
    for (const m of ['set', 'recordFailure', 'resetFailures']) expect(p[m]).toBeUndefined();
    // …and the readers work.
    const row = fakeEnrollment();
    await store.enrollments.insert(row);
    expect((await store.reader.enrollments.findById(row.id))?.id).toBe(row.id);
    expect(await store.reader.enrollments.count()).toBe(1);
    expect(await store.reader.passphrases.find(newId())).toBeUndefined();
  });

  it('and in the types (checked by tsc)', () => {
    const typeOnly = (store: Store) => {
      // @ts-expect-error readers have no advance
      void store.reader.enrollments.advance;
      // @ts-expect-error readers have no deleteExpired
      void store.reader.enrollments.deleteExpired;
      // @ts-expect-error readers have no recordFailure
      void store.reader.passphrases.recordFailure;
    };
    expect(typeof typeOnly).toBe('function');
  });
});

describe('SQLite secure_delete: a deleted enrollment leaves no bytes of its wrapped key or sealed state in the file [sqlite]', () => {
  it('after delete, sweep and checkpoint, neither is in the database file or WAL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wz-enrollment-'));
    try {
      const path = join(dir, 'db.sqlite');
      const store = await openStore({ engine: 'sqlite', path });
      const rows = Array.from({ length: 10 }, (_, i) => fakeEnrollment({ expiresAt: T0 + i }));
      for (const r of rows) await store.enrollments.insert(r);
      const [abandoned, expired, survivor] = [rows[3]!, rows[0]!, rows[9]!];
      await store.enrollments.delete(abandoned.id);
      expect(await store.enrollments.deleteExpired(T0, 10)).toBe(1);
      await store.close();

      const db = new Database(path);
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      const files = [path, `${path}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f));
      const contains = (needle: Uint8Array) => files.some((f) => f.includes(Buffer.from(needle)));
      // The check can fail: the survivor's bytes are found the same way.
      expect(contains(survivor.wrappedDek)).toBe(true);
      expect(contains(survivor.sealed)).toBe(true);
      for (const gone of [abandoned, expired]) {
        expect(contains(gone.wrappedDek)).toBe(false);
        expect(contains(gone.sealed)).toBe(false);
        expect(contains(gone.tokenHash)).toBe(false);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
