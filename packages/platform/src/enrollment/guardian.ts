/**
 * Who is this guardian? A guardian acts (enrolls a child under 14, approves a 14–17-year-old)
 * only from their own enrolled wallet: they present their 网证 with a key-binding JWT over the
 * platform's nonce. Trusted after: our signature on the credential, its status and expiry in
 * our store, the device it is bound to still being theirs, the key binding (audience, nonce,
 * freshness). The guardianship itself is then the registry's answer, asked by the caller.
 */
import { ageOn, chinaDate } from '@wangzheng/core/calendar';
import { verifyPresentation } from '@wangzheng/core/credential/index';
import { importPublicKey, type KeyRing, type SigAlg } from '@wangzheng/core/crypto/index';
import { WzError } from '@wangzheng/core/errors';
import type { DataProtector } from '../protect/index.ts';
import type { Store } from '../store/index.ts';
import type { PersonProfile } from './issue.ts';

export interface AuthenticatedGuardian {
  readonly personId: string;
  readonly personRef: string;
}

export interface GuardianCheck {
  authenticate(presentation: unknown, nonce: string): Promise<AuthenticatedGuardian>;
}

export interface GuardianCheckDeps {
  readonly store: Store;
  readonly protector: DataProtector;
  readonly signing: readonly KeyRing[];
  readonly issuerUrl: string;
  readonly now: () => number;
}

const ISSUER_ALGS: SigAlg[] = ['SM2', 'ES256'];
const HOLDER_ALGS: SigAlg[] = ['SM2', 'ES256', 'EdDSA'];

export class PresentationGuardianCheck implements GuardianCheck {
  constructor(private readonly deps: GuardianCheckDeps) {}

  async authenticate(presentation: unknown, nonce: string): Promise<AuthenticatedGuardian> {
    if (typeof presentation !== 'string' || presentation.length > 16_384) {
      throw new WzError('invalid_presentation', 'A guardian acts by presenting their own 网证.');
    }
    const v = verifyPresentation(presentation, {
      keys: this.deps.signing.flatMap((r) => r.verifiers),
      algorithms: ISSUER_ALGS,
      holderAlgorithms: HOLDER_ALGS,
      issuer: this.deps.issuerUrl,
      audience: this.deps.issuerUrl,
      nonce,
      now: Math.floor(this.deps.now() / 1000),
    });
    const credentialId = v.payload.jti;
    const cred = typeof credentialId === 'string' ? await this.deps.store.credentials.findById(credentialId) : undefined;
    if (!cred || cred.personId === null) throw new WzError('invalid_credential', 'This 网证 is not known to the platform.');
    if (cred.status !== 'valid') throw new WzError('credential_revoked', 'This 网证 has been revoked or suspended.');
    if (cred.expiresAt <= this.deps.now()) throw new WzError('credential_expired', 'This 网证 has expired.');
    const device = cred.deviceId ? await this.deps.store.devices.findById(cred.deviceId) : undefined;
    if (!device || device.revokedAt !== null || device.thumbprint !== importPublicKey(v.holderJwk).thumbprint) {
      throw new WzError('invalid_presentation', 'This 网证 is not bound to this device any more.');
    }
    const person = await this.deps.store.persons.findById(cred.personId);
    if (!person || person.status !== 'active') throw new WzError('credential_revoked', 'This 网证 cannot be used.');
    const dek = this.deps.protector.unwrapDataKey(person.id, person.wrappedDek, person.kekId);
    const profile = this.deps.protector.openFor(dek, person.id, 'profile', person.profile) as PersonProfile;
    if (ageOn(profile.birthDate, chinaDate(this.deps.now())) < 18) {
      throw new WzError('not_a_guardian', 'A guardian must be an adult.');
    }
    return { personId: person.id, personRef: profile.personRef };
  }
}
