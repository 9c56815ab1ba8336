/**
 * Sealed cookies of the operator console: a small JSON value encrypted and authenticated with
 * the suite's AEAD (SM4-GCM for gm, AES-256-GCM for intl) under a key derived for this purpose
 * from the platform's blind-index key ring (HKDF, one key per ring entry and cookie purpose).
 * Rotation as everywhere: the ring's first key seals, every key opens; the key id travels in
 * the cookie.
 *
 *   value = "v1." ‖ b64u(key id) ‖ "." ‖ b64u(sealed)
 *   aad   = "wangzheng:console-cookie:v1" ‖ 0x00 ‖ purpose ‖ 0x00 ‖ key id
 *
 * The payload carries its own expiry (`exp`, epoch seconds), checked on opening; the cookie's
 * Max-Age only asks the browser to forget it. Nothing in a cookie is trusted until it opens:
 * a tampered, truncated, foreign-purpose or expired value is simply `undefined`.
 */
import { hkdfSync } from 'node:crypto';
import type { CryptoSuite } from '@wangzheng/core/crypto/index';
import type { SecretRing } from '@wangzheng/core/identifiers/index';

const VERSION = 'v1';
const LABEL = 'wangzheng:console-cookie:v1';
/** Longer cookie values are not ours; refusing them early bounds the work. */
const MAX_VALUE = 2048;
const PURPOSE = /^[a-z][a-z_]{0,31}$/;

export type CookiePurpose = 'console_login' | 'console_session';

export class CookieSealer {
  readonly #suite: CryptoSuite;
  readonly #keys: ReadonlyMap<string, Uint8Array>;
  readonly #current: string;
  readonly #now: () => number;

  constructor(suite: CryptoSuite, ring: SecretRing, now: () => number) {
    this.#suite = suite;
    this.#now = now;
    const keys = new Map<string, Uint8Array>();
    for (const { id, key } of ring) {
      keys.set(id, new Uint8Array(hkdfSync(suite.name === 'gm' ? 'sm3' : 'sha256', key, new Uint8Array(0), `${LABEL}\0key`, suite.aeadKeyLength)));
    }
    this.#keys = keys;
    this.#current = ring[0].id;
  }

  /** Seals `value` (with `exp` added) for `purpose`, valid for `ttlSeconds`. */
  seal(purpose: CookiePurpose, value: Readonly<Record<string, unknown>>, ttlSeconds: number): { cookie: string; exp: number } {
    const exp = Math.floor(this.#now() / 1000) + ttlSeconds;
    const key = this.#keys.get(this.#current)!;
    const sealed = this.#suite.seal(key, new TextEncoder().encode(JSON.stringify({ ...value, exp })), aad(purpose, this.#current));
    return { cookie: `${VERSION}.${Buffer.from(this.#current, 'utf8').toString('base64url')}.${Buffer.from(sealed).toString('base64url')}`, exp };
  }

  /** The value, if `cookie` is one of ours for `purpose` and not expired; otherwise undefined. */
  open(purpose: CookiePurpose, cookie: string | undefined): (Record<string, unknown> & { exp: number }) | undefined {
    if (typeof cookie !== 'string' || cookie.length > MAX_VALUE || !PURPOSE.test(purpose)) return undefined;
    const m = /^v1\.([A-Za-z0-9_-]{1,128})\.([A-Za-z0-9_-]{16,})$/.exec(cookie);
    if (!m) return undefined;
    const id = Buffer.from(m[1]!, 'base64url').toString('utf8');
    const key = this.#keys.get(id);
    if (!key) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(this.#suite.open(key, Buffer.from(m[2]!, 'base64url'), aad(purpose, id))));
    } catch {
      return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const exp = (parsed as Record<string, unknown>)['exp'];
    if (typeof exp !== 'number' || !Number.isSafeInteger(exp) || exp * 1000 <= this.#now()) return undefined;
    return parsed as Record<string, unknown> & { exp: number };
  }
}

function aad(purpose: string, keyId: string): Uint8Array {
  return new TextEncoder().encode(`${LABEL}\0${purpose}\0${keyId}`);
}

/** A `Set-Cookie` value with the console's attributes. `maxAge` 0 clears it. */
export function setCookie(name: string, value: string, o: { path: string; sameSite: 'Lax' | 'Strict'; maxAge: number; secure: boolean }): string {
  return `${name}=${value}; Path=${o.path}; HttpOnly; SameSite=${o.sameSite}; Max-Age=${o.maxAge}${o.secure ? '; Secure' : ''}`;
}
