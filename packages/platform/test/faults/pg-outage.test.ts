// Issue 10 §3, "PostgreSQL restarted under load": while the database is away every request that
// needs it answers 503 `store_unavailable` with `Retry-After` (never a 500, a reset connection
// or a hang), /readyz answers 503 with `Retry-After`, the background loops log once per outage;
// when the database is back the same process serves again without a restart, and nothing is
// half-written: every 201 it gave is in the database, every interrupted transaction rolled back.
//
// The database is a private cluster (private-pg.ts) on its own port: stopping the shared server
// on 5432 would break the test files running beside this one.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWzError } from '@wangzheng/core/errors';
import { PG_CONNECT_TIMEOUT_MS, STORE_RETRY_AFTER_S } from '../../src/store/dialect.ts';
import { openStore, type Store, type StoreConfig } from '../../src/store/index.ts';
import { freePort, startPlatform, startRegistry, type Harness, type SharedRegistry } from '../enrollment/harness.ts';
import { USCC } from '../rp/harness.ts';
import type { TestEngine } from '../support/engines.ts';
import { createPrivateCluster, type PrivateCluster } from './private-pg.ts';

/** The longest any answer may take during the outage (the pool gives up connecting after PG_CONNECT_TIMEOUT_MS). */
const ANSWER_BOUND_MS = PG_CONNECT_TIMEOUT_MS + 2_000;
/** How long after PostgreSQL accepts connections again the platform must answer 2xx. */
const RECOVERY_BOUND_MS = 10_000;
const CONCURRENCY = 6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  bizSeq: string;
  status: number;
  error?: string;
  retryAfter: string | null;
  id?: string;
  startedAt: number;
  endedAt: number;
}

let cluster: PrivateCluster | undefined;
let reg: SharedRegistry | undefined;
let h: Harness | undefined;
const stores: Store[] = [];

beforeAll(async () => {
  // Fails (never skips) with the reason when this machine cannot run a private cluster.
  cluster = createPrivateCluster(await freePort());
  await cluster.start();
  reg = await startRegistry(20, 'pg-outage');
  const cfg: StoreConfig = { engine: 'postgres', url: cluster.url, poolSize: 4 };
  const engine: TestEngine = {
    name: 'postgres',
    freshConfig: async () => cfg,
    async open(c, o) {
      const s = await openStore(c, o);
      stores.push(s);
      return s;
    },
    async openFresh(o) {
      return engine.open(cfg, o);
    },
  };
  // Checkpoints every second, the worker every 250 ms (the default): both tick during the outage.
  h = await startPlatform(engine, reg, { overrides: { 'audit.checkpointSeconds': 1 } });
}, 120_000);

afterAll(async () => {
  try {
    await h?.platform.close().catch(() => {});
    for (const s of stores) await s.close().catch(() => {});
    await reg?.close();
  } finally {
    cluster?.remove();
  }
});

