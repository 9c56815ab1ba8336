/**
 * The small set of building blocks every screen uses: a screen with its heading (focused on
 * arrival, so a screen reader announces where the person is), labelled fields, error and busy
 * messages, what a load or an action came to, an action asked twice, the simulation badge. All
 * text comes from the catalogue (props or `useI18n`).
 */
import type { ComponentChildren, JSX, Ref } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Failure } from '../shared/api.ts';
import { label, useI18n } from '../shared/i18n/index.ts';
import { useAction, type Loaded } from './holder.ts';
import { href } from './router.ts';

export function Screen(props: { title: string; back?: string | false; children: ComponentChildren; wide?: boolean }): JSX.Element {
  const { t } = useI18n();
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    h1.current?.focus({ preventScroll: false });
  }, [props.title]);
  return (
    <section class={props.wide ? 'screen wide' : 'screen'} aria-labelledby="screen-title">
      {props.back !== false && (
        <a class="back" href={props.back ?? href('/')}>
          {t.app.back}
        </a>
      )}
      <h1 id="screen-title" tabIndex={-1} ref={h1}>
        {props.title}
      </h1>
      {props.children}
    </section>
  );
}

export function Card(props: { children: ComponentChildren; title?: string; level?: 2 | 3; class?: string; tone?: 'warn' | 'ok' | 'sim' }): JSX.Element {
  const H = props.level === 3 ? 'h3' : 'h2';
  return (
    <div class={['card', props.tone ? `card-${props.tone}` : '', props.class ?? ''].join(' ').trim()}>
      {props.title && <H>{props.title}</H>}
      {props.children}
    </div>
  );
}

export interface FieldProps {
  id: string;
  label: string;
  value: string;
  onValue: (v: string) => void;
  hint?: string;
  error?: string | undefined;
  type?: 'text' | 'password' | 'tel';
  inputMode?: 'numeric' | 'text' | 'tel';
  autoComplete?: string;
  maxLength?: number;
  required?: boolean;
  disabled?: boolean;
  inputRef?: Ref<HTMLInputElement>;
}

