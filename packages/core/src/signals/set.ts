/**
 * Security Event Tokens (RFC 8417) as profiled by SSF 1.0 §4.1: build the claims, sign them
 * with the algorithm the RP registered (SM2 or ES256, the same choice as its id_tokens and
 * receipts), and verify one offline (our tests, the SDK).
 *
 *   header  { alg, kid, typ: "secevent+jwt" }                      (RFC 8417 §2.3, SSF §4.1.1)
 *   claims  { iss, jti, iat, aud, txn?, sub_id: iss_sub, events: { <one type URI>: payload } }
 *
 * No top-level `sub` and no `exp`. RFC 8417 §4.5–4.6 warns that a SET must not pass for an
 * id_token or an access token: an id_token validator requires `exp` and a resource server
 * keys on `sub`, so leaving both out makes those validators reject a SET; SSF 1.0 §4.1.2 and
 * §4.1.7 turn that advice into MUST NOTs. A SET states a past fact, so it has nothing to
 * expire; receivers de-duplicate by `jti` instead. The subject lives in `sub_id` (subject.ts).
 *
 * Trust: `buildSet` and `signSet` take values from our own code and throw TypeError on misuse.
 * `verifySet` trusts nothing in the token until the signature verifies with a key the caller
 * supplied, under an algorithm the caller allowed (the header never chooses); it then checks
 * typ, iss, aud, the absence of sub/exp, the subject and the event's shape.
 */
import { b64u, KeyRing, randomBytes, verifyJws, type JwsHeader, type PublicKey, type SigAlg } from '../crypto/index.ts';
import { WzError } from '../errors.ts';
import { ID_TOKEN_ALGS, type IdTokenAlg } from '../rp/types.ts';
import { eventCodeOf, eventsClaim, isEpochSeconds, SIGNAL_EVENTS, type EventCode, type EventDefinition, type EventPayload, type SecurityEvent } from './events.ts';
import { issSubSubject, readIssSub, type IssSubSubject } from './subject.ts';

export const SET_TYP = 'secevent+jwt';

/** `jti` and `txn`: opaque URL-safe tokens, so they can key a poll response and an ack list. */
const TOKEN_ID = /^[A-Za-z0-9._~-]{1,128}$/;

export interface SetClaims {
  readonly iss: string;
  readonly jti: string;
  readonly iat: number;
  /** The RP's client_id. */
  readonly aud: string;
  readonly txn?: string;
  readonly sub_id: IssSubSubject;
  readonly events: Readonly<Record<string, EventPayload>>;
}

export interface BuildSetInput {
  /** The platform's issuer URL. */
  issuer: string;
  /** The RP's client_id. */
  audience: string;
  event: SecurityEvent;
  /** Must be `iss_sub` with `iss` = `issuer` and `sub` = the RP's application identifier. */
  subject: IssSubSubject;
  /** Pass the stored id when re-sending the same event (idempotency); otherwise random. */
  jti?: string;
  /** Epoch seconds. */
  iat: number;
  /** The underlying cause, shared by SETs that stem from it (SSF 1.0 §4.1.9). */
  txn?: string;
}

/** A fresh `jti`: 128 random bits, base64url. */
export function newJti(): string {
  return b64u(randomBytes(16));
}

/** The claims of one SET. @throws TypeError on misuse (bad ids, millisecond times, a 网号 as subject). */
export function buildSet(i: BuildSetInput): SetClaims {
  if (typeof i.issuer !== 'string' || i.issuer.length === 0) throw new TypeError('buildSet: issuer is required');
  if (typeof i.audience !== 'string' || i.audience.length === 0) throw new TypeError('buildSet: audience is required');
  if (i.subject?.format !== 'iss_sub' || i.subject.iss !== i.issuer) throw new TypeError('buildSet: subject must be iss_sub issued by this issuer');
  const subject = issSubSubject(i.issuer, i.subject.sub);
  const jti = i.jti ?? newJti();
  if (!TOKEN_ID.test(jti)) throw new TypeError('buildSet: jti must be 1–128 URL-safe characters');
  if (i.txn !== undefined && !TOKEN_ID.test(i.txn)) throw new TypeError('buildSet: txn must be 1–128 URL-safe characters');
  if (!isEpochSeconds(i.iat)) throw new TypeError('buildSet: iat must be epoch seconds');
  return {
    iss: i.issuer,
    jti,
    iat: i.iat,
    aud: i.audience,
    ...(i.txn !== undefined ? { txn: i.txn } : {}),
    sub_id: subject,
    events: eventsClaim(i.event),
  };
}

