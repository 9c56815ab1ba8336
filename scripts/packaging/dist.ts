/**
 * The output side of the installable packages' builds (packages/sdk/build.ts,
 * packages/cli/build.ts; docs/packages.md): where the repository is, writing dist/ one file at a
 * time by rename (a reader sees a whole file, old or new), and the stamp that lets an unchanged
 * build return at once — every file a build read and wrote, by SHA-256, in
 * node_modules/.cache/wangzheng/.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { version as ESBUILD_VERSION } from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '..', '..');

/** The packaging helpers themselves: a change to any of them rebuilds every package. */
const PACKAGING_SOURCES = ['bundle.ts', 'declarations.ts', 'dist.ts'].map((f) => join(HERE, f));

export interface BuildOutcome {
  /** Where the package's files went. */
  dist: string;
  /** false: the recorded build was still current, nothing ran. */
  written: boolean;
  /** The files of dist/, relative, sorted. */
  files: string[];
  ms: number;
}

export function sha(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function rel(p: string): string {
  return relative(REPO, p).split(sep).join('/');
}

interface Stamp {
  inputs: Record<string, string>;
  outputs: Record<string, string>;
}

function stampPath(name: string): string {
  return join(REPO, 'node_modules', '.cache', 'wangzheng', `${name}-build.json`);
}

/**
 * The last build's stamp when every recorded input still has its digest and every output in
 * `dist` is there with its digest (no more, no less); otherwise undefined.
 */
export function currentStamp(name: string, dist: string): Stamp | undefined {
  let stamp: Stamp;
  try {
    stamp = JSON.parse(readFileSync(stampPath(name), 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
  try {
    for (const [f, digest] of Object.entries(stamp.inputs)) if (sha(readFileSync(join(REPO, f))) !== digest) return undefined;
    const present = listFiles(dist);
    if (present.length !== Object.keys(stamp.outputs).length) return undefined;
    for (const f of present) if (stamp.outputs[f] === undefined || sha(readFileSync(join(dist, f))) !== stamp.outputs[f]) return undefined;
  } catch {
    return undefined;
  }
  return stamp;
}

/** Records the inputs (absolute paths inside the repository) and the outputs of a build. */
export function writeStamp(name: string, inputs: Iterable<string>, outputs: ReadonlyMap<string, Uint8Array>): void {
  const stamp: Stamp = { inputs: {}, outputs: {} };
  for (const f of [...new Set(inputs)].sort()) stamp.inputs[rel(f)] = sha(readFileSync(f));
  for (const [f, bytes] of [...outputs].sort(([a], [b]) => (a < b ? -1 : 1))) stamp.outputs[f] = sha(bytes);
  mkdirSync(dirname(stampPath(name)), { recursive: true });
  atomicWrite(stampPath(name), `${JSON.stringify(stamp, null, 1)}\n`);
}

/** Every file under `dir`, relative with `/`, sorted; [] when there is no `dir`. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string, prefix: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else out.push(`${prefix}${e.name}`);
    }
  };
  walk(dir, '');
  return out.sort();
}

function atomicWrite(file: string, bytes: Uint8Array | string, mode?: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes, mode === undefined ? undefined : { mode });
  renameSync(tmp, file);
}

/**
 * Makes `dist` hold exactly `files`: each written beside its place and renamed over it (a reader
 * sees a whole file, old or new), files no longer built removed. Unchanged files are not
 * rewritten. `modes`: file modes by name (the CLI's executable bin).
 */
export function writeDist(dist: string, files: ReadonlyMap<string, Uint8Array>, modes: Readonly<Record<string, number>> = {}): void {
  for (const [name, bytes] of files) {
    const file = join(dist, name);
    mkdirSync(dirname(file), { recursive: true });
    if (existsSync(file) && sha(readFileSync(file)) === sha(bytes)) continue;
    atomicWrite(file, bytes, modes[name]);
  }
  for (const old of listFiles(dist)) {
    if (!files.has(old) && !/\.\d+\.tmp$/.test(old)) rmSync(join(dist, old), { force: true });
  }
}

/** Inputs every build depends on besides the sources: the toolchain and the shared options. */
export function toolchainInputs(): string[] {
  return [
    join(REPO, 'tsconfig.json'),
    join(REPO, 'package.json'),
    join(REPO, 'node_modules', 'esbuild', 'package.json'),
    join(REPO, 'node_modules', 'typescript', 'package.json'),
    ...PACKAGING_SOURCES,
  ];
}

/** One line for a build's log. */
export function describe(name: string, r: BuildOutcome): string {
  return `${name}: ${r.written ? 'built' : 'up to date'} (${r.files.length} files, ${r.ms} ms) → ${rel(r.dist)}/ [esbuild ${ESBUILD_VERSION}]`;
}

/**
 * The command-line end of a build script: when `url` (the script's `import.meta.url`) is the
 * script Node was started with, runs `build` (`--force` rebuilds) and prints its line, or why it
 * failed (exit code 1).
 */
export function runAsScript(name: string, url: string, build: (o: { force: boolean }) => Promise<BuildOutcome>): void {
  if (!process.argv[1] || url !== pathToFileURL(resolve(process.argv[1])).href) return;
  build({ force: process.argv.includes('--force') }).then(
    (r) => console.log(describe(name, r)),
    (e: unknown) => {
      console.error(`${name} build failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
