/**
 * Envelope encryption of personal data, per person (docs/store.md, "Envelope scheme").
 *
 * - Each person has a random data key (DEK) of the suite's AEAD key length (SM4: 16 bytes,
 *   AES-256: 32). Their data is sealed with it: SM4-CTR + HMAC-SM3 (gm) or AES-256-GCM (intl).
 * - The DEK is stored only wrapped: sealed under a key-encryption key (KEK) from a ring kept
 *   outside the database. The first KEK wraps; every KEK in the ring unwraps (rotation).
 * - Associated data binds each ciphertext to where it belongs, so a copy moved to another
 *   row, another purpose or another person fails to open (`decryption_failed`):
 *     wrapped DEK: "wangzheng:dek:v1" ‖ suite ‖ kekId ‖ personId
 *     sealed data: "wangzheng:data:v1" ‖ suite ‖ purpose ‖ personId
 *   (NUL-separated; none of the parts may contain NUL).
 * - Every ciphertext starts with two bytes: format version and suite (1 = gm, 2 = intl), then
 *   iv ‖ ciphertext ‖ tag of that format's AEAD:
 *     format 1: the suite's GCM — SM4-GCM (gm, in JavaScript) or AES-256-GCM (intl);
 *     format 2: gm only, SM4-CTR + HMAC-SM3 encrypt-then-MAC (core/crypto/sm4-etm.ts), all in
 *               OpenSSL, 1.5–2.6× cheaper than SM4-GCM from ~300 bytes (docs/crypto.md).
 *   New gm data is sealed in format 2, intl in format 1; both formats always open, so data
 *   sealed before format 2 existed stays readable (re-sealed only when it is next written).
 * - Crypto-shredding: delete the wrapped DEK and nothing sealed under it can be opened again,
 *   by anyone holding any KEK.
 *
 * No primitive is implemented here: sealing and opening are the suite's.
 */
import { randomBytes } from '@wangzheng/core/crypto/index';
import { Sm4EtmKey, sm4EtmOpen, sm4EtmSeal } from '@wangzheng/core/crypto/sm4-etm';
import type { CryptoSuite } from '@wangzheng/core/crypto/types';
import { WzError } from '@wangzheng/core/errors';
import { SymmetricKeyRing, type KeyRingEntry } from './keyring.ts';

export interface DataKey {
  /** The plaintext data key: keep it only as long as the request that needs it. */
  readonly dek: Uint8Array;
  readonly wrappedDek: Uint8Array;
  readonly kekId: string;
}

export interface WrappedDataKey {
  readonly wrappedDek: Uint8Array;
  readonly kekId: string;
}

