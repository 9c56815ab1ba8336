import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64u, fromB64u, importPublicKey } from '@wangzheng/core/crypto/index';
import { CodedError } from '@wangzheng/core/errors';
import { netidFromValue } from '@wangzheng/core/identifiers/netid';
import { AAD_DESCRIPTOR } from '../src/format.ts';
import { DEFAULT_KDF, deriveKek } from '../src/kdf.ts';
import { KEYSTORE_FILE, createKeystore, keystoreExists, openKeystore, type Wallet } from '../src/keystore.ts';
import type { KdfCost, StoredCredential } from '../src/types.ts';
import { rejectionCode as codeOf } from '../../../test/support/errors.ts';

// Cheap Argon2id for every test but the one with the defaults: ~1 ms instead of ~100 ms.
const CHEAP: KdfCost = { memoryKiB: 1024, iterations: 1, parallelism: 1 };
const PASS = '58203914';
const OTHER_PASS = '73019465';
const enc = (s: string) => b64u(s);

let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'wz-wallet-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh, not yet existing wallet directory. */
function newDir(): string {
  return join(root, `w${++n}`, 'wallet');
}

/** A synthetic 网证: form-valid SD-JWT (random signature, nothing verifiable) for a synthetic 网号. */
function credential(over: Partial<StoredCredential> = {}): StoredCredential {
  const tag = randomBytes(6).toString('hex');
  const jwt = `${enc('{"alg":"SM2","typ":"dc+sd-jwt"}')}.${enc(`{"vct":"wangzheng","marker":"${tag}"}`)}.${b64u(randomBytes(64))}`;
  return {
    netid: netidFromValue(123_456_789),
    credentialId: `cred-${tag}`,
    sdJwt: `${jwt}~${enc(`["${tag}","age_over_18",true]`)}~`,
    issuedAt: '2026-01-01T00:00:00.000Z',
    expiresAt: '2031-01-01T00:00:00.000Z',
    holder: 'self',
    ...over,
  };
}

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

/** Every text an error carries to a log: message, detail, and the causes' messages. */
function errorText(e: unknown): string {
  const parts: string[] = [];
  for (let c: unknown = e; c !== undefined && c !== null; c = (c as { cause?: unknown }).cause) {
    parts.push(String((c as Error).message), String((c as { detail?: unknown }).detail), String(c));
  }
  return parts.join('\n');
}

const keystoreFile = (dir: string) => join(dir, KEYSTORE_FILE);
const readJson = async (dir: string) => JSON.parse(await readFile(keystoreFile(dir), 'utf8')) as Record<string, any>;
const writeJson = (dir: string, j: unknown) => writeFile(keystoreFile(dir), JSON.stringify(j, null, 2));

function flipBit(b64: string, at = 0.5): string {
  const b = fromB64u(b64)!;
  const i = Math.floor(b.length * at);
  b[i] = b[i]! ^ 0x01;
  return b64u(b);
}

