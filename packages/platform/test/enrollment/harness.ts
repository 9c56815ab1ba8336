/**
 * End-to-end enrollment harness: the registry simulator as its own HTTP service (port 0, its
 * own SQLite), the platform on a fresh store of the engine under test, talking to the
 * registry over authenticated HTTP exactly as in production; a wallet driving the steps over
 * the platform's HTTP API. SMS codes land in a MemorySmsSender; logs in a buffer that tests
 * search for personal data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { generateKey, type PrivateKey } from '@wangzheng/core/crypto/index';
import { loadConfig, type Config } from '../../src/config.ts';
import { resolveSecrets } from '../../src/secrets.ts';
import { createPlatform, type Platform } from '../../src/server/platform.ts';
import { MemorySmsSender } from '../../src/sms/sender.ts';
import { createRegistryServer, type RegistryServer } from '@wangzheng/registry-sim/http/server';
import { PlatformClient } from '@wangzheng/wallet/enroll/client';
import { enroll, type EnrollOptions } from '@wangzheng/wallet/enroll/enroll';
import type { DeviceHardware } from '@wangzheng/wallet/enroll/simulator';
import type { StoreConfig } from '../../src/store/index.ts';
import type { TestEngine } from '../support/engines.ts';
import { keySigner, nodeDigest } from '@wangzheng/wallet/holder/node';

export interface RegistryPerson {
  documentType: string;
  documentNumber: string;
  name: string;
  birthDate: string;
  idNumber: string | null;
}

export interface SharedRegistry {
  server: RegistryServer;
  url: string;
  dir: string;
  registryKey: string;
  /** People from the registry's own database (the simulator is the authoritative source). */
  people(where: string, params?: unknown[], limit?: number): RegistryPerson[];
  close(): Promise<void>;
}

const TODAY = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const yearsAgo = (n: number): string => `${Number(TODAY.slice(0, 4)) - n}${TODAY.slice(4)}`;
export const VALID_DOC = `d.lost_on IS NULL AND (d.valid_until IS NULL OR d.valid_until >= '${TODAY}')`;
export const ADULT = `p.birth_date <= '${yearsAgo(19)}' AND p.birth_date > '${yearsAgo(80)}'`;
export const AGE_14_17 = `p.birth_date <= '${yearsAgo(15)}' AND p.birth_date > '${yearsAgo(17)}'`;
export const UNDER_14 = `p.birth_date > '${yearsAgo(13)}'`;

/** One registry simulator per test file, shared by both engines' platforms. */
export async function startRegistry(population = 600, seed = 'enrollment-tests'): Promise<SharedRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'wz-enroll-'));
  // The development secrets file makes the shared key both sides use.
  const cfg = loadConfig({}, { dataDir: dir });
  const secrets = resolveSecrets(cfg);
  const server = await createRegistryServer({ dbPath: join(dir, 'registry.db'), sharedKeys: [secrets.registryKey], population: { count: population, seed } });
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  return {
    server,
    url,
    dir,
    registryKey: secrets.registryKey,
    people(where, params = [], limit = 1) {
      return server.db
        .prepare(
          `SELECT d.type AS documentType, d.number AS documentNumber, p.name AS name, p.birth_date AS birthDate, p.id_number AS idNumber
           FROM documents d JOIN persons p ON p.id = d.person_id WHERE ${where} ORDER BY d.id LIMIT ?`,
        )
        .all(...params, limit) as RegistryPerson[];
    },
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Harness {
  platform: Platform;
  storeConfig: StoreConfig;
  client: PlatformClient;
  url: string;
  sms: MemorySmsSender;
  config: Config;
  /** Every log line the platform wrote. */
  logs(): string;
  hardware(person: Pick<RegistryPerson, 'documentType' | 'documentNumber'>, faceOf?: 'self' | 'other'): DeviceHardware;
  /** A full, successful-by-default enrollment with fresh device key and phone. */
  enroll(person: Pick<RegistryPerson, 'documentType' | 'documentNumber'>, over?: Partial<EnrollOptions> & { faceOf?: 'self' | 'other'; deviceKey?: PrivateKey }): ReturnType<typeof enroll>;
  close(): Promise<void>;
}

let phoneSeq = 0;
/** Distinct valid mainland mobile numbers, per process. */
export function freshPhone(): string {
  phoneSeq += 1;
  return `139${String((process.pid * 7919 + phoneSeq) % 100_000_000).padStart(8, '0')}`;
}

/** A port free right now on 127.0.0.1 (for a platform whose issuer must be its listen URL). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startPlatform(
  engine: TestEngine,
  registry: SharedRegistry,
  opts: {
    suite?: 'gm' | 'intl';
    now?: () => number;
    overrides?: Record<string, unknown>;
    /** The issuer is the URL the platform listens on (standard OIDC clients compare it exactly). */
    issuerIsListenUrl?: boolean;
  } = {},
): Promise<Harness> {
  const port = opts.issuerIsListenUrl ? await freePort() : 0;
  const config = loadConfig(
    {},
    {
      dataDir: registry.dir,
      suite: opts.suite ?? 'gm',
      'registry.url': registry.url,
      'http.port': port,
      'http.publicUrl': opts.issuerIsListenUrl ? `http://127.0.0.1:${port}` : 'https://wangzheng.test',
      // Cheap hashes for tests; the benchmark measures the production parameters.
      'passphrase.memoryKiB': 8192,
      'passphrase.iterations': 1,
      ...opts.overrides,
    },
  );
  const secrets = resolveSecrets(config);
  let logText = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logText += String(chunk);
      cb();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const sms = new MemorySmsSender();
  const storeConfig = await engine.freshConfig();
  const store = await engine.open(storeConfig);
  const platform = await createPlatform({ config, secrets, logger, store, sms, ...(opts.now ? { now: opts.now } : {}) });
  const url = await platform.listen({ port, host: '127.0.0.1' });
  const client = new PlatformClient(url);
  const h: Harness = {
    platform,
    storeConfig,
    client,
    url,
    sms,
    config,
    logs: () => logText,
    hardware(person, faceOf = 'self') {
      const sim = new PlatformClient(registry.url);
      return {
        readChip: async () => (await sim.post<{ chip: unknown }>('/sim/nfc/read', { documentType: person.documentType, documentNumber: person.documentNumber })).chip,
        captureFace: async (nonce) =>
          (await sim.post<{ probe: number[] }>('/sim/camera', { documentType: person.documentType, documentNumber: person.documentNumber, subject: faceOf, nonce })).probe,
        readSmsCode: async (phone) => {
          const code = sms.lastCode(phone);
          if (!code) throw new Error('no code sent');
          return code;
        },
      };
    },
    enroll(person, over = {}) {
      const { faceOf, deviceKey: key, ...rest } = over;
      return enroll({
        platform: client,
        hardware: h.hardware(person, faceOf),
        documentType: person.documentType,
        phone: freshPhone(),
        passphrase: '48273915',
        signer: keySigner(key ?? generateKey(opts.suite === 'intl' ? 'ES256' : 'SM2')),
        digest: nodeDigest,
        label: 'test phone',
        ...rest,
      });
    },
    async close() {
      // The engine closes the store.
      await platform.app.close();
    },
  };
  return h;
}

export function deviceKey(suite: 'gm' | 'intl' = 'gm'): PrivateKey {
  return generateKey(suite === 'intl' ? 'ES256' : 'SM2');
}
