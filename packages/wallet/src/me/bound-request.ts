/**
 * Building a person-authenticated request (`POST /v1/me/…`), wallet side: a fresh platform
 * nonce, the body, and a presentation of the wallet's own 网证 whose key-binding JWT — signed
 * by the device key — carries that nonce bound to this method, path and body
 * (@wangzheng/core/person/request-binding). No identity field is disclosed by it: the
 * presentation carries the 网号 and the key binding only.
 *
 * Trust: the stored 网证 is the wallet's own (verified when it was stored); its `iss` is read
 * without verification to name the audience — the platform that issued it, the only one the
 * presentation is meant for.
 */
import { createPresentation, splitCompact } from '@wangzheng/core/credential/index';
import type { PrivateKey } from '@wangzheng/core/crypto/index';
import { WzError } from '@wangzheng/core/errors';
import { boundNonce } from '@wangzheng/core/person/request-digest';
import type { MeNonce } from '@wangzheng/core/person/views';

export interface Holder {
  /** The wallet's own 网证 (SD-JWT VC with its disclosures, as stored). */
  readonly credential: string;
  /** The device key the 网证 is bound to. */
  readonly deviceKey: PrivateKey;
}

/** The issuer of a stored 网证 (`iss`), read without verification. */
export function issuerOf(credential: string): string {
  const payload = splitCompact(credential).issuerJwt.split('.')[1] ?? '';
  const iss: unknown = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown }).iss;
  if (typeof iss !== 'string' || iss === '') throw new WzError('invalid_credential', 'The stored 网证 names no issuer.');
  return iss;
}

/** The body to POST: `fields`, the platform nonce, and the presentation bound to both and to `path`. */
export function boundBody(holder: Holder, nonce: MeNonce['nonce'], path: string, fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const body = { ...fields, nonce };
  const presentation = createPresentation(holder.credential, {
    disclose: [],
    holderKey: holder.deviceKey,
    audience: issuerOf(holder.credential),
    nonce: boundNonce(nonce, { method: 'POST', path, body }),
  });
  return { ...body, presentation };
}
