/**
 * How fast a nationwide ban travels: `npm run bench -- lifecycle` (part of `npm run bench`).
 *
 * In one process: the registry simulator and the platform as deployed (HTTP, the job worker at
 * its default interval), on SQLite and — when reachable — PostgreSQL. One person enrolls with
 * the wallet library; two relying parties (one ES256, one SM2) verify them by receipt, so their
 * application identifiers are recorded, and configure RFC 8935 push streams to a local receiver.
 * Then, `BENCH_BANS` times (default 20): an operator bans the 网号 over the admin API, and the
 * benchmark measures
 * - the ban request's round trip;
 * - ban request sent → the platform's Token Status List (fetched as a verifier would, polling
 *   every 20 ms, each fetch a full 2^20-entry list) shows the 网证 SUSPENDED;
 * - ban request sent → both relying parties' receivers have their `account-disabled` SET;
 * and unbans (waiting for the `account-enabled` SETs) before the next round.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import pino from 'pino';
import pg from 'pg';
import { generateKey } from '@wangzheng/core/crypto/index';
import { loadConfig } from '@wangzheng/platform/config';
import { resolveSecrets } from '@wangzheng/platform/secrets';
import { createPlatform } from '@wangzheng/platform/server/platform';
import { MemorySmsSender } from '@wangzheng/platform/sms/sender';
import { openStore, type StoreConfig } from '@wangzheng/platform/store/index';
import { createRegistryServer } from '@wangzheng/registry-sim/http/server';
import { PlatformClient } from '@wangzheng/wallet/enroll/client';
import { enroll, type Issued } from '@wangzheng/wallet/enroll/enroll';
import { answerVerification } from '@wangzheng/wallet/verify';
import { formatRows } from './enrollment.ts';
import { keySigner, nodeDigest, nodeHolder } from '@wangzheng/wallet/holder/node';

interface Row {
  name: string;
  value: string;
}

const EVENTS = [
  'https://schemas.openid.net/secevent/risc/event-type/account-disabled',
  'https://schemas.openid.net/secevent/risc/event-type/account-enabled',
];

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** A push receiver (RFC 8935): answers 202 and counts the SETs it got. */
async function receiver(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server = createServer((req: IncomingMessage, res) => {
    req.resume();
    req.on('end', () => {
      n++;
      res.statusCode = 202;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/events`, count: () => n, close: () => new Promise((r) => server.close(() => r())) };
}

async function until(cond: () => Promise<boolean> | boolean, timeoutMs = 10_000, everyMs = 5): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('bench: timed out waiting');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function runEngine(label: string, storeCfg: StoreConfig, dir: string, registryUrl: string, person: { documentType: string; documentNumber: string }, bans: number) {
  const config = loadConfig({}, { dataDir: dir, 'registry.url': registryUrl, 'http.port': 0, 'passphrase.memoryKiB': 8192, 'passphrase.iterations': 1 });
  const secrets = resolveSecrets(config);
  const sms = new MemorySmsSender();
  const platform = await createPlatform({ config, secrets, logger: pino({ level: 'silent' }), store: await openStore(storeCfg), sms });
  const url = await platform.listen({ port: 0, host: '127.0.0.1' });
  const client = new PlatformClient(url);
  const sim = new PlatformClient(registryUrl);
  const deviceKey = generateKey('SM2');
  const issued = (await enroll({
    platform: client,
    hardware: {
      readChip: async () => (await sim.post<{ chip: unknown }>('/sim/nfc/read', person)).chip,
      captureFace: async (nonce) => (await sim.post<{ probe: number[] }>('/sim/camera', { ...person, subject: 'self', nonce })).probe,
      readSmsCode: async (to) => sms.lastCode(to)!,
    },
    documentType: person.documentType,
    phone: '13900009999',
    passphrase: '48273915',
    signer: keySigner(deviceKey),
    digest: nodeDigest,
  })) as Issued;

  const call = async (auth: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${url}${path}`, { method, headers: { authorization: auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    if (!res.ok) throw new Error(`bench: ${method} ${path} → ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const receivers: Awaited<ReturnType<typeof receiver>>[] = [];
  for (const alg of ['ES256', 'SM2'] as const) {
    const r = await platform.rp.service.apply({
      name: `${alg} bench RP`,
      uscc: alg === 'SM2' ? '911100001000079554' : '914403001922038216', // valid unified social credit codes
      contactEmail: 'identity@example.cn',
      category: 'internet_service',
      purpose: '注册时核验身份',
      redirectUris: [`https://${alg.toLowerCase()}.example.cn/cb`],
      tokenEndpointAuthMethod: 'client_secret_basic',
      idTokenSigningAlg: alg,
    });
    await platform.rp.service.approve(r.clientId, 'admin:bench', { scopes: [] });
    const auth = `Basic ${Buffer.from(`${r.clientId}:${r.clientSecret}`).toString('base64')}`;
    const req = await call(auth, 'POST', '/v1/receipt-requests', { bizSeq: `bench-${alg}`, mode: 'wz' });
    await answerVerification(client, { ref: req['ref'] as string, holder: nodeHolder(issued.credential, deviceKey) });
    const rx = await receiver();
    await call(auth, 'POST', '/ssf/stream', { delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: rx.url }, events_requested: EVENTS });
    receivers.push(rx);
  }
  const admin = `Bearer ${Buffer.from(secrets.admin[0]!.key).toString('base64url')}`;
  const { idx, uri } = JSON.parse(Buffer.from(issued.credential.split('~')[0]!.split('.')[1]!, 'base64url').toString('utf8')).status.status_list as { idx: number; uri: string };
  const listPath = new URL(uri).pathname;
  const listStatus = async (): Promise<number> => getListFromStatusListJWT(await (await fetch(`${url}${listPath}`)).text()).getStatus(idx);
  const delivered = (): number => receivers.reduce((n, r) => n + r.count(), 0);

  const roundTrip: number[] = [];
  const toList: number[] = [];
  const toSets: number[] = [];
  for (let i = 0; i < bans; i++) {
    const before = delivered();
    const t0 = performance.now();
    const banned = call(admin, 'POST', '/v1/admin/bans', { netid: issued.netid, reason: 'fraud', legalRef: '《反电信网络诈骗法》第三十一条' }).then(() => roundTrip.push(performance.now() - t0));
    await Promise.all([
      banned,
      until(async () => (await listStatus()) === 2, 10_000, 20).then(() => toList.push(performance.now() - t0)),
      until(() => delivered() >= before + receivers.length).then(() => toSets.push(performance.now() - t0)),
    ]);
    const afterBan = delivered();
    await call(admin, 'POST', '/v1/admin/unbans', { netid: issued.netid, legalRef: '复核撤销' });
    await until(() => delivered() >= afterBan + receivers.length);
  }
  for (const r of receivers) await r.close();
  await platform.close();
  process.stderr.write(`bench: lifecycle [${label}] ${bans} bans\n`);
  return { roundTrip, toList, toSets, intervalMs: config.jobs.intervalMs };
}

export async function runLifecycleBench(): Promise<Row[]> {
  const bans = Number(process.env['BENCH_BANS'] ?? 20);
  const pgUrl = process.env['WZ_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const dir = mkdtempSync(join(tmpdir(), 'wz-bench-lifecycle-'));
  const rows: Row[] = [];
  const ms = (xs: number[]): string => `${pct(xs, 50).toFixed(0)} / ${Math.max(...xs).toFixed(0)} ms`;
  try {
    const secrets = resolveSecrets(loadConfig({}, { dataDir: dir }));
    const registry = await createRegistryServer({ dbPath: join(dir, 'registry.db'), sharedKeys: [secrets.registryKey], population: { count: 300, seed: 'bench-lifecycle' } });
    const registryUrl = await registry.listen({ port: 0, host: '127.0.0.1' });
    const today = new Date().toISOString().slice(0, 10);
    const people = registry.db
      .prepare(
        `SELECT d.type AS documentType, d.number AS documentNumber FROM documents d JOIN persons p ON p.id = d.person_id
         WHERE d.type = 'resident_id_card' AND d.lost_on IS NULL AND (d.valid_until IS NULL OR d.valid_until >= ?) AND p.birth_date <= ? ORDER BY d.id LIMIT 2`,
      )
      .all(today, `${Number(today.slice(0, 4)) - 19}${today.slice(4)}`) as { documentType: string; documentNumber: string }[];
    const engines: [string, StoreConfig, { documentType: string; documentNumber: string }][] = [['SQLite', { engine: 'sqlite', path: join(dir, 'platform.db') }, people[0]!]];
    const c = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 2000 });
    const schema = `bench_lifecycle_${process.pid}`;
    const pgOk = await c.connect().then(
      () => true,
      () => false,
    );
    if (pgOk) engines.push(['PostgreSQL', { engine: 'postgres', url: pgUrl, schema }, people[1]!]);
    for (const [label, cfg, person] of engines) {
      const r = await runEngine(label, cfg, dir, registryUrl, person, bans);
      rows.push(
        { name: `${label}: ban request round trip, median / max (${bans} bans)`, value: ms(r.roundTrip) },
        { name: `${label}: ban sent → status list shows SUSPENDED, median / max`, value: ms(r.toList) },
        { name: `${label}: ban sent → both RPs received the SET (push, worker every ${r.intervalMs} ms), median / max`, value: ms(r.toSets) },
      );
    }
    if (pgOk) {
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    } else {
      rows.push({ name: 'PostgreSQL', value: `skipped: not reachable at ${new URL(pgUrl).host}` });
    }
    await registry.close();
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}


