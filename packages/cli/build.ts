/**
 * Builds @wangzheng/cli as the package a relying party's developer or an operator installs
 * (docs/packages.md), with the packaging helpers of scripts/packaging/:
 *
 *   dist/wangzheng.js    the `wangzheng` bin (node shebang): src/main.ts's `main` on the arguments
 *   dist/main.js         the command table; every command a chunk of its own, loaded when it runs
 *   dist/chunks/*.js     the commands and what they share (the parts of @wangzheng/core and
 *                        @wangzheng/wallet they use, bundled in; SM2 on the JavaScript backend)
 *
 *   node --import tsx packages/cli/build.ts [--force]
 *
 * What the package carries: `wallet` (a person's test wallet against a running platform),
 * `admin` (the operators' command line over the admin API) and `keys`. Runtime dependencies:
 * sm-crypto-v2 (SM2, SM4-GCM) and @node-rs/argon2 (the wallet's key derivation; prebuilt per
 * platform, no compiler). What it leaves out: `start`, `registry`, `audit` and `config` ARE the
 * platform — its store on better-sqlite3 (compiled with node-gyp) or pg, the registry simulator,
 * the web build, the configuration schema. In the package each of them answers with one line
 * that says to run it from a platform checkout, and exit code 2; the command table and
 * `--help` are the repository's own, unchanged.
 *
 * In the repository nothing changes: bin/wangzheng.js runs the TypeScript sources through tsx
 * (no build step), and `npx wangzheng` there resolves to it (the root package's own bin wins
 * over any installed one).
 */
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { checkDependencies, NODE_BUNDLE, PACKAGE_DEFINE, packagingPlugin } from '../../scripts/packaging/bundle.ts';
import { currentStamp, listFiles, runAsScript, REPO, toolchainInputs, writeDist, writeStamp, type BuildOutcome } from '../../scripts/packaging/dist.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
export const CLI_DIR = HERE;
export const CLI_DIST = join(HERE, 'dist');

/** The commands that are the platform itself, by their module as src/main.ts imports it. */
export const PLATFORM_ONLY = { start: 'startCommand', registry: 'registryCommand', audit: 'auditCommand', config: 'configCommand' } as const;

const HINTS: Record<keyof typeof PLATFORM_ONLY, string> = {
  start: '',
  registry: '',
  audit: ' (the trail of a running platform: `wangzheng admin audit search|verify`)',
  config: '',
};

function platformOnlyStub(name: keyof typeof PLATFORM_ONLY): string {
  const line =
    `wangzheng ${name}: not part of the installed @wangzheng/cli — it runs the platform itself (its store, native addons, ` +
    `the registry simulator)${HINTS[name]}. Run it from a platform checkout: clone the Wangzheng repository, \`npm ci\`, then \`npx wangzheng ${name} …\` there.`;
  return `export async function ${PLATFORM_ONLY[name]}(_args, io) {\n  io.err(${JSON.stringify(line)});\n  return 2;\n}\n`;
}

const BIN = `#!/usr/bin/env node
// @wangzheng/cli (Apache-2.0): the \`wangzheng\` command, built from the Wangzheng repository (packages/cli).
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
`;

const BANNER = '// @wangzheng/cli (Apache-2.0): built from the Wangzheng repository, packages/cli with the parts of packages/core and packages/wallet it uses. SM2: sm-crypto-v2 (pure JavaScript).';

/** Builds dist/ unless the recorded build is current (`force`: always). */
export async function buildCli(opts: { force?: boolean } = {}): Promise<BuildOutcome> {
  const started = performance.now();
  const done = (written: boolean): BuildOutcome => ({ dist: CLI_DIST, written, files: listFiles(CLI_DIST), ms: Math.round(performance.now() - started) });
  if (!opts.force && currentStamp('cli', CLI_DIST)) return done(false);

  const stubs = Object.fromEntries(Object.keys(PLATFORM_ONLY).map((n) => [`./commands/${n}.ts`, platformOnlyStub(n as keyof typeof PLATFORM_ONLY)]));
  const js = await build({
    ...NODE_BUNDLE,
    entryPoints: { main: join(HERE, 'src', 'main.ts') },
    outdir: CLI_DIST,
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    banner: { js: BANNER },
    define: PACKAGE_DEFINE,
    plugins: [packagingPlugin(stubs)],
    absWorkingDir: REPO,
  });
  checkDependencies(js.metafile, join(HERE, 'package.json'));
  const files = new Map<string, Uint8Array>();
  for (const f of js.outputFiles) files.set(relative(CLI_DIST, f.path).split(sep).join('/'), f.contents);
  if (!files.has('main.js')) throw new Error('esbuild produced no main.js');
  files.set('wangzheng.js', new TextEncoder().encode(BIN));

  writeDist(CLI_DIST, files, { 'wangzheng.js': 0o755 });
  const bundled = Object.keys(js.metafile.inputs).filter((f) => !f.includes(':')).map((f) => join(REPO, f));
  writeStamp('cli', [...bundled, join(HERE, 'package.json'), fileURLToPath(import.meta.url), ...toolchainInputs()], files);
  return done(true);
}

runAsScript('cli', import.meta.url, buildCli);
