/**
 * The venue code (场所码, docs/venue.md): instead of showing the ID card at a hotel, an internet
 * café or an event entrance, the person shows a QR code the venue checks — also offline.
 *
 * The person chooses what this venue sees: the result only (the default), or also "18 or over",
 * or also the masked name (刘*). The screen shows a QR code that changes every 30 seconds
 * (`presentVenuePass`: the stored pass, the chosen claims, the time and a fresh nonce, signed by
 * this browser's device key) with a countdown, what the venue will and will not see, and that
 * showing it needs no network. Only getting the pass does: `requestVenuePass` over a bound
 * /v1/me request when there is none, or when `venuePassNeedsRefresh` says so (half its 24 h
 * life); it is kept in the browser store beside the wallet (store.ts, its own key). Offline with
 * no pass, a locked 网证 (the platform refuses: its message is shown), a child: said plainly. A
 * pass the browser will not store (storage full or unavailable) is still shown — it is in the
 * page — with that said and "retry saving".
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { presentVenuePass, requestVenuePass, venuePassNeedsRefresh, type VenueClaimName, type VenuePassGrant } from '@wangzheng/wallet/venue/index';
import { failureOf, platformClient, requireOnline, type Failure } from '../../shared/api.ts';
import { formatTime, useI18n } from '../../shared/i18n/index.ts';
import { qrMatrix, QrSvg, type QrMatrix } from '../../shared/qr-code.tsx';
import { holderOf, loadVenuePass, saveVenuePass, type StoredWallet } from '../../shared/store.ts';
import { useLoad } from '../holder.ts';
import { href } from '../router.ts';
import { Busy, Button, Card, ErrorBox, Notice, Screen, failureText } from '../ui.tsx';

/** Seconds between QR codes (the checker accepts one for 60 s + 10 s of clock skew). */
const REFRESH_SECONDS = 30;

type Choice = 'result' | 'age' | 'age_name';
const REVEAL: Readonly<Record<Choice, readonly VenueClaimName[]>> = {
  result: [],
  age: ['age_over_18'],
  age_name: ['age_over_18', 'masked_name'],
};

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

interface Obtained {
  grant: VenuePassGrant;
  /** Set when a stored pass is used because a new one could not be fetched. */
  refreshFailed?: Failure;
  /** Set when a new pass could not be stored (it is shown all the same: it is in the page). */
  notSaved?: Failure;
}

/** The stored pass, or a new one from the platform when there is none or it is half-way through its life. */
async function obtainPass(w: StoredWallet): Promise<Obtained> {
  const stored = await loadVenuePass(w);
  if (stored && !venuePassNeedsRefresh(stored, nowSeconds())) return { grant: stored };
  let grant: VenuePassGrant;
  try {
    requireOnline();
    grant = await requestVenuePass(platformClient(), holderOf(w));
  } catch (e) {
    if (stored) return { grant: stored, refreshFailed: failureOf(e) };
    throw e;
  }
  try {
    await saveVenuePass(w, grant);
  } catch (e) {
    return { grant, notSaved: failureOf(e) };
  }
  return { grant };
}

/** A pass the browser did not store: shown anyway; why, what that means, and "retry saving". */
function PassNotSaved(p: { wallet: StoredWallet; grant: VenuePassGrant; failure: Failure }): JSX.Element {
  const { t } = useI18n();
  const [failure, setFailure] = useState<Failure | null>(p.failure);
  const [busy, setBusy] = useState(false);
  if (!failure) {
    return (
      <Notice tone="ok" live>
        <p>{t.venue.saved}</p>
      </Notice>
    );
  }
  return (
    <Notice tone="warn">
      <p>{t.venue.notSaved}</p>
      <p role="alert">{failureText(t, failure).text}</p>
      <div class="actions">
        <Button
          kind="secondary"
          busy={busy}
          onClick={async () => {
            setBusy(true);
            try {
              await saveVenuePass(p.wallet, p.grant);
              setFailure(null);
            } catch (e) {
              setFailure(failureOf(e));
            } finally {
              setBusy(false);
            }
          }}
        >
          {t.venue.saveAgain}
        </Button>
      </div>
    </Notice>
  );
}

export function VenueScreen(p: { wallet: StoredWallet }): JSX.Element {
  const { t } = useI18n();
  const w = p.wallet;
  const pass = useLoad(() => obtainPass(w), [w.credentialId]);

  return (
    <Screen title={t.venue.title}>
      {pass.state === 'loading' && <Busy text={t.venue.fetching} />}
      {pass.state === 'failed' && <PassFailure failure={pass.failure} retry={pass.retry} />}
      {pass.state === 'ok' && <VenueCode wallet={w} obtained={pass.value} reload={pass.retry} />}
      {pass.state !== 'ok' && <p>{t.venue.intro}</p>}
    </Screen>
  );
}

