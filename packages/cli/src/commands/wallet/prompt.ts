/**
 * Asking the person at the terminal: plain questions, secrets without echo, yes/no. One line
 * of input per answer. Tests feed answers through any readable stream (`createPrompter({
 * input: Readable.from(['1\n', …]), … })`); a real terminal gets readline with its echo
 * muted while a secret is typed.
 *
 * Nothing here logs or stores an answer; a secret is returned to the caller and nothing else.
 */
import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';

export interface Prompter {
  /** True when answers can be asked for (a terminal, or a test that feeds them). */
  readonly interactive: boolean;
  /** One line, trimmed. */
  ask(question: string): Promise<string>;
  /** One line, not echoed; not trimmed (a passphrase is taken as typed). */
  secret(question: string): Promise<string>;
  /** `y`/`yes`/`是` → true; anything else (the default) → false. */
  confirm(question: string): Promise<boolean>;
  /** Releases the input (a terminal's stdin would otherwise keep the process alive). */
  close(): void;
}

/** The input ended before an answer came (Ctrl-D, or a test fed too few lines). */
export class InputEndedError extends Error {
  constructor() {
    super('input ended before an answer was given');
    this.name = 'InputEndedError';
  }
}

export interface PrompterStreams {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Whether input and output are a terminal (readline echoes, and muting matters). */
  terminal: boolean;
  /** Default: `terminal`. Tests set true with a fed stream. */
  interactive?: boolean;
}

/** The prompter on this process's terminal: interactive only when stdin and stdout are TTYs. */
export function terminalPrompter(): Prompter {
  const terminal = process.stdin.isTTY === true && process.stdout.isTTY === true;
  return createPrompter({ input: process.stdin, output: process.stdout, terminal });
}

export function createPrompter(s: PrompterStreams): Prompter {
  const interactive = s.interactive ?? s.terminal;
  let muted = false;
  let rl: Interface | undefined;
  let lines: AsyncIterator<string> | undefined;

  // readline writes its echo here; while a secret is typed nothing passes through.
  const sink = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      if (!muted) s.output.write(chunk);
      cb();
    },
  });

  function open(): { rl: Interface; lines: AsyncIterator<string> } {
    if (!interactive) throw new TypeError('prompted in non-interactive mode');
    if (!rl || !lines) {
      rl = createInterface({ input: s.input, output: sink, terminal: s.terminal, prompt: '', historySize: 0 });
      // Created at once, so lines that arrive before a question is asked are buffered, not lost.
      lines = rl[Symbol.asyncIterator]();
    }
    return { rl, lines };
  }

  async function line(question: string, secret: boolean): Promise<string> {
    const { rl: r, lines: it } = open();
    r.setPrompt(question);
    r.prompt();
    muted = secret;
    let next: IteratorResult<string>;
    try {
      next = await it.next();
    } finally {
      muted = false;
    }
    // A terminal echoed the answer and its newline, unless muted; a fed stream echoes nothing.
    if (secret || !s.terminal) s.output.write('\n');
    if (next.done) throw new InputEndedError();
    return next.value;
  }

  return {
    interactive,
    ask: async (q) => (await line(q, false)).trim(),
    secret: (q) => line(q, true),
    async confirm(q) {
      const a = (await line(`${q} [y/N] `, false)).trim().toLowerCase();
      return a === 'y' || a === 'yes' || a === '是';
    },
    close() {
      rl?.close();
      rl = undefined;
      lines = undefined;
    },
  };
}
