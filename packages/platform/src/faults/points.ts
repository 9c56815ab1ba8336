/**
 * Named fault points (issue 10 §3, docs/faults.md): places in the platform where the fault
 * suite (`npm run faults`) kills the process with a real `kill -9` — inside or just after the
 * commit of issuance, a verification's approval, the token endpoint's redemption of a code, a
 * guardian's approval, lock and unlock, renewal, a phone change, a move to a new phone, a ban, an unban and a
 * cancellation, inside the audit sequencer's pass, and between a job's delivery and its
 * recording — to prove that nothing is left half done.
 *
 *   faultPoint('enrollment.issue.before-commit');   // a no-op unless armed for this name
 *
 * Arming: `WZ_FAULT_POINT=<name>[:<nth>]` kills the process at the nth time (default the first)
 * the named point is reached in this process: `process.kill(process.pid, 'SIGKILL')`, no
 * exception, no `finally`, no shutdown hook — the same as an operator's `kill -9` or the kernel's
 * out-of-memory killer. The variable is read once, when this module is loaded, and ONLY in the
 * test build, which is:
 *   1. this module running from its TypeScript source (`…/src/faults/points.ts`, through tsx or
 *      vitest). Any bundle of the platform names another file and never arms: the compiled
 *      production build (scripts/build-server.ts) leaves this module the bundle's own URL on
 *      purpose, and refuses a set variable; the packaged CLI (packages/cli/build.ts) replaces
 *      `start` by a stub, so no fault point reaches a package at all;
 *   2. not production mode (`WZ_MODE`, the variable the configuration reads it from).
 * In production, a set `WZ_FAULT_POINT` refuses the start (WzError `invalid_configuration`,
 * thrown while the platform's modules load; `wangzheng start` prints it and exits 2); so does a
 * set variable outside the source build, or one that names no point: a fault run that silently
 * arms nothing would pass without testing anything.
 *
 * Cost when nothing is armed: one check of a module-level boolean per point reached.
 */
import { WzError } from '@wangzheng/core/errors';

/** The closed list of points, in the order a person's life reaches them. */
export const FAULT_POINTS = [
  /** enrollment/issue.ts: every row of an enrollment's issuance written (person, device, credential, passphrase, consents, history, session end), not committed; a guardian's approval has its own point. */
  'enrollment.issue.before-commit',
  /** enrollment/issue.ts: the issuance committed, the credential not yet answered to the wallet. */
  'enrollment.issue.after-commit',
  /** verification/settle.ts: an approval with consents or a first application identifier (a person's first answer to an RP): the approval, consents, identifier, audit entry and history written, not committed. The usual answer is one atomic write (on PostgreSQL one statement) and has no such moment. */
  'verification.approval.before-commit',
  /** verification/settle.ts: the approval committed, the wallet not yet answered. */
  'verification.approval.after-commit',
  /** oidc/service.ts token endpoint: just before the redemption's one atomic write (the code marked redeemed and the access token; on PostgreSQL one statement, on SQLite one transaction): nothing of it written. */
  'oidc.token.before-commit',
  /** oidc/service.ts token endpoint: the redemption committed, the tokens not yet answered to the RP. */
  'oidc.token.after-commit',
  /** enrollment/issue.ts: a guardian's approval of a 14–17-year-old written (the ward's person, device, 网证 sealed into the enrollment, history); not committed. */
  'enrollment.guardian.before-commit',
  /** enrollment/approval.ts: a guardian's approval of a 14–17-year-old committed (the 网证 issued into the enrollment), not yet answered. */
  'enrollment.guardian.after-commit',
  /** person/service.ts: the person set locked and the `locked` history event written; not committed. */
  'person.lock.before-commit',
  /** person/service.ts: the lock committed, the wallet not yet answered. */
  'person.lock.after-commit',
  /** person/service.ts: the person set active again and the `unlocked` history event written; not committed. */
  'person.unlock.before-commit',
  /** person/service.ts: the unlock committed, the wallet not yet answered. */
  'person.unlock.after-commit',
  /** lifecycle/renewal.ts: the old 网证 revoked, the new one minted, history, audit entry and SETs written; not committed. */
  'lifecycle.renew.before-commit',
  /** lifecycle/renewal.ts: the renewal committed, the new 网证 not yet answered to the wallet. */
  'lifecycle.renew.after-commit',
  /** person/phone.ts confirm: the code voided, profile, phone blind index and history written; not committed. */
  'person.phone.before-commit',
  /** person/phone.ts confirm: the new number committed, the wallet not yet answered. */
  'person.phone.after-commit',
  /** lifecycle/transfer.ts: old device and its 网证 revoked, new device and 网证, history, audit entry and SETs written; not committed. */
  'lifecycle.transfer.before-commit',
  /** lifecycle/transfer.ts: the move committed, the new 网证 not yet answered to the old phone. */
  'lifecycle.transfer.after-commit',
  /** lifecycle/bans.ts: a ban in force written (credentials suspended, person banned, audit entries, SETs queued); not committed. */
  'lifecycle.ban.before-commit',
  /** lifecycle/bans.ts: the ban in force committed, the operator not yet answered. */
  'lifecycle.ban.after-commit',
  /** lifecycle/bans.ts: an unban written (credentials restored, person active, audit entries, SETs queued); not committed. */
  'lifecycle.unban.before-commit',
  /** lifecycle/bans.ts: the unban committed, the operator not yet answered. */
  'lifecycle.unban.after-commit',
  /** lifecycle/cancel.ts: audit entry written, account-purged SETs queued, linked rows erased; the person not yet shredded; not committed. */
  'lifecycle.cancel.mid-transaction',
  /** lifecycle/cancel.ts: the cancellation committed, the person not yet answered (nor the log compacted). */
  'lifecycle.cancel.after-commit',
  /** audit/service.ts sequencer pass: queued entries chained into the trail, the new head recorded and the queue rows deleted; not committed. */
  'audit.sequence.before-commit',
  /** jobs/worker.ts: a job's handler finished (a SET pushed and answered), its outcome not yet recorded. */
  'jobs.ran-before-recorded',
] as const;

