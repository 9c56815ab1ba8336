/**
 * Recording a person's application identifier at a relying party, the first time it is
 * issued: in their sealed profile (so later verifications answer from it and a rotation of the
 * appid key never changes a pseudonym an RP knows), and as a keyed digest under the RP's
 * blind-index kind (so the RP can ask to re-verify "its" person by the identifier it holds) —
 * and deriving it (`applicationIdentifier`).
 */
import { deriveAppId, type SecretRing } from '@wangzheng/core/identifiers/index';
import type { RelyingParty } from '@wangzheng/core/rp/types';
import type { PersonProfile } from '../enrollment/issue.ts';
import { rpKind, type BlindIndexer, type DataProtector } from '../protect/index.ts';
import type { StoreTx } from '../store/index.ts';

export async function recordAppId(
  tx: StoreTx,
  deps: { protector: DataProtector; blindIndexer: BlindIndexer },
  personId: string,
  dek: Uint8Array,
  clientId: string,
  appId: string,
): Promise<void> {
  // Re-read inside the transaction: the profile may have changed since the request began.
  const person = await tx.persons.findById(personId);
  if (!person) return;
  const profile = deps.protector.openFor(dek, person.id, 'profile', person.profile) as PersonProfile;
  if (profile.appIds?.[clientId] === undefined) {
    profile.appIds = { ...(profile.appIds ?? {}), [clientId]: appId };
    await tx.persons.updateProfile(person.id, deps.protector.sealFor(dek, person.id, 'profile', profile));
  }
  const kind = rpKind(clientId);
  const known = await tx.persons.findByBlindIndex(kind, deps.blindIndexer.candidates(kind, appId).map((c) => c.digest));
  if (!known) await tx.persons.addBlindIndexes(person.id, [deps.blindIndexer.digest(kind, appId)]);
}

/** The application identifier of a person at a relying party: one per RP, never shared. */
export function applicationIdentifier(keys: SecretRing, netid: string, rp: Pick<RelyingParty, 'sectorIdentifier' | 'clientId'>): string {
  // The client id is part of the derivation input, so two RPs — even registered with the same
  // sector — never see the same identifier for one person (docs/relying-parties.md).
  return deriveAppId({ key: keys[0].key, netid, sector: `${rp.sectorIdentifier}#${rp.clientId}` });
}
