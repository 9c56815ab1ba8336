// RFC 8936 poll delivery on SQLite and PostgreSQL: queued SETs come back until acknowledged;
// `ack` removes them (delivered), `setErrs` fails them keeping only the code; maxEvents and
// moreAvailable; maxEvents 0 acknowledges only; a paused stream returns nothing; a push stream
// cannot be polled; an RP's acks never touch another RP's SETs.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifySet, type SecurityEvent } from '@wangzheng/core/signals/index';
import { describeEachEngine } from '../support/engines.ts';
import { ISSUER, pollStream, pushStream, startRegistry, startSignalsPlatform, type SharedRegistry, type SignalsHarness, type TestRp } from './harness.ts';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(20, 'ssf-poll');
});
afterAll(async () => reg?.close());

type Poll = { sets: Record<string, string>; moreAvailable: boolean };
const BAN: SecurityEvent = { code: 'account_disabled', reason: 'nationwide-ban' };
const EVENTS: SecurityEvent[] = [BAN, { code: 'account_enabled' }, { code: 'credential_revoked', cause: 'renewal' }, { code: 'consent_withdrawn' }, { code: 'account_purged' }];

describeEachEngine('RFC 8936 poll delivery', (engine) => {
  let h: SignalsHarness;
  let a: TestRp;
  let b: TestRp;
  let streamA: string;
  const jtis: string[] = [];

  beforeAll(async () => {
    h = await startSignalsPlatform(engine, reg);
    a = await h.rp('SM2');
    b = await h.rp('ES256');
    streamA = await pollStream(h, a);
    await pollStream(h, b);
    const p = await h.person([a, b]);
    for (const event of EVENTS) {
      const emitted = await h.store.transaction((tx) => h.platform.signals.emitForPerson(tx, { personId: p.id, dek: p.dek, event }));
      jtis.push(emitted.find((e) => e.clientId === a.clientId)!.jti);
    }
  });
  afterAll(async () => h?.close());

  const poll = (rp: TestRp, body: unknown, url = '/ssf/poll') => h.request<Poll & { error?: string }>('POST', url, { auth: rp.auth, body });

  it('§2.1–2.2: maxEvents caps the batch and moreAvailable says there is more; the SETs verify as the RP’s', async () => {
    const r = await poll(a, { maxEvents: 2, returnImmediately: true });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.sets).length).toBe(2);
    expect(r.body.moreAvailable).toBe(true);
    for (const [jti, token] of Object.entries(r.body.sets)) {
      const v = verifySet(token, h.platform.deps.signing.gm, { issuer: ISSUER, audience: a.clientId, algorithms: ['SM2'] });
      expect(v.claims.jti).toBe(jti);
    }
    const all = await poll(a, {});
    expect([Object.keys(all.body.sets).sort(), all.body.moreAvailable]).toEqual([[...jtis].sort(), false]);
  });

  it('§2.4: SETs not acknowledged come again; acknowledged ones are gone and counted as delivered', async () => {
    const first = await poll(a, { maxEvents: 0, ack: [jtis[0], jtis[1]] });
    expect([first.body.sets, first.body.moreAvailable]).toEqual([{}, false]);
    const rest = await poll(a, {});
    expect(Object.keys(rest.body.sets).sort()).toEqual(jtis.slice(2).sort());
    const s = await h.store.ssfStreams.findByClientId(a.clientId);
    expect(s!.delivered).toBe(2);
  });

  it('§2.1 setErrs: a refused SET fails for good; only rejected:<err> is kept, not the description', async () => {
    const r = await poll(a, { ack: [jtis[2]], setErrs: { [jtis[3]!]: { err: 'invalid_audience', description: 'not for Mr. Private' } } });
    expect(Object.keys(r.body.sets)).toEqual([jtis[4]]);
    const s = await h.store.ssfStreams.findByClientId(a.clientId);
    expect([s!.delivered, s!.failed, s!.lastError]).toEqual([3, 1, 'rejected:invalid_audience']);
    expect(h.logs()).not.toContain('Mr. Private');
  });

  it('an RP’s acks and errors never touch another RP’s SETs (same person, same events)', async () => {
    const theirs = Object.keys((await poll(b, {})).body.sets);
    expect(theirs.length).toBe(EVENTS.length);
    await poll(a, { ack: theirs, setErrs: Object.fromEntries(theirs.map((j) => [j, { err: 'invalid_key' }])) });
    expect(Object.keys((await poll(b, {})).body.sets).sort()).toEqual([...theirs].sort());
  });

  it('the per-stream poll URL works; another stream id in it → 404 stream_not_found', async () => {
    expect(Object.keys((await poll(a, {}, `/ssf/poll/${streamA}`)).body.sets)).toEqual([jtis[4]]);
    const wrong = await poll(b, {}, `/ssf/poll/${streamA}`);
    expect([wrong.status, wrong.body.error]).toEqual([404, 'stream_not_found']);
  });

  it('a paused stream returns no SETs (they are held) but still takes acks', async () => {
    await h.request('POST', '/ssf/status', { auth: a.auth, body: { stream_id: streamA, status: 'paused' } });
    expect((await poll(a, {})).body).toEqual({ sets: {}, moreAvailable: false });
    await poll(a, { ack: [jtis[4]] });
    await h.request('POST', '/ssf/status', { auth: a.auth, body: { stream_id: streamA, status: 'enabled' } });
    expect((await poll(a, {})).body).toEqual({ sets: {}, moreAvailable: false });
    expect((await h.store.ssfStreams.findByClientId(a.clientId))!.delivered).toBe(4);
  });

  it('bad requests: a push stream cannot be polled (409 stream_state_conflict); malformed bodies → 400 invalid_request', async () => {
    const c = await h.rp('ES256');
    await pushStream(h, c, 'http://127.0.0.1:9/unused');
    const r = await poll(c, {});
    expect([r.status, r.body.error]).toEqual([409, 'stream_state_conflict']);
    for (const body of [{ maxEvents: -1 }, { ack: ['has space'] }, { setErrs: { x: { err: 'bad code!' } } }, { maxEvents: 'ten' }]) {
      const bad = await poll(a, body);
      expect([bad.status, bad.body.error]).toEqual([400, 'invalid_request']);
    }
    const none = await h.rp('SM2');
    expect((await poll(none, {})).body.error).toBe('stream_not_found');
  });
});