export type FaultPointName = (typeof FAULT_POINTS)[number];

export const FAULT_ENV = 'WZ_FAULT_POINT';

/** What is armed: the point, and at which of its hits (1-based) the process dies. */
export interface FaultArming {
  readonly name: FaultPointName;
  readonly nth: number;
}

/** Whether this module runs from its TypeScript source (the test build), judged by its own URL. */
export function isSourceBuild(url: string = import.meta.url): boolean {
  return /\/src\/faults\/points\.ts$/.test(url);
}

/**
 * The arming `env` asks for, or undefined when it asks for none.
 * @throws WzError `invalid_configuration` when the variable is set but may not or cannot be honoured.
 */
export function armingFrom(env: NodeJS.ProcessEnv, build: { source: boolean }): FaultArming | undefined {
  const spec = env[FAULT_ENV];
  if (spec === undefined || spec === '') return undefined;
  if (env['WZ_MODE'] === 'production') {
    throw new WzError('invalid_configuration', `unsafe production configuration: ${FAULT_ENV} is set; fault points exist for the test build only`);
  }
  if (!build.source) {
    throw new WzError('invalid_configuration', `invalid configuration: ${FAULT_ENV} is set, but fault points are armed only when the platform runs from its sources (the test build)`);
  }
  const m = /^([a-z.-]+)(?::([1-9][0-9]{0,5}))?$/.exec(spec);
  const name = m?.[1];
  if (!m || !(FAULT_POINTS as readonly string[]).includes(name!)) {
    throw new WzError('invalid_configuration', `invalid configuration: ${FAULT_ENV} must be <point>[:<nth>] with a point one of ${FAULT_POINTS.join(', ')}`);
  }
  return { name: name as FaultPointName, nth: m[2] === undefined ? 1 : Number(m[2]) };
}

const arming = armingFrom(process.env, { source: isSourceBuild() });
/** The one check an unarmed point costs. */
const armed = arming !== undefined;
let hits = 0;

/**
 * A named fault point. Unarmed (always, outside the test build): returns at once. Armed for
 * this name: on its nth hit the process is killed with SIGKILL before this call returns.
 */
export function faultPoint(name: FaultPointName): void {
  if (!armed) return;
  if (name !== arming!.name || ++hits < arming!.nth) return;
  // Written synchronously (stderr is a pipe or a file): the fault runner reads it to know that
  // the process died here and not of something else. A name, never data.
  process.stderr.write(`fault point ${name}: SIGKILL (hit ${hits})\n`);
  process.kill(process.pid, 'SIGKILL');
}

/** The arming of this process (undefined: unarmed), for the start-up banner and tests. */
export function faultArming(): FaultArming | undefined {
  return arming;
}
