/**
 * One fault campaign: N runs, each one person's life (enroll → verify → cancel → push) on a
 * platform started with ONE fault point armed, which kills it with SIGKILL on the spot. Then a
 * clean restart on the same data directory, the checks, and the wallet's retries until the life
 * is complete again (the person cancelled, their SET delivered).
 *
 * Checked after every kill (a failed check is a violation; the campaign must end with none):
 * - the process died of SIGKILL at the armed point (else the run counts as "not reached");
 * - the client in flight saw a retryable failure — the connection lost — never an HTTP refusal;
 * - the step in flight happened completely or not at all (snapshot before it vs after restart):
 *     enroll  person, active credential, device, passphrase, `enrolled` history: all +1 or none
 *     verify  approved request, `verification.completed` audit entry, `verified` history: all +1 or none
 *     cancel  person −1, `person.cancelled` audit +1, counter +1, one SET queued or delivered: all or none
 *     push    the SET delivered, its job still recorded as not done (it will be pushed again: at least once)
 *   and a point's own side: before-commit → none, after-commit → all;
 * - the invariants of snapshot.ts `globalViolations` (no half-issued or half-cancelled person, no
 *   duplicated audit entry or history row), and the audit chain verifies (platform's own check);
 * - the wallet's retry succeeds, or — when the action had committed — is refused with the code
 *   that says it is done (`verification_answered`; a cancelled 网证 no longer authenticates);
 * - after the life is complete: nobody left, exactly one `verification.completed` and one
 *   `person.cancelled` audit entry per completed life.
 * At the end (`drain`): every queued SET delivered at least once — as many distinct `jti`s as
 * cancellations — and how many were delivered twice.
 */
import { join } from 'node:path';
import type { FaultPointName } from '../packages/platform/src/faults/points.ts';
import { endsWithin, startPlatform, stopPlatform, type Running } from './child.ts';
import { globalViolations, snapshot, type Snapshot } from './snapshot.ts';
import { clientView, STEPS, type Life, type Step, type World } from './world.ts';

export interface RunResult {
  readonly point: FaultPointName;
  readonly nth: number;
  readonly killed: boolean;
  readonly step: Step | undefined;
  readonly client: string;
  readonly retry: string;
  readonly violations: string[];
  /** The life could not be completed: the campaign cannot go on from this state. */
  readonly fatal: boolean;
  readonly ms: number;
}

class LifeBroken extends Error {}

export interface Setting {
  readonly world: World;
  readonly port: number;
  readonly registryPort: number;
  readonly env: Record<string, string>;
  /** Lives completed so far (each: one approval, one cancellation). */
  lives: number;
}

/** The step of a person's life that reaches each point. */
export const POINT_STEP: Record<FaultPointName, Step> = {
  'enrollment.issue.before-commit': 'enroll',
  'enrollment.issue.after-commit': 'enroll',
  'verification.approval.before-commit': 'verify',
  'verification.approval.after-commit': 'verify',
  'lifecycle.cancel.mid-transaction': 'cancel',
  'lifecycle.cancel.after-commit': 'cancel',
  'jobs.ran-before-recorded': 'push',
};

export function start(s: Setting, fault?: string): Promise<Running> {
  return startPlatform({ dir: s.world.dir, port: s.port, registryPort: s.registryPort, fault, env: s.env });
}

const dbOf = (s: Setting): string => join(s.world.dir, 'platform.db');

async function doStep(s: Setting, p: Running, step: Step, life: Life): Promise<void> {
  const w = s.world;
  if (step === 'enroll') return w.enroll(p.url, p.registryUrl, life);
  if (step === 'verify') return w.verify(p.url, life);
  if (step === 'cancel') return w.cancel(p.url, life);
  if (!(await w.push(life))) throw new Error('faults: the SET did not arrive');
}

