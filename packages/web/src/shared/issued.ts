/**
 * Checking a 网证 the platform just issued, before the web wallet stores it (as the CLI does,
 * packages/cli/src/commands/wallet/holder.ts): the issuer signature with a key from the
 * platform's `/.well-known/jwks.json` (SM2 through sm-crypto-v2, with SM3 and the standard
 * distinguishing ID; ES256 through WebCrypto) — the algorithm pinned to those two, never the
 * header's choice alone —, `iss` equal to the issuer the enrollment named, `cnf` equal to this
 * browser's device key, and the 网号 and id the platform announced.
 */
import { sm2 } from 'sm-crypto-v2';
import { splitCompact } from '@wangzheng/core/credential/compact';
import type { PublicJwk } from '@wangzheng/core/crypto/types';
import { WzError } from '@wangzheng/core/errors';
import type { PlatformClient } from '@wangzheng/wallet/enroll/client';
import { b64uDecode, fromUtf8 } from '@wangzheng/wallet/holder/encoding';

const SM2_ID = '1234567812345678';

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function json(part: string | undefined): Record<string, unknown> {
  const bytes = b64uDecode(part ?? '');
  if (!bytes) throw bad('unreadable part');
  const v = JSON.parse(fromUtf8(bytes)) as unknown;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad('not an object');
  return v as Record<string, unknown>;
}

function bad(detail: string): WzError {
  return new WzError('invalid_credential', 'The issued 网证 did not pass the wallet’s checks; it was not stored.', { detail });
}

async function verifySignature(alg: 'SM2' | 'ES256', jwk: PublicJwk, signingInput: Uint8Array, sig: Uint8Array): Promise<boolean> {
  if (sig.length !== 64) return false;
  if (alg === 'ES256') {
    if (jwk.crv !== 'P-256' || !jwk.y) return false;
    const key = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: true }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, sig as BufferSource, signingInput as BufferSource);
  }
  if (jwk.crv !== 'SM2' || !jwk.y) return false;
  const x = b64uDecode(jwk.x);
  const y = b64uDecode(jwk.y);
  if (!x || !y || x.length !== 32 || y.length !== 32) return false;
  try {
    return sm2.doVerifySignature(signingInput, hex(sig), `04${hex(x)}${hex(y)}`, { der: false, hash: true, userId: SM2_ID });
  } catch {
    return false;
  }
}

/** Throws `invalid_credential` unless the issued 网证 passes every check. */
export async function checkIssued(
  client: PlatformClient,
  issued: { netid: string; credentialId: string; credential: string },
  expect: { issuer: string; device: PublicJwk },
): Promise<void> {
  const { issuerJwt } = splitCompact(issued.credential);
  const [h, p, s] = issuerJwt.split('.');
  const header = json(h);
  const payload = json(p);
  const sig = b64uDecode(s ?? '');
  const alg = header['alg'];
  if (alg !== 'SM2' && alg !== 'ES256') throw bad('issuer algorithm not accepted');
  if (!sig) throw bad('signature unreadable');
  const jwks = await client.get<{ keys?: unknown }>('/.well-known/jwks.json');
  const keys = (Array.isArray(jwks.keys) ? jwks.keys : []) as (PublicJwk & { kid?: string })[];
  const crv = alg === 'SM2' ? 'SM2' : 'P-256';
  const candidates = keys.filter((k) => k && k.kty === 'EC' && k.crv === crv && (header['kid'] === undefined || k.kid === header['kid']));
  const input = new TextEncoder().encode(`${h}.${p}`);
  let ok = false;
  for (const k of candidates) {
    if (await verifySignature(alg, k, input, sig)) {
      ok = true;
      break;
    }
  }
  if (!ok) throw bad('issuer signature');
  if (payload['iss'] !== expect.issuer) throw bad('iss');
  const cnf = (payload['cnf'] as { jwk?: Partial<PublicJwk> } | undefined)?.jwk;
  if (!cnf || cnf.kty !== expect.device.kty || cnf.crv !== expect.device.crv || cnf.x !== expect.device.x || cnf.y !== expect.device.y) throw bad('cnf');
  if (payload['netid'] !== issued.netid || payload['jti'] !== issued.credentialId) throw bad('netid/jti');
  const exp = payload['exp'];
  if (typeof exp !== 'number' || exp * 1000 <= Date.now()) throw bad('exp');
}
