// RFC 9126 §4 (pushed authorization requests), on SQLite and PostgreSQL: a `request_uri` is
// bound to the client that pushed it. Another client presenting it — with its own, real
// client_id — gets the same `invalid_request_uri` error page as for an unknown one, and the
// request stays usable by its owner: a stranger who learns the URI cannot spoil the login.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PrivateKey } from '@wangzheng/core/crypto/index';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { nodeHolder } from '@wangzheng/wallet/holder/node';
import { answerVerification } from '@wangzheng/wallet/verify';
import { describeEachEngine } from '../support/engines.ts';
import { USCC } from '../rp/harness.ts';
import {
  ADULT,
  basic,
  deviceKey,
  openAuthorizePage,
  pollForRedirect,
  registerRp,
  startOidcPlatform,
  startRegistry,
  VALID_DOC,
  type Harness,
  type SharedRegistry,
  type TestRp,
} from './harness.ts';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(100, 'oidc-par-other-client');
});
afterAll(async () => reg?.close());

describeEachEngine('RFC 9126 §4: a request_uri belongs to the client that pushed it', (engine) => {
  let h: Harness;
  let holder: { issued: Issued; key: PrivateKey };
  let owner: TestRp;
  let stranger: TestRp;

  beforeAll(async () => {
    h = await startOidcPlatform(engine, reg);
    const person = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`)[0]!;
    const key = deviceKey();
    holder = { key, issued: (await h.enroll(person, { deviceKey: key })) as Issued };
    owner = await registerRp(h, { category: 'internet_service', uscc: USCC.internet, alg: 'ES256', host: 'owner.example.cn' });
    stranger = await registerRp(h, { category: 'internet_service', uscc: USCC.internet, alg: 'ES256', host: 'stranger.example.cn' });
  });
  afterAll(async () => h?.close());

  /** Pushes a request as `rp` (client_secret_basic); returns its request_uri. */
  async function push(rp: TestRp, state: string): Promise<string> {
    const form = {
      client_id: rp.clientId,
      redirect_uri: rp.redirectUri,
      response_type: 'code',
      scope: 'openid',
      code_challenge: createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url'),
      code_challenge_method: 'S256',
      state,
      nonce: 'nonce-par',
    };
    const res = await fetch(`${h.url}/oauth/par`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(rp) }, body: new URLSearchParams(form).toString() });
    const body = (await res.json()) as { request_uri?: string };
    expect(res.status).toBe(201);
    return body.request_uri!;
  }

  const authorizeUrl = (clientId: string, requestUri: string) => `${h.url}/oauth/authorize?${new URLSearchParams({ client_id: clientId, request_uri: requestUri })}`;

  async function refused(url: string): Promise<void> {
    const res = await fetch(url, { redirect: 'manual' });
    expect([res.status, res.headers.get('location')]).toEqual([400, null]);
    expect(await res.text()).toContain('<code id="wz-error">invalid_request_uri</code>');
  }

  it('another approved client is refused (invalid_request_uri, no redirect); the owner then logs in with the same request_uri', async () => {
    const uri = await push(owner, 'owner-state');
    await refused(authorizeUrl(stranger.clientId, uri));
    await refused(authorizeUrl(stranger.clientId, uri)); // and again: still nothing used up
    await refused(authorizeUrl('rp_AAAAAAAAAAAAAAAAAAAAAA', uri)); // unknown client: same answer

    const page = await openAuthorizePage(authorizeUrl(owner.clientId, uri));
    expect(page.status).toBe(200);
    await answerVerification(h.client, { ref: page.ref, holder: nodeHolder(holder.issued.credential, holder.key) });
    const callback = await pollForRedirect(h, page);
    expect(`${callback.origin}${callback.pathname}`).toBe(owner.redirectUri);
    expect(callback.searchParams.get('state')).toBe('owner-state');
    expect(callback.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{20,}$/);

    // Single use still holds for the owner.
    await refused(authorizeUrl(owner.clientId, uri));
  });

  it('the answer to another client is the same as to an unknown request_uri (nothing tells them apart)', async () => {
    const uri = await push(owner, 'probe');
    const unknown = `urn:ietf:params:oauth:request_uri:${randomBytes(32).toString('base64url')}`;
    const a = await fetch(authorizeUrl(stranger.clientId, uri), { redirect: 'manual' });
    const b = await fetch(authorizeUrl(stranger.clientId, unknown), { redirect: 'manual' });
    expect(a.status).toBe(b.status);
    const strip = (html: string) => html.replace(/nonce="[A-Za-z0-9+/=_-]+"/g, 'nonce=""');
    expect(strip(await a.text())).toBe(strip(await b.text()));
  });
});
