/**
 * Reading QR codes with the camera: getUserMedia (the back camera preferred) into a <video>,
 * frames drawn onto a canvas a few times a second and read by jsQR (its own chunk, loaded when
 * the camera starts). The frames never leave the page. A denied, absent or insecure camera is
 * a state the screen explains (and offers a paste box instead).
 *
 * One hook for both apps' scanners (the wallet's wallet/screens/scan.tsx, the checker's
 * venue/app.tsx): `onText` gets each text read; it answers true to stop the camera (found),
 * false to keep scanning.
 */
import type { RefObject } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

type JsQr = (data: Uint8ClampedArray, width: number, height: number, o?: { inversionAttempts?: 'dontInvert' | 'attemptBoth' }) => { data: string } | null;
let reader: Promise<JsQr> | undefined;
function loadReader(): Promise<JsQr> {
  // jsQR is CommonJS with `exports.default`.
  reader ??= import('jsqr').then((m) => (m as unknown as { default: JsQr }).default);
  return reader;
}

export type CameraState = 'off' | 'starting' | 'on' | 'denied' | 'absent' | 'insecure' | 'failed';

export interface QrCamera {
  video: RefObject<HTMLVideoElement | null>;
  canvas: RefObject<HTMLCanvasElement | null>;
  state: CameraState;
  start(): Promise<void>;
  stop(): void;
}

export function useQrCamera(onText: (text: string) => boolean): QrCamera {
  const video = useRef<HTMLVideoElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const decode = useRef<JsQr | null>(null);
  const handler = useRef(onText);
  handler.current = onText;
  const [state, setState] = useState<CameraState>('off');

  const release = useCallback((): void => {
    if (timer.current !== undefined) clearTimeout(timer.current);
    timer.current = undefined;
    stream.current?.getTracks().forEach((tr) => tr.stop());
    stream.current = null;
    if (video.current) video.current.srcObject = null;
  }, []);
  useEffect(() => release, [release]);

  const tick = useCallback((): void => {
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
        if (code?.data && handler.current(code.data)) {
          release();
          setState('off');
          return;
        }
      }
    }
    timer.current = window.setTimeout(tick, 200);
  }, [release]);

  const start = useCallback(async (): Promise<void> => {
    if (!window.isSecureContext) return setState('insecure');
    if (!navigator.mediaDevices?.getUserMedia) return setState('absent');
    release();
    setState('starting');
    try {
      decode.current = await loadReader();
      const s = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false });
      stream.current = s;
      const v = video.current;
      if (v) {
        v.srcObject = s;
        await v.play().catch(() => undefined);
      }
      setState('on');
      tick();
    } catch (e) {
      const name = (e as { name?: string }).name;
      release();
      setState(name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : name === 'NotFoundError' || name === 'OverconstrainedError' ? 'absent' : 'failed');
    }
  }, [release, tick]);

  const stop = useCallback((): void => {
    release();
    setState('off');
  }, [release]);

  return { video, canvas, state, start, stop };
}
