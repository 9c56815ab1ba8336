/**
 * Role grants of the operator console. A person signed in to the console is known by their
 * console application identifier (the pairwise `sub` of the console's client); roles are bound
 * to that identifier in the store (`console_operators`) and looked up on every request, so a
 * revoked grant takes effect at once.
 *
 * Granting names the person by 网号: the platform derives the console application identifier
 * (the one the person's first console sign-in recorded, else the current key's) and stores only
 * that. Who may grant: an operator (role `operator`) — by bearer token or signed in to the
 * console — and only roles they hold themselves. Replacing a grant's roles, and revoking it,
 * need the `operator` role. Every grant and revocation is in the audit trail
 * (`console.roles_granted`, `console.roles_revoked`; the subject is the application identifier,
 * a pseudonym).
 *
 * Trusted: the acting operator's identity and roles (http/operator.ts) and the store; the 网号
 * and roles only after the checks below.
 */
import { WzError } from '@wangzheng/core/errors';
import { isAppId, isValidNetid, type SecretRing } from '@wangzheng/core/identifiers/index';
import { OPERATOR_ROLES, type OperatorRole } from '../admin/roles.ts';
import type { AuditRecorder } from '../audit/index.ts';
import type { OperatorIdentity } from '../http/operator.ts';
import { openProfile } from '../person/profile.ts';
import type { DataProtector } from '../protect/index.ts';
import type { ConsoleOperatorRecord, PersonRecord, Store } from '../store/index.ts';
import { applicationIdentifier } from '../verification/app-ids.ts';
import type { ConsoleClient } from './client.ts';

/** The actor a console operator is recorded as. */
export function consoleActor(appId: string): string {
  return `console:${appId}`;
}

export interface ConsoleOperatorView {
  /** `console:<appId>`: the actor in the audit trail. */
  readonly id: string;
  readonly appId: string;
  readonly roles: readonly OperatorRole[];
  readonly grantedBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ConsoleGrantsDeps {
  readonly store: Store;
  readonly protector: DataProtector;
  readonly appidKeys: SecretRing;
  readonly client: Pick<ConsoleClient, 'clientId' | 'sectorIdentifier'>;
  readonly audit: AuditRecorder;
  readonly now: () => number;
}

const NO_ROLES: ReadonlySet<OperatorRole> = new Set();

/** Roles in the canonical order (admin/roles.ts), unknown codes dropped. */
export function orderedRoles(roles: Iterable<string>): OperatorRole[] {
  const set = new Set(roles);
  return OPERATOR_ROLES.filter((r) => set.has(r));
}

export class ConsoleGrants {
  constructor(private readonly deps: ConsoleGrantsDeps) {}

  /** The roles of a console application identifier now (none when there is no grant). */
  async rolesOf(appId: string): Promise<ReadonlySet<OperatorRole>> {
    const g = await this.deps.store.reader.consoleOperators.find(appId);
    return g ? new Set(orderedRoles(g.roles)) : NO_ROLES;
  }

  async list(): Promise<ConsoleOperatorView[]> {
    return (await this.deps.store.reader.consoleOperators.list()).map(view);
  }

  /** Grants `roles` (replacing any earlier grant) to the person holding `netid`, at the console. */
  async grant(by: OperatorIdentity, netid: string, roles: readonly OperatorRole[]): Promise<ConsoleOperatorView> {
    assertOperator(by);
    const wanted = orderedRoles(roles);
    if (wanted.length === 0) throw new WzError('invalid_request', `Give at least one role: ${OPERATOR_ROLES.join(', ')}.`);
    const missing = wanted.filter((r) => !by.roles.has(r));
    if (missing.length > 0) throw new WzError('role_required', `You can grant only roles you hold yourself; you do not hold ${missing.join(', ')}.`, { detail: by.actor });
    if (typeof netid !== 'string' || !isValidNetid(netid)) throw new WzError('invalid_netid', 'This is not a valid 网号.');
    const appId = await this.#appIdOf(netid);
    return this.deps.store.transaction(async (tx) => {
      const g = await tx.consoleOperators.put({ appId, roles: wanted, grantedBy: by.actor, at: this.deps.now() });
      await this.deps.audit.record(tx, { actor: by.actor, action: 'console.roles_granted', subject: appId, data: { roles: wanted } });
      return view(g);
    });
  }

  /** Deletes the grant of `appId`. @throws `not_found` when there is none. */
  async revoke(by: OperatorIdentity, appId: string): Promise<void> {
    assertOperator(by);
    if (!isAppId(appId)) throw new WzError('invalid_request', 'This is not an application identifier (A followed by 25 letters and digits).');
    await this.deps.store.transaction(async (tx) => {
      const g = await tx.consoleOperators.find(appId);
      if (!g || !(await tx.consoleOperators.delete(appId))) throw new WzError('not_found', 'No console operator has this application identifier.');
      await this.deps.audit.record(tx, { actor: by.actor, action: 'console.roles_revoked', subject: appId, data: { roles: orderedRoles(g.roles) } });
    });
  }

  /** The person's console application identifier: the recorded one, else derived with the current key. */
  async #appIdOf(netid: string): Promise<string> {
    const person = await this.deps.store.persons.findByNetid(netid);
    if (!person || person.status === 'cancelled') throw new WzError('unknown_netid', 'No person holds this 网号.');
    return this.appIdOfPerson(person, this.deps.protector.unwrapDataKey(person.id, person.wrappedDek, person.kekId));
  }

  /** The same, for a person whose data key the caller holds (cancellation: the grant goes with the person). */
  appIdOfPerson(person: PersonRecord, dek: Uint8Array): string {
    const recorded = openProfile(this.deps.protector, dek, person).appIds?.[this.deps.client.clientId];
    return recorded ?? applicationIdentifier(this.deps.appidKeys, person.netid, this.deps.client);
  }
}

function assertOperator(by: OperatorIdentity): void {
  if (!by.roles.has('operator')) throw new WzError('role_required', 'This needs the operator role.', { detail: by.actor });
}

function view(g: ConsoleOperatorRecord): ConsoleOperatorView {
  return {
    id: consoleActor(g.appId),
    appId: g.appId,
    roles: orderedRoles(g.roles),
    grantedBy: g.grantedBy,
    createdAt: new Date(g.createdAt).toISOString(),
    updatedAt: new Date(g.updatedAt).toISOString(),
  };
}
