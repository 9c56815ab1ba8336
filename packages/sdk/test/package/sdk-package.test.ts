// @wangzheng/sdk as a relying party installs it (issue #9 §4, docs/packages.md): built, packed
// with `npm pack`, installed from the tarball into a fresh project outside the repository (no
// workspace, no repository node_modules on the resolution path, no network) — then, with plain
// `node` in that project, the receipt flow against a platform this test runs: create a request,
// the person's wallet approves, fetch the receipt once, verify it offline from a JWKS snapshot
// with the registered algorithm pinned; SM2 (GB/T 32918.2, the default suite; the client
// authenticates with an SM2 private_key_jwt) and ES256 (the international suite). And a
// TypeScript consumer type-checks against the installed declarations (module nodenext, strict,
// skipLibCheck off).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, type PublicJwk } from '@wangzheng/core/crypto/index';
import { buildSdk, SDK_DIR } from '../../build.ts';
import { ISSUER, sqliteOnly, startSystem, type System } from '../harness.ts';
import { TSC, cleanEnv, freshProject, isRealDirectory, outsideNodeModules, pack, run, type FreshProject, type Packed } from './fresh-project.ts';

const engine = sqliteOnly();
const work = mkdtempSync(join(tmpdir(), 'wz-sdk-package-'));
let sys: System;
let packed: Packed;
let project: FreshProject;
let jwks: { keys: PublicJwk[] };

/** A relying party's back end as its developers would write it: plain Node, the installed SDK. */
const RP_SCRIPT = `import { readFileSync } from 'node:fs';
import { WangzhengClient, isWangzhengError } from '@wangzheng/sdk';

const [step, requestId] = process.argv.slice(2);
const cfg = JSON.parse(readFileSync(process.env.RP_CONFIG, 'utf8'));
const auth = cfg.privateKeyPem ? { privateKey: cfg.privateKeyPem, alg: cfg.alg, kid: cfg.kid } : { clientSecret: cfg.clientSecret };
const online = new WangzhengClient({ issuer: cfg.issuer, baseUrl: cfg.baseUrl, clientId: cfg.clientId, auth });

if (step === 'create') {
  console.log(JSON.stringify(await online.createReceiptRequest({ bizSeq: cfg.bizSeq, mode: 'wz', ...(cfg.scopes ? { scopes: cfg.scopes } : {}) })));
} else {
  const token = await online.fetchReceipt(requestId);
  // Offline: a JWKS snapshot and the registered algorithm; any use of the network fails.
  const offline = new WangzhengClient({
    issuer: cfg.issuer, clientId: cfg.clientId, auth, receiptAlg: cfg.alg,
    jwks: JSON.parse(readFileSync(cfg.jwksFile, 'utf8')),
    fetch: async () => { throw new Error('offline: no network'); },
  });
  const receipt = await offline.verifyReceipt(token, { requestId, bizSeq: cfg.bizSeq });
  const [h, p, s] = token.split('.');
  const forged = [h, p, s.slice(0, 10) + (s[10] === 'A' ? 'B' : 'A') + s.slice(11)].join('.');
  const refused = await offline.verifyReceipt(forged).then(() => 'accepted', (e) => (isWangzhengError(e) ? e.code : String(e)));
  console.log(JSON.stringify({ header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')), receipt, refused }));
}
`;

