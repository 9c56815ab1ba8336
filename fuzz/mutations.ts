/**
 * The fuzz run's request generators: for one route and one request number, a malformed request.
 *
 * Deterministic: request `n` of a run with seed `s` is always the same request (its own PRNG,
 * seeded from both), so a failure is reproduced with `FUZZ_SEED=s` and its number alone. Routes
 * are taken in turn (request n → route n mod count), so every route gets an even share; the
 * mutation family is drawn at random. About one request in twenty is written straight to a
 * socket (`raw`): what an HTTP client library refuses to send (invalid request lines, bad
 * `content-length`, smuggling shapes, bytes that are not HTTP at all).
 *
 * Nothing here knows what a route should answer; checks.ts judges the answers.
 */
import { FORM_BODIES, QUERY_SAMPLES, validJsonBody } from './bodies.ts';
import { routeKey, type Route } from './routes.ts';
import { mulberry32 } from '../test/support/seeded.ts';

/** Credentials the run obtained from the platform before fuzzing, used on a share of requests. */
export interface FuzzContext {
  readonly rpBasic?: string;
  readonly clientId?: string;
  readonly adminBearer?: string;
  readonly enrollment?: { id: string; token: string };
}

export interface FuzzRequest {
  readonly n: number;
  /** The targeted route (`METHOD pattern`). */
  readonly route: string;
  readonly family: string;
  /** A short description of the mutation (never the whole body). */
  readonly desc: string;
  readonly method: string;
  /** Path and query as sent. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: Buffer;
  /** Send the body in chunks without a content-length. */
  readonly chunked?: boolean;
  /** When set, these bytes are written to a fresh socket instead (not an HTTP client request). */
  readonly raw?: Buffer;
}

/** mulberry32 over a seed mixed from the run's seed and the request number. */
export function prng(seed: number, n: number): () => number {
  return mulberry32(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(n + 1, 0xc2b2ae35));
}

type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const BODY_LIMIT = 64 * 1024;

/** Junk for one path parameter: [description, already-encoded text]. */
const PARAM_JUNK: readonly [string, string][] = [
  ['empty', ''],
  ['NUL', '%00'],
  ['bad escape %ZZ', '%ZZ'],
  ['lone %', '%'],
  ['dot-dot slash', '..%2f..%2f..%2fetc%2fpasswd'],
  ['dot-dot', '..'],
  ['overlong UTF-8', '%C0%AF'],
  ['invalid UTF-8', '%FF%FE%FD'],
  ['RTL override', '%E2%80%AE'],
  ['unicode', encodeURIComponent('网证🙂')],
  ['long 200', 'a'.repeat(200)],
  ['long 5000', 'b'.repeat(5000)],
  ['long 60000', 'c'.repeat(60_000)],
  ['SQL-ish', encodeURIComponent("' OR 1=1 --")],
  ['uuid-shaped', '00000000-0000-0000-0000-000000000000'],
  ['__proto__', '__proto__'],
  ['constructor', 'constructor'],
  ['encoded slash', 'a%2Fb'],
  ['CRLF', '%0D%0Aset-cookie:%20x=1'],
  ['number', '-1e309'],
];

const QUERY_JUNK: readonly [string, string][] = [
  ['bad escape', 'a=%ZZ&b=%'],
  ['repeated', 'limit=1&limit=2&limit=x&state=a&state=b'],
  ['huge value', `limit=${'9'.repeat(6000)}`],
  ['array brackets', 'limit[]=1&after[a][b]=2'],
  ['__proto__', '__proto__[x]=1&constructor[prototype][y]=2'],
  ['NUL', 'a=%00&limit=%00'],
  ['empty pairs', '&&&=&=='],
  ['negative/float', 'limit=-1&after=1.5e400'],
  ['many params', Array.from({ length: 2000 }, (_, i) => `p${i}=${i}`).join('&')],
  ['invalid UTF-8', 'state=%C3%28&limit=%FF'],
  ['RTL', `state=${encodeURIComponent('\u202Epending')}`],
];

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'FUZZ', 'CONNECT'];

const CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'multipart/form-data',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/json;;;charset',
  'application/jsonx',
  'application/x-www-form-urlencoded',
  'application/*',
  '*/*',
  '',
  'application/json, text/plain',
  'application/ld+json',
];

