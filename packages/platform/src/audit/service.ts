/**
 * The platform's audit trail (docs/audit.md): operator decisions and other accountable events,
 * written in the same transaction as the change they record — chained there (`record`), or, for
 * the frequent verification outcomes, queued there and chained by the sequencer a moment later
 * (`enqueue`, `sequence`) — hash-chained with the suite's hash (SM3 for gm) and covered by
 * checkpoints signed with the platform's key of that suite. Readers chain what is queued first.
 *
 * What goes in is the caller's duty and is kept free of personal data: a person only as
 * `subjectOf(dataKey)` (unlinkable once their data key is destroyed), an RP by its client id,
 * an operator by its actor id, free text only as a digest (`digest`), since an entry can never
 * be erased. What is trusted: the caller's transaction (the entry commits with the action or not
 * at all) and the platform's signing key. What is not: anything read back from the store —
 * `verify()` hands it to `verifyAuditTrail` (core), which trusts nothing but the public keys.
 */
import {
  canonicalJson,
  nextEntry,
  queuedFields,
  signCheckpoint,
  subjectRef,
  verifyAuditTrail,
  type AuditAction,
  type AuditData,
  type AuditEntry,
  type AuditJson,
  type AuditReport,
  type Checkpoint,
  type QueuedFields,
} from '@wangzheng/core/audit/index';
import type { KeyRing } from '@wangzheng/core/crypto/index';
import type { CryptoSuite } from '@wangzheng/core/crypto/types';
import type { AuditCheckpointRecord, AuditQuery, AuditReader, AuditWriter } from '../store/index.ts';
import { faultPoint } from '../faults/points.ts';

/** What the trail needs from the store: the audit repository and nothing else. */
export interface AuditStore {
  readonly audit: AuditWriter;
  readonly reader: { readonly audit: AuditReader };
}

/** A transaction as `record` and `enqueue` need it (a `StoreTx` is one). */
export interface AuditTx {
  readonly audit: Pick<AuditWriter, 'appendNext' | 'enqueue'>;
}

export interface AuditDeps {
  readonly store: AuditStore;
  /** Hash of the chain: the configured suite's (changing the suite later breaks verification). */
  readonly suite: CryptoSuite;
  /** The platform's signing ring of that suite: its signer signs checkpoints, all its keys verify. */
  readonly signing: KeyRing;
  readonly now: () => number;
}

/** One thing to record. */
export interface AuditRecord {
  /** `system`, `admin:<token id>`, … (core's actor form). */
  readonly actor: string;
  readonly action: AuditAction;
  /** `subjectOf(dataKey)` for a person, a client id for an RP; never personal data. */
  readonly subject?: string;
  /** Codes and digests only (at most 4 KiB of canonical JSON). */
  readonly data?: AuditData;
}

/** The narrow face other domains get: record or queue in their transaction, digest free text. */
export interface AuditRecorder {
  record(tx: AuditTx, r: AuditRecord): Promise<AuditEntry>;
  enqueue(tx: AuditTx, r: AuditRecord): Promise<void>;
  queued(r: AuditRecord): QueuedFields;
  digest(value: AuditJson): string;
}

/** `verifyAuditTrail`'s report over the whole stored trail, with what was read. */
export interface AuditVerification extends AuditReport {
  /** Checkpoint tokens examined (stored and kept elsewhere, each once). */
  readonly checkpoints: number;
  /** The last stored entry as read (unverified), or null for an empty trail. */
  readonly head: { readonly seq: number; readonly hash: string } | null;
  /** Entries still queued after the verification chained what was queued before it (0 unless actions ran meanwhile). */
  readonly queued: number;
}

const PAGE = 1000;
/** Queued entries chained per transaction of the sequencer: a pass that chains fewer found the queue empty. */
export const SEQUENCE_BATCH = 500;

export class AuditTrail implements AuditRecorder {
  /** Entries this process queued since the sequencer last asked (takeQueuedHere). */
  #queuedHere = 0;

  constructor(private readonly deps: AuditDeps) {}

  /**
   * Appends an entry inside the caller's transaction: it commits with the caller's other writes
   * or not at all. Appenders are serialised by the store, so `seq` stays contiguous.
   *
   * @example
   *   await store.transaction(async (tx) => {
   *     await tx.relyingParties.transition(…);
   *     await audit.record(tx, { actor: 'admin:ops-1', action: 'rp.approved', subject: clientId, data: { scopes: ['result'] } });
   *   });
   */
  record(tx: AuditTx, r: AuditRecord): Promise<AuditEntry> {
    const fields = {
      at: this.deps.now(),
      actor: r.actor,
      action: r.action,
      ...(r.subject === undefined ? {} : { subject: r.subject }),
      ...(r.data === undefined ? {} : { data: r.data }),
    };
    return tx.audit.appendNext((prev) => nextEntry(prev, fields, this.deps.suite));
  }

  /**
   * Queues an entry inside the caller's transaction, without the appenders' lock (docs/audit.md,
   * "The queue and the sequencer"): it commits with the caller's other writes or not at all, and
   * joins the chain at the sequencer's next pass — for the frequent actions (verification
   * outcomes), which would otherwise wait for each other's commits. Checked now, as `record`
   * checks: an entry the chain would refuse fails the action.
   */
  async enqueue(tx: AuditTx, r: AuditRecord): Promise<void> {
    await tx.audit.enqueue(this.queued(r));
  }

