/**
 * The fuzz run's endpoint inventory: every route the platform registers, read from the platform
 * itself rather than from a list kept here (which would go stale).
 *
 * `listRoutes()` starts the whole system in this process exactly as `wangzheng start` composes it
 * (registry simulator + platform, development mode, a throw-away data directory), asks Fastify
 * for its routing tree (`printRoutes({ commonPrefix: false })`), closes everything and returns
 * one entry per route and method. The platform under fuzz is a separate child process; this one
 * only lists. `parseRouteTree` is exported for its test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '@wangzheng/platform/config';
import { startSystem } from '../packages/cli/src/commands/start.ts';

export interface Route {
  /** GET, POST, … (HEAD listed where Fastify registered it). */
  readonly method: string;
  /** The pattern as registered, e.g. `/v1/enrollments/:id/phone`. */
  readonly path: string;
  /** Path parameter names, in order. */
  readonly params: readonly string[];
}

/** `METHOD path`: how routes are named in reports and in the body map. */
export function routeKey(r: { method: string; path: string }): string {
  return `${r.method} ${r.path}`;
}

/**
 * Reads find-my-way's pretty-printed tree: each line is `<indent>├── <segment> (METHODS)`, the
 * indent four characters per level, a route's path the concatenation of the segments above it.
 * Lines without `(METHODS)` are inner nodes.
 */
export function parseRouteTree(text: string): Route[] {
  const routes: Route[] = [];
  const stack: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    if (m[3] === undefined) continue;
    const path = stack.join('');
    const params = [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((p) => p[1]!);
    for (const method of m[3].split(',').map((s) => s.trim())) routes.push({ method, path, params });
  }
  return routes;
}

/** Every route and method the platform registers, in the configuration `wangzheng start` uses in development. */
export async function listRoutes(): Promise<Route[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wz-fuzz-routes-'));
  try {
    const cfg = loadConfig({ WZ_DATA_DIR: dir, WZ_REGISTRY_POPULATION: '20', WZ_LOG_LEVEL: 'silent' }, { 'http.port': 0, 'registry.port': 0 });
    const quiet = { out: () => {}, err: () => {} };
    const s = await startSystem(cfg, quiet, pino({ level: 'silent' }), { simulator: true, web: false });
    try {
      const routes = parseRouteTree(s.platform.app.printRoutes({ commonPrefix: false }));
      if (routes.length === 0) throw new Error('fuzz: the platform listed no routes (has printRoutes changed its format?)');
      return routes;
    } finally {
      await s.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
