/**
 * The OpenID Connect provider's rows (migration 0006), on SQLite and PostgreSQL: a pushed
 * authorization request is single use (RFC 9126 §2.2) even when two processes race for it,
 * used only by the client that pushed it (another client's try does not use it up), and
 * refused once expired; an authorization's status is a compare-and-set (an authorization code
 * is minted and redeemed once, RFC 6749 §4.1.2); access tokens issued from an authorization
 * are revoked together; expired rows are swept.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { WzError } from '@wangzheng/core/errors';
import { newId, type NewOidcAuthorization, type Store } from '../../src/store/index.ts';
import { describeEachEngine, type TestEngine } from '../support/engines.ts';
import { fakePerson, insertApprovedRp } from '../support/rows.ts';

const T0 = 1_770_000_000_000;

async function stores(engine: TestEngine): Promise<Store[]> {
  const cfg = await engine.freshConfig();
  const first = await engine.open(cfg, { now: () => T0 });
  return engine.name === 'postgres' ? [first, await engine.open(cfg, { now: () => T0 })] : [first];
}

describeEachEngine('OIDC store (0006)', (engine) => {
  let store: Store;
  let all: Store[];
  let clientId: string;

  async function authorization(over: Partial<NewOidcAuthorization> = {}): Promise<NewOidcAuthorization> {
    const requestId = newId();
    await store.verifications.insert({
      id: requestId,
      refHash: randomBytes(32),
      clientId,
      kind: 'oidc',
      bizSeq: null,
      mode: 'wz',
      scopes: ['result'],
      nonce: 'n',
      expiresAt: T0 + 300_000,
    });
    const a: NewOidcAuthorization = {
      id: newId(),
      requestId,
      refHash: randomBytes(32),
      browserHash: randomBytes(32),
      clientId,
      redirectUri: 'https://app.example.cn/cb',
      state: 'st',
      nonce: 'no',
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      mode: 'wz',
      scopes: ['result'],
      expiresAt: T0 + 600_000,
      ...over,
    };
    await store.oidc.insertAuthorization(a);
    return a;
  }

  beforeAll(async () => {
    all = await stores(engine);
    store = all[0]!;
    clientId = await insertApprovedRp(store);
  });

  it('RFC 9126 §2.2: a pushed request is used once, even by two processes at once; never after it expires', async () => {
    const uriHash = randomBytes(32);
    await store.oidc.insertPar({ uriHash, clientId, params: { scope: 'openid', state: 'x' }, expiresAt: T0 + 60_000 });
    const results = await Promise.all([...all, ...all].map((s) => s.oidc.consumePar(uriHash, clientId, T0 + 1)));
    const won = results.filter((r) => r !== undefined);
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ clientId, params: { scope: 'openid', state: 'x' }, usedAt: T0 + 1 });
    const late = randomBytes(32);
    await store.oidc.insertPar({ uriHash: late, clientId, params: {}, expiresAt: T0 + 60_000 });
    expect(await store.oidc.consumePar(late, clientId, T0 + 60_000)).toBeUndefined();
    expect(await store.oidc.consumePar(randomBytes(32), clientId, T0)).toBeUndefined();
  });

  it('RFC 9126 §4: another client neither gets a pushed request nor spoils it for the client that pushed it', async () => {
    const other = await insertApprovedRp(store);
    const uriHash = randomBytes(32);
    await store.oidc.insertPar({ uriHash, clientId, params: { state: 'mine' }, expiresAt: T0 + 60_000 });
    expect(await store.oidc.consumePar(uriHash, other, T0 + 1)).toBeUndefined();
    const flipped = `rp_${[...clientId.slice(3)].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('')}`;
    for (const notAClient of ['', 'rp_short', "rp_' or '1'='1", flipped]) expect(await store.oidc.consumePar(uriHash, notAClient, T0 + 1)).toBeUndefined();
    // The stranger and the owner race on every connection: only the owner's use ever wins, once.
    const results = await Promise.all(all.flatMap((s) => [s.oidc.consumePar(uriHash, other, T0 + 2), s.oidc.consumePar(uriHash, clientId, T0 + 2), s.oidc.consumePar(uriHash, other, T0 + 2)]));
    expect(results.filter((r) => r !== undefined)).toEqual([expect.objectContaining({ clientId, params: { state: 'mine' }, usedAt: T0 + 2 })]);
    expect(await store.oidc.consumePar(uriHash, clientId, T0 + 3)).toBeUndefined();
  });

  it('an authorization round-trips; the code is minted once and redeemed once (compare-and-set)', async () => {
    const a = await authorization();
    expect(await store.oidc.findAuthorizationByRef(a.refHash)).toMatchObject({ id: a.id, requestId: a.requestId, status: 'pending', scopes: ['result'], codeHash: null, state: 'st' });
    const codeHash = randomBytes(32);
    const mint = await Promise.all(all.map(() => store.oidc.transitionAuthorization(a.id, 'pending', { status: 'code_issued', codeHash, codeExpiresAt: T0 + 60_000, authTime: T0 })));
    expect(mint.filter(Boolean)).toHaveLength(1);
    expect(await store.oidc.findAuthorizationByCode(codeHash)).toMatchObject({ id: a.id, status: 'code_issued', codeExpiresAt: T0 + 60_000, authTime: T0 });
    const redeem = await Promise.all([...all, ...all].map((s) => s.oidc.transitionAuthorization(a.id, 'code_issued', { status: 'redeemed', redeemedAt: T0 + 5 })));
    expect(redeem.filter(Boolean)).toHaveLength(1);
    expect((await store.reader.oidc.findAuthorization(a.id))?.status).toBe('redeemed');
  });

  it('a code is redeemed with its access token in one atomic write (PostgreSQL: one statement); of many redemptions at once exactly one writes a token', async () => {
    const a = await authorization();
    const token = (n: number) => ({ tokenHash: Buffer.alloc(32, n), authorizationId: a.id, clientId, expiresAt: T0 + 600_000 });
    expect(await store.oidc.redeemAuthorization(a.id, T0 + 5, token(1))).toBe(false); // still pending: no code
    expect(await store.oidc.listAccessTokens(a.id)).toEqual([]);
    expect(await store.oidc.transitionAuthorization(a.id, 'pending', { status: 'code_issued', codeHash: randomBytes(32), codeExpiresAt: T0 + 60_000 })).toBe(true);
    const before = store.statementCount();
    const won = await Promise.all([...all, ...all, ...all].map((s, i) => s.oidc.redeemAuthorization(a.id, T0 + 6, token(10 + i))));
    if (engine.name === 'postgres') expect(store.statementCount() - before).toBe(3);
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await store.reader.oidc.findAuthorization(a.id)).toMatchObject({ status: 'redeemed', redeemedAt: T0 + 6 });
    const tokens = await store.oidc.listAccessTokens(a.id);
    expect(tokens.map((t) => [...t.tokenHash][0])).toEqual([10 + won.indexOf(true)]);
    // A token the store refuses (not a client id) fails the call before anything is written.
    const b = await authorization();
    await store.oidc.transitionAuthorization(b.id, 'pending', { status: 'code_issued', codeHash: randomBytes(32) });
    await expect(store.oidc.redeemAuthorization(b.id, T0 + 7, { ...token(2), authorizationId: b.id, clientId: 'not a client' })).rejects.toThrow(TypeError);
    expect((await store.reader.oidc.findAuthorization(b.id))?.status).toBe('code_issued');
    // Inside a caller's transaction: rolled back with it.
    await expect(
      store.transaction(async (tx) => {
        expect(await tx.oidc.redeemAuthorization(b.id, T0 + 8, { ...token(3), authorizationId: b.id })).toBe(true);
        throw new WzError('conflict', 'something after the redemption failed');
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect([(await store.reader.oidc.findAuthorization(b.id))?.status, await store.oidc.listAccessTokens(b.id)]).toEqual(['code_issued', []]);
  });

  it('an authorization by its reference with its verification request, in one statement; an unknown reference finds nothing', async () => {
    const a = await authorization();
    const before = store.statementCount();
    const found = await store.reader.oidc.findAuthorizationWithRequest('ref_hash', a.refHash);
    expect(store.statementCount() - before).toBe(1);
    expect(found?.authorization).toEqual(await store.oidc.findAuthorizationByRef(a.refHash));
    expect(found?.request).toEqual(await store.verifications.findById(a.requestId));
    expect(found?.request).toMatchObject({ id: a.requestId, kind: 'oidc', status: 'pending', scopes: ['result'], expiresAt: T0 + 300_000 });
    expect(await store.oidc.findAuthorizationWithRequest('ref_hash', randomBytes(32))).toBeUndefined();
    // A request from before the recent window: PostgreSQL leaves it to a read by id (the status poll's fallback).
    const oldId = newId();
    const longAgo = T0 - 40 * 86_400_000;
    await store.verifications.insert({ id: oldId, refHash: randomBytes(32), clientId, kind: 'oidc', bizSeq: null, mode: 'wz', scopes: ['result'], nonce: 'n', expiresAt: longAgo + 300_000, createdAt: longAgo });
    const old = await authorization({ requestId: oldId });
    const oldFound = await store.oidc.findAuthorizationWithRequest('ref_hash', old.refHash);
    expect([oldFound?.authorization.id, oldFound?.request?.id]).toEqual([old.id, engine.name === 'postgres' ? undefined : oldId]);
  });

  it('an authorization by its code with its request and the person’s wrapped data key (the token endpoint), in one statement', async () => {
    const person = fakePerson();
    await store.persons.insert(person);
    const a = await authorization();
    expect(await store.verifications.transition(a.requestId, 'pending', { status: 'approved', personId: person.id, result: new Uint8Array([1]), approvedAt: T0 })).toBe(true);
    const codeHash = randomBytes(32);
    await store.oidc.transitionAuthorization(a.id, 'pending', { status: 'code_issued', codeHash, codeExpiresAt: T0 + 60_000 });
    const before = store.statementCount();
    const found = await store.oidc.findAuthorizationWithRequest('code_hash', codeHash);
    expect(store.statementCount() - before).toBe(1);
    expect(found?.authorization).toEqual(await store.oidc.findAuthorizationByCode(codeHash));
    expect({ request: found?.request, dataKey: found?.dataKey }).toEqual(await store.verifications.findWithDataKey(a.requestId));
    expect(found?.dataKey).toMatchObject({ id: person.id, kekId: person.kekId });
    // No person on the request yet: no data key.
    const b = await authorization();
    expect((await store.oidc.findAuthorizationWithRequest('ref_hash', b.refHash))?.dataKey).toBeUndefined();
    await expect(store.oidc.findAuthorizationWithRequest('id' as never, codeHash)).rejects.toThrow(TypeError);
  });

  it('two authorizations cannot share a code digest or a verification request (conflict)', async () => {
    const a = await authorization();
    const b = await authorization();
    const codeHash = randomBytes(32);
    expect(await store.oidc.transitionAuthorization(a.id, 'pending', { status: 'code_issued', codeHash })).toBe(true);
    await expect(store.oidc.transitionAuthorization(b.id, 'pending', { status: 'code_issued', codeHash })).rejects.toMatchObject({ code: 'conflict' });
    await expect(store.oidc.insertAuthorization({ ...b, id: newId(), refHash: randomBytes(32) })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('RFC 6749 §4.1.2: every access token of an authorization is revoked at once; expired rows are swept', async () => {
    const a = await authorization();
    const t1 = randomBytes(32);
    const t2 = randomBytes(32);
    await store.oidc.insertAccessToken({ tokenHash: t1, authorizationId: a.id, clientId, expiresAt: T0 + 600_000 });
    await store.oidc.insertAccessToken({ tokenHash: t2, authorizationId: a.id, clientId, expiresAt: T0 + 10 });
    expect(await store.oidc.revokeAccessTokens(a.id, T0 + 1)).toBe(2);
    expect(await store.oidc.revokeAccessTokens(a.id, T0 + 2)).toBe(0);
    expect(await store.oidc.findAccessToken(t1)).toMatchObject({ authorizationId: a.id, revokedAt: T0 + 1 });
    await store.oidc.insertPar({ uriHash: randomBytes(32), clientId, params: {}, expiresAt: T0 + 10 });
    expect(await store.oidc.deleteExpired(T0 + 60_000, 100)).toBeGreaterThanOrEqual(2);
    expect(await store.oidc.findAccessToken(t2)).toBeUndefined();
    expect(await store.oidc.findAccessToken(t1)).toBeDefined();
  });

  it('the reader carries no write method', () => {
    expect(Object.keys(store.reader.oidc).sort()).toEqual(['findAccessToken', 'findAuthorization', 'findAuthorizationByCode', 'findAuthorizationByRef', 'findAuthorizationByRequest', 'findAuthorizationWithRequest', 'listAccessTokens']);
  });
});
