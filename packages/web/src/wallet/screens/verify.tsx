/**
 * A verification request, opened by a link (`#/verify?ref=…&iss=…`: the same-device path) or
 * by scanning its QR code. Shows who asks — the relying party's registered name, category and
 * purpose —, the mode and what the person proves, and each field the service would receive
 * with the VALUE that would be sent and its legal basis; ordinary fields are consented
 * together, each sensitive field separately (PIPL Art. 29). Then approves with what the mode
 * needs (passphrase, simulated face) or declines. The protocol is the wallet library's
 * (describeVerification / answerVerification).
 *
 * If this page has seen the 网证 locked (home, the lock screen), the request says so before the
 * person approves: the platform would refuse it (`credential_locked`), which is then shown with
 * the way to unlock.
 *
 * After an OpenID Connect request, "back to the service" is offered only on the same device —
 * where this browser opened the authorize page (its status endpoint answers this browser); a
 * phone that scanned the QR code is told to go back to the page that showed it.
 *
 * Trust: the request must come from the platform that issued this 网证 — the link's `iss` (if
 * any) and the request's audience must both be the 网证's issuer — or nothing is sent.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { answerVerification, describeVerification, type VerificationView } from '@wangzheng/wallet/verify';
import { boundFetch, failureOf, platformClient, requireOnline, sim, type Failure } from '../../shared/api.ts';
import { formatTime, label, useI18n } from '../../shared/i18n/index.ts';
import { holderOf, type StoredWallet } from '../../shared/store.ts';
import { knownStatus, rememberStatus, useAction, useLoad } from '../holder.ts';
import { href } from '../router.ts';
import { Busy, Button, Card, Check, ErrorBox, Field, LinkButton, LoadState, Notice, Row, Screen, SimBadge, shown } from '../ui.tsx';
import { documentOf, valueFor } from '../values.ts';

const REF = /^[A-Za-z0-9_-]{22}$/;

type View = VerificationView & { kind?: string; bindingMessage?: string | null };
type Result = { status: string; failure?: string; consented: string[] };

export function VerifyScreen(p: { wallet: StoredWallet; params: URLSearchParams }): JSX.Element {
  const { t } = useI18n();
  const ref = p.params.get('ref') ?? '';
  const iss = p.params.get('iss');
  const validRef = REF.test(ref);
  const wrongIssuer = iss !== null && iss !== p.wallet.issuer;
  const view = useLoad<View>(async () => {
    if (!validRef || wrongIssuer) return undefined as unknown as View;
    requireOnline();
    return (await describeVerification(platformClient(), ref)) as View;
  }, [ref]);
  const [result, setResult] = useState<Result | null>(null);
  const device = useDevicePath(view.state === 'ok' && view.value?.kind === 'oidc' ? ref : undefined);

  let body: JSX.Element;
  if (!validRef) body = <ErrorBox failure={{ code: 'invalid_request', message: t.verify.noRef }} />;
  else if (wrongIssuer) body = <Notice tone="warn"><p role="alert">{t.verify.wrongIssuer}</p></Notice>;
  else if (view.state !== 'ok') body = <LoadState of={view} text={t.verify.loading} />;
  else if (view.value.audience !== p.wallet.issuer) body = <Notice tone="warn"><p role="alert">{t.verify.wrongIssuer}</p></Notice>;
  else if (result) body = <Outcome view={view.value} result={result} refValue={ref} device={device} />;
  else body = <Request view={view.value} wallet={p.wallet} refValue={ref} onResult={setResult} />;

  return <Screen title={t.verify.title}>{body}</Screen>;
}

/**
 * The same-device path of an OpenID Connect login: the authorize page's button opened this page
 * in the same browser. Its status endpoint (bound to that browser by the page's cookie) answers
 * only this browser: `pending` while the person has not answered — asked once, when the request
 * is shown, which mints nothing — and, once they have, the redirect the authorize page would
 * follow (the code is minted then, so that is asked only when the person chooses to go back).
 * Any other browser (a phone that scanned the QR code) gets 404: not this device.
 */
type DevicePath = 'same' | 'other' | 'unknown';

