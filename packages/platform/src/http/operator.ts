/**
 * Operator authentication for the admin routes of every domain, and the role each route needs.
 * Two ways in, one seam:
 * - `Authorization: Bearer <token>` (the CLI, automation): checked by the operator
 *   authenticator (admin/auth.ts);
 * - without an `Authorization` header, the operator console's session cookie: resolved before
 *   the route runs by the console's `onRequest` hook (console/admin-session.ts), which checks
 *   the sealed cookie, the `Origin` of a state-changing request, and looks the roles up in the
 *   store on every request; it leaves the result here with `attachConsoleOperator`.
 *
 * Answers:
 * - no credentials at all → 401 `unauthenticated` with a Bearer challenge (RFC 6750 §3);
 * - a token that is not an operator's → 401 `invalid_token` with `error="invalid_token"` (RFC 6750 §3.1);
 * - an operator without the route's role → 403 `role_required` (the role named, nothing else).
 * Returns the operator's actor id for the audit trail (`admin:<token id>` or `console:<appId>`).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isWzError, WzError } from '@wangzheng/core/errors';
import { challengeBearer } from './challenge.ts';

/** The roles of the admin API (admin/roles.ts is the source). */
export type RoleName = 'operator' | 'rp_reviewer' | 'auditor' | 'liaison';

/** Who is acting, and what they may do. */
export interface OperatorIdentity {
  readonly actor: string;
  readonly roles: ReadonlySet<string>;
}

/** Who presented this `Authorization` header, and what they may do (admin/auth.ts implements it). */
export interface OperatorAuth {
  /** `source`: the caller's address, for the lockout on wrong tokens (admin/auth.ts). */
  authenticate(header: string | undefined, source?: string): OperatorIdentity;
}

export const OPERATOR_REALM = 'wangzheng-admin';

/** Operators the console's hook resolved from a session cookie, per request (never from a header). */
const consoleOperators = new WeakMap<FastifyRequest, OperatorIdentity>();

/** Called by the console's `onRequest` hook once the cookie, its `Origin` and the roles are checked. */
export function attachConsoleOperator(req: FastifyRequest, who: OperatorIdentity): void {
  consoleOperators.set(req, who);
}

/** The authenticated operator, without a role check (the routes that decide on roles themselves). */
export function operatorIdentityOf(auth: OperatorAuth, req: FastifyRequest, reply: FastifyReply): OperatorIdentity {
  // The bearer token wins when both are present: the CLI never sends cookies.
  const fromConsole = req.headers.authorization === undefined ? consoleOperators.get(req) : undefined;
  if (fromConsole) return fromConsole;
  try {
    return auth.authenticate(req.headers.authorization, req.ip);
  } catch (e) {
    if (isWzError(e, 'unauthenticated')) challengeBearer(reply, OPERATOR_REALM);
    if (isWzError(e, 'forbidden')) {
      const message = 'This token does not authorise the admin API.';
      challengeBearer(reply, OPERATOR_REALM, { code: 'invalid_token', description: message });
      throw new WzError('invalid_token', message, { cause: e });
    }
    throw e;
  }
}

export function operatorOf(auth: OperatorAuth, req: FastifyRequest, reply: FastifyReply, role: RoleName): string {
  return operatorWithAnyOf(auth, req, reply, [role]).actor;
}

/** The operator, who must hold at least one of `roles` (403 `role_required` naming them otherwise). */
export function operatorWithAnyOf(auth: OperatorAuth, req: FastifyRequest, reply: FastifyReply, roles: readonly RoleName[]): OperatorIdentity {
  const who = operatorIdentityOf(auth, req, reply);
  if (!roles.some((r) => who.roles.has(r))) throw new WzError('role_required', `This needs the ${roles.join(' or ')} role.`, { detail: who.actor });
  return who;
}
