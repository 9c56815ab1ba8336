/**
 * `npm run bench -- peer`: our OpenID Connect login (intl suite) beside oidc-provider, the
 * certified Node OpenID provider, in ONE run on the same machine.
 *
 * Both providers run as child processes (bench/peer/driver.ts); this process is every browser,
 * every relying party back end and, for ours, every wallet. A login on each side starts from an
 * empty cookie jar and ends with the token response and its id_token's ES256 signature checked:
 *
 *   peer: GET /auth → 303 /interaction/:uid → GET (approves at once: login + a Grant of `openid`)
 *         → 303 /auth/:uid → 303 redirect_uri?code → POST /token (client_secret_basic, PKCE S256).
 *   ours: GET /oauth/authorize (the page) → the wallet reads the request and posts its key-binding
 *         presentation (the server checks the 网证's ES256 signature and the device key's ES256
 *         signature) → GET /oauth/authorize/status → POST /oauth/token (client_secret_basic, PKCE S256).
 *
 * The two are measured alternately, peer · ours · ours · peer, with the same number of logins
 * and the same number in flight, after a warm-up of each. Server CPU is the child's utime+stime
 * from /proc/<pid>/stat over the measured logins only.
 *
 *   BENCH_LOGINS       logins per side (default 300), split over its two phases
 *   BENCH_CONCURRENCY  logins in flight (default 8)
 */
import { readFileSync } from 'node:fs';
import { startOurs, startPeer, type Side } from './peer/driver.ts';
import { cpuMsOf, pct } from './child.ts';
import { closedLoop } from './load.ts';

interface Row {
  name: string;
  value: string;
}

interface Phase {
  logins: number;
  wallMs: number;
  serverCpuMs: number;
  driverCpuMs: number;
  latencies: number[];
}

async function drive(side: Side, count: number, concurrency: number): Promise<Phase> {
  const cpu0 = cpuMsOf(side.pid);
  const d0 = process.cpuUsage();
  const { latencies, wallS } = await closedLoop(count, Math.min(concurrency, count), () => side.login());
  const d = process.cpuUsage(d0);
  return { logins: count, wallMs: wallS * 1000, serverCpuMs: cpuMsOf(side.pid) - cpu0, driverCpuMs: (d.user + d.system) / 1000, latencies };
}

function sum(phases: Phase[]): Phase {
  return phases.reduce((a, p) => ({
    logins: a.logins + p.logins,
    wallMs: a.wallMs + p.wallMs,
    serverCpuMs: a.serverCpuMs + p.serverCpuMs,
    driverCpuMs: a.driverCpuMs + p.driverCpuMs,
    latencies: [...a.latencies, ...p.latencies],
  }));
}

const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

export async function runPeerOidcBench(o: { logins?: number; concurrency?: number } = {}): Promise<Row[]> {
  const logins = o.logins ?? Number(process.env['BENCH_LOGINS'] ?? 300);
  const concurrency = o.concurrency ?? Number(process.env['BENCH_CONCURRENCY'] ?? 8);
  if (!Number.isInteger(logins) || logins < 2 || !Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`bench peer: BENCH_LOGINS must be an integer ≥ 2 and BENCH_CONCURRENCY ≥ 1 (got ${logins}, ${concurrency})`);
  }
  const load0 = loadavg();
  const peer = await startPeer();
  let ours: Awaited<ReturnType<typeof startOurs>> | undefined;
  try {
    ours = await startOurs();
    // Warm-up (JIT, caches, pools), not measured.
    const warm = Math.max(2 * concurrency, 24);
    await drive(peer, warm, concurrency);
    await drive(ours, warm, concurrency);

    const first = Math.ceil(logins / 2);
    const second = logins - first;
    const p1 = await drive(peer, first, concurrency);
    const o1 = await drive(ours, first, concurrency);
    const o2 = await drive(ours, second, concurrency);
    const p2 = await drive(peer, second, concurrency);
    const load1 = loadavg();

    const P = sum([p1, p2]);
    const O = sum([o1, o2]);
    const rate = (x: Phase): number => x.logins / (x.wallMs / 1000);
    const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
    const lat = (x: Phase): string => `${fmt(pct(x.latencies, 50), 1)} / ${fmt(pct(x.latencies, 99), 1)} ms`;
    const per = (ms: number, x: Phase): string => `${fmt(ms / x.logins, 2)} ms`;
    const ratio = rate(O) / rate(P);
    const cpuRatio = O.serverCpuMs / O.logins / (P.serverCpuMs / P.logins);
    return [
      { name: 'a login, peer (oidc-provider 9.13.3, in-memory adapter, auto-approving interaction)', value: 'GET /auth → interaction (login + Grant `openid`) → resume → code → POST /token; 0 signature verifies, 1 ES256 sign (id_token)' },
      { name: `a login, ours (intl suite, SQLite; 网证 ${ours.credentialAlg}, device key ${ours.deviceAlg}; ${ours.people} people taking turns)`, value: 'authorize page → wallet answers with a key-binding presentation → status poll → POST /oauth/token; presentation checked: the 网证\'s issuer signature (memoized per credential: a hit after each person\'s first login) and the key-binding ES256 signature (every login); 1 ES256 sign (id_token)' },
      { name: `logins/s, peer (${logins} logins, ${concurrency} in flight; phases 1 and 4)`, value: `${fmt(rate(P), 1)} (${fmt(rate(p1), 1)}, ${fmt(rate(p2), 1)})` },
      { name: `logins/s, ours (${logins} logins, ${concurrency} in flight; phases 2 and 3)`, value: `${fmt(rate(O), 1)} (${fmt(rate(o1), 1)}, ${fmt(rate(o2), 1)})` },
      { name: '**ours ÷ peer, logins/s** (goal ≥ 1.0×)', value: `**${fmt(ratio, 2)}×** (${ratio >= 1 ? 'met' : 'not met'})` },
      { name: 'latency p50 / p99, peer (first request → id_token verified)', value: lat(P) },
      { name: 'latency p50 / p99, ours (first request → id_token verified)', value: lat(O) },
      { name: 'server CPU per login, peer (child process, /proc utime+stime)', value: per(P.serverCpuMs, P) },
      { name: 'server CPU per login, ours (child process, /proc utime+stime)', value: per(O.serverCpuMs, O) },
      { name: 'ours ÷ peer, server CPU per login', value: `${fmt(cpuRatio, 2)}×` },
      { name: 'driver CPU per login, peer / ours (browser + RP back end; ours also the wallet, which signs the presentation)', value: `${per(P.driverCpuMs, P)} / ${per(O.driverCpuMs, O)}` },
      { name: 'load average (1/5/15 min) before / after', value: `${load0} / ${load1}` },
    ];
  } finally {
    await peer.close();
    if (ours) await ours.close();
  }
}
