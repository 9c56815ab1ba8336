/**
 * Form pieces the enrollment and the settings screens share: the simulated SMS inbox, a new
 * passphrase asked twice with its rules marked as the person types.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { checkPassphrase, type PassphraseProblem } from '@wangzheng/core/passphrase/policy';
import { failureOf, sim, type Failure } from '../shared/api.ts';
import { label, useI18n } from '../shared/i18n/index.ts';
import { Button, ErrorBox, Field, SimBadge } from './ui.tsx';

/** The development outbox, shown so a tester can read the code; the person still types it. */
export function SimulatedSms(p: { phone: string }): JSX.Element {
  const { t } = useI18n();
  const [shown, setShown] = useState<{ to: string; code: string } | null | undefined>(undefined);
  const [failure, setFailure] = useState<Failure | null>(null);
  return (
    <aside class="card card-sim sms" aria-labelledby="sms-title">
      <h3 id="sms-title">
        <SimBadge /> {t.enroll.smsTitle}
      </h3>
      <p class="hint">{t.enroll.smsNote}</p>
      <Button
        kind="secondary"
        onClick={async () => {
          setFailure(null);
          try {
            const m = await sim.sms(p.phone);
            setShown(m ? { to: m.to, code: m.code } : null);
          } catch (e) {
            const f = failureOf(e);
            setFailure(f.code === 'not_found' ? { code: 'simulation_unavailable', message: f.message } : f);
          }
        }}
      >
        {t.enroll.smsShow}
      </Button>
      <div aria-live="polite">
        {shown === null && <p>{t.enroll.smsNone}</p>}
        {shown && (
          <p class="sms-message">
            {t.enroll.smsMessage(shown.to, shown.code)}
          </p>
        )}
      </div>
      <ErrorBox failure={failure} />
    </aside>
  );
}

const RULES: PassphraseProblem[] = ['not_8_digits', 'all_same', 'sequence', 'repeating', 'birth_date'];

/** The rules, each marked met / not met as the person types (the birth date only the platform knows). */
export function PassphraseRules(p: { value: string }): JSX.Element {
  const { t } = useI18n();
  const problem = p.value === '' ? 'empty' : checkPassphrase(p.value);
  const failed = problem === 'empty' ? -1 : problem === undefined ? RULES.length : RULES.indexOf(problem);
  return (
    <div class="rules">
      <p class="rules-title" id="rules-title">
        {t.enroll.rulesTitle}
      </p>
      <ul aria-labelledby="rules-title">
        {RULES.map((r, i) => {
          const state = problem === 'empty' || r === 'birth_date' ? 'todo' : i < failed ? 'ok' : i === failed ? 'bad' : 'todo';
          return (
            <li key={r} class={`rule rule-${state}`}>
              {t.enroll.rules[r]}
              {state !== 'todo' && <span class="visually-hidden">{state === 'ok' ? t.enroll.ruleOk : t.enroll.ruleBad}</span>}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export function NewPassphrase(p: { idPrefix: string; first: string; second: string; onFirst: (v: string) => void; onSecond: (v: string) => void; errors: { first?: string; second?: string }; labels: { first: string; second: string } }): JSX.Element {
  return (
    <>
      <Field id={`${p.idPrefix}-1`} label={p.labels.first} type="password" inputMode="numeric" autoComplete="new-password" maxLength={8} value={p.first} onValue={p.onFirst} error={p.errors.first} required />
      <PassphraseRules value={p.first} />
      <Field id={`${p.idPrefix}-2`} label={p.labels.second} type="password" inputMode="numeric" autoComplete="new-password" maxLength={8} value={p.second} onValue={p.onSecond} error={p.errors.second} required />
    </>
  );
}

/** The rules a new passphrase breaks that the wallet can check, as field errors (undefined: fine). */
export function newPassphraseErrors(t: ReturnType<typeof useI18n>['t'], first: string, second: string): { first?: string; second?: string } | undefined {
  const problem = checkPassphrase(first);
  if (problem) return { first: t.enroll.ruleErrors[problem] };
  if (first !== second) return { second: t.enroll.mismatch };
  return undefined;
}