const JUNK_STRINGS: readonly [string, unknown][] = [
  ['NUL', 'a\u0000b'],
  ['RTL marks', '\u202E\u200F\u202Dabc'],
  ['long string', 'x'.repeat(40_000)],
  ['lone surrogate', '\uD800'],
  ['control chars', '\u0001\u0007\u001b[31m'],
  ['emoji', '🙂'.repeat(100)],
];

const WRONG_VALUES: readonly [string, unknown][] = [
  ['null', null],
  ['number', 123],
  ['huge number', 1e308],
  ['negative', -1],
  ['float', 0.5],
  ['bool', true],
  ['string', 'str'],
  ['empty string', ''],
  ['array', []],
  ['array of junk', [null, {}, [], 1]],
  ['object', {}],
  ['nested object', { a: { b: { c: 1 } } }],
  ...JUNK_STRINGS,
];

function deep(depth: number, open: string, close: string): string {
  return open.repeat(depth) + close.repeat(depth);
}

/** Bodies that are not what a JSON route expects: [description, bytes, content type]. */
function bodyJunk(r: Rng, valid: Record<string, unknown> | undefined): [string, Buffer, string] {
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  const base = valid ?? { a: 1 };
  const text = JSON.stringify(base);
  const keys = Object.keys(base);
  switch (Math.floor(r() * 16)) {
    case 0:
      return ['invalid JSON', Buffer.from(pick(r, ['{', '{"a":', "{'a':1}", 'nul', '[1,]', '{"a":1}}', 'NaN', '"\\u12"', '\ufeff{}', '{"a":01}'])), 'application/json'];
    case 1: {
      const cut = 1 + Math.floor(r() * Math.max(1, text.length - 1));
      return [`truncated JSON at ${cut}`, Buffer.from(text.slice(0, cut)), 'application/json'];
    }
    case 2: {
      const d = pick(r, [100, 1000, 10_000, 30_000]);
      return [`nested arrays ×${d}`, Buffer.from(deep(d, '[', ']')), 'application/json'];
    }
    case 3: {
      const d = pick(r, [100, 1000, 5000]);
      return [`nested objects ×${d}`, Buffer.from('{"a":'.repeat(d) + '1' + '}'.repeat(d)), 'application/json'];
    }
    case 4:
      return ['huge numbers', Buffer.from(`{"${keys[0] ?? 'a'}":1e999999,"b":-123456789012345678901234567890,"c":0.${'1'.repeat(5000)}}`), 'application/json'];
    case 5:
      return [
        'prototype keys',
        Buffer.from(pick(r, [`{"__proto__":{"isAdmin":true},${text.slice(1)}`, `{"constructor":{"prototype":{"x":1}},${text.slice(1)}`, `${text.slice(0, -1)}${keys.length ? ',' : ''}"__proto__":null}`])),
        'application/json',
      ];
    case 6:
    case 7: {
      const k = keys.length > 0 ? pick(r, keys) : 'a';
      const [d, w] = pick(r, WRONG_VALUES);
      return [`field ${k}: ${d}`, json({ ...base, [k]: w }), 'application/json'];
    }
    case 8: {
      const k = keys.length > 0 ? pick(r, keys) : 'a';
      const bad = Buffer.from(pick(r, [[0xc3, 0x28], [0xff, 0xfe], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xe2, 0x82]]));
      return [`field ${k}: invalid UTF-8 bytes`, Buffer.concat([Buffer.from(`${text.slice(0, -1)}${keys.length ? ',' : ''}"${k}":"`), bad, Buffer.from('"}')]), 'application/json'];
    }
    case 9:
      return ['empty body, JSON type', Buffer.alloc(0), 'application/json'];
    case 10:
      return ['form body on JSON route', Buffer.from(new URLSearchParams(Object.entries(base).map(([k, v]): [string, string] => [k, String(v)])).toString()), 'application/x-www-form-urlencoded'];
    case 11: {
      const ct = pick(r, CONTENT_TYPES);
      return [`content-type ${JSON.stringify(ct)}`, Buffer.from(text), ct];
    }
    case 12: {
      const size = pick(r, [BODY_LIMIT + 1, BODY_LIMIT * 2, 1024 * 1024]);
      return [`oversized body ${size} B`, Buffer.from(`{"a":"${'x'.repeat(size)}"}`), 'application/json'];
    }
    case 13:
      return ['top level not an object', Buffer.from(pick(r, ['[]', '1', '"s"', 'null', 'true', '[{}]'])), 'application/json'];
    case 14:
      return ['unknown extra field', json({ ...base, ['x'.repeat(pick(r, [1, 300]))]: 1 }), 'application/json'];
    default: {
      const k = keys.length > 0 ? pick(r, keys) : 'a';
      return ['duplicate keys', Buffer.from(`{"${k}":1,"${k}":"two","${k}":null}`), 'application/json'];
    }
  }
}

