/**
 * Changing the bound phone number: a one-time code goes by SMS to the NEW number, and only the
 * code proves the person holds it.
 *
 *   start    { phone }   a 6-digit code to the new number; the number and a keyed digest of the
 *                        code wait sealed with the person's data key (store/phone-changes)
 *   confirm  { code }    constant-time compare; then, in one transaction, the sealed profile gets
 *                        the new number, the `phone` blind index is replaced, and a
 *                        `phone_changed` history event (the number masked) is recorded
 *
 * Limits, as at enrollment (core/contact/otp.ts OTP_MAX_SENDS, OTP_MAX_WRONG), counted per
 * person in a 24-hour window — not per attempt, since a new attempt costs nothing here: at most
 * 3 codes and 5 wrong codes; beyond them `too_many_attempts` until the window ends. Each limit
 * is one atomic statement in the store, so concurrent requests cannot exceed it.
 *
 * A number bound to ANOTHER person is refused at `confirm`, once the code proved the number is
 * the asker's (`phone_in_use`): refusing at `start` would tell any 网证 holder whether any
 * number they type belongs to somebody.
 *
 * Trust: `me` is authenticated (auth.ts). The number and the code are untrusted input. The
 * sealed pending change is ours (AEAD, bound to the person id and purpose). Neither the number
 * nor the code is ever logged or put into a message; the SMS text goes to the sender only.
 */
import { timingSafeEqual } from 'node:crypto';
import { maskMobile, parseMobile } from '@wangzheng/core/contact/phone';
import { b64u, randomBytes } from '@wangzheng/core/crypto/index';
import type { CryptoSuite } from '@wangzheng/core/crypto/types';
import { WzError } from '@wangzheng/core/errors';
import type { PhoneChanged, PhoneCodeSent } from '@wangzheng/core/person/controls';
import { OTP_MAX_SENDS, OTP_MAX_WRONG } from '@wangzheng/core/contact/otp';
import type { BlindIndexer, DataProtector } from '../protect/index.ts';
import type { SmsSender } from '../sms/sender.ts';
import type { PhoneChangeLimits, Store } from '../store/index.ts';
import type { AuthenticatedPerson } from './auth.ts';
import { historyEvent } from './history.ts';
import { openProfile, sealProfile } from './profile.ts';
import { iso } from './wire.ts';
import { faultPoint } from '../faults/points.ts';

/** Enrollment's limits on one-time codes (enrollment/service.ts), counted per person in a 24-hour window. */
export const PHONE_CODE_LIMITS: PhoneChangeLimits = { windowMs: 24 * 3_600_000, maxSends: OTP_MAX_SENDS, maxWrong: OTP_MAX_WRONG };
const SEAL_PURPOSE = 'phone_change';
const enc = new TextEncoder();

export interface PhoneChangeDeps {
  readonly store: Store;
  readonly suite: CryptoSuite;
  readonly protector: DataProtector;
  readonly blindIndexer: BlindIndexer;
  readonly sms: SmsSender;
  /** Lifetime of a code (WZ_OTP_TTL). */
  readonly otpMs: number;
  readonly now: () => number;
}

/** What waits, sealed: the new number and a digest of the code keyed with the person's data key. */
interface Pending {
  readonly number: string;
  readonly otp: string;
}

export class PhoneChange {
  constructor(private readonly deps: PhoneChangeDeps) {}

