/**
 * What the person-API suites share: a wallet-side client for a holder, raw bound requests (to
 * replay or alter them), a second device of the same person, and an OpenID Connect login driven
 * by openid-client as a relying party would.
 */
import * as client from 'openid-client';
import { issueCredential } from '@wangzheng/core/credential/index';
import { generateKey, type PrivateKey } from '@wangzheng/core/crypto/index';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { boundBody } from '@wangzheng/wallet/me/bound-request';
import { MeClient } from '@wangzheng/wallet/me/client';
import { newId } from '../../src/store/index.ts';
import { openAuthorizePage, pollForRedirect, type Harness, type TestRp } from '../oidc/harness.ts';
import { nodeHolder } from '@wangzheng/wallet/holder/node';

export interface TestHolder {
  readonly personId: string;
  readonly netid: string;
  readonly credential: string;
  readonly key: PrivateKey;
}

export async function holderOf(h: Harness, issued: Issued, key: PrivateKey): Promise<TestHolder> {
  const p = await h.platform.deps.store.persons.findByNetid(issued.netid);
  if (!p) throw new Error('enrolled person not found');
  return { personId: p.id, netid: issued.netid, credential: issued.credential, key };
}

export function me(h: Harness, who: TestHolder): MeClient {
  return new MeClient(h.client, nodeHolder(who.credential, who.key));
}

/** A bound body for `path` over a fresh nonce, not yet sent. */
export async function boundFor(h: Harness, who: TestHolder, path: string, fields: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const { nonce } = await h.client.get<{ nonce: string }>('/v1/me/nonce');
  return boundBody(nodeHolder(who.credential, who.key), nonce, path, fields);
}

export async function post(h: Harness, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown>; cacheControl: string | null }> {
  const res = await fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, cacheControl: res.headers.get('cache-control') };
}

/**
 * A second phone of the same person, as "move to a new phone" will add one: a device row and a
 * 网证 bound to its key, signed with the platform's key (what the issuer does).
 */
export async function addDevice(h: Harness, who: TestHolder): Promise<TestHolder & { deviceId: string; credentialId: string }> {
  const key = generateKey('SM2');
  const jwk = key.publicKey.toJwk();
  const store = h.platform.deps.store;
  const device = await store.devices.insert({ personId: who.personId, publicJwk: JSON.stringify(jwk), thumbprint: key.publicKey.thumbprint });
  const credentialId = newId();
  const expiresAt = Date.now() + 30 * 86_400_000;
  await store.credentials.insert({ id: credentialId, personId: who.personId, deviceId: device.id, expiresAt });
  const sd = issueCredential({
    signer: h.platform.deps.signing.gm.signer,
    issuer: h.platform.deps.issuer,
    credentialId,
    netid: who.netid,
    expiresAt: Math.floor(expiresAt / 1000),
    status: { idx: 0, uri: `${h.platform.deps.issuer}/status-lists/test` },
    cnf: jwk,
    claims: {
      name: '测试',
      sex: 'F',
      birth_date: '1990-01-01',
      nationality: 'CHN',
      document_type: 'resident_id_card',
      document_number: '110105199001010000',
      age_over_14: true,
      age_over_16: true,
      age_over_18: true,
      age_over_60: false,
    },
  });
  return { ...who, credential: sd.sdJwt, key, deviceId: device.id, credentialId };
}

/** The OIDC code flow as an RP runs it with openid-client; `answer` is what the person does in the wallet. */
export async function oidcLogin(h: Harness, rp: TestRp, scope: string, answer: (ref: string) => Promise<unknown>): Promise<client.TokenEndpointResponse> {
  const config = await client.discovery(new URL(h.url), rp.clientId, undefined, client.ClientSecretBasic(rp.secret), { execute: [client.allowInsecureRequests] });
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: rp.redirectUri,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const page = await openAuthorizePage(url);
  await answer(page.ref);
  const callback = await pollForRedirect(h, page);
  return client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
}

/** The authorize page's wallet reference for a login that is then abandoned. */
export async function openLogin(h: Harness, rp: TestRp, scope: string): Promise<string> {
  const config = await client.discovery(new URL(h.url), rp.clientId, undefined, client.ClientSecretBasic(rp.secret), { execute: [client.allowInsecureRequests] });
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: rp.redirectUri,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
    state: client.randomState(),
    nonce: client.randomNonce(),
  });
  return (await openAuthorizePage(url)).ref;
}
