// The four modes and their acr values, what each disclosure scope reveals (masking), and
// receipts (凭据) verifiable offline, with SM2 checked by the openssl CLI.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromB64u, generateKey, KeyRing, rawToDer, signJws } from '@wangzheng/core/crypto/index';
import { ACR_VALUES, MODES, modeForAcrValues, satisfies } from '@wangzheng/core/verification/modes';
import { ageBand, disclosedClaims, maskIdNumber, maskName, maskPhone } from '@wangzheng/core/verification/disclosure';
import { RECEIPT_TYP, signReceipt, verifyReceipt } from '@wangzheng/core/verification/receipt';
import { errorCode } from '../../../../test/support/errors.ts';

describe('modes: an RP never gets a weaker mode than it asked for', () => {
  it('satisfies() is the factor-subset order', () => {
    const table = MODES.map((done) => MODES.map((asked) => (satisfies(done, asked) ? 1 : 0)).join('')).join(' ');
    // rows: wz, wz_pass, wz_face, wz_pass_face; columns the same
    expect(table).toBe('1000 1100 1010 1111');
  });
  it('acr_values: first known value wins; none known → invalid_request; absent → default', () => {
    expect(modeForAcrValues(`urn:other ${ACR_VALUES.wz_face} ${ACR_VALUES.wz}`)).toBe('wz_face');
    expect(modeForAcrValues(undefined)).toBe('wz');
    expect(errorCode(() => modeForAcrValues('urn:unknown'))).toBe('invalid_request');
  });
});

describe('disclosure scopes: masking keeps recognition, never the value', () => {
  const src = { name: '欧阳建国', sex: 'M' as const, birthDate: '2008-03-01', documentType: 'resident_id_card', documentNumber: '11010520080301123X', phone: '13812345678' };
  it('masks', () => {
    expect(maskName('欧阳建国')).toBe('欧***');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('John Smith')).toBe('J*** S****');
    expect(maskIdNumber('11010520080301123X')).toBe('1101**********123X');
    expect(maskPhone('13812345678')).toBe('138****5678');
  });
  it('age bands at the birthday boundaries (13y364d vs 14y0d; 17y364d vs 18y0d)', () => {
    expect(ageBand('2008-03-01', '2022-02-28')).toBe('under_14');
    expect(ageBand('2008-03-01', '2022-03-01')).toBe('14_17');
    expect(ageBand('2008-03-01', '2026-02-28')).toBe('14_17');
    expect(ageBand('2008-03-01', '2026-03-01')).toBe('18_59');
  });
  it('result only discloses nothing; each scope adds only its own claim', () => {
    expect(disclosedClaims(src, ['result'], '2026-11-23')).toEqual({});
    expect(disclosedClaims(src, ['result', 'age_band'], '2026-11-23')).toEqual({ age_band: '18_59' });
    expect(disclosedClaims(src, ['masked_name', 'masked_phone'], '2026-11-23')).toEqual({ masked_name: '欧***', masked_phone_number: '138****5678' });
    expect(disclosedClaims(src, ['full_name_and_id_number'], '2026-11-23')).toEqual({ name: '欧阳建国', document_number: '11010520080301123X' });
  });
});

describe('receipts (凭据)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wz-receipt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const sm2 = generateKey('SM2');
  const es = generateKey('ES256');
  const base = { iss: 'https://wz.test', aud: 'rp_abc', jti: 'r1', biz_seq: 'order-1', iat: 1, service_time: 1, mode: 'wz' as const, result: 'pass' as const, sub: 'A'.repeat(26) };

  it('verifies offline with the platform keys; typ and acr are set', () => {
    const t = signReceipt(sm2, base);
    const c = verifyReceipt(t, { keys: new KeyRing(sm2), algorithms: ['SM2'], issuer: base.iss, audience: base.aud });
    expect(c.acr).toBe(ACR_VALUES.wz);
    expect(JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString()).typ).toBe(RECEIPT_TYP);
  });

  it('refuses another audience, another issuer, alg substitution and a JWS that is not a receipt', () => {
    const t = signReceipt(es, base);
    const o = { keys: [es.publicKey], algorithms: ['ES256'] as const, issuer: base.iss, audience: base.aud };
    expect(errorCode(() => verifyReceipt(t, { ...o, audience: 'rp_other' }))).toBe('invalid_jws');
    expect(errorCode(() => verifyReceipt(t, { ...o, issuer: 'https://evil.test' }))).toBe('invalid_jws');
    expect(errorCode(() => verifyReceipt(t, { ...o, algorithms: ['SM2'] }))).toBe('unsupported_algorithm');
    const none = `${Buffer.from('{"alg":"none","typ":"wz-receipt+jwt"}').toString('base64url')}.${t.split('.')[1]}.`;
    expect(errorCode(() => verifyReceipt(none, o))).toMatch(/unsupported_algorithm|invalid_jws/);
    const notReceipt = signJws({ ...base, acr: ACR_VALUES.wz }, es, { typ: 'JWT' });
    expect(errorCode(() => verifyReceipt(notReceipt, o))).toBe('invalid_jws');
  });

  it('an SM2 receipt verifies with the openssl CLI (SM3, distid 1234567812345678)', () => {
    const t = signReceipt(sm2, base);
    const [h, p, s] = t.split('.') as [string, string, string];
    writeFileSync(path.join(dir, 'in'), `${h}.${p}`);
    writeFileSync(path.join(dir, 'sig'), rawToDer(fromB64u(s)!));
    writeFileSync(path.join(dir, 'pub.pem'), sm2.publicKey.toPem());
    const out = execFileSync('openssl', ['dgst', '-sm3', '-verify', path.join(dir, 'pub.pem'), '-sigopt', 'distid:1234567812345678', '-signature', path.join(dir, 'sig'), path.join(dir, 'in')], { encoding: 'utf8' });
    expect(out).toMatch(/Verified OK/);
  });
});
