/**
 * The hash chain.
 *
 *     hash = H(prev ‖ canonical(entry without hash))
 *
 * - H is the suite's hash (`suite.hash`): SM3 for gm (default), SHA-256 for intl;
 * - `prev` enters as its 32 raw bytes (the genesis `prev` is 32 zero bytes);
 * - canonical(…) is the UTF-8 of the RFC 8785 canonical JSON (canonical.ts) of the members
 *   `action, actor, at, data, prev, seq` and `subject` when present (`prev` as hex, so it is
 *   also covered inside the JSON); `data` at most MAX_DATA_BYTES.
 *
 * Each entry therefore commits to everything before it: changing, inserting or removing an
 * entry changes every later hash, unless the writer of the storage recomputes them all —
 * which is what signed checkpoints (checkpoint.ts) are for.
 *
 * Trust: `nextEntry` trusts its `prev` argument to be the platform's own latest entry (from
 * its store, under the same lock that appends); it checks form, not history.
 */
import type { CryptoSuite } from '../crypto/types.ts';
import { canonicalJson } from './canonical.ts';
import { GENESIS_PREV, MAX_DATA_BYTES, fieldsProblem, isHashHex, isSeq, type AuditData, type AuditEntry, type AuditFields } from './entry.ts';

/** All the next entry needs of the head: its sequence number and its hash. */
export type AuditHead = Pick<AuditEntry, 'seq' | 'hash'>;

/** The hashed content of an entry: every member but `hash` (an absent or null subject is left out). */
function content(e: Omit<AuditEntry, 'hash'>): Record<string, unknown> {
  const c: Record<string, unknown> = { seq: e.seq, at: e.at, actor: e.actor, action: e.action, data: e.data, prev: e.prev };
  if (e.subject !== undefined && e.subject !== null) c['subject'] = e.subject;
  return c;
}

/** The canonical JSON of `e` without its hash. Throws TypeError when `data` is not canonical JSON or too long. */
export function canonicalEntry(e: Omit<AuditEntry, 'hash'>): string {
  canonicalJson(e.data, MAX_DATA_BYTES);
  return canonicalJson(content(e));
}

/** H(prev ‖ canonical(e without hash)) as lowercase hex. `e.prev` must be 64 hex digits. */
export function entryHash(suite: CryptoSuite, e: Omit<AuditEntry, 'hash'>): string {
  const prev = Buffer.from(e.prev, 'hex');
  if (prev.length !== 32) throw new TypeError('prev must be 32 bytes of hex');
  const body = Buffer.from(canonicalEntry(e), 'utf8');
  return Buffer.from(suite.hash(Buffer.concat([prev, body]))).toString('hex');
}

/** An entry's fields with `data` as its canonical JSON: what an action queues for the sequencer to chain. */
export interface QueuedFields {
  readonly at: number;
  readonly actor: string;
  readonly action: AuditFields['action'];
  readonly subject?: string;
  /** Canonical JSON (RFC 8785) of the entry's `data`, at most MAX_DATA_BYTES. */
  readonly data: string;
}

/**
 * `fields` checked as `nextEntry` checks them, with `data` turned into its canonical JSON: what an
 * action queues in its own transaction and the sequencer chains later (docs/audit.md). Checking
 * now means an entry the chain would refuse fails its action, instead of stopping the queue.
 * Misuse throws TypeError.
 */
export function queuedFields(fields: AuditFields): QueuedFields {
  const data = fields.data === undefined ? {} : fields.data;
  const bad = fieldsProblem({ ...fields, data });
  if (bad !== undefined) throw new TypeError(`queuedFields: ${bad}`);
  return {
    at: fields.at,
    actor: fields.actor,
    action: fields.action,
    ...(fields.subject === undefined ? {} : { subject: fields.subject }),
    data: canonicalJson(data, MAX_DATA_BYTES),
  };
}

/**
 * The entry that follows `prev` (the head entry, or just its `seq` and `hash`), or the first
 * one when `prev` is undefined: `seq` and `prev` filled in, `hash` computed with the suite's
 * hash. `data` is copied (in canonical key order), so later changes to the caller's object do
 * not reach the entry. Misuse throws TypeError.
 *
 * @example
 *   const e1 = nextEntry(undefined, { at: Date.now(), actor: 'operator:7', action: 'rp.approved', subject: 'rp-123', data: { scopes: ['age_over_18'] } }, getSuite('gm'));
 *   const e2 = nextEntry(e1, { at: Date.now(), actor: 'system', action: 'verification.completed' }, getSuite('gm'));
 */
export function nextEntry(prev: AuditHead | undefined, fields: AuditFields, suite: CryptoSuite): AuditEntry {
  if (prev !== undefined) {
    if (!isSeq(prev.seq)) throw new TypeError('nextEntry: previous entry: seq must be a positive integer');
    if (!isHashHex(prev.hash)) throw new TypeError('nextEntry: previous entry: hash is not 32 bytes of hex');
    if (prev.seq >= Number.MAX_SAFE_INTEGER) throw new TypeError('nextEntry: sequence numbers exhausted');
  }
  const data = fields.data === undefined ? {} : fields.data;
  const bad = fieldsProblem({ ...fields, data });
  if (bad !== undefined) throw new TypeError(`nextEntry: ${bad}`);
  const copy = JSON.parse(canonicalJson(data, MAX_DATA_BYTES)) as AuditData;
  const base: Omit<AuditEntry, 'hash'> = {
    seq: prev === undefined ? 1 : prev.seq + 1,
    at: fields.at,
    actor: fields.actor,
    action: fields.action,
    ...(fields.subject === undefined ? {} : { subject: fields.subject }),
    data: copy,
    prev: prev === undefined ? GENESIS_PREV : prev.hash,
  };
  return Object.freeze({ ...base, hash: entryHash(suite, base) });
}
