/**
 * Operator authentication for the admin API: `Authorization: Bearer <token>`, where the token
 * is the base64url part of one entry of `WZ_ADMIN_TOKENS` (`id:base64url,…`, a ring like the
 * platform's other secrets; several operators or a rotation each have their own entry).
 *
 * Only digests are kept: at start-up each token is replaced by SM3(token), and a presented
 * token is hashed and compared against every digest in constant time (no early exit, so the
 * time says nothing about which entry, if any, matched). The matching entry's id is the actor
 * recorded in the audit trail (`admin:<id>`); the token itself is never logged or stored.
 *
 * Answers: no `Authorization` header, or not a Bearer one → 401 `unauthenticated` (with a
 * `WWW-Authenticate: Bearer` challenge); a Bearer token that is not an operator's → 403
 * `forbidden`.
 *
 * Lockout (docs/limits.md): a wrong token counts against its source address (`source_fail`);
 * past the limit every token from that address, a right one included, is refused with 429
 * `rate_limited` and `Retry-After` until the window ends. Counted in this process only (the check
 * is synchronous; tokens are 256-bit random, so the limit is about noise, not about guessing).
 *
 * Shared by every admin route (http/operator.ts checks the role each route needs).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { WzError } from '@wangzheng/core/errors';
import type { SecretRing } from '@wangzheng/core/identifiers/index';
import { rateLimited, sourceKey, type Decision, type PolicyName } from '../limits/limiter.ts';
import type { OperatorRole, RoleMap } from './roles.ts';

/** A synchronous limiter (limits/memory.ts `MemoryLimiter`). */
export interface AdminLockout {
  peekSync(policy: PolicyName, key: string): Decision;
  hitSync(policy: PolicyName, key: string): Decision;
}

const NO_ROLES: ReadonlySet<OperatorRole> = new Set();

export const ADMIN_REALM = 'wangzheng-admin';
const MAX_TOKEN = 512;

function sm3(text: string): Buffer {
  return createHash('sm3').update(text, 'utf8').digest();
}

export interface AdminActor {
  /** The id of the token's ring entry. */
  readonly tokenId: string;
  /** What audit events record: `admin:<token id>`. */
  readonly actor: string;
  /** What this operator may do (`WZ_ADMIN_ROLES`); empty when their token id has no entry. */
  readonly roles: ReadonlySet<OperatorRole>;
}

export class AdminAuthenticator {
  readonly #digests: readonly { readonly id: string; readonly digest: Buffer }[];

  readonly #roles: RoleMap;
  readonly #lockout: AdminLockout | undefined;

  constructor(ring: SecretRing, roles: RoleMap = new Map(), lockout?: AdminLockout) {
    this.#roles = roles;
    this.#lockout = lockout;
    this.#digests = ring.map((e) => ({ id: e.id, digest: sm3(Buffer.from(e.key).toString('base64url')) }));
  }

  /**
   * `source`: the caller's address (`req.ip`), for the lockout; never logged.
   * @throws WzError `unauthenticated` (401), `forbidden` (403) or `rate_limited` (429).
   */
  authenticate(authorization: string | undefined, source?: string): AdminActor {
    const m = typeof authorization === 'string' ? /^Bearer +(\S+)\s*$/i.exec(authorization) : null;
    if (!m) throw new WzError('unauthenticated', 'The admin API needs an operator token: Authorization: Bearer <token>.');
    const from = this.#lockout && source !== undefined ? sourceKey(source) : undefined;
    if (from !== undefined) {
      const d = this.#lockout!.peekSync('source_fail', from);
      if (!d.allowed) throw rateLimited(d.retryAfterS, 'source_fail');
    }
    const token = m[1]!;
    const presented = sm3(token.length > MAX_TOKEN ? '' : token);
    let match: string | undefined;
    for (const { id, digest } of this.#digests) {
      if (timingSafeEqual(presented, digest) && match === undefined) match = id;
    }
    if (match === undefined || token.length > MAX_TOKEN) {
      if (from !== undefined) this.#lockout!.hitSync('source_fail', from);
      throw new WzError('forbidden', 'This token does not authorise the admin API.');
    }
    return { tokenId: match, actor: `admin:${match}`, roles: this.#roles.get(match) ?? NO_ROLES };
  }
}
