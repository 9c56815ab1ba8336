/**
 * Verification requests and receipts (凭据) — the real system's back-end pattern:
 *
 *   RP back end ──POST /v1/receipt-requests {bizSeq, mode, scopes}──▶ request id + reference
 *   person's wallet ──GET /v1/verifications/{ref}──▶ who asks, why, which mode and fields
 *   wallet ──POST …/{ref}/approve {presentation, passphrase?, probe?, consent}──▶ checked here
 *   RP back end ──POST /v1/receipt-requests/{id}/receipt──▶ platform-signed receipt, once
 *
 * By default (scope `result`) the RP learns only pass/fail, the mode, the time and its own
 * application identifier for the person. Extra fields only within the RP's approved scopes
 * and with the person's consent for this RP, recorded. An RP never gets a weaker mode than it
 * asked for: the factors the mode needs are all checked, or the request fails.
 *
 * Trusted: the relying party after client authentication; the person after HolderVerifier
 * (their 网证 + device key binding over this request's nonce); the passphrase against the
 * Argon2id hash (lockout after 5 failures); the face as the registry's 1:1 match on a
 * liveness nonce it issued for this request.
 */
import { ageOn, chinaDate } from '@wangzheng/core/calendar';
import { b64u, randomBytes, type KeyRing } from '@wangzheng/core/crypto/index';
import { WzError, isWzError } from '@wangzheng/core/errors';
import type { SecretRing } from '@wangzheng/core/identifiers/index';
import { assertRpActive } from '@wangzheng/core/rp/status';
import { assertScopesApproved, SENSITIVE_SCOPES } from '@wangzheng/core/rp/scopes';
import type { DisclosureScope, RelyingParty } from '@wangzheng/core/rp/types';
import { disclosedClaims, maskName } from '@wangzheng/core/verification/disclosure';
import { ACR_VALUES, modeFactors, parseMode, type Mode } from '@wangzheng/core/verification/modes';
import type { VerificationView } from '@wangzheng/core/verification/views';
import { presentedCredentialId } from '@wangzheng/core/credential/index';
import type { HolderVerifier, PresentedRead } from '../credential/holder.ts';
import { AWAITING_GUARDIAN, guardianDecides } from './guardian-approval.ts';
import { recordApproval, recordDecline, recordSettlement } from './settle.ts';
import { fetchReceipt, ownRequest, visibleStatus } from './receipt-fetch.ts';
import { requestView } from './view.ts';
import { openRequestOutcome, sealOutcome, type SealedOutcome } from './outcome.ts';
import { checkPassphraseFactor, lockedError } from '../passphrase/factor.ts';
import { encodeConsentSubject } from '../person/consent-subject.ts';
import type { AuditSink } from '../notify/sinks.ts';
import type { VerificationMetrics } from './metrics.ts';
import type { Answered, ApproveRequest, CreatedRequest, NewRequest, RequestWithKey } from './types.ts';
import { applicationIdentifier } from './app-ids.ts';

export { AWAITING_GUARDIAN } from './guardian-approval.ts';
export { PASSPHRASE_LOCK_AFTER, PASSPHRASE_LOCK_MS } from '../passphrase/factor.ts';
import type { PassphraseHasher } from '../passphrase/hasher.ts';
import { rpKind, type BlindIndexer, type DataProtector } from '../protect/index.ts';
import type { Registry } from '../registry/index.ts';
import { newId, type Store, type VerificationRequestRecord } from '../store/index.ts';

export const REQUEST_TTL_MS = 5 * 60_000;

export interface VerificationDeps {
  readonly store: Store;
  readonly protector: DataProtector;
  readonly blindIndexer: BlindIndexer;
  readonly registry: Registry;
  readonly hasher: PassphraseHasher;
  readonly holders: HolderVerifier;
  readonly signing: { readonly gm: KeyRing; readonly intl: KeyRing };
  readonly appidKeys: SecretRing;
  /** Key for deriving request references (domain-separated HMAC; the blind-index ring in practice). */
  readonly refKeys: SecretRing;
  readonly issuer: string;
  readonly now: () => number;
  /** The audit trail: every completed or failed verification, the person only as a data-key-derived reference. */
  readonly audit?: AuditSink;
  /** Operations metrics (ops/metrics.ts): kinds, modes, results, codes and times only. None: nothing is reported. */
  readonly metrics?: VerificationMetrics;
}

/** The web wallet's page for request `ref`, on the platform's own origin (the wallet reads `ref` and `iss` from the fragment). */
export function webWalletUrl(issuer: string, ref: string): string {
  return `${new URL('wallet/', issuer.endsWith('/') ? issuer : `${issuer}/`).href}#/verify?ref=${ref}&iss=${encodeURIComponent(issuer)}`;
}

