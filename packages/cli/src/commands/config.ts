/** `wangzheng config docs` prints the configuration reference; `config check` validates the environment. */
import { loadConfig, renderConfigDocs } from '@wangzheng/platform/config';
import type { Io } from '../io.ts';

export async function configCommand(args: string[], io: Io): Promise<number> {
  const [sub] = args;
  if (sub === 'docs') {
    io.out(renderConfigDocs());
    return 0;
  }
  if (sub === 'check') {
    const cfg = loadConfig();
    io.out(`configuration is valid (mode ${cfg.mode}, store ${cfg.store.engine}, suite ${cfg.suite})`);
    return 0;
  }
  io.err('usage: wangzheng config docs | check');
  return 2;
}
