/**
 * `wangzheng registry …` — the simulated population registry.
 *
 *   registry generate --count N [--seed S] [--db PATH] [--as-of YYYY-MM-DD] [--force]
 *   registry serve [--port P] [--host H] [--db PATH] [--count N] [--seed S]
 *   registry samples [--db PATH] [--json]
 *
 * Defaults come from the configuration (WZ_DATA_DIR, WZ_REGISTRY_*): the database is
 * `<dataDir>/registry.db`. The shared key for request signatures is WZ_REGISTRY_KEY; when
 * unset, `serve` uses (or creates, mode 0600) `<dataDir>/registry.key` — a development key.
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig } from '@wangzheng/platform/config';
import { developmentSecretsFile } from '@wangzheng/platform/secrets';
import { createRegistryServer } from '@wangzheng/registry-sim/http/server';
import { IssuerPki } from '@wangzheng/registry-sim/pki/issuers';
import { loadPopulation, loadPopulationParallel, PARALLEL_FROM, type LoadProgress } from '@wangzheng/registry-sim/population/load';
import { RegistryService } from '@wangzheng/registry-sim/service';
import { openDb } from '@wangzheng/registry-sim/store/db';
import { RegistryStore } from '@wangzheng/registry-sim/store/registry-store';
import type { Io } from '../io.ts';
import { wantsHelp } from '../util/invocation.ts';
import { untilSignalled } from '../util/signals.ts';

const USAGE = `usage:
  wangzheng registry generate --count N [--seed S] [--db PATH] [--as-of YYYY-MM-DD] [--force]
  wangzheng registry serve [--port P] [--host H] [--db PATH] [--count N] [--seed S]
  wangzheng registry samples [--db PATH] [--json]`;

export async function registryCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== undefined && wantsHelp(rest)) {
    io.out(USAGE);
    return 0;
  }
  switch (sub) {
    case 'generate':
      return generate(rest, io);
    case 'serve':
      return serve(rest, io);
    case 'samples':
      return samples(rest, io);
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      io.out(USAGE);
      return sub === undefined ? 2 : 0;
    default:
      io.err(`wangzheng registry: unknown subcommand '${sub}'\n${USAGE}`);
      return 2;
  }
}

function defaults(): { db: string; dataDir: string; seed: string; count: number; port: number; threshold: number; sharedKey: string | undefined; logLevel: string } {
  const cfg = loadConfig();
  return {
    db: join(cfg.dataDir, 'registry.db'),
    dataDir: cfg.dataDir,
    seed: cfg.registry.seed,
    count: cfg.registry.population,
    port: cfg.registry.port,
    threshold: cfg.registry.faceThreshold,
    sharedKey: cfg.registry.sharedKey,
    logLevel: cfg.log.level,
  };
}

function positiveInt(s: string | undefined, name: string, fallback: number): number {
  if (s === undefined) return fallback;
  const n = Number(s.replaceAll('_', '').replaceAll(',', ''));
  if (!Number.isSafeInteger(n) || n < 0) throw new TypeError(`--${name} must be a non-negative integer`);
  return n;
}

// ------------------------------------------------------------------------------ generate

async function generate(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { count: { type: 'string' }, seed: { type: 'string' }, db: { type: 'string' }, 'as-of': { type: 'string' }, force: { type: 'boolean' } },
    strict: true,
  });
  const d = defaults();
  const count = positiveInt(values.count, 'count', d.count);
  const seed = values.seed ?? d.seed;
  const path = values.db ?? d.db;
  const asOf = values['as-of'];
  if (asOf !== undefined && !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(asOf)) throw new TypeError('--as-of must be YYYY-MM-DD');
  if (existsSync(path)) {
    if (!values.force) {
      io.err(`wangzheng registry generate: ${path} exists; use --force to replace it`);
      return 2;
    }
    for (const f of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) rmSync(f, { force: true });
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });

  const db = openDb(path, { bulk: true });
  const bar = progressBar(io);
  try {
    IssuerPki.open(db); // the document-issuer keys, once
    const opts = { count, seed, ...(asOf ? { asOf } : {}), onProgress: bar.update, progressEveryMs: 200 };
    const r = count >= PARALLEL_FROM ? await loadPopulationParallel(db, opts) : loadPopulation(db, opts);
    bar.end();
    db.pragma('journal_mode = WAL');
    db.close();
    const size = statSync(path).size;
    io.out(
      `generated ${fmt(r.people)} people, ${fmt(r.documents)} documents, ${fmt(r.guardianships)} guardianships ` +
        `(seed '${seed}') in ${duration(r.ms)} → ${path} (${(size / 1e9).toFixed(2)} GB)`,
    );
    return 0;
  } catch (e) {
    bar.end();
    if (db.open) db.close();
    throw e;
  }
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * A progress line on stderr: bar, percentage, rate and ETA. Redrawn in place on a terminal
 * (a few times a second); elsewhere (CI logs, pipes) one line every 5 seconds.
 */
