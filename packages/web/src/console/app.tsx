/**
 * The operator console: who is signed in (`GET /console/session`), the navigation their roles
 * allow, and the screen the fragment names. The platform enforces every role on every call; the
 * console only leaves out what the roles would refuse anyway.
 *
 *   #/signin[?error=code]   sign in with 网证                         anyone
 *   #/                      overview: counters and charts             any role
 *   #/rps[?status&after]    RP applications; #/rp?id=… one of them    rp_reviewer
 *   #/bans[?state]          bans, four eyes                           operator
 *   #/audit                 audit search and chain verification       auditor
 *   #/delivery              Shared Signals delivery per RP            operator
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { AppShell, useLanguage } from '../shared/app-shell.tsx';
import { label, useI18n } from '../shared/i18n/index.ts';
import { apiErrorOf, get, post, type ApiError, type Operator, type Session } from './api.ts';
import { go, href, useRoute } from './router.ts';
import { Audit } from './screens/audit.tsx';
import { Bans } from './screens/bans.tsx';
import { Dashboard } from './screens/dashboard.tsx';
import { Delivery } from './screens/delivery.tsx';
import { RpDetailScreen, RpList } from './screens/rps.tsx';
import { SignIn } from './screens/signin.tsx';
import { Heading, instantText, Loading, Problem } from './ui.tsx';

type NavKey = 'dashboard' | 'rps' | 'bans' | 'audit' | 'delivery';

/** Each screen and the roles that may use it (any one of them), as the platform's routes check. */
const NAV: readonly { key: NavKey; path: string; roles: readonly string[] }[] = [
  { key: 'dashboard', path: '/', roles: ['operator', 'auditor'] },
  { key: 'rps', path: '/rps', roles: ['rp_reviewer'] },
  { key: 'bans', path: '/bans', roles: ['operator'] },
  { key: 'audit', path: '/audit', roles: ['auditor'] },
  { key: 'delivery', path: '/delivery', roles: ['operator'] },
];

const allowed = (n: (typeof NAV)[number], roles: readonly string[]): boolean => n.roles.some((r) => roles.includes(r));

function navOf(path: string): NavKey | undefined {
  if (path === '/') return 'dashboard';
  if (path === '/rp') return 'rps';
  return NAV.find((n) => n.path === path)?.key;
}

export function App(): JSX.Element {
  const i18n = useLanguage();
  const t = i18n.t;
  const [session, setSession] = useState<Session | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const route = useRoute();

  useEffect(() => {
    get<Session>('/console/session').then(
      (s) => setSession(s && s.signedIn === true && s.operator ? { ...s, operator: { ...s.operator, roles: Array.isArray(s.operator.roles) ? s.operator.roles : [] } } : { signedIn: false }),
      (e: unknown) => {
        const err = apiErrorOf(e);
        // No session route (404) or none for this browser: signed out.
        if (err.status === 401 || err.status === 404) setSession({ signedIn: false });
        else setError(err);
      },
    );
  }, []);

  const signedIn = session?.signedIn === true;
  useEffect(() => {
    if (session && !signedIn && route.path !== '/signin') go('/signin');
    if (signedIn && route.path === '/signin') go('/');
  }, [session, signedIn, route.path]);

  async function signOut(): Promise<void> {
    try {
      await post('/console/logout');
    } catch {
      // Signed out here either way: the cookie is the platform's to drop.
    }
    setSession({ signedIn: false });
    go('/signin');
  }

  const operator = session?.signedIn === true ? session.operator : undefined;
  return (
    <AppShell
      i18n={i18n}
      home="#/"
      name={t.console.appName}
      subtitle={t.console.subtitle}
      title={`${t.console.appName} · ${t.app.name}`}
      headerExtra={operator && session?.signedIn ? <OperatorBadge operator={operator} expiresAt={session.expiresAt} onSignOut={() => void signOut()} /> : null}
    >
      {operator ? <Nav operator={operator} current={navOf(route.path)} /> : null}
      <main id="main" tabIndex={-1} class="console-main">
        {error ? <Problem error={error} /> : null}
        {!session && !error ? <Loading /> : null}
        {session && !operator ? <SignIn error={route.params.get('error')} /> : null}
        {operator ? <Screen operator={operator} path={route.path} params={route.params} /> : null}
      </main>
    </AppShell>
  );
}