export class VerificationService {
  constructor(private readonly deps: VerificationDeps) {}

  // ---------------------------------------------------------------- relying party side

  async createReceiptRequest(rp: RelyingParty, req: { bizSeq: string; mode: string; scopes?: string[] }): Promise<CreatedRequest> {
    return this.createRequest(rp, { kind: 'receipt', bizSeq: req.bizSeq, mode: req.mode, ...(req.scopes ? { scopes: req.scopes } : {}) });
  }

  /**
   * A verification request of any kind (`receipt`, `oidc`, `reverify`): checks the RP is
   * approved, the mode is known, the scopes are within the RP's approval. `personId` addresses
   * it to one person (re-verification): only they can answer it.
   */
  async createRequest(rp: RelyingParty, req: NewRequest): Promise<CreatedRequest> {
    return (await this.#create(rp, req)).created;
  }

  /** `createRequest` and the request's view, not read back (the OIDC authorize page). */
  async createAndDescribe(rp: RelyingParty, req: NewRequest): Promise<{ created: CreatedRequest; view: VerificationView }> {
    const { created, record } = await this.#create(rp, req);
    return { created, view: requestView(record, rp, this.deps.issuer) };
  }

  async #create(rp: RelyingParty, req: NewRequest): Promise<{ created: CreatedRequest; record: VerificationRequestRecord }> {
    assertRpActive(rp);
    const mode = parseMode(req.mode);
    const scopes = [...new Set(['result', ...(req.scopes ?? [])])];
    assertScopesApproved(rp, scopes);
    const id = newId();
    const ref = this.refFor(id);
    const now = this.deps.now();
    const ttl = req.ttlMs ?? REQUEST_TTL_MS;
    let record: VerificationRequestRecord;
    try {
      record = await this.deps.store.verifications.insert({
        id,
        refHash: this.#refHash(ref),
        clientId: rp.clientId,
        kind: req.kind,
        bizSeq: req.bizSeq ?? null,
        mode,
        scopes,
        nonce: b64u(randomBytes(24)),
        expiresAt: now + ttl,
        createdAt: now,
        ...(req.personId ? { personId: req.personId } : {}),
        ...(req.bindingMessage ? { bindingMessage: req.bindingMessage } : {}),
      });
    } catch (e) {
      if (isWzError(e, 'conflict')) throw new WzError('biz_seq_reused', 'This bizSeq was used for an earlier request; every request needs its own.');
      throw e;
    }
    this.deps.metrics?.requested(req.kind, mode);
    const created = {
      requestId: id,
      ref,
      link: `wangzheng://verify?ref=${ref}&iss=${encodeURIComponent(this.deps.issuer)}`,
      walletUrl: webWalletUrl(this.deps.issuer, ref),
      mode,
      acr: ACR_VALUES[mode],
      expiresAt: new Date(now + ttl).toISOString(),
    };
    return { created, record };
  }

  /** A request by id (any kind), for the modules built on this service (OIDC, re-verification). */
  async findRequest(id: string): Promise<VerificationRequestRecord | undefined> {
    return typeof id === 'string' ? this.deps.store.verifications.findById(id) : undefined;
  }

  /**
   * A request by id with a way to open its sealed outcome (application identifier, face score,
   * consented claims), read in one statement: the request and its person's wrapped data key (or
   * both as read already). `outcome()` throws `verification_not_found` once the person is gone.
   */
  async findWithOutcome(id: string | RequestWithKey): Promise<{ request: VerificationRequestRecord; outcome(): SealedOutcome } | undefined> {
    const found = typeof id === 'string' ? await this.deps.store.verifications.findWithDataKey(id) : id;
    if (!found) return undefined;
    return { request: found.request, outcome: () => openRequestOutcome(this.deps.protector, found.request, found.dataKey) };
  }

  async status(rp: RelyingParty, id: string): Promise<{ requestId: string; status: string; expiresAt: string }> {
    const r = await this.#own(rp, id);
    return { requestId: r.id, status: visibleStatus(r, this.deps.now()), expiresAt: new Date(r.expiresAt).toISOString() };
  }

  /** The platform-signed receipt, once (receipt-fetch.ts). */
  async fetchReceipt(rp: RelyingParty, id: string): Promise<{ receipt: string }> {
    return fetchReceipt(this.deps, rp, id);
  }

  // ---------------------------------------------------------------- wallet side

  /** What the wallet shows before the person decides. */
  async describe(ref: string): Promise<VerificationView> {
    const { r, rp } = await this.#pending(ref);
    return requestView(r, rp, this.deps.issuer);
  }

