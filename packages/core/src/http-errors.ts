/**
 * Maps any thrown value to a safe HTTP answer. Framework-agnostic, so the platform and the
 * registry simulator answer errors the same way: `{ error: <stable code>, message: <safe text> }`.
 *
 * Trust: only a `WzError`'s own message is considered client-safe. Anything else (a driver
 * error, a bug) becomes a 500 `internal_error` with a fixed message; its text goes to the
 * log as `detail` and never to the client. Framework errors for malformed requests are
 * recognised by their `code` and answered as the 4xx they are.
 */
import type { z } from 'zod';
import { CodedError, WzError, type ErrorCode } from './errors.ts';

export interface ErrorResponse {
  status: number;
  body: { error: string; message: string };
  /** For the log line only. Never contains request data. */
  detail?: string;
  /** Seconds for a `Retry-After` header, when the error carries them. */
  retryAfterS?: number;
}

interface FrameworkError {
  code?: unknown;
  statusCode?: unknown;
  name?: unknown;
  issues?: unknown;
}

/** Fastify / avvio / content-type-parser error codes that mean "the client sent something bad". */
const FRAMEWORK_CODES: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', message: 'request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'invalid_request', message: 'unsupported content type; send application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_request', message: 'content-length does not match the body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_json', message: 'request body is empty; send a JSON object' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', message: 'request body is not valid JSON' },
  FST_ERR_VALIDATION: { code: 'invalid_request', message: 'request does not match the schema' },
};

/**
 * Any thrown value as a `WzError`: a `WzError` as it is; a framework's "the client sent
 * something bad" as the 4xx it is; anything else (a driver error, a bug) as a 500
 * `internal_error` with a fixed message and the original only in the private detail.
 */
export function toWzError(err: unknown): WzError {
  if (err instanceof WzError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as FrameworkError;
  if (typeof e.code === 'string' && e.code in FRAMEWORK_CODES) {
    const m = FRAMEWORK_CODES[e.code]!;
    return new WzError(m.code, m.message, { detail: e.code });
  }
  if (e instanceof SyntaxError || e.name === 'SyntaxError') return new WzError('invalid_json', 'request body is not valid JSON');
  if (e.name === 'ZodError' && Array.isArray(e.issues)) return new WzError('invalid_request', describeIssues(e.issues));
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code: ErrorCode = status === 404 ? 'not_found' : status === 405 ? 'method_not_allowed' : status === 413 ? 'payload_too_large' : 'invalid_request';
    return new WzError(code, 'the request could not be processed', { status, detail: String(e.code ?? e.name ?? '') });
  }
  return new WzError('internal_error', 'internal error; the incident was logged', {
    detail: err instanceof Error ? `${err.name}: ${err.message}` : 'non-error thrown',
  });
}

/** Any thrown value as the JSON API's answer: `{ error, message }` and the status. */
export function toErrorResponse(err: unknown): ErrorResponse {
  const e = err instanceof CodedError ? err : toWzError(err);
  return { status: e.status, body: e.toJSON(), ...(e.detail ? { detail: e.detail } : {}), ...(e.retryAfterS !== undefined ? { retryAfterS: e.retryAfterS } : {}) };
}

/**
 * A safe one-line description of schema issues: names the fields and what was expected,
 * never echoes the submitted values.
 */
export function describeIssues(issues: unknown[]): string {
  const parts = issues.slice(0, 5).map((raw) => {
    const i = raw as { path?: unknown[]; message?: string; code?: string };
    const path = Array.isArray(i.path) && i.path.length > 0 ? i.path.join('.') : 'body';
    // zod messages describe the expectation ("Too big: expected string to have <=8 characters"),
    // not the input, so they are safe to pass on.
    return `${path}: ${i.message ?? i.code ?? 'invalid'}`;
  });
  return `invalid request: ${parts.join('; ')}${issues.length > 5 ? ` (+${issues.length - 5} more)` : ''}`;
}

/** Validates a request body; a failure is 400 `invalid_request` naming fields, never values. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body);
  if (!r.success) throw new WzError('invalid_request', describeIssues(r.error.issues));
  return r.data;
}
