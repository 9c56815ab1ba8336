// Rotating the platform's SM2 signing key (WZ_SIGNING_KEY_GM, WZ_SIGNING_VERIFY_KEYS_GM;
// docs/crypto.md): a 网证 issued under the old key keeps working after a restart with a new
// signing key when the old public key is configured verify-only, the JWKS publishes both keys, a
// new 网证 is signed with the new one — and without the old public key the old 网证 is refused.
// A verify-only file that is not a PEM public key of the suite's algorithm stops the start.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateKey, importPrivateKeyPem } from '@wangzheng/core/crypto/index';
import type { Started } from '../src/commands/start.ts';
import { registryAdults, startTestSystem, type RegistryAdult } from './support/system.ts';
import { walletRunner } from './support/wallet-runner.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'wz-rotation-'));
const wallet = walletRunner({ WZ_DATA_DIR: dir });
const PASS = '48273915';
let port = 0;
let people: RegistryAdult[] = [];
const files = { next: path.join(dir, 'sm2-next.pem'), old: path.join(dir, 'sm2-old.pub.pem'), wrong: path.join(dir, 'es256.pub.pem'), empty: path.join(dir, 'empty.pem') };
let oldKid = '';
let nextKid = '';

const at = (w: string): string[] => ['--passphrase', PASS, '--wallet', path.join(dir, w)];
async function withSystem<T>(overrides: Record<string, unknown>, fn: (sys: Started) => Promise<T>): Promise<T> {
  const sys = await startTestSystem(dir, { 'http.port': port, ...overrides });
  try {
    return await fn(sys);
  } finally {
    await sys.stop();
  }
}
const kids = async (sys: Started): Promise<string[]> => ((await (await fetch(`${sys.platformUrl}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
const enroll = (who: RegistryAdult, w: string, phone: string, sys: Started) =>
  wallet(['enroll', '--document-type', who.documentType, '--document-number', who.documentNumber, '--phone', phone, '--registry', sys.registryUrl, '--platform', sys.platformUrl, '--yes', ...at(w)]);

beforeAll(async () => {
  // First start: development secrets, the SM2 key generated into dev-secrets.json; alice enrolls under it.
  const first = await startTestSystem(dir);
  port = Number(new URL(first.platformUrl).port);
  try {
    people = registryAdults(first, 2);
    expect((await enroll(people[0]!, 'alice', '13900007601', first)).code).toBe(0);
  } finally {
    await first.stop();
  }
  const old = importPrivateKeyPem((JSON.parse(readFileSync(path.join(dir, 'dev-secrets.json'), 'utf8')) as { signing: { gm: string } }).signing.gm);
  const next = generateKey('SM2');
  [oldKid, nextKid] = [old.publicKey.thumbprint, next.publicKey.thumbprint];
  writeFileSync(files.next, next.toPem());
  writeFileSync(files.old, `# retired 2026-12-02\n${old.publicKey.toPem()}`);
  writeFileSync(files.wrong, generateKey('ES256').publicKey.toPem());
  writeFileSync(files.empty, 'no key here\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('with the old public key verify-only: the old 网证 still works, both keys are published, a new 网证 is signed with the new key', async () => {
  await withSystem({ 'signing.gmKeyFile': files.next, 'signing.gmVerifyKeysFile': files.old }, async (sys) => {
    expect(await kids(sys)).toEqual(expect.arrayContaining([oldKid, nextKid]));
    const status = await wallet(['status', '--json', ...at('alice')]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.out)).toMatchObject({ status: 'active' });
    expect((await enroll(people[1]!, 'bob', '13900007602', sys)).code).toBe(0);
  });
});

it('without it: the old 网证 is refused; the old key is no longer published', async () => {
  await withSystem({ 'signing.gmKeyFile': files.next }, async (sys) => {
    expect(await kids(sys)).not.toContain(oldKid);
    const status = await wallet(['status', ...at('alice')]);
    expect(status.code).toBe(1);
    // bob's 网证, enrolled after the rotation, was signed with the new key: it works.
    expect((await wallet(['status', ...at('bob')])).code).toBe(0);
  });
});

it('a verify-only file that is not a PEM public key of SM2 stops the start with a clear error', async () => {
  await expect(startTestSystem(dir, { 'http.port': port, 'signing.gmKeyFile': files.next, 'signing.gmVerifyKeysFile': files.wrong })).rejects.toThrow(/WZ_SIGNING_VERIFY_KEYS_GM: public key 1 .* is ES256, not SM2/);
  await expect(startTestSystem(dir, { 'http.port': port, 'signing.gmKeyFile': files.next, 'signing.gmVerifyKeysFile': files.empty })).rejects.toThrow(/holds no PEM public key/);
  await expect(startTestSystem(dir, { 'http.port': port, 'signing.gmKeyFile': files.next, 'signing.gmVerifyKeysFile': path.join(dir, 'missing.pem') })).rejects.toThrow(/cannot read the key file/);
});
