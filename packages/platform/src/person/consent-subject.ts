/**
 * What a consent is to, as a closed union a `switch` can narrow — and its stored form, which
 * stays the free string older rows already hold:
 *
 *   { kind: 'notice', version, sensitive: false }   ⇄ `notice:<version>`
 *   { kind: 'notice', version, sensitive: true }    ⇄ `notice:<version>:sensitive`
 *   { kind: 'rp', clientId, sensitive: false }      ⇄ `rp:<clientId>`
 *   { kind: 'rp', clientId, sensitive: true }       ⇄ `rp:<clientId>:sensitive`
 *   { kind: 'guardian_rp', clientId }               ⇄ `guardian:rp:<clientId>`
 *
 * `notice` is the enrollment notice (processing, and separately the sensitive data: face and
 * ID document, PIPL Art. 29); `rp` the fields a relying party may receive (ordinary, and
 * separately the sensitive ones); `guardian_rp` a guardian's approval of a child's first use
 * at a relying party (Art. 5).
 *
 * Trust: a stored subject is read back through `decodeConsentSubject`, which accepts only
 * these shapes (client ids as `rp_` + 22 base64url characters, versions as short codes);
 * anything else is `undefined`, never guessed at.
 */
import { isClientId } from '@wangzheng/core/rp/client-id';

export type ConsentSubject =
  | { readonly kind: 'notice'; readonly version: string; readonly sensitive: boolean }
  | { readonly kind: 'rp'; readonly clientId: string; readonly sensitive: boolean }
  | { readonly kind: 'guardian_rp'; readonly clientId: string };

export type ConsentSubjectKind = ConsentSubject['kind'];

const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SENSITIVE = ':sensitive';

/** The stored string. A malformed version or client id is a programming error (TypeError). */
export function encodeConsentSubject(s: ConsentSubject): string {
  switch (s.kind) {
    case 'notice':
      if (!VERSION.test(s.version)) throw new TypeError('notice version must be a short code');
      return `notice:${s.version}${s.sensitive ? SENSITIVE : ''}`;
    case 'rp':
      if (!isClientId(s.clientId)) throw new TypeError('client id must match rp_ + 22 base64url characters');
      return `rp:${s.clientId}${s.sensitive ? SENSITIVE : ''}`;
    case 'guardian_rp':
      if (!isClientId(s.clientId)) throw new TypeError('client id must match rp_ + 22 base64url characters');
      return `guardian:rp:${s.clientId}`;
  }
}

/** The subject a stored string names, or undefined for one we do not know. */
export function decodeConsentSubject(stored: string): ConsentSubject | undefined {
  if (typeof stored !== 'string') return undefined;
  const sensitive = stored.endsWith(SENSITIVE);
  const base = sensitive ? stored.slice(0, -SENSITIVE.length) : stored;
  if (base.startsWith('guardian:rp:')) {
    const clientId = base.slice('guardian:rp:'.length);
    return !sensitive && isClientId(clientId) ? { kind: 'guardian_rp', clientId } : undefined;
  }
  if (base.startsWith('rp:')) {
    const clientId = base.slice('rp:'.length);
    return isClientId(clientId) ? { kind: 'rp', clientId, sensitive } : undefined;
  }
  if (base.startsWith('notice:')) {
    const version = base.slice('notice:'.length);
    return VERSION.test(version) ? { kind: 'notice', version, sensitive } : undefined;
  }
  return undefined;
}

/** Every stored subject that concerns one relying party: what withdrawing "this RP" withdraws. */
export function subjectsOfRp(clientId: string): string[] {
  return [
    encodeConsentSubject({ kind: 'rp', clientId, sensitive: false }),
    encodeConsentSubject({ kind: 'rp', clientId, sensitive: true }),
    encodeConsentSubject({ kind: 'guardian_rp', clientId }),
  ];
}

/** The relying party a subject concerns, if any. */
export function clientIdOf(s: ConsentSubject): string | undefined {
  return s.kind === 'notice' ? undefined : s.clientId;
}
