/**
 * The portal's small building blocks: a refusal with the platform's message and its stable code
 * (`Problem`), a copy button (Clipboard API; on refusal it says so and selects the text), a
 * copyable code block, the one-time secret panel, a screen heading that takes focus.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../shared/i18n/index.ts';
import type { ApiError, Registered } from './api.ts';

/** The platform's `{ error, message }`: its message (English, as the platform words it) and the code. */
export function Problem(p: { error: ApiError; extra?: string }): JSX.Element {
  const { t } = useI18n();
  return (
    <div class="message error" role="alert" data-code={p.error.code}>
      {p.extra ? <p>{p.extra}</p> : null}
      <p lang="en">{p.error.message}</p>
      <p class="detail">
        <code>{t.developers.errorCode(p.error.code)}</code>
      </p>
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

/** The screen's heading, focused when the screen opens (keyboard and screen-reader users land on it). */
export function Heading(p: { children: ComponentChildren }): JSX.Element {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {p.children}
    </h1>
  );
}

/** Copies `text`; says "copied" for a moment, or that the browser refused (then selects `select`). */
export function CopyButton(p: { text: string; what: string; select?: () => HTMLElement | null }): JSX.Element {
  const { t } = useI18n();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state !== 'copied') return;
    const id = window.setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(id);
  }, [state]);
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(p.text);
      setState('copied');
    } catch {
      setState('failed');
      const el = p.select?.();
      if (el) {
        const range = document.createRange();
        range.selectNodeContents(el);
        const sel = getSelection();
        sel?.removeAllRanges();
        sel?.addRange(range);
      }
    }
  };
  return (
    <span class="copy">
      {/* The visible word first, then what is copied for a screen reader: the name contains what is seen. */}
      <button type="button" class="btn btn-secondary btn-small" onClick={() => void copy()}>
        {state === 'copied' ? t.developers.copied : t.developers.copy}
        <span class="visually-hidden"> {p.what}</span>
      </button>
      <span role="status" class="copy-status">
        {state === 'failed' ? t.developers.copyFailed : state === 'copied' ? <span class="visually-hidden">{t.developers.copied}</span> : null}
      </span>
    </span>
  );
}

/** A labelled block of code with a copy button. */
export function CodeBlock(p: { id: string; title: string; code: string; lang?: string }): JSX.Element {
  const { t } = useI18n();
  const ref = useRef<HTMLPreElement>(null);
  return (
    <div class="code-block">
      <div class="code-head">
        <span id={`${p.id}-title`}>{p.title}</span>
        <CopyButton text={p.code} what={t.developers.snippets.snippetLabel(p.title)} select={() => ref.current} />
      </div>
      <pre id={p.id} ref={ref} tabIndex={0} aria-labelledby={`${p.id}-title`} data-lang={p.lang}>
        <code>{p.code}</code>
      </pre>
    </div>
  );
}

/** A value on one line with a copy button (the client id, the secret). */
export function CopyValue(p: { label: string; value: string; id: string }): JSX.Element {
  return (
    <div class="copy-value">
      <span class="copy-label" id={`${p.id}-label`}>
        {p.label}
      </span>
      <code class="mono" id={p.id} aria-labelledby={`${p.id}-label`}>
        {p.value}
      </code>
      <CopyButton text={p.value} what={p.label} />
    </div>
  );
}

/** What an application or a sandbox answered: the client id, the secret shown once, the status. */
export function Credentials(p: { r: Registered; statusText: string; title: string; onUse?: () => void }): JSX.Element {
  const { t } = useI18n();
  const d = t.developers;
  return (
    <section class="card card-ok" aria-labelledby="registered-title" data-testid="registered">
      <h2 id="registered-title">{p.title}</h2>
      <p data-status={p.r.status}>{p.statusText}</p>
      <CopyValue label={d.secret.clientId} value={p.r.clientId} id="client-id" />
      {p.r.clientSecret ? (
        <>
          <div class="message warn" role="note">
            <p class="message-title">{d.secret.warnTitle}</p>
            <p>{d.secret.warn}</p>
          </div>
          <CopyValue label={d.secret.clientSecret} value={p.r.clientSecret} id="client-secret" />
          {p.onUse ? (
            <div class="actions">
              <button type="button" class="btn btn-primary" onClick={p.onUse}>
                {d.secret.useHere}
              </button>
              <p class="hint">{d.secret.useHereHint}</p>
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

/** Lines of a textarea: trimmed, empty ones dropped. */
export function lines(s: string): string[] {
  return s
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}
