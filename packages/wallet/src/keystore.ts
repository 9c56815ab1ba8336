/**
 * The holder wallet's on-device keystore: one file (`wallet.json`, mode 0600, in a 0700
 * directory) holding the device private key and the person's 网证, sealed under a key derived
 * from their passphrase (口令). Format and threat model: docs/wallet.md.
 *
 *   passphrase ──Argon2id(salt, m, t, p)──▶ KEK (16 B for SM4, 32 B for AES-256)
 *   check      = AEAD_KEK(nothing, aad = "wangzheng-wallet/v1 passphrase check")
 *   ciphertext = AEAD_KEK(contents JSON, aad = header fields, format.ts `headerAad`)
 *
 * Errors: a wrong passphrase fails the check (`wrong_passphrase`); a header that does not
 * parse, or a ciphertext that fails under a key that passed the check, is `keystore_corrupt`.
 * Changing the salt or a cost parameter changes the key, so such an edit is indistinguishable
 * from a wrong passphrase and reported as one.
 *
 * Trust: the file is untrusted until the AEAD says otherwise (format.ts). No message or
 * detail ever carries the passphrase or bytes of the file.
 */
import { timingSafeEqual } from 'node:crypto';
import { basename, join } from 'node:path';
import { b64u, fromB64u, generateKey, getSuite, importPrivateKeyPem, randomBytes, type PrivateKey, type PublicJwk, type SuiteName } from '@wangzheng/core/crypto/index';
import type { CryptoSuite } from '@wangzheng/core/crypto/types';
import { WzError, isWzError } from '@wangzheng/core/errors';
import { WalletError } from './errors.ts';
import { TargetExistsError, ensureDir, pathExists, readBounded, writeFileAtomic } from './atomic-file.ts';
import {
  AAD_DESCRIPTOR,
  CHECK_AAD,
  DEVICE_ALG,
  FORMAT,
  MAX_CREDENTIALS,
  MAX_FILE_BYTES,
  MAX_LABEL_CHARS,
  VERSION,
  copyCredential,
  corrupt,
  credentialProblem,
  headerAad,
  parseContents,
  parseHeader,
  sameSlot,
  serializeHeader,
} from './format.ts';
import { DEFAULT_KDF, SALT_LENGTH, checkKdfCost, deriveKek, passphraseBytes } from './kdf.ts';
import type { DeviceAlg, KdfCost, KeystoreHeader, StoredCredential, WalletContents } from './types.ts';

/** The keystore's file name inside the wallet directory, unless `fileName` says otherwise. */
export const KEYSTORE_FILE = 'wallet.json';

export interface KeystoreLocation {
  /** A bare file name inside the wallet directory (no separators). Default `wallet.json`. */
  fileName?: string;
}

export interface CreateKeystoreOptions extends KeystoreLocation {
  /** `gm` (default): SM2 device key, SM4-GCM. `intl`: ES256 device key, AES-256-GCM. */
  suite?: SuiteName;
  /**
   * Argon2id cost. Leave unset on a real device (64 MiB, t=3, p=1). Lower values, down to
   * 1024 KiB and one pass, exist for tests; they are written into the file and kept.
   */
  kdf?: Partial<KdfCost>;
  /** The person's own name for this device, kept inside the ciphertext. At most 64 characters. */
  label?: string;
}

const EMPTY = new Uint8Array(0);
const INTERNAL = Symbol('wallet-internal');
const PERSIST = Symbol('wallet-persist');

function keystoreExistsError(): WalletError {
  return new WalletError('keystore_exists', 'A wallet keystore already exists here; it was not replaced.');
}

function wrongPassphrase(): WalletError {
  return new WalletError('wrong_passphrase', 'The passphrase does not open this wallet.');
}

function keystorePath(dir: string, fileName: string = KEYSTORE_FILE): string {
  if (typeof dir !== 'string' || dir.length === 0) throw new TypeError('the wallet directory must be a non-empty path');
  if (typeof fileName !== 'string' || fileName.length === 0 || fileName === '.' || fileName === '..' || basename(fileName) !== fileName || fileName.includes('/') || fileName.includes('\\')) {
    throw new TypeError('fileName must be a bare file name');
  }
  return join(dir, fileName);
}

function now(): string {
  return new Date().toISOString();
}

/** The secret and public state that sealing needs: replaced as a whole by changePassphrase. */
interface Sealing {
  kek: Buffer;
  salt: Buffer;
  check: string;
}

interface WalletInit extends Sealing {
  path: string;
  suite: SuiteName;
  cost: KdfCost;
  deviceKey: PrivateKey;
  label: string | undefined;
  deviceCreatedAt: string;
  credentials: StoredCredential[];
  createdAt: string;
  updatedAt: string;
}

