/**
 * Disclosure scopes and their rules (regulation Art. 7–8: result only by default; minimal data
 * only where a law requires it, with the operator's approval and the person's separate consent).
 *
 * - `result` is always granted and needs no legal basis.
 * - Every other scope is *requested* by the RP with a legal-basis statement and *approved* by the
 *   operator with a legal-basis reference; the operator approves a subset of what was requested,
 *   never more.
 * - `full_name_and_id_number` exists only for the categories whose law makes them retain
 *   identity data (real-name rules for telecoms, customer due diligence for banks and payment
 *   institutions, government services); any other category is refused it.
 * - `assertScopesApproved` refuses anything outside the approved set with `scope_not_approved`:
 *   a request is never trimmed to what is allowed, so the RP always knows what it will get.
 */
import { WzError } from '../errors.ts';
import {
  DISCLOSURE_SCOPES,
  type ApprovedScope,
  type DisclosureScope,
  type RequestedScope,
  type RpCategory,
} from './types.ts';

/** Categories whose law requires them to retain a person's name and ID number. */
export const LEGAL_RETENTION_CATEGORIES: readonly RpCategory[] = ['telecom_operator', 'bank', 'payment_institution', 'government_service'];

/** Scopes that carry sensitive personal information (a person's separate consent is needed). */
export const SENSITIVE_SCOPES: readonly DisclosureScope[] = ['masked_id_number', 'full_name_and_id_number'];

export const LEGAL_BASIS_MAX = 1000;
export const LEGAL_BASIS_REF_MAX = 200;

export function isDisclosureScope(s: unknown): s is DisclosureScope {
  return typeof s === 'string' && (DISCLOSURE_SCOPES as readonly string[]).includes(s);
}

/** @throws WzError `unknown_scope` (the message names the scope: scope names are public codes, and it is checked to be short). */
export function parseScope(s: unknown): DisclosureScope {
  if (isDisclosureScope(s)) return s;
  const shown = typeof s === 'string' && /^[a-z_]{1,40}$/.test(s) ? ` "${s}"` : '';
  throw new WzError('unknown_scope', `Unknown disclosure scope${shown}; known scopes: ${DISCLOSURE_SCOPES.join(', ')}.`);
}

/** @throws WzError `scope_not_allowed_for_category` for `full_name_and_id_number` outside the legal-retention categories. */
export function assertScopeAllowedForCategory(category: RpCategory, scope: DisclosureScope): void {
  if (scope === 'full_name_and_id_number' && !LEGAL_RETENTION_CATEGORIES.includes(category)) {
    throw new WzError(
      'scope_not_allowed_for_category',
      `full_name_and_id_number is only for RPs whose law requires retaining identity data (${LEGAL_RETENTION_CATEGORIES.join(', ')}); this RP's category is ${category}.`,
    );
  }
}

function text(v: unknown, max: number): string | undefined {
  if (typeof v !== 'string') return undefined;
  const t = v.normalize('NFC').trim();
  return t.length > 0 && t.length <= max && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(t) ? t : undefined;
}

/**
 * What an RP applies for: `{ scope: legalBasisText }`. `result` is added (its value, if given,
 * is ignored); every other scope needs a legal-basis statement.
 * @throws `unknown_scope`, `legal_basis_required`, `scope_not_allowed_for_category`.
 */
export function requestScopes(category: RpCategory, requested: Readonly<Record<string, unknown>> = {}): RequestedScope[] {
  const out: RequestedScope[] = [{ scope: 'result', legalBasis: null }];
  for (const [name, basis] of Object.entries(requested)) {
    const scope = parseScope(name);
    if (scope === 'result') continue;
    assertScopeAllowedForCategory(category, scope);
    const legalBasis = text(basis, LEGAL_BASIS_MAX);
    if (legalBasis === undefined) {
      throw new WzError('legal_basis_required', `The scope ${scope} needs a statement of its legal basis (1–${LEGAL_BASIS_MAX} characters).`);
    }
    out.push({ scope, legalBasis });
  }
  return sortScopes(out);
}

/**
 * The operator's approval: `scopes` (a subset of what the RP requested; `result` is implied) and
 * a legal-basis reference for each scope beyond `result`.
 * @throws `unknown_scope`, `scope_not_requested`, `scope_not_allowed_for_category`,
 *         `legal_basis_required`, `invalid_request` (a legal basis for a scope not approved).
 */
export function approveScopes(
  rp: { readonly category: RpCategory; readonly requestedScopes: readonly RequestedScope[] },
  scopes: readonly unknown[],
  legalBasis: Readonly<Record<string, unknown>> = {},
): ApprovedScope[] {
  const chosen = new Set<DisclosureScope>(['result']);
  for (const s of scopes) chosen.add(parseScope(s));
  for (const name of Object.keys(legalBasis)) {
    const scope = parseScope(name);
    if (!chosen.has(scope) || scope === 'result') {
      throw new WzError('invalid_request', `legalBasis names ${scope}, which is not among the scopes approved here (result needs none).`);
    }
  }
  const requested = new Set(rp.requestedScopes.map((r) => r.scope));
  const out: ApprovedScope[] = [];
  for (const scope of chosen) {
    if (scope === 'result') {
      out.push({ scope, legalBasisRef: null });
      continue;
    }
    // The category rule first: it holds whatever was requested.
    assertScopeAllowedForCategory(rp.category, scope);
    if (!requested.has(scope)) throw new WzError('scope_not_requested', `The RP did not request ${scope}; approve only what it applied for.`);
    const ref = text(legalBasis[scope], LEGAL_BASIS_REF_MAX);
    if (ref === undefined) {
      throw new WzError('legal_basis_required', `Approving ${scope} needs a legal-basis reference (1–${LEGAL_BASIS_REF_MAX} characters).`);
    }
    out.push({ scope, legalBasisRef: ref });
  }
  return sortScopes(out);
}

/**
 * Refuses any requested scope outside the RP's approved set: never trims.
 * @throws WzError `unknown_scope` for a name that is no scope, `scope_not_approved` naming the
 *         first scope that is not approved.
 * @example assertScopesApproved(rp, ['result', 'age_band'])
 */
export function assertScopesApproved(rp: { readonly approvedScopes: readonly Pick<ApprovedScope, 'scope'>[] }, requested: readonly string[]): void {
  if (!Array.isArray(requested)) throw new TypeError('assertScopesApproved: requested must be an array');
  const approved = new Set(rp.approvedScopes.map((a) => a.scope));
  for (const name of requested) {
    const scope = parseScope(name);
    if (!approved.has(scope)) {
      throw new WzError('scope_not_approved', `This relying party is not approved for the scope ${scope}; ask only for approved scopes (${[...approved].join(', ')}).`);
    }
  }
}

function sortScopes<T extends { scope: DisclosureScope }>(list: T[]): T[] {
  return list.sort((a, b) => DISCLOSURE_SCOPES.indexOf(a.scope) - DISCLOSURE_SCOPES.indexOf(b.scope));
}