function PassFailure(p: { failure: Failure; retry: () => void }): JSX.Element {
  const { t } = useI18n();
  const f = p.failure;
  let body: JSX.Element;
  if (f.code === 'offline' || f.code === 'unreachable') {
    body = (
      <Notice tone="warn">
        <p role="alert">{f.code === 'offline' ? t.venue.noPassOffline : t.errors['unreachable']}</p>
      </Notice>
    );
  } else if (f.code === 'person_status_conflict' || f.code === 'credential_locked' || f.code === 'guardian_required' || f.code === 'credential_expired') {
    const locked = f.code === 'person_status_conflict' || f.code === 'credential_locked';
    // The platform's refusal, in the person's words, with the platform's own message.
    body = (
      <div class="message error" role="alert">
        <p class="message-title">{locked ? t.venue.locked : f.code === 'guardian_required' ? t.venue.child : t.venue.expired}</p>
        {f.message && f.message !== f.code && (
          <p class="detail" lang="en">
            {t.errorDetail(f.message)}
          </p>
        )}
        {locked && (
          <p>
            <a href={href('/lock')}>{t.venue.unlock}</a>
          </p>
        )}
      </div>
    );
  } else {
    body = <ErrorBox failure={f} />;
  }
  return (
    <>
      {body}
      <div class="actions">
        <button type="button" class="btn btn-secondary" onClick={p.retry}>
          {t.venue.retry}
        </button>
      </div>
    </>
  );
}

interface Code {
  text: string;
  matrix: QrMatrix;
  /** Epoch seconds it was made at. */
  at: number;
}

function VenueCode(p: { wallet: StoredWallet; obtained: Obtained; reload: () => void }): JSX.Element {
  const { t, lang } = useI18n();
  const { grant, refreshFailed } = p.obtained;
  const [choice, setChoice] = useState<Choice>('result');
  const [code, setCode] = useState<Code | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [round, setRound] = useState(0);
  const [now, setNow] = useState(nowSeconds);
  const bumped = useRef<number | null>(null);

  useEffect(() => {
    const id = window.setInterval(() => setNow(nowSeconds()), 1000);
    return () => clearInterval(id);
  }, []);

  // A new QR code for this choice, now; again every REFRESH_SECONDS.
  useEffect(() => {
    let live = true;
    const holder = holderOf(p.wallet);
    const at = nowSeconds();
    presentVenuePass(grant, { reveal: REVEAL[choice], signer: holder.signer, digest: holder.digest, now: at })
      .then(async (text) => ({ text, matrix: await qrMatrix(text), at }))
      .then(
        (c) => {
          if (!live) return;
          setFailure(null);
          setCode(c);
          setNow(nowSeconds());
        },
        (e: unknown) => live && setFailure(failureOf(e)),
      );
    return () => {
      live = false;
    };
  }, [grant, choice, round, p.wallet]);

  useEffect(() => {
    if (code && now >= code.at + REFRESH_SECONDS && bumped.current !== code.at) {
      bumped.current = code.at;
      setRound((r) => r + 1);
    }
  }, [now, code]);

  const adult = grant.claims.age_over_18.value;
  const ageText = adult ? t.venue.yes : t.venue.no;
  const name = grant.claims.masked_name.value;
  const sees = [t.venue.seesValid, ...(choice !== 'result' ? [t.venue.seesAge(ageText)] : []), ...(choice === 'age_name' ? [t.venue.seesName(name)] : [])];
  const left = code ? Math.max(0, code.at + REFRESH_SECONDS - now) : REFRESH_SECONDS;

  if (failure?.code === 'credential_expired') {
    return (
      <>
        <Notice tone="warn">
          <p role="alert">{t.venue.expired}</p>
        </Notice>
        <div class="actions">
          <button type="button" class="btn btn-secondary" onClick={p.reload}>
            {t.venue.retry}
          </button>
        </div>
      </>
    );
  }

  return (
    <>
      <figure class="venue-qr" data-qr-text={code?.text} data-qr-at={code ? String(code.at) : undefined} data-choice={choice}>
        {code ? <QrSvg matrix={code.matrix} label={t.venue.qrLabel(sees.join(t.app.listSeparator))} class="venue-qr-img" /> : <Busy text={t.venue.loading} />}
        <figcaption>
          <span class="countdown">{t.venue.refreshIn(left)}</span>
          <span class="countdown-bar" aria-hidden="true">
            <span style={{ width: `${Math.round((left / REFRESH_SECONDS) * 100)}%` }} />
          </span>
        </figcaption>
      </figure>
      {failure && <ErrorBox failure={failure} />}
      {p.obtained.notSaved && <PassNotSaved wallet={p.wallet} grant={grant} failure={p.obtained.notSaved} />}
      <p class="meta">{t.venue.refreshNote}</p>

      <Card title={t.venue.seesTitle} class="venue-sees">
        <ul class="sees">
          {sees.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
        <p class="meta">{t.venue.notSeen}</p>
      </Card>

      <fieldset class="venue-choice">
        <legend>{t.venue.chooseLegend}</legend>
        {(
          [
            ['result', t.venue.chooseResult],
            ['age', t.venue.chooseAge(ageText)],
            ['age_name', t.venue.chooseName(ageText, name)],
          ] as const
        ).map(([value, text]) => (
          <div class="check" key={value}>
            <input id={`venue-choice-${value}`} type="radio" name="venue-choice" value={value} checked={choice === value} onChange={() => setChoice(value)} />
            <label for={`venue-choice-${value}`}>{text}</label>
          </div>
        ))}
      </fieldset>

      <Card title={t.venue.offlineTitle}>
        <p>{t.venue.offlineBody(formatTime(grant.expiresAt, lang))}</p>
        <p>{t.venue.intro}</p>
        {refreshFailed && <p class="meta">{t.venue.offlineRefreshFailed}</p>}
        <p class="meta">{t.venue.linkability}</p>
      </Card>
    </>
  );
}