/** The platform's two signing rings; the RP's registered algorithm picks one. */
export interface SigningRings {
  readonly gm: KeyRing;
  readonly intl: KeyRing;
}

/**
 * Signs SET claims as a compact JWS with `typ: secevent+jwt` and the signer's `kid`.
 * @param alg the RP's registered algorithm; the ring's signer must be of that algorithm.
 * @example signSet(buildSet({ issuer, audience: rp.clientId, event, subject, iat }), platform.signing, rp.idTokenSigningAlg)
 */
export function signSet(claims: SetClaims, keys: KeyRing | SigningRings, alg: IdTokenAlg): string {
  if (!(ID_TOKEN_ALGS as readonly string[]).includes(alg)) throw new TypeError(`signSet: ${String(alg)} is not a SET algorithm`);
  const ring = keys instanceof KeyRing ? keys : alg === 'SM2' ? keys.gm : keys.intl;
  if (ring.signer.alg !== alg) throw new TypeError(`signSet: the signing key is ${ring.signer.alg}, not ${alg}`);
  const c = claims as unknown as Record<string, unknown>;
  if ('sub' in c || 'exp' in c) throw new TypeError('signSet: a SET carries neither sub nor exp');
  if (typeof claims.events !== 'object' || claims.events === null || Object.keys(claims.events).length !== 1) throw new TypeError('signSet: exactly one event');
  if (readIssSub(claims.sub_id, claims.iss) === null) throw new TypeError('signSet: sub_id must be iss_sub with an application identifier');
  return ring.signJws(claims, { typ: SET_TYP, kid: ring.kid });
}

export interface VerifySetOptions {
  issuer: string;
  /** This RP's client_id. */
  audience: string;
  /** Mandatory, non-empty. */
  algorithms: readonly SigAlg[];
}

export interface VerifiedSet {
  readonly header: JwsHeader;
  readonly claims: SetClaims;
  readonly subject: IssSubSubject;
  readonly event: SecurityEvent;
}

function notASet(detail: string): WzError {
  return new WzError('invalid_jws', 'This is not a security event token for this relying party.', { detail });
}

/**
 * Verifies a SET offline. Codes: `unsupported_algorithm` (alg not allowed or not the key's),
 * `signature_mismatch`, `invalid_jws` (malformed, wrong typ, iss or aud, sub/exp present, not
 * an iss_sub subject, not exactly one event of a known type and shape).
 */
export function verifySet(token: string, keys: KeyRing | readonly PublicKey[], o: VerifySetOptions): VerifiedSet {
  if (!o || typeof o.issuer !== 'string' || o.issuer.length === 0 || typeof o.audience !== 'string' || o.audience.length === 0) {
    throw new TypeError('verifySet: issuer and audience are required');
  }
  const v = verifyJws(token, keys instanceof KeyRing ? keys.verifiers : keys, { algorithms: o.algorithms, typ: SET_TYP });
  const c = v.json<Record<string, unknown>>();
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw notASet('payload is not an object');
  if (c['iss'] !== o.issuer) throw notASet('iss');
  const aud = c['aud'];
  if (!(aud === o.audience || (Array.isArray(aud) && aud.includes(o.audience)))) throw notASet('aud');
  if ('sub' in c || 'exp' in c) throw notASet('sub or exp present');
  if (typeof c['jti'] !== 'string' || c['jti'].length === 0 || !isEpochSeconds(c['iat'])) throw notASet('jti or iat');
  if (c['txn'] !== undefined && typeof c['txn'] !== 'string') throw notASet('txn');
  const subject = readIssSub(c['sub_id'], o.issuer);
  if (!subject) throw notASet('sub_id');
  const events = c['events'];
  if (typeof events !== 'object' || events === null || Array.isArray(events)) throw notASet('events');
  const entries = Object.entries(events);
  if (entries.length !== 1) throw notASet(`${entries.length} events`);
  const [uri, payload] = entries[0] as [string, unknown];
  const code = eventCodeOf(uri);
  if (code === undefined) throw notASet('unknown event type');
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw notASet('event payload');
  const event = (SIGNAL_EVENTS[code] as EventDefinition<EventCode>).read(payload as Record<string, unknown>);
  if (!event) throw notASet(`${code} payload shape`);
  return { header: v.header, claims: c as unknown as SetClaims, subject, event };
}
