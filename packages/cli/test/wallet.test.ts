// `wangzheng wallet`: enrollment from the command line against a real platform and registry
// simulator (in-process, port 0), flags only or answers fed to the prompts; exit codes
// 0 / 1 (refusal) / 2 (bad input) with the exact stable code; what the keystore and the
// output must never contain. Docs: docs/wallet.md, "The CLI wallet".
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@wangzheng/platform/config';
import { readOutbox } from '@wangzheng/platform/sms/sender';
import { DOCUMENT_TYPES } from '@wangzheng/core/documents/document-types';
import { makeIdNumber } from '@wangzheng/core/documents/gb11643';
import { birthDateSpellings, checkPassphrase } from '@wangzheng/core/passphrase/policy';
import { openKeystore } from '@wangzheng/wallet';
import { startSystem, type Started } from '../src/commands/start.ts';
import { PENDING_FILE } from '../src/commands/wallet/holder.ts';
import { createPrompter } from '../src/commands/wallet/prompt.ts';
import { walletRunner, type Run } from './support/wallet-runner.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'wz-wallet-'));
const env = { WZ_DATA_DIR: dir };
let sys: Started;

beforeAll(async () => {
  const cfg = loadConfig({}, { dataDir: dir, 'http.port': 0, 'registry.port': 0, 'registry.population': 400, 'log.level': 'silent', 'passphrase.memoryKiB': 8192, 'passphrase.iterations': 1 });
  sys = await startSystem(cfg, { out: () => {}, err: () => {} }, pino({ level: 'silent' }));
});
afterAll(async () => {
  await sys?.stop();
  rmSync(dir, { recursive: true, force: true });
});

// ------------------------------------------------------------------ registry people

interface Person {
  documentType: string;
  documentNumber: string;
  name: string;
}
const TODAY = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const yearsAgo = (n: number): string => `${Number(TODAY.slice(0, 4)) - n}${TODAY.slice(4)}`;
const VALID_DOC = `d.lost_on IS NULL AND (d.valid_until IS NULL OR d.valid_until >= '${TODAY}')`;
const ADULT = `p.birth_date <= '${yearsAgo(19)}' AND p.birth_date > '${yearsAgo(80)}'`;
const AGE_14_17 = `p.birth_date <= '${yearsAgo(15)}' AND p.birth_date > '${yearsAgo(17)}'`;
const UNDER_14 = `p.birth_date > '${yearsAgo(13)}'`;
const GUARDED = `EXISTS (SELECT 1 FROM guardianships g JOIN documents gd ON gd.person_id = g.guardian_id JOIN persons gp ON gp.id = g.guardian_id
  WHERE g.child_id = p.id AND gd.type = 'resident_id_card' AND gd.lost_on IS NULL AND (gd.valid_until IS NULL OR gd.valid_until >= '${TODAY}')
  AND gp.birth_date <= '${yearsAgo(19)}')`;

function people(where: string, params: unknown[] = [], limit = 1): Person[] {
  return sys.registry!.db
    .prepare(`SELECT d.type AS documentType, d.number AS documentNumber, p.name AS name FROM documents d JOIN persons p ON p.id = d.person_id WHERE ${where} ORDER BY d.id LIMIT ?`)
    .all(...params, limit) as Person[];
}
function guardianOf(child: Person): Person {
  return people(
    `d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT} AND p.id IN (SELECT g.guardian_id FROM guardianships g JOIN documents cd ON cd.person_id = g.child_id WHERE cd.number = ?)`,
    [child.documentNumber],
  )[0]!;
}

let phoneSeq = 0;
const phone = (): string => `1390000${String(++phoneSeq).padStart(4, '0')}`;

/** The SMS code the platform sent to `tel` (read from the development outbox when the wallet asks for it). */
const smsCode = (tel: string) => (): string => readOutbox(path.join(dir, 'sms-outbox.jsonl'), tel)!.code;
/** A spelling of `birthDate` (YYYY-MM-DD) that keeps every rule but the birth-date one. */
const birthDatePassphrase = (birthDate: string): string => birthDateSpellings(birthDate).find((x) => checkPassphrase(x) === undefined)!;
/** A 6-digit code that is not the one sent. */
const wrongCode = (tel: string) => (): string => String((Number(smsCode(tel)()) + 1) % 1_000_000).padStart(6, '0');