  /**
   * The entry `enqueue` would insert, checked the same way, for a store method that writes it
   * together with its action (`verifications.transitionWith`: one statement on PostgreSQL). It
   * counts as queued by this process: the sequencer's next tick looks (and finds nothing if the
   * write did not happen).
   */
  queued(r: AuditRecord): QueuedFields {
    const fields = queuedFields({
      at: this.deps.now(),
      actor: r.actor,
      action: r.action,
      ...(r.subject === undefined ? {} : { subject: r.subject }),
      ...(r.data === undefined ? {} : { data: r.data }),
    });
    this.#queuedHere += 1;
    return fields;
  }

  /** Whether this process queued an entry since the last call (the sequencer's hint; the count is reset). */
  takeQueuedHere(): boolean {
    const n = this.#queuedHere;
    this.#queuedHere = 0;
    return n > 0;
  }

  /**
   * One pass of the sequencer: chains up to SEQUENCE_BATCH (500) queued entries, oldest first, in
   * a transaction of its own. `wait: false` returns 0 at once while another process holds the lock. Returns how
   * many were chained.
   */
  sequence(o: { wait?: boolean } = {}): Promise<number> {
    const suite = this.deps.suite;
    return this.deps.store.audit.sequence(
      (head, queued) => {
        let prev = head;
        return queued.map((q) => {
          const e = nextEntry(prev, { at: q.at, actor: q.actor, action: q.action, ...(q.subject === undefined ? {} : { subject: q.subject }), data: JSON.parse(q.data) as AuditData }, suite);
          prev = e;
          return e;
        });
      },
      { limit: SEQUENCE_BATCH, ...o, beforeCommit: () => faultPoint('audit.sequence.before-commit') },
    );
  }

  /**
   * Chains everything queued so far (waiting for another process's pass if one is running), in
   * passes until one chains less than a full batch: that pass read the queue after taking the lock,
   * so it saw every entry committed before this call. Returns how many.
   */
  async flush(): Promise<number> {
    let total = 0;
    for (let n = SEQUENCE_BATCH; n === SEQUENCE_BATCH; total += n) n = await this.sequence();
    return total;
  }

  /** The pseudonymous reference to the person whose data key this is (core/audit/subject.ts). */
  subjectOf(dataKey: Uint8Array): string {
    return subjectRef(dataKey);
  }

  /** Lowercase hex of the suite's hash over the canonical JSON of `value`: binds free text kept elsewhere. */
  digest(value: AuditJson): string {
    return Buffer.from(this.deps.suite.hash(Buffer.from(canonicalJson(value), 'utf8'))).toString('hex');
  }

  /**
   * Signs the current head and stores the checkpoint. Nothing happens (undefined) when the trail
   * is empty or the head has not moved since the latest checkpoint; of two processes
   * checkpointing the same head at once, one stores it.
   */
  async checkpoint(): Promise<Checkpoint | undefined> {
    await this.flush();
    const reader = this.deps.store.reader.audit;
    const [head, latest] = await Promise.all([reader.head(), reader.latestCheckpoint()]);
    if (head === undefined || (latest !== undefined && latest.seq >= head.seq)) return undefined;
    const at = this.deps.now();
    const token = signCheckpoint(this.deps.signing, head, at);
    await this.deps.store.audit.insertCheckpoint({ seq: head.seq, token, createdAt: at });
    return { seq: head.seq, head: head.hash, at, count: head.seq };
  }

  /** Entries matching `q`, in increasing `seq`, as stored (unverified); what was queued before the call is chained first. */
  async search(q: AuditQuery = {}): Promise<AuditEntry[]> {
    await this.flush();
    return this.deps.store.reader.audit.list(q);
  }

  /** Stored checkpoints in increasing `seq`, for keeping elsewhere (docs/audit.md: export them off-site). */
  checkpoints(opts: { after?: number; limit?: number } = {}): Promise<AuditCheckpointRecord[]> {
    return this.deps.store.reader.audit.listCheckpoints(opts);
  }

  /**
   * Reads the whole trail and every stored checkpoint and verifies them with the platform's
   * public keys, accepting only the suite's signature algorithm. `kept` adds checkpoint tokens
   * kept outside the database (an earlier export): they are what still catches a rewrite by
   * someone who could also delete the stored ones. Checkpoints are read first: one written while
   * the entries are being read then never covers an entry this read missed.
   */
  async verify(opts: { kept?: readonly string[] } = {}): Promise<AuditVerification> {
    await this.flush();
    const reader = this.deps.store.reader.audit;
    const stored = await readAll<AuditCheckpointRecord>((after) => reader.listCheckpoints({ after, limit: PAGE }));
    const entries = await readAll<AuditEntry>((after) => reader.list({ after, limit: PAGE }));
    const tokens = [...new Set([...stored.map((c) => c.token), ...(opts.kept ?? [])])];
    const report = verifyAuditTrail(entries, tokens, { suite: this.deps.suite, keys: this.deps.signing, algorithms: [this.deps.suite.sigAlg] });
    const last = entries.at(-1);
    return { ...report, checkpoints: tokens.length, head: last === undefined ? null : { seq: last.seq, hash: last.hash }, queued: await reader.queued() };
  }
}

/** Keyset paging by `seq` until a short page. */
async function readAll<T extends { readonly seq: number }>(page: (after: number) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let after = 0; ; ) {
    const rows = await page(after);
    out.push(...rows);
    if (rows.length < PAGE) return out;
    after = (rows.at(-1) as T).seq;
  }
}
