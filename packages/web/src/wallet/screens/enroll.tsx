/**
 * Enrollment (申领) in six steps with a progress indicator:
 *   1 notice and the two consents — BEFORE anything about the person is read (the CLI does the
 *     same: processing starts with the chip), 2 document chip (simulated NFC reader),
 *   3 face (simulated camera), 4 phone number and SMS code, 5 passphrase, 6 this device's key.
 * The protocol is the wallet library's `enroll`, driven by ../enroll-driver.ts; this screen
 * only asks the person, one question at a time, and shows what happened.
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { parseMobile } from '@wangzheng/core/contact/phone';
import { DOCUMENT_TYPES, isDocumentType } from '@wangzheng/core/documents/document-types';
import { assertDocumentNumber } from '@wangzheng/core/documents/numbers';
import { checkPassphrase, type PassphraseProblem } from '@wangzheng/core/passphrase/policy';
import type { EnrollStep, NoticeView } from '@wangzheng/wallet/enroll/enroll';
import { failureOf, platformClient, sim, type Failure, type SampleDocument } from '../../shared/api.ts';
import { formatDate, label, useI18n, type Lang } from '../../shared/i18n/index.ts';
import { useWallet } from '../context.ts';
import { runEnrollment, type Answers, type Question } from '../enroll-driver.ts';
import { go } from '../router.ts';
import { NotSaved } from './unsaved.tsx';
import { Busy, Button, Card, Check, ErrorBox, Field, Notice, Row, Screen, SimBadge, maskNetid } from '../ui.tsx';

type Phase =
  | { kind: 'existing' }
  | { kind: 'notice' }
  | { kind: 'declined' }
  | { kind: 'document' }
  | { kind: 'running' }
  | { kind: 'done'; netid: string; expiresAt: string }
  | { kind: 'guardian'; code: string }
  | { kind: 'failed'; failure: Failure };

interface Pending {
  q: Question;
  resolve: (v: unknown) => void;
}

const STEP_OF: Partial<Record<EnrollStep, number>> = { start: 2, chip: 2, face: 3, phone: 4, phone_code: 4, consent: 4, passphrase: 5, device: 6, issued: 7, guardian_approval: 7 };
const QUESTION_STEP: Record<Question['kind'], number> = { face: 3, replace: 3, phone: 4, code: 4, passphrase: 5, device: 6, notice: 4 };

export function EnrollScreen(): JSX.Element {
  const { t } = useI18n();
  const { state, reload, unsaved, keepUnsaved } = useWallet();
  const existing = state?.kind === 'ready' ? state.wallet : undefined;
  const [phase, setPhase] = useState<Phase>(existing ? { kind: 'existing' } : { kind: 'notice' });
  const [step, setStep] = useState(1);
  const [pending, setPending] = useState<Pending | null>(null);
  const [info, setInfo] = useState<{ similarity?: number; sentTo?: string }>({});
  const [notice, setNotice] = useState<NoticeView | null>(null);
  const [doc, setDoc] = useState({ type: 'resident_id_card', number: '' });

  const ask = <Q extends Question>(q: Q): Promise<Answers[Q['kind']]> =>
    new Promise((resolve) => {
      setStep((s) => Math.max(s, QUESTION_STEP[q.kind]));
      setPending({ q, resolve: resolve as (v: unknown) => void });
    });
  const answer = (v: unknown): void => {
    const p = pending;
    setPending(null);
    p?.resolve(v);
  };

  async function start(documentType: string, documentNumber: string): Promise<void> {
    if (!notice) return;
    setPhase({ kind: 'running' });
    setStep(2);
    try {
      const out = await runEnrollment({
        documentType,
        documentNumber,
        consentedDigest: notice.digest,
        ask,
        onStep: (s, i) => {
          setInfo(i);
          const n = STEP_OF[s];
          if (n) setStep((cur) => Math.max(cur, n));
        },
      });
      setPending(null);
      setStep(7);
      if (out.status === 'issued') {
        // Not stored: the page keeps it (and its key) until it can be saved; nothing is lost meanwhile.
        if (out.notSaved) keepUnsaved({ wallet: out.wallet, failure: out.notSaved });
        else await reload();
        setPhase({ kind: 'done', netid: out.wallet.netid, expiresAt: out.wallet.expiresAt });
      } else {
        setPhase({ kind: 'guardian', code: `${out.approvalCode.slice(0, 4)}-${out.approvalCode.slice(4)}` });
      }
    } catch (e) {
      setPending(null);
      setPhase({ kind: 'failed', failure: failureOf(e) });
    }
  }

  const total = t.enroll.steps.length;
  const showProgress = phase.kind !== 'existing';
  return (
    <Screen title={t.enroll.title}>
      {showProgress && <Progress step={Math.min(step, total + 1)} />}
      {phase.kind === 'existing' && existing && (
        <Card title={t.enroll.existingTitle} tone="warn">
          <p>{t.enroll.existingBody(maskNetid(existing.netid))}</p>
          <div class="actions">
            <Button onClick={() => go('/')}>{t.enroll.existingHome}</Button>
            <Button kind="secondary" onClick={() => setPhase({ kind: 'notice' })}>
              {t.enroll.existingContinue}
            </Button>
          </div>
        </Card>
      )}
      {phase.kind === 'notice' && <p>{t.enroll.intro}</p>}
      {phase.kind === 'notice' && (
        <NoticeStep
          onNotice={setNotice}
          onAgree={() => {
            setStep(2);
            setPhase({ kind: 'document' });
          }}
          onDecline={() => setPhase({ kind: 'declined' })}
        />
      )}
      {phase.kind === 'declined' && (
        <>
          <Notice tone="info" live>
            <p>{t.enroll.declined}</p>
          </Notice>
          <div class="actions">
            <Button kind="secondary" onClick={() => setPhase({ kind: 'notice' })}>
              {t.enroll.restart}
            </Button>
          </div>
        </>
      )}
      {phase.kind === 'document' && <DocumentStep doc={doc} setDoc={setDoc} onRead={(type, number) => void start(type, number)} />}
      {phase.kind === 'running' && (
        <>
          {pending ? <QuestionPanel q={pending.q} info={info} doc={doc} onAnswer={answer} /> : <Busy text={busyText(t, step)} />}
        </>
      )}
      {phase.kind === 'done' && (
        <Card title={t.enroll.doneTitle} tone="ok">
          {unsaved?.wallet.netid === phase.netid ? <NotSaved /> : <p role="status">{t.enroll.doneBody}</p>}
          <dl class="facts">
            <Row term={t.enroll.netid}>
              <span class="netid">{phase.netid}</span>
            </Row>
            <Row term={t.enroll.validUntil}>
              <DateText iso={phase.expiresAt} />
            </Row>
          </dl>
          <div class="actions">
            <Button kind={unsaved ? 'secondary' : 'primary'} onClick={() => go('/')}>
              {t.enroll.goHome}
            </Button>
          </div>
        </Card>
      )}
      {phase.kind === 'guardian' && (
        <Card title={t.enroll.guardianTitle} tone="warn">
          <p role="status">{t.enroll.guardianBody(phase.code)}</p>
        </Card>
      )}
      {phase.kind === 'failed' && (
        <>
          <ErrorBox failure={phase.failure} title={t.enroll.failedTitle} />
          <div class="actions">
            <Button
              onClick={() => {
                setStep(1);
                setInfo({});
                setPhase({ kind: 'notice' });
              }}
            >
              {t.enroll.restart}
            </Button>
          </div>
        </>
      )}
    </Screen>
  );
}

function busyText(t: ReturnType<typeof useI18n>['t'], step: number): string {
  if (step <= 2) return t.enroll.readingChip;
  if (step === 3) return t.enroll.capturing;
  if (step === 4) return t.enroll.sendingCode;
  if (step === 5) return t.enroll.settingPassphrase;
  return t.enroll.binding;
}

function DateText(p: { iso: string }): JSX.Element {
  const { lang } = useI18n();
  return <time dateTime={p.iso}>{formatDate(p.iso, lang)}</time>;
}

function Progress(p: { step: number }): JSX.Element {
  const { t } = useI18n();
  const total = t.enroll.steps.length;
  const shown = Math.min(p.step, total);
  return (
    <nav class="progress" aria-label={t.enroll.progressLabel}>
      <p class="progress-text">{p.step > total ? t.enroll.progressDone(total) : t.enroll.progress(shown, total)}</p>
      <ol>
        {t.enroll.steps.map((name, i) => {
          const n = i + 1;
          const state = n < p.step ? 'done' : n === p.step ? 'current' : 'todo';
          return (
            <li key={name} class={state} aria-current={state === 'current' ? 'step' : undefined}>
              <span class="dot" aria-hidden="true">
                {n}
              </span>
              <span class="name">{name}</span>
              {state === 'done' && <span class="visually-hidden">{t.enroll.stepDone}</span>}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

// ---------------------------------------------------------------- 1 notice and consents

function section(s: unknown, lang: Lang): string {
  const o = (typeof s === 'object' && s !== null ? s : {}) as { zh?: unknown; en?: unknown };
  const v = lang === 'en' ? o.en : o.zh;
  return typeof v === 'string' ? v : '';
}

export function NoticeText(p: { notice: NoticeView }): JSX.Element {
  const { t, lang } = useI18n();
  const n = p.notice as NoticeView & Record<string, unknown>;
  const platform = (n['platform'] ?? {}) as { name?: unknown; contact?: unknown };
  const sensitive = (n['sensitive'] ?? {}) as Record<string, unknown>;
  const rows: [string, unknown][] = [
    [t.enroll.purposes, n['purposes']],
    [t.enroll.methods, n['methods']],
    [t.enroll.categories, n['categories']],
    [t.enroll.retention, n['retention']],
    [t.enroll.rights, n['rights']],
  ];
  return (
    <div class="notice-text">
      <p class="meta">{t.enroll.noticeVersion(String(n.version))}</p>
      <dl class="facts">
        <Row term={t.enroll.processor}>{section(platform.name, lang)}</Row>
        {typeof platform.contact === 'string' && <Row term={t.enroll.contact}>{platform.contact}</Row>}
        {rows.map(([term, s]) => (
          <Row key={term} term={term}>
            {section(s, lang)}
          </Row>
        ))}
      </dl>
      <h3>{t.enroll.sensitiveTitle}</h3>
      <dl class="facts">
        <Row term={t.enroll.sensitiveData}>{section(sensitive['data'], lang)}</Row>
        <Row term={t.enroll.necessity}>{section(sensitive['necessity'], lang)}</Row>
        <Row term={t.enroll.effect}>{section(sensitive['effect'], lang)}</Row>
      </dl>
      <p class="meta digest">{t.enroll.noticeDigest(String(n.digest))}</p>
    </div>
  );
}

function Consents(p: { onAgree: () => void; onDecline: () => void }): JSX.Element {
  const { t } = useI18n();
  const [processing, setProcessing] = useState(false);
  const [sensitive, setSensitive] = useState(false);
  const [error, setError] = useState('');
  return (
    <form
      class="consents"
      onSubmit={(e) => {
        e.preventDefault();
        if (!processing || !sensitive) {
          setError(t.enroll.consentBoth);
          return;
        }
        p.onAgree();
      }}
    >
      <fieldset>
        <legend class="visually-hidden">{t.enroll.steps[0]}</legend>
        <Check id="consent-processing" label={t.enroll.consentProcessing} checked={processing} onChange={setProcessing} />
        <Check id="consent-sensitive" label={t.enroll.consentSensitive} checked={sensitive} onChange={setSensitive} />
      </fieldset>
      <p class="hint">{t.enroll.consentHint}</p>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <Button type="submit">{t.enroll.agree}</Button>
        <Button kind="secondary" onClick={p.onDecline}>
          {t.enroll.disagree}
        </Button>
      </div>
    </form>
  );
}

function NoticeStep(p: { onNotice: (n: NoticeView) => void; onAgree: () => void; onDecline: () => void }): JSX.Element {
  const { t } = useI18n();
  const [notice, setNotice] = useState<NoticeView | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const load = async (): Promise<void> => {
    setFailure(null);
    try {
      const n = await platformClient().get<NoticeView>('/v1/enrollment-notice');
      setNotice(n);
      p.onNotice(n);
    } catch (e) {
      setFailure(failureOf(e));
    }
  };
  useEffect(() => {
    void load();
  }, []);
  if (failure) {
    return (
      <ErrorBox failure={failure}>
        <div class="actions">
          <Button kind="secondary" onClick={() => void load()}>
            {t.app.retry}
          </Button>
        </div>
      </ErrorBox>
    );
  }
  if (!notice) return <Busy text={t.app.loading} />;
  return (
    <Card title={t.enroll.noticeTitle}>
      <p>{t.enroll.noticeIntro}</p>
      <NoticeText notice={notice} />
      <Consents onAgree={p.onAgree} onDecline={p.onDecline} />
    </Card>
  );
}

// ---------------------------------------------------------------- 2 document chip

function DocumentStep(p: { doc: { type: string; number: string }; setDoc: (d: { type: string; number: string }) => void; onRead: (type: string, number: string) => void }): JSX.Element {
  const { t } = useI18n();
  const [error, setError] = useState<string | undefined>();
  const [samples, setSamples] = useState<SampleDocument[]>([]);
  useEffect(() => {
    sim.samples().then(
      (s) => setSamples(s.filter((x) => x.status === 'valid').slice(0, 6)),
      () => setSamples([]),
    );
  }, []);
  const submit = (e: Event): void => {
    e.preventDefault();
    const type = p.doc.type;
    const number = p.doc.number.trim().toUpperCase();
    if (!isDocumentType(type)) return;
    try {
      assertDocumentNumber(type, number);
    } catch (err) {
      const f = failureOf(err);
      setError(label(t.errors, f.code));
      return;
    }
    setError(undefined);
    p.onRead(type, number);
  };
  return (
    <Card title={t.enroll.chipTitle} tone="sim">
      <p class="sim-note">
        <SimBadge /> {t.enroll.chipSimNote}
      </p>
      <form onSubmit={submit}>
        <div class="field">
          <label for="document-type">{t.enroll.documentType}</label>
          <select id="document-type" name="document-type" value={p.doc.type} onChange={(e) => p.setDoc({ ...p.doc, type: (e.currentTarget as HTMLSelectElement).value })}>
            {DOCUMENT_TYPES.map((d) => (
              <option key={d} value={d}>
                {label(t.labels.documentTypes, d)}
              </option>
            ))}
          </select>
        </div>
        <Field id="document-number" label={t.enroll.documentNumber} hint={t.enroll.documentNumberHint} value={p.doc.number} onValue={(v) => {
            setError(undefined);
            p.setDoc({ ...p.doc, number: v });
          }} maxLength={32} error={error} required />
        <div class="actions">
          <Button type="submit">{t.enroll.readChip}</Button>
        </div>
      </form>
      {samples.length > 0 && (
        <details class="samples">
          <summary>{t.enroll.samplesTitle}</summary>
          <p class="hint">{t.enroll.samplesHint}</p>
          <ul>
            {samples.map((s) => (
              <li key={`${s.documentType}:${s.documentNumber}`}>
                <button type="button" class="btn btn-link" onClick={() => p.setDoc({ type: s.documentType, number: s.documentNumber })}>
                  {t.enroll.useSample(s.label)}
                </button>
                <span class="meta">
                  {label(t.labels.documentTypes, s.documentType)} <span class="mono">{s.documentNumber}</span>
                </span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </Card>
  );
}

// ---------------------------------------------------------------- 3–6: questions while `enroll` runs

function QuestionPanel(p: { q: Question; info: { similarity?: number; sentTo?: string }; doc: { type: string; number: string }; onAnswer: (v: unknown) => void }): JSX.Element {
  const { q } = p;
  switch (q.kind) {
    case 'face':
      return <FacePanel onAnswer={p.onAnswer} />;
    case 'replace':
      return <ReplacePanel onAnswer={p.onAnswer} />;
    case 'phone':
      return <PhonePanel similarity={p.info.similarity} onAnswer={p.onAnswer} />;
    case 'code':
      return <CodePanel sentTo={q.sentTo || p.info.sentTo || ''} phone={q.phone} error={q.error} onAnswer={p.onAnswer} />;
    case 'passphrase':
      return <PassphrasePanel error={q.error} onAnswer={p.onAnswer} />;
    case 'device':
      return <DevicePanel onAnswer={p.onAnswer} />;
    case 'notice':
      return <NoticeAgain notice={q.notice} onAnswer={p.onAnswer} />;
  }
}

function FacePanel(p: { onAnswer: (v: Answers['face']) => void }): JSX.Element {
  const { t } = useI18n();
  const [other, setOther] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <Card title={t.enroll.faceTitle} tone="sim">
      <Notice tone="ok" live>
        <p>{t.enroll.faceChipOk}</p>
      </Notice>
      <p class="sim-note">
        <SimBadge /> {t.enroll.faceSimNote}
      </p>
      <div class="camera-sim" aria-hidden="true">
        <span class="face-outline" />
      </div>
      <Check id="face-other" label={t.enroll.faceOther} checked={other} onChange={setOther} />
      <div class="actions">
        <Button
          busy={busy}
          onClick={() => {
            setBusy(true);
            p.onAnswer({ subject: other ? 'other' : 'self' });
          }}
        >
          {t.enroll.capture}
        </Button>
      </div>
    </Card>
  );
}

function ReplacePanel(p: { onAnswer: (v: boolean) => void }): JSX.Element {
  const { t } = useI18n();
  return (
    <Card title={t.enroll.replaceTitle} tone="warn">
      <p role="alert">{t.enroll.replaceBody}</p>
      <div class="actions">
        <Button kind="danger" onClick={() => p.onAnswer(true)}>
          {t.enroll.replaceGo}
        </Button>
        <Button kind="secondary" onClick={() => p.onAnswer(false)}>
          {t.enroll.replaceStop}
        </Button>
      </div>
    </Card>
  );
}

function PhonePanel(p: { similarity: number | undefined; onAnswer: (v: string) => void }): JSX.Element {
  const { t } = useI18n();
  const [phone, setPhone] = useState('');
  const [error, setError] = useState<string | undefined>();
  return (
    <Card title={t.enroll.phoneTitle}>
      {p.similarity !== undefined && (
        <Notice tone="ok" live>
          <p>{t.enroll.faceOk(p.similarity.toFixed(2))}</p>
        </Notice>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          try {
            p.onAnswer(parseMobile(phone));
          } catch {
            setError(t.enroll.phoneInvalid);
          }
        }}
      >
        <Field id="phone" label={t.enroll.phone} hint={t.enroll.phoneHint} type="tel" inputMode="tel" autoComplete="tel-national" maxLength={20} value={phone} onValue={setPhone} error={error} required />
        <div class="actions">
          <Button type="submit">{t.enroll.sendCode}</Button>
        </div>
      </form>
    </Card>
  );
}

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

function CodePanel(p: { sentTo: string; phone: string; error: Failure | undefined; onAnswer: (v: string) => void }): JSX.Element {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | undefined>();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (p.error) {
      setCode('');
      input.current?.focus();
    }
  }, [p.error]);
  return (
    <Card title={t.enroll.phoneTitle}>
      {p.sentTo && (
        <Notice tone="info" live>
          <p>{t.enroll.codeSent(p.sentTo)}</p>
        </Notice>
      )}
      <ErrorBox failure={p.error} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const c = code.trim();
          if (!/^[0-9]{6}$/.test(c)) {
            setError(t.enroll.codeInvalid);
            return;
          }
          setError(undefined);
          p.onAnswer(c);
        }}
      >
        <Field id="sms-code" label={t.enroll.code} hint={t.enroll.codeHint} inputMode="numeric" autoComplete="one-time-code" maxLength={6} value={code} onValue={setCode} error={error} inputRef={input} required />
        <div class="actions">
          <Button type="submit">{t.enroll.verifyCode}</Button>
        </div>
      </form>
      {p.phone && <SimulatedSms phone={p.phone} />}
    </Card>
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

function PassphrasePanel(p: { error: Failure | undefined; onAnswer: (v: string) => void }): JSX.Element {
  const { t } = useI18n();
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  const [errors, setErrors] = useState<{ first?: string; second?: string }>({});
  useEffect(() => {
    if (p.error) {
      setFirst('');
      setSecond('');
    }
  }, [p.error]);
  return (
    <Card title={t.enroll.passTitle}>
      {!p.error && (
        <Notice tone="ok" live>
          <p>{t.enroll.phoneOk}</p>
        </Notice>
      )}
      <ErrorBox failure={p.error} />
      <p>{t.enroll.passIntro}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const bad = newPassphraseErrors(t, first, second);
          if (bad) {
            setErrors(bad);
            return;
          }
          setErrors({});
          p.onAnswer(first);
        }}
      >
        <NewPassphrase idPrefix="passphrase" first={first} second={second} onFirst={setFirst} onSecond={setSecond} errors={errors} labels={{ first: t.enroll.passphrase, second: t.enroll.passphraseRepeat }} />
        <div class="actions">
          <Button type="submit">{t.enroll.setPassphrase}</Button>
        </div>
      </form>
    </Card>
  );
}

function DevicePanel(p: { onAnswer: (v: Answers['device']) => void }): JSX.Element {
  const { t } = useI18n();
  const [name, setName] = useState(t.enroll.defaultLabel);
  const [busy, setBusy] = useState(false);
  return (
    <Card title={t.enroll.deviceTitle}>
      <Notice tone="ok" live>
        <p>{t.enroll.passOk}</p>
      </Notice>
      <p>{t.enroll.deviceIntro}</p>
      <p class="hint">{t.enroll.deviceAlg}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          p.onAnswer({ label: name.trim().slice(0, 64) || t.enroll.defaultLabel });
        }}
      >
        <Field id="device-label" label={t.enroll.deviceLabel} hint={t.enroll.deviceLabelHint} maxLength={64} value={name} onValue={setName} />
        <div class="actions">
          <Button type="submit" busy={busy}>
            {t.enroll.bind}
          </Button>
        </div>
      </form>
      {busy && <Busy text={t.enroll.binding} />}
    </Card>
  );
}

function NoticeAgain(p: { notice: NoticeView; onAnswer: (v: boolean) => void }): JSX.Element {
  const { t } = useI18n();
  return (
    <Card title={t.enroll.noticeTitle} tone="warn">
      <p role="alert">{t.enroll.noticeChanged}</p>
      <NoticeText notice={p.notice} />
      <Consents onAgree={() => p.onAnswer(true)} onDecline={() => p.onAnswer(false)} />
    </Card>
  );
}

