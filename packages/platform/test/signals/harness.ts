/**
 * Shared Signals test harness: the platform on a fresh store of the engine under test (driven
 * in-process with `inject`, development mode, the job worker NOT started unless asked, so tests
 * drive delivery with their own `Worker`), approved relying parties, a person known to some of
 * them (their application identifiers recorded by the real `recordAppId`), and a real HTTP
 * receiver on 127.0.0.1 that scripts its answers and records what it got.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { deriveAppId, deriveNetidCandidate } from '@wangzheng/core/identifiers/index';
import { loadConfig, type Config } from '../../src/config.ts';
import { Sealer, Worker, type RetryPolicy } from '../../src/jobs/index.ts';
import { resolveSecrets } from '../../src/secrets.ts';
import { createPlatform, type Platform } from '../../src/server/platform.ts';
import { ssfPushHandler, type PushFn } from '../../src/signals/index.ts';
import type { Store, StoreConfig } from '../../src/store/index.ts';
import { recordAppId } from '../../src/verification/app-ids.ts';
import { enrollIn } from '../support/enroll.ts';
import type { TestEngine } from '../support/engines.ts';
import { syntheticPeople } from '../support/people.ts';
import { application, basic, USCC, type SharedRegistry } from '../rp/harness.ts';

export { startRegistry, type SharedRegistry } from '../rp/harness.ts';

export const ISSUER = 'https://wangzheng.test';

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
}

export interface TestRp {
  clientId: string;
  /** `Authorization: Basic …` */
  auth: string;
  alg: 'SM2' | 'ES256';
}

export interface SignalsHarness {
  platform: Platform;
  config: Config;
  storeConfig: StoreConfig;
  store: Store;
  adminAuth: string;
  logs(): string;
  request<T = Record<string, unknown>>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, o?: { body?: unknown; auth?: string; headers?: Record<string, string> }): Promise<Answer<T>>;
  /** A new approved RP (client_secret_basic). */
  rp(alg: 'SM2' | 'ES256'): Promise<TestRp>;
  /** A worker running `ssf.deliver` with the real push handler, on `store` (default the platform's). */
  worker(o?: { store?: Store; now?: () => number; random?: () => number; timeoutMs?: number; push?: PushFn; retry?: RetryPolicy; leaseMs?: number; batchSize?: number }): Worker;
  /** A person enrolled in the store, known to these RPs (application identifiers recorded). */
  person(rps: readonly TestRp[]): Promise<KnownPerson>;
  close(): Promise<void>;
}

export interface KnownPerson {
  id: string;
  /** The 网号 stored for the person (a test stand-in). */
  netid: string;
  /** The well-formed 网号 their application identifiers were derived from. */
  derivedNetid: string;
  dek: Uint8Array;
  /** client id → application identifier */
  appIds: Record<string, string>;
}

let seq = 0;
const people = syntheticPeople(200, 8417);

