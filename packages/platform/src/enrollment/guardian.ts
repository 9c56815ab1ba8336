/**
 * Who is this guardian? A guardian acts (enrolls a child under 14, approves a 14–17-year-old)
 * only from their own enrolled wallet, by presenting their 网证 (credential/holder.ts checks
 * it) — and must be an adult. The guardianship itself is then the registry's answer, asked by
 * the caller.
 */
import { ageOn, chinaDate } from '@wangzheng/core/calendar';
import { WzError } from '@wangzheng/core/errors';
import type { HolderVerifier } from '../credential/holder.ts';

export interface AuthenticatedGuardian {
  readonly personId: string;
  readonly personRef: string;
}

export interface GuardianCheck {
  authenticate(presentation: unknown, nonce: string): Promise<AuthenticatedGuardian>;
}

export class PresentationGuardianCheck implements GuardianCheck {
  constructor(private readonly deps: { holders: HolderVerifier; now: () => number }) {}

  async authenticate(presentation: unknown, nonce: string): Promise<AuthenticatedGuardian> {
    const h = await this.deps.holders.authenticate(presentation, nonce);
    if (ageOn(h.profile.birthDate, chinaDate(this.deps.now())) < 18) {
      throw new WzError('not_a_guardian', 'A guardian must be an adult.');
    }
    return { personId: h.person.id, personRef: h.profile.personRef };
  }
}
