/**
 * Enrollment throughput: `npm run bench -- enrollment` (part of `npm run bench`).
 *
 * End to end and in one process: the registry simulator (its own HTTP port and SQLite), the
 * platform (HTTP, store on SQLite and, when reachable, PostgreSQL) and wallets driving every
 * step over HTTP with the wallet library — chip read, passive authentication, face match,
 * SMS code, consent, Argon2id passphrase hash (production parameters), device proof, 网证
 * issuance. Reported next to the floors measured in the same run on the same machine:
 * Argon2id hashes/s at the same concurrency, and SM2 sign/verify per core.
 *
 * Everything shares the same two cores (platform, registry, wallets), so the figure is a
 * lower bound for a platform with the registry and the phones elsewhere; the CPU time per
 * enrollment and the crypto it needs say where the time goes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import pg from 'pg';
import { hash } from '@node-rs/argon2';
import { generateKey } from '@wangzheng/core/crypto/index';
import { loadConfig } from '@wangzheng/platform/config';
import { resolveSecrets } from '@wangzheng/platform/secrets';
import { createPlatform, type Platform } from '@wangzheng/platform/server/platform';
import { MemorySmsSender } from '@wangzheng/platform/sms/sender';
import { openStore, type StoreConfig } from '@wangzheng/platform/store/index';
import { createRegistryServer } from '@wangzheng/registry-sim/http/server';
import { PlatformClient } from '@wangzheng/wallet/enroll/client';
import { enroll } from '@wangzheng/wallet/enroll/enroll';
import { keySigner, nodeDigest } from '@wangzheng/wallet/holder/node';

export interface EnrollmentBenchOptions {
  /** Enrollments per engine (default 200; env BENCH_ENROLLMENTS). */
  count?: number;
  /** Wallets in flight (default 4; env BENCH_CONCURRENCY). */
  concurrency?: number;
  /** PostgreSQL URL; skipped (and said so) when unreachable. */
  pgUrl?: string;
}

interface Row {
  name: string;
  value: string;
}

const ARGON2 = { memoryKiB: 19_456, iterations: 2 };

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function pgReachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

async function argon2Floor(concurrency: number, seconds = 3): Promise<number> {
  let done = 0;
  const until = Date.now() + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (Date.now() < until) {
      await hash('48273915', { memoryCost: ARGON2.memoryKiB, timeCost: ARGON2.iterations, parallelism: 1 });
      done++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - t0) / 1000);
}

function sm2Floor(seconds = 1.5): { sign: number; verify: number } {
  const k = generateKey('SM2');
  const msg = new Uint8Array(256);
  const sig = k.sign(msg, 'raw');
  const rate = (fn: () => void): number => {
    const c0 = process.cpuUsage();
    let n = 0;
    for (;;) {
      for (let i = 0; i < 50; i++) fn();
      n += 50;
      const c = process.cpuUsage(c0);
      if (c.user + c.system >= seconds * 1e6) return n / ((c.user + c.system) / 1e6);
    }
  };
  return { sign: rate(() => k.sign(msg, 'raw')), verify: rate(() => k.publicKey.verify(msg, sig, 'raw')) };
}

async function runEngine(
  label: string,
  storeCfg: StoreConfig,
  dir: string,
  registryUrl: string,
  people: { documentType: string; documentNumber: string }[],
  opts: Required<Pick<EnrollmentBenchOptions, 'count' | 'concurrency'>>,
): Promise<{ perSec: number; p50: number; p99: number; cpuMsPer: number }> {
  const config = loadConfig({}, { dataDir: dir, 'registry.url': registryUrl, 'http.port': 0, 'passphrase.memoryKiB': ARGON2.memoryKiB, 'passphrase.iterations': ARGON2.iterations });
  const sms = new MemorySmsSender();
  const store = await openStore(storeCfg);
  const platform: Platform = await createPlatform({ config, secrets: resolveSecrets(config), logger: pino({ level: 'silent' }), store, sms });
  const url = await platform.listen({ port: 0, host: '127.0.0.1' });
  const client = new PlatformClient(url);
  const sim = new PlatformClient(registryUrl);
  const latencies: number[] = [];
  let phone = 13_900_000_000;
  const one = async (p: { documentType: string; documentNumber: string }): Promise<void> => {
    const t = performance.now();
    const r = await enroll({
      platform: client,
      hardware: {
        readChip: async () => (await sim.post<{ chip: unknown }>('/sim/nfc/read', p)).chip,
        captureFace: async (nonce) => (await sim.post<{ probe: number[] }>('/sim/camera', { ...p, subject: 'self', nonce })).probe,
        readSmsCode: async (to) => sms.lastCode(to)!,
      },
      documentType: p.documentType,
      phone: String(phone++),
      passphrase: '48273915',
      signer: keySigner(generateKey('SM2')),
      digest: nodeDigest,
    });
    if (r.status !== 'issued') throw new Error(`bench: unexpected ${r.status}`);
    latencies.push(performance.now() - t);
  };
  // Warm-up (JIT, connection pools, chip SODs of the warm-up people).
  for (const p of people.slice(0, 5)) await one(p);
  latencies.length = 0;
  const queue = people.slice(5, 5 + opts.count);
  let next = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (next < queue.length) await one(queue[next++]!);
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  await platform.close();
  process.stderr.write(`bench: enrollment [${label}] ${queue.length} in ${wall.toFixed(1)} s\n`);
  return { perSec: queue.length / wall, p50: pct(latencies, 50), p99: pct(latencies, 99), cpuMsPer: (cpu.user + cpu.system) / 1000 / queue.length };
}