for (const suite of ['gm', 'intl'] as const) {
  const alg = suite === 'gm' ? 'SM2' : 'ES256';
  const aead = suite === 'gm' ? 'SM4-GCM' : 'AES-256-GCM';

  describe(`keystore round trip [${suite}: ${alg} device key, Argon2id → ${aead}]`, () => {
    it('create, add a credential, save, open with the passphrase: same key, same credential, same label', async () => {
      const dir = newDir();
      const created = await createKeystore(dir, PASS, { suite, kdf: CHEAP, label: '我的手机' });
      const cred = credential();
      created.addCredential(cred);
      await created.save();

      const opened = await openKeystore(dir, PASS);
      expect(opened.suite).toBe(suite);
      expect(opened.deviceKey.alg).toBe(alg);
      expect(opened.devicePublicJwk).toEqual(created.devicePublicJwk);
      expect(opened.devicePublicJwk.crv).toBe(suite === 'gm' ? 'SM2' : 'P-256');
      expect(opened.credentials).toEqual([cred]);
      expect(opened.label).toBe('我的手机');
      expect(opened.createdAt).toBe(created.createdAt);
      expect(opened.deviceCreatedAt).toBe(created.deviceCreatedAt);
      expect(opened.updatedAt).toBe(created.updatedAt);
      expect(opened.kdf).toEqual(CHEAP);
    });

    it(`the device key signs and the public JWK alone verifies (${alg}); another message does not verify`, async () => {
      const dir = newDir();
      const created = await createKeystore(dir, PASS, { suite, kdf: CHEAP });
      const opened = await openKeystore(dir, PASS);
      const data = Buffer.from('enrollment challenge 1f3a');
      const sig = opened.deviceKey.sign(data);
      const pub = importPublicKey(JSON.stringify(created.devicePublicJwk));
      expect(pub.alg).toBe(alg);
      expect(pub.verify(data, sig)).toBe(true);
      expect(pub.verify(Buffer.from('enrollment challenge 1f3b'), sig)).toBe(false);
      expect(created.devicePublicJwk.kid).toBe(pub.thumbprint);
      expect(created.devicePublicJwk).not.toHaveProperty('d');
    });

    it('file mode 0600; a directory it creates, 0700', async () => {
      const dir = newDir();
      const w = await createKeystore(dir, PASS, { suite, kdf: CHEAP });
      expect((await stat(keystoreFile(dir))).mode & 0o777).toBe(0o600);
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
      await w.save();
      expect((await stat(keystoreFile(dir))).mode & 0o777).toBe(0o600);
    });

    it('wrong passphrase → wrong_passphrase', async () => {
      const dir = newDir();
      await createKeystore(dir, PASS, { suite, kdf: CHEAP });
      expect(await codeOf(openKeystore(dir, OTHER_PASS))).toBe('wrong_passphrase');
      expect(await codeOf(openKeystore(dir, `${PASS}0`))).toBe('wrong_passphrase');
      expect(await codeOf(openKeystore(dir, PASS.slice(0, 7)))).toBe('wrong_passphrase');
    });

    it('not in the file bytes: the passphrase, the private key PEM body, the 网证, its id, the 网号, the labels', async () => {
      const dir = newDir();
      const w = await createKeystore(dir, PASS, { suite, kdf: CHEAP, label: 'LabelMarker-phone' });
      const cred = credential({ holder: 'ward', wardLabel: 'WardMarker-daughter' });
      w.addCredential(cred);
      await w.save();
      const text = await readFile(keystoreFile(dir), 'latin1');
      const pemBody = w.deviceKey
        .toPem()
        .split('\n')
        .filter((l) => l && !l.startsWith('-----'));
      expect(pemBody.length).toBeGreaterThan(1);
      const secrets = [PASS, ...pemBody, pemBody.join(''), cred.sdJwt, cred.sdJwt.split('~')[0]!, cred.sdJwt.split('.')[2]!, cred.credentialId, cred.netid, 'LabelMarker', 'WardMarker'];
      for (const s of secrets) expect(text.includes(s), `file contains a secret of ${s.length} chars`).toBe(false);
    });
  });

  describe(`keystore header is bound to the ciphertext [${suite}]`, () => {
    // What each edit gives, and why:
    // - a header field that no longer parses (unknown format, version, alg, aad text; extra or missing member) → keystore_corrupt;
    // - salt, cost parameters, suite or the check itself change the key or the check → wrong_passphrase
    //   (indistinguishable from a wrong passphrase: nothing else is secret);
    // - anything else bound as associated data (timestamps), or the ciphertext → keystore_corrupt.
    const other = suite === 'gm' ? 'intl' : 'gm';
    const edits: Array<[string, (j: Record<string, any>) => void, 'keystore_corrupt' | 'wrong_passphrase']> = [
      ['format', (j) => void (j['format'] = 'wangzheng-wallet2'), 'keystore_corrupt'],
      ['version', (j) => void (j['version'] = 2), 'keystore_corrupt'],
      [`suite → ${other}`, (j) => void (j['suite'] = other), 'wrong_passphrase'],
      ['kdf.alg → argon2i', (j) => void (j['kdf']['alg'] = 'argon2i'), 'keystore_corrupt'],
      ['kdf.salt → other 16 bytes', (j) => void (j['kdf']['salt'] = b64u(randomBytes(16))), 'wrong_passphrase'],
      ['kdf.salt → 15 bytes', (j) => void (j['kdf']['salt'] = b64u(randomBytes(15))), 'keystore_corrupt'],
      ['kdf.memoryKiB → 2048', (j) => void (j['kdf']['memoryKiB'] = 2048), 'wrong_passphrase'],
      ['kdf.memoryKiB → 4 TiB (refused before allocating)', (j) => void (j['kdf']['memoryKiB'] = 2 ** 32), 'keystore_corrupt'],
      ['kdf.iterations → 2', (j) => void (j['kdf']['iterations'] = 2), 'wrong_passphrase'],
      ['kdf.iterations → 0', (j) => void (j['kdf']['iterations'] = 0), 'keystore_corrupt'],
      ['kdf.parallelism → 2', (j) => void (j['kdf']['parallelism'] = 2), 'wrong_passphrase'],
      ['kdf.parallelism → 1.5', (j) => void (j['kdf']['parallelism'] = 1.5), 'keystore_corrupt'],
      ['aad → another description', (j) => void (j['aad'] = 'json:[format]'), 'keystore_corrupt'],
      ['check → one bit flipped', (j) => void (j['check'] = flipBit(j['check'])), 'wrong_passphrase'],
      ['check → not base64url', (j) => void (j['check'] = `${j['check']}=`), 'keystore_corrupt'],
      ['ciphertext → one bit flipped', (j) => void (j['ciphertext'] = flipBit(j['ciphertext'])), 'keystore_corrupt'],
      ['ciphertext → last byte (tag) flipped', (j) => void (j['ciphertext'] = flipBit(j['ciphertext'], 0.999)), 'keystore_corrupt'],
      ['ciphertext → cut short', (j) => void (j['ciphertext'] = j['ciphertext'].slice(0, 30)), 'keystore_corrupt'],
      ['createdAt → a day earlier', (j) => void (j['createdAt'] = new Date(Date.parse(j['createdAt']) - 86_400_000).toISOString()), 'keystore_corrupt'],
      ['updatedAt → a second later', (j) => void (j['updatedAt'] = new Date(Date.parse(j['updatedAt']) + 1000).toISOString()), 'keystore_corrupt'],
      ['updatedAt → not a date', (j) => void (j['updatedAt'] = 'yesterday'), 'keystore_corrupt'],
      ['an extra member', (j) => void (j['note'] = 'hi'), 'keystore_corrupt'],
      ['a missing member (check)', (j) => void delete j['check'], 'keystore_corrupt'],
      ['an extra kdf member', (j) => void (j['kdf']['secret'] = ''), 'keystore_corrupt'],
    ];

    let dir: string;
    let pristine: Record<string, any>;
    beforeAll(async () => {
      dir = newDir();
      const w = await createKeystore(dir, PASS, { suite, kdf: CHEAP });
      w.addCredential(credential());
      await w.save();
      pristine = await readJson(dir);
    });

    it('the untouched file opens, and names what its associated data binds', async () => {
      await writeJson(dir, pristine);
      expect((await openKeystore(dir, PASS)).credentials).toHaveLength(1);
      expect(pristine['aad']).toBe(AAD_DESCRIPTOR);
    });

    for (const [field, edit, code] of edits) {
      it(`${field} → ${code}`, async () => {
        const j = structuredClone(pristine);
        edit(j);
        await writeJson(dir, j);
        expect(await codeOf(openKeystore(dir, PASS))).toBe(code);
      });
    }

    it('the ciphertext of another wallet with the same passphrase → keystore_corrupt', async () => {
      const dir2 = newDir();
      await createKeystore(dir2, PASS, { suite, kdf: CHEAP });
      const j = structuredClone(pristine);
      j['ciphertext'] = (await readJson(dir2))['ciphertext'];
      await writeJson(dir, j);
      // Other salt, other key: the check of `pristine` passes, the foreign ciphertext does not.
      expect(await codeOf(openKeystore(dir, PASS))).toBe('keystore_corrupt');
    });
  });
}

