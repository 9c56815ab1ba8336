/**
 * The person's controls over their 网证 as `wangzheng wallet` subcommands (docs/person.md):
 * passphrase, phone, renewal, moving to a new phone. Registered by the wallet dispatcher next to
 * the person API's own (me-commands.ts).
 */
import type { Ctx } from './context.ts';
import { MOVE_USAGE, moveCommand } from './move.ts';
import { PASSPHRASE_USAGE, passphraseCommand } from './passphrase.ts';
import { PHONE_USAGE, phoneCommand } from './phone.ts';
import { RENEW_USAGE, renewCommand } from './renew.ts';

export const CONTROL_SUBCOMMANDS: Record<string, { run: (args: string[], ctx: Ctx) => Promise<number>; usage: string }> = {
  passphrase: { run: passphraseCommand, usage: PASSPHRASE_USAGE },
  phone: { run: phoneCommand, usage: PHONE_USAGE },
  renew: { run: renewCommand, usage: RENEW_USAGE },
  move: { run: moveCommand, usage: MOVE_USAGE },
};

export const CONTROL_SUMMARY = `  passphrase change | reset   change your passphrase with the old one, or reset it with your face
  phone    bind a new mobile number (a code goes to the new number)
  renew    a new 网证 before this one expires (same 网号)
  move     move your 网证 to a new phone (--to DIR: the new phone's wallet)`;
