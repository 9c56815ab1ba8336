/**
 * One fault campaign: N runs, each one person's life (steps.ts: enroll → verify → lifecycle steps
 * → cancel → push) on a platform that is killed with SIGKILL during it — either by ONE named
 * fault point armed at start (the process kills itself on the spot), or by the runner at a
 * random, seeded moment while the life runs (with `--workers`, one worker is killed and the
 * cluster primary replaces it). Then a clean restart on the same database (with workers after
 * a random kill: the replaced worker), the checks, and the retries until the life is complete
 * again (the person cancelled, their SET delivered).
 *
 * Checked after every kill (a failed check is a violation; the campaign must end with none):
 * - a named point: the process died of SIGKILL at that point (else the run counts as "not reached");
 * - the client in flight saw a retryable failure — the connection lost — never an HTTP refusal;
 * - every transaction of the step in flight happened completely or not at all (steps.ts
 *   `judgeStep`, snapshot before the step vs after the restart), and a point's own side:
 *   before-commit and mid-transaction → none, after-commit → all; a cancellation committed with
 *   its SET queued or delivered, a rolled-back one with none;
 * - the invariants of snapshot.ts `globalViolations` (no half-issued, half-cancelled, half-banned
 *   person, no redeemed code without its token, no duplicated audit entry or history row), and
 *   the audit chain verifies (the platform's own check);
 * - the audit ledger: before every step, the entries of each counted action (steps.ts
 *   LEDGER_ACTIONS) are exactly those the completed steps added — none lost, none twice;
 * - the retry succeeds where nothing committed, and where it did, is refused with the code that
 *   says so (steps.ts DONE_CODES); a retry that succeeds after a commit did the action twice;
 * - after the life is complete: nobody left, the ledger holds, one `person.cancelled` per life.
 * At the end (`drain`): every queued SET delivered at least once — as many distinct `jti`s as
 * cancellations — and how many were delivered twice.
 */
import type { FaultPointName } from '../packages/platform/src/faults/points.ts';
import { endsWithin, startPlatform, stopPlatform, type Running } from './child.ts';
import { collectWard, lifecycleStep } from './actions.ts';
import { globalViolations, snapshot, type DbTarget, type Snapshot } from './snapshot.ts';
import { ANSWERED_AGAIN, DONE_CODES, judgeStep, LEDGER_ACTIONS, lifeSteps, POINT_ENV, POINT_STEP, STEP_AUDIT, type Step, type Verdict } from './steps.ts';
import { clientView, type Life, type World } from './world.ts';

export interface RunResult {
  /** The named point, or `random` for a kill by the runner. */
  readonly point: FaultPointName | 'random';
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
  readonly db: DbTarget;
  /** `--workers N`; undefined: one process. */
  readonly workers?: number | undefined;
  /** Lives completed so far (each: one cancellation). */
  lives: number;
  /** Wards cancelled in guardian lives (a cancellation no RP hears of: the RP never knew them). */
  wards?: number;
  /** Audit entries by counted action, as the completed steps say there must be. */
  ledger: Record<string, number>;
  /** The clean platform the last run left running (a random run goes on with it; a named run needs its own). */
  current?: Running | undefined;
  /** Workers of `current` killed so far: the primary gives up after 5 deaths in a minute (workers.ts). */
  workerKills?: number;
}

/**
 * Worker kills a cluster takes before the campaign starts a fresh one. One: a replacement worker
 * is not serving until it has started (tens of seconds on a loaded machine), so a second kill
 * could take the only serving worker, and the cluster would rightly refuse connections.
 */
const KILLS_PER_CLUSTER = 1;

/** Stops the platform the last run left running, if any. */
export async function stopCurrent(s: Setting): Promise<void> {
  const p = s.current;
  s.current = undefined;
  if (p) await stopPlatform(p);
}

export { POINT_STEP };

export function start(s: Setting, fault?: string, env?: Readonly<Record<string, string>>): Promise<Running> {
  return startPlatform({ dir: s.world.dir, port: s.port, registryPort: s.registryPort, fault, env: { ...s.env, ...env }, workers: s.workers });
}

/** Does one step; returns the `verification.completed` entries it added. */
async function doStep(s: Setting, p: Running, step: Step, life: Life): Promise<number> {
  const w = s.world;
  if (step === 'enroll') return w.enroll(p.url, p.registryUrl, life).then(() => 0);
  if (step === 'verify') return w.verify(p.url, life).then(() => 1);
  if (step === 'cancel') return w.cancel(p.url, life).then(() => 0);
  if (step === 'chain') {
    // The audit check chains what is queued first (AuditTrail.verify flushes): the sequencer's pass.
    if (!(await w.auditVerifies(p.url))) throw new Error('faults: the audit trail does not verify');
    return 0;
  }
  if (step === 'push') {
    if (!(await w.push(life))) throw new Error('faults: the SET did not arrive');
    return 0;
  }
  return lifecycleStep(w, p.url, step, life, p.registryUrl);
}

