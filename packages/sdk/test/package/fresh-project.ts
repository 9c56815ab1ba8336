/**
 * A fresh project outside the repository, for the package tests (docs/packages.md): the
 * package `npm pack`ed, installed from its tarball into a directory under os.tmpdir() with no
 * workspace, no node_modules of the repository on the resolution path and no network, then
 * run with plain `node` (no tsx).
 *
 * No network: npm 11 resolves a new dependency from the registry's full metadata, which `npm ci`
 * never fetches, so `--offline` alone fails on the first dependency of the tarball. The project's
 * package-lock.json is therefore seeded with the repository's own locked entries (version,
 * integrity, os/cpu) of the packages the tarball depends on, and their dependencies: npm then
 * takes the tarballs from the cache `npm ci` filled, the very versions the repository tests.
 *
 * Children get a clean environment: no npm_* variables of an enclosing `npm test`, no WZ_*
 * (nothing selects an SM2 backend for them), no NODE_OPTIONS (no tsx loader), and a PATH without
 * the repository's node_modules/.bin.
 */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
/** The TypeScript compiler the repository pins (the consumer check runs it on the fresh project). */
export const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a process that runs in the fresh project (see the header). */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || k.startsWith('WZ_') || k === 'INIT_CWD' || k === 'NODE_OPTIONS' || k === 'NODE_PATH') continue;
    env[k] = v;
  }
  env['PATH'] = (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter((p) => p !== '' && !resolve(p).startsWith(REPO + sep))
    .join(delimiter);
  // No registry: whatever is not in the project or npm's cache fails instead of being fetched.
  Object.assign(env, { npm_config_offline: 'true', npm_config_yes: 'false', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' }, extra);
  return env;
}

/**
 * Runs a command to its end without blocking the event loop: the platform the children talk
 * to answers from this very process.
 */
export function run(cmd: string, args: string[], o: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Ran> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`${cmd} ${args.join(' ')} took longer than ${o.timeoutMs ?? 60_000} ms\n${stdout}\n${stderr}`));
    }, o.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

export interface Packed {
  /** The tarball's absolute path. */
  tarball: string;
  /** Compressed and unpacked bytes. */
  size: number;
  unpackedSize: number;
  files: { path: string; size: number; mode: number }[];
  /** The package.json inside the tarball. */
  manifest: Record<string, unknown>;
}

/** `npm pack <pkgDir>` into `dest`, run from `dest` (outside the repository). */
export async function pack(pkgDir: string, dest: string): Promise<Packed> {
  const r = await run('npm', ['pack', pkgDir, '--pack-destination', dest, '--json', '--ignore-scripts'], { cwd: dest });
  if (r.code !== 0) throw new Error(`npm pack ${pkgDir} failed:\n${r.stderr}`);
  const info = (JSON.parse(r.stdout) as { filename: string; size: number; unpackedSize: number; files: Packed['files'] }[])[0]!;
  const tarball = join(dest, info.filename);
  const listing = await run('tar', ['-xOzf', tarball, 'package/package.json'], { cwd: dest });
  return { tarball, size: info.size, unpackedSize: info.unpackedSize, files: info.files, manifest: JSON.parse(listing.stdout) as Record<string, unknown> };
}

interface LockEntry {
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [field: string]: unknown;
}

/**
 * The repository's lock entries for `names` and everything they depend on (optional platform
 * packages included: npm skips the ones for other platforms by their os/cpu fields), at the
 * same paths, as Node's resolution finds them.
 */
export function lockClosure(names: readonly string[]): Record<string, LockEntry> {
  const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const out: Record<string, LockEntry> = {};
  const find = (from: string, name: string): string => {
    for (let at = from; ; at = at.includes('/node_modules/') ? at.slice(0, at.lastIndexOf('/node_modules/')) : '') {
      const key = at === '' ? `node_modules/${name}` : `${at}/node_modules/${name}`;
      if (lock.packages[key]) return key;
      if (at === '') throw new Error(`package-lock.json has no ${name} (needed by ${from || 'the package'})`);
    }
  };
  const queue = names.map((n) => find('', n));
  while (queue.length > 0) {
    const key = queue.pop()!;
    if (out[key]) continue;
    const { dev: _d, devOptional: _o, peer: _p, ...entry } = lock.packages[key]!;
    out[key] = entry as LockEntry;
    for (const d of [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {})]) queue.push(find(key, d));
  }
  return out;
}

export interface FreshProject {
  dir: string;
  install: Ran;
}

/**
 * A new project in os.tmpdir() depending on `tarballs` (name → tarball path) and
 * `devDependencies` (name → exact version, resolved from the lock seed like the tarballs'
 * dependencies), installed with `npm install --offline`.
 */
export async function freshProject(o: { tarballs: Record<string, string>; seed: readonly string[]; devDependencies?: Record<string, string>; type?: 'module' | 'commonjs' }): Promise<FreshProject> {
  const dir = mkdtempSync(join(tmpdir(), 'wz-fresh-project-'));
  const dependencies = Object.fromEntries(Object.entries(o.tarballs).map(([n, t]) => [n, `file:${t}`]));
  const devDependencies = o.devDependencies ?? {};
  const root = { name: 'fresh-rp-project', version: '1.0.0', private: true, type: o.type ?? 'module', dependencies, devDependencies };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(root, null, 2)}\n`);
  const seeded = lockClosure([...o.seed, ...Object.keys(devDependencies)]);
  const lock = { name: root.name, version: root.version, lockfileVersion: 3, requires: true, packages: { '': { name: root.name, version: root.version, dependencies, devDependencies }, ...seeded } };
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  const install = await run('npm', ['install', '--offline', '--no-audit', '--no-fund'], { cwd: dir, timeoutMs: 90_000 });
  return { dir, install };
}

/** The node_modules directories a module in `dir` could resolve through, other than its own. */
export function outsideNodeModules(dir: string): string[] {
  const found: string[] = [];
  for (let d = dirname(realpathSync(dir)); ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) found.push(join(d, 'node_modules'));
    if (dirname(d) === d) break;
  }
  return found;
}

/** Whether `path` is a real directory (an extracted tarball), not a link into the repository. */
export function isRealDirectory(path: string): boolean {
  const s = lstatSync(path);
  return s.isDirectory() && !s.isSymbolicLink() && !realpathSync(path).startsWith(REPO + sep);
}
