// Enrollment (申领) end to end over HTTP, on SQLite and PostgreSQL: the happy path and what the
// store holds afterwards, re-enrollment, and each rule that ends an attempt (MISSION.md,
// "Enrollment"; regulation Art. 4–5 for minors).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCredential } from '@wangzheng/core/credential/index';
import { b64u, getSuite, importPublicKey, signJws, type PrivateKey } from '@wangzheng/core/crypto/index';
import { isValidNetid } from '@wangzheng/core/identifiers/index';
import type { WzError } from '@wangzheng/core/errors';
import { collect, approveAsGuardian, type AwaitingGuardian, type Issued } from '@wangzheng/wallet/enroll/enroll';
import { NOTICE, consentSubjects } from '../../src/enrollment/notice.ts';
import { describeEachEngine } from '../support/engines.ts';
import { ADULT, AGE_14_17, deviceKey, startPlatform, startRegistry, UNDER_14, VALID_DOC, type Harness, type RegistryPerson, type SharedRegistry } from './harness.ts';
import { rejectionCode as codeOf } from '../../../../test/support/errors.ts';
import { nodeHolder } from '@wangzheng/wallet/holder/node';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry();
});
afterAll(async () => reg?.close());

async function counter(h: Harness, name: string): Promise<number> {
  return h.platform.deps.store.counters.get(name);
}

function verify(h: Harness, credential: string) {
  return verifyCredential(credential, {
    keys: h.platform.deps.signing.gm,
    algorithms: ['SM2'],
    issuer: h.platform.deps.issuer,
  });
}

