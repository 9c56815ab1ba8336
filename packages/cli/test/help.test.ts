// `--help` (or `-h`) after any command or subcommand prints its usage on stdout and exits 0 —
// and does nothing else: no server starts, no store or registry database is opened or created.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'wz-help-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const INVOCATIONS = [
  ['start'],
  ['keys', 'generate'], ['keys', 'public'], ['keys', 'sign'], ['keys', 'verify'],
  ['registry', 'generate'], ['registry', 'serve'], ['registry', 'samples'],
  ['audit', 'verify'], ['audit', 'search'], ['audit', 'checkpoints'],
  ['config', 'docs'], ['config', 'check'],
  ['admin', 'rps'], ['admin', 'ban'],
  ['wallet', 'enroll'], ['wallet', 'verify'],
];

describe('--help everywhere', () => {
  for (const words of INVOCATIONS) {
    for (const flag of ['--help', '-h']) {
      it(`wangzheng ${words.join(' ')} ${flag}`, async () => {
        const out: string[] = [];
        const err: string[] = [];
        const saved = process.env.WZ_DATA_DIR;
        process.env.WZ_DATA_DIR = dir;
        try {
          const code = await main([...words, flag], { out: (s) => out.push(s), err: (s) => err.push(s) });
          expect([code, err.join('')]).toEqual([0, '']);
        } finally {
          if (saved === undefined) delete process.env.WZ_DATA_DIR;
          else process.env.WZ_DATA_DIR = saved;
        }
        expect(out.join('\n')).toMatch(/usage/i);
        expect(existsSync(path.join(dir, 'registry.db'))).toBe(false);
        expect(existsSync(path.join(dir, 'platform.db'))).toBe(false);
      });
    }
  }
});
