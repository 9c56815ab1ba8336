/**
 * The SDK against a real platform: the registry simulator and the platform from the
 * platform's own enrollment harness (HTTP on port 0, issuer `https://wangzheng.test`), on
 * SQLite only — the platform's tests run the store on both engines; here the subject is the
 * SDK. One enrolled adult whose wallet answers requests in-process (`approve`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { PrivateKey, PublicJwk } from '@wangzheng/core/crypto/index';
import { openStore, type Store } from '@wangzheng/platform/store/index';
import type { RpApplication } from '@wangzheng/platform/rp/service';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { answerVerification, type AnswerOptions } from '@wangzheng/wallet/verify';
import { ADULT, VALID_DOC, deviceKey, startPlatform, startRegistry, type Harness, type RegistryPerson, type SharedRegistry } from '../../platform/test/enrollment/harness.ts';
import type { TestEngine } from '../../platform/test/support/engines.ts';
import { USCC } from '../../platform/test/rp/harness.ts';
import { nodeHolder } from '@wangzheng/wallet/holder/node';

export { USCC };
export const ISSUER = 'https://wangzheng.test';
export const PASSPHRASE = '48273915';

/** SQLite, a fresh file per store, removed after the file's tests. */
export function sqliteOnly(): TestEngine {
  const dirs: string[] = [];
  const stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const engine: TestEngine = {
    name: 'sqlite',
    async freshConfig() {
      const dir = mkdtempSync(join(tmpdir(), 'wz-sdk-store-'));
      dirs.push(dir);
      return { engine: 'sqlite', path: join(dir, 'wangzheng.db') };
    },
    async open(cfg, opts) {
      const s = await openStore(cfg, opts);
      stores.push(s);
      return s;
    },
    async openFresh(opts) {
      return engine.open(await engine.freshConfig(), opts);
    },
  };
  return engine;
}

export interface Holder {
  person: RegistryPerson;
  issued: Issued;
  key: PrivateKey;
}

export interface System {
  reg: SharedRegistry;
  h: Harness;
  holder: Holder;
  /** The wallet answers the request `ref` (approve by default; the presentation is always made). */
  approve(ref: string, o?: Partial<AnswerOptions>): Promise<{ status: string; failure?: string }>;
  /** Registers and approves an RP; the secret for client_secret_basic. */
  makeRp(o: RpSpec): Promise<{ clientId: string; clientSecret?: string }>;
  close(): Promise<void>;
}

export interface RpSpec {
  category: 'bank' | 'internet_service' | 'telecom_operator' | 'venue';
  alg: 'SM2' | 'ES256';
  host: string;
  /** private_key_jwt with this public key; client_secret_basic without. */
  jwk?: PublicJwk;
  approve?: string[];
}

const USCC_BY_CATEGORY: Record<RpSpec['category'], string> = {
  bank: USCC.bank,
  internet_service: USCC.internet,
  telecom_operator: USCC.telecom,
  venue: USCC.internet,
};

export async function startSystem(engine: TestEngine): Promise<System> {
  const reg = await startRegistry(300, 'sdk-tests');
  const h = await startPlatform(engine, reg);
  const person = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 1)[0]!;
  const key = deviceKey();
  const issued = (await h.enroll(person, { deviceKey: key })) as Issued;
  const holder: Holder = { person, issued, key };
  return {
    reg,
    h,
    holder,
    approve: (ref, o = {}) => answerVerification(h.client, { ref, holder: nodeHolder(issued.credential, key), passphrase: PASSPHRASE, captureFace: h.hardware(person).captureFace, ...o }),
    async makeRp(o) {
      const s = h.platform.rp.service;
      const scopes = Object.fromEntries((o.approve ?? []).map((x) => [x, `法律依据 ${x}`]));
      const application: RpApplication = {
        name: `${o.host} 测试机构`,
        uscc: USCC_BY_CATEGORY[o.category],
        contactEmail: 'identity@example.cn',
        category: o.category,
        purpose: '开户时核验您的身份',
        redirectUris: [`https://${o.host}/cb`],
        idTokenSigningAlg: o.alg,
        scopes,
        ...(o.jwk ? { tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [o.jwk] } } : { tokenEndpointAuthMethod: 'client_secret_basic' }),
      };
      const r = await s.apply(application);
      await s.approve(r.clientId, 'admin:test', { scopes: o.approve ?? [], legalBasis: Object.fromEntries((o.approve ?? []).map((x) => [x, `法规依据 ${x}`])) });
      return { clientId: r.clientId, ...(r.clientSecret ? { clientSecret: r.clientSecret } : {}) };
    },
    async close() {
      await h.close();
      await reg.close();
    },
  };
}

/** The payload of a compact JWS, NOT verified (for assertions about what a token carries). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}
