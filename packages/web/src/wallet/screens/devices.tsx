/**
 * Devices: every device the person has had, which one is this, its label and its 网证; another
 * device (a lost phone) can be revoked from here — its 网证 stop working at once.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { DeviceView } from '@wangzheng/wallet/me/client';
import { formatTime, label, useI18n } from '../../shared/i18n/index.ts';
import type { StoredWallet } from '../../shared/store.ts';
import { meClient, useAction, useLoad } from '../holder.ts';
import { Busy, Button, ErrorBox, Notice, Screen, shown } from '../ui.tsx';

function Device(p: { d: DeviceView; wallet: StoredWallet; onRevoked: (n: number) => void }): JSX.Element {
  const { t, lang } = useI18n();
  const d = p.d;
  const name = d.label ? shown(d.label) : t.devices.unnamed;
  const [confirming, setConfirming] = useState(false);
  const action = useAction();
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
      <ErrorBox failure={action.failure} />
      {!d.current && !d.revokedAt && !confirming && (
        <div class="actions">
          <Button kind="secondary" onClick={() => setConfirming(true)}>
            {t.devices.revoke}
          </Button>
        </div>
      )}
      {confirming && (
        <div class="confirm" role="group" aria-label={t.devices.revoke}>
          <p>{t.devices.confirmRevoke(name)}</p>
          <div class="actions">
            <Button
              kind="danger"
              busy={action.busy}
              onClick={async () => {
                const r = await action.run(() => meClient(p.wallet).revokeDevice(d.id));
                if (r) {
                  setConfirming(false);
                  p.onRevoked(r.credentialsRevoked.length);
                }
              }}
            >
              {t.devices.confirm}
            </Button>
            <Button kind="secondary" disabled={action.busy} onClick={() => setConfirming(false)}>
              {t.app.cancel}
            </Button>
          </div>
        </div>
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
      {list.state === 'loading' && <Busy text={t.app.loading} />}
      {list.state === 'failed' && (
        <ErrorBox failure={list.failure}>
          <div class="actions">
            <Button kind="secondary" onClick={list.retry}>
              {t.app.retry}
            </Button>
          </div>
        </ErrorBox>
      )}
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
