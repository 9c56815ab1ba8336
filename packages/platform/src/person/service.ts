/**
 * The person's own controls, after authentication (auth.ts): status, lock and unlock, devices,
 * history, authorizations and their withdrawal, export. Each mutation is one store transaction
 * that also records a history event; each answer concerns the authenticated person only.
 *
 * Lock sets the person's status to `locked`: the one "may this 网证 be used now" check of every
 * verification flow then refuses them. Unlocking needs the passphrase (口令) besides the device,
 * under the same lockout as at verification, so a found phone alone can lock but not unlock.
 *
 * Trust: `me` is an authenticated person; the person's status is re-read inside the
 * transaction (another device may have changed it since authentication).
 */
import { WzError } from '@wangzheng/core/errors';
import type { DeviceRevoked, DeviceView, HistoryEntry, AuthorizationView, AuthorizationWithdrawn, MeStatus, PersonExport } from '@wangzheng/core/person/views';
import type { PassphraseHasher } from '../passphrase/hasher.ts';
import type { DataProtector } from '../protect/index.ts';
import type { PersonStatus, Store } from '../store/index.ts';
import { checkPassphraseFactor, lockedError } from '../passphrase/factor.ts';
import type { RevocationSinks } from '../notify/revocation.ts';
import type { AuthenticatedPerson } from './auth.ts';
import { listAuthorizations, withdrawAuthorization, type ConsentWithdrawnHook } from './authorizations.ts';
import { listDevices, revokeDevice } from './devices.ts';
import { exportPerson } from './export.ts';
import { historyEvent } from './history.ts';
import { buildHistory, MAX_HISTORY } from './history-view.ts';
import { iso } from './wire.ts';
import { faultPoint } from '../faults/points.ts';

export interface PersonServiceDeps extends RevocationSinks {
  readonly store: Store;
  readonly protector: DataProtector;
  readonly hasher: PassphraseHasher;
  readonly issuerUrl: string;
  readonly now: () => number;
  /** Tells the relying party a consent was withdrawn (Shared Signals); without it nobody is told. */
  readonly onConsentWithdrawn?: ConsentWithdrawnHook;
}

export class PersonService {
  constructor(private readonly deps: PersonServiceDeps) {}

  status(me: AuthenticatedPerson): MeStatus {
    return statusOf(me, me.person.status);
  }

  async lock(me: AuthenticatedPerson): Promise<MeStatus> {
    await this.#setStatus(me, 'active', 'locked');
    return statusOf(me, 'locked');
  }

  async unlock(me: AuthenticatedPerson, passphrase: string): Promise<MeStatus> {
    if (me.person.status !== 'locked') throw notIn('locked');
    if ((await checkPassphraseFactor(this.deps, me.person.id, passphrase, this.deps.now())) === 'locked_now') throw lockedError();
    await this.#setStatus(me, 'locked', 'active');
    return statusOf(me, 'active');
  }

  devices(me: AuthenticatedPerson): Promise<DeviceView[]> {
    return listDevices(this.deps, me);
  }

  revokeDevice(me: AuthenticatedPerson, deviceId: string): Promise<DeviceRevoked> {
    return revokeDevice(this.deps, me, deviceId);
  }

  history(me: AuthenticatedPerson, limit = MAX_HISTORY): Promise<HistoryEntry[]> {
    return buildHistory({ reader: this.deps.store.reader, protector: this.deps.protector, now: this.deps.now }, { personId: me.person.id, dek: me.dek }, limit);
  }

  authorizations(me: AuthenticatedPerson): Promise<AuthorizationView[]> {
    return listAuthorizations(this.deps, me);
  }

  withdraw(me: AuthenticatedPerson, clientId: string): Promise<AuthorizationWithdrawn> {
    return withdrawAuthorization(this.deps, me, clientId);
  }

  export(me: AuthenticatedPerson): Promise<PersonExport> {
    return exportPerson(this.deps, me);
  }

  /** `from` → `to` with a history event, or `person_status_conflict` (already locked, not locked). */
  async #setStatus(me: AuthenticatedPerson, from: PersonStatus, to: PersonStatus): Promise<void> {
    const now = this.deps.now();
    await this.deps.store.transaction(async (tx) => {
      const p = await tx.persons.findById(me.person.id);
      if (!p || p.status !== from || !(await tx.persons.updateStatus(p.id, to))) throw notIn(from);
      await tx.events.append(historyEvent(this.deps.protector, { personId: p.id, dek: me.dek }, { kind: to === 'locked' ? 'locked' : 'unlocked', deviceId: me.device.id }, now));
      if (to === 'locked') faultPoint('person.lock.before-commit');
      else faultPoint('person.unlock.before-commit');
    });
    if (to === 'locked') faultPoint('person.lock.after-commit');
    else faultPoint('person.unlock.after-commit');
  }
}

function notIn(status: PersonStatus): WzError {
  return new WzError('person_status_conflict', status === 'active' ? 'Your 网证 is already locked.' : 'Your 网证 is not locked.');
}

function statusOf(me: AuthenticatedPerson, status: PersonStatus): MeStatus {
  return {
    netid: me.person.netid,
    status: status === 'locked' ? 'locked' : 'active',
    credential: { id: me.credential.id, status: me.credential.status, expiresAt: iso(me.credential.expiresAt) },
    device: { id: me.device.id },
  };
}
