/**
 * Redirect URIs and the pairwise-subject sector (OIDC Core §3.1.2.1, §8.1; RFC 9700 §4.1).
 *
 * Redirect URIs are registered as exact strings and later compared verbatim (no prefix or
 * pattern matching — RFC 9700 §4.1.3). Rules at registration:
 * - absolute `https` URIs; plain `http` only to `localhost` or `127.0.0.1` (any port), and only
 *   when the platform runs in development mode (a native or local RP under test);
 * - no fragment (OIDC Core §3.1.2.1), no user name or password, no white space or control
 *   characters (the URL parser would silently drop some, and then the exact string would not
 *   be the URI we checked);
 * - 1 to 10 of them, no duplicates, each at most 2,000 characters.
 *
 * Sector identifier (OIDC Core §8.1): the application identifier (pairwise `sub`) is derived per
 * sector. Without an explicit one, the sector is the host of the redirect URIs — which must then
 * all share one host; if they span hosts, the RP must name its sector. OIDC's
 * `sector_identifier_uri` would prove control by listing the redirect URIs at that URL; here
 * the operator checks an explicit sector during approval instead (docs/relying-parties.md).
 */
import { WzError } from '../errors.ts';

export const MAX_REDIRECT_URIS = 10;
export const MAX_REDIRECT_URI_LENGTH = 2000;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1']);
/** A DNS host name in canonical (lower-case, ASCII/punycode) form. */
const HOST = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

export interface RedirectUriRules {
  /** Development mode: also accept `http://localhost[:port]/…` and `http://127.0.0.1[:port]/…`. */
  readonly allowLoopbackHttp: boolean;
}

function bad(message: string, index?: number): WzError {
  return new WzError('invalid_redirect_uri', index === undefined ? message : `redirectUris[${index}]: ${message}`);
}

/** Parses one redirect URI; returns its URL. */
export function checkRedirectUri(uri: unknown, rules: RedirectUriRules, index?: number): URL {
  if (typeof uri !== 'string' || uri.length === 0) throw bad('must be a non-empty string', index);
  if (uri.length > MAX_REDIRECT_URI_LENGTH) throw bad(`must be at most ${MAX_REDIRECT_URI_LENGTH} characters`, index);
  if (/[\s\u0000-\u001f\u007f]/.test(uri)) throw bad('must not contain white space or control characters', index);
  if (uri.includes('#')) throw bad('must not contain a fragment (OIDC Core §3.1.2.1)', index);
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw bad('must be an absolute URI', index);
  }
  if (url.username !== '' || url.password !== '') throw bad('must not contain a user name or password', index);
  if (url.protocol === 'https:') {
    if (url.hostname === '') throw bad('must name a host', index);
    return url;
  }
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) {
    if (rules.allowLoopbackHttp) return url;
    throw bad('http://localhost and http://127.0.0.1 are accepted in development mode only; use https', index);
  }
  throw bad('must use https (http only to localhost or 127.0.0.1, in development mode)', index);
}

/**
 * Validates the whole list (exact strings are kept as given).
 * @throws WzError `invalid_redirect_uri`.
 */
export function checkRedirectUris(uris: unknown, rules: RedirectUriRules): string[] {
  if (!Array.isArray(uris) || uris.length === 0) throw bad('at least one redirect URI is required');
  if (uris.length > MAX_REDIRECT_URIS) throw bad(`at most ${MAX_REDIRECT_URIS} redirect URIs`);
  const seen = new Set<string>();
  uris.forEach((u, i) => {
    checkRedirectUri(u, rules, i);
    if (seen.has(u as string)) throw bad('repeats an earlier redirect URI', i);
    seen.add(u as string);
  });
  return [...(uris as string[])];
}

/**
 * Canonical form of an explicit sector identifier: a host name, given as a host or as an https
 * URL with nothing but a host (`https://example.cn`, `https://example.cn/`).
 * @throws WzError `invalid_sector_identifier`.
 */
export function parseSectorIdentifier(input: unknown): string {
  const badSector = new WzError('invalid_sector_identifier', 'sectorIdentifier must be a host name (e.g. "example.cn") or an https URL of only a host.');
  if (typeof input !== 'string' || input.length === 0 || input.length > 300) throw badSector;
  let url: URL;
  try {
    url = new URL(input.includes('://') ? input : `https://${input}`);
  } catch {
    throw badSector;
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.port || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) throw badSector;
  const host = url.hostname;
  if (!HOST.test(host)) throw badSector;
  return host;
}

/**
 * The sector of an RP (OIDC Core §8.1): the explicit one if given, else the single host of all
 * redirect URIs (ports ignored: they do not separate sectors).
 * @throws WzError `invalid_sector_identifier` when the redirect URIs span several hosts and no
 *         sector was given.
 */
export function deriveSectorIdentifier(redirectUris: readonly string[], explicit?: string | null): string {
  if (explicit !== undefined && explicit !== null) return parseSectorIdentifier(explicit);
  const hosts = new Set(redirectUris.map((u) => new URL(u).hostname));
  if (hosts.size !== 1) {
    throw new WzError(
      'invalid_sector_identifier',
      `The redirect URIs span ${hosts.size} hosts; register a sectorIdentifier (OIDC Core §8.1) so the application identifiers do not depend on which host is used.`,
    );
  }
  return [...hosts][0]!;
}
