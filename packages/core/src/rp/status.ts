/**
 * An RP's life: `pending` → `approved` | `rejected`; `approved` → `suspended` → `approved`.
 * `rejected` is final (the organisation applies again). Only an `approved` RP may verify people.
 */
import { WzError } from '../errors.ts';
import type { RpStatus } from './types.ts';

export const RP_ACTIONS = ['approve', 'reject', 'suspend', 'reinstate'] as const;
export type RpAction = (typeof RP_ACTIONS)[number];

/** For each operator action: the status it starts from and the one it leads to. */
export const RP_TRANSITIONS: Readonly<Record<RpAction, { readonly from: RpStatus; readonly to: RpStatus }>> = {
  approve: { from: 'pending', to: 'approved' },
  reject: { from: 'pending', to: 'rejected' },
  suspend: { from: 'approved', to: 'suspended' },
  reinstate: { from: 'suspended', to: 'approved' },
};

/** @throws WzError `rp_state_conflict` when `action` does not apply to an RP in `status`. */
export function assertTransition(status: RpStatus, action: RpAction): RpStatus {
  const t = RP_TRANSITIONS[action];
  if (t.from !== status) throw new WzError('rp_state_conflict', `Cannot ${action} a relying party that is ${status} (only one that is ${t.from}).`);
  return t.to;
}

/**
 * For the flows that verify people (authorization, token, receipts): only an approved RP.
 * @throws WzError `rp_suspended` or `rp_not_approved`.
 */
export function assertRpActive(rp: { readonly status: RpStatus }): void {
  if (rp.status === 'approved') return;
  if (rp.status === 'suspended') throw new WzError('rp_suspended', 'This relying party is suspended by the operator.');
  throw new WzError('rp_not_approved', `This relying party is not approved (status: ${rp.status}).`);
}