/** Headers that are wrong in themselves: [description, headers]. */
function headerJunk(r: Rng, ctx: FuzzContext): [string, Record<string, string>] {
  const b64 = (s: string) => Buffer.from(s, 'latin1').toString('base64');
  switch (Math.floor(r() * 13)) {
    case 0:
      return ['Basic garbage base64', { authorization: `Basic ${pick(r, ['!!!!', '====', 'a', 'YQ', '%%%', '\u00ff\u00fe'])}` }];
    case 1:
      return ['Basic without colon', { authorization: `Basic ${b64(pick(r, ['nocolon', ctx.clientId ?? 'rp_x', '']))}` }];
    case 2:
      return ['Basic wrong secret', { authorization: `Basic ${b64(`${ctx.clientId ?? 'rp_x'}:${pick(r, ['', 'wrong', 'x'.repeat(500), ':::', '\u00e9'])}`)}` }];
    case 3:
      return ['Bearer junk', { authorization: `Bearer ${pick(r, ['', 'x', 'a.b.c', 'eyJhbGciOiJub25lIn0.e30.', '..', '\u00ff'.repeat(10), 'A'.repeat(130)])}` }];
    case 4:
      return ['huge authorization', { authorization: `Bearer ${'A'.repeat(pick(r, [4000, 12_000]))}` }];
    case 5:
      return ['unknown auth scheme', { authorization: pick(r, ['Digest x', 'Basic', 'Bearer', 'Negotiate YII=', 'basic Og==', ' ', 'Bearer  two  spaces']) }];
    case 6:
      return ['junk cookies', { cookie: pick(r, ['=;=;=', 'wz_console=%ZZ', `wz_console=${'a'.repeat(3000)}`, 'a=1; a=2; a=3', '__proto__=x', 'wz_console="unterminated', 'wz_console=a.b.c']) }];
    case 7:
      return ['x-request-id junk', { 'x-request-id': pick(r, ['', 'x'.repeat(5000), '../../etc', '\u00ff\u00fe', '<script>', '{"a":1}', 'id with spaces']) }];
    case 8:
      return ['origin junk', { origin: pick(r, ['null', 'http://', 'javascript:alert(1)', 'x'.repeat(3000), '*', 'http://evil.example']) }];
    case 9:
      return ['accept junk', { accept: pick(r, ['*/*;q=x', 'text/html', 'application/json;q=0', '', 'x'.repeat(2000)]), 'accept-encoding': pick(r, ['gzip;q=nope', 'br, zstd', 'identity;q=0']) }];
    case 10:
      return ['many headers', Object.fromEntries(Array.from({ length: 90 }, (_, i) => [`x-fuzz-${i}`, 'v'.repeat(50)]))];
    case 11:
      return ['forwarded junk', { 'x-forwarded-for': pick(r, ['1.1.1.1, 2.2.2.2', 'not-an-ip', '::1'.repeat(200)]), 'x-forwarded-proto': 'gopher', forwarded: 'for=;by=' }];
    default:
      return ['if-none-match junk', { 'if-none-match': pick(r, ['*', '"x"', 'W/"', 'x'.repeat(4000)]), range: 'bytes=-1-2' }];
  }
}

