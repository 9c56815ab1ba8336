/**
 * The keystore file format, version 1 (docs/wallet.md, "File format"): strict parsing of the
 * public header, the associated data it binds, and validation of the decrypted contents.
 *
 * Trust: the file is untrusted input until the AEAD tag has been checked — anyone who can
 * write to the wallet directory can put anything in it. Parsing is therefore strict (exact
 * key sets, canonical base64url, bounded numbers and sizes) and every failure is
 * `WalletError('keystore_corrupt')` with a fixed message. The private `detail` names the field
 * only, never its value, and JSON parser errors are not chained (their text quotes the input).
 */
import { fromB64u } from '@wangzheng/core/crypto/encoding';
import type { SuiteName } from '@wangzheng/core/crypto/types';
import { WalletError } from './errors.ts';
import { isValidNetid } from '@wangzheng/core/identifiers/netid';
import { SALT_LENGTH, checkKdfCost } from './kdf.ts';
import type { DeviceAlg, KeystoreHeader, StoredCredential, WalletContents } from './types.ts';

export const FORMAT = 'wangzheng-wallet';
export const VERSION = 1;

/**
 * What the associated data of the ciphertext is, for version 1: the UTF-8 JSON array of these
 * header values in this order. Written into the file as `aad` so a reader can see what is
 * bound; a reader never takes it from the file — anything but this exact text is corrupt.
 */
export const AAD_DESCRIPTOR = 'json:[format,version,suite,kdf.alg,kdf.salt,kdf.memoryKiB,kdf.iterations,kdf.parallelism,check,createdAt,updatedAt]';

/** Associated data of the passphrase check (an AEAD over no plaintext: a GMAC tag under the key-encryption key). */
export const CHECK_AAD = Buffer.from('wangzheng-wallet/v1 passphrase check', 'utf8');

/** iv(12) ‖ tag(16) of the suite's AEAD (types.ts: CryptoSuite.seal). */
export const SEALED_OVERHEAD = 28;

/** A keystore file larger than this is refused before it is read. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;
export const MAX_CREDENTIALS = 256;
export const MAX_SD_JWT_CHARS = 64 * 1024;
export const MAX_LABEL_CHARS = 64;

export const DEVICE_ALG: Readonly<Record<SuiteName, DeviceAlg>> = Object.freeze({ gm: 'SM2', intl: 'ES256' });

const HEADER_KEYS = ['format', 'version', 'suite', 'kdf', 'aad', 'check', 'ciphertext', 'createdAt', 'updatedAt'];
const KDF_KEYS = ['alg', 'salt', 'memoryKiB', 'iterations', 'parallelism'];
const DEVICE_KEYS = ['alg', 'privateKeyPem', 'label', 'createdAt'];
const CREDENTIAL_KEYS = ['netid', 'credentialId', 'sdJwt', 'issuedAt', 'expiresAt', 'holder', 'wardLabel'];

// RFC 3339 date-time with a 'Z' or numeric offset, seconds required, up to millisecond precision.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2})$/;
// SD-JWT (RFC 9901 §4): `<issuer JWT>~<disclosure>~…~`, base64url throughout, no key-binding JWT.
const SD_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+~(?:[A-Za-z0-9_-]+~)*$/;
const CREDENTIAL_ID = /^[\x21-\x7e]{1,128}$/;
const LABEL = /^[^\p{Cc}\p{Cs}]+$/u;

/** The error for a file that is not a valid version-1 keystore. `detail` names a field, never a value. */
export function corrupt(detail: string): WalletError {
  return new WalletError('keystore_corrupt', 'The wallet keystore file is damaged or has been altered.', { detail });
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first key of `o` outside `allowed`, or of `required` missing from `o`. */
function keyProblem(o: Json, allowed: readonly string[], required: readonly string[]): string | undefined {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) return `unexpected member (${Object.keys(o).indexOf(k) + 1})`;
  for (const k of required) if (!(k in o)) return `missing ${k}`;
  return undefined;
}

export function isTimestamp(v: unknown): v is string {
  return typeof v === 'string' && TIMESTAMP.test(v) && !Number.isNaN(Date.parse(v));
}

function isLabel(v: unknown): v is string {
  return typeof v === 'string' && v.length <= MAX_LABEL_CHARS && LABEL.test(v);
}

