/** Store rows with random bytes where ciphertext and digests would be: for tests of the store alone. */
import { randomBytes } from 'node:crypto';
import { generateClientId } from '@wangzheng/core/rp/client-id';
import { newId, type NewPerson, type Store } from '../../src/store/index.ts';
import { fakeNetid } from './people.ts';

export function fakePerson(over: Partial<NewPerson> = {}): NewPerson {
  return {
    id: newId(),
    netid: fakeNetid(),
    netidAttempt: 0,
    personIndex: randomBytes(32),
    personIndexKeyId: 'bidx-1',
    wrappedDek: randomBytes(46),
    kekId: 'kek-1',
    profile: randomBytes(80),
    ...over,
  };
}

/** An approved relying party (result only, client_secret_basic, ES256 id_tokens); returns its client id. */
export async function insertApprovedRp(store: Pick<Store, 'relyingParties'>): Promise<string> {
  const clientId = generateClientId();
  await store.relyingParties.insert({
    clientId,
    name: '示例网络科技有限公司',
    uscc: null,
    contactEmail: null,
    category: 'internet_service',
    purpose: '登录',
    sectorIdentifier: 'app.example.cn',
    redirectUris: ['https://app.example.cn/cb'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    jwks: null,
    secretHash: randomBytes(32),
    idTokenSigningAlg: 'ES256',
    requestedScopes: [{ scope: 'result', legalBasis: null }],
    approvedScopes: [{ scope: 'result', legalBasisRef: null }],
    status: 'approved',
    statusReason: null,
  });
  return clientId;
}
