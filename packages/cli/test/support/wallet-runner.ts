/**
 * Runs `wangzheng wallet …` in-process for tests: output captured, cheap keystore key
 * derivation, and — with `answers` — interactive prompts fed line by line.
 */
import { Readable, Writable } from 'node:stream';
import { walletCommand } from '../../src/commands/wallet.ts';
import { createPrompter } from '../../src/commands/wallet/prompt.ts';

export interface Run {
  code: number;
  out: string;
  err: string;
  /** What the prompts wrote (questions), when answers were fed. */
  prompts: string;
}

export function walletRunner(env: Record<string, string>): (args: string[], answers?: string[]) => Promise<Run> {
  return async (args, answers) => {
    let out = '';
    let err = '';
    let prompts = '';
    const output = new Writable({
      write(chunk, _enc, cb) {
        prompts += String(chunk);
        cb();
      },
    });
    const prompter = createPrompter({ input: Readable.from((answers ?? []).map((a) => `${a}\n`)), output, terminal: false, interactive: answers !== undefined });
    const code = await walletCommand(args, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`) }, { env, prompter, kdf: { memoryKiB: 1024, iterations: 1 } });
    return { code, out, err, prompts };
  };
}
