/**
 * Builds the web apps the platform serves from its own origin (packages/platform/src/web/):
 *
 *   wallet   the person's web wallet        src/wallet/  → dist/wallet/   served under /wallet/
 *   venue    the venue checker (场所码核验)   src/venue/   → dist/venue/    served under /venue/
 *   console  the operator console (运营控制台) src/console/ → dist/console/  served under /console/
 *   developers  the RP developer portal (开发者门户) src/developers/ → dist/developers/  served under /developers/
 *
 * (dist/ is git-ignored.) No network: esbuild bundles what is in node_modules; nothing is
 * fetched, no font, no CDN.
 *
 *   node --import tsx packages/web/build.ts      (npm start and npm test run it first: both apps)
 *
 * Output of each app, flat (the server serves names only, never paths):
 *   index.html                 the app shell; names the hashed assets; no inline script or style
 *   app-<hash>.js, chunk-<hash>.js, styles-<hash>.css   the bundle, minified; immutable (content-hashed names)
 *   sw.js                      the service worker: precaches exactly this build's files (not the
 *                              console's: an operator's screen must never show yesterday's state offline)
 *   manifest.webmanifest, icon.svg, icon-maskable.svg   from public/ (shared files at its top,
 *                              each app's own in public/<app>/, which win over a shared one)
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
export const DIST = join(HERE, 'dist');
/** The wallet's output (kept under this name: the platform and the tests read it). */
export const DEFAULT_OUT = join(DIST, 'wallet');

export type WebApp = 'wallet' | 'venue' | 'console' | 'developers';
export const WEB_APPS: readonly WebApp[] = ['wallet', 'venue', 'console', 'developers'];

interface AppSpec {
  /** The app's sources: src/<dir>/main.tsx, sw.ts, and its stylesheet. */
  dir: string;
  stylesheet: string;
  title: string;
  themeColor: string;
  noscript: string;
  /** Whether the app has a service worker (src/<dir>/sw.ts). Default true. */
  worker?: boolean;
}

const APPS: Readonly<Record<WebApp, AppSpec>> = {
  wallet: {
    dir: 'wallet',
    stylesheet: join('src', 'shared', 'styles.css'),
    title: '网证 · Wangzheng',
    themeColor: '#b0102a',
    noscript: '网证钱包需要启用 JavaScript。 The wallet needs JavaScript.',
  },
  venue: {
    dir: 'venue',
    // The shared styles plus the checker's own (it @imports ../shared/styles.css).
    stylesheet: join('src', 'venue', 'styles.css'),
    title: '场所码核验 · Wangzheng',
    themeColor: '#1e3a5f',
    noscript: '场所码核验需要启用 JavaScript。 The venue checker needs JavaScript.',
  },
  console: {
    dir: 'console',
    // The shared styles, uPlot's and the console's own (it @imports both).
    stylesheet: join('src', 'console', 'styles.css'),
    title: '运营控制台 · Wangzheng',
    themeColor: '#23313f',
    noscript: '运营控制台需要启用 JavaScript。 The operator console needs JavaScript.',
    worker: false,
  },
  developers: {
    dir: 'developers',
    // The shared styles and the portal's own (it @imports ../shared/styles.css).
    stylesheet: join('src', 'developers', 'styles.css'),
    title: '开发者门户 · Wangzheng',
    themeColor: '#1f3a5c',
    noscript: '开发者门户需要启用 JavaScript。 The developer portal needs JavaScript.',
    // No service worker: every action needs the platform, and no secret may linger in a cache.
    worker: false,
  },
};

/** Where an app's build goes by default: dist/<app>/. */
export function outDirOf(app: WebApp): string {
  return join(DIST, app);
}

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

function html(spec: AppSpec, js: string, css: string): string {
  // Text here is only the no-script fallback and the title; everything else is the app's (i18n).
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1,viewport-fit=cover">
<meta name="referrer" content="no-referrer">
<meta name="theme-color" content="${spec.themeColor}">
<meta name="color-scheme" content="light">
<title>${spec.title}</title>
<link rel="manifest" href="manifest.webmanifest">
<link rel="icon" href="icon.svg" type="image/svg+xml">
<link rel="apple-touch-icon" href="icon.svg">
<link rel="stylesheet" href="${css}">
<script type="module" src="${js}"></script>
</head>
<body>
<div id="app"><noscript><p>${spec.noscript}</p></noscript></div>
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

/** The static files of an app: public/'s own files, then public/<app>/'s (which win). */
function publicFiles(app: WebApp): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const dir of [join(HERE, 'public'), join(HERE, 'public', app)]) {
    if (!existsSync(dir)) continue;
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (e.isFile()) out.set(e.name, readFileSync(join(dir, e.name)));
    }
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The person's web wallet into `dist/wallet/` (or `outDir`). */
export async function buildWallet(opts: { outDir?: string } = {}): Promise<BuildResult> {
  return buildApp('wallet', opts);
}

