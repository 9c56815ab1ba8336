// Enrollment bad input, on SQLite and PostgreSQL: each gets its own 4xx code and leaves the
// store exactly as it was (same step, same nonce, same sealed state, no new rows) — except
// where a rule says the attempt ends (then only a counter remains).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, signJws, type PrivateKey } from '@wangzheng/core/crypto/index';
import { createDeviceProof } from '@wangzheng/core/enrollment/device-proof';
import type { WzError } from '@wangzheng/core/errors';
import { NOTICE } from '../../src/enrollment/notice.ts';
import { describeEachEngine } from '../support/engines.ts';
import { ADULT, freshPhone, startPlatform, startRegistry, VALID_DOC, type Harness, type RegistryPerson, type SharedRegistry } from './harness.ts';
import { rejectionCode as codeOf } from '../../../../test/support/errors.ts';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry();
});
afterAll(async () => reg?.close());

interface Flow {
  id: string;
  token: string;
  nonce: string;
  transcript: string;
  issuer: string;
  next: string;
  faceChallenge?: string;
  phone?: string;
}

const STEPS = ['chip', 'face', 'phone', 'phone_code', 'consent', 'passphrase', 'device'] as const;
type StepName = (typeof STEPS)[number];

describeEachEngine('enrollment bad input', (engine) => {
  let h: Harness;
  let skew = 0;
  let adults: RegistryPerson[];
  let n = 0;
  beforeAll(async () => {
    h = await startPlatform(engine, reg, { now: () => Date.now() + skew });
    adults = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 40);
  });
  afterAll(async () => h?.close());

  const person = (): RegistryPerson => adults[n++ % adults.length]!;

  async function post<T>(f: Flow, path: string, body: unknown, token = f.token): Promise<T> {
    return h.client.post<T>(`/v1/enrollments/${f.id}/${path}`, body, token);
  }

  /** Starts an enrollment for `p` and answers every step before `until`. */
  async function flowAt(until: StepName, p: RegistryPerson = person()): Promise<Flow & { person: RegistryPerson }> {
    const hw = h.hardware(p);
    const s = await h.client.post<{ enrollmentId: string; token: string; nonce: string; transcript: string; issuer: string; next: string }>('/v1/enrollments', {
      documentType: p.documentType,
    });
    const f: Flow & { person: RegistryPerson } = { id: s.enrollmentId, token: s.token, nonce: s.nonce, transcript: s.transcript, issuer: s.issuer, next: s.next, person: p };
    const take = (a: { nonce: string; transcript: string; next: string }): void => {
      f.nonce = a.nonce;
      f.transcript = a.transcript;
      f.next = a.next;
    };
    for (const step of STEPS) {
      if (step === until) return f;
      if (step === 'chip') {
        const a = await post<{ nonce: string; transcript: string; next: string; faceChallenge: { nonce: string } }>(f, 'chip', { nonce: f.nonce, chip: await hw.readChip() });
        take(a);
        f.faceChallenge = a.faceChallenge.nonce;
      } else if (step === 'face') {
        take(await post(f, 'face', { nonce: f.nonce, probe: await hw.captureFace(f.faceChallenge!) }));
      } else if (step === 'phone') {
        f.phone = freshPhone();
        take(await post(f, 'phone', { nonce: f.nonce, phone: f.phone }));
      } else if (step === 'phone_code') {
        take(await post(f, 'phone/verify', { nonce: f.nonce, code: h.sms.lastCode(f.phone!) }));
      } else if (step === 'consent') {
        take(await post(f, 'consent', { nonce: f.nonce, noticeVersion: NOTICE.version, processing: true, sensitive: true }));
      } else if (step === 'passphrase') {
        take(await post(f, 'passphrase', { nonce: f.nonce, passphrase: '48273915' }));
      }
    }
    return f;
  }

  /** Everything a refused request must not change. */
  async function snapshot(f?: Flow): Promise<string> {
    const s = h.platform.deps.store;
    const row = f ? await s.enrollments.findById(f.id) : undefined;
    return JSON.stringify({
      row: row && { state: row.state, nonce: Buffer.from(row.nonceHash).toString('hex'), sealed: Buffer.from(row.sealed).toString('hex'), updatedAt: row.updatedAt },
      enrollments: await s.enrollments.count(),
      persons: await s.persons.count(),
    });
  }

  async function refusedUnchanged(f: Flow | undefined, request: () => Promise<unknown>, code: string): Promise<void> {
    const before = await snapshot(f);
    expect(await codeOf(request())).toBe(code);
    expect(await snapshot(f)).toBe(before);
  }

  describe('start', () => {
    it('an unknown document type → unknown_document_type, nothing created', async () => {
      await refusedUnchanged(undefined, () => h.client.post('/v1/enrollments', { documentType: 'library_card' }), 'unknown_document_type');
    });
    it('unknown fields → invalid_request', async () => {
      await refusedUnchanged(undefined, () => h.client.post('/v1/enrollments', { documentType: 'resident_id_card', name: 'x' }), 'invalid_request');
    });
    it('a body over the limit → 413 payload_too_large', async () => {
      const r = await fetch(`${h.url}/v1/enrollments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ documentType: 'x'.repeat(70_000) }) });
      expect(r.status).toBe(413);
      expect(((await r.json()) as { error: string }).error).toBe('payload_too_large');
    });
    it('malformed JSON → 400 with a JSON error, no stack trace', async () => {
      const r = await fetch(`${h.url}/v1/enrollments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"documentType":' });
      expect(r.status).toBe(400);
      const text = await r.text();
      expect(text).not.toMatch(/at .*\.ts:\d+/);
      expect(JSON.parse(text).error).toMatch(/^invalid_/);
    });
  });

  describe('who may answer a step', () => {
    it('no token → unauthenticated; another enrollment’s token → enrollment_forbidden; unknown id → enrollment_not_found', async () => {
      const a = await flowAt('chip');
      const b = await flowAt('chip');
      const chip = await h.hardware(a.person).readChip();
      await refusedUnchanged(a, () => h.client.post(`/v1/enrollments/${a.id}/chip`, { nonce: a.nonce, chip }), 'unauthenticated');
      await refusedUnchanged(a, () => post(a, 'chip', { nonce: a.nonce, chip }, b.token), 'enrollment_forbidden');
      await refusedUnchanged(a, () => h.client.post(`/v1/enrollments/00000000-0000-4000-8000-000000000000/chip`, { nonce: a.nonce, chip }, a.token), 'enrollment_not_found');
      await refusedUnchanged(a, () => h.client.post(`/v1/enrollments/not-an-id/chip`, { nonce: a.nonce, chip }, a.token), 'enrollment_not_found');
    });
  });

  describe('order, nonces and time', () => {
    it('a step out of order → step_out_of_order', async () => {
      const f = await flowAt('chip');
      await refusedUnchanged(f, () => post(f, 'passphrase', { nonce: f.nonce, passphrase: '48273915' }), 'step_out_of_order');
    });

    it('a replayed (previous) nonce → nonce_mismatch', async () => {
      const f = await flowAt('face');
      const hw = h.hardware(f.person);
      const probe = await hw.captureFace(f.faceChallenge!);
      const stale = { ...f, nonce: 'A'.repeat(32) };
      await refusedUnchanged(f, () => post(f, 'face', { nonce: stale.nonce, probe }), 'nonce_mismatch');
    });

    it('the same nonce answered twice at once: exactly one request advances', async () => {
      const f = await flowAt('phone');
      const results = await Promise.allSettled([post(f, 'phone', { nonce: f.nonce, phone: freshPhone() }), post(f, 'phone', { nonce: f.nonce, phone: freshPhone() })]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect((rejected.reason as WzError).code).toBe('nonce_mismatch');
    });

    it('a step answered after its nonce expired → enrollment_expired; the attempt is gone, counted as abandoned', async () => {
      const f = await flowAt('consent');
      const before = await h.platform.deps.store.counters.get('enrollments.abandoned');
      skew = (h.config.enrollment.stepSeconds + 1) * 1000;
      try {
        expect(await codeOf(post(f, 'consent', { nonce: f.nonce, noticeVersion: NOTICE.version, processing: true, sensitive: true }))).toBe('enrollment_expired');
      } finally {
        skew = 0;
      }
      expect(await h.platform.deps.store.enrollments.findById(f.id)).toBeUndefined();
      expect(await h.platform.deps.store.counters.get('enrollments.abandoned')).toBe(before + 1);
    });
  });

  describe('chip', () => {
    it('altered chip data (a changed name) → forged_chip_data', async () => {
      const f = await flowAt('chip');
      const chip = (await h.hardware(f.person).readChip()) as { dg1: string };
      const dg1 = JSON.parse(Buffer.from(chip.dg1, 'base64url').toString('utf8'));
      dg1.name = `${dg1.name}x`;
      const forged = { ...chip, dg1: Buffer.from(JSON.stringify(dg1)).toString('base64url') };
      await refusedUnchanged(f, () => post(f, 'chip', { nonce: f.nonce, chip: forged }), 'forged_chip_data');
    });
    it('a chip that is not chip data → invalid_document', async () => {
      const f = await flowAt('chip');
      await refusedUnchanged(f, () => post(f, 'chip', { nonce: f.nonce, chip: { v: 1, dg1: 'AAAA' } }), 'invalid_document');
    });
    it('a chip of another document type than chosen → document_type_mismatch', async () => {
      const p = person();
      const s = await h.client.post<{ enrollmentId: string; token: string; nonce: string }>('/v1/enrollments', { documentType: 'passport_abroad' });
      const f = { id: s.enrollmentId, token: s.token, nonce: s.nonce } as Flow;
      await refusedUnchanged(f, async () => post(f, 'chip', { nonce: f.nonce, chip: await h.hardware(p).readChip() }), 'document_type_mismatch');
    });
  });

  describe('face', () => {
    it('a probe template of the wrong length → invalid_face_template', async () => {
      const f = await flowAt('face');
      await refusedUnchanged(f, () => post(f, 'face', { nonce: f.nonce, probe: [0.1, 0.2, 0.3] }), 'invalid_face_template');
      await refusedUnchanged(f, () => post(f, 'face', { nonce: f.nonce, probe: 'not a template' }), 'invalid_face_template');
    });
  });

  describe('phone and one-time code', () => {
    it('not a mainland mobile number → invalid_phone', async () => {
      const f = await flowAt('phone');
      await refusedUnchanged(f, () => post(f, 'phone', { nonce: f.nonce, phone: '12345' }), 'invalid_phone');
      await refusedUnchanged(f, () => post(f, 'phone', { nonce: f.nonce, phone: '+1 415 555 0100' }), 'invalid_phone');
    });

    it('a wrong code → otp_invalid with tries left; the fifth wrong code ends the attempt (too_many_attempts)', async () => {
      const f = await flowAt('phone_code');
      const right = h.sms.lastCode(f.phone!)!;
      const wrong = right === '000000' ? '000001' : '000000';
      for (let i = 1; i <= 4; i++) {
        await expect(post(f, 'phone/verify', { nonce: f.nonce, code: wrong })).rejects.toMatchObject({ code: 'otp_invalid', message: expect.stringContaining(`${5 - i}`) });
      }
      const before = await h.platform.deps.store.counters.get('enrollments.failed.too_many_attempts');
      expect(await codeOf(post(f, 'phone/verify', { nonce: f.nonce, code: wrong }))).toBe('too_many_attempts');
      expect(await h.platform.deps.store.enrollments.findById(f.id)).toBeUndefined();
      expect(await h.platform.deps.store.counters.get('enrollments.failed.too_many_attempts')).toBe(before + 1);
      // Even the right code is too late now.
      expect(await codeOf(post(f, 'phone/verify', { nonce: f.nonce, code: right }))).toBe('enrollment_not_found');
    });

    it('wrong codes sent in parallel are each counted (no lost update)', async () => {
      const f = await flowAt('phone_code');
      const right = h.sms.lastCode(f.phone!)!;
      const wrong = right === '000000' ? '000001' : '000000';
      const codes = await Promise.all([1, 2, 3].map(() => codeOf(post(f, 'phone/verify', { nonce: f.nonce, code: wrong }))));
      // Each either was recorded (otp_invalid) or lost the compare-and-set race (nonce_mismatch) — never silently dropped.
      expect(codes.every((c) => c === 'otp_invalid' || c === 'nonce_mismatch')).toBe(true);
      const recorded = codes.filter((c) => c === 'otp_invalid').length;
      const left = 5 - recorded - 1;
      await expect(post(f, 'phone/verify', { nonce: f.nonce, code: wrong })).rejects.toMatchObject({
        code: left === 0 ? 'too_many_attempts' : 'otp_invalid',
      });
    });

    it('an expired code → otp_expired (ask for a new one)', async () => {
      const f = await flowAt('phone_code');
      skew = (h.config.enrollment.otpSeconds + 1) * 1000;
      try {
        // The step nonce lives as long as the code by default: give the nonce more time than the code.
        const code = h.sms.lastCode(f.phone!)!;
        const r = await codeOf(post(f, 'phone/verify', { nonce: f.nonce, code }));
        expect(['otp_expired', 'enrollment_expired']).toContain(r);
      } finally {
        skew = 0;
      }
    });

    it('a malformed code → otp_invalid (counted like a wrong one)', async () => {
      const f = await flowAt('phone_code');
      expect(await codeOf(post(f, 'phone/verify', { nonce: f.nonce, code: 'abc' }))).toBe('otp_invalid');
    });
  });

  describe('notice and consent', () => {
    it('consent to an outdated notice version → notice_version_mismatch', async () => {
      const f = await flowAt('consent');
      await refusedUnchanged(f, () => post(f, 'consent', { nonce: f.nonce, noticeVersion: '2020-01-01.1', processing: true, sensitive: true }), 'notice_version_mismatch');
    });
    it('no separate consent to the sensitive data → consent_required', async () => {
      const f = await flowAt('consent');
      await refusedUnchanged(f, () => post(f, 'consent', { nonce: f.nonce, noticeVersion: NOTICE.version, processing: true, sensitive: false }), 'consent_required');
      await refusedUnchanged(f, () => post(f, 'consent', { nonce: f.nonce, noticeVersion: NOTICE.version, processing: false, sensitive: true }), 'consent_required');
    });
  });

  describe('passphrase rules', () => {
    for (const [pass, why] of [
      ['1234567', 'seven digits'],
      ['abcdefgh', 'not digits'],
      ['00000000', 'one digit repeated'],
      ['12345678', 'a straight run up'],
      ['98765432', 'a straight run down'],
      ['90123456', 'a run that wraps'],
      ['12121212', 'a repeated pair'],
      ['56785678', 'a repeated group of four'],
    ] as const) {
      it(`${why} → weak_passphrase`, async () => {
        const f = await flowAt('passphrase');
        await refusedUnchanged(f, () => post(f, 'passphrase', { nonce: f.nonce, passphrase: pass }), 'weak_passphrase');
      });
    }
    it('the birth date (YYYYMMDD, DDMMYYYY) → weak_passphrase', async () => {
      const f = await flowAt('passphrase');
      const [y, m, d] = f.person.birthDate.split('-');
      await refusedUnchanged(f, () => post(f, 'passphrase', { nonce: f.nonce, passphrase: `${y}${m}${d}` }), 'weak_passphrase');
      await refusedUnchanged(f, () => post(f, 'passphrase', { nonce: f.nonce, passphrase: `${d}${m}${y}` }), 'weak_passphrase');
    });
  });

  describe('device binding', () => {
    let key: PrivateKey;
    beforeAll(() => {
      key = generateKey('SM2');
    });
    it('a proof signed by another key → invalid_device_proof', async () => {
      const f = await flowAt('device');
      const proof = createDeviceProof(generateKey('SM2'), { aud: f.issuer, nonce: f.nonce, enr: f.id, th: f.transcript });
      await refusedUnchanged(f, () => post(f, 'device', { nonce: f.nonce, publicJwk: key.publicKey.toJwk(), proof }), 'invalid_device_proof');
    });
    it('a proof over another transcript, audience or enrollment → invalid_device_proof', async () => {
      const f = await flowAt('device');
      for (const c of [
        { aud: f.issuer, nonce: f.nonce, enr: f.id, th: 'x'.repeat(43) },
        { aud: 'https://elsewhere.example', nonce: f.nonce, enr: f.id, th: f.transcript },
        { aud: f.issuer, nonce: f.nonce, enr: '00000000-0000-4000-8000-000000000000', th: f.transcript },
      ]) {
        await refusedUnchanged(f, () => post(f, 'device', { nonce: f.nonce, publicJwk: key.publicKey.toJwk(), proof: createDeviceProof(key, c) }), 'invalid_device_proof');
      }
    });
    it('a proof with the wrong typ (any other JWS by the device key) → invalid_device_proof', async () => {
      const f = await flowAt('device');
      const proof = signJws({ aud: f.issuer, nonce: f.nonce, enr: f.id, th: f.transcript }, key, { typ: 'JWT' });
      await refusedUnchanged(f, () => post(f, 'device', { nonce: f.nonce, publicJwk: key.publicKey.toJwk(), proof }), 'invalid_device_proof');
    });
    it('a private key sent as the device key, or a malformed one → invalid_key', async () => {
      const f = await flowAt('device');
      const proof = createDeviceProof(key, { aud: f.issuer, nonce: f.nonce, enr: f.id, th: f.transcript });
      const jwk = { ...key.publicKey.toJwk(), d: 'AAAA' };
      await refusedUnchanged(f, () => post(f, 'device', { nonce: f.nonce, publicJwk: jwk, proof }), 'invalid_key');
      await refusedUnchanged(f, () => post(f, 'device', { nonce: f.nonce, publicJwk: { kty: 'EC', crv: 'SM2', x: 'AA', y: 'AA' }, proof }), 'invalid_key');
    });
  });
});
