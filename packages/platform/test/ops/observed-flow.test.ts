// Issue #9 §6 on a running platform, SQLite and PostgreSQL: after a real enrollment (and one a
// rule ends), receipt verifications (passed, declined, a wrong passphrase) and an OpenID Connect
// login through openid-client, the counters of /metrics moved by exactly what happened, the
// console's series saw it — and neither the log nor /metrics holds any name, ID number, 网号,
// `sub`, phone number, passphrase, token or secret of that flow.
import * as client from 'openid-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PrivateKey } from '@wangzheng/core/crypto/index';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { nodeHolder } from '@wangzheng/wallet/holder/node';
import { answerVerification } from '@wangzheng/wallet/verify';
import { rejectionCode } from '../../../../test/support/errors.ts';
import { freshPhone, startPlatform } from '../enrollment/harness.ts';
import { ADULT, basic, claimsOf, deviceKey, openAuthorizePage, pollForRedirect, registerRp, startRegistry, VALID_DOC, type Harness, type RegistryPerson, type SharedRegistry, type TestRp } from '../oidc/harness.ts';
import { USCC } from '../rp/harness.ts';
import { describeEachEngine } from '../support/engines.ts';
import { parsePrometheusText, valueOf, type Sample } from './support.ts';

const METRICS_TOKEN = 'ops-flow-metrics-token-7f3k9q2m5x8c1v4b';
const PASSPHRASE = '48273915';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(300, 'ops-observed-flow');
});
afterAll(async () => reg?.close());

