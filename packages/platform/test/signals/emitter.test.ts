// The emitter on SQLite and PostgreSQL: for a person known to several relying parties, one SET
// per RP whose stream wants the event — each naming the person only by that RP's application
// identifier (RFC 9493 iss_sub), never the 网号, addressed to that RP and signed with its
// algorithm — queued in the caller's transaction (rolled back → nothing queued).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EVENT_TYPE_URIS, verifySet, type SecurityEvent } from '@wangzheng/core/signals/index';
import { Sealer } from '../../src/jobs/index.ts';
import { describeEachEngine } from '../support/engines.ts';
import { ISSUER, pollStream, pushStream, startRegistry, startSignalsPlatform, type SharedRegistry, type SignalsHarness, type TestRp } from './harness.ts';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(20, 'ssf-emitter');
});
afterAll(async () => reg?.close());

const BAN: SecurityEvent = { code: 'account_disabled', reason: 'nationwide-ban' };

describeEachEngine('SignalEmitter: one SET per relying party that knows the person', (engine) => {
  let h: SignalsHarness;
  let sealer: Sealer;

  beforeAll(async () => {
    h = await startSignalsPlatform(engine, reg, { overrides: { suite: 'intl' } });
    sealer = new Sealer(h.platform.deps.protector);
  });
  afterAll(async () => h?.close());

  /** The queued SETs of an RP, opened. */
  async function queued(rp: TestRp): Promise<string[]> {
    const jobs = [...(await h.store.jobs.listPending(rp.clientId, 'ssf.deliver', 100)), ...(await h.store.jobs.listPending(rp.clientId, 'ssf.poll', 100))];
    return jobs.map((j) => new TextDecoder().decode(sealer.open(j.id, 'job_payload', j.payload!)));
  }

  it('a person known to two RPs with streams: two SETs, different subjects (each RP’s own identifier), never the 网号', async () => {
    const shop = await h.rp('ES256');
    const bank = await h.rp('SM2');
    await pushStream(h, shop, 'http://127.0.0.1:9/shop');
    await pollStream(h, bank);
    const p = await h.person([shop, bank]);
    const out = await h.store.transaction((tx) => h.platform.signals.emitForPerson(tx, { personId: p.id, dek: p.dek, event: BAN, txn: 'ban-0001' }));
    expect(out.map((e) => e.clientId).sort()).toEqual([shop.clientId, bank.clientId].sort());
    const [shopSet] = await queued(shop);
    const [bankSet] = await queued(bank);
    const vs = verifySet(shopSet!, h.platform.deps.signing.intl, { issuer: ISSUER, audience: shop.clientId, algorithms: ['ES256'] });
    const vb = verifySet(bankSet!, h.platform.deps.signing.gm, { issuer: ISSUER, audience: bank.clientId, algorithms: ['SM2'] });
    expect([vs.subject, vb.subject]).toEqual([
      { format: 'iss_sub', iss: ISSUER, sub: p.appIds[shop.clientId] },
      { format: 'iss_sub', iss: ISSUER, sub: p.appIds[bank.clientId] },
    ]);
    expect(vs.subject.sub).not.toBe(vb.subject.sub);
    expect([vs.claims.txn, vb.claims.txn, vs.event, vb.event.code]).toEqual(['ban-0001', 'ban-0001', { ...BAN, eventTimestamp: expect.any(Number) }, 'account_disabled']);
    for (const token of [shopSet!, bankSet!]) {
      const decoded = Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8');
      for (const netid of [p.netid, p.derivedNetid]) expect(decoded).not.toContain(netid);
      // Each SET names only its own RP's identifier.
      expect(decoded.includes(p.appIds[shop.clientId]!) && decoded.includes(p.appIds[bank.clientId]!)).toBe(false);
    }
  });

  it('no SET for an RP without a stream, with a disabled stream, or whose stream does not request the event; a paused stream holds one', async () => {
    const none = await h.rp('ES256');
    const disabled = await h.rp('ES256');
    const narrow = await h.rp('ES256');
    const paused = await h.rp('SM2');
    const dId = await pollStream(h, disabled);
    await h.request('POST', '/ssf/status', { auth: disabled.auth, body: { stream_id: dId, status: 'disabled' } });
    await h.request('POST', '/ssf/stream', { auth: narrow.auth, body: { events_requested: [EVENT_TYPE_URIS.account_purged] } });
    const pId = await pollStream(h, paused);
    await h.request('POST', '/ssf/status', { auth: paused.auth, body: { stream_id: pId, status: 'paused' } });
    const p = await h.person([none, disabled, narrow, paused]);
    const out = await h.store.transaction((tx) => h.platform.signals.emitForPerson(tx, { personId: p.id, dek: p.dek, event: BAN }));
    expect(out.map((e) => e.clientId)).toEqual([paused.clientId]);
    const purged = await h.store.transaction((tx) => h.platform.signals.emitForPerson(tx, { personId: p.id, dek: p.dek, event: { code: 'account_purged' } }));
    expect(purged.map((e) => e.clientId).sort()).toEqual([narrow.clientId, paused.clientId].sort());
  });

  it('the SETs exist iff the caller’s transaction commits', async () => {
    const rp = await h.rp('ES256');
    await pollStream(h, rp);
    const p = await h.person([rp]);
    await expect(
      h.store.transaction(async (tx) => {
        await h.platform.signals.emitForPerson(tx, { personId: p.id, dek: p.dek, event: BAN });
        throw new TypeError('the ban failed after all');
      }),
    ).rejects.toThrow(TypeError);
    expect(await queued(rp)).toEqual([]);
  });

  it('emitToRp: one RP (consent withdrawn there); a 网号 given as the subject is a TypeError, nothing queued', async () => {
    const rp = await h.rp('SM2');
    await pollStream(h, rp);
    const p = await h.person([rp]);
    const e = await h.store.transaction((tx) => h.platform.signals.emitToRp(tx, { clientId: rp.clientId, appId: p.appIds[rp.clientId]!, event: { code: 'consent_withdrawn' } }));
    expect(e?.clientId).toBe(rp.clientId);
    const [token] = await queued(rp);
    expect(verifySet(token!, h.platform.deps.signing.gm, { issuer: ISSUER, audience: rp.clientId, algorithms: ['SM2'] }).event.code).toBe('consent_withdrawn');
    await expect(h.store.transaction((tx) => h.platform.signals.emitToRp(tx, { clientId: rp.clientId, appId: p.derivedNetid, event: BAN }))).rejects.toThrow(TypeError);
    expect((await queued(rp)).length).toBe(1);
  });

  it('an unknown person emits nothing', async () => {
    const p = await h.person([]);
    expect(await h.store.transaction((tx) => h.platform.signals.emitForPerson(tx, { personId: '00000000-0000-4000-8000-000000000000', dek: p.dek, event: BAN }))).toEqual([]);
    expect(await h.store.transaction((tx) => h.platform.signals.emitForPerson(tx, { personId: p.id, dek: p.dek, event: BAN }))).toEqual([]);
  });
});