describe('keystore file damage → keystore_corrupt; absence → keystore_missing', () => {
  let dir: string;
  let good: Buffer;
  beforeAll(async () => {
    dir = newDir();
    await createKeystore(dir, PASS, { kdf: CHEAP });
    good = await readFile(keystoreFile(dir));
  });

  const damaged: Array<[string, () => Buffer]> = [
    ['truncated to half', () => good.subarray(0, good.length >> 1)],
    ['truncated by one byte before the closing brace', () => good.subarray(0, good.lastIndexOf('}'))],
    ['empty', () => Buffer.alloc(0)],
    ['not JSON', () => Buffer.from('this is not a keystore\n')],
    ['JSON, but an array', () => Buffer.from('[1,2,3]')],
    ['JSON, but null', () => Buffer.from('null')],
    ['random bytes', () => randomBytes(512)],
  ];
  for (const [what, bytes] of damaged) {
    it(`${what} → keystore_corrupt`, async () => {
      await writeFile(keystoreFile(dir), bytes());
      expect(await codeOf(openKeystore(dir, PASS))).toBe('keystore_corrupt');
    });
  }

  it('a directory where the file should be → keystore_corrupt', async () => {
    const d = newDir();
    await mkdir(keystoreFile(d), { recursive: true });
    expect(await codeOf(openKeystore(d, PASS))).toBe('keystore_corrupt');
  });

  it('no file, or no directory → keystore_missing; keystoreExists says false', async () => {
    const d = newDir();
    expect(await codeOf(openKeystore(d, PASS))).toBe('keystore_missing');
    expect(await keystoreExists(d)).toBe(false);
    await mkdir(d, { recursive: true });
    expect(await codeOf(openKeystore(d, PASS))).toBe('keystore_missing');
    expect(await keystoreExists(d)).toBe(false);
  });
});

