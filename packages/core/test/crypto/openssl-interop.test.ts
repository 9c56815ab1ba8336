// Interoperability with the OpenSSL command line (the reference most operators have), both
// ways: SM2 with SM3 and the standard distinguishing ID (`-sigopt distid:1234567812345678`),
// ES256 (ECDSA P-256 with SHA-256) and Ed25519 (`pkeyutl -rawin`).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKey, importPrivateKeyPem, importPublicKey } from '@wangzheng/core/crypto/index';

const dir = mkdtempSync(path.join(tmpdir(), 'wz-ossl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const f = (name: string) => path.join(dir, name);
const DISTID = 'distid:1234567812345678';

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
/** Runs an OpenSSL verification; true when it prints "Verified OK"/"Signature Verified Successfully". */
function opensslVerifies(args: string[]): boolean {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return r.status === 0 && /Verified OK|Verified Successfully/.test(r.stdout);
}

const message = Buffer.from('网证 interop test message\n', 'utf8');
const tampered = Buffer.from('网证 interop test messagE\n', 'utf8');
writeFileSync(f('msg'), message);
writeFileSync(f('tampered'), tampered);

describe('GB/T 32918.2 SM2 ⇄ OpenSSL 3 (`openssl dgst -sm3 -sigopt distid:1234567812345678`)', () => {
  // An OpenSSL-generated key, imported by us.
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', f('sm2.pem')]);
  openssl(['pkey', '-in', f('sm2.pem'), '-pubout', '-out', f('sm2pub.pem')]);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', f('sm2other.pem')]);
  openssl(['pkey', '-in', f('sm2other.pem'), '-pubout', '-out', f('sm2otherpub.pem')]);

  it('an OpenSSL-generated SM2 PKCS#8 key imports, and its public key matches `openssl pkey -pubout`', () => {
    const key = importPrivateKeyPem(readFileSync(f('sm2.pem'), 'utf8'));
    expect(key.alg).toBe('SM2');
    expect(key.publicKey.toPem()).toBe(readFileSync(f('sm2pub.pem'), 'utf8'));
    expect(key.toPem()).toBe(readFileSync(f('sm2.pem'), 'utf8'));
  });

  it('our DER signature is verified by OpenSSL; tampered message and wrong key fail', () => {
    const key = importPrivateKeyPem(readFileSync(f('sm2.pem'), 'utf8'));
    writeFileSync(f('ours.sig'), key.sign(message, 'der'));
    expect(opensslVerifies(['dgst', '-sm3', '-verify', f('sm2pub.pem'), '-sigopt', DISTID, '-signature', f('ours.sig'), f('msg')])).toBe(true);
    expect(opensslVerifies(['dgst', '-sm3', '-verify', f('sm2pub.pem'), '-sigopt', DISTID, '-signature', f('ours.sig'), f('tampered')])).toBe(false);
    expect(opensslVerifies(['dgst', '-sm3', '-verify', f('sm2otherpub.pem'), '-sigopt', DISTID, '-signature', f('ours.sig'), f('msg')])).toBe(false);
  });

  it('our signature is NOT accepted with an empty ID (proves the ID is really in Z)', () => {
    const key = importPrivateKeyPem(readFileSync(f('sm2.pem'), 'utf8'));
    writeFileSync(f('ours2.sig'), key.sign(message, 'der'));
    expect(opensslVerifies(['dgst', '-sm3', '-verify', f('sm2pub.pem'), '-sigopt', 'distid:', '-signature', f('ours2.sig'), f('msg')])).toBe(false);
  });

  it("OpenSSL's signature is verified by us; tampered message and wrong key fail", () => {
    openssl(['dgst', '-sm3', '-sign', f('sm2.pem'), '-sigopt', DISTID, '-out', f('theirs.sig'), f('msg')]);
    const sig = readFileSync(f('theirs.sig'));
    const pub = importPublicKey(readFileSync(f('sm2pub.pem'), 'utf8'));
    expect(pub.verify(message, sig, 'der')).toBe(true);
    expect(pub.verify(tampered, sig, 'der')).toBe(false);
    expect(importPublicKey(readFileSync(f('sm2otherpub.pem'), 'utf8')).verify(message, sig, 'der')).toBe(false);
  });

  it('a custom distinguishing ID interoperates too (`distid:alice@example.cn`)', () => {
    openssl(['dgst', '-sm3', '-sign', f('sm2.pem'), '-sigopt', 'distid:alice@example.cn', '-out', f('alice.sig'), f('msg')]);
    const pub = importPublicKey(readFileSync(f('sm2pub.pem'), 'utf8'));
    const sig = readFileSync(f('alice.sig'));
    expect(pub.verify(message, sig, 'der', { sm2Id: 'alice@example.cn' })).toBe(true);
    expect(pub.verify(message, sig, 'der')).toBe(false);
  });

  it('our generated SM2 key is readable by OpenSSL and OpenSSL signs with it', () => {
    const key = generateKey('SM2');
    writeFileSync(f('gen.pem'), key.toPem());
    expect(openssl(['pkey', '-in', f('gen.pem'), '-pubout'])).toBe(key.publicKey.toPem());
    expect(openssl(['pkey', '-in', f('gen.pem'), '-noout', '-text'])).toMatch(/SM2/);
    openssl(['dgst', '-sm3', '-sign', f('gen.pem'), '-sigopt', DISTID, '-out', f('gen.sig'), f('msg')]);
    expect(key.publicKey.verify(message, readFileSync(f('gen.sig')), 'der')).toBe(true);
  });

  it('a SEC1 `EC PRIVATE KEY` with the SM2 curve (GmSSL / older OpenSSL style) imports and matches OpenSSL', () => {
    // OpenSSL 3.0 cannot write the traditional SM2 form, so build the RFC 5915 structure from
    // the PKCS#8 one: SEQUENCE { 1, d, [0] sm2p256v1, [1] point }.
    const der = openssl(['pkey', '-in', f('sm2.pem'), '-outform', 'DER']).length; // sanity: OpenSSL reads it
    expect(der).toBeGreaterThan(0);
    const p8 = Buffer.from(readFileSync(f('sm2.pem'), 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const d = p8.subarray(36, 68);
    const point = p8.subarray(p8.length - 65);
    const body = Buffer.concat([Buffer.from('0201010420', 'hex'), d, Buffer.from('a00a06082a811ccf5501822da144034200', 'hex'), point]);
    const sec1 = Buffer.concat([Buffer.from([0x30, body.length]), body]);
    const pem = `-----BEGIN EC PRIVATE KEY-----\n${sec1.toString('base64')}\n-----END EC PRIVATE KEY-----\n`;
    writeFileSync(f('sec1.pem'), pem);
    expect(openssl(['pkey', '-in', f('sec1.pem'), '-pubout'])).toBe(readFileSync(f('sm2pub.pem'), 'utf8'));
    const key = importPrivateKeyPem(pem);
    expect(key.publicKey.toPem()).toBe(readFileSync(f('sm2pub.pem'), 'utf8'));
    writeFileSync(f('sec1.sig'), key.sign(message, 'der'));
    expect(opensslVerifies(['dgst', '-sm3', '-verify', f('sm2pub.pem'), '-sigopt', DISTID, '-signature', f('sec1.sig'), f('msg')])).toBe(true);
  });
});

describe('ES256 (ECDSA P-256, SHA-256) ⇄ OpenSSL', () => {
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', f('p256.pem')]);
  openssl(['pkey', '-in', f('p256.pem'), '-pubout', '-out', f('p256pub.pem')]);

  it('our DER signature verifies with `openssl dgst -sha256 -verify`; tampered fails', () => {
    const key = importPrivateKeyPem(readFileSync(f('p256.pem'), 'utf8'));
    expect(key.alg).toBe('ES256');
    writeFileSync(f('es.sig'), key.sign(message, 'der'));
    expect(opensslVerifies(['dgst', '-sha256', '-verify', f('p256pub.pem'), '-signature', f('es.sig'), f('msg')])).toBe(true);
    expect(opensslVerifies(['dgst', '-sha256', '-verify', f('p256pub.pem'), '-signature', f('es.sig'), f('tampered')])).toBe(false);
  });

  it("OpenSSL's signature verifies with us (DER) and fails on a tampered message and a wrong key", () => {
    openssl(['dgst', '-sha256', '-sign', f('p256.pem'), '-out', f('es-theirs.sig'), f('msg')]);
    const pub = importPublicKey(readFileSync(f('p256pub.pem'), 'utf8'));
    const sig = readFileSync(f('es-theirs.sig'));
    expect(pub.verify(message, sig, 'der')).toBe(true);
    expect(pub.verify(tampered, sig, 'der')).toBe(false);
    expect(generateKey('ES256').publicKey.verify(message, sig, 'der')).toBe(false);
  });
});

describe('EdDSA (Ed25519, RFC 8032) ⇄ OpenSSL (`pkeyutl -rawin`)', () => {
  openssl(['genpkey', '-algorithm', 'ED25519', '-out', f('ed.pem')]);
  openssl(['pkey', '-in', f('ed.pem'), '-pubout', '-out', f('edpub.pem')]);

  it('our signature verifies with `openssl pkeyutl -verify -rawin`; tampered fails', () => {
    const key = importPrivateKeyPem(readFileSync(f('ed.pem'), 'utf8'));
    expect(key.alg).toBe('EdDSA');
    writeFileSync(f('ed.sig'), key.sign(message));
    const verify = (file: string) => opensslVerifies(['pkeyutl', '-verify', '-pubin', '-inkey', f('edpub.pem'), '-rawin', '-in', f(file), '-sigfile', f('ed.sig')]);
    expect(verify('msg')).toBe(true);
    expect(verify('tampered')).toBe(false);
  });

  it("OpenSSL's signature verifies with us; tampered message and wrong key fail", () => {
    openssl(['pkeyutl', '-sign', '-inkey', f('ed.pem'), '-rawin', '-in', f('msg'), '-out', f('ed-theirs.sig')]);
    const pub = importPublicKey(readFileSync(f('edpub.pem'), 'utf8'));
    const sig = readFileSync(f('ed-theirs.sig'));
    expect(pub.verify(message, sig)).toBe(true);
    expect(pub.verify(tampered, sig)).toBe(false);
    expect(generateKey('EdDSA').publicKey.verify(message, sig)).toBe(false);
  });
});
