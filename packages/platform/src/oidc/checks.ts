/**
 * The authorization request, checked as a pipeline of small named steps (node-oidc-provider's
 * style), in this order:
 *
 *   check_client → check_redirect_uri → check_repeated → check_unsupported →
 *   check_response_type → check_response_mode → check_prompt → check_scope → check_pkce →
 *   check_nonce → check_acr_values
 *
 * Until check_redirect_uri has passed, nothing may be sent to the redirect URI — an attacker
 * could name any URI (RFC 6749 §4.1.2.1) — so those errors become an error page. From then on
 * errors are redirectable and carry `state` back.
 *
 * The same pipeline checks a pushed request (RFC 9126 §2.1) when it arrives, with the client
 * that authenticated, and again when the browser brings its `request_uri`.
 *
 * Trust: every parameter is the browser's (so possibly an attacker's) until a check has passed;
 * the client record is the store's.
 *
 * `checkPkce` is the token endpoint's half of PKCE (RFC 7636 §4.6): the verifier against the
 * challenge this pipeline accepted.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isWzError, WzError, type OAuthErrorCode } from '@wangzheng/core/errors';
import { isClientId } from '@wangzheng/core/rp/client-id';
import { assertScopesApproved } from '@wangzheng/core/rp/scopes';
import type { DisclosureScope } from '@wangzheng/core/rp/types';
import { assertRpActive } from '@wangzheng/core/rp/status';
import { modeForAcrValues, type Mode } from '@wangzheng/core/verification/modes';
import type { RelyingPartyRecord } from '../store/index.ts';
import type { Params } from './params.ts';
import { disclosureScopeOf } from './scopes.ts';

export const MAX_STATE = 512;
export const MAX_NONCE = 256;
/** base64url(SHA-256(verifier)) without padding: 43 characters (RFC 7636 §4.2). */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** A checked authorization request. */
export interface AuthorizationRequest {
  readonly rp: RelyingPartyRecord;
  readonly redirectUri: string;
  readonly state: string | null;
  readonly nonce: string;
  readonly codeChallenge: string;
  readonly mode: Mode;
  /** Disclosure scopes, `result` first. */
  readonly scopes: readonly DisclosureScope[];
}

export interface CheckContext {
  readonly params: Params;
  readonly findClient: (clientId: string) => Promise<RelyingPartyRecord | undefined>;
  /** A pushed request: the client that authenticated at the PAR endpoint. */
  readonly pushedBy?: RelyingPartyRecord;
  rp?: RelyingPartyRecord;
  redirectUri?: string;
  state: string | null;
  nonce?: string;
  codeChallenge?: string;
  mode?: Mode;
  scopes?: DisclosureScope[];
}

type Check = (ctx: CheckContext) => void | Promise<void>;

/** An error sent to the redirect URI once that URI is known to be the client's. */
function fail(ctx: CheckContext, code: OAuthErrorCode, description: string, detail?: string): WzError {
  return new WzError(code, description, { redirectable: ctx.redirectUri !== undefined, ...(detail ? { detail } : {}) });
}

function single(ctx: CheckContext, name: string): string | undefined {
  if (ctx.params.repeated.includes(name)) throw fail(ctx, 'invalid_request', `The parameter ${name} is included more than once (RFC 6749 §3.1).`);
  return ctx.params.values[name];
}

async function check_client(ctx: CheckContext): Promise<void> {
  const id = single(ctx, 'client_id');
  if (ctx.pushedBy) {
    if (id !== undefined && id !== ctx.pushedBy.clientId) throw fail(ctx, 'invalid_request', 'client_id differs from the authenticated client.');
    ctx.rp = ctx.pushedBy;
  } else {
    if (id === undefined) throw fail(ctx, 'invalid_request', 'client_id is required.');
    const rp = isClientId(id) ? await ctx.findClient(id) : undefined;
    // Shown on the error page, never redirected: there is no trusted redirect URI yet.
    if (!rp) throw new WzError('invalid_client', 'No relying party is registered with this client_id.', { status: 400 });
    ctx.rp = rp;
  }
  try {
    assertRpActive(ctx.rp);
  } catch (e) {
    throw new WzError('unauthorized_client', isWzError(e) ? e.message : 'This relying party may not verify people now.', { detail: isWzError(e) ? e.code : 'inactive' });
  }
}

function check_redirect_uri(ctx: CheckContext): void {
  const uri = single(ctx, 'redirect_uri');
  if (uri === undefined) throw fail(ctx, 'invalid_request', 'redirect_uri is required (OpenID Connect Core §3.1.2.1).');
  // Exact string comparison (RFC 9700 §4.1.3): no prefix, no pattern, no normalisation.
  if (!ctx.rp!.redirectUris.includes(uri)) throw fail(ctx, 'invalid_request', 'redirect_uri is not registered for this client; it must equal a registered one exactly.');
  ctx.redirectUri = uri;
  // From here on, errors go back to the client with its state.
  if (!ctx.params.repeated.includes('state')) {
    const state = ctx.params.values['state'];
    if (state !== undefined && state.length <= MAX_STATE) ctx.state = state;
  }
}

function check_repeated(ctx: CheckContext): void {
  const name = ctx.params.repeated[0];
  if (name !== undefined) throw fail(ctx, 'invalid_request', `The parameter ${/^[a-z_]{1,40}$/.test(name) ? name : '(unnamed)'} is included more than once (RFC 6749 §3.1).`);
  const state = ctx.params.values['state'];
  if (state !== undefined && state.length > MAX_STATE) throw fail(ctx, 'invalid_request', `state is longer than ${MAX_STATE} characters.`);
}

