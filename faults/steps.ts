/**
 * The steps of a person's life that a fault campaign drives, and what each must leave behind:
 * all of a transaction or none of it. A life is
 *
 *   enroll → verify → [the lifecycle steps of this run] → cancel → push
 *
 * (a run armed inside the audit sequencer's pass chains the verification's queued entry right
 * after it: enroll → verify → chain → cancel → push)
 *
 * where a run armed at a named point does the steps that reach it (an unban needs a ban first,
 * an unlock a lock), and a run with a kill at a random moment does all of them.
 *
 * Each step's transactions are checked by the change in the database between a snapshot taken
 * before the step and one taken after the restart (snapshot.ts): every count of a transaction
 * moved by exactly its expected amount (committed) or none did (rolled back); anything else is
 * half done. The point's own transaction must be rolled back (before-commit) or committed
 * (after-commit).
 */
import type { FaultPointName } from '../packages/platform/src/faults/points.ts';
import type { Snapshot } from './snapshot.ts';

export const STEPS = ['enroll', 'verify', 'chain', 'login', 'lock', 'unlock', 'renew', 'phone', 'transfer', 'ban', 'unban', 'guardian', 'wardcancel', 'cancel', 'push'] as const;
export type Step = (typeof STEPS)[number];

/** The lifecycle steps between verify and cancel, in the order a full life does them. */
export const MIDDLE: readonly Step[] = ['login', 'lock', 'unlock', 'renew', 'phone', 'transfer', 'ban', 'unban'];

/** The step of a person's life that reaches each point. */
export const POINT_STEP: Record<FaultPointName, Step | undefined> = {
  'enrollment.issue.before-commit': 'enroll',
  'enrollment.issue.after-commit': 'enroll',
  'verification.approval.before-commit': 'verify',
  'verification.approval.after-commit': 'verify',
  'oidc.token.before-commit': 'login',
  'oidc.token.after-commit': 'login',
  'enrollment.guardian.before-commit': 'guardian',
  'enrollment.guardian.after-commit': 'guardian',
  'person.lock.before-commit': 'lock',
  'person.lock.after-commit': 'lock',
  'person.unlock.before-commit': 'unlock',
  'person.unlock.after-commit': 'unlock',
  'lifecycle.renew.before-commit': 'renew',
  'lifecycle.renew.after-commit': 'renew',
  'person.phone.before-commit': 'phone',
  'person.phone.after-commit': 'phone',
  'lifecycle.transfer.before-commit': 'transfer',
  'lifecycle.transfer.after-commit': 'transfer',
  'lifecycle.ban.before-commit': 'ban',
  'lifecycle.ban.after-commit': 'ban',
  'lifecycle.unban.before-commit': 'unban',
  'lifecycle.unban.after-commit': 'unban',
  'lifecycle.cancel.mid-transaction': 'cancel',
  'lifecycle.cancel.after-commit': 'cancel',
  'audit.sequence.before-commit': 'chain',
  'jobs.ran-before-recorded': 'push',
};

/**
 * What a run armed at a point sets in the platform's environment besides the point: the
 * sequencer's own timer waits a minute (its longest), so that the `chain` step's pass (the flush that the audit
 * check runs) is the first to chain the verification's entry, not a tick during the step before.
 */
export const POINT_ENV: Partial<Record<FaultPointName, Readonly<Record<string, string>>>> = {
  'audit.sequence.before-commit': { WZ_AUDIT_SEQUENCE_MS: '60000' },
};

/** The points the campaign drives (every point that some step reaches). */
export const DRIVEN_POINTS = (Object.keys(POINT_STEP) as FaultPointName[]).filter((p) => POINT_STEP[p] !== undefined);

/** The steps of one life: all of them (random kills), or those that reach `step`. */
export function lifeSteps(step: Step | 'all'): Step[] {
  // A guardian life is the guardian's: their ward (14–17) enrolls, is approved, collects, and cancels first.
  const middle =
    step === 'all' ? MIDDLE
    : step === 'unlock' || step === 'lock' ? ['lock', 'unlock']
    : step === 'unban' || step === 'ban' ? ['ban', 'unban']
    : step === 'guardian' || step === 'wardcancel' ? ['guardian', 'wardcancel']
    : MIDDLE.includes(step) ? [step]
    : [];
  return ['enroll', 'verify', ...(step === 'chain' ? ['chain'] : []), ...middle, 'cancel', 'push'] as Step[];
}