// ------------------------------------------------------------------ running the command

const wallet = walletRunner(env);

const walletDir = (name: string): string => path.join(dir, name);
const services = (): string[] => ['--platform', sys.platformUrl, '--registry', sys.registryUrl];
function enrollArgs(p: Person, walletName: string, passphrase: string, tel = phone()): string[] {
  return ['enroll', '--document-type', p.documentType, '--document-number', p.documentNumber, '--phone', tel, '--passphrase', passphrase, '--yes', '--wallet', walletDir(walletName), ...services()];
}
const netidOf = (out: string): string => /网号\s+([0-9A-Z]{10})/.exec(out)?.[1] ?? 'no 网号 in output';

// ------------------------------------------------------------------ tests

describe('wallet enroll (adult, flags only)', () => {
  const adult = (): Person => people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 1)[0]!;
  const tel = phone();
  let enrolled: Run;

  beforeAll(async () => {
    enrolled = await wallet(enrollArgs(adult(), 'adult', '48273915', tel));
  });

  it('exit 0: one line per step, then the 网号, validity and device key', () => {
    expect(enrolled.err).toBe('');
    expect(enrolled.code).toBe(0);
    expect(enrolled.out).toMatch(/created a wallet in .*adult \(SM2 device key, SM4-GCM/);
    expect(enrolled.out).toMatch(/^\[1\/7\] chip: reading the document chip \(NFC\) … ok$/m);
    expect(enrolled.out).toMatch(/^\[2\/7\] face: liveness challenge and face capture … ok \(similarity 0\.\d\d\)$/m);
    expect(enrolled.out).toMatch(/^\[3\/7\] phone: sending a one-time code … ok \(code sent to 139\*\*\*\*\d{4}\)$/m);
    expect(enrolled.out).toMatch(/^\[7\/7\] device: binding this device … ok \(device key [A-Za-z0-9_-]{43}\)$/m);
    expect(enrolled.out).toMatch(/网号\s+[0-9A-Z]{10}/);
    expect(enrolled.out).toMatch(/valid\s+\d{4}-\d\d-\d\dT.* → \d{4}-/);
    expect(enrolled.out).toMatch(/device key\s+SM2 [A-Za-z0-9_-]{43}/);
  });

  it('never prints the passphrase or the SMS code', () => {
    const code = readOutbox(path.join(dir, 'sms-outbox.jsonl'), tel)!.code;
    expect(enrolled.out + enrolled.err).not.toContain('48273915');
    expect(enrolled.out + enrolled.err).not.toContain(code);
  });

  it('the keystore (0600) holds the 网证 sealed: no name or document number in clear', () => {
    const file = path.join(walletDir('adult'), 'wallet.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const bytes = readFileSync(file, 'utf8');
    const p = adult();
    for (const secret of [p.name, p.documentNumber, Buffer.from(p.name).toString('base64url'), netidOf(enrolled.out), '48273915']) expect(bytes).not.toContain(secret);
  });

  it('wallet show lists it: holder, 网号, id, validity by time, device key', async () => {
    const r = await wallet(['show', '--wallet', walletDir('adult'), '--passphrase', '48273915']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('网证 (self)');
    expect(r.out).toContain(netidOf(enrolled.out));
    expect(r.out).toMatch(/expires .*\(valid, \d+ days? left by time/);
    expect(r.out).toMatch(/bound to\s+this device key/);
    const j = await wallet(['show', '--wallet', walletDir('adult'), '--passphrase', '48273915', '--json']);
    const shown = JSON.parse(j.out) as { device: { alg: string; kid: string }; credentials: Record<string, unknown>[] };
    expect(shown.device.alg).toBe('SM2');
    expect(shown.credentials).toHaveLength(1);
    expect(shown.credentials[0]).toMatchObject({ holder: 'self', netid: netidOf(enrolled.out), state: 'valid', boundTo: shown.device.kid });
    // No private key, no SD-JWT, no disclosures.
    expect(j.out).not.toMatch(/PRIVATE KEY|sdJwt|~/);
    expect(j.out).not.toContain(adult().name);
  });

  it('wrong passphrase on the existing wallet → exit 1 [wrong_passphrase] (show and enroll)', async () => {
    const s = await wallet(['show', '--wallet', walletDir('adult'), '--passphrase', '59372816']);
    expect([s.code, s.err.trim()]).toEqual([1, 'wangzheng wallet show: The passphrase does not open this wallet. [wrong_passphrase]']);
    const e = await wallet(enrollArgs(adult(), 'adult', '59372816'));
    expect(e.code).toBe(1);
    expect(e.err).toMatch(/\[wrong_passphrase\]$/m);
  });

  it('a wallet whose device key is already bound refuses a second enrollment → exit 1 [conflict]', async () => {
    const r = await wallet(enrollArgs(adult(), 'adult', '48273915'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/already holds a 网证 .*--wallet DIR.*\[conflict\]$/m);
  });
});

describe('wallet enroll: refusals', () => {
  it('expired document → exit 1 [document_expired], the step that failed is named, no keystore left behind', async () => {
    const expired = people(`d.lost_on IS NULL AND d.valid_until < '${TODAY}' AND ${ADULT}`)[0]!;
    const r = await wallet(enrollArgs(expired, 'expired', '48273915'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^\[1\/7\] chip: .* … failed$/m);
    expect(r.err).toMatch(/^wangzheng wallet enroll: .*\[document_expired\]$/m);
    expect(existsSync(path.join(walletDir('expired'), 'wallet.json'))).toBe(false);
  });

  it('someone else’s face → exit 1 [face_mismatch]', async () => {
    const p = people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 3)[2]!;
    const r = await wallet([...enrollArgs(p, 'face', '48273915'), '--face', 'other']);
    expect([r.code, /\[face_mismatch\]$/m.test(r.err)]).toEqual([1, true]);
  });

  it('weak passphrase → exit 2 [weak_passphrase] before any network call (the platform URL is not even reachable)', async () => {
    const p = people(`${VALID_DOC} AND ${ADULT}`)[0]!;
    for (const weak of ['12345678', '11111111', '1234', '12121212']) {
      const r = await wallet(['enroll', '--document-type', p.documentType, '--document-number', p.documentNumber, '--phone', phone(), '--passphrase', weak, '--yes', '--wallet', walletDir('weak'), '--platform', 'http://127.0.0.1:9']);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/\[weak_passphrase\]$/m);
      expect(r.err).not.toContain(weak);
    }
    expect(existsSync(walletDir('weak'))).toBe(false);
  });

  it('a missing flag without a terminal → exit 2 with the usage', async () => {
    const r = await wallet(['enroll', '--document-type', 'resident_id_card', '--phone', phone(), '--yes', '--wallet', walletDir('missing')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^wangzheng wallet enroll: missing --document-number, --passphrase$/m);
    expect(r.err).toMatch(/usage: wangzheng wallet enroll/);
  });

  it('no consent without a terminal and without --yes → exit 2 [consent_required]', async () => {
    const p = people(`${VALID_DOC} AND ${ADULT}`)[0]!;
    const args = enrollArgs(p, 'noconsent', '48273915').filter((a) => a !== '--yes');
    const r = await wallet(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/pass --yes .*\[consent_required\]$/m);
  });

  it('bad document type, document number, phone → exit 2 with the stable code', async () => {
    const base = ['enroll', '--passphrase', '48273915', '--yes', '--platform', 'http://127.0.0.1:9'];
    const r1 = await wallet([...base, '--document-type', 'library_card', '--document-number', 'X', '--phone', phone()]);
    expect([r1.code, /\[unknown_document_type\]$/m.test(r1.err)]).toEqual([2, true]);
    const r2 = await wallet([...base, '--document-type', 'resident_id_card', '--document-number', '110101199001011234', '--phone', phone()]);
    expect([r2.code, /\[invalid_id_number\]$/m.test(r2.err)]).toEqual([2, true]);
    const p = people(`d.type = 'resident_id_card' AND ${VALID_DOC}`)[0]!;
    const r3 = await wallet([...base, '--document-type', p.documentType, '--document-number', p.documentNumber, '--phone', '12345']);
    expect([r3.code, /\[invalid_phone\]$/m.test(r3.err)]).toEqual([2, true]);
    const r4 = await wallet([...base, '--document-type', p.documentType, '--bogus']);
    expect(r4.code).toBe(2);
  });

  it('platform unreachable → exit 1 naming the URL and `npm start` [platform_unreachable]', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const a = s.address() as { port: number };
        s.close(() => resolve(a.port));
      });
    });
    const p = people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 5)[4]!;
    const r = await wallet(['enroll', '--document-type', p.documentType, '--document-number', p.documentNumber, '--phone', phone(), '--passphrase', '48273915', '--yes', '--wallet', walletDir('unreachable'), '--platform', `http://127.0.0.1:${port}`, '--registry', sys.registryUrl]);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe(
      `wangzheng wallet enroll: cannot reach the platform at http://127.0.0.1:${port}: is it running? Start it with \`npm start\`, or pass --platform URL [platform_unreachable]`,
    );
    expect(existsSync(path.join(walletDir('unreachable'), 'wallet.json'))).toBe(false);
  });
});

