/**
 * Enrollment steps 3–6: the questions the enrollment driver asks one at a time (face, replacing a
 * 网证 on another device, phone, SMS code, passphrase, this device's name).
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { parseMobile } from '@wangzheng/core/contact/phone';
import { sim, type Failure } from '../../../shared/api.ts';
import { label, useI18n } from '../../../shared/i18n/index.ts';
import { type Answers, type Question } from '../../enroll-driver.ts';
import { Busy, Button, Card, Check, ErrorBox, Field, Notice, SimBadge } from '../../ui.tsx';
import { SimulatedSms, NewPassphrase, newPassphraseErrors } from '../../fields.tsx';
import { NoticeAgain } from './notice.tsx';

export function QuestionPanel(p: { q: Question; info: { similarity?: number; sentTo?: string }; doc: { type: string; number: string }; onAnswer: (v: unknown) => void }): JSX.Element {
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
