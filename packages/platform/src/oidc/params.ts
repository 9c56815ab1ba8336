/**
 * Request parameters, as RFC 6749 §3.1 and §3.2 define them: a parameter sent without a value
 * is treated as omitted; a parameter sent more than once is an error. Bodies of the token and
 * PAR endpoints are `application/x-www-form-urlencoded` (decoded with URLSearchParams: no new
 * dependency), and the authorize endpoint's query comes from Fastify's parser (arrays for
 * repeated names). Nothing here is trusted: it is only shaped.
 */
import { WzError } from '@wangzheng/core/errors';

export const MAX_PARAMS = 32;
const MAX_VALUE = 4096;

export interface Params {
  /** Single-valued, non-empty parameters. */
  readonly values: Readonly<Record<string, string>>;
  /** Names sent more than once (their values are not in `values`). */
  readonly repeated: readonly string[];
}

/** From any parsed object (a Fastify query, a parsed form body). */
export function paramsOf(input: unknown): Params {
  const values: Record<string, string> = {};
  const repeated: string[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { values, repeated };
  const entries = Object.entries(input as Record<string, unknown>);
  if (entries.length > MAX_PARAMS) throw new WzError('invalid_request', `At most ${MAX_PARAMS} parameters.`);
  for (const [k, v] of entries) {
    if (Array.isArray(v)) {
      if (v.filter((x) => x !== '').length > 1) repeated.push(k);
      else if (typeof v.find((x) => x !== '') === 'string') values[k] = v.find((x) => x !== '') as string;
      continue;
    }
    if (typeof v !== 'string' || v === '') continue;
    if (v.length > MAX_VALUE) throw new WzError('invalid_request', `The parameter ${safeName(k)} is too long.`);
    values[k] = v;
  }
  return { values, repeated };
}

/**
 * The form-body parser for the /oauth scope: a flat object of strings, so `clientCredentialsFrom`
 * reads it like a JSON body. A repeated parameter is refused here (RFC 6749 §3.2).
 */
export function parseForm(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  for (const [k, v] of new URLSearchParams(body)) {
    if (++n > MAX_PARAMS) throw new WzError('invalid_request', `At most ${MAX_PARAMS} parameters.`);
    if (v === '') continue;
    if (Object.hasOwn(out, k)) throw new WzError('invalid_request', `The parameter ${safeName(k)} is included more than once (RFC 6749 §3.2).`);
    if (v.length > MAX_VALUE) throw new WzError('invalid_request', `The parameter ${safeName(k)} is too long.`);
    out[k] = v;
  }
  return out;
}

/** A parameter name fit for an error description: short and plain, or not shown. */
export function safeName(k: string): string {
  return /^[a-z_]{1,40}$/.test(k) ? k : '(unnamed)';
}

/** One cookie's value from a `Cookie` header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