describe('Art. 5: 14–17 — the minor enrolls, the guardian approves by code, the minor collects', () => {
  it('enroll prints the code → collect before approval refused → approve → collect → show', async () => {
    const minor = people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${AGE_14_17} AND ${GUARDED}`)[0]!;
    const guardian = guardianOf(minor);
    const g = await wallet(enrollArgs(guardian, 'guardian-a', '39571846'));
    expect(g.code).toBe(0);

    const m = await wallet(enrollArgs(minor, 'minor', '72618394'));
    expect(m.err).toBe('');
    expect(m.code).toBe(0);
    const code = /approval code\s+([2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4})/.exec(m.out)?.[1];
    expect(code).toBeDefined();
    // The hints name the command the way it runs here: no `wangzheng` on this test's (empty) PATH.
    expect(m.out).toMatch(/The guardian runs, from their own wallet: +npx wangzheng wallet approve --code [2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/m);
    expect(m.out).toMatch(/Then collect your 网证 here: +npx wangzheng wallet collect --wallet /m);
    const pendingFile = path.join(walletDir('minor'), PENDING_FILE);
    expect(statSync(pendingFile).mode & 0o777).toBe(0o600);
    const token = (JSON.parse(readFileSync(pendingFile, 'utf8')) as { pending: { token: string } }).pending.token;
    expect(m.out + m.err).not.toContain(token);

    const early = await wallet(['collect', '--wallet', walletDir('minor'), '--passphrase', '72618394']);
    expect([early.code, /\[guardian_approval_pending\]$/m.test(early.err)]).toEqual([1, true]);
    expect(existsSync(pendingFile)).toBe(true);

    // Someone else's wallet cannot approve.
    const stranger = people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 8)[7]!;
    expect((await wallet(enrollArgs(stranger, 'stranger', '58203914'))).code).toBe(0);
    const refused = await wallet(['approve', '--code', code!, '--yes', '--wallet', walletDir('stranger'), '--passphrase', '58203914', '--platform', sys.platformUrl]);
    expect([refused.code, /\[not_a_guardian\]$/m.test(refused.err)]).toEqual([1, true]);

    const a = await wallet(['approve', '--code', code!.toLowerCase(), '--yes', '--wallet', walletDir('guardian-a'), '--passphrase', '39571846', '--platform', sys.platformUrl]);
    expect(a.err).toBe('');
    expect(a.code).toBe(0);
    expect(a.out).toContain('the minor now runs `npx wangzheng wallet collect` on their own wallet');
    expect(a.out).toMatch(/^enrollment of .\*+, 居民身份证 \(resident_id_card\), age 14–17$/mu);
    expect(a.out).toMatch(/^approved/m);
    expect(a.out).not.toContain(minor.name);

    const c = await wallet(['collect', '--wallet', walletDir('minor'), '--passphrase', '72618394']);
    expect(c.err).toBe('');
    expect(c.code).toBe(0);
    expect(c.out).toMatch(/网号\s+[0-9A-Z]{10}/);
    expect(existsSync(pendingFile)).toBe(false);
    const s = await wallet(['show', '--wallet', walletDir('minor'), '--passphrase', '72618394']);
    expect(s.out).toContain(netidOf(c.out));
    expect(s.out).toContain('网证 (self)');

    const again = await wallet(['collect', '--wallet', walletDir('minor'), '--passphrase', '72618394']);
    expect([again.code, /\[enrollment_not_found\]$/m.test(again.err)]).toEqual([1, true]);

    // Enrolling again from a new wallet; this time the guardian declines: collect finds nothing, the pending file goes.
    const m2 = await wallet(enrollArgs(minor, 'minor-2', '72618394'));
    const code2 = /approval code\s+(\S+)/.exec(m2.out)![1]!;
    const d = await wallet(['approve', '--code', code2, '--decline', '--wallet', walletDir('guardian-a'), '--passphrase', '39571846', '--platform', sys.platformUrl]);
    expect([d.code, /^declined/m.test(d.out)]).toEqual([0, true]);
    const gone = await wallet(['collect', '--wallet', walletDir('minor-2'), '--passphrase', '72618394']);
    expect([gone.code, /\[enrollment_not_found\]$/m.test(gone.err)]).toEqual([1, true]);
    expect(existsSync(path.join(walletDir('minor-2'), PENDING_FILE))).toBe(false);
  });
});

describe('Art. 4: under 14 — the guardian enrolls the child from the guardian’s own wallet', () => {
  it('--guardian-wallet stores a ward 网证 in the guardian’s wallet; the child’s device key in ward-<网号>.json', async () => {
    const child = people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${UNDER_14} AND ${GUARDED}`)[0]!;
    const guardian = guardianOf(child);
    expect((await wallet(enrollArgs(guardian, 'guardian-b', '39571846'))).code).toBe(0);

    const r = await wallet([
      'enroll', '--document-type', child.documentType, '--document-number', child.documentNumber, '--phone', phone(), '--passphrase', '64829137', '--yes',
      '--guardian-wallet', walletDir('guardian-b'), '--guardian-passphrase', '39571846', '--ward-label', '女儿', ...services(),
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\[1\/8\] guardian: presenting the guardian’s own 网证 … ok$/m);
    const netid = netidOf(r.out);
    expect(existsSync(path.join(walletDir('guardian-b'), `ward-${netid}.json`))).toBe(true);

    const s = await wallet(['show', '--wallet', walletDir('guardian-b'), '--passphrase', '39571846', '--json']);
    const shown = JSON.parse(s.out) as { device: { kid: string }; credentials: { holder: string; netid: string; wardLabel?: string; boundTo: string }[] };
    expect(shown.credentials.map((c) => c.holder)).toEqual(['self', 'ward']);
    const ward = shown.credentials[1]!;
    expect([ward.netid, ward.wardLabel]).toEqual([netid, '女儿']);
    expect(ward.boundTo).not.toBe(shown.device.kid);
    // The child's own keystore: their device key (the one the ward 网证 is bound to) and the same 网证 as
    // their own, sealed under the child's passphrase — the guardian's opens with the guardian's only.
    const childWallet = await openKeystore(walletDir('guardian-b'), '64829137', { fileName: `ward-${netid}.json` });
    expect(childWallet.deviceKey.publicKey.thumbprint).toBe(ward.boundTo);
    expect(childWallet.credentials.map((c) => [c.holder, c.netid])).toEqual([['self', netid]]);
    expect((await wallet(['show', '--wallet', walletDir('guardian-b'), '--passphrase', '64829137'])).code).toBe(1);
    expect(readdirSync(walletDir('guardian-b')).filter((f) => f.startsWith('ward-new-'))).toEqual([]);
  });
});

