/**
 * Verifies an audit trail and its checkpoints, and says precisely what is wrong.
 *
 * Trust: NOTHING in `entries` is trusted — they come from storage that whoever attacks the
 * trail can write — and they are read in the order given (storage order), never sorted
 * silently. Checkpoints are trusted only once their signature verifies under the caller's keys
 * and algorithms. The report never contains entry content, only codes, sequence numbers and
 * positions.
 *
 * The checks, in order (each a small function below):
 *   1. read entries: form → `entry_malformed`. A row whose seq, prev or hash cannot be read
 *      takes no further part (a readable seq still counts as present); a row with readable
 *      links but bad content (unknown action or member, data not canonical) stays a link of
 *      the chain, its hash just cannot be checked;
 *   2. read checkpoints: signature, typ, payload → `checkpoint_invalid`;
 *   3. duplicates: two entries claim one `seq` → the one that fits the chain (its hash checks,
 *      it links to its neighbours, a checkpoint names it) is kept, the other is
 *      `entry_inserted`;
 *   4. storage order: entries not in increasing `seq` order → `entries_reordered`, one per
 *      misplaced entry (order.ts);
 *   5. the chain, in `seq` order: gaps → `entry_removed` (a run); a hash that does not match
 *      the entry's content → `entry_changed`; a `prev` that does not match the stored hash of
 *      entry seq-1 (or the genesis value for seq 1) → `chain_broken` (reported on the later
 *      entry; not checked across a gap, which is already `entry_removed`);
 *   6. checkpoints against the chain: seq beyond the last entry → `rollback` (the truncated
 *      run), head ≠ stored hash at seq → `checkpoint_mismatch`.
 * Retention (the platform's `WZ_AUDIT_RETENTION_DAYS`) removes the oldest entries, keeping the
 * trail from an entry a checkpoint names: a trail whose first entry is not seq 1 is accepted as
 * pruned — not `entry_removed` — only when a valid checkpoint names that very entry and its hash
 * (which covers its link to the removed entry before it); the report says `prunedBefore`.
 * What no check can see: entries appended after the last checkpoint and then removed, or a
 * whole rewrite with recomputed hashes and no checkpoint to compare with. Checkpoint often.
 */
import type { CryptoSuite } from '../crypto/types.ts';
import { isWzError } from '../errors.ts';
import { entryHash } from './chain.ts';
import { verifyCheckpoint, type Checkpoint } from './checkpoint.ts';
import { GENESIS_PREV, entryProblem, isHashHex, isSeq, type AuditEntry } from './entry.ts';
import type { AuditReport, Finding, VerifyAuditOptions } from './findings.ts';
import { misplaced } from './order.ts';

interface Node {
  readonly index: number;
  readonly seq: number;
  readonly prev: string;
  readonly hash: string;
  /** Content is well-formed and hashes to `hash`. */
  readonly hashOk: boolean;
  readonly contentOk: boolean;
}

interface Read {
  nodes: Node[];
  /** Sequence numbers of malformed entries whose `seq` is readable. */
  occupied: Set<number>;
}

type Out = Finding[];

function readEntries(entries: readonly unknown[], suite: CryptoSuite, out: Out): Read {
  const nodes: Node[] = [];
  const occupied = new Set<number>();
  entries.forEach((e, index) => {
    const r = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
    const seq = r['seq'];
    if (!isSeq(seq)) return void out.push({ code: 'entry_malformed', seq: null, index, detail: 'no readable seq' });
    if (!isHashHex(r['prev']) || !isHashHex(r['hash'])) {
      occupied.add(seq);
      return void out.push({ code: 'entry_malformed', seq, index, detail: 'prev or hash is not 32 bytes of hex' });
    }
    let problem = entryProblem(e);
    let computed: string | undefined;
    if (problem === undefined) {
      try {
        computed = entryHash(suite, e as AuditEntry);
      } catch {
        problem = 'data is not canonical JSON within limits';
      }
    }
    if (problem !== undefined) out.push({ code: 'entry_malformed', seq, index, detail: problem });
    nodes.push({ index, seq, prev: r['prev'], hash: r['hash'], contentOk: problem === undefined, hashOk: computed === r['hash'] });
  });
  return { nodes, occupied };
}

function readCheckpoints(tokens: readonly string[], opts: VerifyAuditOptions, out: Out): (Checkpoint & { index: number })[] {
  const valid: (Checkpoint & { index: number })[] = [];
  tokens.forEach((token, index) => {
    try {
      valid.push({ ...verifyCheckpoint(token, opts), index });
    } catch (e) {
      if (!isWzError(e)) throw e;
      out.push({ code: 'checkpoint_invalid', seq: null, checkpoint: index, detail: e.code });
    }
  });
  return valid;
}

/** Keeps one entry per seq: the one that fits best; reports the others as inserted. */
function pickGenuine(nodes: readonly Node[], heads: ReadonlyMap<number, ReadonlySet<string>>, out: Out): Map<number, Node> {
  const bySeq = new Map<number, Node[]>();
  for (const n of nodes) {
    const list = bySeq.get(n.seq);
    if (list === undefined) bySeq.set(n.seq, [n]);
    else list.push(n);
  }
  const linksBack = (n: Node) => (n.seq === 1 ? n.prev === GENESIS_PREV : (bySeq.get(n.seq - 1) ?? []).some((p) => p.hash === n.prev));
  const linksOn = (n: Node) => (bySeq.get(n.seq + 1) ?? []).some((s) => s.prev === n.hash);
  const score = (n: Node) => (heads.get(n.seq)?.has(n.hash) ? 16 : 0) + (n.hashOk ? 4 : 0) + (linksBack(n) ? 2 : 0) + (linksOn(n) ? 2 : 0);
  const genuine = new Map<number, Node>();
  for (const [seq, list] of bySeq) {
    if (list.length === 1) {
      genuine.set(seq, list[0] as Node);
      continue;
    }
    const scores = list.map(score);
    const best = Math.max(...scores);
    const keep = scores.indexOf(best);
    const tie = scores.filter((s) => s === best).length > 1;
    genuine.set(seq, list[keep] as Node);
    list.forEach((n, i) => {
      if (i !== keep) out.push({ code: 'entry_inserted', seq, index: n.index, detail: tie ? 'duplicate seq; cannot tell which copy is genuine' : 'duplicate seq that does not fit the chain' });
    });
  }
  return genuine;
}

