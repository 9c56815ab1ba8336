/**
 * `WangzhengClient`: a relying party's back end talking to the platform (docs/receipts.md,
 * docs/rp-guide.en.md).
 *
 *   createReceiptRequest ──▶ show `ref` / `link` to the person ──▶ waitForReceipt ──▶ verifyReceipt
 *   requestReverification (a flagged account) ──▶ waitForReceipt ──▶ verifyReceipt
 *
 * Every call authenticates with the method the RP registered (auth.ts). Errors are
 * `WangzhengError`s with the platform's stable code (errors.ts). Receipts are verified
 * offline with the platform's JWKS, the RP's registered algorithm pinned (receipt.ts).
 *
 * Trusted: the platform at `baseUrl` over TLS for the API answers; a receipt only after
 * `verifyReceipt` — an answer relayed by anything else (a browser, a queue) is just bytes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { importPublicKey, type PublicJwk, type PublicKey } from '@wangzheng/core/crypto/index';
import { clientAuthorizer, type Authorizer, type ClientAuthOptions } from './auth.ts';
import { WangzhengError, isWangzhengError } from './errors.ts';
import { JwksCache, type JwksCacheOptions } from './jwks.ts';
import { unverifiedKid, verifyReceiptWith, type ExpectedReceipt, type Receipt, type ReceiptAlg } from './receipt.ts';
import type { CreateReceiptRequest, Registration, RequestReverification, RequestState, Reverification, ReceiptRequest } from './types.ts';

export interface WangzhengClientOptions {
  /** The platform's issuer URL (`iss` of receipts, `aud` of client assertions), e.g. `https://wangzheng.example`. */
  issuer: string;
  /** Your client id (`rp_…`). */
  clientId: string;
  /** The method you registered: `{ clientSecret }` or `{ privateKey, alg?, kid? }`. */
  auth: ClientAuthOptions;
  /** Where the API is reached, when not at the issuer URL (a private network address, a test server). Default: `issuer`. */
  baseUrl?: string;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
  /**
   * Your registered `idTokenSigningAlg`, pinned when verifying receipts. Default: read once
   * from your registration (`GET /v1/rp/clients/{clientId}`).
   */
  receiptAlg?: ReceiptAlg;
  /** The platform's JWKS, for verifying with no network at all. Default: fetched from `${baseUrl}/.well-known/jwks.json` and cached. */
  jwks?: { keys: PublicJwk[] };
  jwksCache?: JwksCacheOptions;
  /** Per-call timeout. Default 30 seconds. */
  timeoutMs?: number;
}

export interface WaitOptions {
  /**
   * Give up after this long (`timeout`). Default 5½ minutes: a receipt request's lifetime and a
   * margin, so an unanswered request ends with its `expired` receipt rather than `timeout`. A
   * re-verification lives 30 minutes: pass more.
   */
  timeoutMs?: number;
  /** Between polls. Default 2 seconds. */
  intervalMs?: number;
  /** Stops waiting early: rejects with an abort error. */
  signal?: AbortSignal;
}