describe('prompts on a terminal', () => {
  it('a secret is not echoed; a plain answer is', async () => {
    let shown = '';
    const output = new Writable({
      write(chunk, _enc, cb) {
        shown += String(chunk);
        cb();
      },
    });
    // Typed as a person types: each answer after its question.
    const input = new PassThrough();
    const p = createPrompter({ input, output, terminal: true });
    expect(p.interactive).toBe(true);
    const secret = p.secret('passphrase: ');
    input.write('83920174\r');
    expect(await secret).toBe('83920174');
    const plain = p.ask('type: ');
    input.write('resident_id_card\r');
    expect(await plain).toBe('resident_id_card');
    p.close();
    expect(shown).toContain('passphrase: ');
    expect(shown).not.toContain('83920174');
    expect(shown).toContain('resident_id_card');
  });
});

describe('wallet enroll, interactive (answers fed to the prompts)', () => {
  it('asks type (8 listed with Chinese names), number, phone; prints the notice; two consents; passphrase twice without echo', async () => {
    const p = people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 12)[11]!;
    const typeNo = String(DOCUMENT_TYPES.indexOf(p.documentType as (typeof DOCUMENT_TYPES)[number]) + 1);
    const tel = phone();
    const r = await wallet(['enroll', '--wallet', walletDir('interactive'), ...services()], [typeNo, p.documentNumber, tel, 'y', 'y', '12345678', '83920174', '83920174', smsCode(tel)]);
    expect(r.err).toMatch(/must not be a run of consecutive digits/); // the weak one is refused, then asked again
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/1\. 居民身份证\s+resident_id_card/);
    expect(r.out).toMatch(/8\. 外国人永久居留身份证\s+foreign_permanent_residence_id/);
    expect(r.out).toContain('为您申领网号、网证'); // zh and en of each section
    expect(r.out).toContain('To issue your network ID number');
    expect(r.out).toContain('人脸信息、身份证件号码。');
    expect(r.prompts).toMatch(/document type .*document number .*mobile number .*consent to the processing .*separately consent .*choose a passphrase .*repeat the passphrase.*code from the text message/s);
    expect(r.out + r.err + r.prompts).not.toContain('83920174');
    expect(r.out).toMatch(/网号\s+[0-9A-Z]{10}/);
  });

  it('declining a consent ends it before anything is read or created → exit 1 [consent_required]', async () => {
    const p = people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 13)[12]!;
    const r = await wallet(['enroll', '--document-type', p.documentType, '--document-number', p.documentNumber, '--phone', phone(), '--wallet', walletDir('declined'), ...services()], ['y', 'n']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\[consent_required\]$/m);
    expect(existsSync(walletDir('declined'))).toBe(false);
  });
});

