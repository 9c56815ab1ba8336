import { describe, expect, it } from 'vitest';
import { approveScopes, assertScopesApproved, requestScopes, LEGAL_RETENTION_CATEGORIES } from '../../src/rp/scopes.ts';
import { assertRpActive, assertTransition } from '../../src/rp/status.ts';
import { RP_CATEGORIES, type RpCategory } from '../../src/rp/types.ts';
import { thrown } from '../identifiers/support/errors.ts';

describe('Art. 8: result only by default; more only as requested, approved and with a legal basis', () => {
  it('an application with no scopes requests result only', () => {
    expect(requestScopes('internet_service')).toEqual([{ scope: 'result', legalBasis: null }]);
  });

  it('each scope beyond result needs a legal-basis statement; result is always there and needs none', () => {
    expect(requestScopes('bank', { masked_phone: '  账户安全通知  ', result: 'ignored' })).toEqual([
      { scope: 'result', legalBasis: null },
      { scope: 'masked_phone', legalBasis: '账户安全通知' },
    ]);
    expect(thrown(() => requestScopes('bank', { age_band: '' })).code).toBe('legal_basis_required');
    expect(thrown(() => requestScopes('bank', { age_band: '   ' })).code).toBe('legal_basis_required');
    expect(thrown(() => requestScopes('bank', { age_band: 42 })).code).toBe('legal_basis_required');
    expect(thrown(() => requestScopes('bank', { age_band: 'x'.repeat(1001) })).code).toBe('legal_basis_required');
  });

  it('an unknown scope is unknown_scope, never ignored', () => {
    expect(thrown(() => requestScopes('bank', { birth_date: 'KYC' })).code).toBe('unknown_scope');
    expect(thrown(() => requestScopes('bank', { ['x'.repeat(80)]: 'KYC' })).message).not.toContain('x'.repeat(80));
  });

  it('full_name_and_id_number: only telecom operators, banks, payment institutions and government services', () => {
    expect(LEGAL_RETENTION_CATEGORIES).toEqual(['telecom_operator', 'bank', 'payment_institution', 'government_service']);
    for (const category of RP_CATEGORIES) {
      const t = thrown(() => requestScopes(category, { full_name_and_id_number: '《反洗钱法》' }));
      if (LEGAL_RETENTION_CATEGORIES.includes(category)) expect(t.code, category).toBe('nothing thrown');
      else expect(t.code, category).toBe('scope_not_allowed_for_category');
    }
  });

  const bankRp = {
    category: 'bank' as RpCategory,
    requestedScopes: requestScopes('bank', { age_band: 'A', full_name_and_id_number: '《反洗钱法》第二十九条', masked_phone: 'B' }),
  };

  it('the operator approves a subset of the request, each scope beyond result with a legal-basis reference', () => {
    expect(approveScopes(bankRp, ['full_name_and_id_number'], { full_name_and_id_number: '反洗钱法 §29' })).toEqual([
      { scope: 'result', legalBasisRef: null },
      { scope: 'full_name_and_id_number', legalBasisRef: '反洗钱法 §29' },
    ]);
    expect(approveScopes(bankRp, [])).toEqual([{ scope: 'result', legalBasisRef: null }]);
    expect(thrown(() => approveScopes(bankRp, ['age_band'])).code).toBe('legal_basis_required');
    expect(thrown(() => approveScopes(bankRp, ['age_band'], { age_band: ' ' })).code).toBe('legal_basis_required');
  });

  it('the operator cannot approve what was not requested, nor a legal basis for a scope not approved', () => {
    expect(thrown(() => approveScopes(bankRp, ['sex'], { sex: 'ref' })).code).toBe('scope_not_requested');
    expect(thrown(() => approveScopes(bankRp, ['age_band'], { age_band: 'ref', masked_phone: 'ref' })).code).toBe('invalid_request');
    expect(thrown(() => approveScopes(bankRp, ['nope'])).code).toBe('unknown_scope');
  });

  it('approving full_name_and_id_number for an internet_service RP is refused (even if it had been requested)', () => {
    const rp = { category: 'internet_service' as RpCategory, requestedScopes: [{ scope: 'result' as const, legalBasis: null }, { scope: 'full_name_and_id_number' as const, legalBasis: 'x' }] };
    expect(thrown(() => approveScopes(rp, ['full_name_and_id_number'], { full_name_and_id_number: 'ref' })).code).toBe('scope_not_allowed_for_category');
  });
});

describe('assertScopesApproved: refuse, never trim', () => {
  const rp = { approvedScopes: [{ scope: 'result' as const, legalBasisRef: null }, { scope: 'age_band' as const, legalBasisRef: 'ref' }] };

  it('approved scopes pass', () => {
    expect(thrown(() => assertScopesApproved(rp, ['result', 'age_band'])).code).toBe('nothing thrown');
    expect(thrown(() => assertScopesApproved(rp, [])).code).toBe('nothing thrown');
  });

  it('one scope beyond the approved set refuses the whole request with scope_not_approved, naming it', () => {
    const t = thrown(() => assertScopesApproved(rp, ['result', 'age_band', 'masked_name']));
    expect(t.code).toBe('scope_not_approved');
    expect(t.message).toContain('masked_name');
    expect(thrown(() => assertScopesApproved({ approvedScopes: [{ scope: 'result' }] }, ['full_name_and_id_number'])).code).toBe('scope_not_approved');
    expect(thrown(() => assertScopesApproved(rp, ['openid_everything'])).code).toBe('unknown_scope');
  });
});

describe('RP status: pending → approved | rejected; approved ⇄ suspended', () => {
  it('allowed transitions', () => {
    expect(assertTransition('pending', 'approve')).toBe('approved');
    expect(assertTransition('pending', 'reject')).toBe('rejected');
    expect(assertTransition('approved', 'suspend')).toBe('suspended');
    expect(assertTransition('suspended', 'reinstate')).toBe('approved');
  });

  it('everything else is rp_state_conflict (rejected is final)', () => {
    const bad: [Parameters<typeof assertTransition>[0], Parameters<typeof assertTransition>[1]][] = [
      ['approved', 'approve'],
      ['rejected', 'approve'],
      ['rejected', 'reinstate'],
      ['pending', 'suspend'],
      ['suspended', 'suspend'],
      ['approved', 'reject'],
      ['pending', 'reinstate'],
    ];
    for (const [s, a] of bad) expect(thrown(() => assertTransition(s, a)).code, `${s} ${a}`).toBe('rp_state_conflict');
  });

  it('only an approved RP may verify people', () => {
    expect(thrown(() => assertRpActive({ status: 'approved' })).code).toBe('nothing thrown');
    expect(thrown(() => assertRpActive({ status: 'suspended' })).code).toBe('rp_suspended');
    expect(thrown(() => assertRpActive({ status: 'pending' })).code).toBe('rp_not_approved');
    expect(thrown(() => assertRpActive({ status: 'rejected' })).code).toBe('rp_not_approved');
  });
});

describe('approval order of checks', () => {
  it('full_name_and_id_number for an internet_service RP is scope_not_allowed_for_category even when it was never requested', () => {
    const rp = { category: 'internet_service' as RpCategory, requestedScopes: requestScopes('internet_service', { age_band: 'x' }) };
    expect(thrown(() => approveScopes(rp, ['full_name_and_id_number'], { full_name_and_id_number: 'ref' })).code).toBe('scope_not_allowed_for_category');
  });
});
