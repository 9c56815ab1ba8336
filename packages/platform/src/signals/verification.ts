/**
 * The stream verification event (SSF 1.0 §8.1.4): a receiver asks, and the transmitter sends a
 * SET through the stream's normal delivery path so the receiver can check end to end that
 * events reach it. Its subject is the stream itself — `sub_id: { format: "opaque", id:
 * <stream_id> }` — and its one event carries the receiver's `state`, if it sent one.
 *
 * Not built by core's `buildSet`, which only takes an `iss_sub` subject (a person at an RP): this
 * SET names no person. It is signed the same way: compact JWS, `typ: secevent+jwt`, the RP's
 * registered algorithm, no `sub`, no `exp`.
 *
 * Trust: `state` is the receiver's opaque text, returned to that receiver only; its length is
 * bounded by the route.
 */
import { newJti, SET_TYP, type SigningRings } from '@wangzheng/core/signals/index';
import type { IdTokenAlg } from '@wangzheng/core/rp/types';

export const VERIFICATION_EVENT_URI = 'https://schemas.openid.net/secevent/ssf/event-type/verification';

export interface VerificationSetInput {
  readonly issuer: string;
  readonly clientId: string;
  readonly streamId: string;
  readonly state?: string;
  /** Epoch seconds. */
  readonly iat: number;
}

/** The signed verification SET and its `jti`. */
export function signVerificationSet(i: VerificationSetInput, signing: SigningRings, alg: IdTokenAlg): { token: string; jti: string } {
  const ring = alg === 'SM2' ? signing.gm : signing.intl;
  if (ring.signer.alg !== alg) throw new TypeError(`signVerificationSet: the signing key is ${ring.signer.alg}, not ${alg}`);
  const jti = newJti();
  const claims = {
    iss: i.issuer,
    jti,
    iat: i.iat,
    aud: i.clientId,
    sub_id: { format: 'opaque', id: i.streamId },
    events: { [VERIFICATION_EVENT_URI]: i.state !== undefined ? { state: i.state } : {} },
  };
  return { token: ring.signJws(claims, { typ: SET_TYP, kid: ring.kid }), jti };
}