export async function startSignalsPlatform(
  engine: TestEngine,
  registry: SharedRegistry,
  opts: { now?: () => number; overrides?: Record<string, unknown> } = {},
): Promise<SignalsHarness> {
  const config = loadConfig({}, { dataDir: registry.dir, suite: 'gm', 'registry.url': registry.url, 'http.port': 0, 'http.publicUrl': ISSUER, 'jobs.intervalMs': 0, ...opts.overrides });
  const secrets = resolveSecrets(config);
  let logText = '';
  const logger = pino({ level: 'debug' }, new Writable({ write: (c, _e, cb) => ((logText += String(c)), cb()) }));
  const storeConfig = await engine.freshConfig();
  const store = await engine.open(storeConfig);
  const now = opts.now ?? Date.now;
  const platform = await createPlatform({ config, secrets, logger, store, now });
  await platform.app.ready();
  const sealer = new Sealer(platform.deps.protector);

  const h: SignalsHarness = {
    platform,
    config,
    storeConfig,
    store,
    adminAuth: `Bearer ${Buffer.from(secrets.admin[0].key).toString('base64url')}`,
    logs: () => logText,
    async request<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, o: { body?: unknown; auth?: string; headers?: Record<string, string> } = {}) {
      const res = await platform.app.inject({
        method,
        url,
        headers: { ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(o.auth ? { authorization: o.auth } : {}), ...o.headers },
        ...(o.body !== undefined ? { payload: JSON.stringify(o.body) } : {}),
      });
      return { status: res.statusCode, body: (res.body ? JSON.parse(res.body) : {}) as T, headers: res.headers };
    },
    async rp(alg) {
      seq += 1;
      const s = platform.rp.service;
      const r = await s.apply(application({ uscc: USCC.internet, redirectUris: [`https://rp${seq}.example.cn/cb`], idTokenSigningAlg: alg }) as never);
      await s.approve(r.clientId, 'admin:test', { scopes: [] });
      return { clientId: r.clientId, auth: basic(r.clientId, r.clientSecret as string), alg };
    },
    worker(o = {}) {
      const workerNow = o.now ?? now;
      const handler = ssfPushHandler({ store: o.store ?? store, sealer, guard: false, now: workerNow, ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}), ...(o.push ? { push: o.push } : {}) });
      return new Worker({
        store: o.store ?? store,
        sealer,
        handlers: { 'ssf.deliver': handler },
        intervalMs: 10,
        now: workerNow,
        ...(o.random ? { random: o.random } : {}),
        ...(o.retry ? { retry: o.retry } : {}),
        ...(o.leaseMs ? { leaseMs: o.leaseMs } : {}),
        ...(o.batchSize ? { batchSize: o.batchSize } : {}),
      });
    },
    async person(rps) {
      const p = people[seq++ % people.length]!;
      const { protector, blindIndexer } = platform.deps;
      const appIdKey = platform.deps.secrets.appid[0].key;
      return store.transaction(async (tx) => {
        const e = await enrollIn(tx, protector, blindIndexer, { ...p, personRef: `${p.personRef}-${seq}` });
        const row = (await tx.persons.findById(e.id))!;
        const dek = protector.unwrapDataKey(e.id, row.wrappedDek, row.kekId);
        const appIds: Record<string, string> = {};
        // The stored 网号 is a test stand-in (not check-character valid): derive from a well-formed one.
        const netid = deriveNetidCandidate(platform.deps.secrets.netid[0].key, e.id, 0);
        for (const rp of rps) {
          const appId = deriveAppId({ key: appIdKey, netid, sector: `${rp.clientId}.example.cn` });
          await recordAppId(tx, { protector, blindIndexer }, e.id, dek, rp.clientId, appId);
          appIds[rp.clientId] = appId;
        }
        return { id: e.id, netid: e.netid, derivedNetid: netid, dek, appIds };
      });
    },
    async close() {
      await platform.app.close();
    },
  };
  return h;
}

// ---------------------------------------------------------------- a receiver

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** The next answers, in order (then 202): a status, or `hang` (never answer). */
  script(answers: (number | { status: number; body: unknown } | 'hang')[]): void;
  /** Resolves at the next request. */
  next(): Promise<Received>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let answers: (number | { status: number; body: unknown } | 'hang')[] = [];
  let waiters: ((r: Received) => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: performance.now() };
      received.push(r);
      for (const w of waiters.splice(0)) w(r);
      const a = answers.shift() ?? 202;
      if (a === 'hang') return;
      const status = typeof a === 'number' ? a : a.status;
      const body = typeof a === 'number' ? '' : JSON.stringify(a.body);
      res.writeHead(status, body ? { 'content-type': 'application/json' } : {}).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events`,
    received,
    script: (a) => {
      answers = [...a];
    },
    next: () => new Promise((resolve) => waiters.push(resolve)),
    async close() {
      waiters = [];
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The JSON payload of a compact JWS (unverified: for assertions after verification). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** An enabled push stream for `rp` to `url`, requesting every event. */
export async function pushStream(h: SignalsHarness, rp: TestRp, url: string, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await h.request<{ stream_id: string }>('POST', '/ssf/stream', { auth: rp.auth, body: { delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: url, ...extra }, events_requested: ALL_EVENTS } });
  if (r.status !== 201) throw new Error(`stream create: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.stream_id;
}

/** An enabled poll stream for `rp`, requesting every event. */
export async function pollStream(h: SignalsHarness, rp: TestRp): Promise<string> {
  const r = await h.request<{ stream_id: string }>('POST', '/ssf/stream', { auth: rp.auth, body: { delivery: { method: 'urn:ietf:rfc:8936' }, events_requested: ALL_EVENTS } });
  if (r.status !== 201) throw new Error(`stream create: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.stream_id;
}

export const ALL_EVENTS = [
  'https://schemas.openid.net/secevent/risc/event-type/account-disabled',
  'https://schemas.openid.net/secevent/risc/event-type/account-enabled',
  'https://schemas.openid.net/secevent/risc/event-type/account-purged',
  'https://schemas.openid.net/secevent/caep/event-type/credential-change',
  'urn:wangzheng:secevent:event-type:consent-withdrawn',
];
