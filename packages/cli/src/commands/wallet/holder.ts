/**
 * The holder's side of talking to the platform, for the wallet subcommands: an HTTP client
 * that remembers the last answer (for the step lines) and names an unreachable service; the
 * simulated phone hardware with the same courtesy; checking an issued 网证 before it is
 * stored; and the pending-enrollment file of a 14–17-year-old waiting for their guardian.
 *
 * Trust: a 网证 from the platform is stored only after its signature verifies with a key from
 * the platform's JWKS, its `iss` is the issuer the enrollment named, and its `cnf` key is this
 * wallet's device key. A credential already in the keystore was checked that way when stored;
 * `payloadOf` reads it again WITHOUT verifying (display, and the `iss` a presentation names).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { splitCompact, verifyCredential, type CredentialPayload } from '@wangzheng/core/credential/index';
import { fromB64u, importPublicKey, type PublicJwk, type PublicKey } from '@wangzheng/core/crypto/index';
import { WzError, isWzError } from '@wangzheng/core/errors';
import { readBounded, writeFileAtomic } from '@wangzheng/wallet/atomic-file';
import { PlatformClient } from '@wangzheng/wallet/enroll/client';
import type { AwaitingGuardian, Issued } from '@wangzheng/wallet/enroll/enroll';
import type { DeviceHardware } from '@wangzheng/wallet/enroll/simulator';
import type { StoredCredential } from '@wangzheng/wallet';
import { issuerOf } from '@wangzheng/wallet/holder/credential';
import { InputError, UnreachableError, serviceUrl } from './context.ts';

/** The client's transport failure: a WzError with a cause and no HTTP status from a body. */
function isTransportFailure(e: unknown): boolean {
  return isWzError(e, 'internal_error') && e.cause !== undefined && e.message.startsWith('cannot reach');
}

/** A PlatformClient that keeps the last answer and turns "no answer at all" into UnreachableError. */
export class ObservedClient extends PlatformClient {
  last: unknown;

  override async get<T>(path: string, token?: string): Promise<T> {
    return this.#observe(() => super.get<T>(path, token));
  }

  override async post<T>(path: string, body: unknown, token?: string): Promise<T> {
    return this.#observe(() => super.post<T>(path, body, token));
  }

  async #observe<T>(call: () => Promise<T>): Promise<T> {
    try {
      const r = await call();
      this.last = r;
      return r;
    } catch (e) {
      if (isTransportFailure(e)) {
        throw new UnreachableError(`cannot reach the platform at ${this.baseUrl}: is it running? Start it with \`npm start\`, or pass --platform URL`, 'platform_unreachable');
      }
      throw e;
    }
  }
}

/**
 * The platform to talk to about this wallet's own 网证: the one that issued it (its `iss`), so
 * that a command without `--platform` never talks to whatever other instance answers on the
 * default port. A `--platform` that is given must be that same platform under another address
 * (e.g. 127.0.0.1 for localhost): its discovery document must name the 网证's issuer.
 */
export async function issuingPlatform(flag: string | undefined, sdJwt: string): Promise<ObservedClient> {
  const issuer = issuerOf(sdJwt);
  if (flag === undefined) return new ObservedClient(serviceUrl(issuer, 'platform'));
  const client = new ObservedClient(serviceUrl(flag, 'platform'));
  const theirs = (await client.get<{ issuer?: unknown }>('/.well-known/openid-configuration')).issuer;
  if (theirs !== issuer) {
    const named = typeof theirs === 'string' ? theirs.replace(/[^\x21-\x7e]/g, '?').slice(0, 200) : 'unknown';
    throw new InputError(`--platform ${client.baseUrl} is the platform ${named}, but this wallet's 网证 was issued by ${issuer}; leave out --platform (the wallet then talks to ${issuer}) or give that platform's address`);
  }
  return client;
}

/** The simulated NFC reader and camera live in the registry simulator: say so when it is not there. */
export function namedHardware(hw: DeviceHardware, registryUrl: string): DeviceHardware {
  const wrap =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      try {
        return await f(...a);
      } catch (e) {
        if (isTransportFailure(e)) {
          throw new UnreachableError(
            `cannot reach the registry simulator (the simulated NFC reader and camera) at ${registryUrl}: start it with \`npm start\`, or pass --registry URL`,
            'registry_unreachable',
          );
        }
        throw e;
      }
    };
  return { readChip: wrap(() => hw.readChip()), captureFace: wrap((n: string) => hw.captureFace(n)), readSmsCode: (p) => hw.readSmsCode(p) };
}

