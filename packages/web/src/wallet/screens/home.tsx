/**
 * Home: the 网号 (masked until the person asks to see it), the 网证's status from the platform
 * (active or locked; when it no longer works, why — credential-status), requests waiting for
 * the person (re-verification, a ward's first use), and the way to everything else.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { MeStatus } from '@wangzheng/wallet/me/client';
import { listPendingRequests, type PendingRequest } from '@wangzheng/wallet/verify';
import { platformClient } from '../../shared/api.ts';
import { formatDate, label, useI18n } from '../../shared/i18n/index.ts';
import { holderOf, type StoredWallet } from '../../shared/store.ts';
import { fetchStatus, meControls, useLoad } from '../holder.ts';
import { Icon } from '../icons.tsx';
import { href } from '../router.ts';
import { Busy, Card, ErrorBox, Notice, Row, Screen, maskNetid, shown } from '../ui.tsx';

type Status = { kind: 'ok'; status: MeStatus } | { kind: 'unusable'; reason: string | null; code: string };

const UNUSABLE = new Set(['credential_revoked', 'credential_expired', 'device_revoked', 'netid_banned']);

async function loadStatus(w: StoredWallet): Promise<Status> {
  try {
    return { kind: 'ok', status: await fetchStatus(w) };
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (!UNUSABLE.has(code)) throw e;
    try {
      const why = await meControls(w).credentialStatus();
      return { kind: 'unusable', reason: why.reason, code };
    } catch {
      return { kind: 'unusable', reason: code === 'credential_expired' ? 'expired' : null, code };
    }
  }
}

/** The venue code's tile icon: a QR code's three finder squares and a dot (decorative, beside its label). */
function VenueIcon(): JSX.Element {
  return (
    <svg class="icon" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
      <path d="M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h2v2h-2zM18 18h2v2h-2zM14 18h2M18 14h2" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" />
    </svg>
  );
}

export function HomeScreen(p: { wallet: StoredWallet }): JSX.Element {
  const { t, lang } = useI18n();
  const w = p.wallet;
  const [reveal, setReveal] = useState(false);
  const status = useLoad(() => loadStatus(w), [w.credentialId]);
  const pending = useLoad<PendingRequest[]>(() => listPendingRequests(platformClient(), holderOf(w)), [w.credentialId]);
  const locked = status.state === 'ok' && status.value.kind === 'ok' && status.value.status.status === 'locked';

  return (
    <Screen title={t.home.title} back={false}>
      <div class="idcard">
        <p class="idcard-label" id="netid-label">
          {t.home.netid}
        </p>
        <p class="netid" aria-labelledby="netid-label" aria-live="polite">
          {reveal ? w.netid : maskNetid(w.netid)}
        </p>
        <button type="button" class="btn btn-ghost" aria-pressed={reveal} onClick={() => setReveal(!reveal)}>
          {reveal ? t.home.hide : t.home.reveal}
        </button>
        <dl class="facts on-dark">
          <Row term={t.home.status}>
            {status.state === 'loading' && <span>{t.app.loading}</span>}
            {status.state === 'ok' && status.value.kind === 'ok' && (
              <span class={`badge ${locked ? 'badge-warn' : 'badge-ok'}`}>{locked ? t.home.locked : t.home.active}</span>
            )}
            {status.state === 'ok' && status.value.kind === 'unusable' && <span class="badge badge-bad">{label(t.errors, status.value.code)}</span>}
            {status.state === 'failed' && <span>{t.app.none}</span>}
          </Row>
          <Row term={t.home.validUntil}>
            <time dateTime={w.expiresAt}>{formatDate(w.expiresAt, lang)}</time>
          </Row>
          <Row term={t.home.device}>{w.label || t.devices.unnamed}</Row>
          <Row term={t.home.deviceKey}>{t.home.deviceKeyValue}</Row>
        </dl>
      </div>

      {status.state === 'failed' && status.failure.code === 'offline' && (
        <Notice tone="info">
          <p>{t.home.offlineNote}</p>
        </Notice>
      )}
      {status.state === 'failed' && status.failure.code !== 'offline' && <ErrorBox failure={status.failure} />}
      {locked && (
        <Notice tone="warn">
          <p>{t.home.lockedNote}</p>
        </Notice>
      )}
      {status.state === 'ok' && status.value.kind === 'unusable' && (
        <Card title={t.home.notUsableTitle} tone="warn">
          <p>{status.value.reason ? label(t.labels.reasons, status.value.reason) : label(t.errors, status.value.code)}</p>
        </Card>
      )}

      {pending.state === 'ok' && pending.value.length > 0 && (
        <Card title={t.home.pendingTitle}>
          <ul class="list">
            {pending.value.map((r) => (
              <li key={r.ref}>
                <p>
                  <strong>{shown(r.rp.name)}</strong> <span class="meta">{label(t.labels.categories, r.rp.category)}</span>
                </p>
                <p class="meta">{r.ward ? t.home.pendingWard(shown(r.ward.name)) : r.kind === 'reverify' ? t.home.pendingReverify : label(t.labels.modes, r.mode)}</p>
                {r.bindingMessage && <p>{shown(r.bindingMessage)}</p>}
                <a class="btn btn-secondary" href={href('/verify', { ref: r.ref })}>
                  {t.home.pendingOpen}
                </a>
              </li>
            ))}
          </ul>
        </Card>
      )}
      {pending.state === 'loading' && status.state === 'loading' && <Busy text={t.app.loading} />}

      <nav aria-label={t.home.actionsTitle}>
        <ul class="tiles">
          <li class="wide">
            <a class="tile tile-wide" href={href('/venue')}>
              <VenueIcon />
              {t.home.venue}
            </a>
          </li>
          <li>
            <a class="tile" href={href('/scan')}>
              <Icon name="scan" />
              {t.home.scan}
            </a>
          </li>
          <li>
            <a class="tile" href={href('/history')}>
              <Icon name="history" />
              {t.home.history}
            </a>
          </li>
          <li>
            <a class="tile" href={href('/authorizations')}>
              <Icon name="auth" />
              {t.home.authorizations}
            </a>
          </li>
          <li>
            <a class="tile" href={href('/devices')}>
              <Icon name="devices" />
              {t.home.devices}
            </a>
          </li>
          <li>
            <a class="tile" href={href('/lock')}>
              <Icon name="lock" />
              {locked ? t.home.unlock : t.home.lock}
            </a>
          </li>
          <li>
            <a class="tile" href={href('/more')}>
              <Icon name="more" />
              {t.home.more}
            </a>
          </li>
        </ul>
      </nav>
    </Screen>
  );
}
