/**
 * A lighter platform harness for the relying-party API: the registry simulator (tiny
 * population; only its trust anchors are needed at start-up) and the platform on a fresh store
 * of the engine under test, driven in-process with Fastify's `inject` (no port). Development
 * mode by default; `mode: 'production'` builds a complete production configuration (every
 * secret given, signing keys in files) so the production rules are the real ones.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { generateKey, type PrivateKey } from '@wangzheng/core/crypto/index';
import { generateSecretEntry } from '@wangzheng/core/identifiers/index';
import { loadConfig, type Config } from '../../src/config.ts';
import { resolveSecrets, type PlatformSecrets } from '../../src/secrets.ts';
import { createPlatform, type Platform } from '../../src/server/platform.ts';
import type { StoreConfig } from '../../src/store/index.ts';
import type { TestEngine } from '../support/engines.ts';
import type { SharedRegistry } from '../enrollment/harness.ts';

export { startRegistry, type SharedRegistry } from '../enrollment/harness.ts';

export const ISSUER = 'https://wangzheng.test';

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
}

export interface RpHarness {
  platform: Platform;
  config: Config;
  secrets: PlatformSecrets;
  storeConfig: StoreConfig;
  /** `Authorization` value of the first operator token. */
  adminAuth: string;
  logs(): string;
  request<T = Record<string, unknown>>(method: 'GET' | 'POST', url: string, opts?: { body?: unknown; headers?: Record<string, string> }): Promise<Answer<T>>;
  close(): Promise<void>;
}

export async function startRpPlatform(
  engine: TestEngine,
  registry: SharedRegistry,
  opts: { mode?: 'development' | 'production'; suite?: 'gm' | 'intl'; now?: () => number } = {},
): Promise<RpHarness> {
  const mode = opts.mode ?? 'development';
  const overrides: Record<string, unknown> = {
    dataDir: registry.dir,
    suite: opts.suite ?? 'gm',
    'registry.url': registry.url,
    'http.port': 0,
    'http.publicUrl': ISSUER,
  };
  if (mode === 'production') {
    const dir = mkdtempSync(join(registry.dir, 'prod-'));
    const gm = join(dir, 'gm.pem');
    const intl = join(dir, 'intl.pem');
    writeFileSync(gm, generateKey('SM2').toPem(), { mode: 0o600 });
    writeFileSync(intl, generateKey('ES256').toPem(), { mode: 0o600 });
    Object.assign(overrides, {
      mode: 'production',
      dataDir: dir,
      'secrets.netid': generateSecretEntry('netid-1'),
      'secrets.appid': generateSecretEntry('appid-1'),
      'secrets.kek': generateSecretEntry('kek-1', (opts.suite ?? 'gm') === 'gm' ? 16 : 32),
      'secrets.blindIndex': generateSecretEntry('bidx-1'),
      'secrets.admin': `${generateSecretEntry('ops-1')},${generateSecretEntry('ops-2')},${generateSecretEntry('ops-norole')}`,
      // ops-norole has no role: nothing in the admin API is reachable with its token.
      'admin.roles': 'ops-1=rp_reviewer+auditor,ops-2=rp_reviewer',
      'registry.sharedKey': registry.registryKey,
      'signing.gmKeyFile': gm,
      'signing.intlKeyFile': intl,
      'sms.sender': 'disabled',
    });
  }
  const config = loadConfig({}, overrides);
  const secrets = resolveSecrets(config);
  let logText = '';
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _enc, cb) {
        logText += String(chunk);
        cb();
      },
    }),
  );
  const storeConfig = await engine.freshConfig();
  const store = await engine.open(storeConfig);
  const platform = await createPlatform({ config, secrets, logger, store, ...(opts.now ? { now: opts.now } : {}) });
  await platform.app.ready();
  return {
    platform,
    config,
    secrets,
    storeConfig,
    adminAuth: `Bearer ${Buffer.from(secrets.admin[0].key).toString('base64url')}`,
    logs: () => logText,
    async request<T>(method: 'GET' | 'POST', url: string, o: { body?: unknown; headers?: Record<string, string> } = {}) {
      const res = await platform.app.inject({
        method,
        url,
        headers: { ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers },
        ...(o.body !== undefined ? { payload: JSON.stringify(o.body) } : {}),
      });
      return { status: res.statusCode, body: (res.body ? JSON.parse(res.body) : {}) as T, headers: res.headers };
    },
    async close() {
      // The engine closes the store.
      await platform.app.close();
    },
  };
}

// ---------------------------------------------------------------- applications

export const USCC = {
  bank: '91110000802100433B',
  internet: '914403001922038216',
  telecom: '911100001000079554',
};

export function application(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: '示例网络科技有限公司',
    uscc: USCC.internet,
    contactEmail: 'identity@example.cn',
    category: 'internet_service',
    purpose: '注册账号时核验您的身份',
    redirectUris: ['https://app.example.cn/callback'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    ...over,
  };
}

export function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** A private_key_jwt application with fresh keys; returns the keys to sign assertions with. */
export function keyedApplication(algs: ('SM2' | 'ES256' | 'EdDSA')[] = ['ES256'], over: Record<string, unknown> = {}): { body: Record<string, unknown>; keys: PrivateKey[] } {
  const keys = algs.map((a) => generateKey(a));
  return {
    keys,
    body: application({
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks: { keys: keys.map((k, i) => ({ ...k.publicKey.toJwk(), kid: `key-${i}` })) },
      ...over,
    }),
  };
}