describe('keystore creation never replaces a keystore', () => {
  it('a second createKeystore → keystore_exists, and the first file is byte-for-byte untouched', async () => {
    const dir = newDir();
    await createKeystore(dir, PASS, { kdf: CHEAP });
    expect(await keystoreExists(dir)).toBe(true);
    const before = await readFile(keystoreFile(dir));
    expect(await codeOf(createKeystore(dir, OTHER_PASS, { kdf: CHEAP }))).toBe('keystore_exists');
    expect(await codeOf(createKeystore(dir, PASS, { kdf: CHEAP, suite: 'intl' }))).toBe('keystore_exists');
    expect((await readFile(keystoreFile(dir))).equals(before)).toBe(true);
    expect(await readdir(dir)).toEqual([KEYSTORE_FILE]);
  });

  it('any file at the path (even not a keystore) → keystore_exists, left alone', async () => {
    const dir = newDir();
    await mkdir(dir, { recursive: true });
    await writeFile(keystoreFile(dir), 'precious');
    expect(await codeOf(createKeystore(dir, PASS, { kdf: CHEAP }))).toBe('keystore_exists');
    expect(await readFile(keystoreFile(dir), 'utf8')).toBe('precious');
  });

  it('two concurrent creations in one directory: exactly one wins, the other gets keystore_exists', async () => {
    const dir = newDir();
    const codes = await Promise.all([codeOf(createKeystore(dir, PASS, { kdf: CHEAP })), codeOf(createKeystore(dir, OTHER_PASS, { kdf: CHEAP }))]);
    expect(codes.sort()).toEqual(['keystore_exists', 'no error']);
    expect(await readdir(dir)).toEqual([KEYSTORE_FILE]);
  });

  it('another fileName is another keystore in the same directory', async () => {
    const dir = newDir();
    await createKeystore(dir, PASS, { kdf: CHEAP });
    const second = await createKeystore(dir, PASS, { kdf: CHEAP, fileName: 'ward.json' });
    expect(second.path).toBe(join(dir, 'ward.json'));
    expect((await openKeystore(dir, PASS, { fileName: 'ward.json' })).devicePublicJwk).toEqual(second.devicePublicJwk);
    await expect(keystoreExists(dir, { fileName: '../x.json' })).rejects.toThrow(TypeError);
    await expect(createKeystore(dir, PASS, { kdf: CHEAP, fileName: 'sub/x.json' })).rejects.toThrow(TypeError);
  });
});

