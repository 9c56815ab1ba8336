/**
 * No wallet in this browser (never enrolled here, or the browser's store was cleared), a
 * damaged one, or a browser that will not store anything: say so and offer enrollment —
 * never a crash.
 */
import type { JSX } from 'preact';
import { useI18n } from '../../shared/i18n/index.ts';
import { clearWallet, type WalletState } from '../../shared/store.ts';
import { useWallet } from '../context.ts';
import { go, href } from '../router.ts';
import { Button, Card, LinkButton, Screen } from '../ui.tsx';

export function NoWalletScreen(p: { state: WalletState }): JSX.Element {
  const { t } = useI18n();
  const { reload } = useWallet();
  if (p.state.kind === 'unavailable') {
    return (
      <Screen title={t.nowallet.unavailableTitle} back={false}>
        <p>{t.nowallet.unavailableBody}</p>
      </Screen>
    );
  }
  if (p.state.kind === 'damaged') {
    return (
      <Screen title={t.nowallet.damagedTitle} back={false}>
        <p>{t.nowallet.damagedBody}</p>
        <div class="actions">
          <Button
            kind="danger"
            onClick={async () => {
              await clearWallet();
              await reload();
              go('/enroll');
            }}
          >
            {t.nowallet.damagedClear}
          </Button>
        </div>
      </Screen>
    );
  }
  return (
    <Screen title={t.nowallet.title} back={false}>
      <p class="lead">{t.nowallet.body}</p>
      <div class="actions">
        <LinkButton href={href('/enroll')}>{t.nowallet.enroll}</LinkButton>
      </div>
      <Card title={t.nowallet.moveTitle}>
        <p>{t.nowallet.moveBody}</p>
      </Card>
    </Screen>
  );
}
