/**
 * Builds @wangzheng/sdk as the package a relying party installs (docs/packages.md):
 *
 *   dist/index.js     ESM for Node ≥ 20: src/ with the parts of @wangzheng/core it uses bundled in,
 *                     SM2 on the pure-JavaScript backend; its one runtime dependency is sm-crypto-v2
 *   dist/index.d.ts   the public types, with the declarations they name beside it (dist/*.d.ts for
 *                     the SDK's modules, dist/core/**.d.ts for core's): the package type-checks
 *                     with nothing but itself and @types/node
 *
 *   node --import tsx packages/sdk/build.ts [--force]      (`npm start` / `npm test` run it first)
 *
 * Why bundled, and why the JS SM2: @wangzheng/core is private to the repository and its native
 * SM2 addon needs node-gyp at install time. The bundle carries the core code it needs; the
 * addon import is replaced by a module that reports it unavailable, and the build-time constant
 * `WZ_BUNDLED_SM2_BACKEND` = "js" (core/crypto/sm2.ts) selects sm-crypto-v2 without an
 * environment variable or a warning. The platform's own code in the repository is untouched:
 * it still runs the native addon by default.
 *
 * Fast when nothing changed: the build records every file it read (esbuild's and tsc's inputs)
 * and what it wrote, by SHA-256, in node_modules/.cache/wangzheng/; when those all match, it
 * returns without running esbuild or tsc. Outputs are written one file at a time by rename, so a
 * test importing the SDK while another process builds it reads a whole file, old or new.
 *
 * The helpers below (bundling plugin, dependency check, stamp, writer) are also what
 * packages/cli/build.ts uses.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, version as ESBUILD_VERSION, type Metafile, type Plugin } from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '..', '..');
export const SDK_DIR = HERE;
export const SDK_DIST = join(HERE, 'dist');

export interface BuildOutcome {
  /** Where the package's files went. */
  dist: string;
  /** false: the recorded build was still current, nothing ran. */
  written: boolean;
  /** The files of dist/, relative, sorted. */
  files: string[];
  ms: number;
}

// ---------------------------------------------------------------------------------------------
// Shared packaging helpers

/** The build-time constants of an installable bundle (see core/crypto/sm2.ts). */
export const PACKAGE_DEFINE: Readonly<Record<string, string>> = { WZ_BUNDLED_SM2_BACKEND: '"js"' };

const SM2_NATIVE_STUB = `// The installable packages carry no native addon: SM2 runs on the JavaScript backend.
export function loadSm2Native() {
  return new Error('the SM2 native addon is not part of this package (SM2 runs on the JavaScript backend)');
}
`;

const BUILTINS = new Set(builtinModules);

function isBuiltin(spec: string): boolean {
  return spec.startsWith('node:') || BUILTINS.has(spec.split('/')[0]!);
}

/** The package name of a bare specifier (`@scope/name/sub` → `@scope/name`). */
export function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const RESOLVING = Symbol('wangzheng-package: resolving');

/**
 * Bundles the repository's own `@wangzheng/*` workspaces into the output (they are not
 * published), replaces the SM2 addon with a module that reports it unavailable, and leaves
 * every other package external (a dependency of the installed package, checked by
 * `checkDependencies`). `stubs`: more modules to replace, by exact specifier as written in the
 * importer, with their source text.
 *
 * Every module is taken as free of side effects on import — true of the workspaces' sources,
 * which only declare (no top-level statement does anything) — so tree shaking drops whole
 * modules that nothing calls: core's barrels re-export modules (zod schemas, say) that the
 * package never uses, and an unused external import is not left behind as a load-time
 * dependency the package does not declare.
 */
export function packagingPlugin(stubs: Readonly<Record<string, string>> = {}): Plugin {
  return {
    name: 'wangzheng-package',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (a) => {
        if (a.kind === 'entry-point' || a.pluginData === RESOLVING) return undefined;
        if (Object.hasOwn(stubs, a.path) || a.path === '@wangzheng/sm2-native') return { path: a.path, namespace: 'wz-stub' };
        if (a.path.startsWith('.') || a.path.startsWith('/') || a.path.startsWith('@wangzheng/')) {
          const r = await b.resolve(a.path, { kind: a.kind, importer: a.importer, resolveDir: a.resolveDir, pluginData: RESOLVING });
          if (r.errors.length > 0) return { errors: r.errors };
          return { path: r.path, namespace: r.namespace, external: r.external, sideEffects: false };
        }
        return { path: a.path, external: true, sideEffects: false };
      });
      b.onLoad({ filter: /.*/, namespace: 'wz-stub' }, (a) => ({
        contents: a.path === '@wangzheng/sm2-native' ? SM2_NATIVE_STUB : stubs[a.path]!,
        loader: 'js',
        resolveDir: REPO,
      }));
    },
  };
}

