/**
 * The developer portal's store queries, on SQLite and PostgreSQL: `relyingParties.setJwks`
 * (a compare-and-set on the method that clears the secret digest) and
 * `verifications.listByClient` (one RP's requests, newest first, keyset pages; ties on
 * `createdAt` broken by id; another RP's rows never appear).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { generateKey } from '@wangzheng/core/crypto/index';
import { generateClientId } from '@wangzheng/core/rp/client-id';
import type { NewRelyingParty, Store } from '../../src/store/index.ts';
import { describeEachEngine } from '../support/engines.ts';

const T0 = 1_770_000_000_000;

function fakeRp(over: Partial<NewRelyingParty> = {}): NewRelyingParty {
  return {
    clientId: generateClientId(),
    name: 'Portal store test',
    uscc: null,
    contactEmail: null,
    category: 'other',
    purpose: 'test',
    sectorIdentifier: 'sandbox.localhost',
    redirectUris: ['http://localhost:3000/cb'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    jwks: null,
    secretHash: randomBytes(32),
    idTokenSigningAlg: 'SM2',
    requestedScopes: [{ scope: 'result', legalBasis: null }],
    approvedScopes: [{ scope: 'result', legalBasisRef: null }],
    status: 'approved',
    statusReason: null,
    ...over,
  };
}

describeEachEngine('relying parties: setJwks', (engine) => {
  let store: Store;
  beforeAll(async () => {
    store = await engine.openFresh({ now: () => T0 });
  });

  it('switches a secret client to private_key_jwt, clearing the digest; compare-and-set on the method', async () => {
    const rp = fakeRp();
    await store.relyingParties.insert({ ...rp, createdAt: T0 });
    const jwks = { keys: [{ ...generateKey('ES256').publicKey.toJwk(), kid: 'k1' }] };
    // The wrong expected method: nothing changes.
    expect(await store.relyingParties.setJwks(rp.clientId, { jwks, expectedMethod: 'private_key_jwt', at: T0 + 1 })).toBe(false);
    expect((await store.relyingParties.findByClientId(rp.clientId))?.secretHash).not.toBeNull();
    expect(await store.relyingParties.setJwks(rp.clientId, { jwks, expectedMethod: 'client_secret_basic', at: T0 + 2 })).toBe(true);
    const after = await store.relyingParties.findByClientId(rp.clientId);
    expect(after).toMatchObject({ tokenEndpointAuthMethod: 'private_key_jwt', jwks, secretHash: null, updatedAt: T0 + 2, createdAt: T0 });
    // Rotation on a key client.
    const next = { keys: [{ ...generateKey('SM2').publicKey.toJwk(), kid: 'k2' }] };
    expect(await store.relyingParties.setJwks(rp.clientId, { jwks: next, expectedMethod: 'private_key_jwt', at: T0 + 3 })).toBe(true);
    expect((await store.relyingParties.findByClientId(rp.clientId))?.jwks).toEqual(next);
  });

  it('an unknown or malformed client id changes nothing; an empty key set is a programming error', async () => {
    const jwks = { keys: [{ ...generateKey('ES256').publicKey.toJwk() }] };
    expect(await store.relyingParties.setJwks(generateClientId(), { jwks, expectedMethod: 'client_secret_basic' })).toBe(false);
    expect(await store.relyingParties.setJwks('nope', { jwks, expectedMethod: 'client_secret_basic' })).toBe(false);
    await expect(store.relyingParties.setJwks(generateClientId(), { jwks: { keys: [] }, expectedMethod: 'client_secret_basic' })).rejects.toThrow(TypeError);
  });
});

describeEachEngine('verifications: listByClient', (engine) => {
  let store: Store;
  beforeAll(async () => {
    store = await engine.openFresh({ now: () => T0 });
  });

  async function request(clientId: string, bizSeq: string, createdAt: number): Promise<string> {
    const id = randomUUID();
    await store.verifications.insert({ id, refHash: randomBytes(32), clientId, kind: 'receipt', bizSeq, mode: 'wz', scopes: ['result'], nonce: `n-${bizSeq}`, expiresAt: createdAt + 300_000, createdAt });
    return id;
  }

  it('newest first, keyset pages over (createdAt, id) with ties, one RP only', async () => {
    const a = fakeRp();
    const b = fakeRp();
    await store.relyingParties.insert(a);
    await store.relyingParties.insert(b);
    // Three at the same millisecond: the id breaks the tie, so no row is skipped or repeated.
    for (const [i, at] of [T0, T0 + 10, T0 + 10, T0 + 10, T0 + 20].entries()) await request(a.clientId, `a-${i}`, at);
    await request(b.clientId, 'b-0', T0 + 15);

    const all = await store.reader.verifications.listByClient(a.clientId, { limit: 100 });
    expect(all).toHaveLength(5);
    expect(all.every((r) => r.clientId === a.clientId)).toBe(true);
    for (let i = 1; i < all.length; i++) {
      const [p, q] = [all[i - 1]!, all[i]!];
      expect(p.createdAt > q.createdAt || (p.createdAt === q.createdAt && p.id > q.id)).toBe(true);
    }
    const paged: string[] = [];
    let after: { createdAt: number; id: string } | undefined;
    for (;;) {
      const page = await store.reader.verifications.listByClient(a.clientId, { limit: 2, ...(after ? { after } : {}) });
      paged.push(...page.map((r) => r.id));
      if (page.length < 2) break;
      const last = page.at(-1)!;
      after = { createdAt: last.createdAt, id: last.id };
    }
    expect(paged).toEqual(all.map((r) => r.id));
    expect((await store.reader.verifications.listByClient(b.clientId)).map((r) => r.bizSeq)).toEqual(['b-0']);
  });

  it('boundaries: limit 1..500; a string that is not a client id finds nothing; a malformed cursor is a programming error', async () => {
    const c = fakeRp();
    await store.relyingParties.insert(c);
    expect(await store.verifications.listByClient(c.clientId, { limit: 1 })).toEqual([]);
    expect(await store.verifications.listByClient(c.clientId, { limit: 500 })).toEqual([]);
    await expect(store.verifications.listByClient(c.clientId, { limit: 0 })).rejects.toThrow(TypeError);
    await expect(store.verifications.listByClient(c.clientId, { limit: 501 })).rejects.toThrow(TypeError);
    expect(await store.verifications.listByClient('not-a-client')).toEqual([]);
    await expect(store.verifications.listByClient(c.clientId, { after: { createdAt: T0, id: 'x' } })).rejects.toThrow(TypeError);
  });
});
