/**
 * The code blocks of a Markdown document, as the docs test runs them (docs/docs-that-run.md).
 *
 * - ```` ```sh ```` (or `bash`, `shell`) and ```` ```ts ```` (or `typescript`) blocks run, in
 *   document order; other languages (`json`, `text`, …) are output or reference and do not.
 * - ```` ```ts file=NAME.ts ```` is a program the reader saves as NAME.ts: it is written to the
 *   walk-through's directory, and the shell blocks after it run it (`npx tsx NAME.ts`).
 * - A block whose previous non-empty line is `<!-- not-run: REASON -->` is not run; the reason
 *   is required and printed in the test's name (starting the system itself, a three-minute job).
 */

export type BlockLang = 'sh' | 'ts';

export interface Block {
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: BlockLang;
  /** `file=NAME`: saved under that name instead of being run. */
  readonly file?: string;
  readonly code: string;
  /** Why it is not run, when it is not. */
  readonly notRun?: string;
}

const LANGS: Record<string, BlockLang> = { sh: 'sh', bash: 'sh', shell: 'sh', ts: 'ts', typescript: 'ts' };
const NOT_RUN = /^<!--\s*not-run:\s*(.+?)\s*-->$/;

export function extractBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, info, rest] = open as unknown as [string, string, string, string, string];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j]!;
      if (l.trim().startsWith(fence[0]!.repeat(fence.length)) && l.trim().replace(/[`~]/g, '') === '') break;
      body.push(l.startsWith(indent) ? l.slice(indent.length) : l);
    }
    const lang = LANGS[info.toLowerCase()];
    if (lang) {
      const file = /\bfile=([\w.-]+)/.exec(rest)?.[1];
      let k = i - 1;
      while (k >= 0 && lines[k]!.trim() === '') k--;
      const notRun = k >= 0 ? NOT_RUN.exec(lines[k]!.trim())?.[1] : undefined;
      blocks.push({ line: i + 1, lang, code: body.join('\n'), ...(file ? { file } : {}), ...(notRun ? { notRun } : {}) });
    }
    i = j;
  }
  return blocks;
}
