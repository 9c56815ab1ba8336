/**
 * The two sides of `npm run bench -- peer`, as a browser + relying party back end (+ for ours,
 * the person's wallet) would drive them. Each side is a child process; `login()` does one whole
 * login with a fresh user agent (an empty cookie jar, so no session is reused) and returns only
 * when the token response is in and its id_token's ES256 signature, issuer, audience and nonce
 * have been checked. Anything else throws: the bench reports no figures for broken logins.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { PlatformClient } from '@wangzheng/wallet/enroll/client';
import { answerVerification } from '@wangzheng/wallet/verify';
import { nodeHolder } from '@wangzheng/wallet/holder/node';
import { enrollSamples, type Enrolled } from '../people.ts';
import { loadFetch } from '../http.ts';
import { serverBuildFromEnv, startChild } from '../child.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

/** One side of the comparison: a child process that does logins. */
export interface Side {
  readonly label: string;
  readonly pid: number;
  /** One full login; resolves with its latency in ms. */
  login(): Promise<number>;
  close(): Promise<void>;
}

// Children still running when this process ends (an exception, Ctrl-C) are killed.
const live = new Set<ChildProcess>();
let hooked = false;
function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const c of live) c.kill('SIGKILL');
      process.exit(130);
    });
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(t);
}