/** Bytes for a fresh socket: [description, bytes]. `target` is an encoded path of the route. */
function rawJunk(r: Rng, target: string, ctx: FuzzContext): [string, Buffer] {
  const crlf = '\r\n';
  const head = (first: string, lines: string[], body = '') => Buffer.from([first, 'host: localhost', ...lines, 'connection: close', '', body].join(crlf), 'latin1');
  switch (Math.floor(r() * 14)) {
    case 0:
      return ['random bytes', Buffer.from(Array.from({ length: 1 + Math.floor(r() * 600) }, () => Math.floor(r() * 256)))];
    case 1:
      return ['HTTP/9.9', head(`GET ${target} HTTP/9.9`, [])];
    case 2:
      return ['raw unicode path', Buffer.concat([Buffer.from('GET '), Buffer.from(`${target}/网证\u202E`, 'utf8'), Buffer.from(` HTTP/1.1${crlf}host: x${crlf}connection: close${crlf}${crlf}`)])];
    case 3:
      return ['bad content-length', head(`POST ${target} HTTP/1.1`, [`content-length: ${pick(r, ['abc', '-1', '1,2', '99999999999999999999', ' 3', '0x10', '1.5'])}`, 'content-type: application/json'], '{}')];
    case 4:
      return ['content-length shorter than body', head(`POST ${target} HTTP/1.1`, ['content-length: 2', 'content-type: application/json'], '{}GARBAGE / HTTP/1.1\r\n\r\n')];
    case 5:
      return ['content-length and chunked', head(`POST ${target} HTTP/1.1`, ['content-length: 4', 'transfer-encoding: chunked', 'content-type: application/json'], `0${crlf}${crlf}`)];
    case 6:
      return ['bad chunk size', head(`POST ${target} HTTP/1.1`, ['transfer-encoding: chunked', 'content-type: application/json'], `zz${crlf}{}${crlf}0${crlf}${crlf}`)];
    case 7:
      return ['header without colon', head(`GET ${target} HTTP/1.1`, ['this is not a header'])];
    case 8:
      return ['obs-fold header', head(`GET ${target} HTTP/1.1`, ['x-a: 1', ' folded: 2'])];
    case 9:
      return ['HTTP/2 preface', Buffer.from(`PRI * HTTP/2.0${crlf}${crlf}SM${crlf}${crlf}`)];
    case 10:
      return ['header too large', head(`GET ${target} HTTP/1.1`, [`x-big: ${'a'.repeat(20_000)}`])];
    case 11:
      return ['lowercase method', head(`${pick(r, ['get', 'post', 'Get'])} ${target} HTTP/1.1`, [])];
    case 12:
      return ['NUL in header value', head(`GET ${target} HTTP/1.1`, [`authorization: Bearer a\u0000b`, `x-request-id: a\u0000`])];
    default:
      return [
        'pipelined valid + junk',
        Buffer.concat([head(`GET ${target} HTTP/1.1`, ctx.adminBearer ? [`authorization: Bearer ${ctx.adminBearer}`] : []).subarray(0, -2 - 'connection: close'.length - 2), Buffer.from(`${crlf}\u0000\u0001 / HTTP/1.1${crlf}${crlf}`)]),
      ];
  }
}

/** The route's path with each parameter filled: sometimes a real id from the context, else a plausible one. */
function fillPath(r: Rng, route: Route, ctx: FuzzContext, junk?: [number, string]): string {
  let i = 0;
  return route.path.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) => {
    const at = i++;
    if (junk && junk[0] === at) return junk[1];
    if (name === 'clientId' && ctx.clientId && r() < 0.5) return ctx.clientId;
    if (name === 'id' && ctx.enrollment && route.path.startsWith('/v1/enrollments') && r() < 0.6) return ctx.enrollment.id;
    if (name === 'name') return pick(r, ['index.html', 'app.js', 'missing.css', 'x']);
    return pick(r, ['x', 'rp_aaaaaaaaaaaaaaaaaaaaaa', '0b8e4f6a-3c1d-4e2f-9a7b-5c6d7e8f9a0b', '1']);
  });
}

/** Credentials on a share of requests, so that bodies reach past authentication. */
function credentials(r: Rng, route: Route, ctx: FuzzContext): Record<string, string> {
  if (r() < 0.5) return {};
  if (route.path.startsWith('/v1/admin') && ctx.adminBearer) return { authorization: `Bearer ${ctx.adminBearer}` };
  if (route.path.startsWith('/v1/enrollments/') && ctx.enrollment) return { authorization: `Bearer ${ctx.enrollment.token}` };
  if (/^\/(v1\/rp\/clients|v1\/receipt-requests|v1\/reverifications|ssf\/|oauth\/(token|par))/.test(route.path) && ctx.rpBasic) return { authorization: ctx.rpBasic };
  return {};
}

/** The HTTP families, drawn evenly (body three times: most endpoints are JSON POSTs); `raw` is drawn apart. */
const FAMILIES = ['method', 'param', 'query', 'body', 'body', 'body', 'header', 'chunked'] as const;

