/**
 * Who is presenting? A holder proves possession of their 网证 with a presentation: the SD-JWT
 * plus a key-binding JWT over the platform's nonce. Trusted after: our signature on the
 * credential (gm or intl key ring), the key binding (audience = the platform, the nonce we
 * issued, freshness), the credential's status and expiry in our store, the device it is bound
 * to still being live and the one that signed, and the person still active. Used by guardians
 * (enrollment) and by every verification.
 */
import { verifyPresentation } from '@wangzheng/core/credential/index';
import { jwkThumbprint, SignatureMemo, type KeyRing, type PublicKey, type SigAlg } from '@wangzheng/core/crypto/index';
import { WzError } from '@wangzheng/core/errors';
import type { PersonProfile } from '../enrollment/issue.ts';
import type { DataProtector } from '../protect/index.ts';
import type { CredentialRecord, PersonRecord, PresentedCredential, StoreReader } from '../store/index.ts';

export interface AuthenticatedHolder {
  readonly person: PersonRecord;
  readonly profile: PersonProfile;
  /** The person's data key: keep only for the request that needs it. */
  readonly dek: Uint8Array;
  readonly credential: CredentialRecord;
}

/**
 * The credential a presentation names, read by its caller beside something else (the wallet's
 * answer reads it with the request: `verifications.findByRefPresenting`), by the id
 * `presentedCredentialId` gave. Used only if that is the id the verified presentation names.
 */
export interface PresentedRead {
  readonly id: string;
  readonly found: PresentedCredential | undefined;
}

export interface HolderVerifierDeps {
  readonly store: { readonly reader: StoreReader };
  readonly protector: DataProtector;
  readonly signing: readonly KeyRing[];
  readonly issuerUrl: string;
  readonly now: () => number;
}

const ISSUER_ALGS: SigAlg[] = ['SM2', 'ES256'];
const HOLDER_ALGS: SigAlg[] = ['SM2', 'ES256', 'EdDSA'];
export const MAX_PRESENTATION = 16_384;

export class HolderVerifier {
  /**
   * Our own signatures on the 网证 presented recently: checked once per credential, not per
   * use (its status, expiry, device and person are read from the store every time).
   */
  readonly #issuerSignatures = new SignatureMemo<PublicKey>();

  constructor(private readonly deps: HolderVerifierDeps) {}

  async authenticate(presentation: unknown, nonce: string, read?: PresentedRead): Promise<AuthenticatedHolder> {
    if (typeof presentation !== 'string' || presentation.length > MAX_PRESENTATION) {
      throw new WzError('invalid_presentation', 'Present your 网证 with a key binding.');
    }
    const v = verifyPresentation(presentation, {
      keys: this.deps.signing.flatMap((r) => r.verifiers),
      algorithms: ISSUER_ALGS,
      holderAlgorithms: HOLDER_ALGS,
      issuer: this.deps.issuerUrl,
      audience: this.deps.issuerUrl,
      nonce,
      now: Math.floor(this.deps.now() / 1000),
      memo: this.#issuerSignatures,
    });
    const credentialId = v.payload.jti;
    // The credential, its device and its person: one statement (three before, issue 10).
    const found =
      typeof credentialId !== 'string' ? undefined : read?.id === credentialId ? read.found : await this.deps.store.reader.credentials.findPresented(credentialId);
    const credential = found?.credential;
    if (!credential || credential.personId === null) throw new WzError('invalid_credential', 'This 网证 is not known to the platform.');
    if (credential.status !== 'valid') throw new WzError('credential_revoked', 'This 网证 has been revoked or suspended.');
    if (credential.expiresAt <= this.deps.now()) throw new WzError('credential_expired', 'This 网证 has expired.');
    const device = found.device;
    if (!device || device.revokedAt !== null || device.thumbprint !== jwkThumbprint(v.holderJwk)) {
      throw new WzError('invalid_presentation', 'This 网证 is not bound to this device any more.');
    }
    const person = found.person;
    // Locked is the person's own choice and undone by them: say so, not "revoked" (which sounds final).
    if (person?.status === 'locked') throw new WzError('credential_locked', 'This 网证 is locked by its holder: unlock it in the wallet to use it.');
    if (!person || person.status !== 'active') throw new WzError('credential_revoked', 'This 网证 cannot be used.');
    const dek = this.deps.protector.unwrapDataKey(person.id, person.wrappedDek, person.kekId);
    const profile = this.deps.protector.openFor(dek, person.id, 'profile', person.profile) as PersonProfile;
    return { person, profile, dek, credential };
  }
}
