/**
 * What the two web apps — the wallet and the venue checker — share around their screens: the
 * language (Chinese by default, the person's choice remembered and set on <html lang>, with the
 * document's title), the skip link, the top bar with the app's name and the language switch,
 * the footer; and whether the browser is online.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { CATALOGUES, I18nContext, initialLang, rememberLang, type I18n, type Lang } from './i18n/index.ts';

/** `navigator.onLine`, kept current. */
export function useOnline(): boolean {
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

/** The language of the page: the remembered choice, switched (and remembered) with `setLang`. */
export function useLanguage(): I18n {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((l: Lang) => {
    rememberLang(l);
    setLangState(l);
  }, []);
  return useMemo(() => ({ t: CATALOGUES[lang], lang, setLang }), [lang, setLang]);
}

/**
 * The frame of an app: the catalogue for everything inside, then the skip link, the top bar (the
 * app's name linking `home`, anything the app adds there (`headerExtra`: the console's operator),
 * the language switch), the app's own content and the footer.
 */
export function AppShell(p: { i18n: I18n; home: string; name: string; subtitle: string; title: string; children: ComponentChildren; headerExtra?: ComponentChildren }): JSX.Element {
  const { t, lang, setLang } = p.i18n;
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = p.title;
  }, [lang, p.title]);
  const other: Lang = lang === 'zh-CN' ? 'en' : 'zh-CN';
  return (
    <I18nContext.Provider value={p.i18n}>
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        {t.app.skipToContent}
      </a>
      <header class="topbar">
        <a class="brand" href={p.home}>
          <img src="icon.svg" alt="" width={32} height={32} />
          <span>
            <strong>{p.name}</strong>
            <small>{p.subtitle}</small>
          </span>
        </a>
        {p.headerExtra}
        <button type="button" class="lang" lang={other} aria-label={t.app.switchLanguageLabel} onClick={() => setLang(other)}>
          {t.app.switchLanguage}
        </button>
      </header>
      {p.children}
      <footer class="foot">{t.app.footer}</footer>
    </I18nContext.Provider>
  );
}
