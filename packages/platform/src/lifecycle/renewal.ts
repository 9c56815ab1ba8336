/**
 * Renewing a 网证 before it expires (`POST /v1/me/renew`): a new 网证 for the same person (same
 * 网号) on the same device, and the old one revoked with reason `renewed` — in one transaction,
 * with a `credential_renewed` history event, an audit entry (`credential.renewed`) and a Shared
 * Signals `credential_revoked` SET (cause `renewal`) to every relying party that knows the person.
 *
 * When: only within `WZ_RENEWAL_WINDOW_DAYS` (default 30) before the current 网证 expires —
 * earlier is `renewal_not_due` (409), with the date the window opens. Not at any time, because
 * each renewal takes a status-list position and tells every relying party; a window bounds that
 * to once per validity period, and leaves a found phone no way to churn credentials. A renewal
 * that would not end later than the current 网证 — it already ends with the document's validity
 * or at an age boundary — is `renewal_not_extended` (409): the person enrolls again with a
 * renewed document, or (age boundary) after that birthday. An expired 网证 cannot be renewed at
 * all (authentication refuses it): the person enrolls again.
 *
 * Trust: `me` is authenticated (auth.ts); the device key signed this very request, so the new
 * 网证 is bound to a key whose possession was just proven. The old 网证's state is re-checked
 * inside the transaction (compare-and-set): of two concurrent renewals, one wins.
 */
import { WzError } from '@wangzheng/core/errors';
import type { PublicJwk } from '@wangzheng/core/crypto/index';
import type { Renewed } from '@wangzheng/core/person/controls';
import type { AuthenticatedPerson } from '../person/auth.ts';
import { historyEvent } from '../person/history.ts';
import type { DataProtector } from '../protect/index.ts';
import type { Store } from '../store/index.ts';
import { reissue, reissueTerms, type ReissueDeps } from './reissue.ts';
import { noticeRevocation, type RevocationSinks } from '../notify/revocation.ts';
import { faultPoint } from '../faults/points.ts';

/** The reason code on a 网证 replaced by its renewal. */
export const RENEWED = 'renewed';
const DAY = 86_400_000;

export interface RenewalDeps extends ReissueDeps, RevocationSinks {
  readonly store: Store;
  readonly protector: DataProtector;
  /** WZ_RENEWAL_WINDOW_DAYS. */
  readonly windowDays: number;
  readonly now: () => number;
}

export class Renewal {
  constructor(private readonly deps: RenewalDeps) {}

  async renew(me: AuthenticatedPerson): Promise<Renewed> {
    const now = this.deps.now();
    const opensAt = me.credential.expiresAt - this.deps.windowDays * DAY;
    if (now < opensAt) {
      throw new WzError('renewal_not_due', `Your 网证 can be renewed from ${new Date(opensAt).toISOString()} (${this.deps.windowDays} days before it expires).`);
    }
    const terms = reissueTerms(this.deps, me.profile, now);
    if (terms.expiresAt <= me.credential.expiresAt) {
      throw new WzError('renewal_not_extended', 'A renewed 网证 would not last longer: it already ends with your document’s validity or at an age boundary. Enroll again with a renewed document, or after that date.');
    }
    const renewed = await this.deps.store.transaction(async (tx) => {
      const device = await tx.devices.findById(me.device.id);
      if (!device || device.revokedAt !== null) throw new WzError('device_revoked', 'This device was revoked; its 网证 cannot be renewed.');
      const current = await tx.credentials.findById(me.credential.id);
      if (current?.status !== 'valid' || !(await tx.credentials.setStatus(me.credential.id, 'revoked', { reason: RENEWED, at: now }))) {
        throw new WzError('credential_revoked', 'This 网证 was revoked or renewed just now.');
      }
      const minted = await reissue(tx, this.deps, {
        personId: me.person.id,
        netid: me.person.netid,
        deviceId: device.id,
        deviceJwk: JSON.parse(device.publicJwk) as PublicJwk,
        terms,
        now,
      });
      await tx.events.append(
        historyEvent(this.deps.protector, { personId: me.person.id, dek: me.dek }, { kind: 'credential_renewed', deviceId: device.id, credentialId: minted.credentialId, replacedCredentialId: me.credential.id }, now),
      );
      await noticeRevocation(tx, this.deps, { personId: me.person.id, dek: me.dek, action: 'credential.renewed', cause: 'renewal', revoked: 1 });
      faultPoint('lifecycle.renew.before-commit');
      return {
        status: 'renewed',
        netid: me.person.netid,
        credentialId: minted.credentialId,
        credential: minted.sdJwt,
        expiresAt: new Date(terms.expiresAt).toISOString(),
        deviceId: device.id,
        revokedCredentialId: me.credential.id,
      } satisfies Renewed;
    });
    faultPoint('lifecycle.renew.after-commit');
    return renewed;
  }
}