  /** A face mode: the registry's liveness nonce for this request's camera capture. */
  async faceChallenge(ref: string): Promise<{ nonce: string; expiresAt: string }> {
    const { r } = await this.#pending(ref);
    if (!modeFactors(r.mode as Mode).face) throw new WzError('invalid_request', 'This request does not use face verification.');
    const c = await this.deps.registry.faceChallenge();
    await this.deps.store.verifications.transition(r.id, 'pending', { faceChallenge: c.nonce });
    return c;
  }

  async answer(ref: string, a: ApproveRequest): Promise<Answered> {
    // Metrics: a settlement is reported where it happens; any other end of this call is a refusal.
    let settled = false;
    const report = (r: VerificationRequestRecord, result: 'pass' | 'fail', code?: string): void => {
      settled = true;
      this.deps.metrics?.settled({ kind: r.kind, mode: r.mode as Mode, result, ...(code ? { code } : {}), seconds: (this.deps.now() - r.createdAt) / 1000 });
    };
    try {
      return await this.#answer(ref, a, report);
    } catch (e) {
      if (!settled) this.deps.metrics?.refused(isWzError(e) ? e.code : 'internal_error');
      throw e;
    }
  }

  async #answer(ref: string, a: ApproveRequest, report: (r: VerificationRequestRecord, result: 'pass' | 'fail', code?: string) => void): Promise<Answered> {
    const { r, rp, read } = await this.#pending(ref, a.presentation);
    const now = this.deps.now();
    if (!a.approve) {
      // With a presentation the decline is the person's own: it is attributed to them and shown in their history.
      const who = a.presentation === undefined ? undefined : await this.deps.holders.authenticate(a.presentation, r.nonce, read);
      if (who && r.personId !== null && r.personId !== who.person.id) throw new WzError('verification_not_found', 'No such verification request.');
      await recordDecline(this.deps, r, rp, who && { personId: who.person.id, dek: who.dek }, now);
      report(r, 'fail', 'declined');
      return { status: 'declined', rp: rp.name };
    }
    const holder = await this.deps.holders.authenticate(a.presentation, r.nonce, read);
    const { person, profile, dek } = holder;
    // A request addressed to one person (re-verification; a guardian's approval) can be answered only by them.
    if (r.personId !== null && r.personId !== person.id) throw new WzError('verification_not_found', 'No such verification request.');
    if (r.failure === AWAITING_GUARDIAN) {
      const decided = await guardianDecides(this.deps, r, rp, holder, now);
      report(r, 'pass');
      return decided;
    }
    const today = chinaDate(now);
    const child = ageOn(profile.birthDate, today) < 14;
    const guardianId = profile.guardians?.[0];
    if (child && !guardianId) {
      throw new WzError('guardian_required', 'A child under 14 uses the 网证 at a relying party only with a guardian, and no guardian is on record.');
    }

    // Fields beyond the result: the person consents to exactly these, for this RP.
    const extra = r.scopes.filter((s) => s !== 'result');
    if (extra.length > 0) {
      // PIPL Art. 29: sensitive fields need a separate consent — they must be in `sensitive`.
      const ordinary = new Set(a.consent?.scopes ?? []);
      const separate = new Set(a.consent?.sensitive ?? []);
      const ok = extra.every((s) => ((SENSITIVE_SCOPES as readonly string[]).includes(s) ? separate.has(s) : ordinary.has(s)));
      if (!ok) {
        throw new WzError('consent_required', 'This relying party asks for more than the result: consent to each field, and separately to the sensitive ones.');
      }
    }

    const factors = modeFactors(r.mode as Mode);
    if (factors.passphrase && (await checkPassphraseFactor(this.deps, person.id, a.passphrase, now)) === 'locked_now') {
      await this.#settle(r, { status: 'failed', failure: 'passphrase_locked', personId: person.id }, { dek, clientId: rp.clientId });
      report(r, 'fail', 'passphrase_locked');
      throw lockedError();
    }

    let faceSimilarity: number | undefined;
    if (factors.face) {
      if (!r.faceChallenge) throw new WzError('challenge_expired', 'Ask for a face challenge first.');
      const m = await this.deps.registry.faceMatch({ personRef: profile.personRef, nonce: r.faceChallenge, probe: a.probe as number[] });
      faceSimilarity = Math.round(m.similarity * 10_000) / 10_000;
      if (!m.match) {
        const sealed = this.#seal(dek, person.id, r, { appId: '', faceSimilarity, claims: {} });
        await this.#settle(r, { status: 'failed', failure: 'face_mismatch', personId: person.id, result: sealed, approvedAt: now }, { dek, clientId: rp.clientId });
        report(r, 'fail', 'face_mismatch');
        return { status: 'failed', failure: 'face_mismatch', rp: rp.name };
      }
    }

