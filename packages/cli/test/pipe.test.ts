// A reader that stops reading (`wangzheng config docs | head -1`) ends the command quietly:
// exit 0, nothing on stderr — not an EPIPE stack trace. Run as the person runs it: the bin.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/wangzheng.js');

describe('output into a pipe that closes', () => {
  it('config docs with its reader gone: exit 0, no stack trace', async () => {
    const child = spawn(process.execPath, [BIN, 'config', 'docs'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the first write
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((ok) => child.on('close', ok));
    expect(err).not.toMatch(/EPIPE|at .*\.ts:\d+/);
    expect(code).toBe(0);
  });
});
