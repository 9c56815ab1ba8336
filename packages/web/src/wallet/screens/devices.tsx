/**
 * Devices: every device the person has had, which one is this, its label and its 网证; another
 * device (a lost phone) can be revoked from here — its 网证 stop working at once.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { DeviceView } from '@wangzheng/wallet/me/client';
import { formatTime, label, useI18n } from '../../shared/i18n/index.ts';
import type { StoredWallet } from '../../shared/store.ts';
import { meClient, useLoad } from '../holder.ts';
import { ConfirmedAction, LoadState, Notice, Screen, shown } from '../ui.tsx';

function Device(p: { d: DeviceView; wallet: StoredWallet; onRevoked: (n: number) => void }): JSX.Element {
  const { t, lang } = useI18n();
  const d = p.d;
  const name = d.label ? shown(d.label) : t.devices.unnamed;
  return (
    <li class={d.revokedAt ? 'entry revoked' : 'entry'}>
      <p class="entry-head">
        <span class="entry-title">{name}</span>
        {d.current && <span class="badge badge-ok">{t.devices.current}</span>}
        {d.revokedAt && <span class="badge badge-warn">{t.devices.revoked(formatTime(d.revokedAt, lang))}</span>}
      </p>
      <p class="meta">{t.devices.added(formatTime(d.createdAt, lang))}</p>
      {d.credentials.length > 0 && (
        <ul class="plain">
          {d.credentials.map((c) => (
            <li key={c.id}>
              {t.app.labelValue(t.devices.credentials, label(t.devices.credentialStatus, c.status))}
              {c.reason && <span class="meta"> {label(t.labels.reasons, c.reason)}</span>}
            </li>
          ))}
        </ul>
      )}
      {!d.current && !d.revokedAt && (
        <ConfirmedAction
          label={t.devices.revoke}
          question={t.devices.confirmRevoke(name)}
          confirm={t.devices.confirm}
          run={async () => p.onRevoked((await meClient(p.wallet).revokeDevice(d.id)).credentialsRevoked.length)}
        />
      )}
    </li>
  );
}

export function DevicesScreen(p: { wallet: StoredWallet }): JSX.Element {
  const { t } = useI18n();
  const list = useLoad(() => meClient(p.wallet).devices(), [p.wallet.credentialId]);
  const [revoked, setRevoked] = useState<number | null>(null);
  return (
    <Screen title={t.devices.title}>
      <p>{t.devices.intro}</p>
      {revoked !== null && (
        <Notice tone="ok" live>
          <p>{t.devices.revokedDone(revoked)}</p>
        </Notice>
      )}
      <LoadState of={list} />
      {list.state === 'ok' && (
        <ul class="timeline">
          {list.value.map((d) => (
            <Device
              key={d.id}
              d={d}
              wallet={p.wallet}
              onRevoked={(n) => {
                setRevoked(n);
                list.retry();
              }}
            />
          ))}
        </ul>
      )}
    </Screen>
  );
}
