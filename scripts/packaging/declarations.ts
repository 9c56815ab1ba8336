/**
 * The type declarations of an installable package (docs/packages.md): `tsc --emitDeclarationOnly`
 * over the package's entry, then only the declaration files its public types reach, the
 * package's own at the top of dist/ and other workspaces' under their name, with
 * `@wangzheng/*` specifiers rewritten to relative `.js` paths — so that the package type-checks
 * with nothing but itself and its declared dependencies.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { isBuiltin, packageName } from './bundle.ts';
import { REPO, rel } from './dist.ts';


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
