/** What the wallet (and the OIDC authorize page) shows of a pending request before the person decides. */
import { SENSITIVE_SCOPES } from '@wangzheng/core/rp/scopes';
import type { RelyingParty } from '@wangzheng/core/rp/types';
import { MODE_NAMES, modeFactors, type Mode } from '@wangzheng/core/verification/modes';
import type { VerificationView } from '@wangzheng/core/verification/views';
import type { VerificationRequestRecord } from '../store/index.ts';

/** The view of request `r` of `rp`; `audience`: the platform's issuer, the audience of the wallet's presentation. */
export function requestView(r: VerificationRequestRecord, rp: RelyingParty, audience: string): VerificationView {
  const mode = r.mode as Mode;
  return {
    kind: r.kind,
    bindingMessage: r.bindingMessage,
    rp: { name: rp.name, category: rp.category, purpose: rp.purpose },
    mode,
    modeName: MODE_NAMES[mode],
    requires: modeFactors(mode),
    scopes: r.scopes.map((s) => ({
      scope: s,
      legalBasisRef: rp.approvedScopes.find((a) => a.scope === s)?.legalBasisRef ?? null,
      sensitive: (SENSITIVE_SCOPES as readonly string[]).includes(s),
    })),
    nonce: r.nonce,
    audience,
    expiresAt: new Date(r.expiresAt).toISOString(),
  };
}
