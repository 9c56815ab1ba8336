/**
 * Enrollment step 1: the notice (告知书) and the two separate consents; the notice again when it
 * changed while the person enrolled.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { NoticeView } from '@wangzheng/wallet/enroll/enroll';
import { failureOf, platformClient, type Failure } from '../../../shared/api.ts';
import { label, useI18n, type Lang } from '../../../shared/i18n/index.ts';
import { Busy, Button, Card, Check, ErrorBox, Row } from '../../ui.tsx';

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

export function NoticeStep(p: { onNotice: (n: NoticeView) => void; onAgree: () => void; onDecline: () => void }): JSX.Element {
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

export function NoticeAgain(p: { notice: NoticeView; onAnswer: (v: boolean) => void }): JSX.Element {
  const { t } = useI18n();
  return (
    <Card title={t.enroll.noticeTitle} tone="warn">
      <p role="alert">{t.enroll.noticeChanged}</p>
      <NoticeText notice={p.notice} />
      <Consents onAgree={() => p.onAnswer(true)} onDecline={() => p.onAnswer(false)} />
    </Card>
  );
}