/** Issuer algorithms a wallet accepts on a 网证 (docs/credential.md). */
const ISSUER_ALGS = ['SM2', 'ES256'] as const;

/**
 * Checks a freshly issued 网证 and returns it as the keystore stores it: signature over the
 * platform's JWKS, `iss`, `cnf` = this device, and the 网号 and id the platform announced.
 */
export async function checkIssued(
  client: PlatformClient,
  issued: Pick<Issued, 'netid' | 'credentialId' | 'credential'>,
  expect: { issuer: string; device: PublicKey },
  holder: StoredCredential['holder'],
  wardLabel?: string,
): Promise<StoredCredential> {
  const jwks = await client.get<{ keys?: unknown }>('/.well-known/jwks.json');
  const keys: PublicKey[] = [];
  for (const k of Array.isArray(jwks.keys) ? jwks.keys : []) {
    try {
      keys.push(importPublicKey(k as PublicJwk));
    } catch {
      // a key type this wallet does not know: it cannot have signed anything we accept
    }
  }
  if (keys.length === 0) throw new WzError('invalid_credential', 'The platform publishes no key this wallet can verify a 网证 with.');
  const v = verifyCredential(issued.credential, { keys, algorithms: ISSUER_ALGS, issuer: expect.issuer });
  if (importPublicKey(v.cnf.jwk).thumbprint !== expect.device.thumbprint) {
    throw new WzError('invalid_credential', 'The issued 网证 is not bound to this wallet’s device key; it was not stored.');
  }
  if (v.payload.netid !== issued.netid || v.payload.jti !== issued.credentialId) {
    throw new WzError('invalid_credential', 'The issued 网证 does not match what the platform announced; it was not stored.');
  }
  return {
    netid: v.payload.netid,
    credentialId: v.payload.jti,
    sdJwt: issued.credential,
    issuedAt: new Date(v.payload.iat * 1000).toISOString(),
    expiresAt: new Date(v.payload.exp * 1000).toISOString(),
    holder,
    ...(wardLabel !== undefined ? { wardLabel } : {}),
  };
}

/** The plain claims of a stored 网证, NOT verified (it was verified when stored). */
export function payloadOf(sdJwt: string): CredentialPayload {
  const jwt = splitCompact(sdJwt).issuerJwt;
  const bytes = fromB64u(jwt.split('.')[1] ?? '');
  if (bytes === undefined) throw new WzError('invalid_credential', 'The stored credential is malformed.');
  return JSON.parse(bytes.toString('utf8')) as CredentialPayload;
}

/** The RFC 7638 thumbprint of the device key a 网证 is bound to. */
export function boundKid(sdJwt: string): string {
  return importPublicKey(payloadOf(sdJwt).cnf.jwk).thumbprint;
}

// ------------------------------------------------------------------------- pending enrollment

/** A 14–17-year-old's enrollment waiting for the guardian. Holds the enrollment token: secret, 0600. */
export const PENDING_FILE = 'pending-enrollment.json';

export interface PendingEnrollment {
  v: 1;
  platform: string;
  issuer: string;
  deviceKid: string;
  pending: AwaitingGuardian['pending'];
}

export async function writePending(dir: string, p: PendingEnrollment): Promise<string> {
  const path = join(dir, PENDING_FILE);
  await writeFileAtomic(path, Buffer.from(`${JSON.stringify(p, null, 2)}\n`, 'utf8'));
  return path;
}

/** The pending enrollment in `dir`, or undefined when there is none. Malformed → `invalid_request`. */
export async function readPending(dir: string): Promise<PendingEnrollment | undefined> {
  const bytes = await readBounded(join(dir, PENDING_FILE), 16_384);
  if (bytes === 'missing') return undefined;
  const bad = (): WzError => new WzError('invalid_request', `${PENDING_FILE} in the wallet directory is not a pending enrollment; delete it and enroll again.`);
  if (typeof bytes === 'string') throw bad();
  let p: unknown;
  try {
    p = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw bad();
  }
  const o = p as Partial<PendingEnrollment> | null;
  const q = o?.pending;
  const str = (x: unknown): boolean => typeof x === 'string' && x.length > 0;
  if (!o || o.v !== 1 || !str(o.platform) || !str(o.issuer) || !str(o.deviceKid) || !q || !str(q.enrollmentId) || !str(q.token) || !str(q.nonce) || !str(q.expiresAt)) throw bad();
  return o as PendingEnrollment;
}

export async function removePending(dir: string): Promise<void> {
  await rm(join(dir, PENDING_FILE), { force: true });
}
