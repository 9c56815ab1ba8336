// `verifications.findByRefPresenting` on both engines: the request by its reference and the
// credential a presentation names (with its device and person), in one statement — the same
// records `findByRef` and `credentials.findPresented` give apart; none for a credential that does
// not exist; a request older than the recent window still found.
import { randomBytes } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { newId, type Store } from '../../src/store/index.ts';
import { describeEachEngine } from '../support/engines.ts';
import { fakePerson, insertApprovedRp } from '../support/rows.ts';

const DAY = 86_400_000;

describeEachEngine('verifications.findByRefPresenting: the request and the presented credential together', (engine) => {
  let store: Store;
  let clientId: string;
  beforeAll(async () => {
    store = await engine.openFresh();
    clientId = await insertApprovedRp(store);
  });

  async function request(createdAt = Date.now()): Promise<{ id: string; refHash: Uint8Array }> {
    const id = newId();
    const refHash = randomBytes(32);
    await store.verifications.insert({ id, refHash, clientId, kind: 'receipt', bizSeq: null, mode: 'wz', scopes: ['result'], nonce: 'n', expiresAt: createdAt + 300_000, createdAt });
    return { id, refHash };
  }

  async function credential(): Promise<{ id: string; personId: string }> {
    const p = fakePerson();
    await store.persons.insert(p);
    const device = await store.devices.insert({ personId: p.id, publicJwk: '{"kty":"EC"}', thumbprint: `tp-${newId()}`, label: null });
    const c = await store.credentials.insert({ personId: p.id, deviceId: device.id, expiresAt: Date.now() + DAY });
    return { id: c.id, personId: p.id };
  }

  it('gives what findByRef and findPresented give apart, in one statement', async () => {
    const r = await request();
    const c = await credential();
    const before = store.statementCount();
    const found = await store.verifications.findByRefPresenting(r.refHash, c.id);
    expect(store.statementCount() - before).toBe(1);
    expect(found).toEqual({ request: await store.verifications.findByRef(r.refHash), presented: await store.credentials.findPresented(c.id) });
    expect(found?.request.id).toBe(r.id);
    expect([found?.presented?.credential.id, found?.presented?.person?.id, found?.presented?.device?.personId]).toEqual([c.id, c.personId, c.personId]);
    expect(found?.presented?.person?.wrappedDek).toBeInstanceOf(Uint8Array);
  });

  it('a credential that does not exist, or a string that is no id: the request alone', async () => {
    const r = await request();
    const request_ = await store.verifications.findByRef(r.refHash);
    expect(await store.verifications.findByRefPresenting(r.refHash, newId())).toEqual({ request: request_, presented: undefined });
    expect(await store.verifications.findByRefPresenting(r.refHash, 'not-an-id')).toEqual({ request: request_, presented: undefined });
  });

  it('no request by that reference: none, whatever the credential', async () => {
    const c = await credential();
    expect(await store.verifications.findByRefPresenting(randomBytes(32), c.id)).toBeUndefined();
    expect(await store.verifications.findByRefPresenting(randomBytes(32), 'not-an-id')).toBeUndefined();
  });

  it('a request older than the recent window is found too; the person shredded comes back as none', async () => {
    const r = await request(Date.now() - 40 * DAY);
    const c = await credential();
    expect((await store.verifications.findByRefPresenting(r.refHash, c.id))?.request.id).toBe(r.id);
    expect(await store.persons.shred(c.personId)).toBe(true);
    const found = await store.verifications.findByRefPresenting(r.refHash, c.id);
    expect([found?.request.id, found?.presented?.credential.id, found?.presented?.person]).toEqual([r.id, c.id, undefined]);
  });
});
