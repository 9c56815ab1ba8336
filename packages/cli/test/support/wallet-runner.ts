/**
 * Runs `wangzheng wallet …` in-process for tests: output captured, cheap keystore key
 * derivation, and — with `answers` — interactive prompts fed line by line.
 *
 * An answer is a line, or a function that gives the line when its question is asked (the SMS
 * code, which exists only once the platform has sent it). Each line is written to the
 * prompter's input just before the question that takes it; when the answers run out the
 * input ends (the command then stops with "input ended").
 */
import { PassThrough, Writable } from 'node:stream';
import { walletCommand } from '../../src/commands/wallet.ts';
import { createPrompter, type Prompter } from '../../src/commands/wallet/prompt.ts';

export interface Run {
  code: number;
  out: string;
  err: string;
  /** What the prompts wrote (questions), when answers were fed. */
  prompts: string;
}

export type Answer = string | ((question: string) => string);

export function walletRunner(env: Record<string, string>): (args: string[], answers?: Answer[]) => Promise<Run> {
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
    const input = new PassThrough();
    const inner = createPrompter({ input, output, terminal: false, interactive: answers !== undefined });
    const queue = [...(answers ?? [])];
    let ended = false;
    const feed = (question: string): void => {
      if (ended) return;
      const a = queue.shift();
      if (a === undefined) {
        ended = true;
        input.end();
        return;
      }
      input.write(`${typeof a === 'function' ? a(question) : a}\n`);
    };
    const prompter: Prompter = {
      interactive: inner.interactive,
      ask: (q) => (feed(q), inner.ask(q)),
      secret: (q) => (feed(q), inner.secret(q)),
      confirm: (q) => (feed(q), inner.confirm(q)),
      close: () => inner.close(),
    };
    const code = await walletCommand(args, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`) }, { env, prompter, kdf: { memoryKiB: 1024, iterations: 1 } });
    return { code, out, err, prompts };
  };
}