export async function runOnce(s: Setting, point: FaultPointName, nth = 1): Promise<RunResult> {
  const t0 = performance.now();
  const violations: string[] = [];
  const life: Life = { approved: false, cancelled: false };
  const armed = await start(s, nth === 1 ? point : `${point}:${nth}`);
  // Armed at the nth hit: n − 1 whole lives pass through the point first.
  for (let i = 1; i < nth; i++) {
    const earlier: Life = { approved: false, cancelled: false };
    for (const st of STEPS) await doStep(s, armed, st, earlier);
    s.lives += 1;
  }
  let step: Step | undefined;
  let client = '-';
  let before: Snapshot = snapshot(dbOf(s));
  let setsBefore = s.world.receiver.seen.size;
  for (const st of STEPS) {
    before = snapshot(dbOf(s));
    setsBefore = s.world.receiver.seen.size;
    try {
      await doStep(s, armed, st, life);
    } catch (e) {
      step = st;
      const v = clientView(e);
      client = v.text;
      if (!v.retryable) violations.push(`${st}: the client got ${v.text}, not a retryable error`);
      break;
    }
    if (await endsWithin(armed, st === 'push' ? 1_000 : 0)) {
      step = st;
      client = 'answered before the kill';
      break;
    }
  }
  const died = await endsWithin(armed, 3_000);
  const how = died ? await armed.ended : undefined;
  const killed = how?.signal === 'SIGKILL' && armed.stderr().includes(`fault point ${point}: SIGKILL`);
  if (died && !killed) violations.push(`the platform ended otherwise (${how?.code ?? how?.signal}): ${armed.stderr().slice(-300)}`);
  if (!died) await stopPlatform(armed);

  const clean = await start(s);
  try {
    const after = snapshot(dbOf(s));
    violations.push(...globalViolations(after));
    if (killed && step) violations.push(...stepViolations(step, point, before, after, s.world.receiver.seen.size - setsBefore));
    if (!(await s.world.auditVerifies(clean.url))) violations.push('the audit trail does not verify after the restart');
    let retry: string;
    try {
      retry = await finishLife(s, clean, life, step, violations);
    } catch (e) {
      if (!(e instanceof LifeBroken)) throw e;
      return { point, nth, killed, step, client, retry: `failed (${e.message})`, violations, fatal: true, ms: performance.now() - t0 };
    }
    const end = snapshot(dbOf(s));
    violations.push(...globalViolations(end).map((v) => `after the retries: ${v}`));
    s.lives += 1;
    if (end.persons !== 0) violations.push(`after the retries: ${end.persons} person(s) left, none expected`);
    if ((end.audit['verification.completed'] ?? 0) !== s.lives) violations.push(`${end.audit['verification.completed'] ?? 0} verification.completed audit entries for ${s.lives} lives`);
    if ((end.audit['person.cancelled'] ?? 0) !== s.lives) violations.push(`${end.audit['person.cancelled'] ?? 0} person.cancelled audit entries for ${s.lives} lives`);
    if (!(await s.world.auditVerifies(clean.url))) violations.push('the audit trail does not verify after the retries');
    return { point, nth, killed, step, client, retry, violations, fatal: false, ms: performance.now() - t0 };
  } finally {
    await stopPlatform(clean);
  }
}