/** Format 1: the suite's own AEAD (GCM). Format 2: SM4-CTR + HMAC-SM3, gm only. */
const GCM_FORMAT = 1;
const ETM_FORMAT = 2;
const SUITE_IDS = { gm: 1, intl: 2 } as const;
const PURPOSE = /^[a-z][a-z0-9_]{0,31}$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export class DataProtector {
  readonly suite: CryptoSuite;
  readonly #keks: SymmetricKeyRing;
  readonly #suiteId: number;
  /** Format 2's derived keys of each KEK, made once (one HMAC fewer per wrap and unwrap). */
  readonly #etmKeks = new WeakMap<Uint8Array, Sm4EtmKey>();

  constructor(suite: CryptoSuite, kekRing: readonly KeyRingEntry[]) {
    this.suite = suite;
    this.#suiteId = SUITE_IDS[suite.name];
    if (this.#suiteId === undefined) throw new TypeError(`unknown suite ${String(suite.name)}`);
    this.#keks = new SymmetricKeyRing(kekRing, 'KEK ring', suite.aeadKeyLength);
  }

  /** The id of the KEK that wraps new data keys. */
  get currentKekId(): string {
    return this.#keks.current.id;
  }

  /** Whether a data key wrapped under `kekId` should be rewrapped under the current KEK. */
  needsRewrap(kekId: string): boolean {
    return kekId !== this.#keks.current.id;
  }

  /** A fresh data key for `personId`, wrapped under the current KEK. */
  newDataKey(personId: string): DataKey {
    const dek = randomBytes(this.suite.aeadKeyLength);
    return { dek, ...this.#wrap(personId, dek) };
  }

  /** Recovers a person's data key. Unknown KEK, wrong person, tampering → `decryption_failed`. */
  unwrapDataKey(personId: string, wrappedDek: Uint8Array, kekId: string): Uint8Array {
    const kek = this.#keks.get(kekId);
    if (kek === undefined) throw new WzError('decryption_failed', 'Decryption failed.', { detail: `unknown KEK id ${kekId}` });
    const dek = this.#open(kek, wrappedDek, dekAad(this.suite.name, kekId, checkPersonId(personId)), true);
    if (dek.length !== this.suite.aeadKeyLength) throw new WzError('decryption_failed', 'Decryption failed.', { detail: 'data key length' });
    return dek;
  }

  /** KEK rotation: the same data key, wrapped under the current KEK. */
  rewrap(personId: string, wrappedDek: Uint8Array, kekId: string): WrappedDataKey {
    return this.#wrap(personId, this.unwrapDataKey(personId, wrappedDek, kekId));
  }

  /** Seals a JSON value for one person and one purpose (`profile`, `event`, `device_label`…). */
  sealFor(dek: Uint8Array, personId: string, purpose: string, value: unknown): Uint8Array {
    const json = JSON.stringify(value);
    if (json === undefined) throw new TypeError('sealFor: value is not JSON-serialisable');
    return this.sealBytesFor(dek, personId, purpose, encoder.encode(json));
  }

  /**
   * Opens what `sealFor` sealed with the same person and purpose. Returns parsed JSON whose
   * shape is NOT checked here: validate it (zod) before use.
   */
  openFor(dek: Uint8Array, personId: string, purpose: string, sealed: Uint8Array): unknown {
    const bytes = this.openBytesFor(dek, personId, purpose, sealed);
    try {
      return JSON.parse(decoder.decode(bytes));
    } catch (cause) {
      // Authentic but not JSON: written by something else under the same key and purpose.
      throw new WzError('decryption_failed', 'Decryption failed.', { detail: 'sealed data is not JSON', cause });
    }
  }

  sealBytesFor(dek: Uint8Array, personId: string, purpose: string, plaintext: Uint8Array): Uint8Array {
    this.#checkDek(dek);
    return this.#seal(dek, plaintext, dataAad(this.suite.name, checkPurpose(purpose), checkPersonId(personId)));
  }

  openBytesFor(dek: Uint8Array, personId: string, purpose: string, sealed: Uint8Array): Uint8Array {
    this.#checkDek(dek);
    return this.#open(dek, sealed, dataAad(this.suite.name, checkPurpose(purpose), checkPersonId(personId)));
  }

  #wrap(personId: string, dek: Uint8Array): WrappedDataKey {
    const { id, key } = this.#keks.current;
    return { wrappedDek: this.#seal(key, dek, dekAad(this.suite.name, id, checkPersonId(personId)), true), kekId: id };
  }

  /** `isKek`: `key` is one of the ring's KEKs, whose format-2 derived keys are kept. */
  #seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array, isKek = false): Uint8Array {
    const format = this.suite.name === 'gm' ? ETM_FORMAT : GCM_FORMAT;
    const body = format === ETM_FORMAT ? sm4EtmSeal(isKek ? this.#etmKek(key) : key, plaintext, aad) : this.suite.seal(key, plaintext, aad);
    const out = new Uint8Array(2 + body.length);
    out[0] = format;
    out[1] = this.#suiteId;
    out.set(body, 2);
    return out;
  }

  #open(key: Uint8Array, sealed: Uint8Array, aad: Uint8Array, isKek = false): Uint8Array {
    if (!(sealed instanceof Uint8Array) || sealed.length < 2) {
      throw new WzError('decryption_failed', 'Decryption failed.', { detail: 'sealed data too short' });
    }
    const format = sealed[0];
    const known = format === GCM_FORMAT || (format === ETM_FORMAT && this.suite.name === 'gm');
    if (!known || sealed[1] !== this.#suiteId) {
      throw new WzError('decryption_failed', 'Decryption failed.', { detail: `format ${format}/${sealed[1]} is not one of this suite's (${this.#suiteId})` });
    }
    return format === ETM_FORMAT ? sm4EtmOpen(isKek ? this.#etmKek(key) : key, sealed.subarray(2), aad) : this.suite.open(key, sealed.subarray(2), aad);
  }

  /** A KEK's format-2 keys. Only KEKs: they live as long as the ring; a data key's would outlive its zeroing. */
  #etmKek(kek: Uint8Array): Sm4EtmKey {
    let k = this.#etmKeks.get(kek);
    if (k === undefined) {
      k = new Sm4EtmKey(kek);
      this.#etmKeks.set(kek, k);
    }
    return k;
  }

  #checkDek(dek: Uint8Array): void {
    if (!(dek instanceof Uint8Array) || dek.length !== this.suite.aeadKeyLength) {
      throw new TypeError(`data key must be ${this.suite.aeadKeyLength} bytes`);
    }
  }
}

function checkPersonId(personId: string): string {
  if (typeof personId !== 'string' || personId.length === 0 || personId.length > 128 || personId.includes('\0')) {
    throw new TypeError('personId must be a non-empty string without NUL');
  }
  return personId;
}

function checkPurpose(purpose: string): string {
  if (typeof purpose !== 'string' || !PURPOSE.test(purpose)) throw new TypeError(`purpose must match ${PURPOSE.source}`);
  return purpose;
}

function dekAad(suite: string, kekId: string, personId: string): Uint8Array {
  return encoder.encode(`wangzheng:dek:v1\0${suite}\0${kekId}\0${personId}`);
}

function dataAad(suite: string, purpose: string, personId: string): Uint8Array {
  return encoder.encode(`wangzheng:data:v1\0${suite}\0${purpose}\0${personId}`);
}
