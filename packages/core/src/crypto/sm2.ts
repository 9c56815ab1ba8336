/**
 * SM2 digital signatures (GB/T 32918.2-2016, GM/T 0003.2) with SM3 and a distinguishing ID
 * (default `1234567812345678`, the value every interoperable implementation uses).
 *
 * Two backends compute the same thing:
 * - `native` (the default): the `@wangzheng/sm2-native` N-API addon, which drives OpenSSL's own
 *   SM2 (the one inside the `node` binary) and, unlike `crypto.sign('sm3', …)`, sets the
 *   distinguishing ID on the EVP_PKEY_CTX. Node's own SM2 signs with an EMPTY ID, which is
 *   not conformant: never use it for real signatures.
 * - `js`: sm-crypto-v2 (built on @noble/curves), selected explicitly with
 *   `WZ_SM2_BACKEND=js`. About 1.5–2× slower; kept as a portable fallback and as an
 *   independent cross-check in tests. The installable packages (@wangzheng/sdk and
 *   @wangzheng/cli, bundled by their build.ts) carry no addon and are built with
 *   `WZ_BUNDLED_SM2_BACKEND` = "js": they use this backend, with no variable and no warning.
 *
 * The Z value and e = SM3(Z ‖ M) are computed here with node:crypto's SM3 for the js backend;
 * the native backend lets OpenSSL compute them.
 */
import { createHash } from 'node:crypto';
import { sm2 as smJs } from 'sm-crypto-v2';
import { WzError } from '../errors.ts';
import { loadSm2Native, type Sm2Native } from '@wangzheng/sm2-native';
import { derToRaw, rawToDer, toHex, fromHex } from './encoding.ts';
import type { SigEncoding } from './types.ts';

export const SM2_DEFAULT_ID = '1234567812345678';

/** A distinguishing ID: a string (UTF-8) or raw bytes. At most 8191 bytes (ENTL is 16 bits of bit length). */
export type Sm2Id = string | Uint8Array;

// sm2p256v1 domain parameters (GB/T 32918.5 / GM/T 0003.5), big-endian hex.
export const SM2_CURVE = {
  p: 'fffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffff',
  a: 'fffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffc',
  b: '28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93',
  n: 'fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123',
  gx: '32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7',
  gy: 'bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0',
} as const;
const N = BigInt('0x' + SM2_CURVE.n);
const CURVE_BYTES = fromHex(SM2_CURVE.a + SM2_CURVE.b + SM2_CURVE.gx + SM2_CURVE.gy);

export function idBytes(id: Sm2Id | undefined): Buffer {
  const b = id === undefined ? Buffer.from(SM2_DEFAULT_ID) : typeof id === 'string' ? Buffer.from(id, 'utf8') : Buffer.from(id);
  if (b.length > 8191) throw new TypeError('SM2 distinguishing ID longer than 8191 bytes');
  return b;
}

/** Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA) for a 65-byte uncompressed public point. */
export function sm2Z(publicPoint: Uint8Array, id?: Sm2Id): Uint8Array {
  if (publicPoint.length !== 65 || publicPoint[0] !== 4) throw new TypeError('expected a 65-byte uncompressed SM2 point');
  const idb = idBytes(id);
  const entl = Buffer.from([(idb.length * 8) >> 8, (idb.length * 8) & 0xff]);
  return createHash('sm3').update(entl).update(idb).update(CURVE_BYTES).update(publicPoint.subarray(1)).digest();
}

/** Checks 1 ≤ d ≤ n − 2 (GB/T 32918.1 §6.1: d + 1 must be invertible mod n). */
export function isValidSm2Scalar(d: Uint8Array): boolean {
  if (d.length !== 32) return false;
  const v = BigInt('0x' + toHex(d));
  return v >= 1n && v <= N - 2n;
}

export interface Sm2PrivateHandle {
  sign(data: Uint8Array, encoding: SigEncoding, id?: Sm2Id): Uint8Array;
}
export interface Sm2PublicHandle {
  /** Throws WzError('invalid_signature') when the signature is not well-formed. */
  verify(data: Uint8Array, signature: Uint8Array, encoding: SigEncoding, id?: Sm2Id): boolean;
}
export interface Sm2Backend {
  readonly name: 'native' | 'js';
  /** `d`: 32-byte scalar (validated by the caller); `pub`: its 65-byte uncompressed point. */
  privateKey(d: Uint8Array, pub: Uint8Array): Sm2PrivateHandle;
  /** `pub`: a 65-byte uncompressed point. The native backend validates it (on the curve, not infinity); the JS backend expects the caller to have done so. */
  publicKey(pub: Uint8Array): Sm2PublicHandle;
}

function toRaw(sig: Uint8Array, encoding: SigEncoding): Uint8Array {
  if (encoding === 'der') return derToRaw(sig, 32);
  if (sig.length !== 64) throw new WzError('invalid_signature', 'The signature is malformed.', { detail: `raw SM2 signature of ${sig.length} bytes` });
  return sig;
}

/** r, s ∈ [1, n − 1] (GB/T 32918.2 §7.1 B1, B2). */
function inRange(raw: Uint8Array): boolean {
  const r = BigInt('0x' + toHex(raw.subarray(0, 32)));
  const s = BigInt('0x' + toHex(raw.subarray(32)));
  return r >= 1n && r < N && s >= 1n && s < N;
}