describe('PostgreSQL restarted under load (issue 10 §3)', () => {
  it('503 store_unavailable with Retry-After during the outage, 2xx again after it without a restart, nothing half-written', async () => {
    const platform = h!.platform;
    const store = platform.deps.store;
    const s = platform.rp.service;
    const app = await s.apply({
      name: '停机测试机构',
      uscc: USCC.internet,
      contactEmail: 'identity@example.cn',
      category: 'internet_service',
      purpose: '注册账号时核验您的身份',
      redirectUris: ['https://outage.example.cn/cb'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      scopes: {},
    });
    await s.approve(app.clientId, 'admin:test', { scopes: [], legalBasis: {} });
    const auth = `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`;

    // ------------------------------------------------------------ load
    let seq = 0;
    const answers: Answer[] = [];
    let stopLoad = false;
    async function create(): Promise<Answer> {
      const bizSeq = `outage-${++seq}`;
      const startedAt = Date.now();
      try {
        const res = await fetch(`${h!.url}/v1/receipt-requests`, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/json' },
          body: JSON.stringify({ bizSeq, mode: 'wz' }),
          signal: AbortSignal.timeout(ANSWER_BOUND_MS * 3),
        });
        const body = (await res.json()) as { requestId?: string; error?: string };
        return { bizSeq, status: res.status, retryAfter: res.headers.get('retry-after'), startedAt, endedAt: Date.now(), ...(body.error ? { error: body.error } : {}), ...(body.requestId ? { id: body.requestId } : {}) };
      } catch (e) {
        // A reset connection or no answer at all: status 0, which the assertions refuse.
        return { bizSeq, status: 0, error: `no answer: ${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name}`, retryAfter: null, startedAt, endedAt: Date.now() };
      }
    }
    const httpLoad = Array.from({ length: CONCURRENCY }, async () => {
      while (!stopLoad) {
        const a = await create();
        answers.push(a);
        // A refused request comes back at once: do not spin.
        if (a.status !== 201) await sleep(25);
      }
    });
    // Two counters moved in one transaction with a pause between the statements, so that the
    // outage catches transactions open and idle on their connection: a + b must stay equal.
    const tx = { ok: 0, failed: 0, codes: new Set<string>() };
    const txLoad = Array.from({ length: 3 }, async () => {
      while (!stopLoad) {
        try {
          await store.transaction(async (t) => {
            await t.counters.increment('outage.a');
            await sleep(15);
            await t.counters.increment('outage.b');
          });
          tx.ok += 1;
        } catch (e) {
          tx.failed += 1;
          tx.codes.add(isWzError(e) ? `${e.code}${e.retryAfterS !== undefined ? '+retry' : ''}` : `raw:${(e as Error).name}`);
          await sleep(25);
        }
      }
    });

    // ------------------------------------------------------------ before, outage, after
    await sleep(800);
    expect(answers.filter((a) => a.status === 201).length, 'load before the outage').toBeGreaterThan(0);
    const logsAtStop = h!.logs().length;
    await cluster!.stop();
    const down = Date.now();
    await sleep(300);
    const probes: { path: string; status: number; retryAfter: string | null; body: { error?: string; status?: string } }[] = [];
    for (const path of ['/readyz', '/healthz', '/readyz']) {
      const res = await fetch(`${h!.url}${path}`, { signal: AbortSignal.timeout(ANSWER_BOUND_MS) });
      probes.push({ path, status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error?: string } });
      await sleep(700);
    }
    // The browser's authorize page: an HTML error page, 503 with Retry-After too.
    const page = await fetch(`${h!.url}/oauth/authorize?${new URLSearchParams({ client_id: 'rp_outageProbe00000000000', redirect_uri: 'https://rp.example/cb', response_type: 'code', scope: 'openid', state: 's', nonce: 'n', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })}`, { signal: AbortSignal.timeout(ANSWER_BOUND_MS) });
    const pageProbe = { status: page.status, retryAfter: page.headers.get('retry-after'), type: page.headers.get('content-type') };
    await page.text();
    const restarting = Date.now();
    const logsAtRestart = h!.logs().length;
    await cluster!.start();
    const up = Date.now();
    while (!answers.some((a) => a.status === 201 && a.startedAt >= up) && Date.now() - up < RECOVERY_BOUND_MS) await sleep(50);
    const recoveredAfterMs = answers.find((a) => a.status === 201 && a.startedAt >= up)?.endedAt;
    await sleep(500);
    stopLoad = true;
    await Promise.all([...httpLoad, ...txLoad]);

    // ------------------------------------------------------------ during the outage
    const during = answers.filter((a) => a.startedAt >= down && a.endedAt <= restarting);
    expect(during.length, 'requests answered during the outage').toBeGreaterThan(CONCURRENCY);
    const summary = (xs: Answer[]) => [...new Set(xs.map((a) => `${a.status} ${a.error ?? ''} retry-after=${a.retryAfter}`))].sort();
    expect(summary(during)).toEqual([`503 store_unavailable retry-after=${STORE_RETRY_AFTER_S}`]);
    // Over the whole run, outage edges included: 201, or 503 with Retry-After; never a 500, a reset, a hang.
    expect(summary(answers.filter((a) => a.status !== 201))).toEqual([`503 store_unavailable retry-after=${STORE_RETRY_AFTER_S}`]);
    expect(Math.max(...answers.map((a) => a.endedAt - a.startedAt)), 'slowest answer (ms)').toBeLessThan(ANSWER_BOUND_MS);
    const readyz = probes.filter((p) => p.path === '/readyz');
    expect(readyz.map((p) => [p.status, p.retryAfter, p.body.status])).toEqual([
      [503, '5', 'not_ready'],
      [503, '5', 'not_ready'],
    ]);
    expect(pageProbe).toEqual({ status: 503, retryAfter: String(STORE_RETRY_AFTER_S), type: expect.stringMatching(/^text\/html/) });
    const healthz = probes.find((p) => p.path === '/healthz')!;
    // Liveness reads nothing outside the process: the outage must not get healthy processes restarted.
    expect([healthz.status, healthz.body.status, healthz.retryAfter]).toEqual([200, 'ok', null]);
    // Transactions caught by the outage fail as store_unavailable, with Retry-After, never as something else.
    expect(tx.ok).toBeGreaterThan(0);
    expect(tx.failed).toBeGreaterThan(0);
    expect([...tx.codes]).toEqual(['store_unavailable+retry']);

    // Background loops (job worker every 250 ms, audit checkpoints every second, the audit
    // sequencer): one line per outage each, not one per tick. The error handler's per-request line is not a loop's.
    const loopLines = h!
      .logs()
      .slice(logsAtStop, logsAtRestart)
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .filter((l) => l.level >= 40 && l.msg !== 'request failed');
    // The refused requests themselves — the authorize page's included (oidc/routes.ts has its own
    // error handler): one error line for the whole outage (http/store-outage.ts).
    const refusedLines = h!
      .logs()
      .slice(logsAtStop, logsAtRestart)
      .split('\n')
      .filter((l) => l.includes('"request failed"'))
      .map((l) => JSON.parse(l) as { level: number; code?: string });
    expect(refusedLines.filter((l) => l.level >= 50).length).toBe(1);
    expect(refusedLines.length).toBeGreaterThan(1);
    // The audit sequencer's passes (every tenth 100 ms tick when nothing was queued here, at once
    // when a verification queued its outcome) meet the outage too, unless no pass fell in it.
    const sequencerLine = 'audit sequencer failed; retrying at every interval, quietly until a pass succeeds';
    expect(loopLines.filter((l) => l.msg === sequencerLine).length).toBeLessThanOrEqual(1);
    expect(loopLines.map((l) => l.msg).filter((m) => m !== sequencerLine).sort()).toEqual([
      'audit checkpoint failed; retrying at every interval, quietly until one succeeds',
      'job worker: the store is unavailable; polling quietly until it is back',
    ]);

    // ------------------------------------------------------------ after: the same process serves again
    expect(recoveredAfterMs, `no 201 within ${RECOVERY_BOUND_MS} ms of PostgreSQL being back`).toBeDefined();
    const ready = await fetch(`${h!.url}/readyz`);
    expect(ready.status).toBe(200);

    // ------------------------------------------------------------ nothing half-written
    const direct = new pg.Client({ connectionString: cluster!.url });
    await direct.connect();
    try {
      const rows = (await direct.query<{ id: string; biz_seq: string; status: string }>('select id, biz_seq, status from verification_requests where client_id = $1', [app.clientId])).rows;
      const stored = new Map(rows.map((r) => [r.biz_seq, r]));
      const promised = answers.filter((a) => a.status === 201);
      // Every 201 is in the database, under the id it promised.
      expect(promised.filter((a) => stored.get(a.bizSeq)?.id !== a.id).map((a) => a.bizSeq)).toEqual([]);
      // A row no 201 promised could only be a commit whose answer the outage cut off: never one
      // from a request that began once the database was already down.
      const unpromised = rows.filter((r) => !promised.some((a) => a.bizSeq === r.biz_seq));
      const refused = new Map(answers.filter((a) => a.status !== 201).map((a) => [a.bizSeq, a]));
      expect(unpromised.filter((r) => (refused.get(r.biz_seq)?.startedAt ?? 0) >= down).map((r) => r.biz_seq)).toEqual([]);
      expect(rows.every((r) => r.status === 'pending')).toBe(true);
      const counters = Object.fromEntries(
        (await direct.query<{ name: string; value: string }>("select name, value from counters where name in ('outage.a', 'outage.b')")).rows.map((r) => [r.name, Number(r.value)]),
      );
      // Both statements or neither: PostgreSQL rolled back every transaction the outage interrupted.
      expect(counters['outage.a']).toBe(counters['outage.b']);
      // Every reported success committed; anything beyond them is an interrupted commit's (at most one per failure).
      expect(counters['outage.a']).toBeGreaterThanOrEqual(tx.ok);
      expect(counters['outage.a']).toBeLessThanOrEqual(tx.ok + tx.failed);
    } finally {
      await direct.end();
    }
    // For the report: how the run went.
    console.info(
      `pg outage: ${answers.length} requests (${answers.filter((a) => a.status === 201).length} × 201, ${answers.filter((a) => a.status === 503).length} × 503), ` +
        `${during.length} during the outage, slowest ${Math.max(...answers.map((a) => a.endedAt - a.startedAt))} ms; ` +
        `first 201 ${recoveredAfterMs! - up} ms after PostgreSQL was back; transactions ${tx.ok} ok, ${tx.failed} refused`,
    );
  }, 60_000);

  it('a caller waits for a connection at most PG_CONNECT_TIMEOUT_MS, then gets store_unavailable with Retry-After (no queue forever)', async () => {
    const one = await openStore({ engine: 'postgres', url: cluster!.url, poolSize: 1 });
    stores.push(one);
    // The pool's only connection is held by a transaction for longer than the bound.
    const held = one.transaction(async (t) => {
      await t.counters.increment('outage.held');
      await sleep(PG_CONNECT_TIMEOUT_MS + 1_000);
    });
    await sleep(100);
    const t0 = Date.now();
    const e = await one.counters.get('outage.held').then(
      () => undefined,
      (x: unknown) => x,
    );
    const waited = Date.now() - t0;
    expect(isWzError(e, 'store_unavailable') ? [e.code, e.retryAfterS] : e).toEqual(['store_unavailable', STORE_RETRY_AFTER_S]);
    expect(waited).toBeGreaterThanOrEqual(PG_CONNECT_TIMEOUT_MS - 200);
    expect(waited).toBeLessThan(PG_CONNECT_TIMEOUT_MS + 1_000);
    await held;
    // The connection is free again: the same store answers.
    expect(await one.counters.get('outage.held')).toBe(1);
  }, 30_000);
});