describeEachEngine('enrollment', (engine) => {
  let h: Harness;
  let adults: RegistryPerson[];
  beforeAll(async () => {
    h = await startPlatform(engine, reg);
    adults = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 12);
  });
  afterAll(async () => h?.close());

  describe('an adult enrolls alone', () => {
    let issued: Issued;
    let key: PrivateKey;
    beforeAll(async () => {
      key = deviceKey();
      issued = (await h.enroll(adults[0]!, { deviceKey: key })) as Issued;
    });

    it('gets a valid 网号 and a 网证 signed by the platform (SM2) and bound to the device key', () => {
      expect(issued.status).toBe('issued');
      expect(isValidNetid(issued.netid)).toBe(true);
      const v = verify(h, issued.credential);
      expect(v.header.alg).toBe('SM2');
      expect(v.payload.netid).toBe(issued.netid);
      expect(v.payload.jti).toBe(issued.credentialId);
      expect(importPublicKey(v.cnf.jwk).thumbprint).toBe(key.publicKey.thumbprint);
      expect(v.payload.status.status_list.uri).toBe(`${h.platform.deps.issuer}/status-lists/1`);
    });

    it('the disclosures carry exactly the chip’s identity, and the signed part none of it', () => {
      const v = verify(h, issued.credential);
      expect(v.disclosed.name).toBe(adults[0]!.name);
      expect(v.disclosed.birth_date).toBe(adults[0]!.birthDate);
      expect(v.disclosed.document_number).toBe(adults[0]!.documentNumber);
      expect(v.disclosed.age_over_18).toBe(true);
      const signedPart = Buffer.from(issued.credential.split('~')[0]!.split('.')[1]!, 'base64url').toString('utf8');
      for (const value of [adults[0]!.name, adults[0]!.birthDate, adults[0]!.documentNumber]) expect(signedPart).not.toContain(value);
    });

    it('the store holds the person, device, credential, Argon2id passphrase hash and both consents — and no enrollment', async () => {
      const s = h.platform.deps.store;
      const person = await s.persons.findByNetid(issued.netid);
      expect(person?.status).toBe('active');
      const creds = await s.credentials.listByPerson(person!.id);
      expect(creds.map((c) => [c.id, c.status])).toEqual([[issued.credentialId, 'valid']]);
      const devices = await s.devices.listByPerson(person!.id);
      expect(devices.map((d) => d.thumbprint)).toEqual([key.publicKey.thumbprint]);
      const pass = await s.passphrases.find(person!.id);
      expect(pass?.hash).toMatch(/^\$argon2id\$v=19\$/);
      const consents = await s.consents.listByPerson(person!.id);
      const subjects = consentSubjects(NOTICE.version);
      expect(consents.map((c) => c.subject).sort()).toEqual([subjects.processing, subjects.sensitive].sort());
      expect((await s.events.listByPerson(person!.id)).map((e) => e.type)).toEqual(['enrolled']);
      expect(await s.enrollments.count()).toBe(0);
      expect(await counter(h, 'enrollments.issued')).toBeGreaterThanOrEqual(1);
    });
  });

  describe('re-enrollment', () => {
    it('Art. 3 / MISSION: the same person with another document type and a new phone keeps the 网号; the old 网证 is revoked', async () => {
      const [twoDocs] = reg.people(
        `d.type = 'hk_macau_exit_entry_permit' AND ${VALID_DOC} AND ${ADULT} AND EXISTS (SELECT 1 FROM documents o WHERE o.person_id = p.id AND o.type = 'resident_id_card' AND o.lost_on IS NULL AND (o.valid_until IS NULL OR o.valid_until >= date('now')))`,
      );
      expect(twoDocs, 'the registry has a person holding both documents').toBeDefined();
      const idCard = reg.people(`d.type = 'resident_id_card' AND p.id = (SELECT person_id FROM documents WHERE number = ?)`, [twoDocs!.documentNumber])[0]!;
      const first = (await h.enroll(idCard)) as Issued;
      const second = (await h.enroll(twoDocs!)) as Issued;
      expect(second.netid).toBe(first.netid);
      expect(second.credentialId).not.toBe(first.credentialId);
      const s = h.platform.deps.store;
      const old = await s.credentials.findById(first.credentialId);
      expect([old?.status, old?.reason]).toEqual(['revoked', 'reenrolled']);
      expect((await s.credentials.findById(second.credentialId))?.status).toBe('valid');
      const person = await s.persons.findByNetid(first.netid);
      const devices = await s.devices.listByPerson(person!.id);
      expect(devices.filter((d) => d.revokedAt === null)).toHaveLength(1);
      expect(verify(h, second.credential).disclosed.document_type).toBe('hk_macau_exit_entry_permit');
    });
  });

  describe('rules that end the attempt, leaving only a counter', () => {
    async function endsWith(person: RegistryPerson | undefined, code: string, over: Parameters<Harness['enroll']>[1] = {}): Promise<void> {
      expect(person, `the registry has a person for ${code}`).toBeDefined();
      const before = await counter(h, `enrollments.failed.${code}`);
      const persons = await h.platform.deps.store.persons.count();
      expect(await codeOf(h.enroll(person!, over))).toBe(code);
      expect(await counter(h, `enrollments.failed.${code}`)).toBe(before + 1);
      expect(await h.platform.deps.store.enrollments.count()).toBe(0);
      expect(await h.platform.deps.store.persons.count()).toBe(persons);
    }

    it('an expired document → document_expired', async () => {
      await endsWith(reg.people(`d.lost_on IS NULL AND d.valid_until < date('now') AND ${ADULT}`)[0], 'document_expired');
    });
    it('a document reported lost → document_lost', async () => {
      await endsWith(reg.people(`d.lost_on IS NOT NULL AND ${ADULT}`)[0], 'document_lost');
    });
    it('someone else’s face → face_mismatch', async () => {
      await endsWith(adults[1], 'face_mismatch', { faceOf: 'other' });
    });
    it('Art. 4: a child under 14 enrolling alone → guardian_required', async () => {
      await endsWith(reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${UNDER_14}`)[0], 'guardian_required');
    });
  });

  describe('Art. 4–5: minors', () => {
    /** A child under 14 and one of their guardians (with a valid ID card), from the registry. */
    function childAndGuardian(ageWhere: string): { child: RegistryPerson; guardian: RegistryPerson } {
      const child = reg.people(
        `d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ageWhere} AND EXISTS (SELECT 1 FROM guardianships g JOIN documents gd ON gd.person_id = g.guardian_id WHERE g.child_id = p.id AND gd.type = 'resident_id_card' AND gd.lost_on IS NULL AND (gd.valid_until IS NULL OR gd.valid_until >= date('now')))`,
      )[0]!;
      const guardian = reg.people(
        `d.type = 'resident_id_card' AND ${VALID_DOC} AND p.id IN (SELECT g.guardian_id FROM guardianships g JOIN documents cd ON cd.person_id = g.child_id WHERE cd.number = ?)`,
        [child.documentNumber],
      )[0]!;
      return { child, guardian };
    }

    it('under 14: the guardian enrolls the child from the guardian’s own wallet; the child gets their own 网号', async () => {
      const { child, guardian } = childAndGuardian(UNDER_14);
      const gKey = deviceKey();
      const g = (await h.enroll(guardian, { deviceKey: gKey })) as Issued;
      const childKey = deviceKey();
      const r = (await h.enroll(child, { deviceKey: childKey, guardian: nodeHolder(g.credential, gKey) })) as Issued;
      expect(r.status).toBe('issued');
      expect(r.netid).not.toBe(g.netid);
      expect(verify(h, r.credential).disclosed.age_over_14).toBe(false);
      const gp = await h.platform.deps.store.persons.findByNetid(g.netid);
      expect((await h.platform.deps.store.events.listByPerson(gp!.id)).map((e) => e.type)).toContain('ward_enrolled');
    });

    it('under 14: an adult who is not the guardian → not_a_guardian, nothing issued', async () => {
      const { child } = childAndGuardian(UNDER_14);
      const strangerKey = deviceKey();
      const stranger = (await h.enroll(adults[2]!, { deviceKey: strangerKey })) as Issued;
      const persons = await h.platform.deps.store.persons.count();
      expect(await codeOf(h.enroll(child, { guardian: nodeHolder(stranger.credential, strangerKey) }))).toBe('not_a_guardian');
      expect(await h.platform.deps.store.persons.count()).toBe(persons);
    });

    it('a guardian-led enrollment is only for children under 14 → guardian_not_allowed for an adult', async () => {
      const gKey = deviceKey();
      const g = (await h.enroll(adults[3]!, { deviceKey: gKey })) as Issued;
      expect(await codeOf(h.enroll(adults[4]!, { guardian: nodeHolder(g.credential, gKey) }))).toBe('guardian_not_allowed');
    });

    it('a guardian must present their 网证 with a key binding by its device key (another key → invalid_presentation)', async () => {
      const g = (await h.enroll(adults[5]!)) as Issued;
      const start = await h.client.post<{ enrollmentId: string; token: string; nonce: string; issuer: string }>('/v1/enrollments', { documentType: 'resident_id_card', guardianLed: true });
      // The wallet library refuses to sign with a foreign key, so forge the KB-JWT by hand.
      const prefix = `${g.credential.split('~')[0]}~`;
      const sdHash = b64u(getSuite('gm').hash(new TextEncoder().encode(prefix)));
      const kb = signJws({ iat: Math.floor(Date.now() / 1000), aud: start.issuer, nonce: start.nonce, sd_hash: sdHash }, deviceKey(), { typ: 'kb+jwt' });
      const r = h.client.post(`/v1/enrollments/${start.enrollmentId}/guardian`, { nonce: start.nonce, presentation: prefix + kb }, start.token);
      expect(await codeOf(r)).toBe('invalid_presentation');
      // Refused input changes nothing: the enrollment still waits for its guardian step.
      expect((await h.client.get<{ next: string }>(`/v1/enrollments/${start.enrollmentId}`, start.token)).next).toBe('guardian');
    });

    it('14–17: the minor enrolls, the guardian approves from their wallet, then the minor collects the 网证', async () => {
      const { child, guardian } = childAndGuardian(AGE_14_17);
      const gKey = deviceKey();
      const g = (await h.enroll(guardian, { deviceKey: gKey })) as Issued;
      const persons = await h.platform.deps.store.persons.count();
      const waiting = (await h.enroll(child)) as AwaitingGuardian;
      expect(waiting.status).toBe('awaiting_guardian');
      expect(waiting.approvalCode).toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
      expect(await codeOf(collect(h.client, waiting.pending))).toBe('guardian_approval_pending');
      // Nothing is issued before the guardian approves.
      expect(await h.platform.deps.store.persons.count()).toBe(persons);

      // A stranger with a valid 网证 cannot approve.
      const sKey = deviceKey();
      const stranger = (await h.enroll(adults[6]!, { deviceKey: sKey })) as Issued;
      expect(
        await codeOf(approveAsGuardian(h.client, { approvalCode: waiting.approvalCode, holder: nodeHolder(stranger.credential, sKey), decide: () => true, issuer: h.platform.deps.issuer })),
      ).toBe('not_a_guardian');

      const approved = await approveAsGuardian(h.client, { approvalCode: waiting.approvalCode, holder: nodeHolder(g.credential, gKey), decide: () => true, issuer: h.platform.deps.issuer });
      expect(approved.status).toBe('approved');
      expect(approved.child.name).toMatch(/^.\*+$/u);
      const got = await collect(h.client, waiting.pending);
      expect(got.status).toBe('issued');
      expect(isValidNetid(got.netid)).toBe(true);
      const v = verify(h, got.credential);
      expect([v.disclosed.age_over_14, v.disclosed.age_over_18]).toEqual([true, false]);
      // Collected once: the enrollment is gone.
      expect(await codeOf(collect(h.client, waiting.pending))).toBe('enrollment_not_found');
    });

    it('14–17: a guardian who declines ends the attempt', async () => {
      const { child, guardian } = childAndGuardian(AGE_14_17);
      const gKey = deviceKey();
      const g = (await h.enroll(guardian, { deviceKey: gKey })) as Issued;
      const waiting = (await h.enroll(child)) as AwaitingGuardian;
      const r = await approveAsGuardian(h.client, { approvalCode: waiting.approvalCode, holder: nodeHolder(g.credential, gKey), decide: () => false, issuer: h.platform.deps.issuer });
      expect(r.status).toBe('declined');
      expect(await codeOf(collect(h.client, waiting.pending))).toBe('enrollment_not_found');
    });
  });

  it('no personal data in any log line the platform wrote', () => {
    const logs = h.logs();
    expect(logs.length).toBeGreaterThan(0);
    const people = reg.people('1 = 1', [], 100_000);
    for (const p of people) {
      expect(logs.includes(p.name) || logs.includes(p.documentNumber) || (p.idNumber !== null && logs.includes(p.idNumber)), 'a name or document number is in the log').toBe(false);
    }
    const phones = h.sms.sent.map((m) => m.to);
    expect(phones.length).toBeGreaterThan(10);
    for (const phone of phones) expect(logs.includes(phone), 'a phone number is in the log').toBe(false);
    for (const m of h.sms.sent) expect(logs.includes(`"${m.code}"`), 'an SMS code is in the log').toBe(false);
  });
});
