/**
 * Right of access (PIPL Art. 45): one JSON document with everything the platform holds about
 * the person — their profile opened with their data key, the application identifier at each
 * relying party, devices, 网证, consents (withdrawn ones too), the passphrase's state, which
 * lookup digests exist, and the whole history.
 *
 * What is NOT in it, and why (docs/person.md): the passphrase's Argon2id hash and the keyed
 * lookup digests themselves (they are not information about the person, and handing them out
 * would only help someone guess offline); the wrapped data key (a key, not data).
 *
 * Trust: built only for the authenticated person (auth.ts) from rows selected by their own
 * person id; returned with `cache-control: no-store`.
 */
import type { PersonExport } from '@wangzheng/core/person/views';
import type { DataProtector } from '../protect/index.ts';
import type { Store } from '../store/index.ts';
import type { AuthenticatedPerson } from './auth.ts';
import { consentView } from './consents-view.ts';
import { deviceView } from './devices.ts';
import { buildHistory, MAX_HISTORY } from './history-view.ts';
import { iso } from './wire.ts';

export interface ExportDeps {
  readonly store: Store;
  readonly protector: DataProtector;
  readonly issuerUrl: string;
  readonly now: () => number;
}

export async function exportPerson(deps: ExportDeps, me: AuthenticatedPerson): Promise<PersonExport> {
  const r = deps.store.reader;
  const id = me.person.id;
  const credentials = await r.credentials.listByPerson(id);
  const { v: _v, appIds = {}, ...profile } = me.profile;
  const applicationIdentifiers: PersonExport['applicationIdentifiers'] = [];
  for (const [clientId, appId] of Object.entries(appIds)) {
    applicationIdentifiers.push({ clientId, rp: (await r.relyingParties.findByClientId(clientId))?.name ?? null, appId });
  }
  const pass = await r.passphrases.find(id);
  return {
    format: 'wangzheng-person-export/v1',
    exportedAt: iso(deps.now()),
    issuer: deps.issuerUrl,
    person: { netid: me.person.netid, status: me.person.status, createdAt: iso(me.person.createdAt), updatedAt: iso(me.person.updatedAt) },
    profile: { ...profile },
    applicationIdentifiers,
    devices: (await r.devices.listByPerson(id)).map((d) => deviceView(deps.protector, me, d, credentials)),
    credentials: credentials.map((c) => ({
      id: c.id,
      deviceId: c.deviceId,
      status: c.status,
      reason: c.reason,
      issuedAt: iso(c.issuedAt),
      expiresAt: iso(c.expiresAt),
      revokedAt: c.revokedAt === null ? null : iso(c.revokedAt),
    })),
    consents: (await r.consents.listByPerson(id)).flatMap((c) => consentView(c) ?? []),
    passphrase: {
      set: pass !== undefined,
      updatedAt: pass ? iso(pass.updatedAt) : null,
      failures: pass?.failures ?? 0,
      lockedUntil: pass?.lockedUntil ? iso(pass.lockedUntil) : null,
    },
    lookupIndexes: (await r.persons.listBlindIndexes(id)).map((b) => ({ kind: b.kind, createdAt: iso(b.createdAt) })),
    history: await buildHistory({ reader: r, protector: deps.protector, now: deps.now }, { personId: id, dek: me.dek }, MAX_HISTORY),
  };
}
