/**
 * Poll-based delivery (RFC 8936): the body a receiver POSTs to its poll endpoint — acks for
 * SETs it processed, errors for SETs it refused, how many new ones it wants — and the
 * response we send back: `{ sets: { <jti>: <SET> }, moreAvailable }`.
 *
 * Trust: the request body is untrusted and only parsed here; whether each acknowledged `jti`
 * belongs to the caller's stream is for the store to check. `err` codes are names from the
 * RFC 8935 error-code registry, but any token is accepted (the registry can grow); a
 * `description` is the receiver's text: stored, never echoed into logs or messages.
 */
import { z } from 'zod';
import { parseBody } from '../http-errors.ts';

/** Security Event Token error codes registered by RFC 8935. */
export const SET_ERROR_CODES = ['invalid_request', 'invalid_key', 'invalid_issuer', 'invalid_audience', 'authentication_failed', 'access_denied'] as const;

/** The most acks or errors one request may carry; the most SETs we return per poll. */
export const MAX_POLL_ITEMS = 1000;

const jti = z.string().regex(/^[A-Za-z0-9._~-]{1,128}$/, 'expected a jti');

export const pollRequestSchema = z.object({
  /** 0 = acknowledge only, return no SETs. Absent = our own limit. */
  maxEvents: z.number().int().min(0).optional(),
  /** Absent = false: the receiver is willing to wait (long poll). */
  returnImmediately: z.boolean().optional(),
  ack: z.array(jti).max(MAX_POLL_ITEMS).optional(),
  setErrs: z
    .record(jti, z.object({ err: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected an error code'), description: z.string().max(1024).optional() }))
    .refine((r) => Object.keys(r).length <= MAX_POLL_ITEMS, `at most ${MAX_POLL_ITEMS} errors`)
    .optional(),
});
export type PollRequest = z.infer<typeof pollRequestSchema>;

/** Parses a poll request body (RFC 8936 §2.1). Failure is 400 `invalid_request`. */
export function parsePollRequest(body: unknown): PollRequest {
  return parseBody(pollRequestSchema, body);
}

/** How many SETs to return for `req`: its `maxEvents`, capped at `limit` (default MAX_POLL_ITEMS). */
export function pollBatchSize(req: PollRequest, limit: number = MAX_POLL_ITEMS): number {
  return Math.min(req.maxEvents ?? limit, limit);
}

export interface PollResponse {
  sets: Record<string, string>;
  moreAvailable: boolean;
}

/**
 * The poll response (RFC 8936 §2.2) for SETs given as `{ jti, token }` pairs.
 * @throws TypeError on a duplicate or malformed jti (our own stored data would be corrupt).
 */
export function pollResponse(items: readonly { jti: string; token: string }[], moreAvailable: boolean): PollResponse {
  const sets: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const { jti: id, token } of items) {
    if (!jti.safeParse(id).success || typeof token !== 'string') throw new TypeError('pollResponse: malformed item');
    if (Object.hasOwn(sets, id)) throw new TypeError('pollResponse: duplicate jti');
    sets[id] = token;
  }
  return { sets: { ...sets }, moreAvailable };
}
