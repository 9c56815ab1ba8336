/**
 * The two catalogues and the current language. Chinese by default; the person's choice is
 * remembered in this browser (localStorage) and set on <html lang>.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { en } from './en/index.ts';
import { zhCN, type Catalogue } from './zh-CN/index.ts';

export type { Catalogue };
export type Lang = 'zh-CN' | 'en';

export const CATALOGUES: Readonly<Record<Lang, Catalogue>> = { 'zh-CN': zhCN, en };

const KEY = 'wangzheng-lang';

export function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    // storage blocked: the default
  }
  return 'zh-CN';
}

export function rememberLang(lang: Lang): void {
  try {
    localStorage.setItem(KEY, lang);
  } catch {
    // not remembered; still switched for this visit
  }
  document.documentElement.lang = lang;
}

export interface I18n {
  t: Catalogue;
  lang: Lang;
  setLang(lang: Lang): void;
}

export const I18nContext = createContext<I18n>({ t: zhCN, lang: 'zh-CN', setLang: () => {} });

export function useI18n(): I18n {
  return useContext(I18nContext);
}

/** Looks a code up in one of the catalogue's label maps; an unknown code is shown as itself. */
export function label(map: Readonly<Record<string, string>>, code: string): string {
  return Object.hasOwn(map, code) ? map[code]! : code;
}

/** Dates as the person reads them, in their language, in China's time zone. */
export function formatTime(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  // English: "3 Dec 2026, 08:18" — 03/12/2026 reads as 3 December or March 12 depending on the reader.
  return lang === 'en'
    ? d.toLocaleString('en-GB', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
    : d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

export function formatDate(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return lang === 'en'
    ? d.toLocaleDateString('en-GB', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'short', day: 'numeric' })
    : d.toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
}
