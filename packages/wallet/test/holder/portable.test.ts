/**
 * The holder's protocol core runs in a browser as well as in Node: each portable module must
 * bundle for the browser with nothing Node-only in it (no `node:` module, no Buffer).
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const PORTABLE = ['holder/ports.ts', 'holder/encoding.ts', 'holder/jws.ts', 'holder/credential.ts', 'holder/proofs.ts', 'holder/consent.ts', 'enroll/client.ts', 'enroll/hardware.ts', 'enroll/enroll.ts', 'verify.ts', 'me/bound-request.ts', 'me/client.ts', 'me/controls.ts', 'me/cancel.ts'];

describe('the holder core is portable', () => {
  it.each(PORTABLE)('%s bundles for the browser without Node built-ins or Buffer', async (file) => {
    const r = await build({ entryPoints: [SRC + file], bundle: true, write: false, platform: 'browser', format: 'esm', logLevel: 'silent', metafile: true });
    const text = r.outputFiles.map((f) => f.text).join('\n');
    expect(text).not.toMatch(/\bBuffer\.|\brequire\(|from ?["']node:/);
    expect(Object.keys(r.metafile.inputs).filter((i) => i.startsWith('node:'))).toEqual([]);
  });

  it('the Node adapter is not portable, and the bundler says so (the check above can fail)', async () => {
    await expect(build({ entryPoints: [SRC + 'holder/node.ts'], bundle: true, write: false, platform: 'browser', format: 'esm', logLevel: 'silent' })).rejects.toThrow(/node:crypto/);
  });
});
