// The expiry sweep (`sweep.expired`) on SQLite and PostgreSQL, run by the real worker with an
// injected clock: only rows at or past their expiry go (boundary pairs: expiresAt = now goes,
// now + 1 stays), expired enrollments are counted as abandoned exactly, SSF rows go after the
// retention (unacknowledged poll SETs counted on the stream as failed), batches are bounded,
// one sweep row exists at a time and re-enqueues itself once per run, a broken step defers
// the sweep without failing it, and several workers on one database never run two sweeps at
// once. Also: the configuration keys, and createPlatform scheduling the sweep on its worker.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getSuite } from '@wangzheng/core/crypto/index';
import { loadConfig } from '../../src/config.ts';
import { ExpirySweep, Sealer, SWEEP_QUEUE, Worker, type JobHandler, type SweepOptions } from '../../src/jobs/index.ts';
import { DataProtector } from '../../src/protect/index.ts';
import { newId, type JobRecord, type NewEnrollment, type Store } from '../../src/store/index.ts';
import { rejectionCode } from '../../../../test/support/errors.ts';
import { describeEachEngine, type TestEngine } from '../support/engines.ts';
import { kekRing } from '../support/keys.ts';
import { insertApprovedRp } from '../support/rows.ts';
import { startRegistry, startRpPlatform, type SharedRegistry } from '../rp/harness.ts';

const suite = getSuite('gm');
const sealer = new Sealer(new DataProtector(suite, kekRing(suite)));
const T0 = 1_800_000_000_000;
const MINUTE = 60_000;
const DAY = 86_400_000;
const INTERVAL = MINUTE;
const RETENTION = 7 * DAY;
const token = () => randomBytes(16).toString('base64url');

/** A logger that keeps what the sweep logs. */
function recorder() {
  const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg: string) => void lines.push({ level, obj, msg });
  return { lines, logger: { info: at('info'), error: at('error'), debug: at('debug') } as unknown as NonNullable<SweepOptions['logger']> };
}

function fakeEnrollment(expiresAt: number): NewEnrollment {
  return {
    id: newId(),
    tokenHash: randomBytes(32),
    state: 'document_type',
    nonceHash: randomBytes(32),
    nonceExpiresAt: Math.min(expiresAt, T0),
    expiresAt,
    kekId: 'kek-1',
    wrappedDek: randomBytes(46),
    sealed: randomBytes(120),
  };
}

/** Stores on one database: two pools on PostgreSQL (two "processes"); SQLite is opened once per process. */
async function processes(engine: TestEngine, now: () => number): Promise<Store[]> {
  const cfg = await engine.freshConfig();
  const first = await engine.open(cfg, { now });
  return engine.name === 'postgres' ? [first, await engine.open(cfg, { now })] : [first, first];
}

const insertRp = insertApprovedRp;

/** An authorization to hang access tokens on. */
async function authorizationId(store: Store, clientId: string, at: number): Promise<string> {
  const requestId = newId();
  await store.verifications.insert({ id: requestId, refHash: randomBytes(32), clientId, kind: 'oidc', bizSeq: null, mode: 'wz', scopes: ['result'], nonce: 'n', expiresAt: at + 300_000 });
  const id = newId();
  await store.oidc.insertAuthorization({
    id,
    requestId,
    refHash: randomBytes(32),
    browserHash: randomBytes(32),
    clientId,
    redirectUri: 'https://app.example.cn/cb',
    state: 'st',
    nonce: 'no',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    mode: 'wz',
    scopes: ['result'],
    expiresAt: at + 600_000,
  });
  return id;
}

const sweepRows = (store: Store): Promise<JobRecord[]> => store.jobs.listPending(SWEEP_QUEUE, 'sweep.expired', 10);

