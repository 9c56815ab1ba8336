/**
 * The person's own controls as `wangzheng wallet` subcommands (docs/person.md), registered in
 * one line by the wallet dispatcher.
 */
import type { Ctx } from './context.ts';
import { AUTHORIZATIONS_USAGE, WITHDRAW_USAGE, authorizationsCommand, withdrawCommand } from './authorizations.ts';
import { DEVICES_USAGE, devicesCommand } from './devices.ts';
import { EXPORT_USAGE, exportCommand } from './export.ts';
import { HISTORY_USAGE, historyCommand } from './history.ts';
import { LOCK_USAGE, STATUS_USAGE, UNLOCK_USAGE, lockCommand, statusCommand, unlockCommand } from './status.ts';

export const ME_SUBCOMMANDS: Record<string, { run: (args: string[], ctx: Ctx) => Promise<number>; usage: string }> = {
  status: { run: statusCommand, usage: STATUS_USAGE },
  lock: { run: lockCommand, usage: LOCK_USAGE },
  unlock: { run: unlockCommand, usage: UNLOCK_USAGE },
  devices: { run: devicesCommand, usage: DEVICES_USAGE },
  history: { run: historyCommand, usage: HISTORY_USAGE },
  authorizations: { run: authorizationsCommand, usage: AUTHORIZATIONS_USAGE },
  withdraw: { run: withdrawCommand, usage: WITHDRAW_USAGE },
  export: { run: exportCommand, usage: EXPORT_USAGE },
};

export const ME_SUMMARY = `  status   your 网证's state at the platform (active or locked)
  lock     lock your 网证: nothing verifies until you unlock  ·  unlock: with your passphrase
  devices  your devices; devices revoke <id>: a lost phone and its 网证
  history  who verified you, when, how, and exactly what they received
  authorizations  the services holding a consent or token  ·  withdraw <client id>: end it
  export   everything the platform holds about you, as JSON (--out FILE)`;
