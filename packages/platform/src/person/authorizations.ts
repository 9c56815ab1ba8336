/**
 * The relying parties holding an authorization from the person, and withdrawing one.
 *
 * An RP holds an authorization while the person has an active consent for it (fields it may
 * receive, ordinary or sensitive; a guardian's approval of a child's use there) or while it
 * holds an unexpired, unrevoked OpenID Connect access token for the person.
 *
 * Withdrawing, per RP, in one transaction: every active consent for that RP is withdrawn, every
 * access token issued to it from the person's authorizations is revoked (userinfo refuses them
 * from then on), the history records it, and the RP is told through `onConsentWithdrawn` (the
 * Shared Signals transmitter, server/platform.ts), inside the same transaction so the signal is queued
 * exactly when the withdrawal commits. Consent is never remembered across requests: the next
 * request for fields asks the person again. Nothing to withdraw → `consent_not_found`, nothing
 * changed.
 *
 * Trust: the caller is authenticated (auth.ts); the client id is untrusted input, compared with
 * the person's own consents and requests only.
 */
import { isClientId } from '@wangzheng/core/rp/client-id';
import { WzError } from '@wangzheng/core/errors';
import type { AuthorizationView, AuthorizationWithdrawn, ConsentView } from '@wangzheng/core/person/views';
import type { DataProtector } from '../protect/index.ts';
import type { OidcReader, Store, StoreTx, VerificationReader } from '../store/index.ts';
import type { AuthenticatedPerson } from './auth.ts';
import { subjectsOfRp } from './consent-subject.ts';
import { consentView } from './consents-view.ts';
import { historyEvent } from './history.ts';

/** What the RP is told (Shared Signals: consent withdrawn, subject = its application identifier). */
export interface ConsentWithdrawnNotice {
  readonly personId: string;
  readonly dek: Uint8Array;
  readonly clientId: string;
  readonly appId: string;
}

/**
 * Called inside the withdrawal's transaction; resolves to whether a notice for the RP was queued
 * (false: the RP asked for no such signals). Throwing undoes the withdrawal.
 */
export type ConsentWithdrawnHook = (tx: StoreTx, notice: ConsentWithdrawnNotice) => Promise<boolean>;

export interface AuthorizationDeps {
  readonly store: Store;
  readonly protector: DataProtector;
  readonly now: () => number;
  readonly onConsentWithdrawn?: ConsentWithdrawnHook;
}

/** How far back OIDC requests are looked at: access tokens live minutes, so this is ample. */
const OIDC_LOOKBACK = 500;

export async function listAuthorizations(deps: AuthorizationDeps, me: AuthenticatedPerson): Promise<AuthorizationView[]> {
  const r = deps.store.reader;
  const now = deps.now();
  const consents = new Map<string, ConsentView[]>();
  for (const c of await r.consents.listByPerson(me.person.id)) {
    const v = c.withdrawnAt === null ? consentView(c) : undefined;
    const clientId = v?.clientId;
    if (v && clientId) consents.set(clientId, [...(consents.get(clientId) ?? []), v]);
  }
  const tokens = new Map<string, number>();
  for (const { clientId, authorizationId } of await oidcAuthorizationsOf(r.verifications, r.oidc, me.person.id)) {
    const active = (await r.oidc.listAccessTokens(authorizationId)).filter((t) => t.revokedAt === null && t.expiresAt > now).length;
    if (active > 0) tokens.set(clientId, (tokens.get(clientId) ?? 0) + active);
  }
  const out: AuthorizationView[] = [];
  for (const clientId of new Set([...consents.keys(), ...tokens.keys()])) {
    const rp = await r.relyingParties.findByClientId(clientId);
    out.push({
      clientId,
      rp: { name: rp?.name ?? '', category: rp?.category ?? '' },
      appId: me.profile.appIds?.[clientId] ?? null,
      consents: consents.get(clientId) ?? [],
      activeAccessTokens: tokens.get(clientId) ?? 0,
    });
  }
  return out;
}

export async function withdrawAuthorization(deps: AuthorizationDeps, me: AuthenticatedPerson, clientId: string): Promise<AuthorizationWithdrawn> {
  const none = (): WzError => new WzError('consent_not_found', 'This relying party holds no consent or authorization of yours.');
  if (!isClientId(clientId)) throw none();
  const now = deps.now();
  const appId = me.profile.appIds?.[clientId];
  return deps.store.transaction(async (tx) => {
    const subjects = new Set(subjectsOfRp(clientId));
    const withdrawn: string[] = [];
    for (const c of await tx.consents.listByPerson(me.person.id)) {
      if (c.withdrawnAt !== null || !subjects.has(c.subject)) continue;
      if (await tx.consents.withdraw(c.id, now)) withdrawn.push(c.id);
    }
    let tokensRevoked = 0;
    for (const a of await oidcAuthorizationsOf(tx.verifications, tx.oidc, me.person.id)) {
      if (a.clientId === clientId) tokensRevoked += await tx.oidc.revokeAccessTokens(a.authorizationId, now);
    }
    if (withdrawn.length === 0 && tokensRevoked === 0) throw none();
    const rp = await tx.relyingParties.findByClientId(clientId);
    await tx.events.append(
      historyEvent(
        deps.protector,
        { personId: me.person.id, dek: me.dek },
        { kind: 'consent_withdrawn', clientId, rp: rp?.name ?? '', consentIds: withdrawn, accessTokensRevoked: tokensRevoked },
        now,
      ),
    );
    // An RP that never verified the person holds no identifier for them: there is no one to name in a notice.
    const notified = deps.onConsentWithdrawn !== undefined && appId !== undefined && (await deps.onConsentWithdrawn(tx, { personId: me.person.id, dek: me.dek, clientId, appId }));
    return { clientId, consentsWithdrawn: withdrawn, accessTokensRevoked: tokensRevoked, rpNotified: notified };
  });
}

/** The OIDC authorizations behind the person's recent `oidc` verification requests. */
async function oidcAuthorizationsOf(verifications: VerificationReader, oidc: OidcReader, personId: string): Promise<{ clientId: string; authorizationId: string }[]> {
  const out: { clientId: string; authorizationId: string }[] = [];
  for (const r of await verifications.listByPerson(personId, OIDC_LOOKBACK)) {
    if (r.kind !== 'oidc') continue;
    const a = await oidc.findAuthorizationByRequest(r.id);
    if (a && a.clientId === r.clientId) out.push({ clientId: a.clientId, authorizationId: a.id });
  }
  return out;
}

