/**
 * Scanning a relying party's cross-device QR code: the camera (getUserMedia, the back camera
 * preferred) into a <video>, frames drawn onto a canvas and read by jsQR a few times a second,
 * until a 网证 verification link is found; then the request opens here. Everything stays on the
 * device (the frames never leave the page). A denied or missing camera is said plainly, and a
 * link or reference can always be pasted instead.
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../../shared/i18n/index.ts';
import { go, requestFromText } from '../router.ts';
import { Button, Field, Notice, Screen } from '../ui.tsx';

/** jsQR is CommonJS with `exports.default`; loaded (its own chunk) when the camera starts. */
type JsQr = (data: Uint8ClampedArray, width: number, height: number, o?: { inversionAttempts?: 'dontInvert' | 'attemptBoth' }) => { data: string } | null;
let reader: Promise<JsQr> | undefined;
function loadReader(): Promise<JsQr> {
  reader ??= import('jsqr').then((m) => (m as unknown as { default: JsQr }).default);
  return reader;
}

type CameraState = 'off' | 'starting' | 'on' | 'found' | 'denied' | 'absent' | 'insecure' | 'failed';

function openRequest(r: { ref: string; iss?: string }): void {
  go('/verify', { ref: r.ref, ...(r.iss ? { iss: r.iss } : {}) });
}

export function ScanScreen(): JSX.Element {
  const { t } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const decode = useRef<JsQr | null>(null);
  const [camera, setCamera] = useState<CameraState>('off');
  const [notOurs, setNotOurs] = useState(false);
  const [text, setText] = useState('');
  const [pasteError, setPasteError] = useState<string | undefined>();

  const stop = (): void => {
    if (timer.current !== undefined) clearTimeout(timer.current);
    timer.current = undefined;
    stream.current?.getTracks().forEach((tr) => tr.stop());
    stream.current = null;
    if (video.current) video.current.srcObject = null;
  };
  useEffect(() => stop, []);

  const tick = (): void => {
    const v = video.current;
    const c = canvas.current;
    if (!v || !c || !stream.current) return;
    if (v.readyState >= 2 && v.videoWidth > 0) {
      const scale = Math.min(1, 640 / v.videoWidth);
      c.width = Math.round(v.videoWidth * scale);
      c.height = Math.round(v.videoHeight * scale);
      const ctx = c.getContext('2d', { willReadFrequently: true });
      if (ctx) {
        ctx.drawImage(v, 0, 0, c.width, c.height);
        const img = ctx.getImageData(0, 0, c.width, c.height);
        const code = decode.current?.(img.data, img.width, img.height, { inversionAttempts: 'dontInvert' });
        if (code?.data) {
          const r = requestFromText(code.data);
          if (r) {
            setCamera('found');
            stop();
            openRequest(r);
            return;
          }
          setNotOurs(true);
        }
      }
    }
    timer.current = window.setTimeout(tick, 200);
  };

  async function start(): Promise<void> {
    setNotOurs(false);
    if (!window.isSecureContext) return setCamera('insecure');
    if (!navigator.mediaDevices?.getUserMedia) return setCamera('absent');
    setCamera('starting');
    try {
      decode.current = await loadReader();
      const s = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false });
      stream.current = s;
      const v = video.current;
      if (v) {
        v.srcObject = s;
        await v.play().catch(() => undefined);
      }
      setCamera('on');
      tick();
    } catch (e) {
      const name = (e as { name?: string }).name;
      stop();
      setCamera(name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : name === 'NotFoundError' || name === 'OverconstrainedError' ? 'absent' : 'failed');
    }
  }

  const problem = camera === 'denied' ? t.scan.denied : camera === 'absent' ? t.scan.absent : camera === 'insecure' ? t.scan.insecure : camera === 'failed' ? t.scan.failed : undefined;
  const live = camera === 'on' || camera === 'starting';
  return (
    <Screen title={t.scan.title}>
      <p>{t.scan.intro}</p>
      <div class={live ? 'viewfinder live' : 'viewfinder'}>
        <video ref={video} muted playsInline aria-label={t.scan.video} />
        <canvas ref={canvas} hidden />
        {live && <span class="finder-frame" aria-hidden="true" />}
      </div>
      <div aria-live="polite">
        {camera === 'on' && <p class="meta">{t.scan.scanning}</p>}
        {camera === 'found' && <p class="meta">{t.scan.found}</p>}
        {notOurs && <p class="field-error">{t.scan.notOurs}</p>}
      </div>
      {problem && (
        <Notice tone="warn">
          <p role="alert">{problem}</p>
        </Notice>
      )}
      <div class="actions">
        {live ? (
          <Button
            kind="secondary"
            onClick={() => {
              stop();
              setCamera('off');
            }}
          >
            {t.scan.stop}
          </Button>
        ) : (
          <Button onClick={() => void start()}>{t.scan.start}</Button>
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
          stop();
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
