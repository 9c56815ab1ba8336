/**
 * The console's own client at the platform's OpenID Connect provider: the console is a relying
 * party like any other, signing operators in with their 网证 through `/oauth/authorize` and
 * `/oauth/token`. One fixed, well-known record, registered at start-up if missing:
 *
 * - client id `rp_wangzheng-console-0000` and the sector `console.wangzheng.invalid` (a reserved
 *   name no registered RP can hold): stable across restarts, processes and public URLs, so a
 *   console application identifier — the pairwise `sub`, derived from the 网号, the sector and
 *   the client id — never changes, and role grants keyed by it stay valid;
 * - approved, `result` only: the console learns that a person proved their 网证 in the highest
 *   mode and their application identifier here, nothing else (no consent record is created);
 * - its one redirect URI `${issuer}/console/callback`;
 * - `client_secret_basic` with a secret derived from the platform's blind-index key ring (HKDF,
 *   first key): it lives only in the platform's processes, never in a browser, and is stored
 *   only as a digest like every RP secret. A changed public URL or rotated ring is written
 *   into the record at the next start (rotate every process on one store together).
 *
 * The name, "网证平台运营控制台 Wangzheng operator console", is what the wallet and the person's
 * history show for a console sign-in. An operator may suspend the record through the admin API
 * like any RP; it is then left suspended (console sign-in stops; bearer tokens still work).
 */
import { hkdfSync } from 'node:crypto';
import { isWzError } from '@wangzheng/core/errors';
import type { SecretRing } from '@wangzheng/core/identifiers/index';
import type { IdTokenAlg } from '@wangzheng/core/rp/types';
import { digestClientSecret } from '../rp/client-secret.ts';
import type { RelyingPartyRecord, Store } from '../store/index.ts';

export const CONSOLE_CLIENT_ID = 'rp_wangzheng-console-0000';
export const CONSOLE_SECTOR = 'console.wangzheng.invalid';
export const CONSOLE_CLIENT_NAME = '网证平台运营控制台 Wangzheng operator console';
const CONSOLE_PURPOSE = '平台运营人员登录运营控制台 Platform operators sign in to the operator console';
const SECRET_LABEL = 'wangzheng:console-client-secret:v1';

export interface ConsoleClient {
  readonly clientId: string;
  /** The client secret (client_secret_basic); never leaves the process. */
  readonly secret: string;
  readonly redirectUri: string;
  readonly sectorIdentifier: string;
  readonly idTokenSigningAlg: IdTokenAlg;
}

/** The console's client secret: HKDF-SHA-256 of the ring's first key, base64url. */
export function consoleClientSecret(ring: SecretRing): string {
  return Buffer.from(hkdfSync('sha256', ring[0].key, new Uint8Array(0), SECRET_LABEL, 32)).toString('base64url');
}

export function consoleClient(issuer: string, ring: SecretRing, idTokenSigningAlg: IdTokenAlg): ConsoleClient {
  return { clientId: CONSOLE_CLIENT_ID, secret: consoleClientSecret(ring), redirectUri: `${issuer}/console/callback`, sectorIdentifier: CONSOLE_SECTOR, idTokenSigningAlg };
}

/** Registers the console's client if missing (idempotent; several processes may race), or brings its redirect URI and secret up to date. */
export async function ensureConsoleClient(store: Store, c: ConsoleClient, now: () => number): Promise<RelyingPartyRecord> {
  const secretHash = digestClientSecret(c.clientId, c.secret);
  const existing = await store.relyingParties.findByClientId(c.clientId);
  if (existing) {
    const same = existing.redirectUris.length === 1 && existing.redirectUris[0] === c.redirectUri && existing.secretHash !== null && Buffer.from(existing.secretHash).equals(Buffer.from(secretHash));
    if (!same) await store.relyingParties.setClientRedirect(c.clientId, { redirectUris: [c.redirectUri], secretHash, at: now() });
    return (await store.relyingParties.findByClientId(c.clientId))!;
  }
  const at = now();
  try {
    await store.transaction(async (tx) => {
      await tx.relyingParties.insert({
        clientId: c.clientId,
        name: CONSOLE_CLIENT_NAME,
        uscc: null,
        contactEmail: null,
        category: 'government_service',
        purpose: CONSOLE_PURPOSE,
        sectorIdentifier: c.sectorIdentifier,
        redirectUris: [c.redirectUri],
        tokenEndpointAuthMethod: 'client_secret_basic',
        jwks: null,
        secretHash,
        idTokenSigningAlg: c.idTokenSigningAlg,
        requestedScopes: [{ scope: 'result', legalBasis: null }],
        approvedScopes: [{ scope: 'result', legalBasisRef: null }],
        status: 'approved',
        statusReason: null,
        createdAt: at,
      });
      await tx.relyingParties.appendEvent({ clientId: c.clientId, type: 'rp.console_registered', actor: 'system', createdAt: at });
    });
  } catch (e) {
    // Another process registered it meanwhile: theirs is the same record.
    if (!isWzError(e, 'conflict')) throw e;
  }
  return ensureConsoleClient(store, c, now);
}
