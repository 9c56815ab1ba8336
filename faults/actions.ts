/**
 * The lifecycle steps of a fault life over the real HTTP API, as the wallet, the RP's back end and
 * an operator make them (faults/steps.ts names them; world.ts holds the person between them):
 *
 *   login     OIDC code flow with PKCE: authorize page, the wallet's answer, the status poll that
 *             mints the code, then the token endpoint (oidc.token.*); a retry with a code in hand
 *             asks the token endpoint again with it, else logs in afresh
 *   lock      POST /v1/me/lock;  unlock  POST /v1/me/unlock with the passphrase
 *   renew     POST /v1/me/renew (lifecycle.renew.*)
 *   phone     POST /v1/me/phone, the code from the SMS outbox, POST /v1/me/phone/confirm (person.phone.*)
 *   transfer  POST /v1/me/devices/transfer to a new key (lifecycle.transfer.*)
 *   ban       POST /v1/admin/bans;  unban  POST /v1/admin/unbans (lifecycle.ban.*, lifecycle.unban.*)
 *   guardian  the life's person is the guardian of the sample 14–17-year-old: the ward enrolls
 *             (awaiting the guardian), the guardian's wallet approves (enrollment.guardian.*),
 *             the ward's wallet collects its 网证;  wardcancel  the ward cancels
 *
 * An HTTP refusal is thrown as `{ status, code }` (what `clientView` reads); a lost connection as
 * fetch's own error with its cause.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { b64u, generateKey, randomBytes } from '@wangzheng/core/crypto/index';
import { PlatformClient } from '@wangzheng/wallet/enroll/client';
import { approveAsGuardian, collect } from '@wangzheng/wallet/enroll/enroll';
import { issuerOf } from '@wangzheng/wallet/me/bound-request';
import { cancelNetid, CANCEL_CONFIRMATION } from '@wangzheng/wallet/me/cancel';
import { readOutboxCode } from '@wangzheng/wallet/enroll/simulator';
import { keySigner, nodeHolder } from '@wangzheng/wallet/holder/node';
import { MeClient } from '@wangzheng/wallet/me/client';
import { MeControls } from '@wangzheng/wallet/me/controls';
import { answerVerification } from '@wangzheng/wallet/verify';
import type { Step } from './steps.ts';
import { PASSPHRASE, type Life, type World } from './world.ts';

const REDIRECT = 'http://localhost/cb';

/** An HTTP refusal, shaped as the wallet library's errors are (`status`, `code`). */
function refusal(status: number, body: string): Error {
  let code = '';
  try {
    code = String((JSON.parse(body) as { error?: unknown }).error ?? '');
  } catch {
    // not JSON: the status says it
  }
  return Object.assign(new Error(`HTTP ${status} ${code}`), { status, code });
}

async function json<T>(res: Response): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw refusal(res.status, text);
  return JSON.parse(text) as T;
}

const me = (w: World, url: string, life: Life) => new MeClient(new PlatformClient(url), nodeHolder(life.holder!.credential, life.holder!.key));
const controls = (url: string, life: Life) => new MeControls(new PlatformClient(url), nodeHolder(life.holder!.credential, life.holder!.key));

/** The OIDC login: with a code in hand only the token request (a retry), else the whole flow. Returns the approvals it made. */
async function login(w: World, url: string, life: Life): Promise<number> {
  let approvals = 0;
  if (!life.code) {
    const verifier = b64u(randomBytes(32));
    const q = new URLSearchParams({
      client_id: w.rp.clientId,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'openid',
      state: b64u(randomBytes(12)),
      nonce: b64u(randomBytes(12)),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    const page = await fetch(`${url}/oauth/authorize?${q}`, { redirect: 'manual' });
    const html = await page.text();
    const ref = /data-ref="([A-Za-z0-9_-]{22})"/.exec(html)?.[1];
    if (!ref) throw refusal(page.status, html.slice(0, 200));
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const a = await answerVerification(new PlatformClient(url), { ref, holder: nodeHolder(life.holder!.credential, life.holder!.key) });
    if (a.status !== 'approved') throw new Error(`faults: login ${a.status}`);
    approvals = 1;
    const st = await json<{ redirect?: string }>(await fetch(`${url}/oauth/authorize/status?ref=${ref}`, { headers: { cookie } }));
    const code = st.redirect ? new URL(st.redirect).searchParams.get('code') : null;
    if (!code) throw new Error(`faults: no code (${JSON.stringify(st)})`);
    life.code = { code, verifier };
  }
  const auth = `Basic ${Buffer.from(`${w.rp.clientId}:${w.rp.clientSecret}`).toString('base64')}`;
  const tok = await json<{ access_token?: string }>(
    await fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: life.code.code, redirect_uri: REDIRECT, code_verifier: life.code.verifier }),
    }),
  );
  if (!tok.access_token) throw new Error('faults: no access token');
  life.code = undefined;
  return approvals;
}

