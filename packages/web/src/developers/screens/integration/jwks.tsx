/** 我的接入: private_key_jwt keys (PUT /v1/rp/clients/:id/jwks); a secret client switches explicitly, and its secret stops working. */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { label, useI18n } from '../../../shared/i18n/index.ts';
import { api, apiErrorOf, type ApiError, type RpRecord } from '../../api.ts';
import type { Credentials } from '../../credentials.ts';
import { Problem } from '../../ui.tsx';
import { jwksFromText } from '../apply.tsx';

export function JwksCard(p: { creds: Credentials; record: RpRecord; onSwitched(n: number): void }): JSX.Element {
  const { t } = useI18n();
  const d = t.developers.integration;
  const [text, setText] = useState('');
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const [jsonError, setJsonError] = useState(false);
  const secretClient = p.record.tokenEndpointAuthMethod === 'client_secret_basic';
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setError(undefined);
    setJsonError(false);
    let jwks: unknown;
    try {
      jwks = jwksFromText(text);
    } catch {
      setJsonError(true);
      return;
    }
    setBusy(true);
    try {
      const r = await api.registerJwks(p.creds, { jwks, ...(secretClient ? { tokenEndpointAuthMethod: 'private_key_jwt' as const } : {}) });
      p.onSwitched(r.jwks?.keys.length ?? 0);
    } catch (err) {
      setError(apiErrorOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="jwks-title">
      <h2 id="jwks-title">{d.jwksTitle}</h2>
      <p>{d.jwksIntro}</p>
      {secretClient ? (
        <div class="message warn" role="note">
          <p>{d.jwksSwitchWarn}</p>
        </div>
      ) : (
        <p class="hint">{d.jwksRotate}</p>
      )}
      {error ? <Problem error={error} /> : null}
      <form onSubmit={(e) => void submit(e)}>
        <div class={`field${jsonError ? ' invalid' : ''}`}>
          <label for="jwks-text">{d.jwksLabel}</label>
          <textarea id="jwks-text" rows={5} class="mono" spellcheck={false} required value={text} onInput={(e) => setText(e.currentTarget.value)} />
          {jsonError ? (
            <p class="field-error" role="alert">
              {t.developers.apply.jsonInvalid}
            </p>
          ) : null}
        </div>
        {secretClient ? (
          <div class="check">
            <input id="jwks-confirm" type="checkbox" checked={confirm} onChange={(e) => setConfirm(e.currentTarget.checked)} />
            <label for="jwks-confirm">{d.jwksConfirm}</label>
          </div>
        ) : null}
        <div class="actions">
          <button type="submit" class="btn btn-primary" disabled={busy || (secretClient && !confirm)}>
            {d.jwksSubmit}
          </button>
        </div>
      </form>
    </section>
  );
}