/**
 * An open wallet. Holds the device key and the key-encryption key in memory (never the
 * passphrase); changes are in memory until `save()`. Obtain one from `createKeystore` or
 * `openKeystore`. Saves and passphrase changes on one instance run one at a time.
 *
 * @example
 *   const wallet = await openKeystore(dir, passphrase);
 *   wallet.addCredential({ netid, credentialId, sdJwt, issuedAt, expiresAt, holder: 'self' });
 *   await wallet.save();
 *   const proof = wallet.deviceKey.sign(challengeBytes); // verifiable with wallet.devicePublicJwk
 */
export class Wallet {
  /** The keystore file. */
  readonly path: string;
  readonly suite: SuiteName;
  /** The device private key (SM2 for gm, ES256 for intl). Never leaves the device. */
  readonly deviceKey: PrivateKey;
  /** The device's own name for itself, if the person gave one. */
  readonly label: string | undefined;
  /** When the device key was generated. */
  readonly deviceCreatedAt: string;
  readonly createdAt: string;
  #updatedAt: string;
  readonly #cost: KdfCost;
  readonly #aead: CryptoSuite;
  #sealing: Sealing;
  #credentials: StoredCredential[];
  #queue: Promise<unknown> = Promise.resolve();

  /** @internal Use `createKeystore` or `openKeystore`. */
  constructor(token: symbol, init: WalletInit) {
    if (token !== INTERNAL) throw new TypeError('use createKeystore() or openKeystore()');
    this.path = init.path;
    this.suite = init.suite;
    this.deviceKey = init.deviceKey;
    this.label = init.label;
    this.deviceCreatedAt = init.deviceCreatedAt;
    this.createdAt = init.createdAt;
    this.#updatedAt = init.updatedAt;
    this.#cost = { ...init.cost };
    this.#aead = getSuite(init.suite);
    this.#sealing = { kek: init.kek, salt: init.salt, check: init.check };
    this.#credentials = init.credentials;
  }

  /**
   * The device public key as a JWK (`crv: "SM2"` or `"P-256"`, with `kid` = RFC 7638 thumbprint):
   * what enrollment sends to the platform to bind the 网证 to this device.
   *
   * @example
   *   const jwk = wallet.devicePublicJwk; // { kty: 'EC', crv: 'SM2', x, y, kid, alg: 'SM2', use: 'sig' }
   *   importPublicKey(jwk).verify(data, wallet.deviceKey.sign(data)); // true
   */
  get devicePublicJwk(): PublicJwk {
    return this.deviceKey.publicKey.toJwk();
  }

