/**
 * Recording a person's application identifier at a relying party, the first time it is
 * issued: in their sealed profile (so later verifications answer from it and a rotation of the
 * appid key never changes a pseudonym an RP knows), and as a keyed digest under the RP's
 * blind-index kind (so the RP can ask to re-verify "its" person by the identifier it holds).
 */
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
