/**
 * Runs a document's code blocks the way a newcomer pastes them (docs/docs-that-run.md):
 *
 * - a fresh directory inside the checkout (so that `npx wangzheng` and `import '@wangzheng/sdk'`
 *   resolve as they do for someone working in a clone), with the system started there by
 *   `wangzheng start` exactly as `npm start` does — `.wangzheng/` in that directory;
 * - on free ports instead of 8080 / 8081 (so that the test never meets a system a developer
 *   left running): every `localhost:8080` / `127.0.0.1:8080` in a block names the test's
 *   platform port, `:8081` its registry port, and `WZ_PORT` / `WZ_REGISTRY_URL` tell the CLI's
 *   defaults the same; the example relying party's own `localhost:3000` and the demo site's
 *   `:8090` get free ports too —
 *   nothing else in a block is changed;
 * - shell blocks in one bash environment carried from block to block (`set -a`: every variable
 *   a block sets is there for the next one, as in one terminal), `set -eo pipefail`: a block
 *   passes when every command in it succeeds;
 * - a `ts` block with `file=NAME` is saved as NAME for later blocks to run; one without runs on
 *   its own with `npx tsx`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractBlocks, type Block } from './blocks.ts';
import { freePort } from '../support/ports.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BLOCK_TIMEOUT_MS = 180_000;

interface System {
  dir: string;
  port: number;
  registryPort: number;
  sitePort: number;
  demoPort: number;
  child: ChildProcess;
  log: string[];
}

async function startSystem(name: string): Promise<System> {
  const base = path.join(ROOT, '.docs-test');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, `${name}-`));
  const [port, registryPort, sitePort, demoPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const log: string[] = [];
  const env = { ...cleanEnv(), WZ_LOG_LEVEL: 'warn' };
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/wangzheng.js'), 'start', '--port', String(port), '--registry-port', String(registryPort), '--demo-port', String(demoPort)], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => log.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wangzheng start exited with ${child.exitCode}:\n${log.join('')}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok && log.join('').includes('Press Ctrl-C to stop')) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`wangzheng start did not come up in 90 s:\n${log.join('')}`);
    await new Promise((ok) => setTimeout(ok, 250));
  }
  return { dir, port, registryPort, sitePort, demoPort, child, log };
}

/** The environment a newcomer's terminal has: no WZ_* settings of the test run itself. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('WZ_') && !k.startsWith('VITEST') && k !== 'NODE_OPTIONS') env[k] = v;
  return env;
}

/**
 * Stricter than a terminal, so that a refused call fails its block instead of printing an error
 * nobody reads: `curl` fails on an HTTP error status (and still prints the body), unless the
 * block shows the status line itself with `-i`, as a block that demonstrates a refusal does.
 */
const CURL_FAILS_ON_HTTP_ERRORS = `curl() { case " $* " in *" -i "*|*" --include "*) command curl "$@" ;; *) command curl --fail-with-body "$@" ;; esac; }\n`;

/** The block's text with the documented ports replaced by the test's. */
export function onPorts(code: string, ports: Ports): string {
  return code
    .replace(/\b(localhost|127\.0\.0\.1):8080\b/g, `$1:${ports.platform}`)
    .replace(/\b(localhost|127\.0\.0\.1):8081\b/g, `$1:${ports.registry}`)
    .replace(/\b(localhost|127\.0\.0\.1):3000\b/g, `$1:${ports.site}`)
    .replace(/\b(localhost|127\.0\.0\.1):8090\b/g, `$1:${ports.demo}`)
    .replace(/\blisten\(3000\b/g, `listen(${ports.site}`);
}

export interface Ports {
  platform: number;
  registry: number;
  /** The example relying party's own site (3000 in the guides). */
  site: number;
  /** The demo ticketing site npm start runs (8090). */
  demo: number;
}

function runShell(sys: System, state: string, code: string, label: string): { status: number | null; out: string } {
  const script = ['set -a', `source ${JSON.stringify(state)}`, 'set -eo pipefail', `cd ${JSON.stringify(sys.dir)}`, code, '', `{ export -p; declare -f; } > ${JSON.stringify(state)}`].join('\n');
  const r = spawnSync('bash', ['-c', script], {
    cwd: sys.dir,
    env: { ...cleanEnv(), WZ_PORT: String(sys.port), WZ_REGISTRY_URL: `http://127.0.0.1:${sys.registryPort}` },
    encoding: 'utf8',
    timeout: BLOCK_TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = `${label}\n--- stdout\n${r.stdout ?? ''}\n--- stderr\n${r.stderr ?? ''}${r.error ? `\n--- ${r.error.message}` : ''}`;
  return { status: r.status, out };
}

function title(b: Block): string {
  const first = b.code.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('#') && !l.trim().startsWith('//')) ?? '';
  const what = b.file ? `save ${b.file}` : first.trim().slice(0, 70);
  return `line ${b.line} (${b.lang}): ${what}${b.notRun ? ` — not run: ${b.notRun}` : ''}`;
}

/** Declares the test of one document: every block in order against one started system. */
export function walkThrough(doc: string): void {
  const file = path.join(ROOT, doc);
  const blocks = extractBlocks(readFileSync(file, 'utf8'));
  let sys: System;
  let state: string;

  describe(`${doc} runs as written`, () => {
    beforeAll(async () => {
      sys = await startSystem(path.basename(doc, '.md'));
      state = path.join(sys.dir, '.shell-state');
      writeFileSync(state, CURL_FAILS_ON_HTTP_ERRORS);
    }, 120_000);
    afterAll(async () => {
      if (!sys) return;
      sys.child.kill('SIGINT');
      await new Promise((ok) => {
        const t = setTimeout(() => {
          sys.child.kill('SIGKILL');
          ok(undefined);
        }, 10_000);
        sys.child.once('exit', () => {
          clearTimeout(t);
          ok(undefined);
        });
      });
      rmSync(sys.dir, { recursive: true, force: true });
    });

    it('has blocks to run, and every block it does not run says why', () => {
      expect(blocks.filter((b) => !b.notRun).length).toBeGreaterThan(3);
      for (const b of blocks.filter((x) => x.notRun)) expect(b.notRun!.length, `line ${b.line}`).toBeGreaterThan(10);
    });

    for (const b of blocks) {
      if (b.notRun) continue;
      it(title(b), { timeout: BLOCK_TIMEOUT_MS + 10_000 }, () => {
        const code = onPorts(b.code, { platform: sys.port, registry: sys.registryPort, site: sys.sitePort, demo: sys.demoPort });
        if (b.file) {
          writeFileSync(path.join(sys.dir, b.file), code);
          return;
        }
        let shell = code;
        if (b.lang === 'ts') {
          const name = `block-${b.line}.ts`;
          writeFileSync(path.join(sys.dir, name), code);
          shell = `npx tsx ${name}`;
        }
        const r = runShell(sys, state, shell, `${doc}:${b.line}`);
        expect(r.status, `${r.out}\n--- platform log (tail)\n${sys.log.join('').slice(-3000)}`).toBe(0);
      });
    }
  });
}
