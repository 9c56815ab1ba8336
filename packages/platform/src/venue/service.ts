/**
 * Venue passes (场所码, docs/venue.md): the platform issues the person's wallet a compact pass,
 * signed with the platform's credential key of the configured suite, that the wallet turns into
 * a QR code every 30 s and a venue checks offline.
 *
 * The request is an ordinary `/v1/me` bound request (person/auth.ts: single-use nonce, request
 * binding, 网证 presentation, holder checks) whose presentation ALSO discloses `age_over_18` and
 * `name` — exactly those two. The values come from the issuer-signed 网证 the person presents,
 * not from the platform's sealed profile: the pass says what the 网证 says. The platform masks the
 * name (core/verification/disclosure.ts `maskName`: 刘*), commits to both values with fresh salts,
 * signs, and answers the salts and values to the wallet. It keeps none of them: the only row
 * written is a history event (`venue_pass_issued`) sealed with the person's own data key,
 * holding ids and the expiry — no value, no salt, no pass.
 *
 * Refused: a locked person (`person_status_conflict`: nothing verifies while locked, and a pass
 * would outlive an unlock check by up to a day), a child under 14 (`guardian_required`: each use of
 * a child's 网证 needs a guardian's consent, which an offline pass shown anywhere cannot carry),
 * a presentation that does not disclose exactly `age_over_18` and `name`
 * (`venue_disclosure_required`).
 *
 * A pass lives 24 h (never past the 网证's own expiry) and carries the 网证's status-list entry,
 * so a ban or revocation reaches every checker with its next status-list refresh.
 */
import { ageOn, chinaDate } from '@wangzheng/core/calendar';
import { verifyPresentation } from '@wangzheng/core/credential/index';
import type { KeyRing, SigAlg, SuiteName } from '@wangzheng/core/crypto/index';
import { WzError } from '@wangzheng/core/errors';
import { boundNonce, type BoundRequest } from '@wangzheng/core/person/request-digest';
import { maskName } from '@wangzheng/core/verification/disclosure';
import { fitMaskedName, issueVenuePass, VENUE_PASS_TTL_SECONDS, venuePassGrant, type VenuePassGrant } from '@wangzheng/core/venue/index';
import { nodeDigest, nodeVenueSigner } from '@wangzheng/core/venue/node';
import type { AuthenticatedPerson, PersonAuthenticator } from '../person/auth.ts';
import { EVENT_PURPOSE } from '../person/history.ts';
import type { DataProtector } from '../protect/index.ts';
import type { Store } from '../store/index.ts';

export const VENUE_PASS_PATH = '/v1/me/venue-pass';
/** The history event recorded for each pass (person/history.ts). */
export const VENUE_PASS_EVENT = 'venue_pass_issued';
/** The claims the presentation must disclose for a pass — exactly these. */
export const VENUE_PASS_DISCLOSURES = ['age_over_18', 'name'] as const;

const ISSUER_ALGS: SigAlg[] = ['SM2', 'ES256'];
const HOLDER_ALGS: SigAlg[] = ['SM2', 'ES256', 'EdDSA'];

export interface VenuePassDeps {
  readonly auth: PersonAuthenticator;
  readonly store: Store;
  readonly protector: DataProtector;
  /** The platform's key rings: every key verifies a 网证; the configured suite's signs passes. */
  readonly signing: { readonly gm: KeyRing; readonly intl: KeyRing };
  /** The configured suite (config.suite): SM2 + SM3 passes (gm) or ES256 + SHA-256 (intl). */
  readonly suite: SuiteName;
  readonly issuerUrl: string;
  /** Epoch milliseconds. */
  readonly now: () => number;
  /** Default VENUE_PASS_TTL_SECONDS (24 h). */
  readonly ttlSeconds?: number;
}

/** The details of a `venue_pass_issued` history event (sealed for the person). */
export interface VenuePassEventDetails {
  readonly deviceId: string;
  readonly credentialId: string;
  readonly expiresAt: string;
  /** Which claims the pass can reveal (names only). */
  readonly claims: readonly string[];
}