export async function runEnrollmentBench(o: EnrollmentBenchOptions = {}): Promise<Row[]> {
  const count = o.count ?? Number(process.env['BENCH_ENROLLMENTS'] ?? 200);
  const concurrency = o.concurrency ?? Number(process.env['BENCH_CONCURRENCY'] ?? 4);
  const pgUrl = o.pgUrl ?? process.env['WZ_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const dir = mkdtempSync(join(tmpdir(), 'wz-bench-enroll-'));
  const rows: Row[] = [];
  try {
    const config = loadConfig({}, { dataDir: dir });
    const secrets = resolveSecrets(config);
    const population = 2 * (count + 10) + 2000;
    const registry = await createRegistryServer({ dbPath: join(dir, 'registry.db'), sharedKeys: [secrets.registryKey], population: { count: population, seed: 'bench' } });
    const registryUrl = await registry.listen({ port: 0, host: '127.0.0.1' });
    const today = new Date().toISOString().slice(0, 10);
    const adultBefore = `${Number(today.slice(0, 4)) - 19}${today.slice(4)}`;
    const all = registry.db
      .prepare(
        `SELECT d.type AS documentType, d.number AS documentNumber, d.person_id AS pid FROM documents d JOIN persons p ON p.id = d.person_id
         WHERE d.lost_on IS NULL AND (d.valid_until IS NULL OR d.valid_until >= ?) AND p.birth_date <= ? ORDER BY d.id`,
      )
      .all(today, adultBefore) as { documentType: string; documentNumber: string; pid: number }[];
    const seen = new Set<number>();
    const people = all.filter((p) => !seen.has(p.pid) && (seen.add(p.pid), true)).map(({ documentType, documentNumber }) => ({ documentType, documentNumber }));
    const per = count + 5;
    if (people.length < 2 * per) throw new Error(`bench: only ${people.length} enrollable adults`);

    const argon1 = await argon2Floor(1);
    const argon = await argon2Floor(concurrency);
    const sm2 = sm2Floor();

    const sqlite = await runEngine('sqlite', { engine: 'sqlite', path: join(dir, 'platform.db') }, dir, registryUrl, people.slice(0, per), { count, concurrency });
    let postgres: Awaited<ReturnType<typeof runEngine>> | undefined;
    const pgOk = await pgReachable(pgUrl);
    if (pgOk) {
      const schema = `bench_${process.pid}`;
      postgres = await runEngine('postgres', { engine: 'postgres', url: pgUrl, schema }, dir, registryUrl, people.slice(per, 2 * per), { count, concurrency });
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    }
    await registry.close();

    // Crypto an enrollment needs, all in this process: platform passive auth (SOD + signer
    // certificate: 2 SM2 verifies), registry's own check (2 verifies), device proof (1 verify),
    // credential (1 sign), wallet's device proof (1 sign); one Argon2id hash.
    const cryptoMs = 1000 / argon1 + (5 * 1000) / sm2.verify + (2 * 1000) / sm2.sign;
    const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
    rows.push(
      { name: `enrollments/s, SQLite (${count} end to end, ${concurrency} wallets in flight)`, value: fmt(sqlite.perSec, 1) },
      { name: 'latency p50 / p99, SQLite', value: `${fmt(sqlite.p50)} / ${fmt(sqlite.p99)} ms` },
      { name: 'CPU time per enrollment, SQLite (platform + registry + wallet, this process)', value: `${fmt(sqlite.cpuMsPer, 1)} ms` },
    );
    if (postgres) {
      rows.push(
        { name: `enrollments/s, PostgreSQL (${count} end to end, ${concurrency} wallets in flight)`, value: fmt(postgres.perSec, 1) },
        { name: 'latency p50 / p99, PostgreSQL', value: `${fmt(postgres.p50)} / ${fmt(postgres.p99)} ms` },
        { name: 'CPU time per enrollment, PostgreSQL (this process; the database server not included)', value: `${fmt(postgres.cpuMsPer, 1)} ms` },
      );
    } else {
      rows.push({ name: 'PostgreSQL', value: `skipped: not reachable at ${new URL(pgUrl).host}` });
    }
    rows.push(
      { name: `floor: Argon2id hashes/s (m=${ARGON2.memoryKiB} KiB, t=${ARGON2.iterations}, p=1), one at a time / ${concurrency} in flight`, value: `${fmt(argon1, 1)} / ${fmt(argon, 1)}` },
      { name: 'floor: SM2 sign / verify per core (ops/s)', value: `${fmt(sm2.sign)} / ${fmt(sm2.verify)}` },
      { name: 'crypto per enrollment (1 Argon2id + 5 SM2 verify + 2 SM2 sign), single-core time', value: `${fmt(cryptoMs, 1)} ms` },
      { name: 'SQLite: CPU per enrollment ÷ its crypto', value: `${fmt(sqlite.cpuMsPer / cryptoMs, 2)}×` },
    );
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatRows(rows: Row[]): string {
  return ['| measure | value |', '| --- | ---: |', ...rows.map((r) => `| ${r.name} | ${r.value} |`)].join('\n');
}
