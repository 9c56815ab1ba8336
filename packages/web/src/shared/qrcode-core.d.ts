/**
 * Types for the one part of the `qrcode` package the web apps use: its encoder core (no
 * renderers, no Node streams). `@types/qrcode` is for the whole package and pulls in Node's
 * types, which the browser program must not see.
 */
declare module 'qrcode/lib/core/qrcode.js' {
  export interface QrBitMatrix {
    readonly size: number;
    get(row: number, col: number): boolean | 0 | 1;
  }
  export interface QrCodeCore {
    readonly modules: QrBitMatrix;
    readonly version: number;
  }
  export function create(data: string | { data: string; mode: 'alphanumeric' | 'numeric' | 'byte' }[], options?: { errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H' }): QrCodeCore;
}