/**
 * Checks the bundle's external imports against the package's `dependencies`: each imported
 * package listed, each listed one imported, and each pinned to the version the repository
 * itself installs (root package.json), so what the package tests run is what it declares.
 */
export function checkDependencies(metafile: Metafile, pkgJsonPath: string): string[] {
  const pkg = JSON.parse(readFileSync(pkgJsonPath, 'utf8')) as { name: string; dependencies?: Record<string, string> };
  const root = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const deps = pkg.dependencies ?? {};
  const used = new Set<string>();
  for (const out of Object.values(metafile.outputs)) {
    for (const i of out.imports) if (i.external && !isBuiltin(i.path)) used.add(packageName(i.path));
  }
  const problems: string[] = [];
  for (const u of [...used].sort()) if (!Object.hasOwn(deps, u)) problems.push(`the bundle imports ${u}, which ${pkg.name} does not list in dependencies`);
  for (const [d, v] of Object.entries(deps)) {
    if (!used.has(d)) problems.push(`${pkg.name} lists ${d} in dependencies, but the bundle does not import it`);
    const pinned = root.dependencies?.[d] ?? root.devDependencies?.[d];
    if (pinned !== v) problems.push(`${pkg.name} depends on ${d} ${v}, the repository installs ${pinned ?? 'no such package'}: pin the same version`);
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
  return [...used].sort();
}

function sha(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function rel(p: string): string {
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
    fileURLToPath(import.meta.url),
  ];
}

// ---------------------------------------------------------------------------------------------
// Declarations

/** [start, end) ranges of the comments in TypeScript text (strings and templates skipped). */
function commentRanges(text: string): [number, number][] {
  const out: [number, number][] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      out.push([i, end === -1 ? text.length : end]);
      i = end === -1 ? text.length : end;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      out.push([i, end === -1 ? text.length : end + 2]);
      i = end === -1 ? text.length : end + 2;
    } else if (c === '"' || c === "'" || c === '`') {
      i++;
      while (i < text.length && text[i] !== c) i += text[i] === '\\' ? 2 : 1;
      i++;
    } else {
      i++;
    }
  }
  return out;
}

/** A name a module is asked for, or all of them. */
type Wanted = Set<string> | 'all';

interface Statement {
  kind: 'import' | 'export-from' | 'inline';
  start: number;
  end: number;
  spec: string;
  /** import: the names taken; export-from: [exported, original] pairs, or '*' / '* as ns'. */
  names: string[] | 'all';
  pairs?: { text: string; exported: string; original: string }[];
  star?: string | null;
  typeOnly?: boolean;
}

