/**
 * `wangzheng` — one command for operators, developers and people.
 *
 *   wangzheng start                     platform + registry simulator on the embedded default
 *   wangzheng wallet …                  enroll, show, verify, requests, approve, collect (the person's wallet)
 *   wangzheng keys …                    generate, show, sign and verify with platform keys
 *   wangzheng registry generate|serve   the simulated population registry
 *   wangzheng config docs|check         the configuration reference / validate the environment
 *   wangzheng admin …                   operators: RP review, bans, audit, disclosures, over the admin API
 *
 * Every command returns an exit code; errors print one clear line and never a stack trace.
 */
import { CodedError } from '@wangzheng/core/errors';

import type { Io } from './io.ts';
import { cli } from './util/invocation.ts';

export type { Io } from './io.ts';

type Command = (args: string[], io: Io) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  start: {
    summary: 'run the platform and the registry simulator locally (SQLite, synthetic population)',
    load: async () => (await import('./commands/start.ts')).startCommand,
  },
  keys: {
    summary: 'generate, show, sign and verify with SM2 / ES256 / Ed25519 keys',
    load: async () => (await import('./commands/keys.ts')).keysCommand,
  },
  registry: {
    summary: 'generate a synthetic population or serve the registry simulator',
    load: async () => (await import('./commands/registry.ts')).registryCommand,
  },
  wallet: { summary: 'the CLI wallet: enroll, show your 网证, answer verification requests (verify, requests), approve or collect a minor’s enrollment, your own controls (status, lock, devices, history, authorizations, export)', load: async () => (await import('./commands/wallet.ts')).walletCommand },
  audit: { summary: 'verify the audit trail’s chain and checkpoints (exit 1 if tampered) or search its entries', load: async () => (await import('./commands/audit.ts')).auditCommand },
  admin: { summary: 'the operators’ command line over a running platform: review RPs, bans, audit, disclosures, signal delivery (docs/admin.md)', load: async () => (await import('./commands/admin.ts')).adminCommand },
  config: {
    summary: 'print the configuration reference (docs) or check the current environment (check)',
    load: async () => (await import('./commands/config.ts')).configCommand,
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'usage: wangzheng <command> [options]',
    '',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    `Run \`${cli(process.env, '<command> --help')}\` for a command's options.`,
  ].join('\n');
}

/**
 * A reader that stops reading (`wangzheng registry samples | head -1`) ends the command quietly
 * with exit 0, as it ends any shell tool — never with an EPIPE stack trace.
 */
let pipeGuarded = false;
function endQuietlyOnClosedPipe(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
}

export const stdio: Io = {
  out: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  err: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
};

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  if (io === stdio) endQuietlyOnClosedPipe();
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`wangzheng: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (e) {
    if (e instanceof CodedError) {
      io.err(`wangzheng ${name}: ${e.message} [${e.code}]`);
      return 2;
    }
    if (e instanceof TypeError && 'code' in e && String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      io.err(`wangzheng ${name}: ${e.message}`);
      return 2;
    }
    io.err(`wangzheng ${name}: unexpected failure: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
