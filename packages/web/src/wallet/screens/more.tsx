/**
 * More settings: change the passphrase (the old one is checked with the verification lockout),
 * reset a forgotten or locked passphrase with a face check (a new passphrase, then the simulated
 * camera answers the registry's liveness nonce for the document in this 网证's own disclosures —
 * read here, never shown — and `MeControls.resetPassphrase`; no old passphrase, and it clears the lock),
 * change the phone number (a code to the NEW number), renew the 网证 (within 30 days of expiry;
 * the new one is checked and stored, bound to this same key), export everything the platform
 * holds (a JSON download made in the page: a blob URL, nothing leaves but the request), and
 * cancel the 网号 — after a clear warning, the passphrase and the typed word 注销; then this
 * browser's wallet is cleared too.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { parseMobile } from '@wangzheng/core/contact/phone';
import { CANCEL_CONFIRMATION, cancelNetid } from '@wangzheng/wallet/me/cancel';
import { failureOf, platformClient, sim, type Failure } from '../../shared/api.ts';
import { formatDate, useI18n } from '../../shared/i18n/index.ts';
import { checkIssued } from '../../shared/issued.ts';
import { clearWallet, walletRecord, type StoredWallet } from '../../shared/store.ts';
import { useWallet } from '../context.ts';
import { meClient, meControls, useAction } from '../holder.ts';
import { go } from '../router.ts';
import { ActionEnd, Busy, Button, Card, Check, ErrorBox, Field, Notice, Screen, SimBadge, failureText } from '../ui.tsx';
import { documentOf } from '../values.ts';
import { NewPassphrase, SimulatedSms, newPassphraseErrors } from '../fields.tsx';
import { NotSaved } from './unsaved.tsx';

function Section(p: { id: string; title: string; children: JSX.Element | JSX.Element[]; danger?: boolean }): JSX.Element {
  return (
    <details class={p.danger ? 'section danger' : 'section'} id={p.id}>
      <summary>
        <h2>{p.title}</h2>
      </summary>
      <div class="section-body">{p.children}</div>
    </details>
  );
}

function ChangePassphrase(p: { wallet: StoredWallet }): JSX.Element {
  const { t } = useI18n();
  const [old, setOld] = useState('');
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  const [errors, setErrors] = useState<{ old?: string; first?: string; second?: string }>({});
  const [done, setDone] = useState(false);
  const action = useAction();
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        setDone(false);
        const bad = newPassphraseErrors(t, first, second);
        const oldBad = /^[0-9]{8}$/.test(old) ? undefined : t.enroll.ruleErrors.not_8_digits;
        if (bad || oldBad) {
          setErrors({ ...(bad ?? {}), ...(oldBad ? { old: oldBad } : {}) });
          return;
        }
        setErrors({});
        const r = await action.run(() => meControls(p.wallet).changePassphrase(old, first));
        setOld('');
        if (r) {
          setFirst('');
          setSecond('');
          setDone(true);
        }
      }}
    >
      <Field id="pass-old" label={t.more.passphraseOld} type="password" inputMode="numeric" autoComplete="current-password" maxLength={8} value={old} onValue={setOld} error={errors.old} required />
      <NewPassphrase idPrefix="pass-new" first={first} second={second} onFirst={setFirst} onSecond={setSecond} errors={errors} labels={{ first: t.more.passphraseNew, second: t.more.passphraseRepeat }} />
      <ActionEnd action={action} done={done ? t.more.passphraseDone : null} label={t.more.passphraseSubmit} />
    </form>
  );
}

/** A reset's failure: the face step's own words where the general ones would mislead ("this enrollment has ended"), the platform's message beneath. */
function ResetFailure(p: { failure: Failure | null }): JSX.Element | null {
  const { t } = useI18n();
  if (!p.failure) return null;
  const own = Object.hasOwn(t.more.resetErrors, p.failure.code) ? t.more.resetErrors[p.failure.code] : undefined;
  if (!own) return <ErrorBox failure={p.failure} />;
  const { detail } = failureText(t, p.failure);
  return (
    <div class="message error" role="alert">
      <p>{own}</p>
      {detail && (
        <p class="detail" lang="en">
          {detail}
        </p>
      )}
    </div>
  );
}

/**
 * A forgotten (or locked) passphrase: a new one — enrollment's rules, asked twice — then the
 * simulated camera answers the registry's liveness nonce for the document this 网证 was issued
 * for (read from its own disclosures, never shown) and the platform matches the face against the
 * person's own record. No old passphrase is needed; a success also clears the passphrase lock.
 */
