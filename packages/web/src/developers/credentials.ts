/**
 * The developer's client credentials, kept for this tab only: `sessionStorage` (cleared when the
 * tab closes, not shared with other tabs), never `localStorage`, never a URL or a cookie. The
 * page reads them to build `Authorization: Basic` for the RP's own calls; "forget" removes them.
 */
import { useCallback, useState } from 'preact/hooks';

export interface Credentials {
  clientId: string;
  clientSecret: string;
}

const KEY = 'wangzheng-developer-credentials';

export function loadCredentials(): Credentials | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return undefined;
    const o = JSON.parse(raw) as Partial<Credentials>;
    return typeof o.clientId === 'string' && typeof o.clientSecret === 'string' ? { clientId: o.clientId, clientSecret: o.clientSecret } : undefined;
  } catch {
    return undefined;
  }
}

export function saveCredentials(c: Credentials): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(c));
  } catch {
    // storage blocked: they last as long as the page's state
  }
}

export function forgetCredentials(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing stored
  }
}

/** The credentials in this tab, kept in the page's state and in sessionStorage together. */
export function useCredentials(): { creds: Credentials | undefined; set(c: Credentials | undefined): void } {
  const [creds, setCreds] = useState<Credentials | undefined>(loadCredentials);
  const set = useCallback((c: Credentials | undefined) => {
    if (c) saveCredentials(c);
    else forgetCredentials();
    setCreds(c);
  }, []);
  return { creds, set };
}
