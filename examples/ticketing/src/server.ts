/**
 * The ticket-booking site: a node:http server with a handful of routes.
 *
 *   GET  /               events                       POST /buy       buy (steps up to 网证+人脸 first)
 *   GET  /login          → the platform (网证)         GET  /callback  back from the platform
 *   GET  /account        what the site knows           POST /logout
 *   GET  /register       real-name registration        POST /register  start it (SDK receipt request)
 *   POST /flag           demo: flag the account (SDK re-verification)
 *   GET  /orders/:id     a booked ticket               GET  /state     the token pages poll
 *   POST /ssf/events     Shared Signals push receiver (RFC 8935)
 *
 * Sessions: a random id in an HttpOnly, SameSite=Lax cookie; every form carries the session's
 * CSRF token. Strict CSP: scripts and styles from this origin only, forms only to this origin and
 * the platform (a POST that steps up is redirected there).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AuthorizationResponseError } from 'openid-client';
import QRCode from 'qrcode';
import { JwksCache } from '@wangzheng/sdk';
import { SCRIPT, STYLE } from './assets.ts';
import { startRegistration, startReview } from './checks.ts';
import { html } from './html.ts';
import { FACE_ACRS, finishAuth, STEP_UP_MAX_AGE, startAuth } from './oidc.ts';
import { accountPage, EVENTS, failureText, homePage, messagePage, orderPage, registerPage, type View } from './pages.ts';
import { connect, type Connected } from './platform.ts';
import { createReceiver, type Receiver } from './signals.ts';
import { newId, Store, type Account, type Session } from './store.ts';

export interface TicketingOptions {
  /** The platform's issuer URL, e.g. http://localhost:8080. */
  issuer: string;
  /** 0: any free port. */
  port: number;
  host?: string;
  /** Where the registration is kept (`demo-ticketing.json`). */
  dataDir: string;
  log?: (line: string) => void;
}

export interface Ticketing {
  url: string;
  clientId: string;
  close(): Promise<void>;
}