export function progressBar(io: Io, stream: { isTTY?: boolean; write(s: string): unknown } = process.stderr): { update: (p: LoadProgress) => void; end: () => void } {
  const tty = stream.isTTY === true;
  let lastLine = 0;
  let drawn = false;
  const render = (p: LoadProgress): string => {
    if (p.phase === 'indexes') return `building indexes for ${fmt(p.total)} people…`;
    if (p.phase === 'done') return `done in ${duration(p.elapsedMs)}`;
    const frac = p.total === 0 ? 1 : p.done / p.total;
    const width = 24;
    const full = Math.round(frac * width);
    const rate = p.done / Math.max(0.001, p.elapsedMs / 1000);
    const eta = rate > 0 ? ((p.total - p.done) / rate) * 1000 : 0;
    return `[${'█'.repeat(full)}${'░'.repeat(width - full)}] ${(frac * 100).toFixed(1).padStart(5)}%  ${fmt(p.done)}/${fmt(p.total)} people  ${fmt(Math.round(rate))}/s  ETA ${duration(eta)}`;
  };
  return {
    update(p) {
      const line = render(p);
      if (tty) {
        stream.write(`\r\x1b[2K${line}`);
        drawn = true;
        if (p.phase === 'done') {
          stream.write('\n');
          drawn = false;
        }
      } else if (p.phase !== 'people' || p.elapsedMs - lastLine >= 5000) {
        lastLine = p.elapsedMs;
        io.err(line);
      }
    },
    end() {
      if (tty && drawn) stream.write('\n');
      drawn = false;
    },
  };
}

// ------------------------------------------------------------------------------ serve

function devSharedKey(dataDir: string, io: Io): string {
  const { file, secrets } = developmentSecretsFile(dataDir, (f) =>
    io.err(`WARNING: WZ_REGISTRY_KEY is not set: generated DEVELOPMENT secrets in ${f}; the platform started with the same WZ_DATA_DIR uses the same key.`),
  );
  io.err(`registry: using the development shared key from ${file}`);
  return secrets.registryKey;
}

async function serve(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, host: { type: 'string' }, db: { type: 'string' }, count: { type: 'string' }, seed: { type: 'string' } },
    strict: true,
  });
  const d = defaults();
  const path = values.db ?? d.db;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const sharedKey = d.sharedKey ?? devSharedKey(d.dataDir, io);
  const count = positiveInt(values.count, 'count', d.count);
  const port = positiveInt(values.port, 'port', d.port);
  if (!existsSync(path)) io.err(`generating ${fmt(count)} people into ${path} (first start)…`);
  const server = await createRegistryServer({
    dbPath: path,
    sharedKeys: [sharedKey],
    population: { count, seed: values.seed ?? d.seed },
    faceThreshold: d.threshold,
    logger: pino({ level: d.logLevel }, pino.destination(2)),
  });
  const url = await server.listen({ port, host: values.host ?? '127.0.0.1' });
  io.out(`registry simulator listening on ${url}  (db ${path})`);
  io.out(`  sample documents:  curl ${url}/sim/samples`);
  await untilSignalled();
  await server.close();
  return 0;
}

// ------------------------------------------------------------------------------ samples

async function samples(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { db: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true });
  const path = values.db ?? defaults().db;
  if (!existsSync(path)) {
    io.err(`wangzheng registry samples: no registry database at ${path}; run 'wangzheng registry generate' first`);
    return 2;
  }
  const db = openDb(path);
  try {
    const service = new RegistryService(new RegistryStore(db), IssuerPki.open(db));
    if (values.json) {
      // For scripts: ADULT=$(wangzheng registry samples --json | jq -r '.[] | select(.label == "adult") | .documentNumber')
      io.out(JSON.stringify(service.samples(), null, 2));
      return 0;
    }
    for (const s of service.samples()) {
      io.out(`${s.label.padEnd(20)} ${s.documentType.padEnd(31)} ${s.documentNumber.padEnd(20)} ${s.status.padEnd(8)} ${s.ageBand.padEnd(10)} ${s.description}`);
      if (s.guardian) io.out(`${''.padEnd(20)} guardian: ${s.guardian.documentType} ${s.guardian.documentNumber}`);
      if (s.otherDocument) io.out(`${''.padEnd(20)} also: ${s.otherDocument.documentType} ${s.otherDocument.documentNumber}`);
    }
    return 0;
  } finally {
    db.close();
  }
}
