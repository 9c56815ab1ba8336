/**
 * Enrollment (申领) in six steps with a progress indicator:
 *   1 notice and the two consents — BEFORE anything about the person is read (the CLI does the
 *     same: processing starts with the chip), 2 document chip (simulated NFC reader),
 *   3 face (simulated camera), 4 phone number and SMS code, 5 passphrase, 6 this device's key.
 * The protocol is the wallet library's `enroll`, driven by ../enroll-driver.ts; this screen
 * only asks the person, one question at a time, and shows what happened. The steps' panels are in
 * ./enroll/ (notice, document, questions); form pieces shared with the settings in ../fields.tsx.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { EnrollStep, NoticeView } from '@wangzheng/wallet/enroll/enroll';
import { failureOf, type Failure } from '../../shared/api.ts';
import { formatDate, label, useI18n } from '../../shared/i18n/index.ts';
import { useWallet } from '../context.ts';
import { runEnrollment, type Answers, type Question } from '../enroll-driver.ts';
import { go } from '../router.ts';
import { NotSaved } from './unsaved.tsx';
import { Busy, Button, Card, ErrorBox, Notice, Row, Screen, maskNetid } from '../ui.tsx';
import { NoticeStep } from './enroll/notice.tsx';
import { DocumentStep } from './enroll/document.tsx';
import { QuestionPanel } from './enroll/questions.tsx';

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
