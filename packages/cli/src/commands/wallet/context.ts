/**
 * What every `wangzheng wallet` subcommand shares: where things are by default, the injected
 * pieces tests replace (environment, prompter, keystore cost), and the two error kinds the
 * router turns into exit codes.
 *
 * Defaults come straight from the environment, not from the platform's `loadConfig`: the
 * wallet is the person's side and must work whatever the platform's settings (a production
 * WZ_MODE without secrets would make `loadConfig` refuse).
 */
import { join } from 'node:path';
import { isWzError, type ErrorCode } from '@wangzheng/core/errors';
import type { KdfCost } from '@wangzheng/wallet';
import type { Io } from '../../io.ts';
import { terminalPrompter, type Prompter } from './prompt.ts';

export interface WalletDeps {
  /** Default `process.env`: WZ_DATA_DIR, WZ_PORT, WZ_REGISTRY_URL, WZ_SMS_OUTBOX. */
  env?: NodeJS.ProcessEnv;
  /** Default: the terminal, interactive when stdin and stdout are TTYs. */
  prompter?: Prompter;
  /** Argon2id cost for keystores this run creates. Tests only; a real wallet leaves it unset (64 MiB, t=3). */
  kdf?: Partial<KdfCost>;
}

export interface Ctx {
  io: Io;
  env: NodeJS.ProcessEnv;
  prompter: Prompter;
  kdf: Partial<KdfCost> | undefined;
}

export function context(io: Io, deps: WalletDeps): Ctx {
  return { io, env: deps.env ?? process.env, prompter: deps.prompter ?? terminalPrompter(), kdf: deps.kdf };
}

/**
 * Bad command-line input: exit 2. `code` is set when a rule with a stable code refused the
 * value locally (`weak_passphrase`, `invalid_phone`, …); `usage` prints the subcommand's usage.
 */
export class InputError extends Error {
  constructor(
    message: string,
    readonly code?: ErrorCode,
    readonly usage = false,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * A service the wallet talks to did not answer at all (connection refused, DNS, timeout):
 * exit 1. Codes are the CLI's own: `platform_unreachable`, `registry_unreachable`.
 */
export class UnreachableError extends Error {
  constructor(
    message: string,
    readonly code: 'platform_unreachable' | 'registry_unreachable',
  ) {
    super(message);
    this.name = 'UnreachableError';
  }
}

export function dataDir(env: NodeJS.ProcessEnv): string {
  return env.WZ_DATA_DIR || '.wangzheng';
}

export function defaultWalletDir(env: NodeJS.ProcessEnv): string {
  return join(dataDir(env), 'wallet');
}

export function defaultPlatformUrl(env: NodeJS.ProcessEnv): string {
  // localhost, as the development issuer is: a wallet holding a 网证 talks to its issuer instead.
  return `http://localhost:${env.WZ_PORT || '8080'}`;
}

export function defaultRegistryUrl(env: NodeJS.ProcessEnv): string {
  return env.WZ_REGISTRY_URL || 'http://127.0.0.1:8081';
}

/** The platform's development SMS outbox (packages/platform/src/config.ts `smsOutboxPath`). */
export function defaultOutbox(env: NodeJS.ProcessEnv): string {
  return env.WZ_SMS_OUTBOX || `${dataDir(env)}/sms-outbox.jsonl`;
}

/** `--platform` / `--registry`: an http(s) URL, nothing else. */
export function serviceUrl(v: string, flag: string): string {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new InputError(`--${flag} must be a URL such as http://127.0.0.1:8080`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new InputError(`--${flag} must be an http or https URL`);
  return v.replace(/\/+$/, '');
}

/** Runs a local check; its WzError (`invalid_phone`, `invalid_id_number`, …) becomes bad input, exit 2. */
export async function asInput<T>(check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (e) {
    if (isWzError(e)) throw new InputError(e.message, e.code);
    throw e;
  }
}

/** The keystore passphrase: the flag, or asked once without echo. Empty → usage error. */
export async function passphraseOrAsk(ctx: Ctx, v: string | undefined, flag = 'passphrase', question = 'passphrase (8 digits): '): Promise<string> {
  if (v !== undefined && v !== '') return v;
  if (!ctx.prompter.interactive) throw new InputError(`missing --${flag}`, undefined, true);
  const a = await ctx.prompter.secret(question);
  if (a === '') throw new InputError(`no ${flag.replaceAll('-', ' ')} given`);
  return a;
}
