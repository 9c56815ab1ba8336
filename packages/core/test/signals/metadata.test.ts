// SSF 1.0 §7 transmitter configuration metadata, §8.1.1 the receiver's stream configuration,
// and RFC 8936 poll request / response shapes.
import { describe, expect, it } from 'vitest';
import {
  EVENT_TYPE_URIS,
  parsePollRequest,
  parseStreamConfig,
  pollBatchSize,
  pollEndpointUrl,
  pollResponse,
  ssfConfigurationPath,
  streamConfigSchema,
  transmitterMetadata,
} from '@wangzheng/core/signals/index';
import { errorCode } from '../../../../test/support/errors.ts';

const ISS = 'https://id.wangzheng.test';
const PUSH = 'urn:ietf:rfc:8935';
const POLL = 'urn:ietf:rfc:8936';

describe('SSF 1.0 §7.1 transmitter configuration metadata', () => {
  it('has the required and recommended members, endpoints under ${issuer}/ssf/', () => {
    expect(transmitterMetadata(ISS)).toEqual({
      spec_version: '1_0',
      issuer: ISS,
      jwks_uri: `${ISS}/.well-known/jwks.json`,
      delivery_methods_supported: [PUSH, POLL],
      configuration_endpoint: `${ISS}/ssf/stream`,
      status_endpoint: `${ISS}/ssf/status`,
      verification_endpoint: `${ISS}/ssf/verify`,
      authorization_schemes: [{ spec_urn: 'urn:ietf:rfc:7523' }, { spec_urn: 'urn:ietf:rfc:6749' }],
      default_subjects: 'ALL',
    });
  });

  it('issuer is kept exactly (it must equal iss in SETs); a trailing slash does not double in paths', () => {
    const m = transmitterMetadata(`${ISS}/`, { defaultSubjects: 'NONE', deliveryMethods: [PUSH] });
    expect(m.issuer).toBe(`${ISS}/`);
    expect(m.configuration_endpoint).toBe(`${ISS}/ssf/stream`);
    expect(m.delivery_methods_supported).toEqual([PUSH]);
    expect(m.default_subjects).toBe('NONE');
  });

  it('issuer must be https without query or fragment; http://localhost only when allowed', () => {
    expect(() => transmitterMetadata('http://id.wangzheng.test')).toThrow(TypeError);
    expect(() => transmitterMetadata(`${ISS}?x=1`)).toThrow(TypeError);
    expect(() => transmitterMetadata(`${ISS}#f`)).toThrow(TypeError);
    expect(() => transmitterMetadata('http://localhost:8080')).toThrow(TypeError);
    expect(transmitterMetadata('http://localhost:8080', { allowInsecureLocalhost: true }).status_endpoint).toBe('http://localhost:8080/ssf/status');
  });

  it('§7.2 well-known location: inserted between host and path', () => {
    expect(ssfConfigurationPath(ISS)).toBe('/.well-known/ssf-configuration');
    expect(ssfConfigurationPath(`${ISS}/issuer1/`)).toBe('/.well-known/ssf-configuration/issuer1');
  });

  it('§6.1.2 poll endpoint: transmitter-supplied, unique per stream', () => {
    expect(pollEndpointUrl(ISS, 'st_1')).toBe(`${ISS}/ssf/poll/st_1`);
    expect(() => pollEndpointUrl(ISS, '../x/y')).toThrow(TypeError);
  });
});

