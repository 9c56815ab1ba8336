/**
 * The app shell: language, the wallet in this browser, the route, the header and the offline
 * banner. Screens live in ./screens; each gets the stored wallet when there is one, and the
 * "no wallet here" screen stands in when there is none (a cleared browser store included).
 *
 * A 网证 the browser would not store (storage full, or no storage at all: private browsing) is
 * kept here, in the page, with its non-extractable key: every screen works with it, a banner says
 * it is not saved and offers to save it again, and leaving the page asks first.
 */
import type { JSX } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { failureOf, type Failure } from '../shared/api.ts';
import { AppShell, useLanguage, useOnline } from '../shared/app-shell.tsx';
import { loadWallet, saveWallet, type StoredWallet, type WalletState } from '../shared/store.ts';
import { WalletContext, type Unsaved, type WalletCtx } from './context.ts';
import { useRoute } from './router.ts';
import { AuthorizationsScreen } from './screens/authorizations.tsx';
import { DevicesScreen } from './screens/devices.tsx';
import { EnrollScreen } from './screens/enroll.tsx';
import { HistoryScreen } from './screens/history.tsx';
import { HomeScreen } from './screens/home.tsx';
import { LockScreen } from './screens/lock.tsx';
import { MoreScreen } from './screens/more.tsx';
import { NoWalletScreen } from './screens/no-wallet.tsx';
import { ScanScreen } from './screens/scan.tsx';
import { NotSaved } from './screens/unsaved.tsx';
import { VenueScreen } from './screens/venue.tsx';
import { VerifyScreen } from './screens/verify.tsx';
import { Busy } from './ui.tsx';

/** Screens that need a wallet in this browser. */
const WITH_WALLET: Record<string, (p: { wallet: StoredWallet; params: URLSearchParams }) => JSX.Element> = {
  '/': HomeScreen,
  '/verify': VerifyScreen,
  '/history': HistoryScreen,
  '/authorizations': AuthorizationsScreen,
  '/devices': DevicesScreen,
  '/lock': LockScreen,
  '/more': MoreScreen,
  '/venue': VenueScreen,
};

export function App(): JSX.Element {
  const i18n = useLanguage();
  const t = i18n.t;

  const [stored, setStored] = useState<WalletState | undefined>(undefined);
  const [unsaved, setUnsaved] = useState<Unsaved | null>(null);
  const reload = useCallback(async () => setStored(await loadWallet()), []);
  useEffect(() => {
    void reload();
  }, [reload]);
  const store = useCallback(
    async (w: StoredWallet): Promise<Failure | null> => {
      try {
        await saveWallet(w);
      } catch (e) {
        const failure = failureOf(e);
        setUnsaved({ wallet: w, failure });
        return failure;
      }
      setUnsaved(null);
      await reload();
      return null;
    },
    [reload],
  );
  const saveAgain = useCallback(async () => (unsaved ? store(unsaved.wallet) : null), [unsaved, store]);
  const state = useMemo<WalletState | undefined>(() => (unsaved ? { kind: 'ready', wallet: unsaved.wallet } : stored), [unsaved, stored]);
  const wallet = useMemo(() => ({ state, reload, unsaved, keepUnsaved: setUnsaved, store, saveAgain }), [state, reload, unsaved, store, saveAgain]);

  // Leaving the page would lose an unsaved 网证 (its key exists only here): the browser asks first.
  useEffect(() => {
    if (!unsaved) return;
    const ask = (e: BeforeUnloadEvent): void => {
      e.preventDefault();
      e.returnValue = '';
    };
    addEventListener('beforeunload', ask);
    return () => removeEventListener('beforeunload', ask);
  }, [unsaved]);

  const route = useRoute();
  const online = useOnline();

  let screen: JSX.Element;
  if (!state) screen = <Busy text={t.app.loading} />;
  else if (route.path === '/enroll') screen = <EnrollScreen />;
  else if (route.path === '/scan') screen = <ScanScreen />;
  else if (state.kind !== 'ready') screen = <NoWalletScreen state={state} />;
  else {
    const S = WITH_WALLET[route.path] ?? HomeScreen;
    screen = <S wallet={state.wallet} params={route.params} />;
  }

  return (
    <AppShell i18n={i18n} home="#/" name={t.app.name} subtitle={t.app.subtitle} title={`${t.app.name} · ${t.app.subtitle}`}>
      <WalletContext.Provider value={wallet}>
        {!online && (
          <p class="offline" role="status">
            {t.app.offline}
          </p>
        )}
        <main id="main" tabIndex={-1}>
          {unsaved && route.path !== '/enroll' && <NotSaved banner />}
          {screen}
        </main>
      </WalletContext.Provider>
    </AppShell>
  );
}
