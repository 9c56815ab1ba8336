// Consent subjects and history kinds as closed unions (issue 7 §1), and the request binding of
// the person-authenticated API: the stored strings stay what older rows hold; a subject or a
// binding that is not one of ours is refused, never guessed at.
import { describe, expect, it } from 'vitest';
import { boundNonce, requestDigest } from '@wangzheng/core/person/request-digest';
import { decodeConsentSubject, encodeConsentSubject, subjectsOfRp, type ConsentSubject } from '../../src/person/consent-subject.ts';
import { HISTORY_KINDS, isHistoryKind } from '../../src/person/history.ts';
import { consentSubjects } from '../../src/enrollment/notice.ts';

const RP = 'rp_AAAAAAAAAAAAAAAAAAAAAA';

describe('consent subjects: typed union ⇄ stored string', () => {
  const cases: [ConsentSubject, string][] = [
    [{ kind: 'notice', version: '2026-11-23.1', sensitive: false }, 'notice:2026-11-23.1'],
    [{ kind: 'notice', version: '2026-11-23.1', sensitive: true }, 'notice:2026-11-23.1:sensitive'],
    [{ kind: 'rp', clientId: RP, sensitive: false }, `rp:${RP}`],
    [{ kind: 'rp', clientId: RP, sensitive: true }, `rp:${RP}:sensitive`],
    [{ kind: 'guardian_rp', clientId: RP }, `guardian:rp:${RP}`],
  ];
  it.each(cases)('%o is stored as the string older rows hold, and read back', (subject, stored) => {
    expect(encodeConsentSubject(subject)).toBe(stored);
    expect(decodeConsentSubject(stored)).toEqual(subject);
  });

  it('the enrollment notice’s subjects are built by the union', () => {
    expect(consentSubjects('v1')).toEqual({ processing: 'notice:v1', sensitive: 'notice:v1:sensitive' });
  });

  it('anything else decodes to undefined: unknown prefix, malformed client id, a sensitive guardian subject, empty version', () => {
    for (const s of ['', 'rp:', 'rp:abc', `rp:${RP}:other`, `guardian:rp:${RP}:sensitive`, 'notice:', 'notice:a b', 'consent:x', `RP:${RP}`]) {
      expect(decodeConsentSubject(s)).toBeUndefined();
    }
  });

  it('encoding a malformed client id or version is a programming error (TypeError)', () => {
    expect(() => encodeConsentSubject({ kind: 'rp', clientId: 'rp_short', sensitive: false })).toThrow(TypeError);
    expect(() => encodeConsentSubject({ kind: 'notice', version: 'has:colon', sensitive: false })).toThrow(TypeError);
  });

  it('withdrawing "this RP" covers its ordinary, sensitive and guardian subjects', () => {
    expect(subjectsOfRp(RP)).toEqual([`rp:${RP}`, `rp:${RP}:sensitive`, `guardian:rp:${RP}`]);
  });
});

describe('history kinds', () => {
  it('the list names every kind once; the kinds other modules write are in it', () => {
    expect(new Set(HISTORY_KINDS).size).toBe(HISTORY_KINDS.length);
    for (const k of ['enrolled', 'verified', 'verification_declined', 'locked', 'unlocked', 'device_revoked', 'consent_withdrawn']) expect(isHistoryKind(k)).toBe(true);
    expect(isHistoryKind('something_else')).toBe(false);
  });
});

describe('request binding: the key-binding nonce names the platform nonce, method, path and body', () => {
  const base = { method: 'POST', path: '/v1/me/devices/revoke', body: { nonce: 'n1', deviceId: 'd1' } };

  it('is deterministic, ignores member order and the presentation itself', () => {
    const d = requestDigest(base);
    expect(requestDigest({ ...base, body: { deviceId: 'd1', nonce: 'n1', presentation: 'anything' } })).toBe(d);
    expect(d).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(boundNonce('n1', base)).toBe(`n1~${d}`);
  });

  it('changes with the method, the path, any body member', () => {
    const d = requestDigest(base);
    expect(requestDigest({ ...base, method: 'PUT' })).not.toBe(d);
    expect(requestDigest({ ...base, path: '/v1/me/lock' })).not.toBe(d);
    expect(requestDigest({ ...base, body: { ...base.body, deviceId: 'd2' } })).not.toBe(d);
    expect(requestDigest({ ...base, body: { ...base.body, extra: null } })).not.toBe(d);
  });

  it('refuses what has no canonical form or no platform nonce (TypeError)', () => {
    expect(() => requestDigest({ ...base, body: { x: 1n } as never })).toThrow(TypeError);
    expect(() => requestDigest({ ...base, path: '/v1/me/lock?x=1' })).toThrow(TypeError);
    expect(() => boundNonce('a~b', base)).toThrow(TypeError);
    expect(() => boundNonce('', base)).toThrow(TypeError);
  });
});