/**
 * The error code that tells a retry the action committed before the kill (the wallet or the
 * operator goes on from there). Renewal and transfer are not here: their retry is answered with
 * the 网证 the commit made (ANSWERED_AGAIN).
 */
export const DONE_CODES: Partial<Record<Step, readonly string[]>> = {
  verify: ['verification_answered'],
  login: ['invalid_grant'],
  lock: ['person_status_conflict'],
  unlock: ['person_status_conflict'],
  phone: ['phone_change_not_found'],
  ban: ['ban_exists'],
  unban: ['not_banned'],
  // The approval committed: its enrollment no longer awaits one (the ward then collects the 网证).
  guardian: ['enrollment_not_found'],
  wardcancel: ['already_cancelled', 'invalid_credential', 'credential_revoked'],
  cancel: ['already_cancelled', 'invalid_credential', 'credential_revoked'],
};

/**
 * Steps whose retry after the commit is answered as the first request would have been — the
 * 网证 the renewal or the move made, signed again (platform lifecycle/reissue-again.ts) — with
 * nothing done a second time: the ledger is not credited again, so a second action would show.
 */
export const ANSWERED_AGAIN: readonly Step[] = ['renew', 'transfer'];

/** The audit actions whose entries are counted against a ledger: none lost, none twice. */
export const LEDGER_ACTIONS = [
  'verification.completed',
  'credential.renewed',
  'device.revoked',
  'netid.ban_requested',
  'netid.banned',
  'netid.unban_requested',
  'netid.unbanned',
  'person.cancelled',
] as const;

/** The audit entries a step adds when it completes. */
export const STEP_AUDIT: Partial<Record<Step, Partial<Record<(typeof LEDGER_ACTIONS)[number], number>>>> = {
  verify: { 'verification.completed': 1 },
  login: { 'verification.completed': 1 },
  renew: { 'credential.renewed': 1 },
  transfer: { 'device.revoked': 1 },
  ban: { 'netid.ban_requested': 1, 'netid.banned': 1 },
  unban: { 'netid.unban_requested': 1, 'netid.unbanned': 1 },
  wardcancel: { 'person.cancelled': 1 },
  cancel: { 'person.cancelled': 1 },
};

type Metric = [label: string, of: (s: Snapshot) => number, expected: number];
/** One transaction: its name and what it moves. */
interface Tx {
  readonly name: string;
  readonly metrics: readonly Metric[];
}
const ev = (k: string) => (s: Snapshot) => s.events[k] ?? 0;
const au = (k: string) => (s: Snapshot) => s.audit[k] ?? 0;
const cs = (k: string) => (s: Snapshot) => s.credentialState[k] ?? 0;
const ps = (k: string) => (s: Snapshot) => s.personStatus[k] ?? 0;
const approval: Tx = {
  name: 'approval',
  metrics: [
    ['approved requests', (s) => s.requests['approved'] ?? 0, 1],
    ['verification.completed entries', au('verification.completed'), 1],
    ['verified events', ev('verified'), 1],
  ],
};