describe('keystore save is atomic (temporary file + rename)', () => {
  it('after several saves the directory holds only wallet.json, and it opens with the last state', async () => {
    const dir = newDir();
    const w = await createKeystore(dir, PASS, { kdf: CHEAP });
    const saltBefore = (await readJson(dir))['kdf']['salt'];
    const ciphertexts = new Set<string>();
    for (let i = 0; i < 5; i++) {
      w.addCredential(credential({ netid: netidFromValue(1000 + i) }));
      await w.save();
      ciphertexts.add((await readJson(dir))['ciphertext']);
    }
    expect(await readdir(dir)).toEqual([KEYSTORE_FILE]);
    expect((await openKeystore(dir, PASS)).credentials).toHaveLength(5);
    // Decided: save keeps the salt (no Argon2id, no passphrase needed) and seals under a fresh nonce.
    expect((await readJson(dir))['kdf']['salt']).toBe(saltBefore);
    expect(ciphertexts.size).toBe(5);
    const fresh = new Set([...ciphertexts].map((c) => fromB64u(c)!.subarray(0, 12).toString('hex')));
    expect(fresh.size).toBe(5);
  });

  it('concurrent saves on one wallet: the file is always whole, no temporary file remains', async () => {
    const dir = newDir();
    const w = await createKeystore(dir, PASS, { kdf: CHEAP });
    w.addCredential(credential());
    await Promise.all([w.save(), w.save(), w.save(), w.save()]);
    expect(await readdir(dir)).toEqual([KEYSTORE_FILE]);
    expect((await openKeystore(dir, PASS)).credentials).toHaveLength(1);
  });

  it('a save that cannot rename (a directory is in the way) fails and leaves no temporary file', async () => {
    const dir = newDir();
    const w = await createKeystore(dir, PASS, { kdf: CHEAP });
    await rm(keystoreFile(dir));
    await mkdir(join(keystoreFile(dir), 'blocker'), { recursive: true });
    await expect(w.save()).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual([KEYSTORE_FILE]);
  });
});

describe('credentials: one per 网号 and holder; re-enrollment replaces', () => {
  it('same 网号 and holder replaces; a ward 网号 is its own slot; order kept', async () => {
    const dir = newDir();
    const w = await createKeystore(dir, PASS, { kdf: CHEAP });
    const first = credential();
    const ward = credential({ netid: netidFromValue(42), holder: 'ward', wardLabel: '女儿' });
    const reissued = credential({ credentialId: 'cred-reissued' });
    w.addCredential(first);
    w.addCredential(ward);
    w.addCredential(reissued);
    expect(w.credentials.map((c) => c.credentialId)).toEqual(['cred-reissued', ward.credentialId]);
    await w.save();
    expect((await openKeystore(dir, PASS)).credentials).toEqual([reissued, ward]);
  });

  it('the credentials view is read-only and detached from the wallet', async () => {
    const w = await createKeystore(newDir(), PASS, { kdf: CHEAP });
    const input = credential();
    w.addCredential(input);
    input.sdJwt = 'changed-after-adding';
    const view = w.credentials;
    expect(Object.isFrozen(view)).toBe(true);
    expect(Object.isFrozen(view[0])).toBe(true);
    expect(view[0]!.sdJwt).not.toBe('changed-after-adding');
  });

  const bad: Array<[string, Partial<StoredCredential> | Record<string, unknown>]> = [
    ['netid with a wrong check character', { netid: netidFromValue(7).slice(0, 9) + (netidFromValue(7).endsWith('2') ? '3' : '2') }],
    ['netid in display form', { netid: `${netidFromValue(7).slice(0, 5)}-${netidFromValue(7).slice(5)}` }],
    ['sdJwt without disclosures separator', { sdJwt: 'a.b.c' }],
    ['sdJwt with a key-binding JWT', { sdJwt: 'a.b.c~d~e.f.g' }],
    ['expiresAt equal to issuedAt', { expiresAt: '2026-01-01T00:00:00.000Z' }],
    ['issuedAt not a timestamp', { issuedAt: '2026-01-01' }],
    ['holder other', { holder: 'guardian' as 'self' }],
    ['wardLabel on a self credential', { wardLabel: 'x' }],
    ['an unknown member', { photo: 'base64…' }],
  ];
  for (const [what, over] of bad) {
    it(`${what} → invalid_credential`, async () => {
      const w = await createKeystore(newDir(), PASS, { kdf: CHEAP });
      expect(await codeOf(Promise.resolve().then(() => w.addCredential(credential(over as Partial<StoredCredential>))))).toBe('invalid_credential');
      expect(w.credentials).toHaveLength(0);
    });
  }
});