/** Uses the public types the way an RP's code would; the @ts-expect-error lines prove they are not `any`. */
const CONSUMER_TS = `import { JwksCache, WangzhengClient, WangzhengError, isWangzhengError, verifyReceiptWith, type CreateReceiptRequest, type Receipt, type WangzhengErrorCode } from '@wangzheng/sdk';

const wz = new WangzhengClient({ issuer: 'https://wangzheng.example', clientId: 'rp_1', auth: { clientSecret: 'secret' } });
const request: CreateReceiptRequest = { bizSeq: 'order-1001', mode: 'wz_face', scopes: ['masked_name'] };

export async function verifyOnce(): Promise<Receipt> {
  const r = await wz.createReceiptRequest(request);
  return wz.verifyReceipt(await wz.waitForReceipt(r.requestId, { timeoutMs: 60_000 }), { requestId: r.requestId });
}

export function codeOf(e: unknown): WangzhengErrorCode | undefined {
  return isWangzhengError(e) ? e.code : e instanceof WangzhengError ? e.code : undefined;
}

export async function offlineSub(token: string): Promise<string | undefined> {
  const keys = await new JwksCache('https://wangzheng.example/.well-known/jwks.json', fetch).keys();
  const r = verifyReceiptWith(token, { keys, alg: 'SM2', issuer: 'https://wangzheng.example', clientId: 'rp_1' });
  return r.result === 'pass' ? r.sub : undefined;
}

// @ts-expect-error — not one of the four modes
export const wrongMode: CreateReceiptRequest = { bizSeq: 'x', mode: 'password' };
// @ts-expect-error — receipts are SM2 or ES256
export const wrongAlg = new WangzhengClient({ issuer: 'https://wangzheng.example', clientId: 'rp_1', auth: { clientSecret: 's' }, receiptAlg: 'HS256' });
`;

const CONSUMER_TSCONFIG = {
  compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] },
  files: ['consumer.ts'],
};

beforeAll(async () => {
  await buildSdk();
  // npm (child processes) and the platform (this process) side by side: two cores.
  [, sys] = await Promise.all([
    (async () => {
      packed = await pack(SDK_DIR, work);
      project = await freshProject({ tarballs: { '@wangzheng/sdk': packed.tarball }, seed: ['sm-crypto-v2'], devDependencies: { '@types/node': '20.19.43' } });
    })(),
    startSystem(engine),
  ]);
  jwks = (await (await fetch(`${sys.h.url}/.well-known/jwks.json`)).json()) as { keys: PublicJwk[] };
});

afterAll(async () => {
  await sys?.close();
  rmSync(work, { recursive: true, force: true });
  if (project) rmSync(project.dir, { recursive: true, force: true });
});

describe('the tarball (npm pack)', () => {
  it('holds package.json and dist/ only: the ESM bundle and its declarations, no sources', () => {
    const paths = packed.files.map((f) => f.path).sort();
    expect(paths).toContain('dist/index.js');
    expect(paths).toContain('dist/index.d.ts');
    expect(paths.filter((p) => !/^dist\/.+\.(js|d\.ts)$/.test(p))).toEqual(['package.json']);
    expect(paths.filter((p) => p.endsWith('.js'))).toEqual(['dist/index.js']);
  });

  it('declares what an install needs: exports with types and import, one runtime dependency, not private', () => {
    const m = packed.manifest;
    expect(m['private']).toBeUndefined();
    expect([m['name'], m['license'], m['type']]).toEqual(['@wangzheng/sdk', 'Apache-2.0', 'module']);
    expect((m['exports'] as Record<string, Record<string, string>>)['.']).toMatchObject({ types: './dist/index.d.ts', import: './dist/index.js', default: './dist/index.js' });
    expect(m['dependencies']).toEqual({ 'sm-crypto-v2': '1.15.1' });
  });
});

