/**
 * The benchmarks' HTTP client: the part of `fetch` the load needs (method, headers, a string
 * body; status, headers and `Set-Cookie`, the body as JSON, text or bytes), over `node:http`
 * with keep-alive connections. Redirects are never followed (the load reads `Location` itself).
 *
 * Why not `fetch`: on this 2-core machine the load shares the cores with the platform under test,
 * so what the load spends is taken from the platform. Node's `fetch` (undici, WHATWG streams and
 * Headers, an AbortSignal timer per call) cost the load most of its CPU per verification
 * (docs/benchmarks.md, "Issue 10, fifth session"); a plain request does the same exchange on the
 * wire. Plain `http:` only: the benchmarks talk to local processes.
 */
import http from 'node:http';

export interface LeanResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null; getSetCookie(): string[] };
  json(): Promise<unknown>;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface LeanInit {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Only `manual` is supported: redirects are never followed. */
  readonly redirect?: 'manual';
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One request; the whole body is read before the promise resolves. */
export function leanFetch(url: string | URL, init: LeanInit = {}): Promise<LeanResponse> {
  const u = typeof url === 'string' ? new URL(url) : url;
  if (u.protocol !== 'http:') return Promise.reject(new Error(`bench http: only http: URLs (${u.protocol})`));
  const headers: Record<string, string | number> = { ...init.headers };
  if (init.body !== undefined) headers['content-length'] = Buffer.byteLength(init.body);
  return send(u, init, headers, false);
}

/**
 * A kept-alive connection the server closed (its keep-alive timeout) while this process was busy
 * is still in the pool when the next request picks it: that request fails with ECONNRESET before
 * any response. The server never read it, so it is sent again, once, on a connection of its own (the pool's other
 * idle connections may be as stale) — as
 * Node's documentation of `request.reusedSocket` advises. Any other failure is the caller's.
 */
function send(u: URL, init: LeanInit, headers: Record<string, string | number>, retried: boolean): Promise<LeanResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ agent: retried ? false : agent, host: u.hostname, port: u.port, path: u.pathname + u.search, method: init.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        const status = res.statusCode ?? 0;
        resolve({
          ok: status >= 200 && status < 300,
          status,
          headers: {
            get: (name) => {
              const v = res.headers[name.toLowerCase()];
              return v === undefined ? null : Array.isArray(v) ? v.join(', ') : String(v);
            },
            getSetCookie: () => res.headers['set-cookie'] ?? [],
          },
          json: async () => JSON.parse(text) as unknown,
          text: async () => text,
          arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
        });
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!retried && req.reusedSocket && err.code === 'ECONNRESET') send(u, init, headers, true).then(resolve, reject);
      else reject(err);
    });
    req.end(init.body);
  });
}

/**
 * `leanFetch` where a `fetch` is expected (the wallet's PlatformClient): only the subset above is
 * used there. What it leaves out, on purpose: `signal` is ignored (the wallet client's 30 s
 * timeout does not apply: a request to a local process that hangs hangs the benchmark), and
 * `redirect` is always `manual` (a 3xx comes back as it is).
 * Anything else it cannot carry — a `Request`, `Headers`, a non-string body — is refused.
 */
export const leanFetchAsFetch = ((input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  if (input instanceof Request) return Promise.reject(new Error('bench http: a Request object is not supported'));
  const h = init?.headers;
  if (h !== undefined && (h instanceof Headers || Array.isArray(h))) return Promise.reject(new Error('bench http: headers must be a plain object'));
  if (init?.body !== undefined && init.body !== null && typeof init.body !== 'string') return Promise.reject(new Error('bench http: the body must be a string'));
  return leanFetch(input, { ...(init?.method ? { method: init.method } : {}), ...(h ? { headers: h as Record<string, string> } : {}), ...(typeof init?.body === 'string' ? { body: init.body } : {}) }) as unknown as Promise<Response>;
}) as typeof fetch;

/**
 * What the load uses: `leanFetch`, or Node's `fetch` with `BENCH_HTTP=fetch` (the client of the
 * benchmarks before 2026-12-02's fifth session, to reproduce their figures).
 */
export const useFetch = process.env['BENCH_HTTP'] === 'fetch';
export const loadFetch: typeof fetch = useFetch ? (input, init) => fetch(input, init) : leanFetchAsFetch;
