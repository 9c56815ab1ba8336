/**
 * 申请接入 — an organisation's application (POST /v1/rp/applications). The unified social credit
 * code is checked here with the platform's own GB 32100 check (`@wangzheng/core/rp/uscc`, no
 * Node APIs), so a typo is caught before sending; the platform checks everything again. The
 * answer — the client id and, for client_secret_basic, the secret — is shown once.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { isWzError } from '@wangzheng/core/errors';
import { parseUscc } from '@wangzheng/core/rp/uscc';
import { DISCLOSURE_SCOPES, ID_TOKEN_ALGS, RP_CATEGORIES } from '@wangzheng/core/rp/types';
import { label, useI18n } from '../../shared/i18n/index.ts';
import { api, apiErrorOf, type ApiError, type Registered } from '../api.ts';
import { Credentials, Heading, lines, Problem } from '../ui.tsx';

/** A pasted JWKS, or one JWK made into a set. Throws on text that is not JSON. */
export function jwksFromText(text: string): unknown {
  const v = JSON.parse(text) as unknown;
  if (v && typeof v === 'object' && !Array.isArray(v) && !('keys' in v) && 'kty' in v) return { keys: [v] };
  return v;
}

/** The GB 32100 check's message, or undefined when the code is valid (or still empty). */
export function usccProblem(code: string): string | undefined {
  if (code.trim() === '') return undefined;
  try {
    parseUscc(code);
    return undefined;
  } catch (e) {
    return isWzError(e) ? e.message : String(e);
  }
}

