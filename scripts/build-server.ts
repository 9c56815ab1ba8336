/**
 * The platform's compiled production build (docs/deployment.md): the `wangzheng` command with
 * everything it runs — the platform, the registry simulator, the operators' commands — as one
 * JavaScript file that Node runs without tsx:
 *
 *   npm run build:server            →  dist/server/wangzheng.mjs (+ its source map)
 *   node dist/server/wangzheng.mjs start --workers auto
 *
 * What is bundled: the repository's own `@wangzheng/*` workspaces (TypeScript). What is not:
 * every npm package (better-sqlite3, pg, fastify, …: resolved from the checkout's node_modules
 * at run time, as with `npm start`), and what the sources find next to themselves through
 * `import.meta.url` — the SM2 addon (packages/sm2-native/build), the web pages
 * (packages/web/dist), the population generator's worker and the demo relying party. Each such
 * `import.meta.url` is rewritten to the URL of its source file, relative to the bundle, so the
 * build runs from the checkout it was built in (or a copy of that tree), like `npm start`.
 *
 * One exception on purpose: faults/points.ts judges by its own URL whether it is the test build
 * (fault points armed only from the sources); it keeps the bundle's URL, so the compiled build
 * refuses WZ_FAULT_POINT.
 *
 * Unchanged inputs → nothing is rebuilt (a stamp in node_modules/.cache/wangzheng/, as the
 * packages' builds). `--force` rebuilds.
 */
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { NODE_BUNDLE } from './packaging/bundle.ts';
import { currentStamp, listFiles, runAsScript, REPO, toolchainInputs, writeDist, writeStamp, type BuildOutcome } from './packaging/dist.ts';

export const SERVER_DIST = join(REPO, 'dist', 'server');
export const SERVER_BIN = join(SERVER_DIST, 'wangzheng.mjs');

/** The one module whose `import.meta.url` stays the bundle's (see above). */
const KEEPS_BUNDLE_URL = join(REPO, 'packages', 'platform', 'src', 'faults', 'points.ts');

const BANNER = `#!/usr/bin/env node
// Wangzheng platform, compiled production build (scripts/build-server.ts). Generated; do not edit.`;

/** The entry: bin/wangzheng.js without tsx. */
const MAIN = `import { main } from './packages/cli/src/main.ts';
process.exitCode = await main(process.argv.slice(2));
`;

/**
 * npm packages external (resolved at run time from node_modules), the workspaces bundled, and
 * each `import.meta.url` of a bundled source rewritten to that source's own URL.
 */
function serverPlugin(outDir: string): Plugin {
  return {
    name: 'wangzheng-server',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (a) => {
        if (a.path.startsWith('@wangzheng/')) return undefined;
        return { path: a.path, external: true };
      });
      b.onLoad({ filter: /\.(ts|mjs|js)$/ }, (a) => {
        if (a.path.includes(`${sep}node_modules${sep}`) || a.path === KEEPS_BUNDLE_URL) return undefined;
        const text = readFileSync(a.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const own = relative(outDir, a.path).split(sep).join('/');
        const contents = text.replaceAll('import.meta.url', `new URL(${JSON.stringify(own)}, import.meta.url).href`);
        return { contents, loader: a.path.endsWith('.ts') ? 'ts' : 'js' };
      });
    },
  };
}

export async function buildServer(o: { force?: boolean } = {}): Promise<BuildOutcome> {
  const started = Date.now();
  const done = (written: boolean): BuildOutcome => ({ dist: SERVER_DIST, written, files: listFiles(SERVER_DIST), ms: Date.now() - started });
  if (!o.force && currentStamp('server', SERVER_DIST)) return done(false);

  const js = await build({
    ...NODE_BUNDLE,
    stdin: { contents: MAIN, resolveDir: REPO, sourcefile: 'server-main.ts', loader: 'ts' },
    outfile: SERVER_BIN,
    sourcemap: 'linked',
    sourcesContent: false,
    banner: { js: BANNER },
    plugins: [serverPlugin(SERVER_DIST)],
    absWorkingDir: REPO,
  });
  const files = new Map<string, Uint8Array>();
  for (const f of js.outputFiles) files.set(relative(SERVER_DIST, f.path).split(sep).join('/'), f.contents);
  if (!files.has('wangzheng.mjs')) throw new Error('esbuild produced no wangzheng.mjs');
  writeDist(SERVER_DIST, files, { 'wangzheng.mjs': 0o755 });
  const bundled = Object.keys(js.metafile.inputs).filter((f) => !f.includes(':') && f !== 'server-main.ts').map((f) => join(REPO, f));
  writeStamp('server', [...bundled, fileURLToPath(import.meta.url), ...toolchainInputs()], files);
  return done(true);
}

runAsScript('server', import.meta.url, buildServer);
