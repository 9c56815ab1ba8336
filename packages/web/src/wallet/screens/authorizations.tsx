/**
 * Authorizations: the services holding a consent (fields, a guardian's approval) or an OpenID
 * Connect access token from the person, and withdrawing them — every consent for that service
 * withdrawn, its tokens revoked, the service told; next time it must ask again. Each service is
 * shown by its registered name; its technical client id only in a small line beneath.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { AuthorizationView, AuthorizationWithdrawn } from '@wangzheng/wallet/me/client';
import { formatTime, label, useI18n } from '../../shared/i18n/index.ts';
import type { StoredWallet } from '../../shared/store.ts';
import { meClient, useLoad } from '../holder.ts';
import { ConfirmedAction, LoadState, Notice, Screen, shown } from '../ui.tsx';

function Authorization(p: { a: AuthorizationView; wallet: StoredWallet; onWithdrawn: (w: AuthorizationWithdrawn, rp: string) => void }): JSX.Element {
  const { t, lang } = useI18n();
  const a = p.a;
  const rp = shown(a.rp.name);
  return (
    <li class="entry">
      <p class="entry-head">
        <span class="entry-title">{rp}</span>
        <span class="meta">{label(t.labels.categories, a.rp.category)}</span>
      </p>
      <dl class="facts compact">
        <div class="row">
          <dt>{t.authorizations.appId}</dt>
          <dd class="mono">{a.appId === null ? t.app.none : shown(a.appId)}</dd>
        </div>
        {a.consents.map((c) => (
          <div class="row" key={c.id}>
            <dt>{t.authorizations.consented}</dt>
            <dd>
              {c.kind === 'guardian_rp' ? t.authorizations.guardian : c.scopes.map((s) => label(t.labels.scopes, s)).join(t.app.listSeparator)}
              {c.sensitive && <span class="badge badge-bad">{t.authorizations.sensitive}</span>}
              <span class="meta"> {t.authorizations.since(formatTime(c.grantedAt, lang))}</span>
            </dd>
          </div>
        ))}
        {a.activeAccessTokens > 0 && (
          <div class="row">
            <dt>{t.authorizations.tokensLabel}</dt>
            <dd>{t.authorizations.tokens(a.activeAccessTokens)}</dd>
          </div>
        )}
      </dl>
      <p class="meta entry-detail">
        {t.authorizations.clientId} <span class="mono">{shown(a.clientId)}</span>
      </p>
      <ConfirmedAction
        label={t.authorizations.withdraw}
        question={t.authorizations.confirmWithdraw(rp)}
        confirm={t.authorizations.confirm}
        run={async () => p.onWithdrawn(await meClient(p.wallet).withdraw(a.clientId), rp)}
      />
    </li>
  );
}

export function AuthorizationsScreen(p: { wallet: StoredWallet }): JSX.Element {
  const { t } = useI18n();
  const list = useLoad(() => meClient(p.wallet).authorizations(), [p.wallet.credentialId]);
  const [done, setDone] = useState<{ w: AuthorizationWithdrawn; rp: string } | null>(null);
  return (
    <Screen title={t.authorizations.title}>
      <p>{t.authorizations.intro}</p>
      {done && (
        <Notice tone="ok" live>
          <p>{t.authorizations.withdrawn(done.rp, done.w.consentsWithdrawn.length, done.w.accessTokensRevoked)}</p>
          <p>{done.w.rpNotified ? t.authorizations.notified : t.authorizations.notNotified}</p>
        </Notice>
      )}
      <LoadState of={list} />
      {list.state === 'ok' && list.value.length === 0 && <p>{t.authorizations.empty}</p>}
      {list.state === 'ok' && list.value.length > 0 && (
        <ul class="timeline">
          {list.value.map((a) => (
            <Authorization
              key={a.clientId}
              a={a}
              wallet={p.wallet}
              onWithdrawn={(w, rp) => {
                setDone({ w, rp });
                list.set(list.value.filter((x) => x.clientId !== a.clientId));
              }}
            />
          ))}
        </ul>
      )}
    </Screen>
  );
}
