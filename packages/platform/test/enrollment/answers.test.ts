/**
 * The wallet core's enrollment asks the person at each step and asks again when the platform
 * refuses an answer it keeps the step open for — what both the CLI and the web wallet rely on.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateKey } from '@wangzheng/core/crypto/index';
import type { Correctable, Issued } from '@wangzheng/wallet/enroll/enroll';
import { loadConfig } from '../../src/config.ts';
import { rejectionCode as codeOf } from '../../../../test/support/errors.ts';
import { describeEachEngine } from '../support/engines.ts';
import { ADULT, startPlatform, startRegistry, VALID_DOC, type Harness, type RegistryPerson, type SharedRegistry } from './harness.ts';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(200, 'answers');
});
afterAll(async () => reg?.close());

describeEachEngine('enrollment answers: asked at their step, asked again after a correctable refusal', (engine) => {
  let h: Harness;
  let people: RegistryPerson[];
  beforeAll(async () => {
    h = await startPlatform(engine, reg);
    people = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 3);
  });
  afterAll(async () => h?.close());

  it('a wrong SMS code: readSmsCode is called again with the platform’s refusal, and the right code enrolls', async () => {
    const hw = h.hardware(people[0]!);
    const refusals: (Correctable | undefined)[] = [];
    const issued = (await h.enroll(people[0]!, {
      hardware: {
        ...hw,
        readSmsCode: async (phone, refused) => {
          refusals.push(refused);
          return refusals.length === 1 ? (Number(await hw.readSmsCode(phone)) ^ 1).toString().padStart(6, '0') : hw.readSmsCode(phone);
        },
      },
    })) as Issued;
    expect(issued.status).toBe('issued');
    expect(refusals.map((r) => r?.code)).toEqual([undefined, 'otp_invalid']);
    expect(refusals[1]!.message).toMatch(/tries left/);
  });

  it('a passphrase asked at its step: a weak one is refused by the wallet’s own rules and asked again before anything is sent', async () => {
    const asked: (string | undefined)[] = [];
    const answers = ['12345678', '11111111', '48273915'];
    const issued = (await h.enroll(people[1]!, {
      passphrase: async (refused) => {
        asked.push(refused?.code);
        return answers[asked.length - 1]!;
      },
      label: async () => 'asked at the device step',
    })) as Issued;
    expect(issued.status).toBe('issued');
    expect(asked).toEqual([undefined, 'weak_passphrase', 'weak_passphrase']);
  });

  it('wrong codes again and again end at the platform’s last try (too_many_attempts); a weak passphrase given up front is refused before anything is sent', async () => {
    const hw = h.hardware(people[2]!);
    let calls = 0;
    const wrong = async (phone: string): Promise<string> => {
      calls += 1;
      return (Number(await hw.readSmsCode(phone)) ^ 1).toString().padStart(6, '0');
    };
    expect(await codeOf(h.enroll(people[2]!, { hardware: { ...hw, readSmsCode: wrong } }))).toBe('too_many_attempts');
    expect(calls).toBe(5);
    expect(await codeOf(h.enroll(people[2]!, { passphrase: '12345678' }))).toBe('weak_passphrase');
  });
});

describeEachEngine('WZ_DEVICE_ALGS: a deployment that allows only SM2 device keys', (engine) => {
  let h: Harness;
  let people: RegistryPerson[];
  beforeAll(async () => {
    h = await startPlatform(engine, reg, { overrides: { 'credential.deviceAlgs': 'SM2' } });
    people = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 5).slice(3);
  });
  afterAll(async () => h?.close());

  it('refuses an ES256 (web wallet) device key at the device step with unsupported_algorithm, and issues to an SM2 key', async () => {
    expect(await codeOf(h.enroll(people[0]!, { deviceKey: generateKey('ES256') }))).toBe('unsupported_algorithm');
    expect(((await h.enroll(people[1]!, { deviceKey: generateKey('SM2') })) as Issued).status).toBe('issued');
  });

  it('the setting is checked at start: an unknown algorithm or an empty list refuses to load', () => {
    expect(loadConfig({ WZ_DEVICE_ALGS: 'SM2, ES256' }, {}).credential.deviceAlgs).toEqual(['SM2', 'ES256']);
    expect(loadConfig({}, {}).credential.deviceAlgs).toEqual(['SM2', 'ES256', 'EdDSA']);
    expect(() => loadConfig({ WZ_DEVICE_ALGS: 'RS256' }, {})).toThrow();
    expect(() => loadConfig({ WZ_DEVICE_ALGS: ' , ' }, {})).toThrow();
  });
});