describe('installed into a fresh project outside the repository', () => {
  it('npm install --offline from the tarball: a real directory, resolved from the project (import and require), no other node_modules above it', async () => {
    expect(project.install.code, project.install.stderr).toBe(0);
    expect(outsideNodeModules(project.dir)).toEqual([]);
    expect(isRealDirectory(join(project.dir, 'node_modules', '@wangzheng', 'sdk'))).toBe(true);
    const r = await run(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('@wangzheng/sdk'))"], { cwd: project.dir });
    expect(r.stdout.trim()).toBe(`file://${join(project.dir, 'node_modules', '@wangzheng', 'sdk', 'dist', 'index.js')}`);
    // CommonJS too: require() of the ES module (Node ≥ 20.19), through the `default` condition.
    const cjs = await run(process.execPath, ['-e', "console.log(typeof require('@wangzheng/sdk').WangzhengClient)"], { cwd: project.dir });
    expect([cjs.stdout.trim(), cjs.stderr]).toEqual(['function', '']);
  });

  /** Runs the RP script with plain node in the project: `create`, then the wallet approves, then `finish`. */
  async function receiptFlow(cfg: Record<string, unknown>, consent?: string[]) {
    const config = join(project.dir, `rp-${String(cfg['clientId'])}.json`);
    writeFileSync(join(project.dir, 'rp.mjs'), RP_SCRIPT);
    writeFileSync(join(project.dir, 'jwks.json'), JSON.stringify(jwks));
    writeFileSync(config, JSON.stringify({ issuer: ISSUER, baseUrl: sys.h.url, jwksFile: join(project.dir, 'jwks.json'), ...cfg }));
    const env = cleanEnv({ RP_CONFIG: config });
    const created = await run(process.execPath, ['rp.mjs', 'create'], { cwd: project.dir, env });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const req = JSON.parse(created.stdout) as { requestId: string; ref: string };
    expect((await sys.approve(req.ref, consent ? { consent: () => consent } : {})).status).toBe('approved');
    const finished = await run(process.execPath, ['rp.mjs', 'finish', req.requestId], { cwd: project.dir, env });
    // No warning either: the installed SDK chose its SM2 backend without being told.
    expect(finished.stderr).toBe('');
    expect(finished.code).toBe(0);
    return { requestId: req.requestId, ...(JSON.parse(finished.stdout) as { header: Record<string, unknown>; receipt: Record<string, unknown>; refused: string }) };
  }

  it('receipt flow, SM2 (GB/T 32918.2 with SM3, the default suite), RFC 7523 private_key_jwt with an SM2 key: verified offline from the JWKS', async () => {
    const key = generateKey('SM2');
    const rp = await sys.makeRp({ category: 'bank', alg: 'SM2', host: 'bank.package.example.cn', jwk: { ...key.publicKey.toJwk(), kid: 'pkg-sm2-1' }, approve: ['masked_name'] });
    const r = await receiptFlow({ clientId: rp.clientId, alg: 'SM2', privateKeyPem: key.toPem(), kid: 'pkg-sm2-1', bizSeq: 'pkg-sm2-1', scopes: ['masked_name'] }, ['masked_name']);
    expect(r.header).toMatchObject({ alg: 'SM2', typ: 'wz-receipt+jwt' });
    expect([r.receipt['result'], r.receipt['iss'], r.receipt['aud'], r.receipt['jti'], r.receipt['biz_seq']]).toEqual(['pass', ISSUER, rp.clientId, r.requestId, 'pkg-sm2-1']);
    expect(r.receipt['sub']).toMatch(/^A[0-9A-Z]{25}$/);
    expect(r.receipt['claims']).toEqual({ masked_name: expect.stringMatching(/^.\*+$/u) });
    expect(r.refused).toBe('signature_mismatch');
  });

  it('receipt flow, ES256 (the international suite), client_secret_basic: verified offline from the JWKS', async () => {
    const rp = await sys.makeRp({ category: 'internet_service', alg: 'ES256', host: 'shop.package.example.cn' });
    const r = await receiptFlow({ clientId: rp.clientId, alg: 'ES256', clientSecret: rp.clientSecret, bizSeq: 'pkg-es256-1' });
    expect(r.header).toMatchObject({ alg: 'ES256', typ: 'wz-receipt+jwt' });
    expect([r.receipt['result'], r.receipt['aud'], r.receipt['jti'], r.receipt['claims']]).toEqual(['pass', rp.clientId, r.requestId, undefined]);
    expect(r.refused).toBe('signature_mismatch');
  });

  it('a TypeScript consumer type-checks against the installed declarations (module nodenext, strict, skipLibCheck off; its @ts-expect-error lines hold, so the types are not any)', async () => {
    writeFileSync(join(project.dir, 'consumer.ts'), CONSUMER_TS);
    writeFileSync(join(project.dir, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG, null, 2));
    const r = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: project.dir });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
