// Changing the bound phone number (issue 7 §3; docs/person.md), on SQLite and PostgreSQL: a
// one-time code goes by SMS to the NEW number; the code binds it — the sealed profile and the
// `phone` blind index change together, with a history event. Enrollment's code rules apply,
// counted per person over a day: 3 codes, 5 wrong codes, a code lives WZ_OTP_TTL. A number
// bound to another person is refused (phone_in_use) once the code proved the asker holds it.
// The number is never stored or logged in clear, the code never at all.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { maskMobile } from '@wangzheng/core/contact/phone';
import { MeClient } from '@wangzheng/wallet/me/client';
import { describeEachEngine } from '../support/engines.ts';
import { freshPhone, startRegistry, type Harness, type SharedRegistry } from '../enrollment/harness.ts';
import { adults, codeOf, controls, enrollHolder, plaintextIn, startControlsPlatform, type Holder } from './controls-harness.ts';
import { nodeHolder } from '@wangzheng/wallet/holder/node';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(120, 'person-phone');
});
afterAll(async () => reg?.close());

describeEachEngine('phone change: a code to the new number (issue 7 §3)', (engine) => {
  let h: Harness;
  let skew = 0;
  const holders: Holder[] = [];
  const phones = new Map<string, string[]>();
  const numbers: string[] = [];
  let alice: Holder;
  let bob: Holder;
  let carol: Holder;
  let dave: Holder;

  const me = (who: Holder) => new MeClient(h.client, nodeHolder(who.credential, who.key));
  const boundPhone = async (who: Holder) => (await me(who).export()).profile.phone as string;
  const ownerOf = async (number: string) => {
    const bi = h.platform.deps.blindIndexer;
    return (await h.platform.deps.store.persons.findByBlindIndex('phone', bi.candidates('phone', number).map((c) => c.digest)))?.id;
  };
  const fresh = () => {
    const n = freshPhone();
    numbers.push(n);
    return n;
  };

  beforeAll(async () => {
    h = await startControlsPlatform(engine, reg, { 'enrollment.otpSeconds': 30 }, () => Date.now() + skew);
    for (const p of adults(reg, 4)) {
      const who = await enrollHolder(h, p);
      holders.push(who);
      phones.set(who.personId, [await boundPhone(who)]);
    }
    [alice, bob, carol, dave] = holders as [Holder, Holder, Holder, Holder];
  });
  afterAll(async () => h?.close());

  it('the code goes to the new number only; confirming it rebinds the profile and the lookup index, with a history event', async () => {
    const old = await boundPhone(alice);
    const next = fresh();
    const before = h.sms.sent.length;
    const sent = await controls(h, alice).changePhone(`+86 ${next.slice(0, 3)} ${next.slice(3, 7)} ${next.slice(7)}`);
    expect(sent).toMatchObject({ sentTo: maskMobile(next), sendsLeft: 2 });
    expect(h.sms.sent.slice(before).map((m) => [m.to, m.purpose])).toEqual([[next, 'phone_change']]);
    const done = await controls(h, alice).confirmPhone(h.sms.lastCode(next)!);
    expect(done.phone).toBe(maskMobile(next));
    phones.get(alice.personId)!.push(next);
    expect(await boundPhone(alice)).toBe(next);
    expect(await ownerOf(next)).toBe(alice.personId);
    expect(await ownerOf(old)).toBeUndefined();
    const ev = (await me(alice).history()).find((e) => e.type === 'event' && e.kind === 'phone_changed');
    expect(ev).toMatchObject({ details: { phone: maskMobile(next) } });
    // The code is spent.
    expect(await codeOf(controls(h, alice).confirmPhone(h.sms.lastCode(next)!))).toBe('phone_change_not_found');
  });

  it('the bound number again → phone_unchanged; not a mainland mobile → invalid_phone; nothing pending → phone_change_not_found', async () => {
    expect(await codeOf(controls(h, alice).changePhone(await boundPhone(alice)))).toBe('phone_unchanged');
    expect(await codeOf(controls(h, alice).changePhone('12345'))).toBe('invalid_phone');
    expect(await codeOf(controls(h, dave).confirmPhone('123456'))).toBe('phone_change_not_found');
  });

  it('wrong codes → otp_invalid with the tries left; the fifth → too_many_attempts, and then neither the right code nor a new one is accepted', async () => {
    const next = fresh();
    await controls(h, bob).changePhone(next);
    const right = h.sms.lastCode(next)!;
    const wrong = right === '000000' ? '000001' : '000000';
    for (let i = 1; i <= 4; i++) expect(await codeOf(controls(h, bob).confirmPhone(wrong))).toBe('otp_invalid');
    expect(await codeOf(controls(h, bob).confirmPhone(wrong))).toBe('too_many_attempts');
    expect(await codeOf(controls(h, bob).confirmPhone(right))).toBe('too_many_attempts');
    expect(await codeOf(controls(h, bob).changePhone(fresh()))).toBe('too_many_attempts');
    expect(await boundPhone(bob)).toBe(phones.get(bob.personId)![0]);
  });

  it('an expired code → otp_expired; a new code works (a code lasts WZ_OTP_TTL)', async () => {
    const next = fresh();
    await controls(h, carol).changePhone(next);
    const code = h.sms.lastCode(next)!;
    skew = 31_000;
    try {
      expect(await codeOf(controls(h, carol).confirmPhone(code))).toBe('otp_expired');
    } finally {
      skew = 0;
    }
    const again = await controls(h, carol).changePhone(next);
    expect(again.sendsLeft).toBe(1);
    await controls(h, carol).confirmPhone(h.sms.lastCode(next)!);
    phones.get(carol.personId)!.push(next);
    expect(await boundPhone(carol)).toBe(next);
  });

  it('at most 3 codes a day, also when asked for at the same instant: of five concurrent requests three send', async () => {
    const targets = [fresh(), fresh(), fresh(), fresh(), fresh()];
    const codes = await Promise.all(targets.map((n) => codeOf(controls(h, dave).changePhone(n))));
    expect(codes.filter((c) => c === 'no error')).toHaveLength(3);
    expect(codes.filter((c) => c === 'too_many_attempts')).toHaveLength(2);
    expect(h.sms.sent.filter((m) => targets.includes(m.to))).toHaveLength(3);
  });

  it('a number bound to another person → phone_in_use once the code is entered; nothing changes for either', async () => {
    const owner = holders[0]!;
    const taken = await boundPhone(owner);
    // Carol has one code left today.
    await controls(h, carol).changePhone(taken);
    expect(await codeOf(controls(h, carol).confirmPhone(h.sms.lastCode(taken)!))).toBe('phone_in_use');
    expect(await ownerOf(taken)).toBe(owner.personId);
    expect(await boundPhone(carol)).toBe(phones.get(carol.personId)!.at(-1));
  });

  it('no phone number in clear anywhere in the database, old or new; no number or code in the logs', async () => {
    const people = holders.map((who) => ({ person: who.person, phones: [...phones.get(who.personId)!, ...numbers] }));
    expect(await plaintextIn(h, people)).toEqual([]);
    const logs = h.logs();
    for (const n of numbers) expect(logs).not.toContain(n);
    // A code as a token of its own (not inside a timestamp or a hex id).
    for (const m of h.sms.sent.filter((x) => x.purpose === 'phone_change')) expect(logs).not.toMatch(new RegExp(`(?<![0-9a-fA-F])${m.code}(?![0-9a-fA-F])`));
  });
});
