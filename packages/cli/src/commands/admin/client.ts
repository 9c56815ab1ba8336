/**
 * The operator's HTTP client for the platform's admin API, and the three ways a call ends
 * other than with an answer — each an exit code of `wangzheng admin`:
 * - `AdminUsageError`: bad command-line input or no operator token to be found → exit 2;
 * - `PlatformRefusal`: the platform answered `{ error, message }` (or something that is not
 *   the platform) → exit 1, printed `message [code]`;
 * - `PlatformUnreachable`: nothing answered at all → exit 1, with a hint to start it.
 *
 * Trust: the token is held in a private field and only ever written into the `Authorization`
 * header of a request to the configured base URL: redirects are not followed (fetch would
 * carry the header along), and no message built here contains it. What the platform answers is
 * not believed beyond being JSON; it is shown as text with control characters removed.
 */
import { shown } from '../wallet/me-context.ts';

export class AdminUsageError extends Error {
  constructor(
    message: string,
    /** Print the subcommand's usage after the message. */
    readonly usage = false,
  ) {
    super(message);
    this.name = 'AdminUsageError';
  }
}

/** The platform's refusal: its stable code and safe message (or the CLI's own code for a non-answer). */
export class PlatformRefusal extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'PlatformRefusal';
  }
}

export class PlatformUnreachable extends Error {
  readonly code = 'platform_unreachable';
  constructor(message: string) {
    super(message);
    this.name = 'PlatformUnreachable';
  }
}

const TIMEOUT_MS = 30_000;

export type Query = Record<string, string | number | undefined>;

export class AdminClient {
  readonly baseUrl: string;

  readonly #token: string;

  readonly #fetch: typeof fetch;

  constructor(baseUrl: string, token: string, fetchImpl: typeof fetch = fetch) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#token = token;
    this.#fetch = fetchImpl;
  }

  async get<T>(path: string, query: Query = {}): Promise<T> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
    const qs = q.toString();
    return this.#call<T>('GET', qs ? `${path}?${qs}` : path);
  }

  /** POSTs `body` as JSON; the admin routes that take none are sent `{}`. */
  async post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.#call<T>('POST', path, body);
  }

  /** DELETEs `path`; a 204 answer resolves to undefined. */
  async delete<T = undefined>(path: string): Promise<T> {
    return this.#call<T>('DELETE', path);
  }

  async #call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${this.#token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.#fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (e) {
      if (e instanceof Error && e.name === 'TimeoutError') {
        throw new PlatformUnreachable(`the platform at ${this.baseUrl} did not answer within ${TIMEOUT_MS / 1000} s`);
      }
      throw new PlatformUnreachable(`cannot reach the platform at ${this.baseUrl}: is it running? Start it with \`npm start\`, or point --url (or WZ_PLATFORM_URL) at it`);
    }
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel();
      throw new PlatformRefusal(`${this.baseUrl} answered with a redirect (HTTP ${res.status}); the operator token is not sent on to another address — give the platform's own URL`, 'unexpected_redirect', res.status);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const e = json as { error?: unknown; message?: unknown } | undefined;
      if (e && typeof e.error === 'string') {
        throw new PlatformRefusal(shown(typeof e.message === 'string' ? e.message : `HTTP ${res.status}`), shown(e.error), res.status);
      }
      throw new PlatformRefusal(`${this.baseUrl} answered HTTP ${res.status} without an error body: is this the Wangzheng platform?`, 'unexpected_answer', res.status);
    }
    if (res.status === 204) return undefined as T;
    if (json === undefined) {
      throw new PlatformRefusal(`${this.baseUrl} answered HTTP ${res.status} without JSON: is this the Wangzheng platform?`, 'unexpected_answer', res.status);
    }
    return json as T;
  }
}
