/**
 * Operator authentication for the admin routes of every domain: the `Authorization: Bearer`
 * header is checked by the operator authenticator, then the role the route needs.
 * - no or malformed header → 401 `unauthenticated` with a Bearer challenge (RFC 6750 §3);
 * - a token that is not an operator's → 401 `invalid_token` with `error="invalid_token"` (RFC 6750 §3.1);
 * - an operator without the route's role → 403 `role_required` (the role named, nothing else).
 * Returns the operator's actor id for the audit trail.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isWzError, WzError } from '@wangzheng/core/errors';
import { challengeBearer } from './challenge.ts';

/** The roles of the admin API (admin/roles.ts is the source). */
export type RoleName = 'operator' | 'rp_reviewer' | 'auditor' | 'liaison';

/** Who presented this `Authorization` header, and what they may do (admin/auth.ts implements it). */
export interface OperatorAuth {
  authenticate(header: string | undefined): { readonly actor: string; readonly roles: ReadonlySet<string> };
}

export const OPERATOR_REALM = 'wangzheng-admin';

export function operatorOf(auth: OperatorAuth, req: FastifyRequest, reply: FastifyReply, role: RoleName): string {
  let who: ReturnType<OperatorAuth['authenticate']>;
  try {
    who = auth.authenticate(req.headers.authorization);
  } catch (e) {
    if (isWzError(e, 'unauthenticated')) challengeBearer(reply, OPERATOR_REALM);
    if (isWzError(e, 'forbidden')) {
      const message = 'This token does not authorise the admin API.';
      challengeBearer(reply, OPERATOR_REALM, { code: 'invalid_token', description: message });
      throw new WzError('invalid_token', message, { cause: e });
    }
    throw e;
  }
  if (!who.roles.has(role)) throw new WzError('role_required', `This needs the ${role} role.`, { detail: who.actor });
  return who.actor;
}