describeEachEngine('expiry sweep', (engine) => {
  let t = T0;
  const now = () => t;
  // Each test on a database of its own (the rows of one would be expired in the next).
  let store: Store;
  let other: Store;
  let clientId: string;

  beforeEach(async () => {
    t = T0;
    [store, other] = (await processes(engine, now)) as [Store, Store];
    clientId = await insertRp(store);
  });

  const sweepOf = (s: Store, o: Partial<SweepOptions> = {}) => new ExpirySweep({ store: s, now, intervalMs: INTERVAL, retentionMs: RETENTION, ...o });
  const workerOf = (s: Store, handler: JobHandler) => new Worker({ store: s, sealer, handlers: { 'sweep.expired': handler }, intervalMs: 10, now });
  const job = (kind: 'ssf.deliver' | 'ssf.poll', ref: string, runAt = t) => store.jobs.insert({ id: newId(), kind, queue: clientId, ref, runAt, maxAttempts: 16 });
  /** An ssf.deliver job failed for good now. */
  async function failedDelivery(ref: string): Promise<void> {
    await job('ssf.deliver', ref);
    const tok = token();
    const [claimed] = await store.jobs.claim({ kinds: ['ssf.deliver'], now: t, leaseMs: 30_000, limit: 1, claimToken: tok });
    expect(claimed?.ref).toBe(ref);
    expect(await store.jobs.fail(claimed!.id, tok, 'http_503')).toBe(true);
  }

  it('deletes only what expired at now (boundary pairs), counts the enrollments exactly, keeps SSF rows for the retention; re-enqueues itself once', async () => {
    // SSF rows: changed at T0 (gone at T0 + retention) and at T0 + 1 (kept one more millisecond).
    await store.ssfStreams.insert({ clientId, streamId: token(), method: 'urn:ietf:rfc:8936', endpointUrl: null, authorization: null, eventsRequested: ['account_disabled'], description: null });
    await failedDelivery('deliver-failed-old');
    await job('ssf.poll', 'poll-failed-old');
    expect(await store.jobs.failRef(clientId, 'ssf.poll', 'poll-failed-old', 'rejected:invalid_key')).toBe(true);
    await job('ssf.poll', 'poll-unacked-old');
    await job('ssf.deliver', 'deliver-held', T0 + 30 * DAY); // a push held for a paused stream: not the sweep's
    t = T0 + 1;
    await failedDelivery('deliver-failed-new');
    await job('ssf.poll', 'poll-unacked-new');

    const T = T0 + RETENTION;
    t = T;
    const parGone = randomBytes(32);
    const parKept = randomBytes(32);
    await store.oidc.insertPar({ uriHash: parGone, clientId, params: {}, expiresAt: T });
    await store.oidc.insertPar({ uriHash: parKept, clientId, params: {}, expiresAt: T + 1 });
    const auth = await authorizationId(store, clientId, T);
    const tokenGone = randomBytes(32);
    const tokenKept = randomBytes(32);
    await store.oidc.insertAccessToken({ tokenHash: tokenGone, authorizationId: auth, clientId, expiresAt: T });
    await store.oidc.insertAccessToken({ tokenHash: tokenKept, authorizationId: auth, clientId, expiresAt: T + 1 });
    expect(await store.assertionJtis.use(clientId, 'jti-gone', T)).toBe(true);
    expect(await store.assertionJtis.use(clientId, 'jti-kept', T + 1)).toBe(true);
    const nonceGone = randomBytes(32);
    const nonceKept = randomBytes(32);
    expect(await store.spentNonces.spend(nonceGone, T)).toBe(true);
    expect(await store.spentNonces.spend(nonceKept, T + 1)).toBe(true);
    const expired = [fakeEnrollment(T - MINUTE), fakeEnrollment(T - 1), fakeEnrollment(T)];
    const live = fakeEnrollment(T + 1);
    for (const e of [...expired, live]) await store.enrollments.insert(e);
    const abandonedBefore = await store.counters.get('enrollments.abandoned');

    const { lines, logger } = recorder();
    const sweep = sweepOf(store, { logger });
    expect(await sweep.schedule()).toBe(true);
    const [scheduled] = await sweepRows(store);
    const report = await workerOf(store, sweep).runOnce();
    expect(report).toEqual([{ id: scheduled!.id, kind: 'sweep.expired', ref: 'expired', attempt: 1, outcome: 'done' }]);

    // OIDC: a consumable PAR is still there; a deleted one is not (looked up before its expiry).
    expect(await store.oidc.consumePar(parGone, clientId, T - 1)).toBeUndefined();
    expect(await store.oidc.consumePar(parKept, clientId, T)).toBeDefined();
    expect(await store.oidc.findAccessToken(tokenGone)).toBeUndefined();
    expect(await store.oidc.findAccessToken(tokenKept)).toBeDefined();
    // Single-use records: a deleted one can be recorded again, a kept one is still a replay.
    expect(await store.assertionJtis.use(clientId, 'jti-gone', T + MINUTE)).toBe(true);
    expect(await store.assertionJtis.use(clientId, 'jti-kept', T + MINUTE)).toBe(false);
    expect(await store.spentNonces.spend(nonceGone, T + MINUTE)).toBe(true);
    expect(await store.spentNonces.spend(nonceKept, T + MINUTE)).toBe(false);
    // Enrollments: the expired ones are gone and counted once each.
    for (const e of expired) expect(await store.enrollments.findById(e.id)).toBeUndefined();
    expect((await store.enrollments.findById(live.id))?.id).toBe(live.id);
    expect((await store.counters.get('enrollments.abandoned')) - abandonedBefore).toBe(3);
    // SSF: failed rows and unacknowledged poll SETs older than the retention are gone.
    expect(await store.jobs.countByQueue([clientId])).toEqual({ [clientId]: { pending: 2, failed: 1 } });
    expect((await store.jobs.listPending(clientId, 'ssf.poll', 10)).map((j) => j.ref)).toEqual(['poll-unacked-new']);
    expect((await store.jobs.listPending(clientId, 'ssf.deliver', 10)).map((j) => j.ref)).toEqual(['deliver-held']);
    expect(await store.ssfStreams.findByClientId(clientId)).toMatchObject({ failed: 1, lastError: 'expired', lastErrorAt: T });
    // What the log says: counts only.
    expect(lines.filter((l) => l.level === 'info').map((l) => l.obj)).toEqual([
      { job: scheduled!.id, oidc: 2, assertionJtis: 1, spentNonces: 1, enrollments: 3, ssfFailed: 2, ssfUnacknowledged: 1, unfinished: false },
    ]);

    // Re-enqueued exactly once, due one interval later; not run before (boundary pair).
    const next = await sweepRows(store);
    expect(next.map((j) => [j.state, j.runAt, j.attempts])).toEqual([['pending', T + INTERVAL, 0]]);
    expect(next[0]!.id).not.toBe(scheduled!.id);
    expect(await store.jobs.countByQueue([SWEEP_QUEUE])).toEqual({ [SWEEP_QUEUE]: { pending: 1, failed: 0 } });
    t = T + INTERVAL - 1;
    expect(await workerOf(store, sweep).runOnce()).toEqual([]);
    t = T + INTERVAL;
    expect((await workerOf(store, sweep).runOnce()).map((r) => [r.id, r.outcome])).toEqual([[next[0]!.id, 'done']]);
    expect((await sweepRows(store)).map((j) => j.runAt)).toEqual([T + 2 * INTERVAL]);
    // The live enrollment expired meanwhile: it goes, counted once; nothing else is counted twice.
    expect(await store.enrollments.findById(live.id)).toBeUndefined();
    expect((await store.counters.get('enrollments.abandoned')) - abandonedBefore).toBe(4);
    t = T + 2 * INTERVAL;
    expect((await workerOf(store, sweep).runOnce()).map((r) => r.outcome)).toEqual(['done']);
    expect((await store.counters.get('enrollments.abandoned')) - abandonedBefore).toBe(4);
  });

  it('bounded batches: a run deletes at most maxBatches × batchSize per kind, then the next run is due at once', async () => {
    const T = t;
    const enrollments = Array.from({ length: 5 }, (_, i) => fakeEnrollment(T - i));
    for (const e of enrollments) await store.enrollments.insert(e);
    for (let i = 0; i < 5; i++) await store.spentNonces.spend(randomBytes(32), T - i);
    for (let i = 0; i < 5; i++) await store.assertionJtis.use(clientId, `batch-${i}`, T - i);
    const before = await store.counters.get('enrollments.abandoned');
    const { lines, logger } = recorder();
    const sweep = sweepOf(store, { logger, batchSize: 2, maxBatches: 2 });
    await sweep.schedule();
    const w = workerOf(store, sweep);

    expect((await w.runOnce()).map((r) => r.outcome)).toEqual(['done']);
    expect(lines.at(-1)?.obj).toMatchObject({ enrollments: 4, spentNonces: 4, assertionJtis: 4, unfinished: true });
    expect((await store.counters.get('enrollments.abandoned')) - before).toBe(4);
    expect((await sweepRows(store)).map((j) => j.runAt)).toEqual([T]);

    expect((await w.runOnce()).map((r) => r.outcome)).toEqual(['done']);
    expect(lines.at(-1)?.obj).toMatchObject({ enrollments: 1, spentNonces: 1, assertionJtis: 1, unfinished: false });
    expect((await store.counters.get('enrollments.abandoned')) - before).toBe(5);
    for (const e of enrollments) expect(await store.enrollments.findById(e.id)).toBeUndefined();
    expect((await sweepRows(store)).map((j) => j.runAt)).toEqual([T + INTERVAL]);
  });

  it('a step that throws is logged by step and code; the others still run; the sweep is deferred, never failed', async () => {
    const T = t;
    const e = fakeEnrollment(T);
    await store.enrollments.insert(e);
    await sweepOf(store).schedule();
    const broken = Object.create(store, { spentNonces: { value: { deleteExpired: async () => Promise.reject(new Error('disk on fire: secret detail')) } } }) as Store;
    const { lines, logger } = recorder();
    const [row] = await sweepRows(store);
    const report = await workerOf(store, sweepOf(broken, { logger })).runOnce();
    expect(report).toEqual([{ id: row!.id, kind: 'sweep.expired', ref: 'expired', attempt: 1, outcome: 'deferred' }]);
    expect(await store.enrollments.findById(e.id)).toBeUndefined();
    expect(lines.filter((l) => l.level === 'error')).toEqual([{ level: 'error', obj: { job: row!.id, step: 'spentNonces', code: 'unexpected' }, msg: 'expiry sweep step failed' }]);
    expect(JSON.stringify(lines)).not.toContain('secret detail');
    // The same row, due after the interval, its attempt refunded.
    expect((await sweepRows(store)).map((j) => [j.id, j.runAt, j.attempts])).toEqual([[row!.id, T + INTERVAL, 0]]);
  });

  it('schedule() from many processes at once leaves exactly one sweep job (insert-or-ignore on (queue, ref))', async () => {
    const inserted = await Promise.all([store, other, store, other].map((s) => sweepOf(s).schedule()));
    expect(inserted.filter(Boolean)).toHaveLength(1);
    expect(await store.jobs.countByQueue([SWEEP_QUEUE])).toEqual({ [SWEEP_QUEUE]: { pending: 1, failed: 0 } });
    // A restart while the job is pending, or while it runs, adds nothing.
    expect(await sweepOf(other).schedule()).toBe(false);
    await store.jobs.claim({ kinds: ['sweep.expired'], now: t, leaseMs: 30_000, limit: 1, claimToken: token() });
    expect(await sweepOf(other).schedule()).toBe(false);
    expect(await store.jobs.countByQueue([SWEEP_QUEUE])).toEqual({ [SWEEP_QUEUE]: { pending: 1, failed: 0 } });
  });

  it('two workers per process on one database never run two sweeps at once; each due time runs once', async () => {
    let active = 0;
    let most = 0;
    let runs = 0;
    /** Each "process" has its own sweep; the wrapper measures overlap across all of them. */
    const instrumented = (s: Store): JobHandler => {
      const inner = sweepOf(s);
      return {
        async run(j) {
          active += 1;
          runs += 1;
          most = Math.max(most, active);
          try {
            await new Promise((r) => setTimeout(r, 20));
            return await inner.run(j);
          } finally {
            active -= 1;
          }
        },
        settled: (tx, j, st) => inner.settled(tx, j, st),
      };
    };
    const workers = [store, other, store, other].map((s) => workerOf(s, instrumented(s)));
    await Promise.all([store, other].map((s) => sweepOf(s).schedule()));
    t -= INTERVAL;
    for (let round = 0; round < 5; round++) {
      t += INTERVAL;
      const before = runs;
      const reports = await Promise.all(workers.map((w) => w.runOnce()));
      expect(reports.flat().map((r) => r.outcome)).toEqual(['done']);
      expect(runs - before).toBe(1);
      // A second look in the same instant finds nothing due: the next run is one interval away.
      expect((await Promise.all(workers.map((w) => w.runOnce()))).flat()).toEqual([]);
    }
    expect(most).toBe(1);
    expect((await sweepRows(store)).map((j) => j.runAt)).toEqual([t + INTERVAL]);
  });

  it('misuse is a TypeError: a non-positive interval, retention or batch count, a batch over 1000, a running state to deleteStale', async () => {
    expect(() => sweepOf(store, { intervalMs: 0 })).toThrow(TypeError);
    expect(() => sweepOf(store, { retentionMs: -1 })).toThrow(TypeError);
    expect(() => sweepOf(store, { batchSize: 1001 })).toThrow(TypeError);
    expect(() => sweepOf(store, { maxBatches: 0 })).toThrow(TypeError);
    await expect(store.jobs.deleteStale({ kinds: ['ssf.deliver'], state: 'running' as 'failed', upTo: t, limit: 10 })).rejects.toThrow(TypeError);
    await expect(store.jobs.deleteStale({ kinds: ['ssf.deliver'], state: 'failed', upTo: t, limit: 1001 })).rejects.toThrow(TypeError);
  });
});

