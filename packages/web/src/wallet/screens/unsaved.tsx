/**
 * A 网证 the browser would not store — its storage full (QuotaExceededError) or unavailable
 * (private browsing, site data blocked, the store cleared under the page) — right after the
 * platform issued it (enrollment's last step, a renewal). The 网证 and its non-extractable key
 * are kept in the page (app.tsx), so nothing is lost while it is open; this says so, says what
 * leaving without saving means, and saves again on request. `banner`: the short form other
 * screens show at their top.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { label, useI18n } from '../../shared/i18n/index.ts';
import { useWallet } from '../context.ts';
import { Button, failureText } from '../ui.tsx';

export function NotSaved(p: { banner?: boolean }): JSX.Element | null {
  const { t } = useI18n();
  const { unsaved, saveAgain } = useWallet();
  const [busy, setBusy] = useState(false);
  const [tries, setTries] = useState(0);
  if (!unsaved) return null;
  const retry = (
    <Button
      kind={p.banner ? 'secondary' : 'primary'}
      busy={busy}
      onClick={async () => {
        setBusy(true);
        try {
          await saveAgain();
        } finally {
          setBusy(false);
          setTries((n) => n + 1);
        }
      }}
    >
      {busy ? t.unsaved.saving : t.unsaved.retry}
    </Button>
  );
  if (p.banner) {
    return (
      <div class="message warn unsaved" data-unsaved="banner">
        <p>{t.unsaved.banner}</p>
        <div class="actions">{retry}</div>
      </div>
    );
  }
  const code = unsaved.failure.code;
  const why = Object.hasOwn(t.unsaved.reasons, code) ? label(t.unsaved.reasons, code) : failureText(t, unsaved.failure).text;
  return (
    <div class="message warn unsaved" data-unsaved="full">
      <p class="message-title">{t.unsaved.title}</p>
      {/* Announced when it first shows and after every failed retry. */}
      <p role="alert" key={tries}>
        {tries > 0 ? `${t.unsaved.stillFailing} ${why}` : why}
      </p>
      <p>{t.unsaved.kept}</p>
      <p>{t.unsaved.leave}</p>
      <div class="actions">{retry}</div>
    </div>
  );
}
