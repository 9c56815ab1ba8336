/**
 * An RP's public key set for `private_key_jwt` (RFC 7523, OIDC Core §9).
 *
 * Input is untrusted. Each key is rebuilt from an allow-list of public members (`kty`, `crv`,
 * `x`, `y`, plus `kid`, `alg`, `use`); anything else is dropped, and a key carrying private
 * members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `k`, `oth`) is refused outright — an RP that sends
 * its private key has leaked it and must make a new one. Keys are SM2, ES256 (P-256) or EdDSA
 * (Ed25519), imported with `importPublicKey` (points validated by OpenSSL). `use`, if given,
 * must be `sig`; `kid` defaults to the RFC 7638 thumbprint and must be unique in the set.
 */
import { importPublicKey, type PublicJwk, type PublicKey, type SigAlg } from '../crypto/index.ts';
import { WzError, isWzError } from '../errors.ts';

export const MAX_CLIENT_KEYS = 5;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];
const KID = /^[\x21-\x7e]{1,128}$/;

export interface ClientKey {
  /** The RP's `kid` for it (the thumbprint if it gave none). */
  readonly kid: string;
  readonly key: PublicKey;
}

export interface ClientJwks {
  /** What is stored and shown: public members only. */
  readonly jwks: { readonly keys: readonly PublicJwk[] };
  readonly keys: readonly ClientKey[];
  /** The algorithms of the registered keys: the only ones a client assertion may use. */
  readonly algorithms: readonly SigAlg[];
}

function bad(message: string): WzError {
  return new WzError('invalid_client_metadata', message);
}

/**
 * @throws WzError `invalid_client_metadata` (shape, private members, duplicate kid, too many
 *         keys) or `invalid_key` (a public key that does not import).
 */
export function parseClientJwks(input: unknown): ClientJwks {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw bad('jwks must be a JWK Set object: { "keys": [ … ] }');
  const list = (input as { keys?: unknown }).keys;
  if (!Array.isArray(list) || list.length === 0) throw bad('jwks.keys must list at least one public key');
  if (list.length > MAX_CLIENT_KEYS) throw bad(`jwks.keys may list at most ${MAX_CLIENT_KEYS} keys`);
  const keys: ClientKey[] = [];
  const published: PublicJwk[] = [];
  const kids = new Set<string>();
  const thumbprints = new Set<string>();
  list.forEach((raw: unknown, i) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad(`jwks.keys[${i}] is not an object`);
    const j = raw as Record<string, unknown>;
    if (PRIVATE_MEMBERS.some((m) => m in j)) throw bad(`jwks.keys[${i}] contains private key material; register only the public key (and replace this key: it has left your control)`);
    if (j['use'] !== undefined && j['use'] !== 'sig') throw bad(`jwks.keys[${i}].use must be "sig"`);
    if (j['kid'] !== undefined && (typeof j['kid'] !== 'string' || !KID.test(j['kid']))) throw bad(`jwks.keys[${i}].kid must be 1–128 printable ASCII characters`);
    const clean: Record<string, unknown> = {};
    for (const m of ['kty', 'crv', 'x', 'y', 'alg'] as const) if (j[m] !== undefined) clean[m] = j[m];
    let key: PublicKey;
    try {
      key = importPublicKey(clean as unknown as PublicJwk);
    } catch (e) {
      if (isWzError(e, 'invalid_key')) throw new WzError('invalid_key', `jwks.keys[${i}] is not an SM2, P-256 (ES256) or Ed25519 (EdDSA) public key.`, { cause: e });
      throw e;
    }
    const kid = (j['kid'] as string | undefined) ?? key.thumbprint;
    if (kids.has(kid)) throw bad(`jwks.keys[${i}].kid repeats an earlier key's kid`);
    if (thumbprints.has(key.thumbprint)) throw bad(`jwks.keys[${i}] repeats an earlier key`);
    kids.add(kid);
    thumbprints.add(key.thumbprint);
    keys.push({ kid, key });
    published.push({ ...key.toJwk(), kid });
  });
  const algorithms = [...new Set(keys.map((k) => k.key.alg))];
  return { jwks: { keys: published }, keys, algorithms };
}