/** The venue checker into `dist/venue/` (or `outDir`). */
export async function buildVenue(opts: { outDir?: string } = {}): Promise<BuildResult> {
  return buildApp('venue', opts);
}

/** The operator console into `dist/console/` (or `outDir`). */
export async function buildConsole(opts: { outDir?: string } = {}): Promise<BuildResult> {
  return buildApp('console', opts);
}

/** The relying-party developer portal into `dist/developers/` (or `outDir`). */
export async function buildDevelopers(opts: { outDir?: string } = {}): Promise<BuildResult> {
  return buildApp('developers', opts);
}

/** Every app, each into its own directory under dist/ (one after the other: esbuild already uses every core). */
export async function buildWeb(): Promise<BuildResult[]> {
  const out: BuildResult[] = [];
  for (const app of WEB_APPS) out.push(await buildApp(app));
  return out;
}

export async function buildApp(appName: WebApp, opts: { outDir?: string } = {}): Promise<BuildResult> {
  const started = performance.now();
  const spec = APPS[appName];
  const outDir = opts.outDir ?? outDirOf(appName);
  const files = new Map<string, Uint8Array>();

  // 1. The app and its stylesheet: content-hashed names.
  const app = await build({
    ...COMMON,
    entryPoints: { app: join(HERE, 'src', spec.dir, 'main.tsx'), styles: join(HERE, spec.stylesheet) },
    outdir: outDir,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    // The QR reader (jsQR, the largest dependency) loads only when the camera starts; the QR
    // writer (qrcode) only when the wallet shows a venue code.
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
  for (const [name, bytes] of publicFiles(appName)) files.set(name, bytes);
  files.set('index.html', new TextEncoder().encode(html(spec, js, css)));

  // 3. The service worker, told this build's version and files (every file but itself).
  const shell = [...files.keys()].sort();
  const version = sha(shell.map((n) => `${n}\0${sha(files.get(n)!)}`).join('\n')).slice(0, 16);
  if (spec.worker !== false) await addWorker(spec, outDir, version, shell, files);
  const names = [...files.keys()].sort();
  files.set('build.json', new TextEncoder().encode(`${JSON.stringify({ version, files: names }, null, 2)}\n`));

  // 4. Write, unless the output already is this build.
  if (sameBuild(outDir, version, names)) return { outDir, version, files: names, written: false, ms: Math.round(performance.now() - started) };
  const parent = dirname(outDir);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${appName}-${process.pid}-${version}.tmp`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  for (const [name, bytes] of files) writeFileSync(join(tmp, name), bytes);
  const old = join(parent, `.${appName}-${process.pid}-${version}.old`);
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

/** The service worker, told this build's version and the files it precaches (every file but itself). */
async function addWorker(spec: AppSpec, outDir: string, version: string, shell: string[], files: Map<string, Uint8Array>): Promise<void> {
  const sw = await build({
    ...COMMON,
    entryPoints: [join(HERE, 'src', spec.dir, 'sw.ts')],
    outfile: join(outDir, 'sw.js'),
    format: 'iife',
    define: { ...COMMON.define, __WZ_VERSION__: JSON.stringify(version), __WZ_SHELL__: JSON.stringify(shell) },
  });
  const swFile = sw.outputFiles?.[0];
  if (!swFile) throw new Error('the service worker build produced nothing');
  files.set('sw.js', swFile.contents);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  buildWeb().then(
    (rs) => {
      for (const [i, r] of rs.entries()) {
        console.log(`web ${WEB_APPS[i]}: ${r.written ? 'built' : 'up to date'} ${r.version} (${r.files.length} files, ${r.ms} ms) → ${r.outDir}`);
      }
    },
    (e: unknown) => {
      console.error(`web build failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
