/**
 * The whole system for a CLI test: `wangzheng start`'s own `startSystem` (registry simulator
 * with a small synthetic population, platform on SQLite) on free ports, silent, with cheap
 * Argon2id parameters — and adults of that population with a valid resident ID card.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { loadConfig } from '@wangzheng/platform/config';
import { startSystem, type Started } from '../../src/commands/start.ts';

export interface RegistryAdult {
  documentType: string;
  documentNumber: string;
  name: string;
}

/** A port free right now (the platform's issuer names its port, so it cannot be 0). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address() as AddressInfo;
  await new Promise((ok) => s.close(ok));
  return port;
}

/**
 * Starts registry simulator and platform in `dir`; `overrides` are configuration keys. The
 * platform listens on a free port that its issuer (`http://localhost:<port>`) names, as with
 * `npm start`, so that a 网证's `iss` is where the platform answers.
 */
export async function startTestSystem(dir: string, overrides: Record<string, unknown> = {}): Promise<Started> {
  const cfg = loadConfig(
    {},
    { dataDir: dir, 'http.port': await freePort(), 'registry.port': 0, 'registry.population': 300, 'log.level': 'silent', 'passphrase.memoryKiB': 8192, 'passphrase.iterations': 1, ...overrides },
  );
  return startSystem(cfg, { out: () => {}, err: () => {} }, pino({ level: 'silent' }));
}

/** The first `n` adults (19–79, China's date) with a valid, not lost resident ID card. */
export function registryAdults(sys: Started, n: number): RegistryAdult[] {
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const y = (years: number): string => `${Number(today.slice(0, 4)) - years}${today.slice(4)}`;
  return sys
    .registry!.db.prepare(
      `SELECT d.type AS documentType, d.number AS documentNumber, p.name AS name FROM documents d JOIN persons p ON p.id = d.person_id
       WHERE d.type = 'resident_id_card' AND d.lost_on IS NULL AND (d.valid_until IS NULL OR d.valid_until >= ?) AND p.birth_date <= ? AND p.birth_date > ? ORDER BY d.id LIMIT ?`,
    )
    .all(today, y(19), y(80), n) as RegistryAdult[];
}
