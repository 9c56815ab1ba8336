/**
 * The console's small building blocks: loading something from the platform into a screen
 * (`useLoad`), showing a refusal with its stable code (`Problem`), the paging row, a status badge.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { label, useI18n, type Lang } from '../shared/i18n/index.ts';
import { ApiError, apiErrorOf } from './api.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload(): void;
}

/** Runs `load` now and whenever `deps` change; a later answer always wins over an earlier one. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => mine === seq.current && setState({ data, loading: false }),
      (e: unknown) => mine === seq.current && setState({ error: apiErrorOf(e), loading: false }),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** A refusal or failure: our text for its code (when we have one), the platform's message, and the code. */
export function Problem(p: { error: ApiError; title?: string }): JSX.Element {
  const { t } = useI18n();
  const c = t.console;
  const ours = Object.hasOwn(c.errors, p.error.code) ? c.errors[p.error.code] : undefined;
  const signedOut = p.error.status === 401;
  return (
    <div class="message error" role="alert" data-code={p.error.code}>
      {p.title ? <p class="message-title">{p.title}</p> : null}
      <p>{ours ?? p.error.message}</p>
      {ours && p.error.message && p.error.message !== p.error.code ? (
        <p class="detail" lang="en">
          {p.error.message}
        </p>
      ) : null}
      <p class="detail">
        <code>{c.errorCode(p.error.code)}</code>
      </p>
      {signedOut ? (
        <p>
          <a href="#/signin">{c.signin.button}</a>
        </p>
      ) : null}
    </div>
  );
}

export function Done(p: { children: ComponentChildren }): JSX.Element {
  return (
    <div class="message ok" role="status">
      <p>{p.children}</p>
    </div>
  );
}

export function Loading(): JSX.Element {
  const { t } = useI18n();
  return (
    <p class="meta" role="status">
      {t.console.loading}
    </p>
  );
}

/** "Next page" while the platform says there is more; "first page" once we have moved on. */
export function Pager(p: { next: string | undefined; atFirst: boolean; onNext(next: string): void; onFirst(): void }): JSX.Element | null {
  const { t } = useI18n();
  if (!p.next && p.atFirst) return null;
  return (
    <div class="actions pager">
      {!p.atFirst ? (
        <button type="button" class="btn btn-secondary" onClick={p.onFirst}>
          {t.console.first}
        </button>
      ) : null}
      {p.next ? (
        <button type="button" class="btn btn-secondary" onClick={() => p.onNext(p.next!)}>
          {t.console.more}
        </button>
      ) : null}
    </div>
  );
}

export function Badge(p: { names: Readonly<Record<string, string>>; value: string; tone?: string }): JSX.Element {
  return <span class={`badge state-${p.tone ?? p.value}`}>{label(p.names, p.value)}</span>;
}

/** An instant (epoch milliseconds or ISO) as the operator reads it, to the second, in China's time zone. */
export function instantText(at: string | number, lang: Lang): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  return d.toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function When(p: { at: string | number | null | undefined }): JSX.Element {
  const { lang } = useI18n();
  if (p.at === null || p.at === undefined || p.at === '') return <span>-</span>;
  const d = new Date(p.at);
  return <time dateTime={Number.isNaN(d.getTime()) ? undefined : d.toISOString()}>{instantText(p.at, lang)}</time>;
}

/** The page has just loaded: its first heading is not focused (the skip link comes first). */
let pageJustLoaded = true;

/**
 * A screen's heading, focused when the operator moves to the screen (keyboard and screen-reader
 * users land on it) — not on the page's first screen, where Tab starts at the skip link.
 */
export function Heading(p: { children: ComponentChildren }): JSX.Element {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (pageJustLoaded) {
      pageJustLoaded = false;
      return;
    }
    ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {p.children}
    </h1>
  );
}
