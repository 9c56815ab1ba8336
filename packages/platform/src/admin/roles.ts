/**
 * Operator roles. Nothing in the admin API is reachable without a role, and each route names
 * the one it needs:
 * - `operator`: nationwide bans and unbans, Shared Signals delivery state;
 * - `rp_reviewer`: relying-party applications — approve, reject, suspend, reinstate;
 * - `auditor`: read and verify the audit trail;
 * - `liaison`: the law-enforcement liaison — the only role that may ask who is behind a 网号 or an
 *   application identifier, with a case reference and a second approval.
 *
 * Roles are bound to an operator's token id by configuration (`WZ_ADMIN_ROLES`, e.g.
 * `ops-1=operator+auditor,le-1=liaison`); a token id without an entry has no role at all.
 */
import { WzError } from '@wangzheng/core/errors';

export const OPERATOR_ROLES = ['operator', 'rp_reviewer', 'auditor', 'liaison'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

export type RoleMap = ReadonlyMap<string, ReadonlySet<OperatorRole>>;

/** What development mode binds when `WZ_ADMIN_ROLES` is not set: two operators, so four eyes can be tried. */
export const DEVELOPMENT_ROLES = 'dev-admin-1=operator+rp_reviewer+auditor+liaison,dev-admin-2=operator+rp_reviewer+auditor+liaison';

/** Parses `id=role+role,id=role`. A malformed entry or an unknown role is `invalid_configuration`. */
export function parseRoleMap(text: string): RoleMap {
  const map = new Map<string, Set<OperatorRole>>();
  for (const raw of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z0-9_.-]{1,64})=([a-z_+]{1,200})$/.exec(raw);
    if (!m) throw new WzError('invalid_configuration', 'WZ_ADMIN_ROLES: each entry is `<token id>=<role>+<role>`.');
    const roles = m[2]!.split('+');
    for (const r of roles) {
      if (!(OPERATOR_ROLES as readonly string[]).includes(r)) {
        throw new WzError('invalid_configuration', `WZ_ADMIN_ROLES: unknown role; the roles are ${OPERATOR_ROLES.join(', ')}.`);
      }
    }
    map.set(m[1]!, new Set(roles as OperatorRole[]));
  }
  return map;
}
