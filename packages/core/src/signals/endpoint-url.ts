/**
 * Which URLs may carry signals: SSF 1.0 §7.1 requires HTTP over TLS for the issuer, the JWKS
 * and the management endpoints, and RFC 8935 pushes SETs to a receiver only over TLS. Plain
 * `http` is allowed only for the loopback host names — `localhost`, `127.0.0.1`, `[::1]` —
 * and only when the caller says so (development, tests).
 *
 * Trust: the input is untrusted text. This is a syntactic check: it cannot see what a host
 * name resolves to, so the code that POSTs to a push URL must still refuse private and
 * loopback addresses in production (SSRF).
 */

export interface EndpointUrlOptions {
  /** Accept `http://localhost`, `http://127.0.0.1` and `http://[::1]` (any port). Off by default. */
  allowInsecureLocalhost?: boolean;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Null when `value` is an acceptable endpoint URL, otherwise a short safe reason (it never
 * echoes the URL). Refused: not absolute, not https (beyond the loopback exception),
 * credentials in the URL, a fragment.
 */
export function endpointUrlProblem(value: string, o: EndpointUrlOptions = {}): string | null {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (u.username !== '' || u.password !== '') return 'must not contain credentials';
  if (u.hash !== '' || value.includes('#')) return 'must not contain a fragment';
  if (u.protocol === 'https:') return null;
  if (u.protocol === 'http:' && o.allowInsecureLocalhost === true && LOOPBACK.has(u.hostname)) return null;
  return 'must use https';
}
