/**
 * One error model: a `WzError` carries status, stable code, safe message, private detail and
 * "may go to the redirect URI"; the OAuth answer (RFC 6749 §5.2) is a rendering of it. The
 * wallet's keystore codes are not in the server's table.
 */
import { describe, expect, it } from 'vitest';
import { CodedError, ERROR_CODES, OAUTH_ERROR_CODES, oauthCodeOf, WzError } from '../src/errors.ts';
import { toErrorResponse, toWzError } from '../src/http-errors.ts';
import { WalletError } from '../../wallet/src/errors.ts';

describe('one error base, two renderings', () => {
  it('the JSON API gets { error, message }; the detail stays private', () => {
    const e = new WzError('rp_suspended', 'This relying party is suspended.', { detail: 'op:7' });
    expect(e.status).toBe(403);
    expect(JSON.parse(JSON.stringify(e))).toEqual({ error: 'rp_suspended', message: 'This relying party is suspended.' });
    expect(toErrorResponse(e)).toEqual({ status: 403, body: { error: 'rp_suspended', message: 'This relying party is suspended.' }, detail: 'op:7' });
  });

  it('RFC 6749 §5.2: an OAuth client gets { error, error_description } with the protocol code', () => {
    expect(new WzError('invalid_grant', 'The code was used.').toOAuthJSON()).toEqual({ error: 'invalid_grant', error_description: 'The code was used.' });
    expect(new WzError('scope_not_approved', 'x').toOAuthJSON().error).toBe('invalid_scope');
    expect(new WzError('rp_suspended', 'x').toOAuthJSON().error).toBe('unauthorized_client');
    expect(new WzError('store_unavailable', 'x').toOAuthJSON().error).toBe('temporarily_unavailable');
    expect(new WzError('face_mismatch', 'x').toOAuthJSON().error).toBe('invalid_request');
    expect(new WzError('internal_error', 'x').toOAuthJSON().error).toBe('server_error');
  });

  it('every OAuth code is a platform code with a status, and renders as itself', () => {
    for (const c of OAUTH_ERROR_CODES) {
      expect(ERROR_CODES[c]).toBeGreaterThanOrEqual(400);
      expect(oauthCodeOf(c)).toBe(c);
    }
  });

  it('redirectable is false unless the checks that make it safe said so', () => {
    expect(new WzError('invalid_scope', 'x').redirectable).toBe(false);
    expect(new WzError('invalid_scope', 'x', { redirectable: true }).redirectable).toBe(true);
  });

  it('anything that is not a WzError becomes internal_error with a fixed message; its text only in the detail', () => {
    const e = toWzError(new Error('connection to 10.0.0.5 refused for user admin'));
    expect(e.code).toBe('internal_error');
    expect(e.message).toBe('internal error; the incident was logged');
    expect(e.detail).toContain('10.0.0.5');
  });

  it('the keystore codes are the wallet’s own, not the server’s', () => {
    for (const c of ['keystore_corrupt', 'keystore_exists', 'keystore_missing']) expect(c in ERROR_CODES).toBe(false);
    const w = new WalletError('keystore_missing', 'No wallet keystore was found here.');
    expect(w).toBeInstanceOf(CodedError);
    expect(w).not.toBeInstanceOf(WzError);
    expect(w.status).toBe(404);
  });
});
