/**
 * The OIDC tests' platform: the enrollment harness's, except that the issuer is the URL the
 * platform really listens on (`http://127.0.0.1:<port>`), so a standard client can discover it
 * and compare `iss` exactly. The port is chosen before the platform is built, because the issuer
 * is part of its configuration. Also: relying parties registered and approved through the
 * service, and small helpers every OIDC suite needs (the authorize page's reference and cookie,
 * polling the status endpoint as the page's script does).
 */
import type { RpCategory } from '@wangzheng/core/rp/types';
import type { TestEngine } from '../support/engines.ts';
import { startPlatform, type Harness, type SharedRegistry } from '../enrollment/harness.ts';

export { deviceKey, startRegistry, ADULT, VALID_DOC, type Harness, type RegistryPerson, type SharedRegistry } from '../enrollment/harness.ts';

/** The platform with its issuer = its listen URL (see the enrollment harness's `issuerIsListenUrl`). */
export async function startOidcPlatform(engine: TestEngine, registry: SharedRegistry, opts: { now?: () => number } = {}): Promise<Harness> {
  return startPlatform(engine, registry, { issuerIsListenUrl: true, ...(opts.now ? { now: opts.now } : {}) });
}

export interface TestRp {
  clientId: string;
  secret: string;
  redirectUri: string;
}

/** An RP applied for and approved through the service: client_secret_basic, or private_key_jwt with `jwks`. */
export async function registerRp(
  h: Harness,
  o: { category: RpCategory; uscc: string; alg: 'SM2' | 'ES256'; host: string; name?: string; purpose?: string; scopes?: Record<string, string>; approve?: string[]; jwks?: { keys: object[] } },
): Promise<TestRp> {
  const s = h.platform.rp.service;
  const redirectUri = `https://${o.host}/oidc/callback`;
  const r = await s.apply({
    name: o.name ?? `${o.host} 测试机构`,
    uscc: o.uscc,
    contactEmail: 'identity@example.cn',
    category: o.category,
    purpose: o.purpose ?? '登录时核验您的身份',
    redirectUris: [redirectUri],
    tokenEndpointAuthMethod: o.jwks ? 'private_key_jwt' : 'client_secret_basic',
    ...(o.jwks ? { jwks: o.jwks } : {}),
    idTokenSigningAlg: o.alg,
    scopes: o.scopes ?? {},
  });
  await s.approve(r.clientId, 'admin:test', { scopes: o.approve ?? [], legalBasis: Object.fromEntries((o.approve ?? []).map((x) => [x, `法规依据 ${x}`])) });
  return { clientId: r.clientId, secret: r.clientSecret ?? '', redirectUri };
}

export function basic(rp: TestRp): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(rp.clientId)}:${encodeURIComponent(rp.secret)}`).toString('base64')}`;
}

/** What the browser gets from GET /oauth/authorize: the page's reference and the browser cookie. */
export interface OpenedPage {
  status: number;
  html: string;
  ref: string;
  cookie: string;
  headers: Headers;
}

export async function openAuthorizePage(url: URL | string): Promise<OpenedPage> {
  const res = await fetch(url, { redirect: 'manual' });
  const html = await res.text();
  const ref = /data-ref="([A-Za-z0-9_-]{22})"/.exec(html)?.[1] ?? '';
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { status: res.status, html, ref, cookie, headers: res.headers };
}

/** Polls the status endpoint as the page's script does, until it names a redirect. */
export async function pollForRedirect(h: Harness, page: OpenedPage, timeoutMs = 10_000): Promise<URL> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${h.url}/oauth/authorize/status?ref=${page.ref}`, { headers: { cookie: page.cookie } });
    const body = (await res.json()) as { status: string; redirect?: string };
    if (body.redirect) return new URL(body.redirect);
    if (body.status !== 'pending') throw new Error(`status ${res.status}: ${JSON.stringify(body)}`);
    if (Date.now() > deadline) throw new Error('the person never answered');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The claims of a JWS, unverified (tests only). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function headerOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}
