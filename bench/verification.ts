/**
 * Verification throughput: `npm run bench -- verification` (part of `npm run bench`).
 *
 * The platform and the registry simulator run in a CHILD process (`wangzheng start`, SQLite,
 * development mode), so the server's CPU time is measured on its own (from /proc/<pid>/stat).
 * This process plays the relying party's back end and the people's wallets: it enrolls a few
 * people, registers a sandbox RP that wants SM2-signed receipts, then runs the receipt flow in
 * mode 网证 (credential only) with several requests in flight:
 *
 *   RP creates a request → wallet reads it and answers with a key-binding presentation →
 *   RP fetches the signed receipt.
 *
 * Reported: completed verifications/s beside the machine's crypto-bound ceiling, p50/p99
 * latency, server CPU per verification (all the platform's processes), store statements per
 * verification, and the CPU divided by that of the cryptography the server must do for one
 * (cryptoFloorMs), measured here before the closed loop and again after the open loop, so that a
 * change of the machine's speed within the run shows. Then an open loop at 70 % of the closed
 * loop's steady rate (the median of its blocks) for the latency under a fixed schedule. Then the
 * same for OpenID Connect logins (authorization code + PKCE, id_token signed SM2). Each engine
 * twice: one platform process, then `--workers 2`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { b64u, generateKey, getSuite, randomBytes, type PrivateKey } from '@wangzheng/core/crypto/index';
import { sm4EtmOpen, sm4EtmSeal } from '@wangzheng/core/crypto/sm4-etm';
import { PlatformClient } from '@wangzheng/wallet/enroll/client';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { answerVerification } from '@wangzheng/wallet/verify';
import { nodeHolder } from '@wangzheng/wallet/holder/node';
import { enrollSamples } from './people.ts';
import { blockRates, closedLoop, steadyRate } from './load.ts';
import { loadFetch } from './http.ts';
import { benchRp } from './rp.ts';
import { onBenchPg } from './pg.ts';
import { runtimeFigures, runtimeRows, watchThisProcess, type RuntimeFigures } from './runtime.ts';
import { databaseCpuMs, pct, rssMb, serverBuildFromEnv, serverCpuMs, startChild, workerPids } from './child.ts';

interface Row {
  name: string;
  value: string;
}

/**
 * The CPU time of the cryptography one receipt verification needs, measured here with the keys
 * and primitives the platform uses:
 * - server: the key-binding signature check, the receipt signature; data keys unwrapped twice
 *   (answer, receipt), the profile opened, the outcome sealed and opened, the history event
 *   sealed (SM4-CTR + HMAC-SM3, format 2, at their real sizes); HMAC-SM3 for the application identifier and its
 *   blind index, SM3 for references, secrets and digests (~8). The 网证's issuer signature is
 *   checked once per credential (SignatureMemo), so it is not part of what a repeated
 *   verification needs; `serverFirstUse` adds it back.
 * - the wallet: the key-binding signature; the relying party: the receipt's signature check.
 */
export function cryptoFloorMs(): { server: number; serverFirstUse: number; wallet: number; rp: number } {
  const sm2 = generateKey('SM2');
  const msg = new Uint8Array(600);
  const sig = sm2.sign(msg, 'raw');
  const gm = getSuite('gm');
  const k16 = new Uint8Array(16);
  const k32 = new Uint8Array(32);
  const kib = new Uint8Array(700);
  // The sizes the platform seals: a data key (16 bytes), an outcome (~200), a profile or event (~300).
  const [dek, outcome, record] = [new Uint8Array(16), new Uint8Array(200), new Uint8Array(300)].map((m) => ({ m, sealed: sm4EtmSeal(k16, m) }));
  const time = (fn: () => void, n: number): number => {
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) fn();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000 / n;
  };
  time(() => sm2.sign(msg, 'raw'), 200);
  const sign = time(() => sm2.sign(msg, 'raw'), 1500);
  const verify = time(() => sm2.publicKey.verify(msg, sig, 'raw'), 1500);
  const open = (x: { sealed: Uint8Array }): number => time(() => sm4EtmOpen(k16, x.sealed), 3000);
  const seal = (x: { m: Uint8Array }): number => time(() => sm4EtmSeal(k16, x.m), 3000);
  const aead = 2 * open(dek!) + open(record!) + seal(outcome!) + open(outcome!) + seal(record!);
  const hmac = time(() => gm.hmac(k32, kib), 5000);
  const server = verify + sign + aead + 8 * hmac;
  return { server, serverFirstUse: server + verify, wallet: sign, rp: verify };
}

