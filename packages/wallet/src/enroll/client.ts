/**
 * The wallet's HTTP client for the platform. Errors from the platform come back as
 * `WzError`s with the platform's stable code and safe message, so the CLI can print them
 * and scripts can branch on them; a transport failure is `registry_unavailable`-like
 * `internal_error` with a message naming the URL, never a body.
 */
import { ERROR_CODES, WzError, type ErrorCode } from '@wangzheng/core/errors';

export class PlatformClient {
  readonly baseUrl: string;
  // The default calls the global `fetch` as a function: browsers refuse it called as a method of another object ("Illegal invocation").
  constructor(baseUrl: string, private readonly fetchImpl: typeof fetch = (input, init) => fetch(input, init)) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async get<T>(path: string, token?: string): Promise<T> {
    return this.#call<T>('GET', path, undefined, token);
  }

  async post<T>(path: string, body: unknown, token?: string): Promise<T> {
    return this.#call<T>('POST', path, body, token);
  }

  async #call<T>(method: string, path: string, body: unknown, token?: string): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await this.fetchImpl(this.baseUrl + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(30_000) });
    } catch (e) {
      throw new WzError('internal_error', `cannot reach the platform at ${this.baseUrl} (is it running?)`, { cause: e });
    }
    const json = (await res.json().catch(() => undefined)) as { error?: string; message?: string } | undefined;
    if (!res.ok) {
      const code = json?.error && json.error in ERROR_CODES ? (json.error as ErrorCode) : 'internal_error';
      throw new WzError(code, json?.message ?? `platform answered ${res.status}`, { status: res.status });
    }
    return json as T;
  }
}
