/**
 * Drawing a QR code: the `qrcode` package's encoder (loaded on first use, its own chunk) makes
 * the module matrix, and it is drawn here as one SVG path — no canvas, no data: URL, no
 * innerHTML, crisp at any size. A text made only of QR alphanumeric characters (the venue code's
 * `WZV:` + base45) is encoded in alphanumeric mode, at error correction level M.
 */
import type { JSX } from 'preact';

export interface QrMatrix {
  readonly size: number;
  readonly version: number;
  /** Row-major: dark[r * size + c]. */
  readonly dark: readonly boolean[];
}

type Create = (typeof import('qrcode/lib/core/qrcode.js'))['create'];
let encoder: Promise<Create> | undefined;
function loadEncoder(): Promise<Create> {
  // A CommonJS module: its exports are the namespace's `default` (esbuild) or the namespace itself.
  encoder ??= import('qrcode/lib/core/qrcode.js').then((m) => ((m as unknown as { default?: { create?: Create } }).default?.create ?? m.create) as Create);
  return encoder;
}

/** QR alphanumeric mode's 45 characters (base45's alphabet is exactly these). */
const ALPHANUMERIC = /^[0-9A-Z $%*+\-./:]*$/;

export async function qrMatrix(text: string): Promise<QrMatrix> {
  const create = await loadEncoder();
  const qr = create(ALPHANUMERIC.test(text) ? [{ data: text, mode: 'alphanumeric' }] : text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const dark: boolean[] = new Array<boolean>(size * size);
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) dark[r * size + c] = !!qr.modules.get(r, c);
  return { size, version: qr.version, dark };
}

/** The matrix as an SVG image with a 4-module quiet zone; `label` is its accessible name. */
export function QrSvg(p: { matrix: QrMatrix; label: string; class?: string }): JSX.Element {
  const { size, dark } = p.matrix;
  let d = '';
  for (let r = 0; r < size; r++) {
    let c = 0;
    while (c < size) {
      if (!dark[r * size + c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < size && dark[r * size + c]) c++;
      d += `M${start} ${r}h${c - start}v1h${start - c}z`;
    }
  }
  const q = 4;
  return (
    <svg class={p.class} viewBox={`${-q} ${-q} ${size + 2 * q} ${size + 2 * q}`} role="img" aria-label={p.label} shape-rendering="crispEdges">
      <rect x={-q} y={-q} width={size + 2 * q} height={size + 2 * q} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
