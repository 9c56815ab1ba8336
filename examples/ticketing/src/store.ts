/**
 * The site's own data, in memory (a demo: a restart forgets it). An account is keyed by `sub`,
 * the application identifier the platform gives this site for the person — the same in every
 * id_token, receipt and security event, different at every other site, and nothing else about
 * them. A session is a random id in an HttpOnly cookie.
 */
import { randomBytes } from 'node:crypto';

/** A verification the site asked for through the SDK (real-name registration, re-verification). */
export interface Check {
  state: 'pending' | 'passed' | 'failed';
  requestId: string;
  /** Where the person answers: the web wallet (same device) and the app link. */
  walletUrl?: string;
  link?: string;
  expiresAt: string;
  /** From the verified receipt. */
  mode?: string;
  at?: number;
  failure?: string;
}

export interface Order {
  id: string;
  eventId: string;
  seat: string;
  /** The acr of the step-up that authorised the purchase. */
  acr: string;
  at: number;
}

export interface Account {
  sub: string;
  createdAt: number;
  registration?: Check;
  review?: Check;
  orders: Order[];
  /** Set by an `account_disabled` security event, cleared by `account_enabled`. */
  disabled?: boolean;
}

/** An authorization request in flight (openid-client's PKCE verifier, state, nonce). */
export interface PendingAuth {
  purpose: 'login' | 'buy';
  verifier: string;
  state: string;
  nonce: string;
  maxAge?: number;
  eventId?: string;
}

/** Why the site signed someone out: shown once on the next page. */
export type Notice = 'logged_out' | 'account_disabled' | 'credential_revoked' | 'account_purged' | 'consent_withdrawn';

export interface Session {
  id: string;
  csrf: string;
  sub?: string;
  acr?: string;
  /** Epoch seconds: when the person approved in the wallet (id_token `auth_time`). */
  authTime?: number;
  auth?: PendingAuth;
  notice?: Notice;
  flash?: string;
  expiresAt: number;
}

const SESSION_MS = 8 * 3600_000;
const id = (bytes = 24): string => randomBytes(bytes).toString('base64url');

export class Store {
  readonly sessions = new Map<string, Session>();
  readonly accounts = new Map<string, Account>();

  session(sid: string | undefined): Session | undefined {
    const s = sid === undefined ? undefined : this.sessions.get(sid);
    if (s && s.expiresAt < Date.now()) {
      this.sessions.delete(s.id);
      return undefined;
    }
    return s;
  }

  newSession(from: Partial<Session> = {}): Session {
    const s: Session = { ...from, id: id(), csrf: id(), expiresAt: Date.now() + SESSION_MS };
    this.sessions.set(s.id, s);
    return s;
  }

  /** A new id for a session whose privilege changes (login): an id fixed before it is worthless after. */
  rotate(s: Session, changes: Partial<Session>): Session {
    this.sessions.delete(s.id);
    const { id: _id, csrf: _csrf, auth: _auth, ...rest } = s;
    return this.newSession({ ...rest, ...changes });
  }

  account(sub: string): Account {
    let a = this.accounts.get(sub);
    if (!a) this.accounts.set(sub, (a = { sub, createdAt: Date.now(), orders: [] }));
    return a;
  }

  /** Signs the person out everywhere: each of their sessions becomes an anonymous one carrying `notice`. */
  signOut(sub: string, notice: Notice): number {
    let n = 0;
    for (const s of this.sessions.values()) {
      if (s.sub !== sub) continue;
      this.sessions.set(s.id, { id: s.id, csrf: s.csrf, notice, expiresAt: s.expiresAt });
      n++;
    }
    return n;
  }
}

export const newId = id;
