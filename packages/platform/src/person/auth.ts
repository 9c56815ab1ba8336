/**
 * Who is asking, and is this exactly the request they signed? Every `/v1/me/…` call carries a
 * presentation of the person's 网证 whose key-binding JWT `nonce` is the platform nonce bound
 * to the request (method, path, body: @wangzheng/core/person/request-binding). The steps, in order:
 *
 *   1. check_nonce      the platform nonce is ours (MAC) and fresh          nonce_mismatch / nonce_expired
 *   2. check_binding    the key-binding nonce names THIS request            request_binding_mismatch
 *   3. verify           issuer signature (SM2/ES256 pinned), key binding    invalid_presentation / invalid_credential
 *                       with `cnf.jwk` only (SM2/ES256/EdDSA pinned), aud = the platform, freshness
 *   4. load_holder      credential known and valid, its device live and     device_revoked / credential_revoked /
 *                       the one that signed, person active or locked        credential_expired / invalid_presentation
 *   5. spend_nonce      single use, after everything else passed            nonce_replayed
 *
 * Step 2 reads the key-binding JWT's `nonce` BEFORE its signature is checked, only to choose
 * the error code for an altered request; nothing read there is trusted, and step 3 verifies
 * the same value under the device key. A spent nonce is spent even if the action then fails:
 * the wallet asks for a new one.
 *
 * Unlike `credential/holder.ts` (every verification flow), a LOCKED person passes here: the
 * person's own controls must work while locked, or nobody could unlock. A cancelled person,
 * a revoked or expired 网证, a revoked device never pass — except through `identify`, which
 * skips step 4's status checks for the one call that tells a holder WHY their 网证 stopped
 * working (`/v1/me/credential-status`, credential-status.ts) and answers nothing else.
 */
import { splitCompact, verifyPresentation } from '@wangzheng/core/credential/index';
import { jwkThumbprint, type KeyRing, type SigAlg } from '@wangzheng/core/crypto/index';
import { WzError } from '@wangzheng/core/errors';
import { boundNonce, type BoundRequest } from '@wangzheng/core/person/request-digest';
import type { DataProtector } from '../protect/index.ts';
import type { CredentialRecord, DeviceRecord, PersonRecord, StoreReader } from '../store/index.ts';
import type { CheckedNonce, MeNonces } from './nonce.ts';
import { openProfile, type PersonProfile } from './profile.ts';

export interface PersonAuthDeps {
  readonly store: { readonly reader: StoreReader };
  readonly protector: DataProtector;
  /** Platform signing keys per suite (every key verifies). */
  readonly signing: readonly KeyRing[];
  readonly issuerUrl: string;
  readonly nonces: MeNonces;
  readonly now: () => number;
}

export interface AuthenticatedPerson {
  readonly person: PersonRecord;
  readonly profile: PersonProfile;
  /** The person's data key: keep only for the request that needs it. */
  readonly dek: Uint8Array;
  /** The 网证 and the device this request was made with. */
  readonly credential: CredentialRecord;
  readonly device: DeviceRecord;
}

/** A presented 网证 whatever its status (`identify`), with its device and person while those rows exist. */
export interface IdentifiedCredential {
  readonly credential: CredentialRecord;
  readonly device: DeviceRecord | undefined;
  readonly person: PersonRecord | undefined;
}

const ISSUER_ALGS: SigAlg[] = ['SM2', 'ES256'];
const HOLDER_ALGS: SigAlg[] = ['SM2', 'ES256', 'EdDSA'];
const MAX_PRESENTATION = 16_384;
/** Person statuses whose own controls work. */
const SELF_SERVICE = new Set<PersonRecord['status']>(['active', 'locked']);

export class PersonAuthenticator {
  constructor(private readonly deps: PersonAuthDeps) {}

  async authenticate(req: BoundRequest): Promise<AuthenticatedPerson> {
    const v = this.#verify(req);
    const holder = await this.#loadHolder(v.credentialId, v.thumbprint);
    await this.deps.nonces.spend(v.nonce);
    return holder;
  }

  /**
   * Steps 1–3 and 5 WITHOUT the status checks of step 4, for `/v1/me/credential-status` only:
   * the presenter holds the key the 网证 is bound to (its `cnf`, and the stored device's key
   * while that row exists), whatever the 网证's status now — so a wallet whose 网证 was revoked
   * can learn why. The caller answers with that one credential's status and reason, nothing else.
   */
  async identify(req: BoundRequest): Promise<IdentifiedCredential> {
    const v = this.#verify(req);
    const r = this.deps.store.reader;
    const credential = typeof v.credentialId === 'string' ? await r.credentials.findById(v.credentialId) : undefined;
    if (!credential) throw new WzError('invalid_credential', 'This 网证 is not known to the platform.');
    const device = credential.deviceId ? await r.devices.findById(credential.deviceId) : undefined;
    if (device && device.thumbprint !== v.thumbprint) throw new WzError('invalid_presentation', 'This 网证 is not bound to this device.');
    const person = credential.personId ? await r.persons.findById(credential.personId) : undefined;
    await this.deps.nonces.spend(v.nonce);
    return { credential, device, person };
  }