// ---------------------------------------------------------------------------------------
// js backend: sm-crypto-v2. We hand it e = SM3(Z ‖ M) (hash: false) so that the Z value and
// the hashing run through node:crypto, and we check r, s ranges ourselves (it does not).

const jsBackend: Sm2Backend = {
  name: 'js',
  privateKey(d, pub) {
    const dHex = toHex(d);
    const zDefault = sm2Z(pub);
    return {
      sign(data, encoding, id) {
        const z = id === undefined ? zDefault : sm2Z(pub, id);
        const e = createHash('sm3').update(z).update(data).digest();
        const raw = fromHex(smJs.doSignature(new Uint8Array(e), dHex, { hash: false, der: false }));
        return encoding === 'der' ? rawToDer(raw) : raw;
      },
    };
  },
  publicKey(pub) {
    const pubHex = toHex(pub);
    const zDefault = sm2Z(pub);
    let point: ReturnType<typeof smJs.precomputePublicKey> | undefined;
    return {
      verify(data, signature, encoding, id) {
        const raw = toRaw(signature, encoding);
        if (!inRange(raw)) return false;
        point ??= smJs.precomputePublicKey(pubHex);
        const z = id === undefined ? zDefault : sm2Z(pub, id);
        const e = createHash('sm3').update(z).update(data).digest();
        return smJs.doVerifySignature(new Uint8Array(e), toHex(raw), point, { hash: false, der: false });
      },
    };
  },
};

// ---------------------------------------------------------------------------------------
// native backend: the addon (OpenSSL EVP with EVP_PKEY_CTX_set1_id).

const DEFAULT_ID_BYTES = Buffer.from(SM2_DEFAULT_ID);

/** Maps the addon's WZ_SM2_KEY errors to invalid_key; anything else is our fault. */
function nativeCall<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'WZ_SM2_KEY') throw new WzError('invalid_key', 'The key is invalid or of an unsupported type.', { detail: (e as Error).message });
    throw new WzError('internal_error', 'SM2 operation failed.', { detail: String((e as Error).message), cause: e });
  }
}

function nativeBackend(addon: Sm2Native): Sm2Backend {
  return {
    name: 'native',
    privateKey(d) {
      const h = nativeCall(() => addon.importPrivate(d));
      return {
        sign(data, encoding, id) {
          return addon.sign(h, data, id === undefined ? DEFAULT_ID_BYTES : idBytes(id), encoding === 'raw');
        },
      };
    },
    publicKey(pub) {
      const h = nativeCall(() => addon.importPublic(pub));
      return {
        verify(data, signature, encoding, id) {
          if (encoding === 'raw') {
            if (signature.length !== 64) throw new WzError('invalid_signature', 'The signature is malformed.', { detail: `raw SM2 signature of ${signature.length} bytes` });
          } else {
            derToRaw(signature, 32); // strict DER check with our error code (OpenSSL also insists on DER)
          }
          return addon.verify(h, data, signature, id === undefined ? DEFAULT_ID_BYTES : idBytes(id), encoding === 'raw');
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------
// Backend selection. Policy: native unless WZ_SM2_BACKEND=js is set explicitly. If the addon
// cannot load and js was not chosen, SM2 use fails with a clear instruction rather than
// silently running 2× slower.

let selected: Sm2Backend | undefined;
let warned = false;

/**
 * Replaced at build time (esbuild `define`) by the bundles that are installed outside the
 * repository (packages/sdk/build.ts, packages/cli/build.ts) with "js": they ship without the
 * addon. Never defined in the repository, where the policy above applies.
 */
declare const WZ_BUNDLED_SM2_BACKEND: 'js' | undefined;

export const SM2_BUILD_HINT =
  'The SM2 native addon (packages/sm2-native) is not built or cannot load. Run `npm rebuild` or `node scripts/build-native.mjs`, ' +
  'or set WZ_SM2_BACKEND=js to use the slower pure-JavaScript SM2 explicitly.';

/** Returns the SM2 backend, choosing it on first use. */
export function getSm2Backend(): Sm2Backend {
  if (selected) return selected;
  if (typeof WZ_BUNDLED_SM2_BACKEND !== 'undefined' && WZ_BUNDLED_SM2_BACKEND === 'js') return (selected = jsBackend);
  const want = process.env['WZ_SM2_BACKEND'];
  if (want === 'js') {
    if (!warned) {
      warned = true;
      process.emitWarning('WZ_SM2_BACKEND=js: using the pure-JavaScript SM2 backend (sm-crypto-v2), about 2x slower than the native addon.', { code: 'WZ_SM2_JS' });
    }
    return (selected = jsBackend);
  }
  if (want !== undefined && want !== '' && want !== 'native') {
    throw new WzError('internal_error', `WZ_SM2_BACKEND must be "native" or "js".`, { detail: 'bad WZ_SM2_BACKEND value' });
  }
  const addon = loadSm2Native();
  if (addon instanceof Error) {
    throw new WzError('internal_error', SM2_BUILD_HINT, { detail: addon.message, cause: addon });
  }
  return (selected = nativeBackend(addon));
}

/** Which SM2 backend is active (selecting it if needed). Throws the build hint if neither is usable. */
export function sm2Backend(): 'native' | 'js' {
  return getSm2Backend().name;
}

/** Both backends, for tests and benchmarks that compare them. `native` is undefined when the addon cannot load. */
export function sm2Backends(): { js: Sm2Backend; native: Sm2Backend | undefined } {
  const addon = loadSm2Native();
  return { js: jsBackend, native: addon instanceof Error ? undefined : nativeBackend(addon) };
}
