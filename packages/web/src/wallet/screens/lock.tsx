/**
 * Lock and unlock: locking needs only this device (a found phone can lock); unlocking needs the
 * passphrase too, checked by the platform with its lockout (5 wrong → 15 minutes).
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { StoredWallet } from '../../shared/store.ts';
import { useI18n } from '../../shared/i18n/index.ts';
import { fetchStatus, meClient, rememberStatus, useAction, useLoad } from '../holder.ts';
import { Button, ErrorBox, Field, LoadState, Notice, Screen } from '../ui.tsx';

export function LockScreen(p: { wallet: StoredWallet }): JSX.Element {
  const { t } = useI18n();
  const status = useLoad(() => fetchStatus(p.wallet), [p.wallet.credentialId]);
  const action = useAction();
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [said, setSaid] = useState<string | null>(null);

  if (status.state !== 'ok') {
    return (
      <Screen title={t.lock.title}>
        <LoadState of={status} />
      </Screen>
    );
  }
  const locked = status.value.status === 'locked';
  return (
    <Screen title={t.lock.title}>
      {said && (
        <Notice tone="ok" live>
          <p>{said}</p>
        </Notice>
      )}
      <p class="lead">
        <span class={`badge ${locked ? 'badge-warn' : 'badge-ok'}`}>{locked ? t.home.locked : t.home.active}</span> {locked ? t.lock.statusLocked : t.lock.statusActive}
      </p>
      <ErrorBox failure={action.failure} />
      {!locked ? (
        <>
          <p>{t.lock.lockIntro}</p>
          <div class="actions">
            <Button
              kind="danger"
              busy={action.busy}
              onClick={async () => {
                setSaid(null);
                const s = await action.run(() => meClient(p.wallet).lock());
                if (s) {
                  rememberStatus(p.wallet, s.status);
                  status.set(s);
                  setSaid(t.lock.lockedNow);
                }
              }}
            >
              {t.lock.lock}
            </Button>
          </div>
        </>
      ) : (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            if (!/^[0-9]{8}$/.test(passphrase)) {
              setError(t.enroll.ruleErrors.not_8_digits);
              return;
            }
            setError(undefined);
            setSaid(null);
            const s = await action.run(() => meClient(p.wallet).unlock(passphrase));
            setPassphrase('');
            if (s) {
              rememberStatus(p.wallet, s.status);
              status.set(s);
              setSaid(t.lock.unlockedNow);
            }
          }}
        >
          <p>{t.lock.unlockIntro}</p>
          <Field id="unlock-passphrase" label={t.lock.passphrase} type="password" inputMode="numeric" autoComplete="current-password" maxLength={8} value={passphrase} onValue={setPassphrase} error={error} required />
          <div class="actions">
            <Button type="submit" busy={action.busy}>
              {t.lock.unlock}
            </Button>
          </div>
        </form>
      )}
    </Screen>
  );
}
