/**
 * Builds the person's web wallet into `packages/web/dist/wallet/` (git-ignored), which the
 * platform serves under `/wallet/` (packages/platform/src/web/). No network: esbuild bundles
 * what is in node_modules; nothing is fetched, no font, no CDN.
 *
 *   node --import tsx packages/web/build.ts      (npm start and npm test run it first)
 *
 * Output, flat (the server serves names only, never paths):
 *   index.html                 the app shell; names the hashed assets; no inline script or style
 *   app-<hash>.js, app-<hash>.css   the bundle, minified; immutable (content-hashed names)
 *   sw.js                      the service worker: precaches exactly this build's files
 *   manifest.webmanifest, icon.svg, icon-maskable.svg   from public/
 *   build.json                 { version, files }: what the server and the tests read
 *
 * Deterministic: the same sources give the same bytes (esbuild is; nothing here adds a time or
 * a random value), so `version` is a digest of the files. An unchanged build leaves the output
 * directory untouched; a changed one is written beside it and swapped in by two renames, so a
 * server reading it sees the old build or the new one.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));
export const WEB_ROOT = HERE;
export const DEFAULT_OUT = join(HERE, 'dist', 'wallet');

export interface BuildResult {
  outDir: string;
  version: string;
  files: string[];
  /** false when the output was already this build (nothing written). */
  written: boolean;
  ms: number;
}

const COMMON: BuildOptions = {
  bundle: true,
  minify: true,
  write: false,
  platform: 'browser',
  format: 'esm',
  target: ['chrome100', 'safari15', 'firefox100'],
  charset: 'utf8',
  legalComments: 'none',
  sourcemap: false,
  logLevel: 'silent',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  define: { 'process.env.NODE_ENV': '"production"' },
  absWorkingDir: resolve(HERE, '..', '..'),
};

function sha(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function html(js: string, css: string): string {
  // Text here is only the no-script fallback and the title; everything else is the app's (i18n).
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1,viewport-fit=cover">
<meta name="referrer" content="no-referrer">
<meta name="theme-color" content="#b0102a">
<meta name="color-scheme" content="light">
<title>网证 · Wangzheng</title>
<link rel="manifest" href="manifest.webmanifest">
<link rel="icon" href="icon.svg" type="image/svg+xml">
<link rel="apple-touch-icon" href="icon.svg">
<link rel="stylesheet" href="${css}">
<script type="module" src="${js}"></script>
</head>
<body>
<div id="app"><noscript><p>网证钱包需要启用 JavaScript。 The wallet needs JavaScript.</p></noscript></div>
</body>
</html>
`;
}

/** Does `dir` hold build `version` with every one of `names`? */
function sameBuild(dir: string, version: string, names: string[]): boolean {
  try {
    const old = JSON.parse(readFileSync(join(dir, 'build.json'), 'utf8')) as { version?: string };
    return old.version === version && names.every((n) => existsSync(join(dir, n)));
  } catch {
    return false;
  }
}

export async function buildWallet(opts: { outDir?: string } = {}): Promise<BuildResult> {
  const started = performance.now();
  const outDir = opts.outDir ?? DEFAULT_OUT;
  const files = new Map<string, Uint8Array>();

  // 1. The app and its stylesheet: content-hashed names.
  const app = await build({
    ...COMMON,
    entryPoints: { app: join(HERE, 'src', 'wallet', 'main.tsx'), styles: join(HERE, 'src', 'shared', 'styles.css') },
    outdir: outDir,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    // The QR reader (jsQR, the largest dependency) loads only when the scanner opens.
    splitting: true,
    loader: { '.svg': 'file' },
  });
  let js = '';
  let css = '';
  for (const f of app.outputFiles ?? []) {
    const name = f.path.slice(outDir.length + 1);
    if (name.includes('/')) throw new Error(`unexpected nested output ${name}`);
    files.set(name, f.contents);
    if (/^app-[A-Z0-9]+\.js$/.test(name)) js = name;
    if (/^styles-[A-Z0-9]+\.css$/.test(name)) css = name;
  }
  if (!js || !css) throw new Error('the bundle produced no script or no stylesheet');

  // 2. Static files and the shell.
  for (const name of readdirSync(join(HERE, 'public')).sort()) files.set(name, readFileSync(join(HERE, 'public', name)));
  files.set('index.html', new TextEncoder().encode(html(js, css)));

  // 3. The service worker, told this build's version and files (every file but itself).
  const shell = [...files.keys()].sort();
  const version = sha(shell.map((n) => `${n}\0${sha(files.get(n)!)}`).join('\n')).slice(0, 16);
  const sw = await build({
    ...COMMON,
    entryPoints: [join(HERE, 'src', 'wallet', 'sw.ts')],
    outfile: join(outDir, 'sw.js'),
    format: 'iife',
    define: { ...COMMON.define, __WZ_VERSION__: JSON.stringify(version), __WZ_SHELL__: JSON.stringify(shell) },
  });
  const swFile = sw.outputFiles?.[0];
  if (!swFile) throw new Error('the service worker build produced nothing');
  files.set('sw.js', swFile.contents);
  const names = [...files.keys()].sort();
  files.set('build.json', new TextEncoder().encode(`${JSON.stringify({ version, files: names }, null, 2)}\n`));

  // 4. Write, unless the output already is this build.
  if (sameBuild(outDir, version, names)) return { outDir, version, files: names, written: false, ms: Math.round(performance.now() - started) };
  const parent = dirname(outDir);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${process.pid}-${version}.tmp`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  for (const [name, bytes] of files) writeFileSync(join(tmp, name), bytes);
  const old = join(parent, `.${process.pid}-${version}.old`);
  try {
    if (existsSync(outDir)) renameSync(outDir, old);
    renameSync(tmp, outDir);
  } catch (e) {
    // Another build (npm test's workers, a second terminal) swapped in at the same moment: fine
    // if what is there now is this same build (the build is deterministic).
    rmSync(tmp, { recursive: true, force: true });
    if (!sameBuild(outDir, version, names)) throw e;
  } finally {
    rmSync(old, { recursive: true, force: true });
  }
  return { outDir, version, files: names, written: true, ms: Math.round(performance.now() - started) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  buildWallet().then(
    (r) => console.log(`web wallet: ${r.written ? 'built' : 'up to date'} ${r.version} (${r.files.length} files, ${r.ms} ms) → ${r.outDir}`),
    (e: unknown) => {
      console.error(`web wallet build failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
