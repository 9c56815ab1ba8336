// The event types (RISC 1.0 §2, CAEP 1.0 §3.3, one private URN) and the payload of each:
// exact URIs, exact payloads, and payloads read back only when they have the right shape.
import { describe, expect, it } from 'vitest';
import { EVENT_CODES, EVENT_TYPE_URIS, SIGNAL_EVENTS, eventCodeOf, eventsClaim, type SecurityEvent } from '@wangzheng/core/signals/index';

describe('event type URIs', () => {
  it('RISC for the account, CAEP credential-change for a revoked 网证, a private URN for withdrawn consent', () => {
    expect(EVENT_TYPE_URIS).toEqual({
      account_disabled: 'https://schemas.openid.net/secevent/risc/event-type/account-disabled',
      account_enabled: 'https://schemas.openid.net/secevent/risc/event-type/account-enabled',
      account_purged: 'https://schemas.openid.net/secevent/risc/event-type/account-purged',
      credential_revoked: 'https://schemas.openid.net/secevent/caep/event-type/credential-change',
      consent_withdrawn: 'urn:wangzheng:secevent:event-type:consent-withdrawn',
    });
    for (const c of EVENT_CODES) {
      expect(SIGNAL_EVENTS[c].uri).toBe(EVENT_TYPE_URIS[c]);
      expect(eventCodeOf(EVENT_TYPE_URIS[c])).toBe(c);
    }
    expect(eventCodeOf('https://schemas.openid.net/secevent/caep/event-type/session-revoked')).toBeUndefined();
  });
});

describe('payloads', () => {
  const cases: [SecurityEvent, Record<string, unknown>][] = [
    [{ code: 'account_disabled', reason: 'nationwide-ban' }, { reason: 'nationwide-ban' }],
    [{ code: 'account_disabled', reason: 'hijacking', eventTimestamp: 1_700_000_000 }, { reason: 'hijacking', event_timestamp: 1_700_000_000 }],
    [{ code: 'account_enabled' }, {}],
    [{ code: 'account_purged', eventTimestamp: 5 }, { event_timestamp: 5 }],
    [
      { code: 'credential_revoked', cause: 'renewal' },
      { credential_type: 'verifiable-credential', change_type: 'revoke', initiating_entity: 'system', reason_admin: { en: 'Credential renewed', 'zh-Hans': '网证更新' }, wz_cause: 'renewal' },
    ],
    [{ code: 'consent_withdrawn' }, { initiating_entity: 'user' }],
  ];

  it.each(cases)('%o → its payload, and back', (event, payload) => {
    const claim = eventsClaim(event);
    expect(claim).toEqual({ [EVENT_TYPE_URIS[event.code]]: payload });
    expect(SIGNAL_EVENTS[event.code].read(payload as Record<string, unknown>)).toEqual(event);
  });

  it('credential_revoked for a lost device is user-initiated and names no device', () => {
    const p = eventsClaim({ code: 'credential_revoked', cause: 'device_lost' })[EVENT_TYPE_URIS.credential_revoked]!;
    expect(p['initiating_entity']).toBe('user');
    expect(Object.keys(p).sort()).toEqual(['change_type', 'credential_type', 'initiating_entity', 'reason_admin', 'wz_cause']);
  });

  it('builders refuse unknown reasons, causes and codes, and millisecond timestamps', () => {
    expect(() => eventsClaim({ code: 'account_disabled', reason: 'fraud' } as never)).toThrow(TypeError);
    expect(() => eventsClaim({ code: 'credential_revoked', cause: 'lost' } as never)).toThrow(TypeError);
    expect(() => eventsClaim({ code: 'session_revoked' } as never)).toThrow(TypeError);
    expect(() => eventsClaim({ code: 'account_enabled', eventTimestamp: 1_700_000_000_000 })).toThrow(TypeError);
  });

  it('readers refuse the wrong shape', () => {
    expect(SIGNAL_EVENTS.account_disabled.read({})).toBeNull();
    expect(SIGNAL_EVENTS.account_enabled.read({ event_timestamp: '5' })).toBeNull();
    expect(SIGNAL_EVENTS.credential_revoked.read({ credential_type: 'password', change_type: 'revoke', wz_cause: 'renewal' })).toBeNull();
    expect(SIGNAL_EVENTS.credential_revoked.read({ credential_type: 'verifiable-credential', change_type: 'create', wz_cause: 'renewal' })).toBeNull();
  });
});
