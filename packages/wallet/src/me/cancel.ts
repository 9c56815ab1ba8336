/**
 * Cancelling the 网号 (注销), wallet side: one bound request (`POST /v1/me/cancel`) with the
 * passphrase and the confirmation word. The platform answers once everything about the person
 * is deleted and every relying party that knew them has been queued an `account-purged` event;
 * from then on the 网证 works nowhere and this keystore holds nothing usable (`forgetKeystore`).
 *
 * The caller must pass the confirmation word itself (`CANCEL_CONFIRMATION`), after the person
 * typed their own confirmation: nothing here supplies it by default.
 *
 * @example
 *   const done = await cancelNetid(me, { passphrase, confirm: CANCEL_CONFIRMATION });
 *   await forgetKeystore(wallet.path);
 */
import type { CANCEL_CONFIRMATION, Cancelled } from '@wangzheng/core/person/cancel';
import type { MeClient } from './client.ts';

export { CANCEL_CONFIRMATION, type Cancelled } from '@wangzheng/core/person/cancel';

export function cancelNetid(me: MeClient, req: { passphrase: string; confirm: typeof CANCEL_CONFIRMATION }): Promise<Cancelled> {
  return me.call<Cancelled>('/v1/me/cancel', { passphrase: req.passphrase, confirm: req.confirm });
}