/** A minimal browser cookie jar: name + path, path matching, deletion by expiry. */
class CookieJar {
  private readonly cookies = new Map<string, { name: string; value: string; path: string }>();

  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [nv = '', ...attrs] = line.split(';').map((s) => s.trim());
      const eq = nv.indexOf('=');
      if (eq <= 0) continue;
      const name = nv.slice(0, eq);
      const value = nv.slice(eq + 1);
      let path = '/';
      let gone = value === '';
      for (const a of attrs) {
        const [k = '', v = ''] = a.split('=');
        const key = k.toLowerCase();
        if (key === 'path' && v) path = v;
        else if (key === 'max-age' && Number(v) <= 0) gone = true;
        else if (key === 'expires' && Date.parse(v) <= Date.now()) gone = true;
      }
      const id = `${name}\u0000${path}`;
      if (gone) this.cookies.delete(id);
      else this.cookies.set(id, { name, value, path });
    }
  }

  header(url: string): string {
    const p = new URL(url).pathname;
    return [...this.cookies.values()]
      .filter((c) => p === c.path || p.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function fail(what: string, res: Response): Promise<never> {
  throw new Error(`bench peer: ${what} → ${res.status} ${(await res.text()).slice(0, 300)}`);
}

/** The token request and the checks every login ends with, the same on both sides. */
async function redeem(o: {
  tokenUrl: string;
  auth: string;
  code: string;
  redirectUri: string;
  verifier: string;
  jwks: ReturnType<typeof createLocalJWKSet>;
  issuer: string;
  clientId: string;
  nonce: string;
}): Promise<void> {
  const tok = await loadFetch(o.tokenUrl, {
    method: 'POST',
    headers: { authorization: o.auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: o.code, redirect_uri: o.redirectUri, code_verifier: o.verifier }).toString(),
  });
  if (!tok.ok) await fail('token', tok);
  const body = (await tok.json()) as { id_token?: string; access_token?: string };
  if (!body.id_token || !body.access_token) throw new Error(`bench peer: token response without id_token/access_token: ${JSON.stringify(body).slice(0, 300)}`);
  const { payload, protectedHeader } = await jwtVerify(body.id_token, o.jwks, { issuer: o.issuer, audience: o.clientId, algorithms: ['ES256'] });
  if (protectedHeader.alg !== 'ES256') throw new Error(`bench peer: id_token alg ${protectedHeader.alg}`);
  if (payload['nonce'] !== o.nonce) throw new Error('bench peer: id_token nonce mismatch');
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new Error('bench peer: id_token without sub');
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

// ───────────────────────── the peer: oidc-provider ─────────────────────────

export async function startPeer(): Promise<Side> {
  const child = spawn(process.execPath, [join(ROOT, 'bench/peer/oidc-provider-server.mjs')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  track(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += String(d);
  });
  const cfg = await new Promise<{ url: string; clientId: string; clientSecret: string; redirectUri: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench peer: oidc-provider did not start:\n${out}${err}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += String(d);
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.slice(0, nl)));
      } catch (e) {
        reject(new Error(`bench peer: oidc-provider printed ${out.slice(0, nl)}`, { cause: e }));
      }
    });
    child.once('exit', (c) => reject(new Error(`bench peer: oidc-provider exited (${c}):\n${out}${err}`)));
  });
  const discovery = (await (await loadFetch(`${cfg.url}/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string; authorization_endpoint: string; token_endpoint: string };
  const jwks = createLocalJWKSet((await (await loadFetch(discovery.jwks_uri)).json()) as JSONWebKeySet);
  const auth = basic(cfg.clientId, cfg.clientSecret);

  const login = async (): Promise<number> => {
    const t = performance.now();
    const jar = new CookieJar();
    const { verifier, challenge } = pkce();
    const state = randomBytes(12).toString('base64url');
    const nonce = randomBytes(12).toString('base64url');
    const q = new URLSearchParams({ client_id: cfg.clientId, redirect_uri: cfg.redirectUri, response_type: 'code', scope: 'openid', state, nonce, code_challenge: challenge, code_challenge_method: 'S256' });
    // /auth → /interaction/:uid → /auth/:uid → redirect_uri?code
    let url = `${discovery.authorization_endpoint}?${q}`;
    let hops = 0;
    while (!url.startsWith(cfg.redirectUri)) {
      if (++hops > 3) throw new Error(`bench peer: too many redirects (at ${url})`);
      const res = await loadFetch(url, { redirect: 'manual', headers: { cookie: jar.header(url) } });
      jar.take(res);
      const loc = res.headers.get('location');
      if (res.status !== 303 && res.status !== 302) await fail(`GET ${new URL(url).pathname}`, res);
      await res.arrayBuffer();
      if (!loc) throw new Error(`bench peer: ${res.status} without Location at ${url}`);
      url = new URL(loc, url).href;
    }
    if (hops !== 3) throw new Error(`bench peer: expected 3 hops (auth, interaction, resume), saw ${hops}`);
    const back = new URL(url).searchParams;
    const code = back.get('code');
    if (!code || back.get('state') !== state || back.get('iss') !== discovery.issuer) throw new Error(`bench peer: bad authorization response ${url}`);
    await redeem({ tokenUrl: discovery.token_endpoint, auth, code, redirectUri: cfg.redirectUri, verifier, jwks, issuer: discovery.issuer, clientId: cfg.clientId, nonce });
    return performance.now() - t;
  };
  return { label: 'oidc-provider 9.13.3', pid: child.pid!, login, close: () => stop(child) };
}

// ───────────────────────── ours: the platform, intl suite ─────────────────────────

type Person = Enrolled;

/**
 * The platform (`wangzheng start`, SQLite, WZ_SUITE=intl) in a child; a few people enrolled with
 * ES256 device keys; a sandbox RP (client_secret_basic, id_token ES256).
 */
export async function startOurs(holdersN = 8): Promise<Side & { deviceAlg: string; credentialAlg: string; people: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'wz-bench-peer-'));
  let child: ChildProcess | undefined;
  try {
    const started = await startChild(dir, { WZ_SUITE: 'intl' }, undefined, undefined, { build: serverBuildFromEnv() });
    child = started.child;
    track(child);
    const { platformUrl, registryUrl } = started;
    const client = new PlatformClient(platformUrl, loadFetch);
    const { people, refused } = await enrollSamples({ platformUrl, registryUrl, dataDir: dir, count: holdersN, alg: 'ES256', phonePrefix: '138' });
    if (people.length === 0) throw new Error(`bench peer: nobody could be enrolled (${refused.join('; ')})`);
    let credentialAlg = '?';
    try {
      credentialAlg = (JSON.parse(Buffer.from(people[0]!.issued.credential.split('.')[0]!, 'base64url').toString()) as { alg?: string }).alg ?? '?';
    } catch {
      // not a JWS: named as unknown in the report
    }

    const redirectUri = 'http://127.0.0.1:1/cb';
    const rp = await client.post<{ clientId: string; clientSecret: string }>('/v1/rp/sandbox', {
      name: 'bench RP (peer comparison)',
      redirectUris: [redirectUri],
      tokenEndpointAuthMethod: 'client_secret_basic',
      idTokenSigningAlg: 'ES256',
    });
    const auth = basic(rp.clientId, rp.clientSecret);
    const discovery = (await (await loadFetch(`${platformUrl}/.well-known/openid-configuration`)).json()) as { issuer: string };
    // The issuer named in discovery is the configured one; on port 0 the socket is elsewhere, so
    // the endpoints are called on the socket's address and only the issuer value is checked.
    const jwks = createLocalJWKSet((await (await loadFetch(`${platformUrl}/.well-known/jwks.json`)).json()) as JSONWebKeySet);

    let n = 0;
    const login = async (): Promise<number> => {
      const person = people[n++ % people.length]!;
      const t = performance.now();
      const jar = new CookieJar();
      const { verifier, challenge } = pkce();
      const state = randomBytes(12).toString('base64url');
      const nonce = randomBytes(12).toString('base64url');
      const q = new URLSearchParams({ client_id: rp.clientId, redirect_uri: redirectUri, response_type: 'code', scope: 'openid', state, nonce, code_challenge: challenge, code_challenge_method: 'S256' });
      const pageUrl = `${platformUrl}/oauth/authorize?${q}`;
      const page = await loadFetch(pageUrl, { redirect: 'manual' });
      jar.take(page);
      const html = await page.text();
      const ref = /data-ref="([A-Za-z0-9_-]{22})"/.exec(html)?.[1];
      if (page.status !== 200 || !ref) throw new Error(`bench peer: no authorize page (${page.status}) ${html.slice(0, 300)}`);
      const a = await answerVerification(client, { ref, holder: nodeHolder(person.issued.credential, person.key) });
      if (a.status !== 'approved') throw new Error(`bench peer: the wallet's answer was ${a.status}${a.failure ? ` (${a.failure})` : ''}`);
      const statusUrl = `${platformUrl}/oauth/authorize/status?ref=${ref}`;
      const stRes = await loadFetch(statusUrl, { headers: { cookie: jar.header(statusUrl) } });
      if (!stRes.ok) await fail('authorize status', stRes);
      const st = (await stRes.json()) as { redirect?: string };
      const back = st.redirect ? new URL(st.redirect).searchParams : undefined;
      const code = back?.get('code');
      if (!back || !code || back.get('state') !== state) throw new Error(`bench peer: bad authorization response ${JSON.stringify(st)}`);
      await redeem({ tokenUrl: `${platformUrl}/oauth/token`, auth, code, redirectUri, verifier, jwks, issuer: discovery.issuer, clientId: rp.clientId, nonce });
      return performance.now() - t;
    };
    const c = child;
    return {
      label: 'ours (intl)',
      pid: c.pid!,
      login,
      deviceAlg: people[0]!.key.alg,
      people: people.length,
      credentialAlg,
      close: async () => {
        await stop(c);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    if (child) await stop(child);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
