/**
 * JSON calls to the platform a page is served from (same origin: CSP connect-src 'self'), for
 * the operator console and the developer portal. Nothing trusts an answer beyond its shape:
 * every failure — the platform's `{ error, message }`, no answer at all, a body that is not
 * JSON — becomes an `ApiError` with a stable code the screens show, never a thrown TypeError.
 * (The web wallet talks through the holder core's PlatformClient instead: shared/api.ts.)
 */

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function apiErrorOf(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError('unexpected', e instanceof Error ? e.message : String(e), 0);
}

export interface JsonRequest {
  readonly method: string;
  readonly body?: unknown;
  /** `same-origin` where a session cookie authenticates (the console), `omit` where none may go (the portal). */
  readonly credentials: RequestCredentials;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The answer's JSON (undefined for a 204), or an ApiError. */
export async function requestJson<T>(path: string, r: JsonRequest): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...r.headers };
  if (r.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method: r.method, credentials: r.credentials, cache: 'no-store', headers, ...(r.body === undefined ? {} : { body: JSON.stringify(r.body) }) });
  } catch (e) {
    throw new ApiError('unreachable', e instanceof Error ? e.message : String(e), 0);
  }
  if (res.status === 204) return undefined as T;
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    throw new ApiError(res.ok ? 'unexpected' : `http_${res.status}`, `HTTP ${res.status}`, res.status);
  }
  if (!res.ok) {
    const o = json as { error?: unknown; message?: unknown } | null;
    const code = typeof o?.error === 'string' ? o.error : `http_${res.status}`;
    throw new ApiError(code, typeof o?.message === 'string' ? o.message : `HTTP ${res.status}`, res.status);
  }
  return json as T;
}