function credit(s: Setting, step: Step, approvals: number): void {
  const add: Record<string, number> = { ...STEP_AUDIT[step], 'verification.completed': approvals };
  for (const [k, n] of Object.entries(add)) s.ledger[k] = (s.ledger[k] ?? 0) + (n ?? 0);
}

function ledgerViolations(s: Setting, snap: Snapshot, when: string): string[] {
  return LEDGER_ACTIONS.filter((a) => (snap.audit[a] ?? 0) !== (s.ledger[a] ?? 0)).map((a) => `${when}: ${snap.audit[a] ?? 0} ${a} audit entries, ${s.ledger[a] ?? 0} expected (lost or duplicated)`);
}

export function syncLedger(s: Setting, snap: Snapshot): void {
  for (const a of LEDGER_ACTIONS) s.ledger[a] = snap.audit[a] ?? 0;
}

interface InFlight {
  step: Step | undefined;
  /** The step was answered before the kill: the life goes on after it. */
  answered?: boolean;
  client: string;
  before: Snapshot;
  setsBefore: number;
}

/** Drives the steps until one fails or `stop()` says the process is gone; returns what was in flight. */
async function drive(s: Setting, p: Running, life: Life, steps: readonly Step[], violations: string[], stop: () => boolean): Promise<InFlight> {
  let before = await snapshot(s.db);
  let setsBefore = s.world.receiver.seen.size;
  for (const st of steps) {
    before = await snapshot(s.db);
    setsBefore = s.world.receiver.seen.size;
    if (stop()) return { step: st, client: 'not sent (the process was gone)', before, setsBefore };
    violations.push(...ledgerViolations(s, before, `before ${st}`));
    try {
      credit(s, st, await doStep(s, p, st, life));
    } catch (e) {
      const v = clientView(e);
      // The SET awaited while the process died: in flight, not refused.
      const gone = st === 'push' && stop();
      if (!v.retryable && !gone) violations.push(`${st}: the client got ${v.text}, not a retryable error`);
      return { step: st, client: gone ? 'the SET did not arrive (the process was gone)' : v.text, before, setsBefore };
    }
    if (stop() || (await endsWithin(p, st === 'push' ? 1_000 : 0))) return { step: st, answered: true, client: 'answered before the kill', before, setsBefore };
  }
  return { step: undefined, client: 'the life ended before the kill', before, setsBefore };
}

/** After the restart: the invariants, the step in flight, the ledger re-based on what committed. */
async function checkRestart(s: Setting, p: Running, f: InFlight, point: FaultPointName | undefined, violations: string[], left?: Snapshot): Promise<Verdict | undefined> {
  const after = await snapshot(s.db);
  violations.push(...globalViolations(after));
  let verdict: Verdict | undefined;
  if (f.step && f.step !== 'push') {
    const j = judgeStep(f.step, f.before, left ?? after);
    verdict = j.verdict;
    violations.push(...j.violations);
    if (f.step === 'cancel' && verdict !== 'half') {
      const newSets = s.world.receiver.seen.size - f.setsBefore;
      const set = after.pushJobs >= 1 || newSets >= 1;
      if (verdict === 'all' && !set) violations.push('cancel: committed without its SET');
      if (verdict === 'none' && (newSets > 0 || after.pushJobs - f.before.pushJobs > 0)) violations.push('cancel: rolled back, yet a SET was queued or sent');
    }
    if (point && POINT_STEP[point] === f.step) {
      if ((point.endsWith('before-commit') || point.endsWith('mid-transaction')) && verdict !== 'none') violations.push(`${f.step}: killed before the commit, yet it committed`);
      if (point.endsWith('after-commit') && verdict !== 'all') violations.push(`${f.step}: killed after the commit, yet nothing committed`);
    }
  } else if (f.step === 'push' && point === 'jobs.ran-before-recorded' && after.pushJobs < 1) {
    // The job may already be done again: a restart slower than the 30 s claim lets a worker push it
    // a second time (same jti) before this check. Gone without that second delivery: it was lost.
    const fresh = [...s.world.receiver.seen.entries()].slice(f.setsBefore);
    if (!fresh.some(([, n]) => n > 1)) violations.push('push: the delivered SET has no job left and was never delivered again');
  }
  // Steps before the one in flight completed: the ledger was right before it; re-base on what it committed.
  if (verdict !== 'half') syncLedger(s, after);
  if (!(await s.world.auditVerifies(p.url).catch(() => false))) violations.push('the audit trail does not verify (or cannot be asked) after the restart');
  return verdict;
}