function ResetPassphrase(p: { wallet: StoredWallet }): JSX.Element {
  const { t } = useI18n();
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  const [errors, setErrors] = useState<{ first?: string; second?: string }>({});
  const [face, setFace] = useState(false);
  const [other, setOther] = useState(false);
  const [done, setDone] = useState(false);
  const action = useAction();
  if (!face) {
    return (
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setDone(false);
          action.clear();
          const bad = newPassphraseErrors(t, first, second);
          if (bad) {
            setErrors(bad);
            return;
          }
          setErrors({});
          setFace(true);
        }}
      >
        <p>{t.more.resetIntro}</p>
        <NewPassphrase idPrefix="reset-new" first={first} second={second} onFirst={setFirst} onSecond={setSecond} errors={errors} labels={{ first: t.more.resetNew, second: t.more.resetRepeat }} />
        <ResetFailure failure={action.failure} />
        {done && (
          <Notice tone="ok" live>
            <p>{t.more.resetDone}</p>
          </Notice>
        )}
        <div class="actions">
          <Button type="submit">{t.more.resetNext}</Button>
        </div>
      </form>
    );
  }
  const capture = async (): Promise<void> => {
    const doc = documentOf(p.wallet);
    const r = await action.run(async () => {
      if (!doc) throw Object.assign(new Error('The stored 网证 discloses no document type and number.'), { code: 'reset_no_document' });
      try {
        return await meControls(p.wallet).resetPassphrase(first, (nonce) => sim.camera(doc.documentType, doc.documentNumber, other ? 'other' : 'self', nonce));
      } catch (e) {
        // A passphrase only the platform can refuse (the birth date): back to choosing another.
        if (failureOf(e).code === 'weak_passphrase') {
          setFirst('');
          setSecond('');
          setFace(false);
        }
        throw e;
      }
    });
    if (r) {
      setFirst('');
      setSecond('');
      setOther(false);
      setFace(false);
      setDone(true);
    }
  };
  return (
    <Card title={t.more.resetFaceTitle} level={3} tone="sim">
      <p class="sim-note">
        <SimBadge /> {t.more.resetSimNote}
      </p>
      <div class="camera-sim" aria-hidden="true">
        <span class="face-outline" />
      </div>
      <Check id="reset-face-other" label={t.more.resetFaceOther} checked={other} onChange={setOther} disabled={action.busy} />
      <ResetFailure failure={action.failure} />
      {action.busy && <Busy text={t.more.resetWorking} />}
      <div class="actions">
        <Button busy={action.busy} onClick={() => void capture()}>
          {t.more.resetCapture}
        </Button>
        <Button
          kind="secondary"
          onClick={() => {
            action.clear();
            setFace(false);
          }}
        >
          {t.more.resetBack}
        </Button>
      </div>
    </Card>
  );
}

function ChangePhone(p: { wallet: StoredWallet; onChanged: (masked: string) => Promise<void> }): JSX.Element {
  const { t } = useI18n();
  const [phone, setPhone] = useState('');
  const [sent, setSent] = useState<{ to: string; phone: string } | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  if (!sent) {
    return (
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setDone(null);
          let canonical: string;
          try {
            canonical = parseMobile(phone);
          } catch {
            setError(t.enroll.phoneInvalid);
            return;
          }
          setError(undefined);
          const r = await action.run(() => meControls(p.wallet).changePhone(canonical));
          if (r) setSent({ to: r.sentTo, phone: canonical });
        }}
      >
        <p>{t.more.phoneIntro}</p>
        <Field id="phone-new" label={t.more.phoneNew} type="tel" inputMode="tel" autoComplete="tel-national" maxLength={20} value={phone} onValue={setPhone} error={error} required />
        <ActionEnd action={action} done={done} label={t.more.phoneSend} />
      </form>
    );
  }
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        if (!/^[0-9]{6}$/.test(code.trim())) {
          setError(t.enroll.codeInvalid);
          return;
        }
        setError(undefined);
        const r = await action.run(() => meControls(p.wallet).confirmPhone(code.trim()));
        setCode('');
        if (r) {
          await p.onChanged(r.phone);
          setSent(null);
          setPhone('');
          setDone(t.more.phoneDone(r.phone));
        }
      }}
    >
      <Notice tone="info" live>
        <p>{t.more.phoneSent(sent.to)}</p>
      </Notice>
      <Field id="phone-code" label={t.more.phoneCode} inputMode="numeric" autoComplete="one-time-code" maxLength={6} value={code} onValue={setCode} error={error} required />
      <ActionEnd action={action} label={t.more.phoneConfirm} />
      <SimulatedSms phone={sent.phone} />
    </form>
  );
}

