/**
 * The audit entry: one operator or system decision, chained to the one before it.
 *
 *     { seq, at, actor, action, subject?, data, prev, hash }
 *
 * - `seq`: 1, 2, 3, … with no gaps; `at`: epoch milliseconds;
 * - `actor`: a short code, `system` or `<role>:<id>` (`operator:7`, `admin:ops-1`);
 * - `action`: one of AUDIT_ACTIONS (a closed set; add a code there to extend it);
 * - `subject`: an opaque reference (a subjectRef, an RP client id), never personal data;
 * - `data`: a small JSON object of non-personal details (a reason code, scope names);
 * - `prev`, `hash`: lowercase hex, see chain.ts.
 *
 * Nothing here can tell personal from non-personal data: that is the writer's duty. What is
 * checked is form (this file) and integrity (chain.ts, verify.ts).
 */

/** The actions an audit entry may record. Extending: add a code here (and to docs). */
export const AUDIT_ACTIONS = [
  'rp.approved',
  'rp.rejected',
  'rp.suspended',
  'rp.reinstated',
  'rp.jwks_registered',
  'netid.ban_requested',
  'netid.banned',
  'netid.unban_requested',
  'netid.unbanned',
  'person.cancelled',
  'person.locked',
  'person.unlocked',
  'device.revoked',
  'credential.renewed',
  'consent.withdrawn',
  'identity.disclosure_requested',
  'identity.disclosure_approved',
  'identity.disclosure_rejected',
  'identity.disclosed',
  'console.roles_granted',
  'console.roles_revoked',
  'console.signed_in',
  'verification.completed',
  'verification.failed',
  'checkpoint',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** A JSON value as it may appear in `data`. */
export type AuditJson = null | boolean | number | string | readonly AuditJson[] | { readonly [key: string]: AuditJson };
export type AuditData = { readonly [key: string]: AuditJson };

/** What the writer supplies; `nextEntry` adds `seq`, `prev` and `hash`. */
export interface AuditFields {
  readonly at: number;
  readonly actor: string;
  readonly action: AuditAction;
  readonly subject?: string;
  /** Defaults to `{}`. */
  readonly data?: AuditData;
}

export interface AuditEntry {
  readonly seq: number;
  readonly at: number;
  readonly actor: string;
  readonly action: AuditAction;
  readonly subject?: string;
  readonly data: AuditData;
  /** Hash of the previous entry (GENESIS_PREV for seq 1), 64 lowercase hex digits. */
  readonly prev: string;
  /** H(prev ‖ canonical(entry without hash)), 64 lowercase hex digits. */
  readonly hash: string;
}

/** `prev` of the first entry: 32 zero bytes. */
export const GENESIS_PREV = '0'.repeat(64);

/** Longest canonical `data`, in UTF-8 bytes. */
export const MAX_DATA_BYTES = 4096;

const ACTIONS: ReadonlySet<string> = new Set(AUDIT_ACTIONS);
const ACTOR = /^[a-z][a-z0-9_-]{0,31}(?::[A-Za-z0-9._-]{1,64})?$/;
const SUBJECT = /^[A-Za-z0-9._:-]{1,128}$/;
const HEX32 = /^[0-9a-f]{64}$/;
const KEYS: ReadonlySet<string> = new Set(['seq', 'at', 'actor', 'action', 'subject', 'data', 'prev', 'hash']);

export function isAuditAction(s: unknown): s is AuditAction {
  return typeof s === 'string' && ACTIONS.has(s);
}

export function isHashHex(s: unknown): s is string {
  return typeof s === 'string' && HEX32.test(s);
}

export function isSeq(n: unknown): n is number {
  return Number.isSafeInteger(n) && (n as number) >= 1;
}

/** Why the content fields (`at`, `actor`, `action`, `subject`, shape of `data`) are not acceptable, or undefined. */
export function fieldsProblem(f: Record<string, unknown>): string | undefined {
  if (!Number.isSafeInteger(f['at']) || (f['at'] as number) < 0) return 'at is not epoch milliseconds';
  if (typeof f['actor'] !== 'string' || !ACTOR.test(f['actor'])) return 'actor is not a short code';
  if (!isAuditAction(f['action'])) return 'unknown action';
  const subject = f['subject'];
  if (subject !== undefined && subject !== null && (typeof subject !== 'string' || !SUBJECT.test(subject))) return 'subject is not an opaque reference';
  const data = f['data'];
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'data is not an object';
  return undefined;
}

/** Why `e` is not an entry in form (unknown members included), or undefined. Integrity is not checked here. */
export function entryProblem(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return 'not an object';
  const r = e as Record<string, unknown>;
  for (const k of Object.keys(r)) if (!KEYS.has(k)) return 'unknown member';
  if (!isSeq(r['seq'])) return 'seq is not a positive integer';
  if (!isHashHex(r['prev'])) return 'prev is not 32 bytes of hex';
  if (!isHashHex(r['hash'])) return 'hash is not 32 bytes of hex';
  return fieldsProblem(r);
}