  /**
   * The stored credentials: frozen copies, in the order they were first added.
   *
   * @example
   *   const mine = wallet.credentials.find((c) => c.holder === 'self');
   */
  get credentials(): readonly Readonly<StoredCredential>[] {
    return Object.freeze(this.#credentials.map((c) => Object.freeze(copyCredential(c))));
  }

  /** When the file was last written. */
  get updatedAt(): string {
    return this.#updatedAt;
  }

  /** The Argon2id cost this keystore uses (kept across saves and passphrase changes). */
  get kdf(): Readonly<KdfCost> {
    return Object.freeze({ ...this.#cost });
  }

  /**
   * Adds a 网证, or replaces the one in the same slot (same 网号 and same `holder`): a
   * re-enrollment issues a new credential and the old one is of no further use. In memory
   * only; call `save()`. Checks the form only — verify the issuer's signature before this.
   *
   * @throws WzError `invalid_credential` (the detail names the field), `invalid_request` past 256 credentials.
   * @example
   *   wallet.addCredential({ netid: 'WANGZHENGX', credentialId: 'c-1', sdJwt: `${jwt}~${d1}~`,
   *     issuedAt: '2026-01-01T00:00:00Z', expiresAt: '2031-01-01T00:00:00Z', holder: 'self' });
   *   await wallet.save();
   */
  addCredential(c: StoredCredential): void {
    const problem = credentialProblem(c);
    if (problem) throw new WzError('invalid_credential', 'The credential is malformed.', { detail: `wallet: ${problem}` });
    const cred = copyCredential(c);
    const i = this.#credentials.findIndex((x) => sameSlot(x, cred));
    if (i >= 0) {
      this.#credentials[i] = cred;
      return;
    }
    if (this.#credentials.length >= MAX_CREDENTIALS) throw new WzError('invalid_request', 'The wallet cannot hold more credentials.');
    this.#credentials.push(cred);
  }

  /**
   * Writes the wallet to its file atomically (temporary file + rename, mode 0600). Keeps the
   * salt and the key-encryption key — no passphrase needed, no Argon2id run — and seals under
   * a fresh random nonce; `updatedAt` is renewed.
   *
   * @example
   *   wallet.addCredential(cred);
   *   await wallet.save();
   */
  save(): Promise<void> {
    return this.#exclusive(() => this[PERSIST](this.#sealing, false));
  }

  /**
   * Re-encrypts the wallet under a new passphrase with a fresh salt, and writes it. The old
   * passphrase must match the one this wallet was opened with. The Argon2id cost is kept.
   *
   * @throws WalletError `wrong_passphrase` when `oldPassphrase` is not the current one (nothing is written).
   * @example
   *   await wallet.changePassphrase('20240917', '58203914');
   *   await openKeystore(dir, '58203914'); // the old passphrase now gives wrong_passphrase
   */
  async changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void> {
    passphraseBytes(oldPassphrase).fill(0); // TypeError before any work
    passphraseBytes(newPassphrase).fill(0);
    return this.#exclusive(async () => {
      const current = this.#sealing;
      const again = await deriveKek(oldPassphrase, current.salt, this.#cost, this.#aead.aeadKeyLength);
      const matches = timingSafeEqual(again, current.kek);
      again.fill(0);
      if (!matches) throw wrongPassphrase();
      const next = await newSealing(this.#aead, newPassphrase, this.#cost);
      try {
        await this[PERSIST](next, false);
      } catch (e) {
        next.kek.fill(0);
        throw e;
      }
      this.#sealing = next;
      current.kek.fill(0);
    });
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** @internal Seals the current contents under `sealing` and writes the file. */
  async [PERSIST](sealing: Sealing, noClobber: boolean): Promise<void> {
    const contents: WalletContents = {
      device: { alg: this.deviceKey.alg as DeviceAlg, privateKeyPem: this.deviceKey.toPem(), createdAt: this.deviceCreatedAt },
      credentials: this.#credentials.map(copyCredential),
    };
    if (this.label !== undefined) contents.device.label = this.label;
    const updatedAt = now();
    const head: Omit<KeystoreHeader, 'ciphertext'> = {
      format: FORMAT,
      version: VERSION,
      suite: this.suite,
      kdf: { alg: 'argon2id', salt: b64u(sealing.salt), ...this.#cost },
      aad: AAD_DESCRIPTOR,
      check: sealing.check,
      createdAt: this.createdAt,
      updatedAt,
    };
    const plaintext = Buffer.from(JSON.stringify(contents), 'utf8');
    let sealed: Uint8Array;
    try {
      sealed = this.#aead.seal(sealing.kek, plaintext, headerAad(head));
    } finally {
      plaintext.fill(0);
    }
    const file = serializeHeader({ ...head, ciphertext: b64u(sealed) });
    await writeFileAtomic(this.path, Buffer.from(file, 'utf8'), { noClobber });
    this.#updatedAt = updatedAt;
  }
}

async function newSealing(aead: CryptoSuite, passphrase: string, cost: KdfCost): Promise<Sealing> {
  const salt = Buffer.from(randomBytes(SALT_LENGTH));
  const kek = await deriveKek(passphrase, salt, cost, aead.aeadKeyLength);
  return { kek, salt, check: b64u(aead.seal(kek, EMPTY, CHECK_AAD)) };
}

/**
 * True iff a keystore file (or anything else) is at the keystore's path in `dir`.
 *
 * @example
 *   if (!(await keystoreExists(dir))) await createKeystore(dir, passphrase);
 */
export async function keystoreExists(dir: string, opts: KeystoreLocation = {}): Promise<boolean> {
  return pathExists(keystorePath(dir, opts.fileName));
}

/**
 * Creates a new keystore in `dir` (created with mode 0700 if missing): generates the device
 * key (SM2 for `gm`, ES256 for `intl`) with core `generateKey`, derives the key-encryption
 * key from the passphrase with Argon2id and a fresh 16-byte salt, and writes the file
 * (mode 0600) without ever replacing an existing one.
 *
 * @throws WalletError `keystore_exists` if the file is already there (checked again atomically at the write);
 *         `invalid_request` for a bad label; TypeError for an empty passphrase or KDF cost out of bounds.
 * @example
 *   const wallet = await createKeystore('/data/wangzheng', '58203914', { suite: 'gm', label: '我的手机' });
 *   wallet.devicePublicJwk; // send to the platform at enrollment
 */
export async function createKeystore(dir: string, passphrase: string, opts: CreateKeystoreOptions = {}): Promise<Wallet> {
  const path = keystorePath(dir, opts.fileName);
  passphraseBytes(passphrase).fill(0);
  const suiteName = opts.suite ?? 'gm';
  const aead = getSuite(suiteName);
  const cost: KdfCost = { ...DEFAULT_KDF, ...opts.kdf };
  const badCost = checkKdfCost(cost);
  if (badCost) throw new TypeError(`kdf.${badCost} is out of bounds`);
  const { label } = opts;
  if (label !== undefined && (typeof label !== 'string' || label.length === 0 || label.length > MAX_LABEL_CHARS || /[\p{Cc}\p{Cs}]/u.test(label))) {
    throw new WzError('invalid_request', `The device label must be 1 to ${MAX_LABEL_CHARS} characters without control characters.`);
  }
  // Before the expensive part; the write below checks again, atomically.
  if (await pathExists(path)) throw keystoreExistsError();

  const sealing = await newSealing(aead, passphrase, cost);
  const createdAt = now();
  const wallet = new Wallet(INTERNAL, {
    path,
    suite: suiteName,
    cost,
    ...sealing,
    deviceKey: generateKey(DEVICE_ALG[suiteName]),
    label,
    deviceCreatedAt: createdAt,
    credentials: [],
    createdAt,
    updatedAt: createdAt,
  });
  await ensureDir(dir);
  try {
    await wallet[PERSIST](sealing, true);
  } catch (e) {
    if (e instanceof TargetExistsError) throw keystoreExistsError();
    throw e;
  }
  return wallet;
}

/**
 * Opens the keystore in `dir` with the passphrase.
 *
 * @throws WalletError `keystore_missing` (no file), `wrong_passphrase` (the passphrase check fails —
 *         also what an edited salt or cost parameter gives), `keystore_corrupt` (the file does
 *         not parse, or its contents fail authentication under a key that passed the check).
 * @example
 *   try {
 *     const wallet = await openKeystore(dir, typedPassphrase);
 *   } catch (e) {
 *     if (isWalletError(e, 'wrong_passphrase')) showRetry();
 *   }
 */
export async function openKeystore(dir: string, passphrase: string, opts: KeystoreLocation = {}): Promise<Wallet> {
  const path = keystorePath(dir, opts.fileName);
  passphraseBytes(passphrase).fill(0);
  const bytes = await readBounded(path, MAX_FILE_BYTES);
  if (bytes === 'missing') throw new WalletError('keystore_missing', 'No wallet keystore was found here.');
  if (bytes === 'not_a_file') throw corrupt('not a regular file');
  if (bytes === 'too_large') throw corrupt(`larger than ${MAX_FILE_BYTES} bytes`);

  const header = parseHeader(bytes);
  const aead = getSuite(header.suite);
  const salt = fromB64u(header.kdf.salt)!;
  const cost: KdfCost = { memoryKiB: header.kdf.memoryKiB, iterations: header.kdf.iterations, parallelism: header.kdf.parallelism };
  const kek = await deriveKek(passphrase, salt, cost, aead.aeadKeyLength);
  try {
    if (!opensUnder(aead, kek, fromB64u(header.check)!, CHECK_AAD)) throw wrongPassphrase();
    const plaintext = opensUnder(aead, kek, fromB64u(header.ciphertext)!, headerAad(header));
    if (!plaintext) throw corrupt('contents: authentication failed under a key that passed the check');
    let contents: WalletContents;
    try {
      contents = parseContents(plaintext, header.suite);
    } finally {
      plaintext.fill(0);
    }
    let deviceKey: PrivateKey;
    try {
      deviceKey = importPrivateKeyPem(contents.device.privateKeyPem);
    } catch {
      throw corrupt('contents: device key does not import'); // no cause: it may describe key bytes
    }
    if (deviceKey.alg !== contents.device.alg) throw corrupt('contents: device key is not of device.alg');
    return new Wallet(INTERNAL, {
      path,
      suite: header.suite,
      cost,
      kek,
      salt,
      check: header.check,
      deviceKey,
      label: contents.device.label,
      deviceCreatedAt: contents.device.createdAt,
      credentials: contents.credentials,
      createdAt: header.createdAt,
      updatedAt: header.updatedAt,
    });
  } catch (e) {
    kek.fill(0);
    throw e;
  }
}

/** The plaintext, or undefined when the AEAD rejects (`decryption_failed`). Other errors propagate. */
function opensUnder(aead: CryptoSuite, key: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array | undefined {
  try {
    return aead.open(key, sealed, aad);
  } catch (e) {
    if (isWzError(e, 'decryption_failed')) return undefined;
    throw e;
  }
}