export function Field(p: FieldProps): JSX.Element {
  const described = [p.hint ? `${p.id}-hint` : '', p.error ? `${p.id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={p.error ? 'field invalid' : 'field'}>
      <label for={p.id}>{p.label}</label>
      {p.hint && (
        <p class="hint" id={`${p.id}-hint`}>
          {p.hint}
        </p>
      )}
      <input
        id={p.id}
        name={p.id}
        ref={p.inputRef}
        type={(p.type ?? 'text') as 'text'}
        inputMode={p.inputMode}
        autoComplete={p.autoComplete ?? 'off'}
        maxLength={p.maxLength}
        required={p.required}
        disabled={p.disabled}
        value={p.value}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={described || undefined}
        onInput={(e) => p.onValue((e.currentTarget as HTMLInputElement).value)}
      />
      {p.error && (
        <p class="field-error" id={`${p.id}-error`}>
          {p.error}
        </p>
      )}
    </div>
  );
}

export function Check(p: { id: string; label: string; checked: boolean; onChange: (v: boolean) => void; disabled?: boolean }): JSX.Element {
  return (
    <div class="check">
      <input id={p.id} name={p.id} type="checkbox" checked={p.checked} disabled={p.disabled} onChange={(e) => p.onChange((e.currentTarget as HTMLInputElement).checked)} />
      <label for={p.id}>{p.label}</label>
    </div>
  );
}

/** A failure in the person's language: the catalogue's text for its code, else the platform's own words. */
export function failureText(t: ReturnType<typeof useI18n>['t'], f: Failure): { text: string; detail?: string } {
  const known = Object.hasOwn(t.errors, f.code);
  if (known) return { text: label(t.errors, f.code), ...(f.code !== 'offline' && f.code !== 'unreachable' && f.message && f.message !== f.code ? { detail: t.errorDetail(f.message) } : {}) };
  return { text: t.errors['unexpected']!, detail: t.errorDetail(f.message) };
}

export function ErrorBox(p: { failure: Failure | null | undefined; title?: string; children?: ComponentChildren }): JSX.Element | null {
  const { t } = useI18n();
  if (!p.failure) return null;
  const { text, detail } = failureText(t, p.failure);
  return (
    <div class="message error" role="alert">
      {p.title && <p class="message-title">{p.title}</p>}
      <p>{text}</p>
      {detail && (
        <p class="detail" lang="en">
          {detail}
        </p>
      )}
      {p.failure.code === 'credential_locked' && (
        <p>
          <a href={href('/lock')}>{t.app.goUnlock}</a>
        </p>
      )}
      {p.children}
    </div>
  );
}

/** A load under way (`text`, or "loading"), or its failure with "try again"; nothing once loaded. */
export function LoadState(p: { of: Loaded<unknown> & { retry: () => void }; text?: string }): JSX.Element | null {
  const { t } = useI18n();
  if (p.of.state === 'loading') return <Busy text={p.text ?? t.app.loading} />;
  if (p.of.state === 'ok') return null;
  return (
    <ErrorBox failure={p.of.failure}>
      <div class="actions">
        <Button kind="secondary" onClick={p.of.retry}>
          {t.app.retry}
        </Button>
      </div>
    </ErrorBox>
  );
}

/**
 * What an action came to — its failure, or what it did (`done`) — then its button: a submit
 * button, or `onClick` when it is not a form's.
 */
export function ActionEnd(p: { action: { busy: boolean; failure: Failure | null }; done?: string | null; label: string; onClick?: () => void }): JSX.Element {
  return (
    <>
      <ErrorBox failure={p.action.failure} />
      {p.done && (
        <Notice tone="ok" live>
          <p>{p.done}</p>
        </Notice>
      )}
      <div class="actions">
        <Button type={p.onClick ? 'button' : 'submit'} busy={p.action.busy} onClick={p.onClick}>
          {p.label}
        </Button>
      </div>
    </>
  );
}

/**
 * An action that cannot be undone, asked twice: its button, then the question with "confirm"
 * (danger) and "cancel". `run` does it; its failure is shown, and the question stays.
 */
export function ConfirmedAction(p: { label: string; question: string; confirm: string; run: () => Promise<unknown> }): JSX.Element {
  const { t } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const action = useAction();
  return (
    <>
      <ErrorBox failure={action.failure} />
      {!confirming ? (
        <div class="actions">
          <Button kind="secondary" onClick={() => setConfirming(true)}>
            {p.label}
          </Button>
        </div>
      ) : (
        <div class="confirm" role="group" aria-label={p.label}>
          <p>{p.question}</p>
          <div class="actions">
            <Button
              kind="danger"
              busy={action.busy}
              onClick={async () => {
                const done = await action.run(async () => {
                  await p.run();
                  return true;
                });
                if (done) setConfirming(false);
              }}
            >
              {p.confirm}
            </Button>
            <Button kind="secondary" disabled={action.busy} onClick={() => setConfirming(false)}>
              {t.app.cancel}
            </Button>
          </div>
        </div>
      )}
    </>
  );
}

export function Notice(p: { tone: 'ok' | 'info' | 'warn'; children: ComponentChildren; live?: boolean }): JSX.Element {
  return (
    <div class={`message ${p.tone}`} role={p.live ? 'status' : undefined}>
      {p.children}
    </div>
  );
}

export function Busy(p: { text: string }): JSX.Element {
  return (
    <p class="busy" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {p.text}
    </p>
  );
}

export function SimBadge(): JSX.Element {
  const { t } = useI18n();
  return (
    <span class="sim-badge" title={t.app.simulationLabel}>
      {t.app.simulation}
    </span>
  );
}

export function Button(p: {
  children: ComponentChildren;
  onClick?: () => void;
  type?: 'button' | 'submit';
  kind?: 'primary' | 'secondary' | 'danger' | 'link';
  disabled?: boolean;
  busy?: boolean;
}): JSX.Element {
  return (
    <button type={p.type ?? 'button'} class={`btn btn-${p.kind ?? 'primary'}`} disabled={p.disabled || p.busy} aria-busy={p.busy ? 'true' : undefined} onClick={p.onClick}>
      {p.children}
    </button>
  );
}

export function LinkButton(p: { href: string; children: ComponentChildren; kind?: 'primary' | 'secondary' }): JSX.Element {
  return (
    <a class={`btn btn-${p.kind ?? 'primary'}`} href={p.href}>
      {p.children}
    </a>
  );
}

/** A definition list row. */
export function Row(p: { term: string; children: ComponentChildren }): JSX.Element {
  return (
    <div class="row">
      <dt>{p.term}</dt>
      <dd>{p.children}</dd>
    </div>
  );
}

/** Text from the platform (an RP's name, a message): shown as text only, control characters removed. */
export function shown(s: unknown): string {
  return String(s ?? '')
    .replace(/[\p{Cc}\p{Cf}]/gu, ' ')
    .slice(0, 500);
}

/** `12345****9` style: the 网号 shown partly until the person asks to see it. */
export function maskNetid(netid: string): string {
  return netid.length <= 4 ? netid : `${netid.slice(0, 2)}${'•'.repeat(netid.length - 4)}${netid.slice(-2)}`;
}
