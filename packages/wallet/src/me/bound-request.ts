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
import { joinBoundNonce, requestBindingText } from '@wangzheng/core/person/request-binding';
import type { MeNonce } from '@wangzheng/core/person/views';
import { issuerOf, presentCredential } from '../holder/credential.ts';
import { b64uEncode, utf8 } from '../holder/encoding.ts';
import type { Holder } from '../holder/ports.ts';

export type { Holder };
export { issuerOf };

/** The body to POST: `fields`, the platform nonce, and the presentation bound to both and to `path`. */
export async function boundBody(holder: Holder, nonce: MeNonce['nonce'], path: string, fields: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>> {
  const body = { ...fields, nonce };
  const digest = b64uEncode(await holder.digest('sm3', utf8(requestBindingText({ method: 'POST', path, body }))));
  const presentation = await presentCredential(holder, { disclose: [], audience: issuerOf(holder.credential), nonce: joinBoundNonce(nonce, digest) });
  return { ...body, presentation };
}