  async start(me: AuthenticatedPerson, phone: string): Promise<PhoneCodeSent> {
    const number = parseMobile(phone);
    if (number === me.profile.phone) throw new WzError('phone_unchanged', 'This is already your bound number.');
    const now = this.deps.now();
    const code = String(Buffer.from(randomBytes(4)).readUInt32BE(0) % 1_000_000).padStart(6, '0');
    const pending: Pending = { number, otp: this.#otp(me, code) };
    const codeExpiresAt = now + this.deps.otpMs;
    const data = this.deps.protector.sealFor(me.dek, me.person.id, SEAL_PURPOSE, pending);
    // Stored (and counted) first, then sent: a code is never sent that was not counted.
    const rec = await this.deps.store.phoneChanges.putCode(me.person.id, { data, codeExpiresAt, at: now }, PHONE_CODE_LIMITS);
    if (!rec) throw new WzError('too_many_attempts', 'Too many codes or wrong codes today; try again tomorrow.');
    await this.deps.sms.send({
      to: number,
      code,
      purpose: 'phone_change',
      sentAt: now,
      text: `【网号网证】您正在更换网证绑定的手机号，验证码为 ${code}，${Math.round(this.deps.otpMs / 60_000)} 分钟内有效。请勿告诉他人。`,
    });
    return { sentTo: maskMobile(number), codeExpiresAt: iso(codeExpiresAt), sendsLeft: PHONE_CODE_LIMITS.maxSends - rec.sends };
  }

  async confirm(me: AuthenticatedPerson, code: string): Promise<PhoneChanged> {
    const { store, protector, blindIndexer: bi } = this.deps;
    const now = this.deps.now();
    const id = me.person.id;
    const rec = await store.phoneChanges.find(id);
    if (rec && rec.wrongTries >= PHONE_CODE_LIMITS.maxWrong) throw tooManyWrong();
    if (!rec || rec.data === null) throw new WzError('phone_change_not_found', 'No code is waiting: ask for one first (POST /v1/me/phone).');
    if (rec.codeExpiresAt <= now) throw new WzError('otp_expired', 'The code has expired; ask for a new one.');
    const pending = protector.openFor(me.dek, id, SEAL_PURPOSE, rec.data) as Pending;
    if (!/^[0-9]{6}$/.test(code) || !same(pending.otp, this.#otp(me, code))) {
      const wrong = (await store.phoneChanges.recordWrong(id, { maxWrong: PHONE_CODE_LIMITS.maxWrong, at: now })) ?? PHONE_CODE_LIMITS.maxWrong;
      if (wrong >= PHONE_CODE_LIMITS.maxWrong) throw tooManyWrong();
      const left = PHONE_CODE_LIMITS.maxWrong - wrong;
      throw new WzError('otp_invalid', `Wrong code; ${left} ${left === 1 ? 'try' : 'tries'} left.`);
    }
    const number = pending.number;
    await store.transaction(async (tx) => {
      // One use: of two concurrent confirmations, one voids the code and goes on.
      if (!(await tx.phoneChanges.voidCode(id, now))) throw new WzError('phone_change_not_found', 'This code was just used.');
      const owner = await tx.persons.findByBlindIndex('phone', bi.candidates('phone', number).map((c) => c.digest));
      if (owner && owner.id !== id) throw new WzError('phone_in_use', 'This number is bound to another person’s 网证; choose another.');
      const person = await tx.persons.findById(id);
      if (!person) throw new WzError('credential_revoked', 'This 网证 cannot be used.');
      const profile = openProfile(protector, me.dek, person);
      profile.phone = number;
      await tx.persons.updateProfile(id, sealProfile(protector, me.dek, id, profile));
      await tx.persons.replaceBlindIndexes(id, 'phone', [bi.digest('phone', number)]);
      await tx.events.append(historyEvent(protector, { personId: id, dek: me.dek }, { kind: 'phone_changed', deviceId: me.device.id, phone: maskMobile(number) }, now));
      faultPoint('person.phone.before-commit');
    });
    faultPoint('person.phone.after-commit');
    return { phone: maskMobile(number), changedAt: iso(now) };
  }

  /** HMAC under the person's data key: the digest in the sealed blob is useless without that key. */
  #otp(me: AuthenticatedPerson, code: string): string {
    return b64u(this.deps.suite.hmac(me.dek, enc.encode(`wangzheng-phone-change-otp\u0000${me.person.id}\u0000${code}`)));
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function tooManyWrong(): WzError {
  return new WzError('too_many_attempts', `${PHONE_CODE_LIMITS.maxWrong} wrong codes: no more codes are accepted today. Try again tomorrow.`);
}
