/**
 * Enrollment of a 14–17-year-old (Art. 4): the enrollment waits, sealed, for the guardian. The
 * guardian's wallet asks what it approves (the child's masked name, document type and age band)
 * and signs a fresh nonce with its own 网证; the registry must record the guardianship; then the
 * 网证 is issued into the enrollment and the minor collects it. Trusted after: the guardian's
 * presentation (enrollment/guardian.ts), the registry's answer, the enrollment's own nonce.
 */
import { timingSafeEqual } from 'node:crypto';
import { b64u, randomBytes } from '@wangzheng/core/crypto/index';
import type { DocumentType } from '@wangzheng/core/documents/document-types';
import { WzError } from '@wangzheng/core/errors';
import { maskName } from '@wangzheng/core/verification/disclosure';
import type { Registry } from '../registry/index.ts';
import type { GuardianCheck } from './guardian.ts';
import type { Issuer, IssuedCredential } from './issue.ts';
import type { EnrollmentSessions, Opened } from './session.ts';
import type { EnrollmentState } from './state.ts';
import { faultPoint } from '../faults/points.ts';

export interface GuardianApprovalDeps {
  readonly sessions: EnrollmentSessions;
  readonly registry: Registry;
  readonly guardians: GuardianCheck;
  readonly issuer: Issuer;
}

/** Constant-time comparison of two digests (base64url text). */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class GuardianApproval {
  constructor(private readonly deps: GuardianApprovalDeps) {}

  /** The guardian's wallet asks what it is approving and gets a nonce to sign. */
  async challenge(approvalCode: string): Promise<{ nonce: string; child: { name: string; documentType: DocumentType; ageBand: string }; expiresAt: string }> {
    const o = await this.#byApprovalCode(approvalCode);
    const nonce = b64u(randomBytes(24));
    const state: EnrollmentState = { ...o.state, guardianApprovalNonceHash: b64u(this.deps.sessions.digest(nonce)) };
    await this.deps.sessions.advance(o, 'guardian_approval', state, 'approval:challenge', { keepNonce: true });
    const e = o.state.enrollee!;
    return {
      nonce,
      child: { name: maskName(e.name), documentType: e.documentType, ageBand: e.ageBand },
      expiresAt: new Date(o.record.expiresAt).toISOString(),
    };
  }

  async approve(approvalCode: string, req: { nonce: string; presentation: string; approve: boolean }): Promise<{ status: 'approved' | 'declined' }> {
    const o = await this.#byApprovalCode(approvalCode);
    const expected = o.state.guardianApprovalNonceHash;
    if (!expected || typeof req.nonce !== 'string' || !sameDigest(expected, b64u(this.deps.sessions.digest(req.nonce)))) {
      throw new WzError('nonce_mismatch', 'Ask for an approval challenge first and sign its nonce.');
    }
    const g = await this.deps.guardians.authenticate(req.presentation, req.nonce);
    const e = o.state.enrollee!;
    const isGuardian = await this.deps.registry.isGuardian({ guardianRef: g.personRef, childRef: e.personRef });
    if (!isGuardian) throw new WzError('not_a_guardian', 'The registry does not record you as this person’s guardian.');
    if (!req.approve) {
      await this.deps.sessions.end(o.id, 'failed', 'guardian_required');
      return { status: 'declined' };
    }
    const { guardianApprovalNonceHash: _n, ...rest } = o.state;
    await this.deps.issuer.issue(o, { ...rest, guardian: { personId: g.personId, personRef: g.personRef } }, { collectNow: false });
    faultPoint('enrollment.guardian.after-commit');
    return { status: 'approved' };
  }

  async collect(id: string, token: string | undefined, req: { nonce: string }): Promise<{ status: 'issued' } & IssuedCredential> {
    const o = await this.deps.sessions.load(id, token);
    if (o.step === 'guardian_approval') throw new WzError('guardian_approval_pending', 'Your guardian has not approved this enrollment yet.');
    const opened = await this.deps.sessions.open(id, token, 'issued', req.nonce);
    const issued = opened.state.issued!;
    await this.deps.sessions.end(opened.id, 'issued');
    return { status: 'issued', netid: issued.netid, credentialId: issued.credentialId, credential: issued.credential, expiresAt: new Date(issued.expiresAt).toISOString() };
  }

  async #byApprovalCode(code: string): Promise<Opened> {
    if (typeof code !== 'string' || !/^[2-9A-HJ-NP-Z]{8}$/.test(code)) throw new WzError('enrollment_not_found', 'No enrollment awaits approval with this code.');
    return this.deps.sessions.loadByApprovalCode(this.deps.sessions.digest(code));
  }
}
