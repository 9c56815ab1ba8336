/**
 * The web wallet's test system: the registry simulator (the enrollment harness's, its own port
 * and SQLite), and the platform as `npm start` runs it in development — the real SMS outbox file
 * (the wallet page reads codes through `/sim/sms`), its own SQLite file — listening on a free
 * port of 127.0.0.1 with the issuer `http://localhost:<port>`: the page is opened on `localhost`,
 * a secure context (WebCrypto, service workers, the camera need one). The wallet is built first
 * (packages/web/build.ts; unchanged sources leave the output as it is).
 *
 * Chromium: Debian's, driven by playwright-core, with the flags this repository uses elsewhere.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import QRCode from 'qrcode';
import { chromium, type Browser } from 'playwright-core';
import { generateKey } from '@wangzheng/core/crypto/index';
import { generateSecretEntry } from '@wangzheng/core/identifiers/index';
import { buildWallet, type BuildResult } from '../../../web/build.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { resolveSecrets } from '../../src/secrets.ts';
import { createPlatform, type Platform } from '../../src/server/platform.ts';
import { freePort, startRegistry, type SharedRegistry } from '../enrollment/harness.ts';

export { ADULT, VALID_DOC, startRegistry, type RegistryPerson, type SharedRegistry } from '../enrollment/harness.ts';

export const CHROMIUM = process.env['WZ_CHROMIUM'] ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * `camera`: a Y4M file Chromium's fake camera plays in a loop (`--use-fake-device-for-media-stream`);
 * permission is still asked — headless Chromium refuses it unless the context grants `camera`.
 */
export async function launchChromium(opts: { camera?: string } = {}): Promise<Browser> {
  const { existsSync } = await import('node:fs');
  // No silent skip: without Chromium these suites fail and say how to install it.
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium (or set WZ_CHROMIUM)`);
  const camera = opts.camera ? ['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${opts.camera}`] : [];
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_FLAGS, ...camera] });
}

/** A camera's view of a QR code of `text`, as a Y4M video (480×480, a few identical frames) for the fake camera. */
export function writeQrVideo(text: string, file: string): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const size = 480;
  const scale = Math.floor(size / (n + 8));
  const offset = Math.floor((size - n * scale) / 2);
  const y = Buffer.alloc(size * size, 235);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (!qr.modules.get(r, c)) continue;
      for (let dy = 0; dy < scale; dy++) y.fill(16, (offset + r * scale + dy) * size + offset + c * scale, (offset + r * scale + dy) * size + offset + (c + 1) * scale);
    }
  }
  const chroma = Buffer.alloc((size / 2) * (size / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma]);
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${size} H${size} F10:1 Ip A1:1 C420jpeg\n`), frame, frame, frame]));
}

export interface WebSystem {
  platform: Platform;
  config: Config;
  /** `http://localhost:<port>`: the platform's origin as the browser sees it. */
  origin: string;
  build: BuildResult;
  logs(): string;
  close(): Promise<void>;
}

/**
 * `production`: a complete production configuration (every secret given, signing keys in
 * files, no SMS outbox), as packages/platform/test/rp/harness.ts builds one, so the production
 * rules are the real ones.
 */
export async function startWebPlatform(registry: SharedRegistry, opts: { overrides?: Record<string, unknown>; production?: boolean } = {}): Promise<WebSystem> {
  const build = await buildWallet();
  const dir = mkdtempSync(join(tmpdir(), 'wz-web-'));
  const port = await freePort();
  const production: Record<string, unknown> = {};
  if (opts.production) {
    const gm = join(dir, 'gm.pem');
    const intl = join(dir, 'intl.pem');
    writeFileSync(gm, generateKey('SM2').toPem(), { mode: 0o600 });
    writeFileSync(intl, generateKey('ES256').toPem(), { mode: 0o600 });
    Object.assign(production, {
      mode: 'production',
      'secrets.netid': generateSecretEntry('netid-1'),
      'secrets.appid': generateSecretEntry('appid-1'),
      'secrets.kek': generateSecretEntry('kek-1', 16),
      'secrets.blindIndex': generateSecretEntry('bidx-1'),
      'secrets.admin': generateSecretEntry('ops-1'),
      'admin.roles': 'ops-1=auditor',
      'registry.sharedKey': registry.registryKey,
      'signing.gmKeyFile': gm,
      'signing.intlKeyFile': intl,
      'sms.sender': 'disabled',
      // Production issuers are https (Shared Signals receivers fetch keys from them).
      'http.publicUrl': 'https://wangzheng.test',
    });
  }
  const config = loadConfig(
    {},
    {
      // The registry's directory holds the development secrets both sides share.
      dataDir: registry.dir,
      'store.sqlitePath': join(dir, 'platform.db'),
      'sms.outboxFile': join(dir, 'sms-outbox.jsonl'),
      suite: 'gm',
      'registry.url': registry.url,
      'http.port': port,
      'http.publicUrl': `http://localhost:${port}`,
      'passphrase.memoryKiB': 8192,
      'passphrase.iterations': 1,
      ...opts.overrides,
      ...production,
    },
  );
  const secrets = resolveSecrets(config);
  let logText = '';
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _enc, cb) {
        logText += String(chunk);
        cb();
      },
    }),
  );
  const platform = await createPlatform({ config, secrets, logger });
  await platform.listen({ port, host: '127.0.0.1' });
  return {
    platform,
    config,
    origin: `http://localhost:${port}`,
    build,
    logs: () => logText,
    async close() {
      await platform.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { freePort };

// ------------------------------------------------------------------ the venue checker (/venue/)

import { buildVenue } from '../../../web/build.ts';

/**
 * The web system with the venue checker (packages/web/src/venue, served under /venue/) built as
 * well as the wallet: `npm start` and `npm test` build both; `startWebPlatform` builds only the
 * wallet.
 */
export async function startVenueWebPlatform(registry: SharedRegistry, opts: { overrides?: Record<string, unknown>; production?: boolean } = {}): Promise<WebSystem & { venueBuild: BuildResult }> {
  const venueBuild = await buildVenue();
  const sys = await startWebPlatform(registry, opts);
  return Object.assign(sys, { venueBuild });
}

// ------------------------------------------------------------------ the operator console (/console/)

import { buildConsole } from '../../../web/build.ts';

/** The web system with the operator console (packages/web/src/console, served under /console/) built as well as the wallet. */
export async function startConsoleWebPlatform(registry: SharedRegistry, opts: { overrides?: Record<string, unknown>; production?: boolean } = {}): Promise<WebSystem & { consoleBuild: BuildResult }> {
  const consoleBuild = await buildConsole();
  const sys = await startWebPlatform(registry, opts);
  return Object.assign(sys, { consoleBuild });
}