/** The platform's /metrics (open in development): its statement counter and its runtime's figures. */
async function scrape(platformUrl: string): Promise<RuntimeFigures> {
  const figures = runtimeFigures(await (await fetch(`${platformUrl}/metrics`)).text());
  if (Number.isNaN(figures.statements)) throw new Error('bench: /metrics has no wz_store_statements_total');
  return figures;
}

/** Both engines: SQLite, then the local PostgreSQL when it is reachable (a fresh schema, dropped after). */
export async function runVerificationBench(o: { count?: number; concurrency?: number; holders?: number } = {}): Promise<Row[]> {
  // National scale (docs/scale.md): BENCH_SCALE=sqlite|pg runs against the database that
  // `npm run bench -- scale` populated (BENCH_SCALE_DIR, BENCH_SCALE_PG_URL as its --dir, --pg-url), kept afterwards.
  const scale = process.env['BENCH_SCALE'];
  if (scale === 'sqlite' || scale === 'pg') {
    const { scaleTarget } = await import('./scale.ts');
    const { dataDir, store } = scaleTarget(scale, { dir: process.env['BENCH_SCALE_DIR'], pgUrl: process.env['BENCH_SCALE_PG_URL'] });
    const env: Record<string, string> = store.engine === 'postgres' ? { WZ_STORE: 'postgres', WZ_POSTGRES_URL: store.url } : {};
    return runVerificationBenchOn(scale === 'sqlite' ? 'SQLite' : 'PostgreSQL', env, { ...o, dataDir });
  }
  // One platform process, then one per core (`start --workers 2`): the same flows on both.
  const rows = [...(await runVerificationBenchOn('SQLite', {}, o)), ...(await runVerificationBenchOn('SQLite', {}, o, 2))];
  return [
    ...rows,
    ...(await onBenchPg('bench_verify', async ({ url, schema, drop }) => {
      const pgEnv = { WZ_STORE: 'postgres', WZ_POSTGRES_URL: url, WZ_POSTGRES_SCHEMA: schema };
      const one = await runVerificationBenchOn('PostgreSQL', pgEnv, o);
      await drop();
      return [...one, ...(await runVerificationBenchOn('PostgreSQL', pgEnv, o, 2))];
    })),
  ];
}

