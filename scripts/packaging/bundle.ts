/**
 * Bundling an installable package with esbuild (docs/packages.md): the repository's own
 * `@wangzheng/*` workspaces go into the bundle, the SM2 addon is replaced by a module that says it
 * is not there (the package runs SM2 on sm-crypto-v2: core/crypto/sm2.ts), every other package
 * stays external — and must be exactly the package's declared, pinned dependencies.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import type { BuildOptions, Metafile, Plugin } from 'esbuild';
import { REPO } from './dist.ts';

/** The esbuild options every Node bundle of the repository shares (the packages, the server build). */
export const NODE_BUNDLE = {
  bundle: true,
  write: false,
  metafile: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  charset: 'utf8',
  legalComments: 'inline',
  logLevel: 'silent',
} as const satisfies BuildOptions;

/** The build-time constants of an installable bundle (see core/crypto/sm2.ts). */
export const PACKAGE_DEFINE: Readonly<Record<string, string>> = { WZ_BUNDLED_SM2_BACKEND: '"js"' };

const SM2_NATIVE_STUB = `// The installable packages carry no native addon: SM2 runs on the JavaScript backend.
export function loadSm2Native() {
  return new Error('the SM2 native addon is not part of this package (SM2 runs on the JavaScript backend)');
}
`;

const BUILTINS = new Set(builtinModules);

export function isBuiltin(spec: string): boolean {
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