function authorizeStatus(ref: string): Promise<Response> {
  return boundFetch(`/oauth/authorize/status?ref=${encodeURIComponent(ref)}`, { headers: { accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin' });
}

function useDevicePath(ref: string | undefined): DevicePath {
  const [path, setPath] = useState<DevicePath>('unknown');
  useEffect(() => {
    if (!ref) return;
    let live = true;
    authorizeStatus(ref).then(
      async (res) => {
        if (!live) return;
        if (res.status === 404) return setPath('other');
        const b = res.ok ? ((await res.json().catch(() => ({}))) as { status?: unknown }) : {};
        if (live) setPath(b.status === 'pending' ? 'same' : 'unknown');
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [ref]);
  return path;
}

/** Where the service expects this browser back (the code minted now), if this browser is the authorize page's. */
async function serviceReturn(ref: string): Promise<string | undefined> {
  try {
    const res = await authorizeStatus(ref);
    if (!res.ok) return undefined;
    const b = (await res.json()) as { redirect?: unknown };
    return typeof b.redirect === 'string' && /^https?:\/\//.test(b.redirect) ? b.redirect : undefined;
  } catch {
    return undefined;
  }
}

function BackToService(p: { rp: string; refValue: string }): JSX.Element {
  const { t } = useI18n();
  const [state, setState] = useState<'idle' | 'busy' | 'elsewhere'>('idle');
  if (state === 'elsewhere') return <p class="meta" role="status">{t.verify.returnHint}</p>;
  return (
    <Button
      busy={state === 'busy'}
      onClick={async () => {
        setState('busy');
        const to = await serviceReturn(p.refValue);
        if (to) location.assign(to);
        else setState('elsewhere');
      }}
    >
      {t.verify.backToService(p.rp)}
    </Button>
  );
}

function Outcome(p: { view: View; result: Result; refValue: string; device: DevicePath }): JSX.Element {
  const { t } = useI18n();
  const rp = shown(p.view.rp.name);
  const fields = p.result.consented.map((s) => label(t.labels.scopes, s)).join(t.app.listSeparator);
  let tone: 'ok' | 'warn' | 'info' = 'info';
  let text: string;
  if (p.result.status === 'approved') {
    tone = 'ok';
    text = t.verify.approved(rp) + (fields ? ` ${t.verify.approvedFields(fields)}` : '');
  } else if (p.result.status === 'declined') text = t.verify.declined(rp);
  else if (p.result.status === 'awaiting_guardian') text = t.verify.awaitingGuardian(rp);
  else {
    tone = 'warn';
    text = t.verify.failed(rp);
  }
  // "Back to the service" only where this browser opened the authorize page (or, unable to tell, as before: it says where to go if not).
  const back = p.view.kind === 'oidc' && (p.result.status === 'approved' || p.result.status === 'declined') && p.device !== 'other';
  return (
    <>
      <Notice tone={tone} live>
        <p>{text}</p>
        {p.result.failure && <p class="meta">{label(t.labels.failures, p.result.failure)}</p>}
      </Notice>
      {p.view.kind !== 'oidc' && <p>{t.verify.returnHint}</p>}
      {p.view.kind === 'oidc' && !back && (
        <p class="lead" role="status">
          {p.result.status === 'approved' ? t.verify.doneElsewhere : t.verify.returnHint}
        </p>
      )}
      <div class="actions">
        {back && <BackToService rp={rp} refValue={p.refValue} />}
        <LinkButton kind={back ? 'secondary' : 'primary'} href={href('/')}>
          {t.app.home}
        </LinkButton>
        <LinkButton kind="secondary" href={href('/scan')}>
          {t.verify.openAnother}
        </LinkButton>
      </div>
    </>
  );
}

function Request(p: { view: View; wallet: StoredWallet; refValue: string; onResult: (r: Result) => void }): JSX.Element {
  const { t, lang } = useI18n();
  const v = p.view;
  const rp = shown(v.rp.name);
  const extra = v.scopes.filter((s) => s.scope !== 'result');
  const ordinary = extra.filter((s) => !s.sensitive);
  const sensitive = extra.filter((s) => s.sensitive);
  const [ordinaryOk, setOrdinaryOk] = useState(false);
  const [sensitiveOk, setSensitiveOk] = useState<Record<string, boolean>>({});
  const [passphrase, setPassphrase] = useState('');
  const [passError, setPassError] = useState<string | undefined>();
  const [faceOther, setFaceOther] = useState(false);
  const [consentFailure, setConsentFailure] = useState<Failure | null>(null);
  const action = useAction();

  const chosen = (): string[] => [...(ordinaryOk ? ordinary.map((s) => s.scope) : []), ...sensitive.filter((s) => sensitiveOk[s.scope]).map((s) => s.scope)];

  async function approve(): Promise<void> {
    setConsentFailure(null);
    if (v.requires.passphrase && !/^[0-9]{8}$/.test(passphrase)) {
      setPassError(t.enroll.ruleErrors.not_8_digits);
      return;
    }
    setPassError(undefined);
    const consented = chosen();
    const doc = documentOf(p.wallet);
    const r = await action.run(async () => {
      requireOnline();
      try {
        return await answerVerification(platformClient(), {
          ref: p.refValue,
          holder: holderOf(p.wallet),
          ...(v.requires.passphrase ? { passphrase } : {}),
          ...(v.requires.face && doc ? { captureFace: (nonce: string) => sim.camera(doc.documentType, doc.documentNumber, faceOther ? 'other' : 'self', nonce) } : {}),
          consent: () => consented,
        });
      } catch (e) {
        const f = failureOf(e);
        if (f.code === 'credential_locked') rememberStatus(p.wallet, 'locked');
        if (f.code === 'consent_required') {
          setConsentFailure({ code: 'consent_required', message: t.verify.consentMissing });
          return undefined;
        }
        throw e;
      }
    });
    if (r) p.onResult({ status: r.status, ...(r.failure ? { failure: r.failure } : {}), consented });
  }

  async function decline(): Promise<void> {
    const r = await action.run(async () => {
      requireOnline();
      return answerVerification(platformClient(), { ref: p.refValue, holder: holderOf(p.wallet), approve: false });
    });
    if (r) p.onResult({ status: r.status, consented: [] });
  }

  const locked = knownStatus(p.wallet) === 'locked';
  const needs = [t.verify.proveCredential, ...(v.requires.passphrase ? [t.verify.provePassphrase] : []), ...(v.requires.face ? [t.verify.proveFace] : [])];
  return (
    <form
      class="verify"
      onSubmit={(e) => {
        e.preventDefault();
        void approve();
      }}
    >
      {locked && (
        <Notice tone="warn">
          <p>{t.verify.lockedWarning}</p>
          <p>
            <a href={href('/lock')}>{t.app.goUnlock}</a>
          </p>
        </Notice>
      )}
      <Card>
        <p class="meta">{t.verify.from}</p>
        <p class="rp-name">{rp}</p>
        <dl class="facts">
          <Row term={t.verify.category}>{label(t.labels.categories, v.rp.category)}</Row>
          <Row term={t.verify.purpose}>{shown(v.rp.purpose)}</Row>
          <Row term={t.verify.mode}>{label(t.labels.modes, v.mode)}</Row>
          <Row term={t.verify.youProve}>{needs.join(t.app.listSeparator)}</Row>
          {v.bindingMessage && <Row term={t.verify.message}>{shown(v.bindingMessage)}</Row>}
          <Row term={t.verify.expires}>
            <time dateTime={v.expiresAt}>{formatTime(v.expiresAt, lang)}</time>
          </Row>
        </dl>
        {v.kind === 'reverify' && <p class="meta">{t.verify.reverify}</p>}
      </Card>

      <Card title={t.verify.receives}>
        <ul class="fields">
          {v.scopes.map((s) => (
            <li key={s.scope} class={s.sensitive ? 'sensitive' : undefined}>
              <p class="field-name">
                {label(t.labels.scopes, s.scope)}
                {s.sensitive && <span class="badge badge-bad">{t.verify.sensitive}</span>}
              </p>
              <p class={s.scope === 'result' ? 'field-value result' : 'field-value'}>
                <span class="visually-hidden">{t.verify.value}</span>
                <span class="value">{valueFor(s.scope, p.wallet, t)}</span>
              </p>
              <p class="meta">{s.scope === 'result' ? t.verify.basisAlways : t.app.labelValue(t.verify.basis, s.legalBasisRef ? shown(s.legalBasisRef) : t.verify.basisNone)}</p>
            </li>
          ))}
        </ul>
        {ordinary.length > 0 && <Check id="consent-ordinary" label={t.verify.consentOrdinary(rp, ordinary.map((s) => label(t.labels.scopes, s.scope)).join(t.app.listSeparator))} checked={ordinaryOk} onChange={setOrdinaryOk} />}
        {sensitive.map((s) => (
          <Check
            key={s.scope}
            id={`consent-${s.scope}`}
            label={t.verify.consentSensitive(t.verify.fieldWithValue(label(t.labels.scopes, s.scope), valueFor(s.scope, p.wallet, t)), rp)}
            checked={!!sensitiveOk[s.scope]}
            onChange={(c) => setSensitiveOk({ ...sensitiveOk, [s.scope]: c })}
          />
        ))}
      </Card>

      {v.requires.passphrase && (
        <Field id="verify-passphrase" label={t.verify.passphrase} hint={t.verify.passphraseHint} type="password" inputMode="numeric" autoComplete="current-password" maxLength={8} value={passphrase} onValue={setPassphrase} error={passError} required />
      )}
      {v.requires.face && (
        <div class="card card-sim">
          <p class="sim-note">
            <SimBadge /> {t.verify.faceNote}
          </p>
          <Check id="verify-face-other" label={t.verify.faceOther} checked={faceOther} onChange={setFaceOther} />
        </div>
      )}

      <ErrorBox failure={consentFailure} />
      <ErrorBox failure={action.failure} />
      {action.busy && <Busy text={t.verify.working} />}
      <div class="actions">
        <Button type="submit" busy={action.busy}>
          {t.verify.approve}
        </Button>
        <Button kind="secondary" disabled={action.busy} onClick={() => void decline()}>
          {t.verify.decline}
        </Button>
      </div>
    </form>
  );
}
