/**
 * Blind indexes: the only way to find a person by an identifying value (a document number, a
 * phone number, the registry's personRef). The value itself is never stored; its keyed digest
 * is: HMAC (HMAC-SM3 in gm, HMAC-SHA-256 in intl) under a key ring kept outside the database,
 * so a stolen database cannot be searched for a known ID number without the key.
 *
 * - Normalisation first, so that one value has one digest: Unicode NFKC (full-width digits
 *   and letters become ASCII), then per kind:
 *     `document:<type>`: whitespace removed, upper-cased (the ID check character `x` → `X`);
 *     `phone`: digits only; a mainland mobile number given as +86 / 0086 loses the prefix;
 *     `person_ref`: trimmed, otherwise as is (an opaque registry token).
 * - Domain separation: the HMAC input is "wangzheng:bidx:v1" ‖ kind ‖ normalised value
 *   (NUL-separated), so equal strings of different kinds never share a digest.
 * - Rotation: the first key computes (`digest`), every key recognises (`candidates`, one digest
 *   per key, current first). When a lookup matches under an old key, re-index that person
 *   under the current one (`PersonWriter.replaceBlindIndexes` / `setPersonIndex`).
 */
import type { CryptoSuite } from '@wangzheng/core/crypto/types';
import { WzError } from '@wangzheng/core/errors';
import { SymmetricKeyRing, type KeyRingEntry } from './keyring.ts';

export interface BlindDigest {
  readonly kind: string;
  readonly keyId: string;
  readonly digest: Uint8Array;
}

/** `person_ref`, `phone`, or `document:<document type>` (e.g. `document:resident_id`). */
export type BlindIndexKind = 'person_ref' | 'ban' | 'phone' | `document:${string}` | `rp:${string}`;

/** The blind-index kind for application identifiers at one relying party (`rp_` + 22 base64url → 32 hex). */
export function rpKind(clientId: string): `rp:${string}` {
  return `rp:${Buffer.from(clientId.slice(3), 'base64url').toString('hex')}`;
}

/** `rp:<client id as hex>`: the application identifier a relying party knows a person by (re-verification finds them by it). */
const KIND = /^(person_ref|ban|phone|document:[a-z0-9_]{1,32}|rp:[0-9a-f]{32})$/;
const MAX_VALUE = 256;
/** HMAC keys shorter than the hash output weaken it (RFC 2104 §3). */
const MIN_KEY_BYTES = 32;
const encoder = new TextEncoder();

export class BlindIndexer {
  readonly #suite: CryptoSuite;
  readonly #keys: SymmetricKeyRing;

  constructor(suite: CryptoSuite, keyRing: readonly KeyRingEntry[]) {
    this.#suite = suite;
    this.#keys = new SymmetricKeyRing(keyRing, 'blind index key ring', { min: MIN_KEY_BYTES });
  }

  get currentKeyId(): string {
    return this.#keys.current.id;
  }

  /** The canonical form of `value` for `kind`. Empty after normalisation → `invalid_request`. */
  normalise(kind: BlindIndexKind, value: string): string {
    checkKind(kind);
    if (typeof value !== 'string') throw new TypeError('blind index value must be a string');
    let v = value.normalize('NFKC').trim();
    if (kind === 'phone') {
      v = v.replace(/\D/g, '');
      if (v.length === 13 && v.startsWith('861')) v = v.slice(2);
      else if (v.length === 15 && v.startsWith('00861')) v = v.slice(4);
    } else if (kind.startsWith('document:')) {
      v = v.replace(/\s+/g, '').toUpperCase();
    }
    if (v.length === 0 || v.length > MAX_VALUE) {
      throw new WzError('invalid_request', 'The value is empty or too long.', { detail: `blind index ${kind}: length ${v.length}` });
    }
    return v;
  }

  /** The digest under the current key: what to store. */
  digest(kind: BlindIndexKind, value: string): BlindDigest {
    const { id, key } = this.#keys.current;
    return { kind, keyId: id, digest: this.#mac(key, kind, this.normalise(kind, value)) };
  }

  /** One digest per key in the ring, current first: what to look up with. */
  candidates(kind: BlindIndexKind, value: string): BlindDigest[] {
    const v = this.normalise(kind, value);
    return this.#keys.all().map(({ id, key }) => ({ kind, keyId: id, digest: this.#mac(key, kind, v) }));
  }

  /** Whether a stored digest made with `keyId` should be recomputed under the current key. */
  isCurrent(keyId: string): boolean {
    return keyId === this.#keys.current.id;
  }

  #mac(key: Uint8Array, kind: string, normalised: string): Uint8Array {
    return this.#suite.hmac(key, encoder.encode(`wangzheng:bidx:v1\0${kind}\0${normalised}`));
  }
}

function checkKind(kind: string): void {
  if (typeof kind !== 'string' || !KIND.test(kind)) throw new TypeError(`blind index kind must match ${KIND.source}`);
}