describe('changePassphrase', () => {
  it('the new passphrase opens, the old one → wrong_passphrase; the salt is fresh; the key and credentials stay', async () => {
    const dir = newDir();
    const w = await createKeystore(dir, PASS, { kdf: CHEAP });
    w.addCredential(credential());
    await w.save();
    const before = await readJson(dir);
    await w.changePassphrase(PASS, OTHER_PASS);
    const after = await readJson(dir);
    expect(after['kdf']['salt']).not.toBe(before['kdf']['salt']);
    expect(after['check']).not.toBe(before['check']);
    expect(await codeOf(openKeystore(dir, PASS))).toBe('wrong_passphrase');
    const reopened = await openKeystore(dir, OTHER_PASS);
    expect(reopened.devicePublicJwk).toEqual(w.devicePublicJwk);
    expect(reopened.credentials).toEqual(w.credentials);
    // The open instance keeps working under the new key.
    await w.save();
    expect((await openKeystore(dir, OTHER_PASS)).credentials).toHaveLength(1);
  });

  it('a wrong old passphrase → wrong_passphrase, and the file is untouched', async () => {
    const dir = newDir();
    const w = await createKeystore(dir, PASS, { kdf: CHEAP });
    const before = await readFile(keystoreFile(dir));
    expect(await codeOf(w.changePassphrase(OTHER_PASS, '11223344'))).toBe('wrong_passphrase');
    expect((await readFile(keystoreFile(dir))).equals(before)).toBe(true);
    await openKeystore(dir, PASS);
  });

  it('an empty passphrase is a programming error (TypeError), anywhere', async () => {
    const dir = newDir();
    await expect(createKeystore(dir, '', { kdf: CHEAP })).rejects.toThrow(TypeError);
    const w = await createKeystore(dir, PASS, { kdf: CHEAP });
    await expect(w.changePassphrase(PASS, '')).rejects.toThrow(TypeError);
    await expect(openKeystore(dir, '')).rejects.toThrow(TypeError);
  });
});