/** The transactions of each step; the last one is the one its named points sit in. */
export const STEP_TX: Record<Exclude<Step, 'push'>, readonly Tx[]> = {
  enroll: [{ name: 'issuance', metrics: [['persons', (s) => s.persons, 1], ['active credentials', (s) => s.activeCredentials, 1], ['active devices', (s) => s.activeDevices, 1], ['passphrases', (s) => s.passphrases, 1], ['enrolled events', ev('enrolled'), 1]] }],
  verify: [approval],
  // The sequencer's pass: the queued entries chained and unqueued together (the verification's one).
  chain: [{ name: 'chaining', metrics: [['chained audit entries', (s) => s.chainedAudit, 1], ['queued audit entries', (s) => s.queuedAudit, -1]] }],
  login: [approval, { name: 'redemption', metrics: [['redeemed codes', (s) => s.authorizations['redeemed'] ?? 0, 1], ['access tokens', (s) => s.accessTokens, 1]] }],
  lock: [{ name: 'lock', metrics: [['locked people', ps('locked'), 1], ['locked events', ev('locked'), 1]] }],
  unlock: [{ name: 'unlock', metrics: [['locked people', ps('locked'), -1], ['unlocked events', ev('unlocked'), 1]] }],
  renew: [{ name: 'renewal', metrics: [['credentials', (s) => s.credentials, 1], ['renewed credentials', cs('revoked:renewed'), 1], ['credential_renewed events', ev('credential_renewed'), 1], ['credential.renewed entries', au('credential.renewed'), 1]] }],
  // The code's own row (start) is a transaction of its own; the confirmation voids it with the change.
  phone: [
    { name: 'code', metrics: [['waiting codes', (s) => s.phoneCodesWaiting, 1]] },
    { name: 'phone change', metrics: [['waiting codes', (s) => s.phoneCodesWaiting, -1], ['phone_changed events', ev('phone_changed'), 1]] },
  ],
  transfer: [{ name: 'move', metrics: [['devices', (s) => s.devices, 1], ['credentials', (s) => s.credentials, 1], ['transferred credentials', cs('revoked:transferred'), 1], ['device_transferred events', ev('device_transferred'), 1], ['device.revoked entries', au('device.revoked'), 1]] }],
  ban: [{ name: 'ban', metrics: [['active bans', (s) => s.bans['active'] ?? 0, 1], ['banned people', ps('banned'), 1], ['suspended credentials', cs('suspended:fraud_ban'), 1], ['netid.ban_requested entries', au('netid.ban_requested'), 1], ['netid.banned entries', au('netid.banned'), 1]] }],
  unban: [{ name: 'unban', metrics: [['lifted bans', (s) => s.bans['lifted'] ?? 0, 1], ['banned people', ps('banned'), -1], ['suspended credentials', cs('suspended:fraud_ban'), -1], ['netid.unban_requested entries', au('netid.unban_requested'), 1], ['netid.unbanned entries', au('netid.unbanned'), 1]] }],
  // The ward's issuance, committed by the guardian's approval (enrollment/issue.ts via approval.ts).
  guardian: [{ name: 'approval', metrics: [['persons', (s) => s.persons, 1], ['active credentials', (s) => s.activeCredentials, 1], ['active devices', (s) => s.activeDevices, 1], ['passphrases', (s) => s.passphrases, 1], ['enrolled events', ev('enrolled'), 1], ['ward_enrollment_approved events', ev('ward_enrollment_approved'), 1]] }],
  wardcancel: [{ name: 'cancellation', metrics: [['persons', (s) => s.persons, -1], ['person.cancelled entries', au('person.cancelled'), 1], ['counter', (s) => s.cancelledCounter, 1]] }],
  cancel: [{ name: 'cancellation', metrics: [['persons', (s) => s.persons, -1], ['person.cancelled entries', au('person.cancelled'), 1], ['counter', (s) => s.cancelledCounter, 1]] }],
};

export type Verdict = 'none' | 'all' | 'half';

/**
 * Whether the step's transactions happened, in order: each wholly or not at all, and a later one
 * only if the earlier ones did. Returns the verdict of the LAST transaction (the named points')
 * and any violation.
 */
export function judgeStep(step: Exclude<Step, 'push'>, b: Snapshot, a: Snapshot): { verdict: Verdict; violations: string[] } {
  const txs = STEP_TX[step];
  // Sum the expected moves of the committed prefix: try every prefix length, latest first.
  for (let k = txs.length; k >= 0; k--) {
    const expected = new Map<string, { of: (s: Snapshot) => number; n: number }>();
    for (const tx of txs.slice(0, k)) for (const [label, of, n] of tx.metrics) expected.set(label, { of, n: (expected.get(label)?.n ?? 0) + n });
    for (const tx of txs) for (const [label, of] of tx.metrics) if (!expected.has(label)) expected.set(label, { of, n: 0 });
    if ([...expected.values()].every((m) => m.of(a) - m.of(b) === m.n)) return { verdict: k === txs.length ? 'all' : 'none', violations: [] };
  }
  const seen = [...new Map(txs.flatMap((tx) => tx.metrics.map(([label, of]) => [label, `${label} ${of(a) - of(b)}`] as const))).values()].join(', ');
  return { verdict: 'half', violations: [`${step}: half done (${seen})`] };
}