async function operator(w: World, url: string, path: string, body: unknown): Promise<unknown> {
  return json(await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${w.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }));
}

/** A number of its own per phone change (the SMS outbox is read by number). */
let phones = 0;

async function phone(w: World, url: string, life: Life): Promise<void> {
  const c = controls(url, life);
  if (!life.newPhone) {
    const number = `137${String(10_000_000 + (process.pid % 1000) * 10_000 + ++phones)}`;
    await c.changePhone(number);
    life.newPhone = number;
  }
  const code = await readOutboxCode(join(w.dir, 'sms-outbox.jsonl'), life.newPhone);
  await c.confirmPhone(code);
  life.newPhone = undefined;
}

/** The ward's enrollment up to the guardian's approval, the approval, the collection. */
async function guardian(w: World, url: string, registryUrl: string, life: Life): Promise<void> {
  if (!w.minor) throw new Error('faults: the registry simulator has no 14–17-year-old with a guardian');
  if (!life.ward) {
    const key = generateKey('SM2');
    const r = await w.enrollAs(url, registryUrl, w.minor, key);
    if (r.status !== 'awaiting_guardian') throw new Error(`faults: the ward's enrollment ended ${r.status}`);
    life.ward = { key, approvalCode: r.approvalCode, pending: r.pending, approved: false };
  }
  if (!life.ward.approved) {
    const holder = nodeHolder(life.holder!.credential, life.holder!.key);
    const a = await approveAsGuardian(new PlatformClient(url), { approvalCode: life.ward.approvalCode, holder, issuer: issuerOf(life.holder!.credential), decide: () => true });
    if (a.status !== 'approved') throw new Error(`faults: the guardian's approval ${a.status}`);
    life.ward.approved = true;
  }
  await collectWard(url, life);
}

/** The ward's wallet collects the 网证 the guardian's approval issued. */
export async function collectWard(url: string, life: Life): Promise<void> {
  const ward = life.ward!;
  ward.approved = true;
  const issued = await collect(new PlatformClient(url), ward.pending);
  ward.holder = { credential: issued.credential, key: ward.key, netid: issued.netid };
}

/**
 * Does one lifecycle step (not enroll, verify, cancel, push: world.ts); returns the
 * `verification.completed` entries it added.
 */
export async function lifecycleStep(w: World, url: string, step: Step, life: Life, registryUrl = ''): Promise<number> {
  switch (step) {
    case 'guardian':
      await guardian(w, url, registryUrl, life);
      return 0;
    case 'wardcancel': {
      const ward = life.ward!.holder!;
      await cancelNetid(new MeClient(new PlatformClient(url), nodeHolder(ward.credential, ward.key)), { passphrase: PASSPHRASE, confirm: CANCEL_CONFIRMATION });
      return 0;
    }
    case 'login':
      return login(w, url, life);
    case 'lock':
      await me(w, url, life).lock();
      return 0;
    case 'unlock':
      await me(w, url, life).unlock(PASSPHRASE);
      return 0;
    case 'renew': {
      const r = await controls(url, life).renew();
      life.holder = { ...life.holder!, credential: r.credential };
      return 0;
    }
    case 'phone':
      await phone(w, url, life);
      return 0;
    case 'transfer': {
      // The new phone keeps its key until the move is answered: a retry must prove the same key.
      const key = (life.movingTo ??= generateKey('SM2'));
      const r = await controls(url, life).transfer(keySigner(key), { passphrase: PASSPHRASE });
      life.holder = { ...life.holder!, credential: r.credential, key };
      life.movingTo = undefined;
      return 0;
    }
    case 'ban':
      await operator(w, url, '/v1/admin/bans', { netid: life.holder!.netid, reason: 'fraud', legalRef: 'fault campaign ban' });
      return 0;
    case 'unban':
      await operator(w, url, '/v1/admin/unbans', { netid: life.holder!.netid, legalRef: 'fault campaign unban' });
      return 0;
    default:
      throw new TypeError(`faults: ${step} is not a lifecycle step`);
  }
}