export function Apply(p: { onUse(c: { clientId: string; clientSecret: string }): void }): JSX.Element {
  const { t } = useI18n();
  const d = t.developers.apply;
  const [name, setName] = useState('');
  const [uscc, setUscc] = useState('');
  const [usccTouched, setUsccTouched] = useState(false);
  const [email, setEmail] = useState('');
  const [category, setCategory] = useState<string>('internet_service');
  const [purpose, setPurpose] = useState('');
  const [redirects, setRedirects] = useState('');
  const [method, setMethod] = useState<'client_secret_basic' | 'private_key_jwt'>('client_secret_basic');
  const [jwks, setJwks] = useState('');
  const [alg, setAlg] = useState('');
  const [scopes, setScopes] = useState<Record<string, string | undefined>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const [jsonError, setJsonError] = useState(false);
  const [done, setDone] = useState<Registered | undefined>();

  const usccError = usccTouched ? usccProblem(uscc) : undefined;

  if (done) {
    return (
      <main id="main" tabIndex={-1}>
        <Heading>{d.doneTitle}</Heading>
        <Credentials
          r={done}
          title={d.doneTitle}
          statusText={d.doneStatus}
          {...(done.clientSecret ? { onUse: () => p.onUse({ clientId: done.clientId, clientSecret: done.clientSecret! }) } : {})}
        />
      </main>
    );
  }

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setUsccTouched(true);
    setError(undefined);
    setJsonError(false);
    if (usccProblem(uscc) !== undefined || uscc.trim() === '') {
      document.getElementById('uscc')?.focus();
      return;
    }
    let parsedJwks: unknown;
    if (method === 'private_key_jwt') {
      try {
        parsedJwks = jwksFromText(jwks);
      } catch {
        setJsonError(true);
        document.getElementById('jwks')?.focus();
        return;
      }
    }
    const requested = Object.fromEntries(Object.entries(scopes).filter((e): e is [string, string] => e[1] !== undefined));
    const body = {
      name,
      uscc,
      contactEmail: email.trim(),
      category,
      purpose,
      redirectUris: lines(redirects),
      tokenEndpointAuthMethod: method,
      ...(method === 'private_key_jwt' ? { jwks: parsedJwks } : {}),
      ...(alg ? { idTokenSigningAlg: alg } : {}),
      ...(Object.keys(requested).length ? { scopes: requested } : {}),
    };
    setBusy(true);
    try {
      setDone(await api.apply(body));
    } catch (err) {
      setError(apiErrorOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" tabIndex={-1}>
      <Heading>{d.title}</Heading>
      <p class="lead">{d.intro}</p>
      {error ? <Problem error={error} /> : null}
      <form class="card form" onSubmit={(e) => void submit(e)} noValidate>
        <div class="field">
          <label for="name">{d.name}</label>
          <input id="name" type="text" required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} autocomplete="organization" />
        </div>
        <div class={`field${usccError ? ' invalid' : ''}`}>
          <label for="uscc">{d.uscc}</label>
          <input
            id="uscc"
            type="text"
            required
            maxLength={24}
            spellcheck={false}
            autocomplete="off"
            class="mono"
            value={uscc}
            aria-invalid={usccError ? 'true' : 'false'}
            aria-describedby={usccError ? 'uscc-hint uscc-error' : 'uscc-hint'}
            onInput={(e) => setUscc(e.currentTarget.value)}
            onBlur={() => setUsccTouched(true)}
          />
          <p class="hint" id="uscc-hint">
            {d.usccHint}
          </p>
          {usccError ? (
            <p class="field-error" id="uscc-error" role="alert">
              {d.usccInvalid}
              <span lang="en">{usccError}</span>
            </p>
          ) : null}
        </div>
        <div class="field">
          <label for="email">{d.contactEmail}</label>
          <input id="email" type="email" required maxLength={254} value={email} onInput={(e) => setEmail(e.currentTarget.value)} autocomplete="email" />
        </div>
        <div class="field">
          <label for="category">{d.category}</label>
          <select id="category" value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
            {RP_CATEGORIES.map((c) => (
              <option value={c} key={c}>
                {label(t.labels.categories, c)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="purpose">{d.purpose}</label>
          <textarea id="purpose" required maxLength={1000} rows={2} value={purpose} onInput={(e) => setPurpose(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="redirects">{d.redirectUris}</label>
          <textarea id="redirects" required rows={2} class="mono" spellcheck={false} aria-describedby="redirects-hint" value={redirects} onInput={(e) => setRedirects(e.currentTarget.value)} />
          <p class="hint" id="redirects-hint">
            {d.redirectHint}
          </p>
        </div>
        <fieldset>
          <legend>{d.authMethod}</legend>
          <div class="check">
            <input id="m-secret" type="radio" name="method" checked={method === 'client_secret_basic'} onChange={() => setMethod('client_secret_basic')} />
            <label for="m-secret">{d.authSecret}</label>
          </div>
          <div class="check">
            <input id="m-key" type="radio" name="method" checked={method === 'private_key_jwt'} onChange={() => setMethod('private_key_jwt')} />
            <label for="m-key">{d.authKey}</label>
          </div>
        </fieldset>
        {method === 'private_key_jwt' ? (
          <div class={`field${jsonError ? ' invalid' : ''}`}>
            <label for="jwks">{d.jwks}</label>
            <textarea id="jwks" rows={5} class="mono" spellcheck={false} aria-describedby="jwks-hint" value={jwks} onInput={(e) => setJwks(e.currentTarget.value)} />
            <p class="hint" id="jwks-hint">
              {d.jwksHint}
            </p>
            {jsonError ? (
              <p class="field-error" role="alert">
                {d.jsonInvalid}
              </p>
            ) : null}
          </div>
        ) : null}
        <div class="field">
          <label for="alg">{d.idTokenAlg}</label>
          <select id="alg" value={alg} onChange={(e) => setAlg(e.currentTarget.value)}>
            <option value="">{d.algDefault}</option>
            {ID_TOKEN_ALGS.map((a) => (
              <option value={a} key={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <fieldset>
          <legend>{d.scopesLegend}</legend>
          {DISCLOSURE_SCOPES.filter((s) => s !== 'result').map((s) => {
            const on = scopes[s] !== undefined;
            const name = label(t.labels.scopes, s);
            return (
              <div key={s} class="scope-row">
                <div class="check">
                  <input id={`scope-${s}`} type="checkbox" checked={on} onChange={(e) => setScopes({ ...scopes, [s]: e.currentTarget.checked ? '' : undefined })} />
                  <label for={`scope-${s}`}>
                    {name} <code class="meta">{s}</code>
                  </label>
                </div>
                {on ? (
                  <div class="field nested">
                    <label for={`basis-${s}`}>{d.legalBasis(name)}</label>
                    <input id={`basis-${s}`} type="text" required maxLength={1000} placeholder={d.legalBasisHint} value={scopes[s]} onInput={(e) => setScopes({ ...scopes, [s]: e.currentTarget.value })} />
                  </div>
                ) : null}
              </div>
            );
          })}
        </fieldset>
        <div class="actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? d.submitting : d.submit}
          </button>
        </div>
      </form>
    </main>
  );
}