/** The step in flight: all of it or none of it; and the armed point's own side. */
function stepViolations(step: Step, point: FaultPointName, b: Snapshot, a: Snapshot, newSets: number): string[] {
  const d = (f: (x: Snapshot) => number): number => f(a) - f(b);
  const ev = (k: string) => (x: Snapshot) => x.events[k] ?? 0;
  const au = (k: string) => (x: Snapshot) => x.audit[k] ?? 0;
  let deltas: number[];
  let expected: number[];
  let names: string;
  if (step === 'enroll') {
    names = 'persons, active credentials, devices, passphrases, enrolled events';
    deltas = [d((x) => x.persons), d((x) => x.activeCredentials), d((x) => x.activeDevices), d((x) => x.passphrases), d(ev('enrolled'))];
    expected = [1, 1, 1, 1, 1];
  } else if (step === 'verify') {
    names = 'approved requests, verification.completed entries, verified events';
    deltas = [d((x) => x.requests['approved'] ?? 0), d(au('verification.completed')), d(ev('verified'))];
    expected = [1, 1, 1];
  } else if (step === 'cancel') {
    names = 'persons, person.cancelled entries, counter';
    deltas = [-d((x) => x.persons), d(au('person.cancelled')), d((x) => x.cancelledCounter)];
    expected = [1, 1, 1];
    // Its SET: queued (a job row) or already delivered (a new jti) when it committed; none when it did not.
    const set = a.pushJobs >= 1 || newSets >= 1;
    if (deltas.every((x, i) => x === expected[i]) && !set) return ['cancel: committed without its SET'];
    if (deltas.every((x) => x === 0) && (newSets > 0 || d((x) => x.pushJobs) > 0)) return ['cancel: rolled back, yet a SET was queued or sent'];
  } else {
    // The SET went out; its job row is still there (not marked done), so it will go out again.
    return a.pushJobs >= 1 ? [] : ['push: the delivered SET has no job left and was never recorded as done'];
  }
  const none = deltas.every((x) => x === 0);
  const all = deltas.every((x, i) => x === expected[i]);
  if (!none && !all) return [`${step}: half done (${names}: ${deltas.join(', ')})`];
  if (POINT_STEP[point] === step && point.endsWith('before-commit') && !none) return [`${step}: killed before the commit, yet it committed`];
  if (POINT_STEP[point] === step && (point.endsWith('mid-transaction') && !none)) return [`${step}: killed inside the transaction, yet it committed`];
  if (POINT_STEP[point] === step && point.endsWith('after-commit') && !all) return [`${step}: killed after the commit, yet nothing committed`];
  return [];
}

/** The wallet retries what was in flight, then lives on until cancelled; returns what the retry got. */
async function finishLife(s: Setting, p: Running, life: Life, step: Step | undefined, violations: string[]): Promise<string> {
  const w = s.world;
  let retry = '-';
  const start = step === undefined ? STEPS.length : STEPS.indexOf(step);
  for (const st of STEPS.slice(start)) {
    try {
      if (st === 'enroll') await w.enroll(p.url, p.registryUrl, life);
      else if (st === 'verify') await w.verify(p.url, life);
      else if (st === 'cancel') await w.cancel(p.url, life);
      else if (!(await w.push(life, 40_000))) violations.push('the SET of the cancellation never arrived');
      if (st === step) retry = 'succeeded';
    } catch (e) {
      const v = clientView(e);
      // What says "already done": the request answered; the cancelled 网证 refused (its person is gone).
      const done = (st === 'verify' && v.text === 'HTTP 409 verification_answered') || (st === 'cancel' && /^HTTP 40[013] (invalid_credential|credential_revoked|already_cancelled)$/.test(v.text));
      if (st !== step || !done) {
        violations.push(`${st}: the retry failed: ${v.text}`);
        throw new LifeBroken(`${st}: ${v.text}`);
      }
      // Committed before the kill: the retry is told it is done.
      retry = `done already (${v.text})`;
      if (st === 'verify') life.approved = true;
      if (st === 'cancel') life.cancelled = true;
    }
  }
  return retry;
}

/** At the end: every SET delivered at least once; how many twice. */
export async function drain(s: Setting): Promise<{ violations: string[]; distinct: number; duplicates: number; cancelled: number }> {
  const p = await start(s);
  try {
    const until = Date.now() + 90_000;
    while (snapshot(dbOf(s)).pushJobs > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    const snap = snapshot(dbOf(s));
    const seen = s.world.receiver.seen;
    const duplicates = [...seen.values()].filter((n) => n > 1).length;
    const violations: string[] = [];
    if (snap.pushJobs > 0) violations.push(`${snap.pushJobs} SET(s) still queued after 90 s`);
    if (seen.size !== snap.cancelledCounter) violations.push(`${seen.size} distinct SETs delivered for ${snap.cancelledCounter} cancellations (one each expected)`);
    return { violations, distinct: seen.size, duplicates, cancelled: snap.cancelledCounter };
  } finally {
    await stopPlatform(p);
  }
}
