/**
 * Key import, export and generation for the three signature algorithms:
 * SM2 (sm2p256v1, GB/T 32918), ES256 (P-256) and EdDSA (Ed25519).
 *
 * - ES256 and Ed25519 keys are Node KeyObjects; node:crypto signs and verifies.
 * - SM2 keys: Node parses SM2 PEMs but cannot export them as JWK and cannot sign with a
 *   distinguishing ID, so we read the raw scalar / point out of the DER ourselves (asn1.ts),
 *   let OpenSSL (through Node) validate points and derive public keys, and hand the raw
 *   material to the SM2 backend (sm2.ts: native addon or sm-crypto-v2).
 *
 * Trust: PEM/JWK input is untrusted. Any failure to parse or validate becomes
 * WzError('invalid_key') with a generic message; details go to `detail`, never key bytes.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { WzError, isWzError } from '../errors.ts';
import { OID, children, expectTlv, oidToString, pemBlocks, readTlv, toPem, type Tlv } from './asn1.ts';
import { b64u, derToRaw, fromB64u, fromHex } from './encoding.ts';
import { LruMap } from './memo.ts';
import { getSm2Backend, isValidSm2Scalar, type Sm2PrivateHandle, type Sm2PublicHandle } from './sm2.ts';
import type { PrivateKey, PublicJwk, PublicKey, SigAlg, SigEncoding, SignOptions } from './types.ts';

export const SIG_ALGS: readonly SigAlg[] = ['SM2', 'ES256', 'EdDSA'];

function invalidKey(detail: string, cause?: unknown): WzError {
  if (isWzError(cause)) return cause;
  return new WzError('invalid_key', 'The key is invalid or of an unsupported type.', { detail, cause });
}

function badSig(detail: string): WzError {
  return new WzError('invalid_signature', 'The signature is malformed.', { detail });
}

function noSm2Id(opts: SignOptions | undefined): void {
  if (opts?.sm2Id !== undefined) throw new TypeError('sm2Id applies to SM2 keys only');
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url) over the required members in lexicographic order. */
export function jwkThumbprint(jwk: Pick<PublicJwk, 'kty' | 'crv' | 'x' | 'y'>): string {
  const canonical =
    jwk.kty === 'EC'
      ? `{"crv":${JSON.stringify(jwk.crv)},"kty":"EC","x":${JSON.stringify(jwk.x)},"y":${JSON.stringify(jwk.y ?? '')}}`
      : `{"crv":${JSON.stringify(jwk.crv)},"kty":${JSON.stringify(jwk.kty)},"x":${JSON.stringify(jwk.x)}}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

// ---------------------------------------------------------------------------------------
// SM2

// Fixed DER prefixes for sm2p256v1 keys (id-ecPublicKey with the SM2 named curve, as OpenSSL writes them).
const SM2_SPKI_PREFIX = fromHex('3059301306072a8648ce3d020106082a811ccf5501822d034200');
const SM2_PKCS8_PREFIX = fromHex('308187020100301306072a8648ce3d020106082a811ccf5501822d046d306b0201010420');
const SM2_PKCS8_PUB = fromHex('a144034200');
const SM2_PKCS8_NOPUB_PREFIX = fromHex('3041020100301306072a8648ce3d020106082a811ccf5501822d0427302502010104' + '20');

function concat(...parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts);
}

/** Validates a 65-byte uncompressed SM2 point with OpenSSL (on the curve). */
function checkSm2Point(point: Uint8Array): void {
  if (point.length !== 65 || point[0] !== 0x04) throw invalidKey('SM2 point must be 65-byte uncompressed');
  try {
    createPublicKey({ key: concat(SM2_SPKI_PREFIX, point), format: 'der', type: 'spki' });
  } catch (e) {
    throw invalidKey('SM2 point rejected by OpenSSL', e);
  }
}

/** Derives the public point d·G with OpenSSL (through Node's KeyObject). */
function sm2PointOf(d: Uint8Array): Buffer {
  const k = createPrivateKey({ key: concat(SM2_PKCS8_NOPUB_PREFIX, d), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(k).export({ type: 'spki', format: 'der' });
  return spki.subarray(spki.length - 65);
}

class Sm2PublicKey implements PublicKey {
  readonly alg = 'SM2' as const;
  readonly thumbprint: string;
  readonly #point: Buffer;
  readonly #handle: Sm2PublicHandle;

  constructor(point: Uint8Array) {
    const backend = getSm2Backend();
    // The native backend validates the point itself (on the curve, not infinity); the JS one
    // does not, so OpenSSL checks it first.
    if (backend.name !== 'native') checkSm2Point(point);
    else if (point.length !== 65 || point[0] !== 0x04) throw invalidKey('SM2 point must be 65-byte uncompressed');
    this.#point = Buffer.from(point);
    try {
      this.#handle = backend.publicKey(this.#point);
    } catch (e) {
      throw invalidKey('SM2 point rejected', e);
    }
    this.thumbprint = jwkThumbprint(this.#jwkCore());
  }

  #jwkCore(): PublicJwk {
    return { kty: 'EC', crv: 'SM2', x: b64u(this.#point.subarray(1, 33)), y: b64u(this.#point.subarray(33)) };
  }

  verify(data: Uint8Array, signature: Uint8Array, encoding: SigEncoding = 'raw', opts?: SignOptions): boolean {
    return this.#handle.verify(data, signature, encoding, opts?.sm2Id);
  }

  toJwk(): PublicJwk {
    return { ...this.#jwkCore(), kid: this.thumbprint, alg: 'SM2', use: 'sig' };
  }

  toPem(): string {
    return toPem('PUBLIC KEY', concat(SM2_SPKI_PREFIX, this.#point));
  }

  /** The 65-byte uncompressed point 04‖x‖y. */
  rawPoint(): Uint8Array {
    return Buffer.from(this.#point);
  }
}

class Sm2PrivateKey implements PrivateKey {
  readonly alg = 'SM2' as const;
  readonly publicKey: Sm2PublicKey;
  readonly #d: Buffer;
  readonly #handle: Sm2PrivateHandle;

  constructor(d: Uint8Array, point?: Uint8Array) {
    if (!isValidSm2Scalar(d)) throw invalidKey('SM2 scalar out of range');
    let derived: Buffer;
    try {
      derived = sm2PointOf(d);
    } catch (e) {
      throw invalidKey('cannot derive the SM2 public point', e);
    }
    if (point !== undefined && !derived.equals(point)) throw invalidKey('SM2 public point does not match the private scalar');
    this.#d = Buffer.from(d);
    this.publicKey = new Sm2PublicKey(derived);
    this.#handle = getSm2Backend().privateKey(this.#d, derived);
  }

  sign(data: Uint8Array, encoding: SigEncoding = 'raw', opts?: SignOptions): Uint8Array {
    return this.#handle.sign(data, encoding, opts?.sm2Id);
  }

  toPem(): string {
    return toPem('PRIVATE KEY', concat(SM2_PKCS8_PREFIX, this.#d, SM2_PKCS8_PUB, this.publicKey.rawPoint()));
  }
}

/** An SM2 private key from its raw 32-byte scalar (e.g. a published test vector). */
export function sm2PrivateKeyFromScalar(d: Uint8Array): PrivateKey {
  if (d.length !== 32) throw invalidKey('SM2 scalar must be 32 bytes');
  return new Sm2PrivateKey(d);
}

/** An SM2 public key from its 65-byte uncompressed point 04‖x‖y. */
export function sm2PublicKeyFromPoint(point: Uint8Array): PublicKey {
  return new Sm2PublicKey(point);
}

/** The raw 65-byte uncompressed point of an SM2 public key. */
export function sm2PublicPoint(key: PublicKey): Uint8Array {
  if (!(key instanceof Sm2PublicKey)) throw new TypeError('not an SM2 public key');
  return key.rawPoint();
}

// ---------------------------------------------------------------------------------------
// ES256 and Ed25519 (node:crypto)

class NodePublicKey implements PublicKey {
  readonly thumbprint: string;
  readonly #jwk: PublicJwk;

  constructor(
    readonly alg: 'ES256' | 'EdDSA',
    readonly keyObject: KeyObject,
  ) {
    const j = keyObject.export({ format: 'jwk' });
    this.#jwk =
      alg === 'ES256'
        ? { kty: 'EC', crv: 'P-256', x: String(j.x), y: String(j.y) }
        : { kty: 'OKP', crv: 'Ed25519', x: String(j.x) };
    this.thumbprint = jwkThumbprint(this.#jwk);
  }

  verify(data: Uint8Array, signature: Uint8Array, encoding: SigEncoding = 'raw', opts?: SignOptions): boolean {
    noSm2Id(opts);
    if (this.alg === 'EdDSA') {
      if (signature.length !== 64) throw badSig(`Ed25519 signature of ${signature.length} bytes`);
      return nodeVerify(null, data, this.keyObject, signature);
    }
    let raw = signature;
    if (encoding === 'der') raw = derToRaw(signature, 32);
    else if (signature.length !== 64) throw badSig(`raw ES256 signature of ${signature.length} bytes`);
    return nodeVerify('sha256', data, { key: this.keyObject, dsaEncoding: 'ieee-p1363' }, raw);
  }

  toJwk(): PublicJwk {
    return { ...this.#jwk, kid: this.thumbprint, alg: this.alg, use: 'sig' };
  }

  toPem(): string {
    return String(this.keyObject.export({ type: 'spki', format: 'pem' }));
  }
}

class NodePrivateKey implements PrivateKey {
  readonly publicKey: NodePublicKey;

  constructor(
    readonly alg: 'ES256' | 'EdDSA',
    readonly keyObject: KeyObject,
  ) {
    this.publicKey = new NodePublicKey(alg, createPublicKey(keyObject));
  }

  sign(data: Uint8Array, encoding: SigEncoding = 'raw', opts?: SignOptions): Uint8Array {
    noSm2Id(opts);
    if (this.alg === 'EdDSA') return nodeSign(null, data, this.keyObject);
    return nodeSign('sha256', data, { key: this.keyObject, dsaEncoding: encoding === 'der' ? 'der' : 'ieee-p1363' });
  }

  toPem(): string {
    return String(this.keyObject.export({ type: 'pkcs8', format: 'pem' }));
  }
}

/** Which of our algorithms a Node KeyObject is, if any. */
function algOfKeyObject(k: KeyObject): 'ES256' | 'EdDSA' | undefined {
  if (k.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (k.asymmetricKeyType === 'ec' && k.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Parsing

type KeyKind = 'SM2' | 'ES256' | 'EdDSA';

function curveKind(oid: string): KeyKind {
  if (oid === OID.sm2) return 'SM2';
  if (oid === OID.prime256v1) return 'ES256';
  throw invalidKey(`unsupported EC curve ${oid}`);
}

function tlvOfTag(list: Tlv[], tag: number): Tlv | undefined {
  return list.find((t) => t.tag === tag);
}

/** Reads an ECPrivateKey (SEC1 / RFC 5915). Returns the scalar (left-padded), curve and optional point. */
function readEcPrivateKey(der: Uint8Array): { d: Uint8Array; curve?: string; point?: Uint8Array } {
  const seq = children(expectTlv(der, 0x30).value);
  const [ver, priv] = seq;
  if (ver?.tag !== 0x02 || ver.value.length !== 1 || ver.value[0] !== 1) throw invalidKey('ECPrivateKey version');
  if (priv?.tag !== 0x04 || priv.value.length === 0 || priv.value.length > 32) throw invalidKey('ECPrivateKey scalar');
  const d = new Uint8Array(32);
  d.set(priv.value, 32 - priv.value.length);
  const params = tlvOfTag(seq, 0xa0);
  const pub = tlvOfTag(seq, 0xa1);
  let curve: string | undefined;
  if (params) {
    const oid = readTlv(params.value);
    if (oid.tag !== 0x06) throw invalidKey('ECPrivateKey parameters are not a named curve');
    curve = oidToString(oid.value);
  }
  let point: Uint8Array | undefined;
  if (pub) {
    const bits = readTlv(pub.value);
    if (bits.tag !== 0x03 || bits.value[0] !== 0) throw invalidKey('ECPrivateKey public key');
    point = bits.value.subarray(1);
  }
  const out: { d: Uint8Array; curve?: string; point?: Uint8Array } = { d };
  if (curve !== undefined) out.curve = curve;
  if (point !== undefined) out.point = point;
  return out;
}

function nodePrivate(der: Uint8Array, type: 'pkcs8' | 'sec1', want: 'ES256' | 'EdDSA'): PrivateKey {
  let k: KeyObject;
  try {
    k = createPrivateKey({ key: Buffer.from(der), format: 'der', type });
  } catch (e) {
    throw invalidKey('OpenSSL rejected the private key', e);
  }
  if (algOfKeyObject(k) !== want) throw invalidKey('key type mismatch');
  return new NodePrivateKey(want, k);
}

function sm2FromEcPrivateKey(inner: Uint8Array, outerCurve: string | undefined): PrivateKey {
  const { d, curve, point } = readEcPrivateKey(inner);
  if (curve !== undefined && outerCurve !== undefined && curve !== outerCurve) throw invalidKey('conflicting curve parameters');
  return new Sm2PrivateKey(d, point);
}

function parsePkcs8(der: Uint8Array): PrivateKey {
  const seq = children(expectTlv(der, 0x30).value);
  const [ver, algId, priv] = seq;
  if (ver?.tag !== 0x02 || ver.value.length !== 1 || (ver.value[0] !== 0 && ver.value[0] !== 1)) throw invalidKey('PKCS#8 version');
  if (algId?.tag !== 0x30 || priv?.tag !== 0x04) throw invalidKey('PKCS#8 structure');
  const [algOid, params] = children(algId.value);
  if (algOid?.tag !== 0x06) throw invalidKey('PKCS#8 algorithm');
  const alg = oidToString(algOid.value);
  if (alg === OID.ed25519) return nodePrivate(der, 'pkcs8', 'EdDSA');
  if (alg === OID.ecPublicKey || alg === OID.sm2) {
    let curve: string | undefined = alg === OID.sm2 ? OID.sm2 : undefined;
    if (params?.tag === 0x06) curve = oidToString(params.value);
    else if (alg === OID.ecPublicKey) throw invalidKey('EC parameters are not a named curve');
    const kind = curveKind(curve!);
    if (kind === 'ES256') return nodePrivate(der, 'pkcs8', 'ES256');
    return sm2FromEcPrivateKey(priv.value, curve);
  }
  throw invalidKey(`unsupported key algorithm ${alg}`);
}

function parseSec1(der: Uint8Array): PrivateKey {
  const { curve } = readEcPrivateKey(der);
  if (curve === undefined) throw invalidKey('SEC1 key without a named curve');
  const kind = curveKind(curve);
  if (kind === 'ES256') return nodePrivate(der, 'sec1', 'ES256');
  return sm2FromEcPrivateKey(der, curve);
}

/**
 * Imports a private key from PEM: PKCS#8 (`PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`, `SM2 PRIVATE KEY`) for
 * SM2 (sm2p256v1), P-256 or Ed25519. Encrypted keys are not supported. Throws WzError('invalid_key').
 *
 * @example
 *   const key = importPrivateKeyPem(fs.readFileSync('k.pem', 'utf8')); // openssl genpkey … ec_paramgen_curve:SM2
 *   key.alg; // 'SM2'
 */
export function importPrivateKeyPem(pem: string | Uint8Array): PrivateKey {
  try {
    const text = typeof pem === 'string' ? pem : Buffer.from(pem).toString('utf8');
    const blocks = pemBlocks(text);
    if (blocks.some((b) => b.label === 'ENCRYPTED PRIVATE KEY')) throw invalidKey('encrypted private keys are not supported');
    // `SM2 PRIVATE KEY` is what OpenSSL 3 writes for `pkey -traditional`: the SEC1 structure.
    const block = blocks.find((b) => b.label === 'PRIVATE KEY' || b.label === 'EC PRIVATE KEY' || b.label === 'SM2 PRIVATE KEY');
    if (!block) throw invalidKey('no PRIVATE KEY block');
    return block.label === 'PRIVATE KEY' ? parsePkcs8(block.der) : parseSec1(block.der);
  } catch (e) {
    throw invalidKey('private key import failed', e);
  }
}

function parseSpki(der: Uint8Array): PublicKey {
  const seq = children(expectTlv(der, 0x30).value);
  const [algId, bits] = seq;
  if (seq.length !== 2 || algId?.tag !== 0x30 || bits?.tag !== 0x03) throw invalidKey('SPKI structure');
  const [algOid, params] = children(algId.value);
  if (algOid?.tag !== 0x06) throw invalidKey('SPKI algorithm');
  const alg = oidToString(algOid.value);
  let kind: KeyKind;
  if (alg === OID.ed25519) kind = 'EdDSA';
  else if (alg === OID.ecPublicKey && params?.tag === 0x06) kind = curveKind(oidToString(params.value));
  else if (alg === OID.sm2) kind = 'SM2';
  else throw invalidKey(`unsupported key algorithm ${alg}`);
  if (kind === 'SM2') {
    if (bits.value[0] !== 0) throw invalidKey('SPKI BIT STRING padding');
    return new Sm2PublicKey(bits.value.subarray(1));
  }
  let k: KeyObject;
  try {
    k = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  } catch (e) {
    throw invalidKey('OpenSSL rejected the public key', e);
  }
  if (algOfKeyObject(k) !== kind) throw invalidKey('key type mismatch');
  return new NodePublicKey(kind, k);
}

function b64uField(v: unknown, len: number, name: string): Buffer {
  const b = typeof v === 'string' ? fromB64u(v) : undefined;
  if (!b || b.length !== len) throw invalidKey(`JWK member ${name} malformed`);
  return b;
}

/**
 * Public keys imported from JWKs, by their key material: a device key arrives in every
 * presentation (`cnf.jwk`), and importing it (point decoding and validation) costs about a
 * quarter of an SM2 verification. Keys are immutable, so a validated one is shared.
 */
const jwkKeys = new LruMap<string, PublicKey>(4_096);

function parseJwk(jwk: unknown): PublicKey {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw invalidKey('JWK is not an object');
  const j = jwk as Record<string, unknown>;
  if ('d' in j) throw invalidKey('private JWK where a public key was expected');
  const key = `${String(j['kty'])}/${String(j['crv'])}`;
  const alg = j['alg'];
  const material = typeof j['x'] === 'string' && (j['y'] === undefined || typeof j['y'] === 'string') ? `${key}/${j['x']}/${String(j['y'])}` : undefined;
  const known = material !== undefined && material.length <= 256 ? jwkKeys.get(material) : undefined;
  if (known !== undefined) {
    if (alg !== undefined && alg !== known.alg) throw invalidKey('JWK alg does not match the key type');
    return known;
  }
  const pk = parseJwkMaterial(j, key);
  if (alg !== undefined && alg !== pk.alg) throw invalidKey('JWK alg does not match the key type');
  if (material !== undefined && material.length <= 256) jwkKeys.set(material, pk);
  return pk;
}

function parseJwkMaterial(j: Record<string, unknown>, key: string): PublicKey {
  let pk: PublicKey;
  if (key === 'EC/SM2') {
    const x = b64uField(j['x'], 32, 'x');
    const y = b64uField(j['y'], 32, 'y');
    pk = new Sm2PublicKey(concat(Buffer.from([4]), x, y));
  } else if (key === 'EC/P-256' || key === 'OKP/Ed25519') {
    const isEc = key === 'EC/P-256';
    b64uField(j['x'], 32, 'x');
    if (isEc) b64uField(j['y'], 32, 'y');
    const clean = isEc ? { kty: 'EC', crv: 'P-256', x: j['x'], y: j['y'] } : { kty: 'OKP', crv: 'Ed25519', x: j['x'] };
    let k: KeyObject;
    try {
      k = createPublicKey({ key: clean as import('node:crypto').JsonWebKey, format: 'jwk' });
    } catch (e) {
      throw invalidKey('OpenSSL rejected the JWK', e);
    }
    pk = new NodePublicKey(isEc ? 'ES256' : 'EdDSA', k);
  } else {
    throw invalidKey(`unsupported JWK ${key}`);
  }
  return pk;
}

/**
 * Imports a public key from an SPKI PEM (`PUBLIC KEY`), a JWK object, or a JWK as JSON text.
 * Supports SM2 (`kty: EC, crv: SM2`), P-256 and Ed25519. Throws WzError('invalid_key').
 */
export function importPublicKey(pemOrJwk: string | PublicJwk): PublicKey {
  try {
    if (typeof pemOrJwk !== 'string') return parseJwk(pemOrJwk);
    const trimmed = pemOrJwk.trim();
    if (trimmed.startsWith('{')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(trimmed);
      } catch {
        throw invalidKey('JWK is not JSON');
      }
      return parseJwk(parsed);
    }
    const block = pemBlocks(trimmed).find((b) => b.label === 'PUBLIC KEY');
    if (!block) throw invalidKey('no PUBLIC KEY block');
    return parseSpki(block.der);
  } catch (e) {
    throw invalidKey('public key import failed', e);
  }
}

/** Generates a fresh key pair with OpenSSL's generator. */
export function generateKey(alg: SigAlg): PrivateKey {
  switch (alg) {
    case 'SM2': {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'SM2' });
      return parsePkcs8(privateKey.export({ type: 'pkcs8', format: 'der' }));
    }
    case 'ES256':
      return new NodePrivateKey('ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    case 'EdDSA':
      return new NodePrivateKey('EdDSA', generateKeyPairSync('ed25519').privateKey);
    default:
      throw new WzError('unsupported_algorithm', 'This signature algorithm is not supported.', { detail: `alg ${String(alg)}` });
  }
}