describe('SSF 1.0 §8.1.1 stream configuration submitted by the RP', () => {
  const events = [EVENT_TYPE_URIS.account_disabled, EVENT_TYPE_URIS.credential_revoked];
  const push = (endpoint_url: string) => ({ delivery: { method: PUSH, endpoint_url }, events_requested: events });

  it('accepts an https push endpoint and the supported events; drops transmitter-supplied members', () => {
    const c = parseStreamConfig({ ...push('https://rp.example.cn/ssf/events'), iss: 'https://evil.test', aud: 'rp_other', stream_id: 'x', description: 'bans' });
    expect(c).toEqual({ delivery: { method: PUSH, endpoint_url: 'https://rp.example.cn/ssf/events' }, events_requested: events, description: 'bans' });
  });

  it('rejects an http:// push endpoint that is not local, with or without the flag', () => {
    for (const allowInsecureLocalhost of [false, true]) {
      expect(errorCode(() => parseStreamConfig(push('http://rp.example.cn/events'), { allowInsecureLocalhost }))).toBe('invalid_request');
      expect(errorCode(() => parseStreamConfig(push('http://localhost.rp.example.cn/events'), { allowInsecureLocalhost }))).toBe('invalid_request');
      expect(errorCode(() => parseStreamConfig(push('http://10.0.0.1/events'), { allowInsecureLocalhost }))).toBe('invalid_request');
    }
  });

  it('http://localhost, 127.0.0.1 and [::1] only with allowInsecureLocalhost', () => {
    for (const url of ['http://localhost:9000/events', 'http://127.0.0.1:9000/events', 'http://[::1]/events']) {
      expect(errorCode(() => parseStreamConfig(push(url)))).toBe('invalid_request');
      expect(parseStreamConfig(push(url), { allowInsecureLocalhost: true }).delivery).toEqual({ method: PUSH, endpoint_url: url });
    }
  });

  it('rejects credentials or a fragment in the URL, other schemes, and a multi-line authorization_header', () => {
    expect(errorCode(() => parseStreamConfig(push('https://u:p@rp.example.cn/events')))).toBe('invalid_request');
    expect(errorCode(() => parseStreamConfig(push('https://rp.example.cn/events#x')))).toBe('invalid_request');
    expect(errorCode(() => parseStreamConfig(push('ftp://rp.example.cn/events')))).toBe('invalid_request');
    expect(errorCode(() => parseStreamConfig(push('/events')))).toBe('invalid_request');
    const body = push('https://rp.example.cn/events');
    const withHeader = (h: string) => ({ ...body, delivery: { ...body.delivery, authorization_header: h } });
    expect(parseStreamConfig(withHeader('Bearer abc')).delivery).toMatchObject({ authorization_header: 'Bearer abc' });
    expect(errorCode(() => parseStreamConfig(withHeader('Bearer abc\r\nX-Evil: 1')))).toBe('invalid_request');
  });

  it('rejects unknown event types, an empty list, and events this RP is not offered', () => {
    const body = push('https://rp.example.cn/events');
    expect(errorCode(() => parseStreamConfig({ ...body, events_requested: ['https://schemas.openid.net/secevent/caep/event-type/session-revoked'] }))).toBe('invalid_request');
    expect(errorCode(() => parseStreamConfig({ ...body, events_requested: [] }))).toBe('invalid_request');
    expect(errorCode(() => parseStreamConfig(body, { eventsSupported: ['account_disabled'] }))).toBe('invalid_request');
    expect(parseStreamConfig({ ...body, events_requested: [events[0], events[0]] }).events_requested).toEqual([events[0]]);
  });

  it('no delivery means poll (§8.1.1.1); a poll endpoint_url from the RP is dropped; unknown methods are refused', () => {
    expect(parseStreamConfig({ events_requested: events }).delivery).toEqual({ method: POLL });
    expect(parseStreamConfig({ delivery: { method: POLL, endpoint_url: 'https://rp.example.cn/x' }, events_requested: events }).delivery).toEqual({ method: POLL });
    expect(errorCode(() => parseStreamConfig({ delivery: { method: 'urn:example:ws' }, events_requested: events }))).toBe('invalid_request');
    expect(errorCode(() => parseStreamConfig({ events_requested: events }, { deliveryMethods: [PUSH] }))).toBe('invalid_request');
  });

  it('the error message names fields, never the submitted values', () => {
    let message = '';
    try {
      parseStreamConfig(push('http://secret-host.example.cn/events'));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('invalid request: delivery.endpoint_url: must use https');
    expect(streamConfigSchema().safeParse(push('https://rp.example.cn/events')).success).toBe(true);
  });
});

describe('RFC 8936 poll-based delivery', () => {
  it('§2.1 parses acks, errors, maxEvents and returnImmediately', () => {
    const req = parsePollRequest({
      maxEvents: 10,
      returnImmediately: true,
      ack: ['jti-1', 'jti-2'],
      setErrs: { 'jti-3': { err: 'invalid_key', description: 'key not found' } },
    });
    expect(req).toEqual({ maxEvents: 10, returnImmediately: true, ack: ['jti-1', 'jti-2'], setErrs: { 'jti-3': { err: 'invalid_key', description: 'key not found' } } });
    expect(parsePollRequest({})).toEqual({});
    expect(pollBatchSize({ maxEvents: 0 })).toBe(0);
    expect(pollBatchSize({})).toBe(1000);
    expect(pollBatchSize({ maxEvents: 5000 }, 100)).toBe(100);
  });

  it('rejects a negative or fractional maxEvents, a non-boolean returnImmediately, a malformed jti or error', () => {
    expect(errorCode(() => parsePollRequest({ maxEvents: -1 }))).toBe('invalid_request');
    expect(errorCode(() => parsePollRequest({ maxEvents: 1.5 }))).toBe('invalid_request');
    expect(errorCode(() => parsePollRequest({ returnImmediately: 'yes' }))).toBe('invalid_request');
    expect(errorCode(() => parsePollRequest({ ack: ['a b'] }))).toBe('invalid_request');
    expect(errorCode(() => parsePollRequest({ ack: Array.from({ length: 1001 }, (_, i) => `j${i}`) }))).toBe('invalid_request');
    expect(errorCode(() => parsePollRequest({ setErrs: { j1: { description: 'no err' } } }))).toBe('invalid_request');
  });

  it('§2.2 builds { sets: { jti: SET }, moreAvailable }', () => {
    expect(pollResponse([{ jti: 'a', token: 'x.y.z' }, { jti: 'b', token: 'u.v.w' }], true)).toEqual({ sets: { a: 'x.y.z', b: 'u.v.w' }, moreAvailable: true });
    expect(pollResponse([], false)).toEqual({ sets: {}, moreAvailable: false });
    expect(() => pollResponse([{ jti: 'a', token: 't' }, { jti: 'a', token: 't' }], false)).toThrow(TypeError);
  });
});
