/**
 * Scanning a relying party's cross-device QR code with the camera (shared/qr-camera.ts: the back
 * camera preferred, frames read by jsQR in the page — they never leave it) until a 网证
 * verification link is found; then the request opens here. Another kind of code is said to be
 * not ours and scanning goes on. A denied, absent or insecure camera is said plainly, and a link
 * or reference can always be pasted instead.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { useI18n } from '../../shared/i18n/index.ts';
import { useQrCamera } from '../../shared/qr-camera.ts';
import { go, requestFromText } from '../router.ts';
import { Button, Field, Notice, Screen } from '../ui.tsx';

function openRequest(r: { ref: string; iss?: string }): void {
  go('/verify', { ref: r.ref, ...(r.iss ? { iss: r.iss } : {}) });
}

export function ScanScreen(): JSX.Element {
  const { t } = useI18n();
  const [found, setFound] = useState(false);
  const [notOurs, setNotOurs] = useState(false);
  const [text, setText] = useState('');
  const [pasteError, setPasteError] = useState<string | undefined>();
  const camera = useQrCamera((scanned) => {
    const r = requestFromText(scanned);
    if (!r) {
      setNotOurs(true);
      return false;
    }
    setFound(true);
    openRequest(r);
    return true;
  });

  const problem =
    camera.state === 'denied' ? t.scan.denied : camera.state === 'absent' ? t.scan.absent : camera.state === 'insecure' ? t.scan.insecure : camera.state === 'failed' ? t.scan.failed : undefined;
  const live = camera.state === 'on' || camera.state === 'starting';
  return (
    <Screen title={t.scan.title}>
      <p>{t.scan.intro}</p>
      <div class={live ? 'viewfinder live' : 'viewfinder'}>
        <video ref={camera.video} muted playsInline aria-label={t.scan.video} />
        <canvas ref={camera.canvas} hidden />
        {live && <span class="finder-frame" aria-hidden="true" />}
      </div>
      <div aria-live="polite">
        {camera.state === 'on' && <p class="meta">{t.scan.scanning}</p>}
        {found && <p class="meta">{t.scan.found}</p>}
        {notOurs && <p class="field-error">{t.scan.notOurs}</p>}
      </div>
      {problem && (
        <Notice tone="warn">
          <p role="alert">{problem}</p>
        </Notice>
      )}
      <div class="actions">
        {live ? (
          <Button kind="secondary" onClick={camera.stop}>
            {t.scan.stop}
          </Button>
        ) : (
          <Button
            onClick={() => {
              setNotOurs(false);
              setFound(false);
              void camera.start();
            }}
          >
            {t.scan.start}
          </Button>
        )}
      </div>
      <form
        class="paste"
        onSubmit={(e) => {
          e.preventDefault();
          const r = requestFromText(text);
          if (!r) {
            setPasteError(t.scan.notOurs);
            return;
          }
          setPasteError(undefined);
          camera.stop();
          openRequest(r);
        }}
      >
        <Field id="paste-link" label={t.scan.paste} hint={t.scan.pasteHint} value={text} onValue={setText} error={pasteError} maxLength={2048} />
        <div class="actions">
          <Button type="submit" kind="secondary">
            {t.scan.open}
          </Button>
        </div>
      </form>
    </Screen>
  );
}