export class VenuePasses {
  constructor(private readonly deps: VenuePassDeps) {}

  /** `POST /v1/me/venue-pass`: authenticate the bound request, then issue. `body` as received. */
  async request(body: Record<string, unknown>): Promise<VenuePassGrant> {
    const req: BoundRequest = { method: 'POST', path: VENUE_PASS_PATH, body };
    const me = await this.deps.auth.authenticate(req);
    return this.issue(me, req);
  }

  async issue(me: AuthenticatedPerson, req: BoundRequest): Promise<VenuePassGrant> {
    const d = this.deps;
    const nowMs = d.now();
    const now = Math.floor(nowMs / 1000);
    // The same presentation authentication verified, once more for what it discloses (pure; the nonce is already spent).
    const v = verifyPresentation(req.body['presentation'] as string, {
      keys: [d.signing.gm, d.signing.intl].flatMap((r) => r.verifiers),
      algorithms: ISSUER_ALGS,
      holderAlgorithms: HOLDER_ALGS,
      issuer: d.issuerUrl,
      audience: d.issuerUrl,
      nonce: boundNonce(String(req.body['nonce']), req),
      now,
    });
    if (v.payload.jti !== me.credential.id) throw new WzError('invalid_presentation', 'This 网证 is not the one authenticated.');
    const disclosed = v.disclosed as Record<string, unknown>;
    const names = Object.keys(disclosed).sort();
    const age = disclosed['age_over_18'];
    const name = disclosed['name'];
    if (names.join(',') !== [...VENUE_PASS_DISCLOSURES].sort().join(',') || typeof age !== 'boolean' || typeof name !== 'string') {
      throw new WzError('venue_disclosure_required', 'For a venue pass, disclose exactly age_over_18 and name from your 网证 (and nothing else).');
    }
    if (me.person.status !== 'active') throw new WzError('person_status_conflict', 'Your 网证 is locked: unlock it to get a venue pass.');
    if (ageOn(me.profile.birthDate, chinaDate(nowMs)) < 14) {
      throw new WzError('guardian_required', 'Venue passes are not issued for children under 14: each use needs a guardian’s consent.');
    }
    const { statusList, statusIndex } = me.credential;
    if (statusList === null || statusIndex === null) throw new WzError('internal_error', 'This 网证 has no status-list entry.', { detail: 'credential without status entry' });
    const masked = fitMaskedName(maskName(name));
    if (masked === '') throw new WzError('venue_disclosure_required', 'The 网证 holds no name to show.');

    const expiresAt = Math.min(now + (d.ttlSeconds ?? VENUE_PASS_TTL_SECONDS), Math.floor(me.credential.expiresAt / 1000));
    if (expiresAt <= now) throw new WzError('credential_expired', 'This 网证 has expired.');
    const ring = d.suite === 'gm' ? d.signing.gm : d.signing.intl;
    const issued = await issueVenuePass({
      signer: nodeVenueSigner(ring.signer),
      suite: d.suite,
      digest: nodeDigest,
      issuedAt: now,
      expiresAt,
      status: { list: statusList, idx: statusIndex },
      deviceJwk: v.holderJwk,
      claims: { age_over_18: age, masked_name: masked },
    });

    const details: VenuePassEventDetails = {
      deviceId: me.device.id,
      credentialId: me.credential.id,
      expiresAt: new Date(expiresAt * 1000).toISOString(),
      claims: ['age_over_18', 'masked_name'],
    };
    await d.store.transaction(async (tx) => {
      await tx.events.append({ personId: me.person.id, type: VENUE_PASS_EVENT, createdAt: nowMs, data: d.protector.sealFor(me.dek, me.person.id, EVENT_PURPOSE, details) });
    });
    return venuePassGrant(issued, now, expiresAt);
  }
}