describe('wallet enroll on a terminal: what the person can correct is asked again, not the end (issue #8 §1)', () => {
  // Adults who are nobody's guardian and not picked by the tests above.
  const fresh = (i: number): Person =>
    people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT} AND NOT EXISTS (SELECT 1 FROM guardianships g WHERE g.guardian_id = p.id)`, [], 60)[30 + i]!;
  /** The same number with another check character: a typing error the format catches. */
  const typo = (n: string): string => `${n.slice(0, 17)}${n[17] === '1' ? '2' : '1'}`;

  it('a mistyped document number is shown and asked again; a weak passphrase too, with its reason (the birth date in the ID number among them)', async () => {
    const p = fresh(0);
    const tel = phone();
    const birth = birthDatePassphrase(`${p.documentNumber.slice(6, 10)}-${p.documentNumber.slice(10, 12)}-${p.documentNumber.slice(12, 14)}`);
    const r = await wallet(
      ['enroll', '--document-type', p.documentType, '--wallet', walletDir('retype'), ...services()],
      [typo(p.documentNumber), p.documentNumber, tel, 'y', 'y', birth, '12121212', '58273914', '58273914', smsCode(tel)],
    );
    expect(r.err).toContain('The identity number check character is wrong (a typing error?). Type it again.');
    expect(r.err).toContain('The passphrase must not be your birth date. Choose another.');
    expect(r.err).toContain('The passphrase must not be a short group of digits repeated. Choose another.');
    expect(r.code).toBe(0);
    expect(r.prompts.match(/document number \(居民身份证\)/g)).toHaveLength(2);
    expect(r.out).toMatch(/网号\s+[0-9A-Z]{10}/);
    for (const secret of [p.documentNumber, birth, '58273914']) expect(r.out + r.err + r.prompts).not.toContain(secret);
  });

  it('flags typed on a terminal: a wrong --document-number or a weak --passphrase is shown and asked for', async () => {
    const p = fresh(1);
    const tel = phone();
    const r = await wallet(
      ['enroll', '--document-type', p.documentType, '--document-number', typo(p.documentNumber), '--phone', tel, '--passphrase', '12345678', '--yes', '--wallet', walletDir('retype-flags'), ...services()],
      [p.documentNumber, '64829137', '64829137', smsCode(tel)],
    );
    expect(r.err).toMatch(/^--document-number: The identity number check character is wrong \(a typing error\?\)\. Type it again\.$/m);
    expect(r.err).toMatch(/^--passphrase: The passphrase must not be a run of consecutive digits\. Choose another\.$/m);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/网号\s+[0-9A-Z]{10}/);
  });

  it('a well-formed number the registry does not know: the chip step says so and offers to type it again; the enrollment starts over and succeeds', async () => {
    const p = fresh(2);
    const taken = sys.registry!.db.prepare('SELECT 1 FROM documents WHERE number = ?');
    let unknown = '';
    for (let seq = 1; seq < 1000 && unknown === ''; seq++) {
      const n = makeIdNumber({ regionCode: p.documentNumber.slice(0, 6), birthDate: `${p.documentNumber.slice(6, 10)}-${p.documentNumber.slice(10, 12)}-${p.documentNumber.slice(12, 14)}`, sequence: seq });
      if (taken.get(n) === undefined) unknown = n;
    }
    const flags = (name: string, tel: string): string[] => ['enroll', '--document-type', 'resident_id_card', '--document-number', unknown, '--phone', tel, '--passphrase', '58273914', '--yes', '--wallet', walletDir(name), ...services()];

    // Without a terminal: the refusal ends it, as before, and the keystore created for it is gone.
    const script = await wallet(flags('unknown-script', phone()));
    expect(script.code).toBe(1);
    expect(script.err).toMatch(/^wangzheng wallet enroll: No such document in the registry\. \[unknown_person\]$/m);
    expect(existsSync(path.join(walletDir('unknown-script'), 'wallet.json'))).toBe(false);

    const tel = phone();
    const r = await wallet(flags('unknown-number', tel), ['y', p.documentNumber, smsCode(tel)]);
    expect(r.out).toMatch(/^\[1\/7\] chip: reading the document chip \(NFC\) … failed$/m);
    expect(r.err).toContain('the registry knows no 居民身份证 (resident_id_card) with this number (No such document in the registry.) — a typing error?');
    expect(r.prompts).toContain('Type the document number again? 是否重新输入证件号码？ [y/N]');
    expect(r.out).toContain('enrolling again with the new number');
    expect(r.err).not.toContain('wangzheng wallet enroll:');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\[1\/7\] chip: reading the document chip \(NFC\) … ok$/m);
    expect(r.out).toMatch(/网号\s+[0-9A-Z]{10}/);
  });

  it('an existing wallet is checked before the notice and before any other question: a wrong passphrase is asked again, then the bound wallet refuses', async () => {
    const r = await wallet(['enroll', '--wallet', walletDir('adult'), ...services()], ['59372816', '48273915']);
    expect(r.prompts).toMatch(/^passphrase \(opens your wallet; the same 8 digits become your 网证’s\): /);
    expect(r.err).toContain('The passphrase does not open this wallet. Try again.');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/already holds a 网证 .*\[conflict\]$/m);
    expect(r.out).not.toContain('个人信息处理告知');
    expect(r.prompts).not.toMatch(/document type|document number|mobile number|consent/);

    const wrong = await wallet(['enroll', '--wallet', walletDir('adult'), ...services()], ['11111112', '11111113', '11111114']);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/^wangzheng wallet enroll: The passphrase does not open this wallet\. \[wrong_passphrase\]$/m);
    expect(wrong.out).not.toContain('个人信息处理告知');
    expect(wrong.prompts).not.toMatch(/document type|consent/);

    // A guardian enrolling a ward opens the guardian's wallet first, too.
    const g = await wallet(['enroll', '--guardian-wallet', walletDir('adult'), ...services()], ['11111112', '11111113', '11111114']);
    expect(g.code).toBe(1);
    expect(g.err).toMatch(/\[wrong_passphrase\]$/m);
    expect(g.prompts).toMatch(/^the guardian’s passphrase/);
    expect(g.out).not.toContain('个人信息处理告知');
    expect(g.prompts).not.toMatch(/document type|consent|child’s passphrase/);
  });

  it('the person types the SMS code: a malformed one is asked again here, a wrong one the platform refuses (otp_invalid) and it is asked again; the right one enrolls', async () => {
    const p = fresh(3);
    const tel = phone();
    const outbox = path.join(dir, 'sms-outbox.jsonl');
    const r = await wallet(['enroll', '--document-type', p.documentType, '--document-number', p.documentNumber, '--phone', tel, '--passphrase', '58273914', '--yes', '--wallet', walletDir('sms'), ...services()], [
      '12 34',
      wrongCode(tel),
      smsCode(tel),
    ]);
    expect(r.out).toContain(`A text message with a 6-digit code was sent to 139****${tel.slice(-4)}.`);
    expect(r.out).toContain(`the platform writes each text to ${outbox}`);
    expect(r.err).toContain('the code is the 6 digits in the text message');
    expect(r.err).toMatch(/^Wrong code; 4 tries left\. \[otp_invalid\]$/m);
    expect(r.prompts).toContain('code from the text message (短信验证码, 6 digits): ');
    expect(r.prompts).toContain('type the code again (6 digits): ');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\[4\/7\] phone_code: entering the one-time code from the SMS … ok$/m);
    expect(r.out).toMatch(/网号\s+[0-9A-Z]{10}/);
    expect(r.out + r.err).not.toContain(smsCode(tel)());
  });

  it('five wrong SMS codes: the platform ends the enrollment (too_many_attempts), nothing is asked after that, no keystore is left', async () => {
    const p = fresh(4);
    const tel = phone();
    const r = await wallet(['enroll', '--document-type', p.documentType, '--document-number', p.documentNumber, '--phone', tel, '--passphrase', '58273914', '--yes', '--wallet', walletDir('sms-5'), ...services()], [
      ...Array.from({ length: 5 }, () => wrongCode(tel)),
      smsCode(tel),
    ]);
    expect(r.err).toMatch(/^Wrong code; 1 try left\. \[otp_invalid\]$/m);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^wangzheng wallet enroll: 5 wrong codes: this enrollment has ended\. Start again\. \[too_many_attempts\]$/m);
    expect(r.prompts.match(/code/g)).toHaveLength(5);
    expect(existsSync(path.join(walletDir('sms-5'), 'wallet.json'))).toBe(false);
  });

  it('a passphrase the platform refuses for the birth date, which a travel permit’s number does not carry: asked again, the new keystore re-sealed under the new one', async () => {
    // Residents of Hong Kong, Macao, Taiwan or citizens abroad: their travel document is their only one to enroll with here.
    const q = sys.registry!.db
      .prepare(
        `SELECT d.type AS documentType, d.number AS documentNumber, p.birth_date AS birthDate FROM documents d JOIN persons p ON p.id = d.person_id
         WHERE d.type IN ('hk_macau_travel_permit', 'taiwan_travel_permit', 'passport_abroad') AND ${VALID_DOC} AND ${ADULT} ORDER BY d.id LIMIT 1`,
      )
      .get() as { documentType: string; documentNumber: string; birthDate: string };
    const birth = birthDatePassphrase(q.birthDate);
    const tel = phone();
    const r = await wallet(
      ['enroll', '--document-type', q.documentType, '--document-number', q.documentNumber, '--phone', tel, '--passphrase', birth, '--yes', '--wallet', walletDir('travel-permit'), ...services()],
      [smsCode(tel), '64829137', '64829137'],
    );
    expect(r.err).toMatch(/^The passphrase must not be your birth date\. \[weak_passphrase\]$/m);
    expect(r.prompts).toContain('choose another passphrase (口令, 8 digits): ');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/网号\s+[0-9A-Z]{10}/);
    expect((await wallet(['show', '--wallet', walletDir('travel-permit'), '--passphrase', '64829137'])).code).toBe(0);
    expect((await wallet(['show', '--wallet', walletDir('travel-permit'), '--passphrase', birth])).code).toBe(1);
  });
});
