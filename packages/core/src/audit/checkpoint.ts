/**
 * Signed checkpoints: the platform's signed statement "the trail had `count` entries and entry
 * `seq` had hash `head`, as of `at`". A compact JWS (`typ: wz-audit-checkpoint+jwt`) signed by
 * the first key of a KeyRing: SM2 with SM3 and ID 1234567812345678 for gm, ES256 for intl.
 *
 * The hash chain alone cannot stop whoever can write the storage from rewriting it whole or
 * truncating its tail; a checkpoint kept elsewhere (given to the regulator, published) can:
 * a rewritten past no longer matches `head`, a truncated trail ends before `seq`.
 *
 * Payload, exactly: `{ "seq": n, "head": "<64 hex>", "at": ms, "count": n }` (count = seq,
 * since sequence numbers are 1-based and contiguous).
 *
 * Trust: nothing in a checkpoint token is trusted until `verifyCheckpoint` returns. The
 * caller's `algorithms` list decides what is acceptable; the header never chooses.
 */
import { verifyJws, type KeyRing, type PublicKey, type SigAlg } from '../crypto/index.ts';
import { WzError } from '../errors.ts';
import { entryProblem, isHashHex, isSeq, type AuditEntry } from './entry.ts';

export const CHECKPOINT_TYP = 'wz-audit-checkpoint+jwt';

export interface Checkpoint {
  readonly seq: number;
  readonly head: string;
  readonly at: number;
  readonly count: number;
}

export interface VerifyCheckpointOptions {
  /** Public keys (or a ring, whose verifiers are used) of the platform's audit signer. */
  readonly keys: KeyRing | readonly PublicKey[];
  /** Mandatory, non-empty: `['SM2']` for gm, `['ES256']` for intl. */
  readonly algorithms: readonly SigAlg[];
}

/**
 * Signs a checkpoint over `head` (the latest entry) at time `at` with the ring's signer.
 * Misuse (a malformed entry, a bad time) throws TypeError.
 *
 * @example const token = signCheckpoint(auditRing, lastEntry, Date.now());
 */
export function signCheckpoint(ring: KeyRing, head: AuditEntry, at: number): string {
  const bad = entryProblem(head);
  if (bad !== undefined) throw new TypeError(`signCheckpoint: ${bad}`);
  if (!Number.isSafeInteger(at) || at < 0) throw new TypeError('signCheckpoint: at must be epoch milliseconds');
  const c: Checkpoint = { seq: head.seq, head: head.hash, at, count: head.seq };
  return ring.signJws(c, { typ: CHECKPOINT_TYP });
}

function notCheckpoint(detail: string): WzError {
  return new WzError('invalid_jws', 'This is not an audit checkpoint.', { detail });
}

/**
 * Verifies a checkpoint token and returns its statement. Codes: `invalid_jws` (malformed,
 * wrong `typ`, payload not exactly a checkpoint), `unsupported_algorithm` (alg not allowed or
 * not the key's), `signature_mismatch` (no key verifies it).
 */
export function verifyCheckpoint(token: string, o: VerifyCheckpointOptions): Checkpoint {
  const keys = 'verifiers' in o.keys ? o.keys.verifiers : o.keys;
  const v = verifyJws(token, keys, { algorithms: o.algorithms, typ: CHECKPOINT_TYP });
  const c = v.json<Record<string, unknown>>();
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw notCheckpoint('payload is not an object');
  const names = Object.keys(c).sort().join(',');
  if (names !== 'at,count,head,seq') throw notCheckpoint('unexpected members');
  if (!isSeq(c['seq']) || c['count'] !== c['seq'] || !isHashHex(c['head']) || !Number.isSafeInteger(c['at']) || (c['at'] as number) < 0) {
    throw notCheckpoint('bad member values');
  }
  return { seq: c['seq'], head: c['head'], at: c['at'] as number, count: c['count'] as number };
}