function Renew(p: { wallet: StoredWallet }): JSX.Element {
  const { t, lang } = useI18n();
  const { unsaved, store } = useWallet();
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  return (
    <div>
      <p>{t.more.renewIntro(formatDate(p.wallet.expiresAt, lang))}</p>
      <ActionEnd
        action={action}
        done={done}
        label={t.more.renewSubmit}
        onClick={async () => {
          const w = await action.run(async () => {
            const r = await meControls(p.wallet).renew();
            // Verified like a first issuance: the platform's signature, its issuer, this same device key.
            await checkIssued(platformClient(), r, { issuer: p.wallet.issuer, device: p.wallet.publicJwk });
            return walletRecord({ privateKey: p.wallet.privateKey, publicJwk: p.wallet.publicJwk, credential: r.credential, label: p.wallet.label, maskedPhone: p.wallet.maskedPhone });
          });
          if (!w) return;
          setDone(t.more.renewDone(formatDate(w.expiresAt, lang)));
          // The old 网证 is replaced at the platform: if the browser will not store the new one, the page keeps it (NotSaved).
          await store(w);
        }}
      />
      {unsaved && <NotSaved />}
    </div>
  );
}

function Export(p: { wallet: StoredWallet }): JSX.Element {
  const { t } = useI18n();
  const [done, setDone] = useState(false);
  const action = useAction();
  return (
    <div>
      <p>{t.more.exportIntro}</p>
      <ActionEnd
        action={action}
        done={done ? t.more.exportDone : null}
        label={t.more.exportSubmit}
        onClick={async () => {
          const doc = await action.run(() => meClient(p.wallet).export());
          if (!doc) return;
          const url = URL.createObjectURL(new Blob([`${JSON.stringify(doc, null, 2)}\n`], { type: 'application/json' }));
          const a = document.createElement('a');
          a.href = url;
          a.download = t.more.exportFile;
          document.body.append(a);
          a.click();
          a.remove();
          setTimeout(() => URL.revokeObjectURL(url), 10_000);
          setDone(true);
        }}
      />
    </div>
  );
}

function Cancel(p: { wallet: StoredWallet; onCancelled: () => Promise<void> }): JSX.Element {
  const { t } = useI18n();
  const [passphrase, setPassphrase] = useState('');
  const [word, setWord] = useState('');
  const [errors, setErrors] = useState<{ passphrase?: string; word?: string }>({});
  const action = useAction();
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        const bad = {
          ...(/^[0-9]{8}$/.test(passphrase) ? {} : { passphrase: t.enroll.ruleErrors.not_8_digits }),
          ...(word.trim() === CANCEL_CONFIRMATION ? {} : { word: t.more.cancelConfirmWrong(CANCEL_CONFIRMATION) }),
        };
        setErrors(bad);
        if (Object.keys(bad).length > 0) return;
        const r = await action.run(() => cancelNetid(meClient(p.wallet), { passphrase, confirm: CANCEL_CONFIRMATION }));
        setPassphrase('');
        if (r) await p.onCancelled();
      }}
    >
      <div class="message warn" role="note">
        <p>{t.more.cancelWarning}</p>
      </div>
      <Field id="cancel-passphrase" label={t.more.cancelPassphrase} type="password" inputMode="numeric" autoComplete="current-password" maxLength={8} value={passphrase} onValue={setPassphrase} error={errors.passphrase} required />
      <Field id="cancel-word" label={t.more.cancelConfirmLabel(CANCEL_CONFIRMATION)} value={word} onValue={setWord} error={errors.word} maxLength={8} required />
      <ErrorBox failure={action.failure} />
      <div class="actions">
        <Button type="submit" kind="danger" busy={action.busy}>
          {t.more.cancelSubmit}
        </Button>
      </div>
    </form>
  );
}

export function MoreScreen(p: { wallet: StoredWallet }): JSX.Element {
  const { t } = useI18n();
  const { reload, keepUnsaved, store } = useWallet();
  const [cancelled, setCancelled] = useState(false);
  if (cancelled) {
    return (
      <Screen title={t.more.cancelTitle}>
        <Notice tone="ok" live>
          <p>{t.more.cancelDone}</p>
        </Notice>
        <div class="actions">
          <Button
            onClick={async () => {
              await reload();
              go('/');
            }}
          >
            {t.app.home}
          </Button>
        </div>
      </Screen>
    );
  }
  return (
    <Screen title={t.more.title}>
      <Section id="passphrase" title={t.more.passphraseTitle}>
        <ChangePassphrase wallet={p.wallet} />
      </Section>
      <Section id="passphrase-reset" title={t.more.resetTitle}>
        <ResetPassphrase wallet={p.wallet} />
      </Section>
      <Section id="phone" title={t.more.phoneTitle}>
        <ChangePhone
          wallet={p.wallet}
          onChanged={async (masked) => {
            await store({ ...p.wallet, maskedPhone: masked });
          }}
        />
      </Section>
      <Section id="renew" title={t.more.renewTitle}>
        <Renew wallet={p.wallet} />
      </Section>
      <Section id="export" title={t.more.exportTitle}>
        <Export wallet={p.wallet} />
      </Section>
      <Section id="cancel" title={t.more.cancelTitle} danger>
        <Cancel
          wallet={p.wallet}
          onCancelled={async () => {
            keepUnsaved(null);
            await clearWallet().catch(() => undefined);
            setCancelled(true);
          }}
        />
      </Section>
    </Screen>
  );
}
