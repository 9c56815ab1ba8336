/**
 * `wangzheng start` — the whole system on one machine, on the embedded default:
 * the registry simulator (its own port, its own SQLite, a seeded synthetic population), the
 * platform (SQLite store, development secrets) and, in development, the demo relying party
 * (examples/ticketing, a ticket-booking site) as a process of its own. Ctrl-C stops them all.
 *
 *   wangzheng start [--port P] [--registry-port P] [--no-registry] [--host H] [--demo-port P] [--no-demo] [--workers N|auto]
 *
 * `--workers N` runs the platform as N processes sharing the port (one per core with `auto`;
 * workers.ts); without it, one process.
 * `--no-registry` uses the registry at WZ_REGISTRY_URL instead of starting the simulator;
 * `--no-demo` does not start the demo site (default port 8090, or TICKETING_PORT).
 * Configuration: every WZ_* variable (see docs/configuration.md); flags override them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pino, { type Logger } from 'pino';
import { loadConfig, publicUrl, smsOutboxPath, sqlitePath, type Config } from '@wangzheng/platform/config';
import { resolveSecrets } from '@wangzheng/platform/secrets';
import { createPlatform, type Platform } from '@wangzheng/platform/server/platform';
import type { RegistryServer } from '@wangzheng/registry-sim/http/server';
import type { Io } from '../io.ts';
import { cli } from '../util/invocation.ts';
import { untilSignalled } from '../util/signals.ts';
import { isWorker, reportToPrimary, startWorkers, workersArg, type WorkerPool } from './workers.ts';

const USAGE = 'usage: wangzheng start [--port P] [--registry-port P] [--host H] [--no-registry] [--demo-port P] [--no-demo] [--workers N|auto]';

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

export interface Prepared {
  readonly secrets: ReturnType<typeof resolveSecrets>;
  readonly registry?: RegistryServer;
  readonly registryUrl: string;
}

/**
 * What comes before the platform: the data directory, the secrets (generated once in
 * development), the web pages, and the registry simulator unless `simulator` is false.
 */
export async function prepareSystem(cfg: Config, io: Io, logger: Logger, opts: { simulator: boolean; web?: boolean }): Promise<Prepared> {
  mkdirSync(cfg.dataDir, { recursive: true, mode: 0o700 }); // secrets, databases, the SMS outbox: owner-only
  const secrets = resolveSecrets(cfg, {
    onDevelopmentFile: (file, created) =>
      io.err(
        `WARNING: development mode — secrets and signing keys ${created ? 'generated in' : 'read from'} ${file}. ` +
          'Never use them for real people; set WZ_MODE=production and configure every secret (docs/configuration.md).',
      ),
  });

  // The web pages (wallet, venue checker): built here too, so `npx wangzheng start` serves them
  // as `npm start` does; an unchanged build is left as it is (a few hundred milliseconds).
  // The builder and the simulator are imported only when they run: a worker of `--workers`, or a
  // platform with `--no-registry`, never loads them (the simulator's names and its database code).
  if (opts.web !== false) for (const b of await (await import('@wangzheng/web/build')).buildWeb()) if (b.written) io.out(`web pages: built ${b.outDir} (${b.files.length} files, ${b.ms} ms)`);

  if (!opts.simulator) return { secrets, registryUrl: cfg.registry.url };
  const dbPath = join(cfg.dataDir, 'registry.db');
  io.out(`registry simulator: opening ${dbPath} (a population of ${cfg.registry.population.toLocaleString('en-US')} is generated on first start)…`);
  const { createRegistryServer } = await import('@wangzheng/registry-sim/http/server');
  const registry = await createRegistryServer({
    dbPath,
    sharedKeys: [secrets.registryKey],
    population: { count: cfg.registry.population, seed: cfg.registry.seed },
    faceThreshold: cfg.registry.faceThreshold,
    logger: logger.child({ service: 'registry-sim' }),
  });
  return { secrets, registry, registryUrl: await registry.listen({ port: cfg.registry.port, host: cfg.http.host }) };
}

