/**
 * What the venue suites share: a platform key and a device key, a pass issued with them, a
 * presentation made with it, and the verifier's options — every port implemented with
 * `@wangzheng/core/crypto` (venue/node.ts) as the checker page will implement them with WebCrypto.
 */
import QRCode from 'qrcode';
import jsQRModule from 'jsqr';
import { generateKey, type PrivateKey, type SigAlg } from '../../src/crypto/index.ts';
import {
  createVenuePresentation,
  issueVenuePass,
  MemoryReplayCache,
  type IssuedVenuePass,
  type RevealedClaims,
  type VenueStatus,
  type VenueSuite,
  type VerifyVenueOptions,
} from '../../src/venue/index.ts';
import { nodeDigest, nodeVenueCrypto, nodeVenueSigner } from '../../src/venue/node.ts';

/** 2026-01-01T00:00:00Z. */
export const T0 = 1_767_225_600;
export const DAY = 86_400;

export interface Fixture {
  readonly suite: VenueSuite;
  readonly platform: PrivateKey;
  readonly device: PrivateKey;
  readonly issued: IssuedVenuePass;
  readonly keys: unknown[];
}

export async function fixture(suite: VenueSuite, deviceAlg: SigAlg = suite === 'gm' ? 'SM2' : 'ES256', o: { maskedName?: string; adult?: boolean; platform?: PrivateKey } = {}): Promise<Fixture> {
  const platform = o.platform ?? generateKey(suite === 'gm' ? 'SM2' : 'ES256');
  const device = generateKey(deviceAlg);
  const issued = await issueVenuePass({
    signer: nodeVenueSigner(platform),
    suite,
    digest: nodeDigest,
    issuedAt: T0,
    expiresAt: T0 + DAY,
    status: { list: '1', idx: 4711 },
    deviceJwk: device.publicKey.toJwk(),
    claims: { age_over_18: o.adult ?? true, masked_name: o.maskedName ?? '刘*' },
  });
  // A JWKS as the platform publishes it: both suites' keys, with kid/alg/use.
  const other = generateKey(suite === 'gm' ? 'ES256' : 'SM2');
  return { suite, platform, device, issued, keys: [other.publicKey.toJwk(), platform.publicKey.toJwk()] };
}

export type Choice = 'result' | 'age' | 'age+name';
export const CHOICES: readonly Choice[] = ['result', 'age', 'age+name'];

export function reveal(fx: Fixture, choice: Choice): RevealedClaims {
  const c = fx.issued.claims;
  return choice === 'result' ? {} : choice === 'age' ? { age_over_18: c.age_over_18 } : { age_over_18: c.age_over_18, masked_name: c.masked_name };
}

export function present(fx: Fixture, revealed: RevealedClaims, presentedAt = T0 + 100, o: { device?: PrivateKey; nonce?: Uint8Array; pass?: Uint8Array } = {}): Promise<string> {
  return createVenuePresentation(o.pass ?? fx.issued.pass, revealed, {
    signer: nodeVenueSigner(o.device ?? fx.device),
    digest: nodeDigest,
    presentedAt,
    ...(o.nonce ? { nonce: o.nonce } : {}),
  });
}

export function options(fx: Fixture, now = T0 + 105, over: Partial<VerifyVenueOptions> & { status?: VenueStatus } = {}): VerifyVenueOptions {
  const { status, ...rest } = over;
  return {
    now,
    keys: { keys: fx.keys },
    statusLookup: () => status ?? 'valid',
    seen: new MemoryReplayCache(() => now),
    crypto: nodeVenueCrypto,
    ...rest,
  };
}

/** The QR version `qrcode` picks for `text` at error correction level M. */
export function qrVersion(text: string): number {
  return QRCode.create(text, { errorCorrectionLevel: 'M' }).version;
}

/** Renders `text` as a QR code bitmap (4 px per module, quiet zone) and reads it back with jsQR, as a phone camera would. */
export function qrRoundTrip(text: string): string | undefined {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const scale = 4;
  const quiet = 4;
  const side = (n + 2 * quiet) * scale;
  const rgba = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      if (!qr.modules.get(y, x)) continue;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const p = (((y + quiet) * scale + dy) * side + (x + quiet) * scale + dx) * 4;
          rgba[p] = rgba[p + 1] = rgba[p + 2] = 0;
        }
      }
    }
  }
  // jsqr is CommonJS with an ES-style default export: under NodeNext its default import is the module object.
  const jsQR = ((jsQRModule as unknown as { default?: typeof jsQRModule }).default ?? jsQRModule) as unknown as (d: Uint8ClampedArray, w: number, h: number) => { data: string } | null;
  return jsQR(rgba, side, side)?.data;
}
