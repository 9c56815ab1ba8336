/**
 * Hash routing: `#/verify?ref=…&iss=…`. The path and the query live in the fragment, which
 * never reaches a server (a request reference is a capability: it stays out of logs).
 */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  path: string;
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#/, '') || '/';
  const q = h.indexOf('?');
  const path = (q === -1 ? h : h.slice(0, q)) || '/';
  return { path: path.startsWith('/') ? path : `/${path}`, params: new URLSearchParams(q === -1 ? '' : h.slice(q + 1)) };
}

export function href(path: string, params?: Record<string, string>): string {
  const q = params ? new URLSearchParams(params).toString() : '';
  return `#${path}${q ? `?${q}` : ''}`;
}

export function go(path: string, params?: Record<string, string>): void {
  location.hash = href(path, params);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = (): void => setRoute(parseHash(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

const REF = /^[A-Za-z0-9_-]{22}$/;

/**
 * A verification request out of what a QR code or a pasted text holds: the app link
 * `wangzheng://verify?ref=…&iss=…`, a web wallet link `https://…/wallet/#/verify?ref=…`, or a
 * bare 22-character reference. Anything else is not ours (undefined).
 */
export function requestFromText(text: string): { ref: string; iss?: string } | undefined {
  const s = text.trim();
  if (REF.test(s)) return { ref: s };
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return undefined;
  }
  let params: URLSearchParams | undefined;
  if (u.protocol === 'wangzheng:' && (u.host === 'verify' || u.pathname.replace(/^\/+/, '') === 'verify')) params = u.searchParams;
  else if ((u.protocol === 'https:' || u.protocol === 'http:') && u.pathname.replace(/\/+$/, '') === '/wallet') {
    const r = parseHash(u.hash);
    if (r.path === '/verify') params = r.params;
  }
  const ref = params?.get('ref') ?? '';
  if (!REF.test(ref)) return undefined;
  const iss = params?.get('iss');
  return { ref, ...(iss ? { iss } : {}) };
}