/** Starts both services; used by the command and by the start-up test. */
export async function startSystem(cfg: Config, io: Io, logger: Logger, opts: { simulator: boolean; web?: boolean } = { simulator: true }): Promise<Started> {
  const { secrets, registry, registryUrl } = await prepareSystem(cfg, io, logger, opts);

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

/**
 * A worker of `start --workers`: the platform alone (the primary runs the simulator and built the
 * pages), with the registry the primary named in WZ_REGISTRY_URL. It says when it is listening,
 * or why it could not start, and stops on SIGTERM or SIGINT (the primary's, or Ctrl-C's).
 */
async function runWorker(cfg: Config, logger: Logger): Promise<number> {
  const quiet: Io = { out: () => {}, err: () => {} };
  let s: Started;
  try {
    s = await startSystem(cfg, quiet, logger, { simulator: false, web: false });
  } catch (e) {
    reportToPrimary({ wz: 'failed', reason: e instanceof Error ? e.message : String(e) });
    return 1;
  }
  reportToPrimary({ wz: 'listening', url: s.platformUrl });
  await untilSignalled();
  await s.stop();
  return 0;
}

/** The demo relying party's entry point, and tsx's loader (the demo is TypeScript, run as any RP would run it: its own process). */
const DEMO_MAIN = fileURLToPath(new URL('../../../../examples/ticketing/src/main.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface Demo {
  url: string;
  stop(): Promise<void>;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts the demo ticketing site (examples/ticketing) as a child process talking to the platform
 * at `issuer` only through its public protocols. Resolves with its URL once it has registered and
 * configured its Shared Signals stream (it says so over the IPC channel); rejects with the reason
 * when it exits or stays silent for `timeoutMs`. Its output lines go to `io`.
 */
export function startDemo(o: { issuer: string; dataDir: string; port: number; io: Io; timeoutMs?: number }): Promise<Demo> {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, DEMO_MAIN], {
    env: { ...process.env, TICKETING_ISSUER: o.issuer, TICKETING_PORT: String(o.port), WZ_DATA_DIR: resolve(o.dataDir) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let last = '';
  createInterface({ input: child.stdout! }).on('line', (l) => o.io.out(l));
  createInterface({ input: child.stderr! }).on('line', (l) => {
    last = l;
    o.io.err(l);
  });
  return new Promise<Demo>((ok, fail) => {
    const timer = setTimeout(() => {
      void stopChild(child);
      fail(new Error(`no answer within ${Math.round((o.timeoutMs ?? 60_000) / 1000)} s`));
    }, o.timeoutMs ?? 60_000);
    child.once('message', (m: { ready?: unknown }) => {
      clearTimeout(timer);
      if (typeof m?.ready === 'string') ok({ url: m.ready, stop: () => stopChild(child) });
      else fail(new Error('an unexpected message'));
      // The IPC channel stays open: when this process goes away, however it ends, the child sees `disconnect` and stops.
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(new Error(last.replace(/^ticketing: (cannot start: )?/, '') || `exited (${signal ?? code})`));
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
  });
}

export async function startCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      'registry-port': { type: 'string' },
      host: { type: 'string' },
      'no-registry': { type: 'boolean' },
      'demo-port': { type: 'string' },
      'no-demo': { type: 'boolean' },
      workers: { type: 'string' },
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
  const demoPort = portArg(values['demo-port'] ?? process.env['TICKETING_PORT'], 'demo-port') ?? 8090;
  if (port !== undefined) overrides['http.port'] = port;
  if (registryPort !== undefined) overrides['registry.port'] = registryPort;
  if (values.host !== undefined) overrides['http.host'] = values.host;
  const workers = workersArg(values.workers);
  const cfg = loadConfig(process.env, overrides);

  const logger = pino({ level: cfg.log.level }, pino.destination(2));
  if (isWorker()) return runWorker(cfg, logger);
  let started: Pick<Started, 'registry' | 'platformUrl' | 'registryUrl' | 'stop'>;
  let pool: WorkerPool | undefined;
  if (workers === undefined) {
    started = await startSystem(cfg, io, logger, { simulator: values['no-registry'] !== true });
  } else {
    // The primary: secrets, pages and the simulator once; then the workers, told where the registry is.
    const prepared = await prepareSystem(cfg, io, logger, { simulator: values['no-registry'] !== true });
    io.out(`platform: starting ${workers} worker process${workers === 1 ? '' : 'es'}…`);
    pool = await startWorkers({ count: workers, env: { WZ_REGISTRY_URL: prepared.registryUrl }, io }).catch(async (e: unknown) => {
      await prepared.registry?.close();
      throw e;
    });
    const p = pool;
    started = {
      ...(prepared.registry ? { registry: prepared.registry } : {}),
      platformUrl: p.url,
      registryUrl: prepared.registryUrl,
      async stop() {
        await p.stop();
        await prepared.registry?.close();
      },
    };
  }
  const samples = started.registry?.service.samples() ?? [];
  // The pages on the issuer's origin (localhost, a secure context): a browser keeps the wallet per origin, and the
  // authorize page's QR codes and links name the issuer, so 127.0.0.1 would be another, empty wallet.
  const pages = publicUrl(cfg).replace(/\/+$/, '');

  // The demo relying party registers itself through the development sandbox: development only. If it does not
  // come up, the platform runs on without it.
  let demo: Demo | string = values['no-demo'] ? 'not started (--no-demo)' : cfg.mode === 'production' ? 'not started (production mode)' : '';
  if (demo === '') {
    io.out(`demo ticketing site: starting on port ${demoPort}…`);
    demo = await startDemo({ issuer: pages, dataDir: cfg.dataDir, port: demoPort, io }).catch((e: unknown) => {
      const why = e instanceof Error ? e.message : String(e);
      io.err(`the demo ticketing site did not start (${why}); the platform keeps running without it (--no-demo skips it)`);
      return `did not start: ${why}`;
    });
  }

  io.out('');
  io.out(`Wangzheng is running (${cfg.mode}, suite ${cfg.suite}, store ${cfg.store.engine}${cfg.store.engine === 'sqlite' ? ` at ${sqlitePath(cfg)}` : ''})`);
  // The issuer's address, not the socket's: OpenID Connect clients refuse an issuer other than the URL they were given.
  io.out(`  platform            ${pages}   (the issuer; health: ${pages}/healthz, keys: ${pages}/.well-known/jwks.json; listening on ${started.platformUrl}${pool ? `, ${pool.count} worker process${pool.count === 1 ? '' : 'es'}` : ''})`);
  io.out(`  web wallet          ${pages}/wallet/   (the person's app: enroll, approve requests, 场所码)`);
  io.out(`  venue checker       ${pages}/venue/    (checks a 场所码, also offline)`);
  io.out(`  operator console    ${pages}/console/  (operators sign in with their own 网证; roles: wangzheng admin console-grant)`);
  io.out(`  developer portal    ${pages}/developers/   (relying parties: apply, sandbox credentials, keys, stream, snippets)`);
  io.out(`  registry simulator  ${started.registryUrl}${started.registry ? `   (sample documents: ${started.registryUrl}/sim/samples)` : ' (external)'}`);
  io.out(`  demo ticketing site ${typeof demo === 'string' ? demo : `${demo.url}/   (a relying party: log in with 网证, real-name tickets; examples/ticketing)`}`);
  if (samples.length > 0) {
    io.out('');
    io.out('Sample people in the synthetic registry (document type, number, status):');
    for (const s of samples.slice(0, 8)) {
      io.out(`  ${s.label.padEnd(20)} ${s.documentType.padEnd(31)} ${s.documentNumber.padEnd(20)} ${s.status.padEnd(8)} ${s.description}`);
      // The documents the descriptions refer to: a minor's guardian, a person's second document.
      if (s.guardian) io.out(`  ${'  guardian'.padEnd(20)} ${s.guardian.documentType.padEnd(31)} ${s.guardian.documentNumber.padEnd(20)} ${'valid'.padEnd(8)} Their guardian (enrolls first, in a wallet of their own).`);
      if (s.otherDocument) io.out(`  ${'  same person'.padEnd(20)} ${s.otherDocument.documentType.padEnd(31)} ${s.otherDocument.documentNumber}`);
    }
    const adult = samples.find((s) => s.label === 'adult');
    if (adult) {
      const env = cfg.dataDir === '.wangzheng' ? '' : `WZ_DATA_DIR=${cfg.dataDir} `;
      io.out('');
      io.out('Enroll the sample adult from the CLI wallet (in another terminal):');
      io.out(`  ${env}${cli(process.env, 'wallet enroll')} --document-type ${adult.documentType} --document-number ${adult.documentNumber} --phone 13800138000 --platform ${pages} --registry ${started.registryUrl}`);
      io.out(`  ${env}${cli(process.env, 'wallet show')}`);
      io.out(`  (the wallet asks for the SMS code: no phone receives it in development, the platform writes it to ${smsOutboxPath(cfg)}; docs/enrollment.md explains every step)`);
    }
  }
  io.out('');
  io.out('Press Ctrl-C to stop.');

  await untilSignalled();
  io.out('stopping…');
  if (typeof demo !== 'string') await demo.stop();
  await started.stop();
  return 0;
}
