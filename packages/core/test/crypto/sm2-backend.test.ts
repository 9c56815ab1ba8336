// The SM2 backend policy: native addon by default; the pure-JS backend only when chosen with
// WZ_SM2_BACKEND=js (with a warning); otherwise a missing addon is a clear start-up error.
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';

const root = new URL('../../../../', import.meta.url);

function runWith(env: Record<string, string>, code: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SCRIPT = `
import { getSuite, sm2Backend, sm2PublicKeyFromPoint } from '@wangzheng/core/crypto/index';
import { readFileSync } from 'node:fs';
try {
  const v = JSON.parse(readFileSync('packages/core/test/vectors/gm.json', 'utf8')).sm2_sign;
  const gm = getSuite('gm');
  const k = gm.generateKey();
  const m = Buffer.from(v.message_utf8);
  const ok = sm2PublicKeyFromPoint(Buffer.from(v.public_key_uncompressed, 'hex')).verify(m, Buffer.from(v.r + v.s, 'hex'));
  console.log(JSON.stringify({ backend: sm2Backend(), vector: ok, roundTrip: k.publicKey.verify(m, k.sign(m)) }));
} catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }
`;

describe('SM2 backend selection', () => {
  afterEach(() => {
    vi.doUnmock('@wangzheng/sm2-native');
    vi.resetModules();
  });

  it('default: the native addon, conformant on the Annex A vector', () => {
    const r = runWith({ WZ_SM2_BACKEND: '' }, SCRIPT);
    expect(JSON.parse(r.stdout)).toEqual({ backend: 'native', vector: true, roundTrip: true });
  });

  it('WZ_SM2_BACKEND=js selects sm-crypto-v2 and warns once', () => {
    const r = runWith({ WZ_SM2_BACKEND: 'js' }, SCRIPT);
    expect(JSON.parse(r.stdout)).toEqual({ backend: 'js', vector: true, roundTrip: true });
    expect(r.stderr.match(/WZ_SM2_BACKEND=js/g)?.length).toBe(1);
  });

  it('an unknown WZ_SM2_BACKEND value is refused', () => {
    const r = runWith({ WZ_SM2_BACKEND: 'node' }, SCRIPT);
    expect(JSON.parse(r.stdout).code).toBe('internal_error');
  });

  it('addon missing and js not chosen: getSuite("gm") fails with the rebuild instruction; intl still works', async () => {
    vi.resetModules();
    vi.doMock('@wangzheng/sm2-native', () => ({ loadSm2Native: () => new Error('Cannot find module wz_sm2.node') }));
    const saved = process.env['WZ_SM2_BACKEND'];
    delete process.env['WZ_SM2_BACKEND'];
    try {
      const mod = await import('@wangzheng/core/crypto/index');
      let err: unknown;
      try {
        mod.getSuite('gm');
      } catch (e) {
        err = e;
      }
      const errors = await import('@wangzheng/core/errors'); // the fresh module graph's WzError
      expect(errors.isWzError(err, 'internal_error')).toBe(true);
      expect((err as Error).message).toMatch(/npm rebuild.*build-native\.mjs.*WZ_SM2_BACKEND=js/s);
      expect(mod.getSuite('intl').generateKey().alg).toBe('ES256');
    } finally {
      if (saved !== undefined) process.env['WZ_SM2_BACKEND'] = saved;
    }
  });
});
