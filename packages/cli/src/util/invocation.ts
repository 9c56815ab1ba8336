/**
 * How the person can run this command where they are, for every hint that names a command
 * ("the guardian runs `… wallet approve --code ABCD-EFGH`"): `wangzheng` when an executable of
 * that name is on their PATH (installed globally, or linked), otherwise `npx wangzheng`, the
 * form that works in a checkout of this repository.
 *
 * PATH entries that npm and npx add for the run itself (`…/node_modules/.bin`, npm's
 * `node-gyp-bin`) do not count: a `wangzheng` found there is not on the person's own PATH,
 * and a hint built from it would fail when typed into their shell.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join, sep } from 'node:path';

/** `--help` or `-h` anywhere among a command's arguments: print its usage, exit 0, do nothing else. */
export function wantsHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}

/** Whether `dir` is one of the directories npm / npx put on PATH for the duration of a run. */
function addedByNpm(dir: string): boolean {
  const d = dir.replaceAll('\\', '/').replace(/\/+$/, '');
  return d.endsWith('/node_modules/.bin') || d === 'node_modules/.bin' || d.includes('/node_modules/.bin/') || d.endsWith('/node-gyp-bin');
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether an executable file `name` is in one of PATH's directories (npm's own excepted). */
export function onPath(name: string, env: NodeJS.ProcessEnv): boolean {
  const path = env.PATH ?? env.Path ?? '';
  const exts = sep === '\\' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean)] : [''];
  return path
    .split(delimiter)
    .filter((d) => d !== '' && !addedByNpm(d))
    .some((d) => exts.some((x) => isExecutableFile(join(d, `${name}${x}`))));
}

/** `wangzheng` if the person can type that, else `npx wangzheng`. */
export function cliName(env: NodeJS.ProcessEnv = process.env): string {
  return onPath('wangzheng', env) ? 'wangzheng' : 'npx wangzheng';
}

/** A command line to show the person: `cli(env, 'wallet collect')` → `npx wangzheng wallet collect`. */
export function cli(env: NodeJS.ProcessEnv, rest: string): string {
  return `${cliName(env)} ${rest}`;
}