describe('errors never carry the passphrase or the file contents (STYLE §5)', () => {
  it('wrong_passphrase, keystore_corrupt, keystore_exists, invalid_credential', async () => {
    const dir = newDir();
    const w = await createKeystore(dir, PASS, { kdf: CHEAP });
    const cred = credential();
    const errors = [await errorOf(openKeystore(dir, OTHER_PASS)), await errorOf(createKeystore(dir, OTHER_PASS, { kdf: CHEAP }))];
    errors.push(await errorOf(Promise.resolve().then(() => w.addCredential({ ...cred, expiresAt: 'never' }))));
    const j = await readJson(dir);
    j['ciphertext'] = flipBit(j['ciphertext']);
    await writeJson(dir, j);
    errors.push(await errorOf(openKeystore(dir, PASS)));
    const marker = `SECRET-${PASS}-${cred.sdJwt}`;
    await writeFile(keystoreFile(dir), `{"format": "${marker}`); // not JSON: the parser's own message would quote it
    errors.push(await errorOf(openKeystore(dir, PASS)));
    await writeFile(keystoreFile(dir), `{"format": "${marker}"}`);
    errors.push(await errorOf(openKeystore(dir, PASS)));

    expect(errors.map((e) => (e instanceof CodedError ? e.code : 'other'))).toEqual(['wrong_passphrase', 'keystore_exists', 'invalid_credential', 'keystore_corrupt', 'keystore_corrupt', 'keystore_corrupt']);
    for (const e of errors) {
      const text = errorText(e);
      for (const s of [PASS, OTHER_PASS, 'SECRET', cred.sdJwt.slice(0, 20), cred.credentialId, j['ciphertext'].slice(0, 16), j['check'], j['kdf']['salt']]) {
        expect(text.includes(s), `error text contains a secret of ${s.length} chars`).toBe(false);
      }
    }
  });
});

describe('Argon2id with the default parameters (64 MiB, t=3, p=1)', () => {
  let wallet: Wallet;
  let dir: string;

  it('measures the key derivation (what one offline guess costs on this machine)', async () => {
    const salt = randomBytes(16);
    await deriveKek('00000000', salt, DEFAULT_KDF, 16); // warm-up: first allocation of 64 MiB
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await deriveKek(String(10_000_000 + i), salt, DEFAULT_KDF, 16);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const median = times[2]!;
    console.log(
      `[wallet] Argon2id m=${DEFAULT_KDF.memoryKiB} KiB t=${DEFAULT_KDF.iterations} p=${DEFAULT_KDF.parallelism}: ` +
        `median ${median.toFixed(1)} ms per derivation (min ${times[0]!.toFixed(1)}, max ${times[4]!.toFixed(1)}; 5 runs, one thread); ` +
        `all 10^8 eight-digit passphrases ≈ ${((median * 1e8) / 3.6e6 / 24).toFixed(0)} core-days`,
    );
    expect(median).toBeGreaterThan(0);
  });

  it('a keystore created without kdf options uses the defaults, and opens', async () => {
    dir = newDir();
    wallet = await createKeystore(dir, PASS);
    const header = await readJson(dir);
    expect(header['kdf']).toEqual({ alg: 'argon2id', salt: expect.any(String), memoryKiB: 65536, iterations: 3, parallelism: 1 });
    expect(header['suite']).toBe('gm');
    expect(fromB64u(header['kdf']['salt'])).toHaveLength(16);
    expect(wallet.kdf).toEqual(DEFAULT_KDF);
    const opened = await openKeystore(dir, PASS);
    expect(opened.devicePublicJwk).toEqual(wallet.devicePublicJwk);
    expect(await codeOf(openKeystore(dir, OTHER_PASS))).toBe('wrong_passphrase');
  });
});

describe('createKeystore options', () => {
  it('KDF cost below the floor or above the ceiling is a TypeError; a bad label is invalid_request', async () => {
    await expect(createKeystore(newDir(), PASS, { kdf: { memoryKiB: 512 } })).rejects.toThrow(TypeError);
    await expect(createKeystore(newDir(), PASS, { kdf: { iterations: 17 } })).rejects.toThrow(TypeError);
    expect(await codeOf(createKeystore(newDir(), PASS, { kdf: CHEAP, label: 'x'.repeat(65) }))).toBe('invalid_request');
    expect(await codeOf(createKeystore(newDir(), PASS, { kdf: CHEAP, label: 'a\nb' }))).toBe('invalid_request');
    expect(await codeOf(createKeystore(newDir(), PASS, { kdf: CHEAP, label: 'x'.repeat(64) }))).toBe('no error');
  });

  it('an unknown suite → unsupported_algorithm', async () => {
    expect(await codeOf(createKeystore(newDir(), PASS, { kdf: CHEAP, suite: 'rot13' as 'gm' }))).toBe('unsupported_algorithm');
  });
});
