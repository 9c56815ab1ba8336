/**
 * A private PostgreSQL cluster for fault tests: `initdb` in a fresh temp directory, trust
 * authentication, listening on 127.0.0.1 at a free port with its socket in that directory, so
 * that stopping it (`pg_ctl stop -m fast`) never touches the shared server on 5432 that other
 * test files use at the same time.
 *
 * PostgreSQL refuses to run as root; tests run as root in CI, so there the binaries run as the
 * `postgres` OS user (`runuser -u postgres --`) in a directory it owns. As any other user they
 * run directly. Nothing is skipped: a cluster that cannot be made is an error saying why.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const PG_BIN = process.env.WZ_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PrivateCluster {
  readonly url: string;
  readonly port: number;
  /** `pg_ctl start`, waiting until it accepts connections. Asynchronous: the test's load keeps running. */
  start(): Promise<void>;
  /** `pg_ctl stop -m fast`: every backend is terminated (57P01), open transactions roll back. */
  stop(): Promise<void>;
  /** Stops the server if it runs and removes the directory; never throws. */
  remove(): void;
}

function runAs(): { uid: number; gid: number; prefix: string[] } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  let ids: string[];
  try {
    ids = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim().split(/\s+/).concat(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  } catch {
    throw new Error('running as root, and there is no `postgres` OS user to run a private PostgreSQL cluster as (PostgreSQL refuses to run as root)');
  }
  return { uid: Number(ids[0]), gid: Number(ids[1]), prefix: ['runuser', '-u', 'postgres', '--'] };
}

/** `initdb` a new cluster on `port` (not started). Throws with the tool's output when it cannot. */
export function createPrivateCluster(port: number): PrivateCluster {
  const bin = (name: string): string => join(PG_BIN, name);
  if (!existsSync(bin('initdb')) || !existsSync(bin('pg_ctl'))) {
    throw new Error(`no PostgreSQL binaries in ${PG_BIN} (set WZ_TEST_PG_BIN to the directory holding initdb and pg_ctl)`);
  }
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'wz-pg-outage-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const command = (name: string, args: string[]): [string, string[]] => {
    const [cmd, ...rest] = user ? [...user.prefix, bin(name), ...args] : [bin(name), ...args];
    return [cmd!, rest];
  };
  const failure = (name: string, args: string[], e: unknown): Error => {
    const out = e as { stderr?: Buffer | string; stdout?: Buffer | string; message: string };
    return new Error(`${name} ${args[0] ?? ''} failed: ${String(out.stderr ?? '').trim() || String(out.stdout ?? '').trim() || out.message}`);
  };
  const run = (name: string, args: string[]): void => {
    try {
      execFileSync(...command(name, args), { stdio: 'pipe', timeout: 60_000 });
    } catch (e) {
      throw failure(name, args, e);
    }
  };
  const runAsync = async (name: string, args: string[]): Promise<void> => {
    try {
      await execFileAsync(...command(name, args), { timeout: 60_000 });
    } catch (e) {
      throw failure(name, args, e);
    }
  };
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  // Durability off (fsync): a test cluster, and the data survive a clean stop anyway.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  let running = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await runAsync('pg_ctl', ['start', '-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '30', '-o', options]);
      running = true;
    },
    async stop() {
      await runAsync('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w', '-t', '30']);
      running = false;
    },
    remove() {
      try {
        if (running || existsSync(join(data, 'postmaster.pid'))) run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '30']);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