const COOKIE = 'tix_sid';

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}
const redirect = (location: string): Reply => ({ status: 303, headers: { location } });
const page = (body: string, status = 200): Reply => ({ status, headers: { 'content-type': 'text/html; charset=utf-8' }, body });
const json = (status: number, body?: unknown): Reply => ({ status, headers: { 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function cookieOf(req: IncomingMessage): string | undefined {
  const m = /(?:^|;\s*)tix_sid=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '');
  return m?.[1];
}

export async function startTicketing(o: TicketingOptions): Promise<Ticketing> {
  const log = o.log ?? ((s: string) => console.log(`ticketing: ${s}`));
  const issuer = o.issuer.replace(/\/+$/, '');
  const store = new Store();
  let platform: Connected | undefined;
  let receiver: Receiver | undefined;
  let origin = '';

  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self'",
    `form-action 'self' ${new URL(issuer).origin}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

  /** The token a waiting page compares: it changes when the login, the registration or the review changes. */
  function stateToken(s: Session | undefined): string {
    const a = s?.sub !== undefined ? store.accounts.get(s.sub) : undefined;
    return [s?.sub !== undefined ? 'in' : 'out', a?.registration?.state ?? '-', a?.review?.state ?? '-'].join('.');
  }
  /** What a page needs; takes the session's one-time notice and flash message. */
  function view(s: Session | undefined): View {
    const v: View = { session: s, issuer, ...(s?.sub !== undefined ? { wait: stateToken(s) } : {}), ...(s?.notice ? { notice: s.notice } : {}), ...(s?.flash ? { flash: s.flash } : {}) };
    if (s) {
      delete s.notice;
      delete s.flash;
    }
    return v;
  }

  async function handle(req: IncomingMessage): Promise<{ reply: Reply; session?: Session }> {
    const url = new URL(req.url ?? '/', origin);
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /style.css') return { reply: { status: 200, headers: { 'content-type': 'text/css; charset=utf-8' }, body: STYLE } };
    if (route === 'GET /app.js') return { reply: { status: 200, headers: { 'content-type': 'text/javascript; charset=utf-8' }, body: SCRIPT } };
    if (!platform || !receiver) return { reply: json(503, { error: 'starting' }) };
    const { oidc, wz } = platform;

    if (route === 'POST /ssf/events') {
      const r = await receiver.receive(req.headers.authorization, await readBody(req, 65_536));
      return { reply: json(r.status, r.body) };
    }

    let session = store.session(cookieOf(req));
    const form = req.method === 'POST' ? new URLSearchParams(await readBody(req, 4_096)) : undefined;
    if (form && session && form.get('csrf') !== session.csrf) return { reply: page(messagePage(view(session), ['请求无效', 'Invalid request'], html`请刷新页面后重试。 <span lang="en">Reload the page and try again.</span>`), 403) };
    const account: Account | undefined = session?.sub !== undefined ? store.account(session.sub) : undefined;
    /** Starts an authorization request: keeps its secrets in the (possibly new) session, sends the browser to the platform. */
    const authorize = async (purpose: { purpose: 'login' } | { purpose: 'buy'; eventId: string }) => {
      const { url: to, pending } = await startAuth(oidc, `${origin}/callback`, purpose);
      session ??= store.newSession();
      session.auth = pending;
      return { reply: redirect(to.href), session };
    };

    switch (route) {
      case 'GET /':
        return { reply: page(homePage(view(session))) };
      case 'GET /state':
        return { reply: { status: 200, headers: { 'content-type': 'text/plain' }, body: stateToken(session) } };
      case 'GET /login':
        return authorize({ purpose: 'login' });
      case 'GET /callback': {
        const pending = session?.auth;
        if (!session || !pending) return { reply: redirect('/') };
        delete session.auth;
        let who: Awaited<ReturnType<typeof finishAuth>>;
        try {
          who = await finishAuth(oidc, url, pending);
        } catch (e) {
          const reason = e instanceof AuthorizationResponseError ? (e.error_description ?? e.error).split(':')[0] : 'error';
          log(`callback: ${e instanceof Error ? e.name : 'error'} ${reason}`);
          return { reply: page(messagePage(view(session), ['未完成', 'Not completed'], failureText(reason)), 400) };
        }
        if (pending.purpose === 'login') {
          if (store.accounts.get(who.sub)?.disabled) return { reply: page(messagePage(view(session), ['无法登录', 'Cannot log in'], html`此账户已被停用。 <span lang="en">This account is disabled.</span>`), 403) };
          store.account(who.sub);
          return { reply: redirect('/account'), session: store.rotate(session, { ...who, flash: '已用网证登录 · Logged in with 网证' }) };
        }
        // The step-up must be the same person as the login.
        if (who.sub !== session.sub) return { reply: page(messagePage(view(session), ['未完成', 'Not completed'], failureText('another_person')), 403) };
        Object.assign(session, { acr: who.acr, authTime: who.authTime });
        return { reply: redirect(notYet(store.account(who.sub)) ?? book(session, pending.eventId!)) };
      }
      case 'POST /logout':
        if (session) store.sessions.set(session.id, { id: session.id, csrf: session.csrf, notice: 'logged_out', expiresAt: session.expiresAt });
        return { reply: redirect('/') };
    }

    // Everything below is for a signed-in person: a page leads a signed-out visitor home, an action to the login.
    if (!session || !account) return { reply: redirect(req.method === 'GET' ? '/' : '/login') };
    const orderMatch = /^GET \/orders\/([A-Za-z0-9_-]{1,32})$/.exec(route);
    if (orderMatch) {
      const order = account.orders.find((x) => x.id === orderMatch[1]);
      return { reply: order ? page(orderPage(view(session), order)) : page(messagePage(view(session), ['没有这个订单', 'No such order'], html``), 404) };
    }
    switch (route) {
      case 'GET /account':
        return { reply: page(accountPage(view(session), account)) };
      case 'GET /register': {
        // A phone scans this to open the request in its wallet (the same URL as the button).
        const pending = account.registration?.state === 'pending' ? account.registration.walletUrl : undefined;
        const qr = pending ? await QRCode.toString(pending, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }) : undefined;
        return { reply: page(registerPage(view(session), account, qr)) };
      }
      case 'POST /register':
        if (account.registration?.state !== 'pending' && account.registration?.state !== 'passed') await startRegistration(wz, account, log);
        return { reply: redirect('/register') };
      case 'POST /flag':
        if (account.review?.state !== 'pending') await startReview(wz, account, log);
        return { reply: redirect('/account') };
      case 'POST /buy': {
        const eventId = form?.get('event') ?? '';
        if (!EVENTS.some((e) => e.id === eventId)) return { reply: page(messagePage(view(session), ['没有这场演出', 'No such event'], html``), 404) };
        const first = notYet(account);
        if (first === '/register') session.flash = '购买实名制门票前请先完成实名登记 · Please register your real name before buying';
        if (first) return { reply: redirect(first) };
        const fresh = FACE_ACRS.includes(session.acr ?? '') && Date.now() / 1000 - (session.authTime ?? 0) <= STEP_UP_MAX_AGE;
        if (!fresh) return authorize({ purpose: 'buy', eventId });
        return { reply: redirect(book(session, eventId)) };
      }
    }
    return { reply: page(messagePage(view(session), ['找不到页面', 'Not found'], html``), 404) };
  }

  /** Where the person must go before buying, if the account may not buy yet: real-name registration, or a pending re-verification. */
  function notYet(a: Account): string | undefined {
    if (a.registration?.state !== 'passed') return '/register';
    if (a.review && a.review.state !== 'passed') return '/account';
    return undefined;
  }

  /** Books a seat for the signed-in person, authorised by the session's fresh face step-up. */
  function book(s: Session, eventId: string): string {
    const a = store.account(s.sub!);
    const id = newId(9);
    a.orders.push({ id, eventId, seat: `${2 + a.orders.length}排${(id.charCodeAt(0) % 20) + 1}座`, acr: s.acr!, at: Date.now() });
    return `/orders/${id}`;
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    handle(req).then(
      ({ reply, session }) => {
        const headers: Record<string, string> = {
          'content-security-policy': csp,
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
          'cache-control': 'no-store',
          ...reply.headers,
        };
        if (session) headers['set-cookie'] = `${COOKIE}=${session.id}; Path=/; HttpOnly; SameSite=Lax${origin.startsWith('https:') ? '; Secure' : ''}`;
        res.writeHead(reply.status, headers).end(reply.body);
      },
      (e: unknown) => {
        const status = (e as { status?: number }).status ?? 500;
        log(`${req.method} ${req.url?.split('?')[0]}: ${status} ${e instanceof Error ? e.message : String(e)}`);
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-security-policy': csp }).end('出错了，请稍后再试。 Something went wrong; please try again later.');
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host ?? '127.0.0.1', resolve);
  });
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  try {
    platform = await connect({ issuer, origin, dataFile: join(o.dataDir, 'demo-ticketing.json'), log });
    const { clientId, pushToken } = platform.registration;
    receiver = createReceiver({ issuer, clientId, pushToken, jwks: new JwksCache(`${issuer}/.well-known/jwks.json`, fetch), store, log });
  } catch (e) {
    server.close();
    throw e;
  }
  return {
    url: origin,
    clientId: platform.registration.clientId,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
