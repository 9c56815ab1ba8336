/**
 * `wangzheng wallet …` — the CLI wallet a person (or a script, or a test) uses to enroll and
 * hold a 网证. The keystore is @wangzheng/wallet's (docs/wallet.md); the NFC reader, camera and
 * SMS inbox are the development simulators (the registry simulator's /sim endpoints and the
 * platform's SMS outbox file).
 *
 *   wallet enroll  --document-type T --document-number N --phone P [--passphrase 8DIGITS] [--yes] …
 *   wallet approve --code CODE [--decline]          (guardian of a 14–17-year-old)
 *   wallet collect                                  (the 14–17-year-old, after approval)
 *   wallet show    [--json]
 *   wallet verify  --ref REF | --link LINK [--yes | --decline] [--consent F,… | --consent-all]
 *   wallet requests [--json]                        (requests addressed to you: re-verification)
 *   wallet status | lock | unlock | devices [revoke ID] | history | authorizations | withdraw CLIENT_ID | export [--out FILE]
 *                                                   (your own controls over /v1/me: docs/person.md)
 *   wallet passphrase change|reset | phone NUMBER | renew | move --to DIR   (your 网证's passphrase, phone, renewal, new phone)
 *
 * Every subcommand takes --wallet DIR (default <WZ_DATA_DIR or .wangzheng>/wallet) and
 * --platform URL (default http://127.0.0.1:<WZ_PORT or 8080>); enroll also --registry URL
 * (default WZ_REGISTRY_URL or http://127.0.0.1:8081).
 *
 * Exit codes: 0 done (also: enrollment waiting for a guardian), 1 refused or failed (the
 * platform's refusal, a wrong passphrase, an unreachable service), 2 bad input or usage
 * (including a passphrase that breaks the rules, refused before any network call). Errors
 * are one line ending in the stable code; the passphrase, the enrollment token and the SMS
 * code are never printed.
 */
import { CodedError } from '@wangzheng/core/errors';
import type { Io } from '../io.ts';
import { APPROVE_USAGE, COLLECT_USAGE, approveCommand, collectCommand } from './wallet/approve.ts';
import { CANCEL_USAGE, cancelCommand } from './wallet/cancel.ts';
import { InputError, UnreachableError, context, type Ctx, type WalletDeps } from './wallet/context.ts';
import { ENROLL_USAGE, enrollCommand } from './wallet/enroll.ts';
import { ME_SUBCOMMANDS, ME_SUMMARY } from './wallet/me-commands.ts';
import { CONTROL_SUBCOMMANDS, CONTROL_SUMMARY } from './wallet/controls-commands.ts';
import { InputEndedError } from './wallet/prompt.ts';
import { SHOW_USAGE, showCommand } from './wallet/show.ts';
import { REQUESTS_USAGE, VERIFY_USAGE, requestsCommand, verifyCommand } from './wallet/verify.ts';

export type { WalletDeps } from './wallet/context.ts';

const SUBCOMMANDS: Record<string, { run: (args: string[], ctx: Ctx) => Promise<number>; usage: string }> = {
  enroll: { run: enrollCommand, usage: ENROLL_USAGE },
  approve: { run: approveCommand, usage: APPROVE_USAGE },
  collect: { run: collectCommand, usage: COLLECT_USAGE },
  show: { run: showCommand, usage: SHOW_USAGE },
  verify: { run: verifyCommand, usage: VERIFY_USAGE },
  requests: { run: requestsCommand, usage: REQUESTS_USAGE },
  ...ME_SUBCOMMANDS,
  ...CONTROL_SUBCOMMANDS,
  cancel: { run: cancelCommand, usage: CANCEL_USAGE },
};

const USAGE = `usage: wangzheng wallet <subcommand> [options]

  enroll   enroll with a document and receive a 网号 and 网证 (asks for what is missing on a terminal)
  approve  as a guardian, approve (or --decline) a 14–17-year-old's enrollment by its code
  collect  as a 14–17-year-old, collect the 网证 once the guardian approved
  show     list the 网证 in the wallet and its device key (--json for scripts)
  verify   answer a service's verification request (--ref or --link): see who asks and for what, approve or --decline
  requests list the requests addressed to you (re-verification of an account), each with its reference
${ME_SUMMARY}
${CONTROL_SUMMARY}
  cancel   cancel your 网号 (注销): every service is told, everything is deleted, this keystore too

Common options: --wallet DIR (default <WZ_DATA_DIR or .wangzheng>/wallet), --platform URL
(default http://127.0.0.1:<WZ_PORT or 8080>), --passphrase 8DIGITS (asked without echo on a terminal).

${Object.values(SUBCOMMANDS)
  .map((s) => s.usage)
  .join('\n')}`;

export async function walletCommand(args: string[], io: Io, deps: WalletDeps = {}): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'help' && rest[0] !== undefined && Object.hasOwn(SUBCOMMANDS, rest[0])) {
    io.out(SUBCOMMANDS[rest[0]]!.usage);
    return 0;
  }
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    io.out(USAGE);
    return sub === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
  if (!command) {
    io.err(`wangzheng wallet: unknown subcommand '${sub}'\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  const ctx = context(io, deps);
  const say = (msg: string): void => io.err(`wangzheng wallet ${sub}: ${msg}`);
  try {
    return await command.run(rest, ctx);
  } catch (e) {
    if (e instanceof InputError) {
      say(`${e.message}${e.code ? ` [${e.code}]` : ''}`);
      if (e.usage) io.err(command.usage);
      return 2;
    }
    if (e instanceof UnreachableError) {
      say(`${e.message} [${e.code}]`);
      return 1;
    }
    if (e instanceof InputEndedError) {
      say('input ended before every answer was given');
      return 2;
    }
    if (e instanceof CodedError) {
      // The platform's (or the keystore's) refusal: its safe message and stable code, never the detail.
      say(`${e.message} [${e.code}]`);
      return 1;
    }
    if (e instanceof TypeError && String((e as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS')) {
      say(e.message);
      io.err(command.usage);
      return 2;
    }
    say(`unexpected failure: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    ctx.prompter.close();
  }
}