/** Request `n` of the run: route `n mod routes.length`, a mutation drawn from `seed` and `n`. */
export function generate(n: number, seed: number, routes: readonly Route[], ctx: FuzzContext): FuzzRequest {
  const route = routes[n % routes.length]!;
  const key = routeKey(route);
  const r = prng(seed, n);
  // One in twenty requests is raw bytes; the rest draw an HTTP family.
  const family = r() < 0.05 ? 'raw' : pick(r, FAMILIES);
  const hasBody = route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH' || route.method === 'DELETE';
  const form = FORM_BODIES[key];
  const valid = validJsonBody(key);
  const query = QUERY_SAMPLES[key];
  let path = fillPath(r, route, ctx);
  if (query && r() < 0.7) path += `?${new URLSearchParams(query).toString()}`;
  const headers: Record<string, string> = { ...credentials(r, route, ctx) };
  let method = route.method;
  let body: Buffer | undefined;
  let desc = '';
  let chunked = false;
  const baseBody = (): void => {
    if (!hasBody) return;
    if (form) {
      body = Buffer.from(new URLSearchParams(form).toString());
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else {
      body = Buffer.from(JSON.stringify(valid ?? {}));
      headers['content-type'] = 'application/json';
    }
  };
  switch (family) {
    case 'method': {
      method = pick(r, METHODS.filter((m) => m !== route.method));
      desc = `method ${method}`;
      if (r() < 0.5) {
        body = Buffer.from(JSON.stringify(valid ?? { a: 1 }));
        headers['content-type'] = 'application/json';
      }
      break;
    }
    case 'param': {
      if (route.params.length > 0) {
        const [d, j] = pick(r, PARAM_JUNK);
        const at = Math.floor(r() * route.params.length);
        path = fillPath(r, route, ctx, [at, j]);
        desc = `param :${route.params[at]} ${d}`;
      } else {
        const [d, j] = pick(r, PARAM_JUNK);
        path = `${route.path.replace(/\/$/, '')}/${j}`;
        desc = `extra path segment ${d}`;
      }
      baseBody();
      break;
    }
    case 'query': {
      const [d, q] = pick(r, QUERY_JUNK);
      path = `${path.split('?')[0]}?${q}`;
      desc = `query ${d}`;
      baseBody();
      break;
    }
    case 'body': {
      if (form && r() < 0.5) {
        const k = pick(r, Object.keys(form));
        const [d, ct, b] = pick(r, [
          ['JSON on a form route', 'application/json', JSON.stringify(form)],
          [`form field ${k} junk`, 'application/x-www-form-urlencoded', `${new URLSearchParams(form).toString()}&${k}=%ZZ&${k}=${'x'.repeat(5000)}`],
          ['form with NUL and RTL', 'application/x-www-form-urlencoded', `${k}=%00%E2%80%AE&${k}=`],
          ['form invalid UTF-8', 'application/x-www-form-urlencoded', `${k}=%C3%28%FF`],
          ['form __proto__', 'application/x-www-form-urlencoded', `__proto__=x&constructor=y&${new URLSearchParams(form).toString()}`],
          ['empty form', 'application/x-www-form-urlencoded', ''],
          ['oversized form', 'application/x-www-form-urlencoded', `${k}=${'x'.repeat(BODY_LIMIT + 10)}`],
        ] as const);
        desc = d;
        headers['content-type'] = ct;
        body = Buffer.from(b);
      } else {
        const [d, b, ct] = bodyJunk(r, valid);
        desc = `body ${d}`;
        body = b;
        if (ct !== '') headers['content-type'] = ct;
      }
      if (!hasBody) desc += ` (on ${route.method})`;
      break;
    }
    case 'header': {
      const [d, h] = headerJunk(r, ctx);
      Object.assign(headers, h);
      desc = `header ${d}`;
      baseBody();
      break;
    }
    case 'chunked': {
      const [d, b, ct] = r() < 0.5 ? bodyJunk(r, valid) : ['valid-looking body', Buffer.from(JSON.stringify(valid ?? {})), 'application/json'];
      body = b;
      chunked = true;
      if (ct !== '') headers['content-type'] = ct;
      desc = `chunked ${d}`;
      break;
    }
    default: {
      const target = path.split('?')[0]!;
      const [d, raw] = rawJunk(r, target.length > 8000 ? target.slice(0, 8000) : target, ctx);
      return { n, route: key, family, desc: `raw ${d}`, method: route.method, path: target, headers: {}, raw };
    }
  }
  return { n, route: key, family, desc, method, path, headers, ...(body !== undefined ? { body } : {}), ...(chunked ? { chunked } : {}) };
}
