/**
 * Push-based SET delivery (RFC 8935 §2): one HTTP POST of the compact SET with
 * `Content-Type: application/secevent+jwt` and `Accept: application/json`, plus the
 * `Authorization` value the receiver configured. What the answer means here:
 *
 * | answer                                  | result     | why                                        |
 * | --------------------------------------- | ---------- | ------------------------------------------ |
 * | 202 (any 2xx)                           | delivered  | §2.2: the receiver accepted the SET        |
 * | 400 `{ err, description }`              | rejected   | §2.3: this SET is refused; resending the   |
 * |                                         |            | same bytes cannot succeed — `rejected:err` |
 * | 413, 415                                | rejected   | likewise about the request itself          |
 * | any other status, 3xx included          | retry      | 401/403/404 are usually configuration the  |
 * |                                         |            | RP can fix; 429/5xx are transient          |
 * | network error, no answer in `timeoutMs` | retry      | `network`, `timeout`                       |
 * | address not public (production)         | rejected   | `endpoint_not_allowed` (endpoint-guard.ts) |
 *
 * Redirects are not followed (a redirect could lead past the address guard). Only the error
 * code of a 400 body is kept, and only when it has the shape of a registered code: nothing the
 * receiver wrote is logged or stored as text. The token and the Authorization value are never
 * logged.
 */
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { SET_TYP } from '@wangzheng/core/signals/index';
import { ENDPOINT_NOT_ALLOWED, guardedLookup, isPublicAddress, pushHostProblem } from './endpoint-guard.ts';

export type PushResult = { readonly type: 'delivered' } | { readonly type: 'retry'; readonly code: string } | { readonly type: 'rejected'; readonly code: string };

export interface PushTarget {
  readonly url: string;
  readonly authorization?: string | undefined;
}

export interface PushOptions {
  /** The whole exchange, connect to last byte. */
  readonly timeoutMs: number;
  /** Refuse addresses that are not public (production). */
  readonly guard: boolean;
}

export const DEFAULT_PUSH_TIMEOUT_MS = 5_000;
const MAX_ANSWER_BYTES = 4_096;
/** An RFC 8935 error code as we keep it: lower-case letters, digits and `_`. */
const ERR_CODE = /^[a-z][a-z0-9_]{0,40}$/;

export type PushFn = (target: PushTarget, token: string, o: PushOptions) => Promise<PushResult>;

export const pushSet: PushFn = (target, token, o) => {
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    return Promise.resolve({ type: 'rejected', code: 'endpoint_invalid' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return Promise.resolve({ type: 'rejected', code: 'endpoint_invalid' });
  if (o.guard) {
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (pushHostProblem(url) !== null || (isIP(literal) !== 0 && !isPublicAddress(literal))) return Promise.resolve({ type: 'rejected', code: 'endpoint_not_allowed' });
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<PushResult>((resolve) => {
    let settled = false;
    const finish = (r: PushResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const abort = new AbortController();
    const timer = setTimeout(() => {
      finish({ type: 'retry', code: 'timeout' });
      abort.abort();
    }, o.timeoutMs);
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': `application/${SET_TYP}`,
          accept: 'application/json',
          'content-length': Buffer.byteLength(token),
          ...(target.authorization ? { authorization: target.authorization } : {}),
        },
        signal: abort.signal,
        ...(o.guard ? { lookup: guardedLookup } : {}),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_ANSWER_BYTES) chunks.push(c);
          else res.destroy();
        });
        res.on('close', () => finish(classify(status, Buffer.concat(chunks))));
        res.on('error', () => finish(classify(status, Buffer.concat(chunks))));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => {
      finish(e.code === ENDPOINT_NOT_ALLOWED ? { type: 'rejected', code: 'endpoint_not_allowed' } : { type: 'retry', code: abort.signal.aborted ? 'timeout' : 'network' });
    });
    req.end(token);
  });
};

/** What an HTTP answer means (see the table above). */
export function classify(status: number, body: Uint8Array): PushResult {
  if (status >= 200 && status < 300) return { type: 'delivered' };
  if (status === 400) return { type: 'rejected', code: rejectionCode(body) };
  if (status === 413 || status === 415) return { type: 'rejected', code: `http_${status}` };
  if (Number.isInteger(status) && status >= 100 && status < 600) return { type: 'retry', code: `http_${status}` };
  return { type: 'retry', code: 'http_invalid' };
}

/** `rejected:<err>` from an RFC 8935 §2.3 error body, or `http_400` when it has none we can keep. */
export function rejectionCode(body: Uint8Array): string {
  try {
    const parsed = JSON.parse(Buffer.from(body).toString('utf8')) as unknown;
    const err = typeof parsed === 'object' && parsed !== null ? (parsed as { err?: unknown }).err : undefined;
    return typeof err === 'string' && ERR_CODE.test(err) ? `rejected:${err}` : 'http_400';
  } catch {
    return 'http_400';
  }
}