function b64uOfLength(v: unknown, min: number, max = min): boolean {
  const b = typeof v === 'string' ? fromB64u(v) : undefined;
  return b !== undefined && b.length >= min && b.length <= max;
}

/** The associated data of the contents ciphertext: every header field but `aad` (a constant) and `ciphertext`. */
export function headerAad(h: Omit<KeystoreHeader, 'ciphertext'>): Buffer {
  const values = [h.format, h.version, h.suite, h.kdf.alg, h.kdf.salt, h.kdf.memoryKiB, h.kdf.iterations, h.kdf.parallelism, h.check, h.createdAt, h.updatedAt];
  return Buffer.from(JSON.stringify(values), 'utf8');
}

/**
 * Parses and validates the file's bytes as a version-1 header. Nothing in the result is
 * authenticated yet: the contents AEAD (with `headerAad`) is what vouches for it.
 *
 * @example
 *   const header = parseHeader(await readFile(path)); // WalletError('keystore_corrupt') if malformed
 */
export function parseHeader(bytes: Uint8Array): KeystoreHeader {
  let h: unknown;
  try {
    h = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    throw corrupt('not JSON'); // no cause: the parser's message quotes the input
  }
  if (!isObject(h)) throw corrupt('not a JSON object');
  const keys = keyProblem(h, HEADER_KEYS, HEADER_KEYS);
  if (keys) throw corrupt(`header: ${keys}`);
  if (h['format'] !== FORMAT) throw corrupt('header: format');
  if (h['version'] !== VERSION) throw corrupt('header: version');
  if (h['suite'] !== 'gm' && h['suite'] !== 'intl') throw corrupt('header: suite');
  const kdf = h['kdf'];
  if (!isObject(kdf)) throw corrupt('header: kdf');
  const kdfKeys = keyProblem(kdf, KDF_KEYS, KDF_KEYS);
  if (kdfKeys) throw corrupt(`header: kdf ${kdfKeys}`);
  if (kdf['alg'] !== 'argon2id') throw corrupt('header: kdf.alg');
  if (!b64uOfLength(kdf['salt'], SALT_LENGTH)) throw corrupt('header: kdf.salt');
  const cost = { memoryKiB: kdf['memoryKiB'] as number, iterations: kdf['iterations'] as number, parallelism: kdf['parallelism'] as number };
  const badCost = checkKdfCost(cost);
  if (badCost) throw corrupt(`header: kdf.${badCost} out of bounds`);
  if (h['aad'] !== AAD_DESCRIPTOR) throw corrupt('header: aad');
  if (!b64uOfLength(h['check'], SEALED_OVERHEAD)) throw corrupt('header: check');
  if (!b64uOfLength(h['ciphertext'], SEALED_OVERHEAD + 2, MAX_FILE_BYTES)) throw corrupt('header: ciphertext');
  if (!isTimestamp(h['createdAt'])) throw corrupt('header: createdAt');
  if (!isTimestamp(h['updatedAt'])) throw corrupt('header: updatedAt');
  return {
    format: FORMAT,
    version: VERSION,
    suite: h['suite'],
    kdf: { alg: 'argon2id', salt: kdf['salt'] as string, ...cost },
    aad: AAD_DESCRIPTOR,
    check: h['check'] as string,
    ciphertext: h['ciphertext'] as string,
    createdAt: h['createdAt'] as string,
    updatedAt: h['updatedAt'] as string,
  };
}

