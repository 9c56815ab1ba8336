/**
 * The audit trail's storage contract (docs/audit.md): hash-chained entries and signed
 * checkpoints, append-only. There is no method that updates either: the only ways in are
 * `appendNext`, `sequence` (which chains what `enqueue` queued) and `insertCheckpoint`. The one
 * way out is retention (`deleteBefore`), which removes only the oldest entries before an anchoring checkpoint and runs only when the operator
 * sets `WZ_AUDIT_RETENTION_DAYS` (audit/retention.ts). In production the database role the
 * platform serves requests with should lack UPDATE and DELETE on `audit_entries` and
 * `audit_checkpoints`; retention then needs a role that may delete (or drop partitions).
 *
 * Trust: nothing read back through this contract is verified. A row comes as stored — whoever
 * can write the database can have changed it — and only `verifyAuditTrail` (core) decides
 * whether the trail is intact. A `data` column that is not a JSON object is returned as its raw
 * text, so the verifier reports it instead of the reader throwing.
 */
import type { AuditAction, AuditEntry, AuditHead, QueuedFields } from '@wangzheng/core/audit/index';
import type { RetentionStep } from '../partitions.ts';

/** An entry as stored: `AuditEntry` in shape, unverified in content (see above). */
export type StoredAuditEntry = AuditEntry;

export interface AuditCheckpointRecord {
  /** The sequence number of the head entry the checkpoint signs (one checkpoint per seq). */
  readonly seq: number;
  /** The compact JWS (`wz-audit-checkpoint+jwt`). */
  readonly token: string;
  readonly createdAt: number;
}

/** A search: every filter optional, results in increasing `seq`, keyset-paged by `after`. */
export interface AuditQuery {
  /** Only entries with `seq` greater than this (the last `seq` of the previous page). */
  readonly after?: number;
  /** 1..1000, default 100. */
  readonly limit?: number;
  readonly action?: AuditAction;
  readonly actor?: string;
  readonly subject?: string;
  /** `at` ≥ from (epoch ms). */
  readonly from?: number;
  /** `at` < to (epoch ms). */
  readonly to?: number;
}

/** A queued entry as stored (0017): its place in the queue and its fields, unchained and unverified. */
export interface QueuedAuditEntry extends QueuedFields {
  readonly id: number;
}

export interface AuditReader {
  /** The latest entry, or undefined for an empty trail. */
  head(): Promise<StoredAuditEntry | undefined>;
  /** How many entries are queued, not yet chained (`sequence`). */
  queued(): Promise<number>;
  list(q?: AuditQuery): Promise<StoredAuditEntry[]>;
  /** Checkpoints in increasing `seq`, keyset-paged by `after` (limit 1..1000, default 100). */
  listCheckpoints(opts?: { after?: number; limit?: number }): Promise<AuditCheckpointRecord[]>;
  /** The checkpoint with the highest `seq`, or undefined. */
  latestCheckpoint(): Promise<AuditCheckpointRecord | undefined>;
}

export interface AuditWriter extends AuditReader {
  /**
   * Appends the entry `build(head)` returns, where `head` is the current head's `seq` and
   * `hash` (undefined for the first entry), read from the appenders' lock row. Appenders are
   * serialised — PostgreSQL: a row lock on `audit_append_lock`, held until the transaction
   * ends; SQLite: its single writer — so `seq` stays contiguous and
   * `prev` is the real head, also with several processes on one database. Inside
   * `store.transaction(fn)` the entry commits or rolls back with the caller's other writes;
   * outside one it runs in a transaction of its own.
   * @throws TypeError if the built entry does not follow `head` (wrong seq or prev hash).
   */
  appendNext(build: (head: AuditHead | undefined) => AuditEntry): Promise<AuditEntry>;
  /**
   * Queues an entry (0017) in the caller's transaction — it commits or rolls back with the
   * caller's other writes — without the appenders' lock: concurrent actions do not wait for each
   * other. `fields` come checked (core `queuedFields`). The entry joins the chain at the next
   * `sequence`.
   */
  enqueue(fields: QueuedFields): Promise<void>;
  /**
   * Chains up to `limit` (1..1000, default 500) queued entries, oldest queued first, in a
   * transaction of its own under the appenders' lock: `chain(head, queued)` builds their entries
   * from the head, each following the one before; they are inserted, the head moved and the
   * queued rows deleted, all or nothing. Returns how many were chained (0: none queued).
   * `wait: false` — PostgreSQL: when another process holds the lock, return 0 at once instead of
   * waiting (it is chaining them). Must not run inside `store.transaction`.
   * @throws TypeError if the built entries do not follow the head one by one.
   */
  sequence(chain: (head: AuditHead | undefined, queued: readonly QueuedAuditEntry[]) => readonly AuditEntry[], o?: { limit?: number; wait?: boolean; beforeCommit?: () => void }): Promise<number>;
  /** Stores a checkpoint; false (nothing written) if one for this `seq` exists already. */
  insertCheckpoint(c: { seq: number; token: string; createdAt?: number }): Promise<boolean>;
  /** PostgreSQL: creates missing monthly partitions, the month of `at` to `monthsAhead` after it; returns how many. SQLite: 0. */
  ensurePartitions(at: number, monthsAhead: number): Promise<number>;
  /**
   * The `seq` retention with this cutoff keeps from: the newest stored checkpoint whose entry
   * was written before `cutoff`; undefined when there is none (then nothing may be removed).
   */
  retentionAnchor(cutoff: number): Promise<number | undefined>;
  /**
   * Retention, one bounded step: removes entries written before `cutoff` (epoch ms) whose
   * `seq` is below the anchor (`retentionAnchor`), so that the trail from the anchor on still
   * verifies against its checkpoint. PostgreSQL drops the oldest monthly partition when all of
   * it lies before the cutoff and below the anchor, or else deletes up to `limit` such entries
   * of the DEFAULT partition; SQLite deletes up to `limit`, lowest `seq` first. Checkpoints
   * are kept. Call again until `done`.
   */
  deleteBefore(cutoff: number, limit: number): Promise<RetentionStep>;
}