  /** Steps 1–3: nonce, binding, presentation. Nothing is read from the store yet. */
  #verify(req: BoundRequest): { nonce: CheckedNonce; credentialId: unknown; thumbprint: string } {
    const nonce = this.deps.nonces.check(req.body['nonce']);
    const expected = expectedNonce(nonce.value, req);
    const presentation = req.body['presentation'];
    if (typeof presentation !== 'string' || presentation.length > MAX_PRESENTATION) {
      throw new WzError('invalid_presentation', 'Present your 网证 with a key binding.');
    }
    checkBinding(presentation, expected);
    const v = verifyPresentation(presentation, {
      keys: this.deps.signing.flatMap((r) => r.verifiers),
      algorithms: ISSUER_ALGS,
      holderAlgorithms: HOLDER_ALGS,
      issuer: this.deps.issuerUrl,
      audience: this.deps.issuerUrl,
      nonce: expected,
      now: Math.floor(this.deps.now() / 1000),
    });
    return { nonce, credentialId: v.payload.jti, thumbprint: jwkThumbprint(v.holderJwk) };
  }

  async #loadHolder(credentialId: unknown, thumbprint: string): Promise<AuthenticatedPerson> {
    const r = this.deps.store.reader;
    const credential = typeof credentialId === 'string' ? await r.credentials.findById(credentialId) : undefined;
    if (!credential || credential.personId === null) throw new WzError('invalid_credential', 'This 网证 is not known to the platform.');
    const device = credential.deviceId ? await r.devices.findById(credential.deviceId) : undefined;
    if (!device || device.personId !== credential.personId || device.thumbprint !== thumbprint) {
      throw new WzError('invalid_presentation', 'This 网证 is not bound to this device.');
    }
    // The reason is a code (`device_lost`, `reenrolled`…), never text about the person: the wallet shows it.
    const why = credential.reason ? ` (reason: ${credential.reason})` : '';
    if (device.revokedAt !== null) throw new WzError('device_revoked', `This device was revoked${why}; its 网证 no longer works. Enroll again on this phone to use it.`);
    if (credential.status !== 'valid') throw new WzError('credential_revoked', `This 网证 has been revoked or suspended${why}.`);
    if (credential.expiresAt <= this.deps.now()) throw new WzError('credential_expired', 'This 网证 has expired.');
    const person = await r.persons.findById(credential.personId);
    if (!person || !SELF_SERVICE.has(person.status)) throw new WzError('credential_revoked', 'This 网证 cannot be used.');
    const dek = this.deps.protector.unwrapDataKey(person.id, person.wrappedDek, person.kekId);
    return { person, profile: openProfile(this.deps.protector, dek, person), dek, credential, device };
  }
}

/** What the key-binding JWT's `nonce` must be for this request; a body without a canonical form is bad input. */
function expectedNonce(platformNonce: string, req: BoundRequest): string {
  try {
    return boundNonce(platformNonce, req);
  } catch (e) {
    if (e instanceof TypeError) throw new WzError('invalid_request', 'The request body cannot be bound (unsupported JSON value or too large).', { detail: e.message });
    throw e;
  }
}

/**
 * Step 2: the key-binding JWT's `nonce`, read WITHOUT verification, must be this request's.
 * Anything else — another digest (method, path or body changed after signing), another platform
 * nonce (a captured presentation moved onto a new request), an unbound nonce (a presentation
 * made for another API) — is `request_binding_mismatch`. Anything unreadable is left to step 3,
 * which refuses it with its own code.
 */
function checkBinding(presentation: string, expected: string): void {
  let claimed: unknown;
  try {
    const kb = splitCompact(presentation).kbJwt;
    claimed = (JSON.parse(Buffer.from(kb.split('.')[1] ?? '', 'base64url').toString('utf8')) as { nonce?: unknown } | null)?.nonce;
  } catch {
    return;
  }
  if (typeof claimed === 'string' && claimed !== expected) {
    throw new WzError('request_binding_mismatch', 'This request is not the one the device signed (nonce, method, path or body differ); nothing was changed.');
  }
}