/** The file's text: the header as indented JSON, fields in the documented order. */
export function serializeHeader(h: KeystoreHeader): string {
  const ordered: KeystoreHeader = {
    format: h.format,
    version: h.version,
    suite: h.suite,
    kdf: { alg: h.kdf.alg, salt: h.kdf.salt, memoryKiB: h.kdf.memoryKiB, iterations: h.kdf.iterations, parallelism: h.kdf.parallelism },
    aad: h.aad,
    check: h.check,
    ciphertext: h.ciphertext,
    createdAt: h.createdAt,
    updatedAt: h.updatedAt,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/**
 * Why `c` is not a storable credential (a field name), or undefined when it is. Checks form
 * only: the wallet does not verify the issuer's signature (see docs/wallet.md).
 */
export function credentialProblem(c: unknown): string | undefined {
  if (!isObject(c)) return 'not an object';
  const keys = keyProblem(c, CREDENTIAL_KEYS, ['netid', 'credentialId', 'sdJwt', 'issuedAt', 'expiresAt', 'holder']);
  if (keys) return keys;
  if (!isValidNetid(c['netid'])) return 'netid';
  if (typeof c['credentialId'] !== 'string' || !CREDENTIAL_ID.test(c['credentialId'])) return 'credentialId';
  if (typeof c['sdJwt'] !== 'string' || c['sdJwt'].length > MAX_SD_JWT_CHARS || !SD_JWT.test(c['sdJwt'])) return 'sdJwt';
  if (!isTimestamp(c['issuedAt'])) return 'issuedAt';
  if (!isTimestamp(c['expiresAt']) || Date.parse(c['expiresAt']) <= Date.parse(c['issuedAt'])) return 'expiresAt';
  if (c['holder'] !== 'self' && c['holder'] !== 'ward') return 'holder';
  if (c['wardLabel'] !== undefined && (c['holder'] !== 'ward' || !isLabel(c['wardLabel']))) return 'wardLabel';
  return undefined;
}

/** A clean copy of a credential that passed `credentialProblem`: known members only. */
export function copyCredential(c: StoredCredential): StoredCredential {
  const out: StoredCredential = {
    netid: c.netid,
    credentialId: c.credentialId,
    sdJwt: c.sdJwt,
    issuedAt: c.issuedAt,
    expiresAt: c.expiresAt,
    holder: c.holder,
  };
  if (c.wardLabel !== undefined) out.wardLabel = c.wardLabel;
  return out;
}

/** Two credentials occupy the same slot when they are for the same 网号 and the same kind of holder. */
export function sameSlot(a: Pick<StoredCredential, 'netid' | 'holder'>, b: Pick<StoredCredential, 'netid' | 'holder'>): boolean {
  return a.netid === b.netid && a.holder === b.holder;
}

/**
 * Validates decrypted contents. They were authenticated under the passphrase, so a failure
 * here means a bug or a file written by something else — still `keystore_corrupt`.
 */
export function parseContents(plaintext: Uint8Array, suite: SuiteName): WalletContents {
  let c: unknown;
  try {
    c = JSON.parse(Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength).toString('utf8'));
  } catch {
    throw corrupt('contents: not JSON');
  }
  if (!isObject(c)) throw corrupt('contents: not an object');
  const keys = keyProblem(c, ['device', 'credentials'], ['device', 'credentials']);
  if (keys) throw corrupt(`contents: ${keys}`);
  const d = c['device'];
  if (!isObject(d)) throw corrupt('contents: device');
  const dKeys = keyProblem(d, DEVICE_KEYS, ['alg', 'privateKeyPem', 'createdAt']);
  if (dKeys) throw corrupt(`contents: device ${dKeys}`);
  if (d['alg'] !== DEVICE_ALG[suite]) throw corrupt('contents: device.alg does not fit the suite');
  if (typeof d['privateKeyPem'] !== 'string') throw corrupt('contents: device.privateKeyPem');
  if (d['label'] !== undefined && !isLabel(d['label'])) throw corrupt('contents: device.label');
  if (!isTimestamp(d['createdAt'])) throw corrupt('contents: device.createdAt');
  const list = c['credentials'];
  if (!Array.isArray(list) || list.length > MAX_CREDENTIALS) throw corrupt('contents: credentials');
  const credentials: StoredCredential[] = [];
  for (const [i, item] of list.entries()) {
    const problem = credentialProblem(item);
    if (problem) throw corrupt(`contents: credentials[${i}] ${problem}`);
    const cred = copyCredential(item as StoredCredential);
    if (credentials.some((x) => sameSlot(x, cred))) throw corrupt(`contents: credentials[${i}] duplicates a slot`);
    credentials.push(cred);
  }
  const device: WalletContents['device'] = { alg: DEVICE_ALG[suite], privateKeyPem: d['privateKeyPem'], createdAt: d['createdAt'] };
  if (d['label'] !== undefined) device.label = d['label'];
  return { device, credentials };
}