describeEachEngine('§6 Operations: metrics and logs after a real enrollment, verification and login', (engine) => {
  let h: Harness;
  let rp: TestRp;
  let person: RegistryPerson;
  let holder: { issued: Issued; key: PrivateKey };
  /** Every value of the flow that must never reach a log line or /metrics. */
  const secrets: { what: string; value: string; digits?: boolean }[] = [];
  const keep = (what: string, value: string | null | undefined, digits = false) => {
    if (value) secrets.push({ what, value, digits });
  };

  const metricsText = async () => (await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const scrape = async (): Promise<Sample[]> => parsePrometheusText(await metricsText()).samples;
  /** How much each named series grew while `fn` ran. */
  async function growth(fn: () => Promise<unknown>, series: Record<string, [string, Record<string, string>]>): Promise<Record<string, number>> {
    const before = await scrape();
    await fn();
    const after = await scrape();
    return Object.fromEntries(Object.entries(series).map(([k, [name, labels]]) => [k, valueOf(after, name, labels) - valueOf(before, name, labels)]));
  }
  const rpPost = async (path: string, body: unknown, auth = basic(rp)) =>
    (await fetch(`${h.url}${path}`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<Record<string, string>>;
  const answer = (ref: string, o: Partial<Parameters<typeof answerVerification>[1]> = {}) =>
    answerVerification(h.client, { ref, holder: nodeHolder(holder.issued.credential, holder.key), passphrase: PASSPHRASE, ...o });
  let seq = 0;
  const receiptRequest = (mode: string) => rpPost('/v1/receipt-requests', { bizSeq: `ops-${engine.name}-${(seq += 1)}`, mode });

  beforeAll(async () => {
    h = await startPlatform(engine, reg, { issuerIsListenUrl: true, overrides: { 'metrics.token': METRICS_TOKEN, 'log.access': 'on' } });
    rp = await registerRp(h, { category: 'internet_service', uscc: USCC.internet, alg: 'ES256', host: 'ops.example.cn' });
    keep('client secret', rp.secret);
    keep('metrics token', METRICS_TOKEN);
    keep('passphrase', PASSPHRASE, true);
    [person] = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 1) as [RegistryPerson];
  });
  afterAll(async () => h?.close());

  it('enrollment: started and issued move by one; an attempt a rule ends counts as failed, by code', async () => {
    const key = deviceKey();
    const phone = freshPhone();
    let issued: Issued | undefined;
    const ok = await growth(async () => (issued = (await h.enroll(person, { deviceKey: key, phone, passphrase: PASSPHRASE })) as Issued), {
      started: ['wz_enrollments_total', { outcome: 'started' }],
      issued: ['wz_enrollments_total', { outcome: 'issued' }],
      failed: ['wz_enrollments_total', { outcome: 'failed' }],
      steps: ['wz_http_requests_total', { method: 'POST', route: '/v1/enrollments/:id/device', status: '200' }],
    });
    expect(ok).toEqual({ started: 1, issued: 1, failed: 0, steps: 1 });
    holder = { issued: issued!, key };
    for (const [what, v] of [['name', person.name], ['document number', person.documentNumber], ['ID number', person.idNumber], ['网号', issued!.netid], ['birth date', person.birthDate]] as const) keep(what, v);
    keep('phone', phone, true);
    keep('credential', issued!.credential);

    const other = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 2)[1]!;
    keep('name', other.name);
    keep('document number', other.documentNumber);
    const refused = await growth(async () => expect(await rejectionCode(h.enroll(other, { faceOf: 'other' }))).toBe('face_mismatch'), {
      failed: ['wz_enrollments_total', { outcome: 'failed' }],
      code: ['wz_enrollment_failures_total', { code: 'face_mismatch' }],
      issued: ['wz_enrollments_total', { outcome: 'issued' }],
    });
    expect(refused).toEqual({ failed: 1, code: 1, issued: 0 });
  });

  it('receipt verification passed: request, settlement and time counted by kind and mode', async () => {
    let created: Record<string, string> = {};
    const g = await growth(
      async () => {
        created = await receiptRequest('wz');
        expect((await answer(created.ref!)).status).toBe('approved');
      },
      {
        requested: ['wz_verification_requests_total', { kind: 'receipt', mode: 'wz' }],
        passed: ['wz_verifications_total', { kind: 'receipt', mode: 'wz', result: 'pass' }],
        failed: ['wz_verifications_total', { result: 'fail' }],
        timed: ['wz_verification_duration_seconds_count', { mode: 'wz' }],
        created: ['wz_http_requests_total', { method: 'POST', route: '/v1/receipt-requests', status: '201' }],
        answered: ['wz_http_requests_total', { method: 'POST', route: '/v1/verifications/:ref/answer', status: '200' }],
        statements: ['wz_store_statements_total', {}],
      },
    );
    const { statements, ...counted } = g;
    expect(counted).toEqual({ requested: 1, passed: 1, failed: 0, timed: 1, created: 1, answered: 1 });
    // The request's insert, the answer's reads and writes (the job worker's polls come on top).
    expect(statements).toBeGreaterThanOrEqual(5);
    const receipt = (await rpPost(`/v1/receipt-requests/${created.requestId}/receipt`, {})).receipt!;
    keep('sub (receipt)', claimsOf(receipt)['sub'] as string);
    keep('request reference', created.ref);
  });

  it('declined: a failed verification, code `declined`, final', async () => {
    const g = await growth(
      async () => {
        const created = await receiptRequest('wz');
        expect((await answer(created.ref!, { approve: false })).status).toBe('declined');
      },
      {
        failed: ['wz_verifications_total', { kind: 'receipt', mode: 'wz', result: 'fail' }],
        declined: ['wz_verification_failures_total', { code: 'declined', final: 'true' }],
        passed: ['wz_verifications_total', { result: 'pass' }],
      },
    );
    expect(g).toEqual({ failed: 1, declined: 1, passed: 0 });
  });

  it('a wrong passphrase: refused (request still open, not final); then the right one passes', async () => {
    const created = await receiptRequest('wz_pass');
    const wrong = await growth(async () => expect(await rejectionCode(answer(created.ref!, { passphrase: '59381726' }))).toBe('wrong_passphrase'), {
      refused: ['wz_verification_failures_total', { code: 'wrong_passphrase', final: 'false' }],
      settled: ['wz_verifications_total', { mode: 'wz_pass' }],
    });
    expect(wrong).toEqual({ refused: 1, settled: 0 });
    const right = await growth(async () => expect((await answer(created.ref!)).status).toBe('approved'), {
      passed: ['wz_verifications_total', { kind: 'receipt', mode: 'wz_pass', result: 'pass' }],
    });
    expect(right).toEqual({ passed: 1 });
  });

  it('OpenID Connect: a login is counted by acr once the tokens are issued; a wrong client secret at the token endpoint by code', async () => {
    const config = await client.discovery(new URL(h.url), rp.clientId, undefined, client.ClientSecretBasic(rp.secret), { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const g = await growth(
      async () => {
        const url = client.buildAuthorizationUrl(config, { redirect_uri: rp.redirectUri, scope: 'openid', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'st-ops', nonce: 'n-ops' });
        const page = await openAuthorizePage(url);
        keep('authorize reference', page.ref);
        keep('browser cookie', page.cookie.split('=')[1]);
        await answer(page.ref);
        const callback = await pollForRedirect(h, page);
        keep('authorization code', callback.searchParams.get('code'));
        const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'st-ops', expectedNonce: 'n-ops' });
        keep('sub (OIDC)', tokens.claims()!.sub);
        keep('id_token', tokens.id_token);
        keep('access token', tokens.access_token);
        expect(await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).toEqual({ sub: tokens.claims()!.sub });
      },
      {
        login: ['wz_oidc_logins_total', { acr: 'urn:wangzheng:acr:wz', result: 'success' }],
        oidc: ['wz_verifications_total', { kind: 'oidc', mode: 'wz', result: 'pass' }],
        token: ['wz_http_requests_total', { method: 'POST', route: '/oauth/token', status: '200' }],
      },
    );
    expect(g).toEqual({ login: 1, oidc: 1, token: 1 });

    const wrongSecret = `${rp.secret.slice(0, -2)}xx`;
    const bad = await growth(
      async () => {
        const res = await fetch(`${h.url}/oauth/token`, {
          method: 'POST',
          headers: { authorization: basic({ ...rp, secret: wrongSecret }), 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c'.repeat(43), redirect_uri: rp.redirectUri, code_verifier: verifier }).toString(),
        });
        expect([res.status, ((await res.json()) as { error: string }).error]).toEqual([401, 'invalid_client']);
      },
      {
        clientAuth: ['wz_oidc_client_auth_failures_total', { route: '/oauth/token', code: 'invalid_client' }],
        errors: ['wz_oidc_errors_total', { route: '/oauth/token', code: 'invalid_client' }],
        logins: ['wz_oidc_logins_total', {}],
      },
    );
    expect(bad).toEqual({ clientAuth: 1, errors: 1, logins: 0 });
  });

  it('no route: counted as `unmatched`, the path nowhere in /metrics', async () => {
    const g = await growth(async () => expect((await fetch(`${h.url}/v1/no-such/${person.documentNumber}`)).status).toBe(404), {
      unmatched: ['wz_http_requests_total', { route: 'unmatched', status: '404' }],
    });
    expect(g).toEqual({ unmatched: 1 });
  });

  it('the console’s series saw the verifications, logins and enrollments of this flow', async () => {
    const s = h.platform.ops.series;
    await s.sample();
    const total = (xs: readonly { value: number }[]) => xs.reduce((a, x) => a + x.value, 0);
    expect(total(s.counts('wz_verifications_total', { mode: 'wz', result: 'pass' }))).toBe(2);
    expect(total(s.counts('wz_verifications_total', { result: 'fail' }))).toBe(1);
    expect(total(s.counts('wz_verification_failures_total', { code: 'wrong_passphrase' }))).toBe(1);
    expect(total(s.counts('wz_enrollments_total', { outcome: 'issued' }))).toBe(1);
    expect(total(s.counts('wz_oidc_logins_total', { result: 'success' }))).toBe(1);
    expect(s.quantile('wz_verification_duration_seconds', 0.95).some((p) => p.value !== null && p.value > 0)).toBe(true);
    expect(s.quantile('wz_http_request_duration_seconds', 0.5).at(-1)!.value).toBeGreaterThan(0);
  });

  it('never personal data: no name, ID number, 网号, sub, phone, passphrase, token or secret in the log or /metrics', async () => {
    const log = h.logs();
    const metrics = await metricsText();
    // The flow really was logged: one access line per request, each with its id and route pattern.
    const access = log.split('\n').filter((l) => l.includes('"msg":"request"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(access.length).toBeGreaterThan(20);
    expect(access.every((l) => typeof l['reqId'] === 'string' && typeof l['route'] === 'string' && typeof l['status'] === 'number' && typeof l['ms'] === 'number')).toBe(true);
    expect(access.some((l) => l['route'] === '/v1/verifications/:ref/answer')).toBe(true);
    expect(secrets.map((s) => s.what)).toEqual(expect.arrayContaining(['name', 'ID number', '网号', 'sub (receipt)', 'sub (OIDC)', 'phone', 'client secret', 'passphrase', 'access token', 'authorization code']));
    const found: string[] = [];
    for (const { what, value, digits } of secrets) {
      // Numbers only as numbers: a passphrase or phone number inside a longer run of digits (a timestamp) is not it.
      const pattern = digits ? new RegExp(`(?<![0-9])${value}(?![0-9])`) : undefined;
      const inText = (t: string) => (pattern ? pattern.test(t) : t.includes(value));
      if (inText(log)) found.push(`${what} in the log`);
      if (inText(metrics)) found.push(`${what} in /metrics`);
    }
    expect(found).toEqual([]);
  });
});