function trimUrl(u: string, name: string): string {
  if (typeof u !== 'string') throw new TypeError(`${name} must be a URL`);
  let parsed: URL;
  try {
    parsed = new URL(u);
  } catch {
    throw new TypeError(`${name} must be a URL, such as https://wangzheng.example`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new TypeError(`${name} must be an https URL`);
  return u.replace(/\/+$/, '');
}

function nonEmpty(v: unknown, name: string): string {
  if (typeof v !== 'string' || v.length === 0) throw new TypeError(`${name} must be a non-empty string`);
  return v;
}

export class WangzhengClient {
  readonly issuer: string;
  readonly clientId: string;
  readonly baseUrl: string;
  readonly #authorize: Authorizer;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #jwks: JwksCache | undefined;
  readonly #staticKeys: PublicKey[] | undefined;
  #receiptAlg: Promise<ReceiptAlg> | undefined;

  /**
   * @example
   *   // client_secret_basic
   *   const wz = new WangzhengClient({ issuer: 'https://wangzheng.example', clientId: 'rp_…', auth: { clientSecret: process.env.WZ_CLIENT_SECRET! } });
   *   // private_key_jwt with an SM2 key (PEM, JWK or a @wangzheng/core PrivateKey)
   *   const wz2 = new WangzhengClient({ issuer, clientId, auth: { privateKey: fs.readFileSync('rp-sm2.pem', 'utf8'), alg: 'SM2' } });
   */
  constructor(o: WangzhengClientOptions) {
    if (typeof o !== 'object' || o === null) throw new TypeError('new WangzhengClient(options): options are required');
    this.issuer = trimUrl(o.issuer, 'issuer');
    this.clientId = nonEmpty(o.clientId, 'clientId');
    this.baseUrl = o.baseUrl === undefined ? this.issuer : trimUrl(o.baseUrl, 'baseUrl');
    if (typeof o.auth !== 'object' || o.auth === null) throw new TypeError('auth must be { clientSecret } or { privateKey }');
    this.#authorize = clientAuthorizer(this.clientId, this.issuer, o.auth);
    this.#fetch = o.fetch ?? fetch;
    this.#timeoutMs = o.timeoutMs ?? 30_000;
    if (o.receiptAlg !== undefined) {
      if (o.receiptAlg !== 'SM2' && o.receiptAlg !== 'ES256') throw new TypeError('receiptAlg must be SM2 or ES256');
      this.#receiptAlg = Promise.resolve(o.receiptAlg);
    }
    if (o.jwks !== undefined) {
      const keys: PublicKey[] = [];
      for (const k of Array.isArray(o.jwks.keys) ? o.jwks.keys : []) {
        try {
          keys.push(importPublicKey(k));
        } catch {
          // not a key this SDK can verify with
        }
      }
      if (keys.length === 0) throw new TypeError('jwks holds no SM2, P-256 or Ed25519 public key');
      this.#staticKeys = keys;
    } else {
      this.#jwks = new JwksCache(`${this.baseUrl}/.well-known/jwks.json`, this.#fetch, o.jwksCache);
    }
  }

  // ------------------------------------------------------------------ receipt requests

  /**
   * Starts a verification: the person answers in their wallet by the returned `ref` (QR code,
   * cross-device) or `link` (app link, same device). `POST /v1/receipt-requests`.
   *
   * @throws WangzhengError `invalid_request` (bad mode or bizSeq), `biz_seq_reused`, `scope_not_approved`, `unknown_scope`, `rp_not_approved`, `rp_suspended`, `invalid_client`.
   * @example
   *   const req = await wz.createReceiptRequest({ bizSeq: `order-${orderId}`, mode: 'wz_face' });
   *   await db.save(orderId, req.requestId);
   *   res.render('scan', { qr: req.link, expiresAt: req.expiresAt });
   */
  async createReceiptRequest(r: CreateReceiptRequest): Promise<ReceiptRequest> {
    if (typeof r !== 'object' || r === null) throw new TypeError('createReceiptRequest({ bizSeq, mode, scopes? })');
    return this.#call<ReceiptRequest>('POST', '/v1/receipt-requests', {
      bizSeq: r.bizSeq,
      mode: r.mode,
      ...(r.scopes !== undefined ? { scopes: r.scopes } : {}),
    });
  }

  /**
   * The state of one of your requests (any kind: receipt or re-verification).
   * `GET /v1/receipt-requests/{id}`.
   *
   * @throws WangzhengError `verification_not_found` (unknown, or another RP's).
   * @example
   *   const { status } = await wz.getStatus(requestId);   // 'pending' | 'approved' | 'failed' | 'declined' | 'expired' | 'consumed'
   */
  async getStatus(requestId: string): Promise<RequestState> {
    return this.#call<RequestState>('GET', `/v1/receipt-requests/${encodeURIComponent(nonEmpty(requestId, 'requestId'))}`);
  }

  /**
   * The platform-signed receipt (compact JWS) of an answered request — once: a second fetch is
   * `receipt_already_fetched`. Verify it with `verifyReceipt` before trusting anything in it.
   * `POST /v1/receipt-requests/{id}/receipt`.
   *
   * @throws WangzhengError `verification_pending` (not answered yet), `receipt_already_fetched`, `verification_not_found`.
   * @example
   *   const token = await wz.fetchReceipt(requestId);
   *   const receipt = await wz.verifyReceipt(token, { requestId });
   */
  async fetchReceipt(requestId: string): Promise<string> {
    const r = await this.#call<{ receipt?: unknown }>('POST', `/v1/receipt-requests/${encodeURIComponent(nonEmpty(requestId, 'requestId'))}/receipt`, {});
    if (typeof r?.receipt !== 'string') throw new WangzhengError('invalid_response', 'The platform answered without a receipt.');
    return r.receipt;
  }

  /**
   * Polls `fetchReceipt` until the person has answered (or the request expired — that too
   * gives a receipt, `result: "fail"`), then returns the receipt.
   *
   * @throws WangzhengError `timeout` after `timeoutMs`; any other error of `fetchReceipt` at once.
   * @example
   *   const token = await wz.waitForReceipt(req.requestId, { timeoutMs: 120_000, intervalMs: 1_500 });
   *   const receipt = await wz.verifyReceipt(token, { requestId: req.requestId });
   */
  async waitForReceipt(requestId: string, o: WaitOptions = {}): Promise<string> {
    const timeoutMs = o.timeoutMs ?? 330_000;
    const intervalMs = o.intervalMs ?? 2_000;
    if (!(timeoutMs >= 0) || !(intervalMs > 0)) throw new TypeError('timeoutMs must be ≥ 0 and intervalMs > 0');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      o.signal?.throwIfAborted();
      try {
        return await this.fetchReceipt(requestId);
      } catch (e) {
        if (!isWangzhengError(e, 'verification_pending')) throw e;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new WangzhengError('timeout', `The person did not answer within ${Math.round(timeoutMs / 1000)} s; the request is still pending.`);
      await sleep(Math.min(intervalMs, left), undefined, o.signal ? { signal: o.signal } : undefined);
    }
  }

  // ------------------------------------------------------------------ re-verification

  /**
   * Asks the platform to re-verify the person behind one of your application identifiers (a
   * flagged account): the request appears in that person's wallet with your binding message,
   * and they approve with face. Only telecom operators, banks, payment institutions and
   * internet services may. Follow it with `getStatus` / `waitForReceipt` like any request.
   * `POST /v1/reverifications`.
   *
   * @throws WangzhengError `reverification_not_allowed` (your category), `unknown_subject`, `biz_seq_reused`, `invalid_request`.
   * @example
   *   const rv = await wz.requestReverification({ sub: account.wzSub, bindingMessage: '账户异常登录，请确认本人操作', bizSeq: `rv-${caseId}` });
   *   const receipt = await wz.verifyReceipt(await wz.waitForReceipt(rv.requestId, { timeoutMs: 30 * 60_000 }), { requestId: rv.requestId });
   *   if (receipt.result === 'pass' && receipt.sub === account.wzSub) unlock(account);
   */
  async requestReverification(r: RequestReverification): Promise<Reverification> {
    if (typeof r !== 'object' || r === null) throw new TypeError('requestReverification({ sub, bindingMessage, bizSeq })');
    return this.#call<Reverification>('POST', '/v1/reverifications', { sub: r.sub, bindingMessage: r.bindingMessage, bizSeq: r.bizSeq });
  }

  // ------------------------------------------------------------------ receipts, offline

  /**
   * Verifies a receipt offline: signature with the platform's JWKS (fetched once and cached),
   * your registered algorithm pinned, `typ`, `iss` = issuer, `aud` = your client id — and, if
   * given, that it is the receipt of `requestId` / `bizSeq`. Returns the typed claims.
   *
   * A receipt can say `result: "fail"` (declined, expired, face mismatch, locked passphrase):
   * check `result` before anything else.
   *
   * @throws WangzhengError `invalid_jws`, `signature_mismatch`, `unsupported_algorithm`, `receipt_mismatch`, `jwks_unavailable`.
   * @example
   *   const r = await wz.verifyReceipt(token, { requestId, bizSeq });
   *   if (r.result !== 'pass') return deny(r.failure);
   *   session.user = r.sub;              // your application identifier for the person
   *   const masked = r.claims?.masked_name;  // only if approved, asked for, and consented to
   */
  async verifyReceipt(token: string, expect: ExpectedReceipt = {}): Promise<Receipt> {
    if (typeof token !== 'string') throw new TypeError('verifyReceipt(token): token must be the compact JWS string');
    const alg = await this.#registeredAlg();
    const keys = this.#staticKeys ?? (await this.#jwks!.keys(unverifiedKid(token)));
    return verifyReceiptWith(token, { keys, alg, issuer: this.issuer, clientId: this.clientId, expect });
  }

  /**
   * Your own registration: status, approved scopes with their legal-basis references, the
   * receipt algorithm. `GET /v1/rp/clients/{clientId}`.
   *
   * @example
   *   const me = await wz.getRegistration();
   *   if (me.status !== 'approved') console.warn(`not approved yet: ${me.status}`);
   */
  async getRegistration(): Promise<Registration> {
    return this.#call<Registration>('GET', `/v1/rp/clients/${encodeURIComponent(this.clientId)}`);
  }

  #registeredAlg(): Promise<ReceiptAlg> {
    if (this.#receiptAlg === undefined) {
      const p = this.getRegistration().then((r) => {
        if (r.idTokenSigningAlg !== 'SM2' && r.idTokenSigningAlg !== 'ES256') throw new WangzhengError('invalid_response', 'The registration names no receipt algorithm.');
        return r.idTokenSigningAlg;
      });
      this.#receiptAlg = p;
      p.catch(() => {
        if (this.#receiptAlg === p) this.#receiptAlg = undefined; // ask again next time
      });
    }
    return this.#receiptAlg;
  }

  // ------------------------------------------------------------------ HTTP

  async #call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', authorization: this.#authorize() };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.#fetch(this.baseUrl + path, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (e) {
      if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) {
        throw new WangzhengError('timeout', `The platform at ${this.baseUrl} did not answer within ${this.#timeoutMs} ms.`, { cause: e });
      }
      throw new WangzhengError('network_error', `Cannot reach the platform at ${this.baseUrl}.`, { cause: e });
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch (e) {
      throw new WangzhengError('invalid_response', `The platform answered HTTP ${res.status} without a JSON body.`, { status: res.status, cause: e });
    }
    if (!res.ok) {
      const b = json as { error?: unknown; message?: unknown } | null;
      if (typeof b?.error !== 'string') throw new WangzhengError('invalid_response', `The platform answered HTTP ${res.status} without an error code.`, { status: res.status });
      throw new WangzhengError(b.error, typeof b.message === 'string' ? b.message : b.error, { status: res.status });
    }
    if (typeof json !== 'object' || json === null) throw new WangzhengError('invalid_response', 'The platform answered something that is not a JSON object.', { status: res.status });
    return json as T;
  }
}