export async function runOnce(s: Setting, point: FaultPointName, nth = 1): Promise<RunResult> {
  const t0 = performance.now();
  const violations: string[] = [];
  const steps = lifeSteps(POINT_STEP[point] ?? 'enroll');
  // A guardian life is lived by the guardian of the sample minor.
  const doc = steps.includes('guardian') ? s.world.guardian : undefined;
  const life: Life = { approved: false, cancelled: false, doc };
  await stopCurrent(s);
  const armed = await start(s, nth === 1 ? point : `${point}:${nth}`, POINT_ENV[point]);
  const line = `fault point ${point}: SIGKILL`;
  // Armed at the nth hit: n − 1 whole lives pass through the point first.
  for (let i = 1; i < nth; i++) {
    const earlier: Life = { approved: false, cancelled: false, doc };
    for (const st of steps) credit(s, st, await doStep(s, armed, st, earlier));
    s.lives += 1;
    if (steps.includes('wardcancel')) s.wards = (s.wards ?? 0) + 1;
  }
  const f = await drive(s, armed, life, steps, violations, () => armed.exited() || armed.stderr().includes(line));
  let killed: boolean;
  if (s.workers) {
    // A worker died at the point; the primary lives on. The whole cluster is restarted clean.
    const until = Date.now() + 3_000;
    while (!armed.stderr().includes(line) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    killed = armed.stderr().includes(line);
    await stopPlatform(armed);
  } else {
    const died = await endsWithin(armed, 3_000);
    const how = died ? await armed.ended : undefined;
    killed = how?.signal === 'SIGKILL' && armed.stderr().includes(line);
    if (died && !killed) violations.push(`the platform ended otherwise (${how?.code ?? how?.signal}): ${armed.stderr().slice(-300)}`);
    if (!died) await stopPlatform(armed);
  }
  // The chaining is judged on what the kill left: the restarted platform's own sequencer chains the queue at once.
  const left = killed && f.step === 'chain' ? await snapshot(s.db) : undefined;
  const clean = await start(s);
  s.current = clean;
  const verdict = killed ? await checkRestart(s, clean, f, point, violations, left) : (syncLedger(s, await snapshot(s.db)), undefined);
  return finish(s, clean, life, steps, f, verdict, violations, { point, nth, killed, t0 });
}

/**
 * A kill at a random moment: the runner sends SIGKILL after `delayMs` of a whole life (every
 * step) — to the platform, or with workers to one worker, chosen by `pick`; then restarts (or
 * waits for the primary's replacement), checks, retries.
 */
export async function runRandom(s: Setting, delayMs: number, pick: number): Promise<RunResult> {
  const t0 = performance.now();
  const violations: string[] = [];
  const steps = lifeSteps('all');
  const life: Life = { approved: false, cancelled: false };
  if (s.workers && (s.workerKills ?? 0) >= KILLS_PER_CLUSTER) await stopCurrent(s);
  if (!s.current) s.workerKills = 0;
  const p = s.current ?? (await start(s));
  s.current = undefined;
  let fired = false;
  let victim: number | undefined;
  const timer = setTimeout(() => {
    if (s.workers) {
      const pids = p.workerPids();
      victim = pids[Math.floor(pick * pids.length)];
      if (victim !== undefined) process.kill(victim, 'SIGKILL');
      s.workerKills = (s.workerKills ?? 0) + 1;
    } else {
      p.child.kill('SIGKILL');
    }
    fired = true;
  }, delayMs);
  let f: InFlight;
  try {
    f = await drive(s, p, life, steps, violations, () => fired && !s.workers);
    // With workers, the other worker served every request; the life went on through the kill.
    if (f.step === undefined && fired) f.client = 'no request failed (the other worker served them)';
  } finally {
    // A life shorter than the delay: the kill still comes, between lives.
    while (!fired) await new Promise((r) => setTimeout(r, 20));
    clearTimeout(timer);
  }
  let running = p;
  if (s.workers) {
    // The primary replaces the killed worker: wait until it has as many live workers again.
    const until = Date.now() + 30_000;
    while (Date.now() < until && (p.workerPids().length < s.workers || (victim !== undefined && p.workerPids().includes(victim)))) await new Promise((r) => setTimeout(r, 100));
    if (p.exited() || p.workerPids().length < s.workers) violations.push(`the cluster did not replace the killed worker (${p.workerPids().length} of ${s.workers} live)`);
  } else {
    await p.ended;
    running = await start(s);
  }
  s.current = running;
  const verdict = await checkRestart(s, running, f, undefined, violations);
  return finish(s, running, life, steps, f, verdict, violations, { point: 'random', nth: 1, killed: victim !== undefined || !s.workers, t0 });
}

async function finish(
  s: Setting,
  p: Running,
  life: Life,
  steps: readonly Step[],
  f: InFlight,
  verdict: Verdict | undefined,
  violations: string[],
  r: { point: FaultPointName | 'random'; nth: number; killed: boolean; t0: number },
): Promise<RunResult> {
  let retry: string;
  try {
    // What is left: from the step in flight (or the one after it, if it was answered) to the end.
    const rest = f.step === undefined ? [] : steps.slice(steps.indexOf(f.step) + (f.answered ? 1 : 0));
    retry = await finishLife(s, p, life, rest, f.answered ? undefined : f.step, verdict, violations);
  } catch (e) {
    if (!(e instanceof LifeBroken)) throw e;
    return { ...r, step: f.step, client: f.client, retry: `failed (${e.message})`, violations, fatal: true, ms: performance.now() - r.t0 };
  }
  const end = await snapshot(s.db);
  violations.push(...globalViolations(end).map((v) => `after the retries: ${v}`));
  violations.push(...ledgerViolations(s, end, 'after the retries'));
  s.lives += 1;
  if (steps.includes('wardcancel')) s.wards = (s.wards ?? 0) + 1;
  const cancels = s.lives + (s.wards ?? 0);
  if (end.persons !== 0) violations.push(`after the retries: ${end.persons} person(s) left, none expected`);
  if ((end.audit['person.cancelled'] ?? 0) !== cancels) violations.push(`${end.audit['person.cancelled'] ?? 0} person.cancelled audit entries for ${cancels} cancellations`);
  if (!(await s.world.auditVerifies(p.url).catch(() => false))) violations.push('the audit trail does not verify (or cannot be asked) after the retries');
  return { ...r, step: f.step, client: f.client, retry, violations, fatal: false, ms: performance.now() - r.t0 };
}

/** The wallet (or operator) retries what was in flight, then lives on until cancelled; returns what the retry got. */
async function finishLife(s: Setting, p: Running, life: Life, rest: readonly Step[], step: Step | undefined, verdict: Verdict | undefined, violations: string[]): Promise<string> {
  const w = s.world;
  let retry = '-';
  for (const st of rest) {
    try {
      if (st === 'push') {
        if (!(await w.push(life, 40_000))) violations.push('the SET of the cancellation never arrived');
      } else {
        const n = await doStep(s, p, st, life);
        if (!(st === step && verdict === 'all' && ANSWERED_AGAIN.includes(st))) credit(s, st, n);
      }
      if (st === step) {
        retry = verdict === 'all' && ANSWERED_AGAIN.includes(st) ? 'answered again (the 网证 it made)' : 'succeeded';
        // Committed before the kill, and done again: twice (an enrollment again is a re-enrollment, by design).
        if (verdict === 'all' && st !== 'enroll' && !ANSWERED_AGAIN.includes(st)) violations.push(`${st}: committed before the kill, and the retry did it again`);
      }
    } catch (e) {
      const v = clientView(e);
      const code = v.text.replace(/^HTTP \d+ /, '');
      const done = st === step && (DONE_CODES[st] ?? []).includes(code);
      if (!done) {
        violations.push(`${st}: the retry failed: ${v.text}`);
        throw new LifeBroken(`${st}: ${v.text}`);
      }
      if (verdict === 'none') violations.push(`${st}: the retry was told it was done (${v.text}), yet nothing had committed`);
      retry = `done already (${v.text})`;
      if (st === 'verify') life.approved = true;
      if (st === 'cancel') life.cancelled = true;
      if (st === 'login') life.code = undefined;
      if (st === 'phone') life.newPhone = undefined;
      if (st === 'guardian') await collectWard(p.url, life);
    }
  }
  return retry;
}

/** At the end: every SET delivered at least once; how many twice. */
export async function drain(s: Setting): Promise<{ violations: string[]; distinct: number; duplicates: number; cancelled: number }> {
  const p = s.current ?? (await start(s));
  s.current = undefined;
  try {
    const until = Date.now() + 90_000;
    while ((await snapshot(s.db)).pushJobs > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    const snap = await snapshot(s.db);
    const seen = s.world.receiver.seen;
    const duplicates = [...seen.values()].filter((n) => n > 1).length;
    const violations: string[] = [];
    if (snap.pushJobs > 0) violations.push(`${snap.pushJobs} SET(s) still queued after 90 s`);
    // One SET per cancellation the RP heard of: not the wards', whom it never knew.
    const told = snap.cancelledCounter - (s.wards ?? 0);
    if (seen.size !== told) violations.push(`${seen.size} distinct SETs delivered for ${told} cancellations of people the RP knew (one each expected)`);
    return { violations, distinct: seen.size, duplicates, cancelled: told };
  } finally {
    await stopPlatform(p);
  }
}
