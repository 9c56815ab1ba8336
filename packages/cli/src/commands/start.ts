/**
 * `wangzheng start` — the whole system on one machine, on the embedded default:
 * the registry simulator (its own port, its own SQLite, a seeded synthetic population) and
 * the platform (SQLite store, development secrets). Ctrl-C stops both cleanly.
 *
 *   wangzheng start [--port P] [--registry-port P] [--no-registry] [--host H]
 *
 * `--no-registry` uses the registry at WZ_REGISTRY_URL instead of starting the simulator.
 * Configuration: every WZ_* variable (see docs/configuration.md); flags override them.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino, { type Logger } from 'pino';
import { loadConfig, smsOutboxPath, sqlitePath, type Config } from '@wangzheng/platform/config';
import { resolveSecrets } from '@wangzheng/platform/secrets';
import { createPlatform, type Platform } from '@wangzheng/platform/server/platform';
import { createRegistryServer, type RegistryServer } from '@wangzheng/registry-sim/http/server';
import { buildWeb } from '@wangzheng/web/build';
import type { Io } from '../io.ts';
import { cli } from '../util/invocation.ts';
import { untilSignalled } from '../util/signals.ts';

const USAGE = 'usage: wangzheng start [--port P] [--registry-port P] [--host H] [--no-registry]';

function portArg(s: string | undefined, name: string): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new TypeError(`--${name} must be a port number (0–65535)`);
  return n;
}

export interface Started {
  platform: Platform;
  registry?: RegistryServer;
  platformUrl: string;
  registryUrl: string;
  stop(): Promise<void>;
}

/** Starts both services; used by the command and by the start-up test. */
export async function startSystem(cfg: Config, io: Io, logger: Logger, opts: { simulator: boolean } = { simulator: true }): Promise<Started> {
  mkdirSync(cfg.dataDir, { recursive: true });
  const secrets = resolveSecrets(cfg, {
    onDevelopmentFile: (file, created) =>
      io.err(
        `WARNING: development mode — secrets and signing keys ${created ? 'generated in' : 'read from'} ${file}. ` +
          'Never use them for real people; set WZ_MODE=production and configure every secret (docs/configuration.md).',
      ),
  });

  // The web pages (wallet, venue checker): built here too, so `npx wangzheng start` serves them
  // as `npm start` does; an unchanged build is left as it is (a few hundred milliseconds).
  for (const b of await buildWeb()) if (b.written) io.out(`web pages: built ${b.outDir} (${b.files.length} files, ${b.ms} ms)`);

  let registry: RegistryServer | undefined;
  let registryUrl = cfg.registry.url;
  if (opts.simulator) {
    const dbPath = join(cfg.dataDir, 'registry.db');
    io.out(`registry simulator: opening ${dbPath} (a population of ${cfg.registry.population.toLocaleString('en-US')} is generated on first start)…`);
    registry = await createRegistryServer({
      dbPath,
      sharedKeys: [secrets.registryKey],
      population: { count: cfg.registry.population, seed: cfg.registry.seed },
      faceThreshold: cfg.registry.faceThreshold,
      logger: logger.child({ service: 'registry-sim' }),
    });
    registryUrl = await registry.listen({ port: cfg.registry.port, host: cfg.http.host });
  }

  let platform: Platform;
  try {
    platform = await createPlatform({
      config: { ...cfg, registry: { ...cfg.registry, url: registryUrl } },
      secrets,
      logger: logger.child({ service: 'platform' }),
    });
  } catch (e) {
    await registry?.close();
    throw e;
  }
  const platformUrl = await platform.listen().catch(async (e: unknown) => {
    await platform.close();
    await registry?.close();
    throw e;
  });
  return {
    platform,
    ...(registry ? { registry } : {}),
    platformUrl,
    registryUrl,
    async stop() {
      await platform.close();
      await registry?.close();
    },
  };
}

export async function startCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      'registry-port': { type: 'string' },
      host: { type: 'string' },
      'no-registry': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const overrides: Record<string, unknown> = {};
  const port = portArg(values.port, 'port');
  const registryPort = portArg(values['registry-port'], 'registry-port');
  if (port !== undefined) overrides['http.port'] = port;
  if (registryPort !== undefined) overrides['registry.port'] = registryPort;
  if (values.host !== undefined) overrides['http.host'] = values.host;
  const cfg = loadConfig(process.env, overrides);

  const logger = pino({ level: cfg.log.level }, pino.destination(2));
  const started = await startSystem(cfg, io, logger, { simulator: values['no-registry'] !== true });
  const samples = started.registry?.service.samples() ?? [];

  io.out('');
  io.out(`Wangzheng is running (${cfg.mode}, suite ${cfg.suite}, store ${cfg.store.engine}${cfg.store.engine === 'sqlite' ? ` at ${sqlitePath(cfg)}` : ''})`);
  io.out(`  platform            ${started.platformUrl}   (health: ${started.platformUrl}/healthz, keys: ${started.platformUrl}/.well-known/jwks.json)`);
  // The pages on the issuer's origin (localhost, a secure context): a browser keeps the wallet per origin, and the
  // authorize page's QR codes and links name the issuer, so 127.0.0.1 would be another, empty wallet.
  const pages = started.platform.deps.issuer.replace(/\/+$/, '');
  io.out(`  web wallet          ${pages}/wallet/   (the person's app: enroll, approve requests, 场所码)`);
  io.out(`  venue checker       ${pages}/venue/    (checks a 场所码, also offline)`);
  io.out(`  registry simulator  ${started.registryUrl}${started.registry ? `   (sample documents: ${started.registryUrl}/sim/samples)` : ' (external)'}`);
  if (samples.length > 0) {
    io.out('');
    io.out('Sample people in the synthetic registry (document type, number, status):');
    for (const s of samples.slice(0, 8)) {
      io.out(`  ${s.label.padEnd(20)} ${s.documentType.padEnd(31)} ${s.documentNumber.padEnd(20)} ${s.status.padEnd(8)} ${s.description}`);
    }
    const adult = samples.find((s) => s.label === 'adult');
    if (adult) {
      const env = cfg.dataDir === '.wangzheng' ? '' : `WZ_DATA_DIR=${cfg.dataDir} `;
      io.out('');
      io.out('Enroll the sample adult from the CLI wallet (in another terminal):');
      io.out(`  ${env}${cli(process.env, 'wallet enroll')} --document-type ${adult.documentType} --document-number ${adult.documentNumber} --phone 13800138000 --platform ${started.platformUrl} --registry ${started.registryUrl}`);
      io.out(`  ${env}${cli(process.env, 'wallet show')}`);
      io.out(`  (the wallet asks for the SMS code: no phone receives it in development, the platform writes it to ${smsOutboxPath(cfg)}; docs/enrollment.md explains every step)`);
    }
  }
  io.out('');
  io.out('Press Ctrl-C to stop.');

  await untilSignalled();
  io.out('stopping…');
  await started.stop();
  return 0;
}