    const recorded = profile.appIds?.[rp.clientId];
    const appId = recorded ?? applicationIdentifier(this.deps.appidKeys, person.netid, rp);
    // Art. 5: the first use of a child's 网证 at a relying party needs their guardian's approval
    // in the guardian's own wallet. Until then the request stays pending (the RP sees only
    // "pending" — not that the person is a child) and then expires.
    if (child && !(await this.deps.store.consents.findActive(person.id, encodeConsentSubject({ kind: 'guardian_rp', clientId: rp.clientId })))) {
      const g = await this.deps.store.persons.findById(guardianId!);
      if (!g || g.status !== 'active') throw new WzError('guardian_required', 'The guardian on record cannot approve at the moment.');
      const gdek = this.deps.protector.unwrapDataKey(g.id, g.wrappedDek, g.kekId);
      const held = this.deps.protector.sealFor(gdek, g.id, 'verification', {
        requestId: r.id,
        childPersonId: person.id,
        childName: maskName(profile.name),
        appId,
        ...(faceSimilarity !== undefined ? { faceSimilarity } : {}),
      });
      await this.#settle(r, { status: 'pending', failure: AWAITING_GUARDIAN, personId: g.id, result: held });
      return { status: 'awaiting_guardian', rp: rp.name };
    }
    const claims = disclosedClaims(
      { name: profile.name, sex: profile.sex, birthDate: profile.birthDate, documentType: profile.documents.at(-1)?.type ?? '', documentNumber: profile.documents.at(-1)?.number ?? '', phone: profile.phone },
      r.scopes as DisclosureScope[],
      today,
    );
    const sealed = this.#seal(dek, person.id, r, { appId, ...(faceSimilarity !== undefined ? { faceSimilarity } : {}), claims });
    await recordApproval(this.deps, r, rp, { personId: person.id, dek, sealed, extra, appId, appIdRecorded: recorded !== undefined }, now);
    report(r, 'pass');
    return { status: 'approved', rp: rp.name };
  }

  // ---------------------------------------------------------------- helpers

  /** Settles a request; a failure of an identified person is audited in the same transaction. */
  async #settle(r: VerificationRequestRecord, patch: Parameters<Store['verifications']['transition']>[2], failedFor?: { dek: Uint8Array; clientId: string }): Promise<void> {
    await recordSettlement(this.deps, r, patch, failedFor);
  }

  #seal(dek: Uint8Array, personId: string, r: VerificationRequestRecord, o: SealedOutcome): Uint8Array {
    return sealOutcome(this.deps.protector, dek, personId, r.id, o);
  }

  async #own(rp: RelyingParty, id: string): Promise<VerificationRequestRecord> {
    return ownRequest(rp, typeof id === 'string' ? await this.deps.store.verifications.findById(id) : undefined);
  }

  /**
   * A pending request by its reference, and its RP. With a presentation (the answer), the
   * credential it names is read in the same statement (issue 10): `read`, for HolderVerifier.
   */
  async #pending(ref: string, presentation?: unknown): Promise<{ r: VerificationRequestRecord; rp: RelyingParty; read?: PresentedRead }> {
    if (typeof ref !== 'string' || !/^[A-Za-z0-9_-]{22}$/.test(ref)) throw new WzError('verification_not_found', 'No such verification request.');
    const credentialId = presentedCredentialId(presentation);
    let r: VerificationRequestRecord | undefined;
    let read: PresentedRead | undefined;
    if (credentialId === undefined) r = await this.deps.store.verifications.findByRef(this.#refHash(ref));
    else {
      const found = await this.deps.store.verifications.findByRefPresenting(this.#refHash(ref), credentialId);
      r = found?.request;
      read = found && { id: credentialId, found: found.presented };
    }
    if (!r) throw new WzError('verification_not_found', 'No such verification request.');
    if (r.status !== 'pending') throw new WzError('verification_answered', 'This request has already been answered.');
    if (r.expiresAt <= this.deps.now()) throw new WzError('verification_expired', 'This request has expired; ask the service to start again.');
    const rp = await this.deps.store.relyingParties.findByClientId(r.clientId);
    if (!rp) throw new WzError('verification_not_found', 'No such verification request.');
    assertRpActive(rp);
    return read ? { r, rp, read } : { r, rp };
  }

  /**
   * The reference of a request: HMAC of its (random) id under a platform key. Stored only as a
   * digest, yet re-derivable for the wallet's pending list (re-verification, a guardian's
   * approval) — and unguessable without the key.
   */
  refFor(id: string): string {
    return b64u(this.deps.protector.suite.hmac(this.deps.refKeys[0].key, new TextEncoder().encode(`verification-ref\u0000${id}`)).subarray(0, 16));
  }

  #refHash(ref: string): Uint8Array {
    return this.deps.protector.suite.hash(new TextEncoder().encode(`verification-ref\u0000${ref}`));
  }
}
