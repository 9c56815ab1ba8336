/**
 * The pseudonymous subject reference: how an audit entry names a person without naming them.
 *
 *     k   = HKDF-SM3(ikm = dataKey, salt = "", info = "wangzheng/audit/subject-key/v1", L = 32)   (RFC 5869)
 *     ref = base64url( HMAC-SM3(k, "wangzheng/audit/subject-ref/v1") )                            (43 characters)
 *
 * `dataKey` is the person's data key (the DEK of the envelope scheme, platform/protect): it
 * exists only while the person's data does. While it exists, the platform can recompute the
 * reference and find the person's entries; nobody can go from a reference to a person without
 * the key, and two people's references collide only with negligible probability. When the person cancels their 网号, the wrapped
 * data key is destroyed (crypto-shredding): from then on nobody — the platform, an operator,
 * a thief of the database and of every KEK — can link those entries back to anyone.
 * The chain is unaffected: the entries themselves do not change, only the means to interpret
 * `subject` disappears, so every hash and checkpoint still verifies.
 *
 * Derivation, not the data key itself, is the HMAC key, so the audit reference is unrelated
 * to anything else keyed with the DEK (the labels separate the uses). Both steps are standard
 * constructions from node:crypto (HKDF and HMAC over SM3); nothing is invented here.
 *
 * Trust: the data key is the only secret; the labels are public.
 */
import { createHmac, hkdfSync } from 'node:crypto';

export const SUBJECT_KEY_INFO = 'wangzheng/audit/subject-key/v1';
export const SUBJECT_REF_LABEL = 'wangzheng/audit/subject-ref/v1';

/** Shortest data key accepted: 16 bytes (an SM4 key; AES-256 keys are 32). */
export const MIN_DATA_KEY_BYTES = 16;

/**
 * The audit subject reference of the person whose data key is `dataKey`.
 * @throws TypeError if `dataKey` is not a Uint8Array of at least 16 bytes.
 * @example nextEntry(prev, { at, actor: 'operator:7', action: 'person.locked', subject: subjectRef(dek) }, suite)
 */
export function subjectRef(dataKey: Uint8Array): string {
  if (!(dataKey instanceof Uint8Array) || dataKey.length < MIN_DATA_KEY_BYTES) throw new TypeError(`subjectRef: data key must be at least ${MIN_DATA_KEY_BYTES} bytes`);
  const k = Buffer.from(hkdfSync('sm3', dataKey, new Uint8Array(0), SUBJECT_KEY_INFO, 32));
  try {
    return createHmac('sm3', k).update(SUBJECT_REF_LABEL, 'utf8').digest('base64url');
  } finally {
    k.fill(0);
  }
}