function checkOrder(genuine: ReadonlyMap<number, Node>, out: Out): void {
  const inStorage = [...genuine.values()].sort((a, b) => a.index - b.index);
  for (const i of misplaced(inStorage.map((n) => n.seq))) {
    const n = inStorage[i] as Node;
    out.push({ code: 'entries_reordered', seq: n.seq, index: n.index, detail: 'stored out of sequence order' });
  }
}

/**
 * The first sequence number of a trail pruned by retention: the lowest entry present, when it is
 * not 1, its content hashes to its stored hash, and a valid checkpoint names it with that hash.
 */
function prunedStart(genuine: ReadonlyMap<number, Node>, occupied: ReadonlySet<number>, heads: ReadonlyMap<number, ReadonlySet<string>>): number | undefined {
  const first = Math.min(...genuine.keys(), ...occupied);
  const n = genuine.get(first);
  return first > 1 && n !== undefined && n.hashOk && heads.get(first)?.has(n.hash) === true ? first : undefined;
}

/** Walks the chain in seq order from `start`; returns the last sequence number present (0 if none). */
function checkChain(genuine: ReadonlyMap<number, Node>, occupied: ReadonlySet<number>, out: Out, start = 1): number {
  const present = [...new Set([...genuine.keys(), ...occupied])].sort((a, b) => a - b);
  let last = start - 1;
  for (const seq of present) {
    if (seq > last + 1) out.push({ code: 'entry_removed', seq: last + 1, through: seq - 1, detail: 'gap in sequence numbers' });
    last = seq;
    const n = genuine.get(seq);
    if (n === undefined) continue;
    if (n.contentOk && !n.hashOk) out.push({ code: 'entry_changed', seq, index: n.index, detail: 'hash does not match the content' });
    // The first entry of a pruned trail links to a removed one: its checkpoint vouches for it.
    const before = seq === start && start > 1 ? n.prev : seq === 1 ? GENESIS_PREV : genuine.get(seq - 1)?.hash;
    if (before !== undefined && n.prev !== before) {
      out.push({ code: 'chain_broken', seq, index: n.index, detail: seq === 1 ? 'first entry does not start from the genesis value' : `prev does not match the hash of entry ${seq - 1}` });
    }
  }
  return last;
}

function checkCheckpoints(valid: readonly (Checkpoint & { index: number })[], genuine: ReadonlyMap<number, Node>, end: number, out: Out): void {
  for (const c of valid) {
    if (c.seq > end) {
      out.push({ code: 'rollback', seq: end + 1, through: c.seq, checkpoint: c.index, detail: `checkpoint covers ${c.seq} entries; the trail ends at ${end}` });
      continue;
    }
    const n = genuine.get(c.seq);
    if (n !== undefined && n.hash !== c.head) out.push({ code: 'checkpoint_mismatch', seq: c.seq, index: n.index, checkpoint: c.index, detail: 'checkpoint head differs from the stored hash' });
  }
}

/**
 * Verifies `entries` (in storage order) and the checkpoint tokens that cover them.
 * Misuse (not arrays, no algorithms) throws TypeError; tampering never throws, it is reported.
 *
 * @example
 *   const report = verifyAuditTrail(rows, checkpointTokens, { suite: getSuite('gm'), keys: auditRing, algorithms: ['SM2'] });
 *   if (!report.ok) for (const f of report.findings) log.warn({ code: f.code, seq: f.seq });
 */
export function verifyAuditTrail(entries: readonly unknown[], checkpoints: readonly string[], opts: VerifyAuditOptions): AuditReport {
  if (!Array.isArray(entries) || !Array.isArray(checkpoints)) throw new TypeError('verifyAuditTrail: entries and checkpoints must be arrays');
  if (!Array.isArray(opts?.algorithms) || opts.algorithms.length === 0) throw new TypeError('verifyAuditTrail: opts.algorithms is required');
  if (typeof opts.suite?.hash !== 'function') throw new TypeError('verifyAuditTrail: opts.suite is required');
  const out: Out = [];
  const { nodes, occupied } = readEntries(entries, opts.suite, out);
  const valid = readCheckpoints(checkpoints, opts, out);
  const heads = new Map<number, Set<string>>();
  for (const c of valid) heads.set(c.seq, (heads.get(c.seq) ?? new Set()).add(c.head));
  const genuine = pickGenuine(nodes, heads, out);
  checkOrder(genuine, out);
  const pruned = prunedStart(genuine, occupied, heads);
  const end = checkChain(genuine, occupied, out, pruned);
  checkCheckpoints(valid, genuine, end, out);
  const key = (f: Finding) => f.seq ?? Number.POSITIVE_INFINITY;
  const findings = out.map((f, i) => ({ f, i })).sort((a, b) => key(a.f) - key(b.f) || a.i - b.i).map(({ f }) => f);
  return { ok: findings.length === 0, checked: entries.length, findings, ...(pruned === undefined ? {} : { prunedBefore: pruned }) };
}