function check_unsupported(ctx: CheckContext): void {
  const v = ctx.params.values;
  if (v['request'] !== undefined) throw fail(ctx, 'request_not_supported', 'Request objects are not supported; use pushed authorization requests (RFC 9126).');
  if (v['registration'] !== undefined) throw fail(ctx, 'registration_not_supported', 'The registration parameter is not supported; relying parties register with the platform.');
  if (v['request_uri'] !== undefined) throw fail(ctx, 'invalid_request', 'request_uri is not allowed in a pushed request (RFC 9126 §2.1).');
  if (v['claims'] !== undefined) throw fail(ctx, 'invalid_request', 'The claims parameter is not supported; ask for claims with scopes.');
}

function check_response_type(ctx: CheckContext): void {
  const rt = ctx.params.values['response_type'];
  if (rt === undefined) throw fail(ctx, 'invalid_request', 'response_type is required.');
  if (rt !== 'code') throw fail(ctx, 'unsupported_response_type', 'Only response_type=code is supported.');
}

function check_response_mode(ctx: CheckContext): void {
  const rm = ctx.params.values['response_mode'];
  if (rm !== undefined && rm !== 'query') throw fail(ctx, 'invalid_request', 'Only response_mode=query is supported.');
}

function check_prompt(ctx: CheckContext): void {
  const prompt = ctx.params.values['prompt']?.split(' ') ?? [];
  // The person approves every request in the wallet: there is no silent authentication.
  if (prompt.includes('none')) throw fail(ctx, 'login_required', 'Every verification needs the person’s approval in the wallet; prompt=none cannot be satisfied.');
}

function check_scope(ctx: CheckContext): void {
  const raw = ctx.params.values['scope'];
  const names = raw === undefined ? [] : raw.split(' ').filter((s) => s !== '');
  if (!names.includes('openid')) throw fail(ctx, 'invalid_scope', 'scope must contain openid.');
  const scopes = new Set<DisclosureScope>(['result']);
  for (const n of names) {
    const s = disclosureScopeOf(n);
    if (s === undefined) throw fail(ctx, 'invalid_scope', `Unknown scope${/^[a-z_:]{1,40}$/.test(n) ? ` ${n}` : ''}; see scopes_supported.`);
    scopes.add(s);
  }
  try {
    // Never trimmed: one scope outside the approval refuses the whole request.
    assertScopesApproved(ctx.rp!, [...scopes]);
  } catch (e) {
    if (isWzError(e)) throw fail(ctx, 'invalid_scope', e.message, e.code);
    throw e;
  }
  ctx.scopes = [...scopes];
}

function check_pkce(ctx: CheckContext): void {
  const challenge = ctx.params.values['code_challenge'];
  const method = ctx.params.values['code_challenge_method'];
  if (challenge === undefined) throw fail(ctx, 'invalid_request', 'code_challenge is required: PKCE with S256 (RFC 7636).');
  if (method !== 'S256') throw fail(ctx, 'invalid_request', 'code_challenge_method must be S256; plain (or none given, which means plain) is refused.');
  if (!S256_CHALLENGE.test(challenge)) throw fail(ctx, 'invalid_request', 'code_challenge must be base64url(SHA-256(code_verifier)): 43 characters.');
  ctx.codeChallenge = challenge;
}

function check_nonce(ctx: CheckContext): void {
  const nonce = ctx.params.values['nonce'];
  if (nonce === undefined) throw fail(ctx, 'invalid_request', 'nonce is required: the id_token carries it back so the client can bind it to its session.');
  if (nonce.length > MAX_NONCE) throw fail(ctx, 'invalid_request', `nonce is longer than ${MAX_NONCE} characters.`);
  ctx.nonce = nonce;
}

function check_acr_values(ctx: CheckContext): void {
  try {
    // The first value we know, in the client's order of preference; none known fails the flow
    // rather than running a weaker mode.
    ctx.mode = modeForAcrValues(ctx.params.values['acr_values'], 'wz');
  } catch (e) {
    if (isWzError(e)) throw fail(ctx, 'invalid_request', e.message, 'acr_values');
    throw e;
  }
}

/** The pipeline, in order. */
export const AUTHORIZATION_CHECKS: readonly Check[] = [
  check_client,
  check_redirect_uri,
  check_repeated,
  check_unsupported,
  check_response_type,
  check_response_mode,
  check_prompt,
  check_scope,
  check_pkce,
  check_nonce,
  check_acr_values,
];

export async function checkAuthorizationRequest(ctx: CheckContext): Promise<AuthorizationRequest> {
  for (const check of AUTHORIZATION_CHECKS) await check(ctx);
  return {
    rp: ctx.rp!,
    redirectUri: ctx.redirectUri!,
    state: ctx.state,
    nonce: ctx.nonce!,
    codeChallenge: ctx.codeChallenge!,
    mode: ctx.mode!,
    scopes: ctx.scopes!,
  };
}

/** RFC 7636 §4.1: 43–128 unreserved characters. */
const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))) must equal the stored challenge. */
export function checkPkce(verifier: string | undefined, challenge: string): void {
  if (verifier === undefined || !CODE_VERIFIER.test(verifier)) {
    throw new WzError('invalid_grant', 'code_verifier is missing or malformed (RFC 7636 §4.1).', { detail: 'pkce format' });
  }
  const computed = createHash('sha256').update(verifier, 'ascii').digest();
  const expected = Buffer.from(challenge, 'base64url');
  if (expected.length !== computed.length || !timingSafeEqual(expected, computed)) {
    throw new WzError('invalid_grant', 'PKCE verification failed: code_verifier does not match code_challenge.', { detail: 'pkce mismatch' });
  }
}
