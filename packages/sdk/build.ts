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
 * The helpers (bundling plugin, dependency check, declarations, stamp, writer) are in
 * scripts/packaging/, shared with packages/cli/build.ts.
 */
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { checkDependencies, NODE_BUNDLE, PACKAGE_DEFINE, packagingPlugin } from '../../scripts/packaging/bundle.ts';
import { declarations } from '../../scripts/packaging/declarations.ts';
import { currentStamp, listFiles, runAsScript, REPO, toolchainInputs, writeDist, writeStamp, type BuildOutcome } from '../../scripts/packaging/dist.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
export const SDK_DIR = HERE;
export const SDK_DIST = join(HERE, 'dist');

const BANNER = '// @wangzheng/sdk (Apache-2.0): built from the Wangzheng repository, packages/sdk with the parts of packages/core it uses. SM2: sm-crypto-v2 (pure JavaScript).';

/** Builds dist/ unless the recorded build is current (`force`: always). */
export async function buildSdk(opts: { force?: boolean } = {}): Promise<BuildOutcome> {
  const started = performance.now();
  const done = (written: boolean): BuildOutcome => ({ dist: SDK_DIST, written, files: listFiles(SDK_DIST), ms: Math.round(performance.now() - started) });
  if (!opts.force && currentStamp('sdk', SDK_DIST)) return done(false);

  const entry = join(HERE, 'src', 'index.ts');
  const js = await build({
    ...NODE_BUNDLE,
    entryPoints: [entry],
    outfile: join(SDK_DIST, 'index.js'),
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
  writeStamp('sdk', [...bundled, ...dts.inputs, join(HERE, 'package.json'), fileURLToPath(import.meta.url), ...toolchainInputs()], files);
  return done(true);
}

runAsScript('sdk', import.meta.url, buildSdk);
