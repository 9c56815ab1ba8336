/**
 * The app shell: language, the wallet in this browser, the route, the header and the offline
 * banner. Screens live in ./screens; each gets the stored wallet when there is one, and the
 * "no wallet here" screen stands in when there is none (a cleared browser store included).
 */
import { createContext, type JSX } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { CATALOGUES, I18nContext, initialLang, rememberLang, type I18n, type Lang } from '../shared/i18n/index.ts';
import { loadWallet, type StoredWallet, type WalletState } from '../shared/store.ts';
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
import { VenueScreen } from './screens/venue.tsx';
import { VerifyScreen } from './screens/verify.tsx';
import { Busy } from './ui.tsx';

export interface WalletCtx {
  state: WalletState | undefined;
  reload(): Promise<void>;
}

export const WalletContext = createContext<WalletCtx>({ state: undefined, reload: async () => {} });

export function useWallet(): WalletCtx {
  return useContext(WalletContext);
}

function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const on = (): void => setOnline(navigator.onLine);
    addEventListener('online', on);
    addEventListener('offline', on);
    return () => {
      removeEventListener('online', on);
      removeEventListener('offline', on);
    };
  }, []);
  return online;
}

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
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((l: Lang) => {
    rememberLang(l);
    setLangState(l);
  }, []);
  const i18n: I18n = useMemo(() => ({ t: CATALOGUES[lang], lang, setLang }), [lang, setLang]);
  const t = i18n.t;

  const [state, setState] = useState<WalletState | undefined>(undefined);
  const reload = useCallback(async () => setState(await loadWallet()), []);
  useEffect(() => {
    void reload();
  }, [reload]);
  const wallet = useMemo(() => ({ state, reload }), [state, reload]);

  const route = useRoute();
  const online = useOnline();
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = `${t.app.name} · ${t.app.subtitle}`;
  }, [lang, t]);

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
    <I18nContext.Provider value={i18n}>
      <WalletContext.Provider value={wallet}>
        <a class="skip" href="#main" onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}>
          {t.app.skipToContent}
        </a>
        <header class="topbar">
          <a class="brand" href="#/">
            <img src="icon.svg" alt="" width={32} height={32} />
            <span>
              <strong>{t.app.name}</strong>
              <small>{t.app.subtitle}</small>
            </span>
          </a>
          <button type="button" class="lang" lang={lang === 'zh-CN' ? 'en' : 'zh-CN'} aria-label={t.app.switchLanguageLabel} onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}>
            {t.app.switchLanguage}
          </button>
        </header>
        {!online && (
          <p class="offline" role="status">
            {t.app.offline}
          </p>
        )}
        <main id="main" tabIndex={-1}>
          {screen}
        </main>
        <footer class="foot">{t.app.footer}</footer>
      </WalletContext.Provider>
    </I18nContext.Provider>
  );
}