describeEachEngine('expiry sweep: createPlatform schedules it on the job worker', (engine) => {
  let reg: SharedRegistry;
  beforeAll(async () => {
    reg = await startRegistry(20, 'sweep');
  });
  afterAll(async () => reg?.close());

  it('one sweep job after start-up; the worker runs it and it comes back one WZ_SWEEP_INTERVAL_SECONDS later', async () => {
    const h = await startRpPlatform(engine, reg);
    try {
      const store = h.platform.deps.store;
      expect(h.config.jobs.sweepIntervalSeconds).toBe(60);
      const started = Date.now();
      let rows = await sweepRows(store);
      for (let i = 0; i < 200 && !(rows.length === 1 && rows[0]!.createdAt > started); i++) {
        await new Promise((r) => setTimeout(r, 25));
        rows = await sweepRows(store);
      }
      // The scheduled row ran (deleted) and its successor is one interval after the run.
      expect(rows).toHaveLength(1);
      expect(rows[0]!.runAt - rows[0]!.createdAt).toBeGreaterThanOrEqual(60_000 - 1_000);
    } finally {
      await h.close();
    }
  });
});

describe('configuration: WZ_SWEEP_INTERVAL_SECONDS and WZ_JOBS_RETENTION_DAYS', () => {
  it('defaults 60 s and 7 days; environment values are read; 0 is refused with the variable named', async () => {
    expect(loadConfig({}).jobs).toMatchObject({ sweepIntervalSeconds: 60, retentionDays: 7 });
    expect(loadConfig({ WZ_SWEEP_INTERVAL_SECONDS: '300', WZ_JOBS_RETENTION_DAYS: '30' }).jobs).toMatchObject({ sweepIntervalSeconds: 300, retentionDays: 30 });
    for (const env of [{ WZ_SWEEP_INTERVAL_SECONDS: '0' }, { WZ_JOBS_RETENTION_DAYS: '0' }]) {
      const code = await rejectionCode(Promise.resolve().then(() => loadConfig(env)));
      expect(code).toBe('invalid_configuration');
    }
    expect(() => loadConfig({ WZ_JOBS_RETENTION_DAYS: '0' })).toThrow(/WZ_JOBS_RETENTION_DAYS/);
  });
});
