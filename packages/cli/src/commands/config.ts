/** `wangzheng config docs` prints the configuration reference; `config check` validates the environment. */
import { loadConfig, renderConfigDocs } from '@wangzheng/platform/config';
import type { Io } from '../io.ts';
import { wantsHelp } from '../util/invocation.ts';

const USAGE = 'usage: wangzheng config docs | check\n  docs   the configuration reference (every WZ_* variable), as Markdown\n  check  validate the current environment; exit 2 with the reason when it is not valid';

export async function configCommand(args: string[], io: Io): Promise<number> {
  const [sub] = args;
  if (wantsHelp(args)) {
    io.out(USAGE);
    return 0;
  }
  if (sub === 'docs') {
    io.out(renderConfigDocs());
    return 0;
  }
  if (sub === 'check') {
    const cfg = loadConfig();
    io.out(`configuration is valid (mode ${cfg.mode}, store ${cfg.store.engine}, suite ${cfg.suite})`);
    return 0;
  }
  io.err(USAGE);
  return 2;
}
