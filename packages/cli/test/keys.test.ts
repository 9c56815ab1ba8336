// `wangzheng keys`: generate / public / sign / verify, exit codes, file modes, and OpenSSL
// cross-checks of what the command writes (SM2 with distid 1234567812345678, ES256, Ed25519).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keysCommand } from '../src/commands/keys.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(tmpdir(), 'wz-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const f = (n: string) => path.join(dir, n);
writeFileSync(f('msg'), 'document to sign\n');
writeFileSync(f('other'), 'another document\n');

async function keys(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await keysCommand(args, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`) });
  return { code, out, err };
}

function osslOk(args: string[]): boolean {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return r.status === 0 && /Verified OK|Verified Successfully/.test(r.stdout);
}

describe('keys generate', () => {
  it('gm → SM2 PKCS#8, mode 0600, readable by OpenSSL as an SM2 key', async () => {
    const r = await keys('generate', '--suite', 'gm', '--out', f('sm2.pem'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/wrote SM2 private key/);
    expect(statSync(f('sm2.pem')).mode & 0o777).toBe(0o600);
    expect(execFileSync('openssl', ['pkey', '-in', f('sm2.pem'), '-noout', '-text'], { encoding: 'utf8' })).toMatch(/ASN1 OID: SM2/);
  });

  it('refuses to overwrite without --force; --force overwrites and resets the mode to 0600', async () => {
    const before = readFileSync(f('sm2.pem'), 'utf8');
    const r = await keys('generate', '--suite', 'gm', '--out', f('sm2.pem'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/exists; use --force/);
    expect(readFileSync(f('sm2.pem'), 'utf8')).toBe(before);
    writeFileSync(f('loose.pem'), 'x', { mode: 0o644 });
    expect((await keys('generate', '--suite', 'intl', '--out', f('loose.pem'), '--force')).code).toBe(0);
    expect(statSync(f('loose.pem')).mode & 0o777).toBe(0o600);
  });

  it('intl → ES256 by default, --alg EdDSA; a suite/alg mismatch or unknown suite → exit 2', async () => {
    expect((await keys('generate', '--suite', 'intl', '--out', f('es.pem'))).code).toBe(0);
    expect(readFileSync(f('es.pem'), 'utf8')).toMatch(/BEGIN PRIVATE KEY/);
    expect((await keys('generate', '--suite', 'intl', '--alg', 'EdDSA', '--out', f('ed.pem'))).code).toBe(0);
    expect((await keys('generate', '--suite', 'gm', '--alg', 'ES256', '--out', f('x.pem'))).code).toBe(2);
    expect((await keys('generate', '--suite', 'rsa', '--out', f('x.pem'))).code).toBe(2);
    expect((await keys('generate', '--suite', 'gm')).code).toBe(2);
    expect(existsSync(f('x.pem'))).toBe(false);
  });
});

describe('keys public', () => {
  it('prints the JWK with kid, then the SPKI PEM equal to `openssl pkey -pubout`', async () => {
    const r = await keys('public', '--key', f('sm2.pem'));
    expect(r.code).toBe(0);
    const jwkText = r.out.slice(0, r.out.indexOf('-----BEGIN'));
    const jwk = JSON.parse(jwkText);
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'SM2', alg: 'SM2', use: 'sig' });
    expect(jwk.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(jwk.d).toBeUndefined();
    const pem = r.out.slice(r.out.indexOf('-----BEGIN')).trim();
    expect(pem).toBe(execFileSync('openssl', ['pkey', '-in', f('sm2.pem'), '-pubout'], { encoding: 'utf8' }).trim());
    writeFileSync(f('sm2pub.pem'), `${pem}\n`);
  });
});

describe('keys sign / verify', () => {
  it('SM2: our DER signature verifies with `openssl dgst -sm3 -sigopt distid:1234567812345678`', async () => {
    const r = await keys('sign', '--key', f('sm2.pem'), '--in', f('msg'), '--out', f('sm2.sig'));
    expect(r.code).toBe(0);
    expect(osslOk(['dgst', '-sm3', '-verify', f('sm2pub.pem'), '-sigopt', 'distid:1234567812345678', '-signature', f('sm2.sig'), f('msg')])).toBe(true);
    expect(osslOk(['dgst', '-sm3', '-verify', f('sm2pub.pem'), '-sigopt', 'distid:1234567812345678', '-signature', f('sm2.sig'), f('other')])).toBe(false);
  });

  it("SM2: OpenSSL's signature verifies with `keys verify` (exit 0), other file → exit 1", async () => {
    execFileSync('openssl', ['dgst', '-sm3', '-sign', f('sm2.pem'), '-sigopt', 'distid:1234567812345678', '-out', f('ossl.sig'), f('msg')]);
    expect((await keys('verify', '--key', f('sm2pub.pem'), '--in', f('msg'), '--sig', f('ossl.sig'))).code).toBe(0);
    expect((await keys('verify', '--key', f('sm2.pem'), '--in', f('msg'), '--sig', f('ossl.sig'))).code).toBe(0); // private PEM accepted
    const bad = await keys('verify', '--key', f('sm2pub.pem'), '--in', f('other'), '--sig', f('ossl.sig'));
    expect(bad.code).toBe(1);
    expect(bad.err.trim()).toBe('invalid signature');
  });

  it('SM2 --id: a custom distinguishing ID round-trips and matches OpenSSL; the default ID then fails', async () => {
    expect((await keys('sign', '--key', f('sm2.pem'), '--in', f('msg'), '--out', f('id.sig'), '--id', 'alice@example.cn')).code).toBe(0);
    expect(osslOk(['dgst', '-sm3', '-verify', f('sm2pub.pem'), '-sigopt', 'distid:alice@example.cn', '-signature', f('id.sig'), f('msg')])).toBe(true);
    expect((await keys('verify', '--key', f('sm2pub.pem'), '--in', f('msg'), '--sig', f('id.sig'), '--id', 'alice@example.cn')).code).toBe(0);
    expect((await keys('verify', '--key', f('sm2pub.pem'), '--in', f('msg'), '--sig', f('id.sig'))).code).toBe(1);
    expect((await keys('sign', '--key', f('es.pem'), '--in', f('msg'), '--out', f('x.sig'), '--id', 'a')).code).toBe(2);
  });

  it('ES256 and Ed25519 signatures verify with OpenSSL', async () => {
    execFileSync('openssl', ['pkey', '-in', f('es.pem'), '-pubout', '-out', f('espub.pem')]);
    execFileSync('openssl', ['pkey', '-in', f('ed.pem'), '-pubout', '-out', f('edpub.pem')]);
    expect((await keys('sign', '--key', f('es.pem'), '--in', f('msg'), '--out', f('es.sig'))).code).toBe(0);
    expect(osslOk(['dgst', '-sha256', '-verify', f('espub.pem'), '-signature', f('es.sig'), f('msg')])).toBe(true);
    expect((await keys('sign', '--key', f('ed.pem'), '--in', f('msg'), '--out', f('ed.sig'))).code).toBe(0);
    expect(osslOk(['pkeyutl', '-verify', '-pubin', '-inkey', f('edpub.pem'), '-rawin', '-in', f('msg'), '-sigfile', f('ed.sig')])).toBe(true);
  });

  it('bad input → exit 2 with one line and no stack trace', async () => {
    writeFileSync(f('garbage.pem'), '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    writeFileSync(f('trunc.sig'), readFileSync(f('sm2.sig')).subarray(0, 20));
    const cases = [
      await keys('verify', '--key', f('garbage.pem'), '--in', f('msg'), '--sig', f('sm2.sig')),
      await keys('verify', '--key', f('sm2pub.pem'), '--in', f('msg'), '--sig', f('trunc.sig')),
      await keys('verify', '--key', f('sm2pub.pem'), '--in', f('missing'), '--sig', f('sm2.sig')),
      await keys('verify', '--key', f('sm2pub.pem'), '--in', f('msg')),
      await keys('sign', '--key', f('sm2pub.pem'), '--in', f('msg'), '--out', f('x.sig')),
      await keys('sign', '--bogus'),
      await keys('frobnicate'),
    ];
    for (const r of cases) {
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')[0]).toMatch(/^wangzheng keys/);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
    expect(cases[0]!.err).toMatch(/\[invalid_key\]/);
    expect(cases[1]!.err).toMatch(/\[invalid_signature\]/);
  });
});

describe('through the real binary (`node bin/wangzheng.js keys …`)', () => {
  it('generate → sign → verify, and OpenSSL agrees', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/wangzheng.js'), 'keys', ...args], { cwd: root, encoding: 'utf8' });
    expect(run('generate', '--suite', 'gm', '--out', f('bin.pem')).status).toBe(0);
    expect(run('sign', '--key', f('bin.pem'), '--in', f('msg'), '--out', f('bin.sig')).status).toBe(0);
    const pub = run('public', '--key', f('bin.pem'));
    expect(pub.status).toBe(0);
    writeFileSync(f('binpub.pem'), pub.stdout.slice(pub.stdout.indexOf('-----BEGIN')));
    expect(run('verify', '--key', f('binpub.pem'), '--in', f('msg'), '--sig', f('bin.sig')).status).toBe(0);
    expect(run('verify', '--key', f('binpub.pem'), '--in', f('other'), '--sig', f('bin.sig')).status).toBe(1);
    const bad = run('verify', '--key', f('msg'), '--in', f('msg'), '--sig', f('bin.sig'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    expect(osslOk(['dgst', '-sm3', '-verify', f('binpub.pem'), '-sigopt', 'distid:1234567812345678', '-signature', f('bin.sig'), f('msg')])).toBe(true);
  });
});