function OperatorBadge(p: { operator: Operator; expiresAt: string | number | undefined; onSignOut(): void }): JSX.Element {
  const { t, lang } = useI18n();
  const c = t.console.session;
  return (
    <div class="operator">
      <div class="operator-who">
        <span class="visually-hidden">{c.operator}: </span>
        <span class="mono operator-id" data-testid="operator-id">
          {p.operator.id}
        </span>
        <span class="operator-roles" data-testid="operator-roles">
          <span class="visually-hidden">{c.roles}: </span>
          {p.operator.roles.length > 0 ? p.operator.roles.map((r) => label(t.console.roles, r).replace(/（.*|\s\(.*/, '')).join(' · ') : c.noRole}
        </span>
        {p.expiresAt ? (
          <span class="operator-expiry">{c.expires(instantText(p.expiresAt, lang))}</span>
        ) : null}
      </div>
      <button type="button" class="btn btn-ghost" onClick={p.onSignOut}>
        {c.signOut}
      </button>
    </div>
  );
}

function Nav(p: { operator: Operator; current: NavKey | undefined }): JSX.Element | null {
  const { t } = useI18n();
  const items = NAV.filter((n) => allowed(n, p.operator.roles));
  if (items.length === 0) return null;
  return (
    <nav class="console-nav" aria-label={t.console.nav.label}>
      <ul>
        {items.map((n) => (
          <li key={n.key}>
            <a href={href(n.path)} aria-current={p.current === n.key ? 'page' : undefined}>
              {t.console.nav[n.key]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Screen(p: { operator: Operator; path: string; params: URLSearchParams }): JSX.Element {
  const { t } = useI18n();
  const roles = p.operator.roles;
  if (roles.length === 0) return <NoRoles operator={p.operator} />;
  const screen = NAV.find((n) => n.key === navOf(p.path)) ?? NAV[0]!;
  // The overview is the home screen; without its roles, home is the first screen the roles allow.
  const path = screen.key === 'dashboard' && !allowed(screen, roles) ? (NAV.find((n) => allowed(n, roles))?.path ?? '/') : p.path;
  const need = path === p.path && !allowed(screen, roles) ? screen.roles : undefined;
  if (need) {
    return (
      <>
        <Heading>{t.console.nav[screen.key]}</Heading>
        <p class="message warn">
          {t.console.session.forbidden}{' '}
          {need.map((r) => (
            <span key={r}>
              <code>{r}</code> ({label(t.console.roles, r)}){' '}
            </span>
          ))}
        </p>
      </>
    );
  }
  switch (path) {
    case '/rps':
      return <RpList status={p.params.get('status') ?? ''} after={p.params.get('after') ?? undefined} />;
    case '/rp':
      return <RpDetailScreen clientId={p.params.get('id') ?? ''} />;
    case '/bans':
      return <Bans state={p.params.get('state') ?? ''} me={p.operator} />;
    case '/audit':
      return <Audit />;
    case '/delivery':
      return <Delivery />;
    default:
      return <Dashboard />;
  }
}

function NoRoles(p: { operator: Operator }): JSX.Element {
  const { t } = useI18n();
  const c = t.console.session;
  const command = 'wangzheng admin console-grant <网号> --roles rp_reviewer+operator+auditor';
  return (
    <>
      <Heading>{c.noRolesTitle}</Heading>
      <div class="message warn">
        <p>{c.noRolesBody}</p>
        <pre class="command">
          <code>{command}</code>
        </pre>
      </div>
      <dl class="facts card">
        <dt>{c.appId}</dt>
        <dd class="mono" data-testid="operator-app-id">
          {p.operator.appId}
        </dd>
      </dl>
    </>
  );
}