async function runVerificationBenchOn(engineName: string, storeEnv: Record<string, string>, o: { count?: number; concurrency?: number; holders?: number; dataDir?: string }, workers?: number): Promise<Row[]> {
  const engine = workers ? `${engineName}, ${workers} workers` : engineName;
  const count = o.count ?? Number(process.env['BENCH_VERIFICATIONS'] ?? 400);
  const concurrency = o.concurrency ?? Number(process.env['BENCH_CONCURRENCY'] ?? 8);
  const holdersN = o.holders ?? 8;
  const dir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'wz-bench-verify-'));
  const { child, platformUrl, registryUrl, gc } = await startChild(dir, storeEnv, workers, undefined, { traceGc: !workers, build: serverBuildFromEnv() });
  try {
    const client = new PlatformClient(platformUrl, loadFetch);
    const holders = (await enrollSamples({ platformUrl, registryUrl, dataDir: dir, count: holdersN, alg: 'SM2', phonePrefix: '137' })).people;
    if (holders.length === 0) throw new Error('bench: nobody could be enrolled');
    const rp = await benchRp(platformUrl, 'bench RP');
    const auth = rp.auth;
    const one = (h: { issued: Issued; key: PrivateKey }): Promise<number> => rp.verify(h, 'wz');
    // Warm-up: a fresh process spends its first ~1,000 verifications partly compiling (V8's
    // optimising compiler runs on background threads whose CPU counts here); a server runs warm.
    // BENCH_WARMUP=20 gives the figures of the sessions before 2026-12-02's fourth.
    const warmup = Number(process.env['BENCH_WARMUP'] ?? 1000);
    await closedLoop(warmup, concurrency, (i) => one(holders[i % holders.length]!));
    // /metrics is per process: the statement count is read only when there is one.
    const statements0 = workers ? 0 : (await scrape(platformUrl)).statements;
    // The crypto floor is timed before the closed loop and again after the open loop: on a shared
    // VM the machine's speed can change within a run, and the two figures show when it did.
    const floor = cryptoFloorMs();
    // PostgreSQL: the database server runs on the same 2 cores, and its CPU is part of each verification's cost.
    const onPg = engineName === 'PostgreSQL';
    const db0 = onPg ? databaseCpuMs() : 0;
    const cpu0 = serverCpuMs(child.pid!);
    const own0 = process.cpuUsage();
    const { latencies, wallS: wall, endsMs } = await closedLoop(count, concurrency, (i) => one(holders[i % holders.length]!));
    const serverCpu = (serverCpuMs(child.pid!) - cpu0) / count;
    const dbCpu = onPg ? (databaseCpuMs() - db0) / count : 0;
    const own = process.cpuUsage(own0);
    // This process: the RP and the wallets (HTTP clients, the key-binding signature, the receipt's check), on the same 2 cores.
    const driverCpu = (own.user + own.system) / 1000 / count;
    const statements = workers ? undefined : ((await scrape(platformUrl)).statements - statements0) / count;
    const crypto = floor.server;
    // Two cores doing nothing but the cryptography of verifications: server, wallet and RP.
    const ceiling = (2 * 1000) / (floor.server + floor.wallet + floor.rp);

    // Open loop at 70 % of the rate just reached: verifications start on a fixed schedule whatever
    // the earlier ones do, and each latency counts from its scheduled start (no coordinated omission).
    // The rate is the median of the closed loop's blocks (bench/load.ts steadyRate), not the whole
    // run's: one fast burst once paced it at 70 % of a rate the machine did not keep (2026-12-03).
    const paced = Math.max(50, Math.floor(count / 2));
    const steady = steadyRate(endsMs);
    const rate70 = 0.7 * steady;
    const pacedRequests: Array<{ start: number; ms: number }> = [];
    const watch = watchThisProcess();
    const p0 = performance.now();
    await Promise.all(
      Array.from({ length: paced }, async (_, i) => {
        const due = p0 + (i * 1000) / rate70;
        await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
        await one(holders[i % holders.length]!);
        pacedRequests.push({ start: due, ms: performance.now() - due });
      }),
    );
    const load = watch.stop();
    const pacedWallS = (performance.now() - p0) / 1000;
    const floorAfter = cryptoFloorMs().server;
    const pacedLatencies = pacedRequests.map((r) => r.ms);
    const pacedRuntime = workers ? undefined : runtimeRows(engine, gc.between(p0, performance.now()), pacedRequests, await scrape(platformUrl), load);

    // OpenID Connect logins: authorization code flow with PKCE, as a browser + RP back end would.
    const redirectUri = 'http://localhost/cb';
    const login = async (h: { issued: Issued; key: PrivateKey }): Promise<number> => {
      const t = performance.now();
      const verifier = b64u(randomBytes(32));
      const q = new URLSearchParams({
        client_id: rp.clientId,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'openid',
        state: b64u(randomBytes(12)),
        nonce: b64u(randomBytes(12)),
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      });
      const page = await loadFetch(`${platformUrl}/oauth/authorize?${q}`, { redirect: 'manual' });
      const html = await page.text();
      const ref = /data-ref="([A-Za-z0-9_-]{22})"/.exec(html)?.[1];
      const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      if (!ref) throw new Error(`bench: no authorize page (${page.status})`);
      const a = await answerVerification(client, { ref, holder: nodeHolder(h.issued.credential, h.key) });
      if (a.status !== 'approved') throw new Error(`bench: ${a.status}`);
      const st = (await (await loadFetch(`${platformUrl}/oauth/authorize/status?ref=${ref}`, { headers: { cookie } })).json()) as { redirect?: string };
      const code = st.redirect ? new URL(st.redirect).searchParams.get('code') : null;
      if (!code) throw new Error(`bench: no code (${JSON.stringify(st)})`);
      const tok = await loadFetch(`${platformUrl}/oauth/token`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }).toString(),
      });
      if (!tok.ok) throw new Error(`bench: token ${tok.status} ${await tok.text()}`);
      await tok.json();
      return performance.now() - t;
    };
    await closedLoop(Math.ceil(warmup / 5), concurrency, (i) => login(holders[i % holders.length]!)); // warm-up of the login's own paths
    const loginCount = Math.max(50, Math.floor(count / 2));
    const ls0 = workers ? 0 : (await scrape(platformUrl)).statements;
    const lc0 = serverCpuMs(child.pid!);
    const ldb0 = onPg ? databaseCpuMs() : 0;
    const { latencies: logins, wallS: loginWall } = await closedLoop(loginCount, concurrency, (i) => login(holders[i % holders.length]!));
    const loginCpu = (serverCpuMs(child.pid!) - lc0) / loginCount;
    const loginDbCpu = onPg ? (databaseCpuMs() - ldb0) / loginCount : 0;
    const loginStatements = workers ? undefined : ((await scrape(platformUrl)).statements - ls0) / loginCount;
    const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
    const mb = (m: { now: number; peak: number }): string => `${fmt(m.now)} MB, peak ${fmt(m.peak)} MB`;
    const rss = workers ? `workers ${workerPids(child.pid!).map((p) => mb(rssMb(p))).join('; ')}; primary ${mb(rssMb(child.pid!))}` : mb(rssMb(child.pid!));
    const allowed = 2000 / (serverCpu + dbCpu + driverCpu);
    return [
      { name: `${engine}: RSS of ${workers ? 'each platform worker process, and of the primary (the registry simulator)' : 'the platform process (with the registry simulator in it)'} (/proc VmRSS, and VmHWM its peak)`, value: rss },
      { name: `${engine}: completed verifications/s (receipt flow, mode 网证, SM2 receipts checked by the RP, ${count} with ${concurrency} in flight)`, value: fmt(count / wall, 1) },
      { name: `${engine}: CPU per verification of this process (the RP and the wallets), and the rate the server's${onPg ? ', the database server\'s' : ''} and its CPU allow on 2 cores, with the share reached`, value: `${fmt(driverCpu, 2)} ms; ${fmt(allowed, 0)}/s, ${fmt((100 * count) / wall / allowed, 0)} %` },
      { name: `${engine}: crypto-bound ceiling of this machine (2 cores ÷ server + wallet + RP crypto of one verification), and the share reached`, value: `${fmt(ceiling, 0)}/s, ${fmt((100 * count) / wall / ceiling, 0)} %` },
      { name: `${engine}: latency p50 / p99 (create request → wallet answers → receipt fetched and checked)`, value: `${fmt(pct(latencies, 50), 1)} / ${fmt(pct(latencies, 99), 1)} ms` },
      { name: `${engine}: the closed loop's steady rate (median of its 10 blocks), and its slowest and fastest block`, value: `${fmt(steady, 1)}/s (blocks ${fmt(Math.min(...blockRates(endsMs)), 1)}–${fmt(Math.max(...blockRates(endsMs)), 1)}/s)` },
      { name: `${engine}: latency p50 / p99 at 70 % of the steady rate, open loop (${paced} started every ${fmt(1000 / rate70, 1)} ms, the last done ${fmt(pacedWallS, 1)} s after the first started)`, value: `${fmt(pct(pacedLatencies, 50), 1)} / ${fmt(pct(pacedLatencies, 99), 1)} ms` },
      { name: `${engine}: the server's crypto per verification before the closed loop and after the open loop (the machine's speed within the run)`, value: `${fmt(crypto, 2)} ms → ${fmt(floorAfter, 2)} ms (${floorAfter >= crypto ? '+' : ''}${fmt((100 * (floorAfter - crypto)) / crypto, 0)} %)` },
      ...(pacedRuntime ?? []),
      { name: `${engine}: server CPU per verification (platform process${workers ? 'es' : ''}, /proc${onPg ? '; the database server not included' : ''})`, value: `${fmt(serverCpu, 2)} ms` },
      ...(onPg ? [{ name: `${engine}: database server CPU per verification (every local postgres process, /proc), and platform + database ÷ its crypto`, value: `${fmt(dbCpu, 2)} ms; ${fmt((serverCpu + dbCpu) / crypto, 2)}×` }] : []),
      ...(statements === undefined ? [] : [{ name: `${engine}: store statements per verification (wz_store_statements_total; the job worker's polls included)`, value: fmt(statements, 1) }]),
      { name: 'CPU of the crypto the server needs for one verification of a known 网证 (1 SM2 verify, 1 SM2 sign, 6 SM4-CTR+HMAC-SM3, 8 HMAC-SM3); with the first use\'s issuer signature check', value: `${fmt(crypto, 2)} ms; ${fmt(floor.serverFirstUse, 2)} ms` },
      { name: `${engine}: server CPU per verification ÷ its crypto`, value: `${fmt(serverCpu / crypto, 2)}×` },
      { name: `${engine}: OIDC logins/s (code flow + PKCE: authorize page, wallet answer, status poll, token endpoint; ${loginCount} with ${concurrency} in flight)`, value: fmt(loginCount / loginWall, 1) },
      { name: `${engine}: OIDC login latency p50 / p99`, value: `${fmt(pct(logins, 50), 1)} / ${fmt(pct(logins, 99), 1)} ms` },
      { name: `${engine}: server CPU per OIDC login, and ÷ its crypto (the same as a receipt's: 1 verify, 1 sign)`, value: `${fmt(loginCpu, 2)} ms, ${fmt(loginCpu / crypto, 2)}×` },
      ...(onPg ? [{ name: `${engine}: database server CPU per OIDC login`, value: `${fmt(loginDbCpu, 2)} ms` }] : []),
      ...(loginStatements === undefined ? [] : [{ name: `${engine}: store statements per OIDC login (as per verification)`, value: fmt(loginStatements, 1) }]),
    ];
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    if (!o.dataDir) rmSync(dir, { recursive: true, force: true });
  }
}
