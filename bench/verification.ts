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
 * Reported: completed verifications/s, p50/p99 latency, server CPU per verification, and that
 * divided by the CPU time of the cryptography the server must do for one (2 SM2 verifies, 1 SM2
 * sign, the SM4-GCM operations of the envelope encryption, HMAC-SM3/SM3), measured here. Then
 * the same for OpenID Connect logins (authorization code + PKCE, id_token signed SM2).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { b64u, generateKey, getSuite, randomBytes, type PrivateKey } from '@wangzheng/core/crypto/index';
import { PlatformClient } from '@wangzheng/wallet/enroll/client';
import { enroll, type Issued } from '@wangzheng/wallet/enroll/enroll';
import { readOutboxCode } from '@wangzheng/wallet/enroll/simulator';
import { answerVerification } from '@wangzheng/wallet/verify';
import { keySigner, nodeDigest, nodeHolder } from '@wangzheng/wallet/holder/node';

interface Row {
  name: string;
  value: string;
}

const ROOT = new URL('..', import.meta.url).pathname;

function cpuMsOf(pid: number): number {
  // utime + stime, in clock ticks (USER_HZ = 100 on Linux).
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function startChild(dir: string, storeEnv: Record<string, string>): Promise<{ child: ChildProcess; platformUrl: string; registryUrl: string }> {
  const child = spawn(process.execPath, [...(process.env['BENCH_PROFILE_DIR'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_PROFILE_DIR']}`] : []), 'bin/wangzheng.js', 'start', '--port', '0', '--registry-port', '0', '--no-demo'], {
    cwd: ROOT,
    env: { ...process.env, WZ_DATA_DIR: dir, WZ_REGISTRY_POPULATION: '3000', WZ_LOG_LEVEL: 'warn', ...storeEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench: the platform did not start:\n${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += String(d);
      // The socket's address (the banner names the issuer first; on port 0 that is no address).
      const p = /platform\s+.*listening on (http:\/\/[^\s)]+)/.exec(out);
      const r = /registry simulator\s+(http:\/\/\S+)/.exec(out);
      if (p && r && out.includes('Press Ctrl-C')) {
        clearTimeout(timer);
        resolve({ child, platformUrl: p[1]!, registryUrl: r[1]! });
      }
    });
    child.stderr!.on('data', () => {});
    child.on('exit', (c) => reject(new Error(`bench: the platform exited (${c}):\n${out}`)));
  });
}

function cryptoFloorMs(): number {
  const sm2 = generateKey('SM2');
  const msg = new Uint8Array(600);
  const sig = sm2.sign(msg, 'raw');
  const gm = getSuite('gm');
  const k16 = new Uint8Array(16);
  const k32 = new Uint8Array(32);
  const kib = new Uint8Array(700);
  const sealed = gm.seal(k16, kib);
  const time = (fn: () => void, n: number): number => {
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) fn();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000 / n;
  };
  time(() => sm2.sign(msg, 'raw'), 200);
  const sign = time(() => sm2.sign(msg, 'raw'), 1500);
  const verify = time(() => sm2.publicKey.verify(msg, sig, 'raw'), 1500);
  const seal = time(() => gm.seal(k16, kib), 3000);
  const open = time(() => gm.open(k16, sealed), 3000);
  const hmac = time(() => gm.hmac(k32, kib), 5000);
  // Per verification on the server: issuer + key-binding signature checks, the receipt
  // signature; data keys unwrapped twice (answer, receipt), the profile opened, the outcome
  // sealed and opened, the history event sealed; HMAC-SM3 for the application identifier and
  // its blind index, SM3 for references, secrets and digests (~6).
  return 2 * verify + sign + 4 * open + 2 * seal + 8 * hmac;
}

/** Both engines: SQLite, then the local PostgreSQL when it is reachable (a fresh schema, dropped after). */
export async function runVerificationBench(o: { count?: number; concurrency?: number; holders?: number } = {}): Promise<Row[]> {
  const rows = await runVerificationBenchOn('SQLite', {}, o);
  const pgUrl = process.env['WZ_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_verify_${process.pid}`;
  const c = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
  } catch {
    return [...rows, { name: 'PostgreSQL', value: `skipped: not reachable at ${new URL(pgUrl).host}` }];
  }
  try {
    return [...rows, ...(await runVerificationBenchOn('PostgreSQL', { WZ_STORE: 'postgres', WZ_POSTGRES_URL: pgUrl, WZ_POSTGRES_SCHEMA: schema }, o))];
  } finally {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    await c.end();
  }
}

async function runVerificationBenchOn(engine: string, storeEnv: Record<string, string>, o: { count?: number; concurrency?: number; holders?: number }): Promise<Row[]> {
  const count = o.count ?? Number(process.env['BENCH_VERIFICATIONS'] ?? 400);
  const concurrency = o.concurrency ?? Number(process.env['BENCH_CONCURRENCY'] ?? 8);
  const holdersN = o.holders ?? 8;
  const dir = mkdtempSync(join(tmpdir(), 'wz-bench-verify-'));
  const { child, platformUrl, registryUrl } = await startChild(dir, storeEnv);
  try {
    const client = new PlatformClient(platformUrl);
    const sim = new PlatformClient(registryUrl);
    const samples = (await sim.get<{ samples: { label: string; documentType: string; documentNumber: string }[] }>('/sim/samples')).samples;
    const adults = samples.filter((s) => ['adult', 'hk_macau_resident', 'taiwan_resident', 'foreigner', 'citizen_abroad', 'two_document_types'].includes(s.label));
    const holders: { issued: Issued; key: PrivateKey }[] = [];
    for (const [i, p] of adults.slice(0, holdersN).entries()) {
      const key = generateKey('SM2');
      const phone = `137${String(10_000_000 + i)}`;
      const r = await enroll({
        platform: client,
        hardware: {
          readChip: async () => (await sim.post<{ chip: unknown }>('/sim/nfc/read', { documentType: p.documentType, documentNumber: p.documentNumber })).chip,
          captureFace: async (nonce) => (await sim.post<{ probe: number[] }>('/sim/camera', { documentType: p.documentType, documentNumber: p.documentNumber, subject: 'self', nonce })).probe,
          readSmsCode: (to) => readOutboxCode(join(dir, 'sms-outbox.jsonl'), to),
        },
        documentType: p.documentType,
        phone,
        passphrase: '48273915',
        signer: keySigner(key),
        digest: nodeDigest,
      });
      if (r.status === 'issued') holders.push({ issued: r, key });
    }
    if (holders.length === 0) throw new Error('bench: nobody could be enrolled');
    const rp = await client.post<{ clientId: string; clientSecret: string }>('/v1/rp/sandbox', {
      name: 'bench RP',
      redirectUris: ['http://localhost/cb'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      idTokenSigningAlg: 'SM2',
    });
    const auth = `Basic ${Buffer.from(`${rp.clientId}:${rp.clientSecret}`).toString('base64')}`;
    const call = async <T>(path: string, body: unknown): Promise<T> => {
      const res = await fetch(`${platformUrl}${path}`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`bench: ${path} → ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    let seq = 0;
    const one = async (h: { issued: Issued; key: PrivateKey }): Promise<number> => {
      const t = performance.now();
      const req = await call<{ requestId: string; ref: string }>('/v1/receipt-requests', { bizSeq: `b-${process.pid}-${++seq}`, mode: 'wz' });
      const a = await answerVerification(client, { ref: req.ref, holder: nodeHolder(h.issued.credential, h.key) });
      if (a.status !== 'approved') throw new Error(`bench: ${a.status}`);
      await call<{ receipt: string }>(`/v1/receipt-requests/${req.requestId}/receipt`, {});
      return performance.now() - t;
    };
    for (let i = 0; i < 20; i++) await one(holders[i % holders.length]!); // warm-up
    const latencies: number[] = [];
    let next = 0;
    const cpu0 = cpuMsOf(child.pid!);
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const i = next++;
          latencies.push(await one(holders[i % holders.length]!));
        }
      }),
    );
    const wall = (performance.now() - t0) / 1000;
    const serverCpu = (cpuMsOf(child.pid!) - cpu0) / count;
    const crypto = cryptoFloorMs();

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
      const page = await fetch(`${platformUrl}/oauth/authorize?${q}`, { redirect: 'manual' });
      const html = await page.text();
      const ref = /data-ref="([A-Za-z0-9_-]{22})"/.exec(html)?.[1];
      const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      if (!ref) throw new Error(`bench: no authorize page (${page.status})`);
      const a = await answerVerification(client, { ref, holder: nodeHolder(h.issued.credential, h.key) });
      if (a.status !== 'approved') throw new Error(`bench: ${a.status}`);
      const st = (await (await fetch(`${platformUrl}/oauth/authorize/status?ref=${ref}`, { headers: { cookie } })).json()) as { redirect?: string };
      const code = st.redirect ? new URL(st.redirect).searchParams.get('code') : null;
      if (!code) throw new Error(`bench: no code (${JSON.stringify(st)})`);
      const tok = await fetch(`${platformUrl}/oauth/token`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }),
      });
      if (!tok.ok) throw new Error(`bench: token ${tok.status} ${await tok.text()}`);
      await tok.json();
      return performance.now() - t;
    };
    for (let i = 0; i < 10; i++) await login(holders[i % holders.length]!);
    const logins: number[] = [];
    let nextLogin = 0;
    const loginCount = Math.max(50, Math.floor(count / 2));
    const lc0 = cpuMsOf(child.pid!);
    const lt0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (nextLogin < loginCount) {
          const i = nextLogin++;
          logins.push(await login(holders[i % holders.length]!));
        }
      }),
    );
    const loginWall = (performance.now() - lt0) / 1000;
    const loginCpu = (cpuMsOf(child.pid!) - lc0) / loginCount;
    const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
    return [
      { name: `${engine}: completed verifications/s (receipt flow, mode 网证, SM2 receipts, ${count} with ${concurrency} in flight)`, value: fmt(count / wall, 1) },
      { name: `${engine}: latency p50 / p99 (create request → wallet answers → receipt fetched)`, value: `${fmt(pct(latencies, 50), 1)} / ${fmt(pct(latencies, 99), 1)} ms` },
      { name: `${engine}: server CPU per verification (platform process, /proc${engine === 'PostgreSQL' ? '; the database server not included' : ''})`, value: `${fmt(serverCpu, 2)} ms` },
      { name: 'CPU of the crypto one verification needs (2 SM2 verify, 1 SM2 sign, 6 SM4-GCM, 8 HMAC-SM3), measured here', value: `${fmt(crypto, 2)} ms` },
      { name: `${engine}: server CPU per verification ÷ its crypto`, value: `${fmt(serverCpu / crypto, 2)}×` },
      { name: `${engine}: OIDC logins/s (code flow + PKCE: authorize page, wallet answer, status poll, token endpoint; ${loginCount} with ${concurrency} in flight)`, value: fmt(loginCount / loginWall, 1) },
      { name: `${engine}: OIDC login latency p50 / p99`, value: `${fmt(pct(logins, 50), 1)} / ${fmt(pct(logins, 99), 1)} ms` },
      { name: `${engine}: server CPU per OIDC login, and ÷ its crypto (same crypto as a receipt: 2 verify, 1 sign)`, value: `${fmt(loginCpu, 2)} ms, ${fmt(loginCpu / crypto, 2)}×` },
    ];
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}