const IMPORT = /^import\s+(type\s+)?([^;'"]*?)\s+from\s*(['"])([^'"\n]+)\3\s*;?/gm;
const EXPORT_FROM = /^export\s+(type\s+)?(\*(?:\s+as\s+([\w$]+))?|\{[^}]*\})\s*from\s*(['"])([^'"\n]+)\4\s*;?/gm;
const INLINE_IMPORT = /\bimport\(\s*(['"])([^'"\n]+)\1\s*\)/g;
const LOCAL_EXPORT = /^export\s+(?:declare\s+)?(?:abstract\s+)?(?:const\s+enum|const|let|var|function|class|interface|type|enum|namespace|module)\s+([\w$]+)/gm;
const LOCAL_EXPORT_LIST = /^export\s+(?:type\s+)?\{([^}]*)\}\s*;/gm;

/** `{ a, type b as c }` → [{ text, original, exported }] */
function specifierList(braced: string): { text: string; exported: string; original: string }[] {
  return braced
    .replace(/^\{|\}$/g, '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0)
    .map((text) => {
      const m = /^(?:type\s+)?([\w$]+)(?:\s+as\s+([\w$]+))?$/.exec(text);
      if (!m) throw new Error(`cannot read the declaration specifier ${text}`);
      return { text, original: m[1]!, exported: m[2] ?? m[1]! };
    });
}

/** The import / re-export statements and inline `import("…")` types of one declaration file, outside comments. */
function statementsOf(text: string): Statement[] {
  const comments = commentRanges(text);
  const inComment = (at: number): boolean => comments.some(([s, e]) => at >= s && at < e);
  const out: Statement[] = [];
  for (const m of text.matchAll(IMPORT)) {
    if (inComment(m.index)) continue;
    const clause = m[2]!.trim();
    let names: string[] | 'all';
    if (clause.startsWith('*') || !clause.startsWith('{')) names = 'all'; // namespace or default import
    else names = specifierList(clause).map((p) => p.original);
    out.push({ kind: 'import', start: m.index, end: m.index + m[0].length, spec: m[4]!, names });
  }
  for (const m of text.matchAll(EXPORT_FROM)) {
    if (inComment(m.index)) continue;
    const what = m[2]!;
    if (what.startsWith('*')) out.push({ kind: 'export-from', start: m.index, end: m.index + m[0].length, spec: m[5]!, names: 'all', star: m[3] ?? '*', typeOnly: !!m[1] });
    else out.push({ kind: 'export-from', start: m.index, end: m.index + m[0].length, spec: m[5]!, names: [], pairs: specifierList(what), star: null, typeOnly: !!m[1] });
  }
  for (const m of text.matchAll(INLINE_IMPORT)) {
    if (inComment(m.index)) continue;
    out.push({ kind: 'inline', start: m.index, end: m.index + m[0].length, spec: m[2]!, names: 'all' });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The names a declaration file declares and exports itself (not through `export … from`). */
function localExports(text: string): Set<string> {
  const comments = commentRanges(text);
  const inComment = (at: number): boolean => comments.some(([s, e]) => at >= s && at < e);
  const names = new Set<string>();
  for (const m of text.matchAll(LOCAL_EXPORT)) if (!inComment(m.index)) names.add(m[1]!);
  for (const m of text.matchAll(LOCAL_EXPORT_LIST)) if (!inComment(m.index)) for (const p of specifierList(m[1]!)) names.add(p.exported);
  if (/^export\s+default\b/m.test(text)) names.add('default');
  return names;
}

/** Where a repository source file's declarations go in dist/: the package's own at the top, other workspaces' under their name. */
function distPathOf(sourceFile: string, ownPackage: string): string {
  const r = rel(sourceFile);
  const m = /^packages\/([^/]+)\/src\/(.+)\.tsx?$/.exec(r);
  if (!m) throw new Error(`a public type is declared in ${r}, which is not a workspace source file`);
  const [, pkg, sub] = m;
  return pkg === ownPackage ? `${sub}.d.ts` : `${pkg}/${sub}.d.ts`;
}

/** The source file a `@wangzheng/<pkg>[/<sub>]` specifier names (the workspaces export `./src/*.ts`). */
function workspaceSource(spec: string): string {
  const m = /^@wangzheng\/([^/]+)(?:\/(.+))?$/.exec(spec)!;
  const file = join(REPO, 'packages', m[1]!, 'src', `${m[2] ?? 'index'}.ts`);
  if (!existsSync(file)) throw new Error(`a public type names ${spec}, which the package cannot carry (no ${rel(file)})`);
  return file;
}

function runTsc(args: string[]): string {
  const r = spawnSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), ...args], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tsc ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/**
 * Emits declarations for `entry` (a package's src/index.ts) with tsc and lays out what the
 * entry's types need: the package's own files beside dist/index.d.ts, other workspaces' under
 * dist/<workspace>/, every specifier made relative (`.ts` → `.js`).
 *
 * "Need" is followed by name, so that a barrel (`core/signals/index.ts`, which re-exports zod
 * schemas) costs only what is taken from it: every import statement of an included file is
 * followed for the names it imports; a re-export (`export … from`) is kept, and followed, only
 * for names someone asked the file for — the others are removed from the copied file. Fails
 * when what is needed names a package the install would not have (not a builtin, not in
 * `allowedPackages`).
 */
export function declarations(entry: string, ownPackage: string, allowedPackages: readonly string[]): { files: Map<string, Uint8Array>; inputs: string[] } {
  const tmp = mkdtempSync(join(tmpdir(), `wz-${ownPackage}-dts-`));
  try {
    const config = (files: string[]): string => {
      const p = join(tmp, 'tsconfig.json');
      writeFileSync(
        p,
        JSON.stringify({
          extends: join(REPO, 'tsconfig.json'),
          compilerOptions: {
            noEmit: false,
            declaration: true,
            emitDeclarationOnly: true,
            rootDir: join(REPO, 'packages'),
            outDir: join(tmp, 'out'),
            typeRoots: [join(REPO, 'node_modules', '@types')],
          },
          files,
          include: [],
        }),
      );
      return p;
    };
    // 1. The program's files: the workspace sources among them become root files, so that tsc
    //    emits their declarations too (it never emits for files reached through node_modules).
    const listed = runTsc(['-p', config([entry]), '--listFilesOnly'])
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0)
      .map((l) => resolve(REPO, l));
    const sources = listed.filter((f) => rel(f).startsWith('packages/') && !rel(f).includes('/node_modules/') && /\.tsx?$/.test(f) && !f.endsWith('.d.ts'));
    runTsc(['-p', config(sources)]);

    // 2. Read what was emitted, lazily.
    const texts = new Map<string, string>();
    const textOf = (source: string): string => {
      let t = texts.get(source);
      if (t === undefined) {
        const file = join(tmp, 'out', relative(join(REPO, 'packages'), source).replace(/\.tsx?$/, '.d.ts'));
        if (!existsSync(file)) throw new Error(`tsc emitted no declarations for ${rel(source)}`);
        t = readFileSync(file, 'utf8');
        texts.set(source, t);
      }
      return t;
    };
    /** The repository file a specifier in `source` names; undefined for a builtin or an allowed package. */
    const targetOf = (source: string, spec: string): string | undefined => {
      if (spec.startsWith('.')) {
        const t = resolve(dirname(source), spec.replace(/\.js$/, '.ts'));
        if (!existsSync(t)) throw new Error(`${rel(source)} imports ${spec}: no ${rel(t)}`);
        return t;
      }
      if (spec.startsWith('@wangzheng/')) return workspaceSource(spec);
      if (isBuiltin(spec) || allowedPackages.includes(packageName(spec))) return undefined;
      throw new Error(`the public types of ${rel(source)} need ${spec}, a package the install does not have`);
    };
    const providing = new Map<string, boolean>();
    /** Does `source` export `name`, itself or through its re-exports? */
    const provides = (source: string, name: string, seen = new Set<string>()): boolean => {
      const key = `${source}\0${name}`;
      const known = providing.get(key);
      if (known !== undefined) return known;
      if (seen.has(source)) return false;
      seen.add(source);
      let yes = localExports(textOf(source)).has(name);
      for (const st of statementsOf(textOf(source))) {
        if (yes) break;
        if (st.kind !== 'export-from') continue;
        if (st.pairs) yes = st.pairs.some((p) => p.exported === name);
        else if (st.star !== '*') yes = st.star === name;
        else {
          const t = targetOf(source, st.spec);
          yes = t !== undefined && provides(t, name, seen);
        }
      }
      providing.set(key, yes);
      return yes;
    };

    // 3. Who needs what, to a fixed point.
    const wanted = new Map<string, Wanted>();
    const queue: string[] = [];
    const want = (source: string, names: Wanted): void => {
      const had = wanted.get(source);
      if (had === 'all') return;
      if (names === 'all') wanted.set(source, 'all');
      else {
        const next = new Set(had ?? []);
        for (const n of names) next.add(n);
        if (had && next.size === had.size) return;
        wanted.set(source, next);
      }
      queue.push(source);
    };
    /** For a re-export in a file asked for `w`: the names it must still carry (empty: drop it). */
    const keptOf = (source: string, st: Statement, w: Wanted): { keep: boolean; pairs?: Statement['pairs']; names: Wanted } => {
      if (st.pairs) {
        const pairs = w === 'all' ? st.pairs : st.pairs.filter((p) => w.has(p.exported));
        return { keep: pairs.length > 0, pairs, names: new Set(pairs.map((p) => p.original)) };
      }
      if (st.star !== '*') return { keep: w === 'all' || w.has(st.star!), names: 'all' };
      if (w === 'all') return { keep: true, names: 'all' };
      const t = targetOf(source, st.spec);
      const names = new Set([...w].filter((n) => t === undefined || provides(t, n)));
      return { keep: names.size > 0, names };
    };
    want(entry, 'all');
    while (queue.length > 0) {
      const source = queue.pop()!;
      const w = wanted.get(source)!;
      for (const st of statementsOf(textOf(source))) {
        const k = st.kind === 'export-from' ? keptOf(source, st, w) : { keep: true, names: st.names === 'all' ? ('all' as const) : new Set(st.names) };
        const t = k.keep ? targetOf(source, st.spec) : undefined;
        if (t) want(t, k.names);
      }
    }

    // 4. The files, re-exports pruned and specifiers rewritten.
    const files = new Map<string, Uint8Array>();
    for (const [source, w] of wanted) {
      const at = distPathOf(source, ownPackage);
      const text = textOf(source);
      const relSpec = (spec: string): string => {
        const t = targetOf(source, spec);
        if (t === undefined) return spec;
        const r = posix.relative(posix.dirname(at), distPathOf(t, ownPackage)).replace(/\.d\.ts$/, '.js');
        return r.startsWith('.') ? r : `./${r}`;
      };
      let out = '';
      let last = 0;
      for (const st of statementsOf(text)) {
        out += text.slice(last, st.start);
        last = st.end;
        const original = text.slice(st.start, st.end);
        const withSpec = (s: string): string => s.replace(/(['"])([^'"\n]+)\1(?=\s*;?\s*$|\s*\)$)/, (_q, q: string, spec: string) => `${q}${relSpec(spec)}${q}`);
        if (st.kind !== 'export-from') {
          out += withSpec(original);
          continue;
        }
        const k = keptOf(source, st, w);
        if (!k.keep) continue;
        if (st.pairs && k.pairs!.length !== st.pairs.length) {
          out += `export ${st.typeOnly ? 'type ' : ''}{ ${k.pairs!.map((p) => p.text).join(', ')} } from '${relSpec(st.spec)}';`;
        } else {
          out += withSpec(original);
        }
      }
      out += text.slice(last);
      files.set(at, new TextEncoder().encode(out.replace(/\n{3,}/g, '\n\n')));
    }
    return { files, inputs: sources };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The SDK

const BANNER = '// @wangzheng/sdk (Apache-2.0): built from the Wangzheng repository, packages/sdk with the parts of packages/core it uses. SM2: sm-crypto-v2 (pure JavaScript).';

/** Builds dist/ unless the recorded build is current (`force`: always). */
export async function buildSdk(opts: { force?: boolean } = {}): Promise<BuildOutcome> {
  const started = performance.now();
  const done = (written: boolean): BuildOutcome => ({ dist: SDK_DIST, written, files: listFiles(SDK_DIST), ms: Math.round(performance.now() - started) });
  if (!opts.force && currentStamp('sdk', SDK_DIST)) return done(false);

  const entry = join(HERE, 'src', 'index.ts');
  const js = await build({
    entryPoints: [entry],
    outfile: join(SDK_DIST, 'index.js'),
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    charset: 'utf8',
    legalComments: 'inline',
    logLevel: 'silent',
    banner: { js: BANNER },
    define: PACKAGE_DEFINE,
    plugins: [packagingPlugin()],
    absWorkingDir: REPO,
  });
  const external = checkDependencies(js.metafile, join(HERE, 'package.json'));
  const files = new Map<string, Uint8Array>();
  for (const f of js.outputFiles) files.set(relative(SDK_DIST, f.path).split(sep).join('/'), f.contents);
  if (!files.has('index.js')) throw new Error('esbuild produced no index.js');

  const dts = declarations(entry, 'sdk', external);
  for (const [name, bytes] of dts.files) files.set(name, bytes);

  writeDist(SDK_DIST, files);
  const bundled = Object.keys(js.metafile.inputs).filter((f) => !f.includes(':')).map((f) => join(REPO, f));
  writeStamp('sdk', [...bundled, ...dts.inputs, join(HERE, 'package.json'), ...toolchainInputs()], files);
  return done(true);
}

/** One line for a build's log. */
export function describe(name: string, r: BuildOutcome): string {
  return `${name}: ${r.written ? 'built' : 'up to date'} (${r.files.length} files, ${r.ms} ms) → ${rel(r.dist)}/ [esbuild ${ESBUILD_VERSION}]`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  buildSdk({ force: process.argv.includes('--force') }).then(
    (r) => console.log(describe('sdk', r)),
    (e: unknown) => {
      console.error(`sdk build failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
