/**
 * `wangzheng keys` — operator tooling for signing keys (SM2, ES256, Ed25519).
 *
 *   keys generate --suite gm|intl [--alg SM2|ES256|EdDSA] --out key.pem [--force]
 *   keys public   --key key.pem
 *   keys sign     --key key.pem --in FILE --out sig.der [--id ID] [--encoding der|raw]
 *   keys verify   --key pub.pem --in FILE --sig sig.der [--id ID] [--encoding der|raw]
 *
 * Files are OpenSSL-compatible: PKCS#8 / SPKI PEM, DER signatures; SM2 signs with SM3 and the
 * distinguishing ID 1234567812345678 unless --id says otherwise, so
 * `openssl dgst -sm3 -verify pub.pem -sigopt distid:1234567812345678 -signature sig.der FILE`
 * checks our output.
 *
 * Exit codes: 0 success (verify: valid), 1 verify: invalid signature / operational failure,
 * 2 bad input or usage. Errors are one line; key material is never printed except by
 * `generate` into the --out file (mode 0600).
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { getSuite, importPrivateKeyPem, importPublicKey, type PrivateKey, type PublicKey, type SigAlg, type SigEncoding, type SuiteName } from '@wangzheng/core/crypto/index';
import { isWzError } from '@wangzheng/core/errors';

export interface KeysIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

const USAGE = `usage: wangzheng keys <subcommand> [options]

  generate --suite gm|intl [--alg SM2|ES256|EdDSA] --out key.pem [--force]
           write a new PKCS#8 private key (mode 0600); gm → SM2, intl → ES256 (or --alg EdDSA)
  public   --key key.pem
           print the public JWK (with kid = RFC 7638 thumbprint) and the SPKI PEM
  sign     --key key.pem --in FILE --out sig.der [--id ID] [--encoding der|raw]
           sign FILE (SM2: SM3 with distinguishing ID, default 1234567812345678)
  verify   --key pub.pem --in FILE --sig sig.der [--id ID] [--encoding der|raw]
           exit 0 if valid, 1 if invalid, 2 on bad input (public or private PEM, or JWK JSON)`;

/** A usage / input problem: exit code 2, one line. */
class UsageError extends Error {}

const SUITE_ALGS: Record<SuiteName, readonly SigAlg[]> = { gm: ['SM2'], intl: ['ES256', 'EdDSA'] };

function need(v: string | undefined, flag: string): string {
  if (v === undefined || v === '') throw new UsageError(`missing --${flag}`);
  return v;
}

function readFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot read ${what} ${path} (${code})`);
  }
}

function loadKey(path: string): { priv?: PrivateKey; pub: PublicKey } {
  const text = readFile(path, 'key').toString('utf8');
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(text)) {
    const priv = importPrivateKeyPem(text);
    return { priv, pub: priv.publicKey };
  }
  return { pub: importPublicKey(text) };
}

function encodingOf(v: string | undefined): SigEncoding {
  if (v === undefined || v === 'der') return 'der';
  if (v === 'raw') return 'raw';
  throw new UsageError(`--encoding must be der or raw`);
}

function idOpts(alg: SigAlg, id: string | undefined): { sm2Id?: string } | undefined {
  if (id === undefined) return undefined;
  if (alg !== 'SM2') throw new UsageError('--id applies to SM2 keys only');
  return { sm2Id: id };
}

function generate(args: string[], io: KeysIo): number {
  const { values } = parseArgs({
    args,
    options: { suite: { type: 'string' }, alg: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean', default: false } },
    strict: true,
  });
  const suiteName = need(values.suite, 'suite');
  if (suiteName !== 'gm' && suiteName !== 'intl') throw new UsageError('--suite must be gm or intl');
  const allowed = SUITE_ALGS[suiteName];
  const alg = (values.alg ?? allowed[0]) as SigAlg;
  if (!allowed.includes(alg)) throw new UsageError(`--alg ${values.alg} is not in suite ${suiteName} (${allowed.join(', ')})`);
  const out = need(values.out, 'out');
  const key = getSuite(suiteName).generateKey(alg);
  try {
    writeFileSync(out, key.toPem(), { mode: 0o600, flag: values.force ? 'w' : 'wx' });
    chmodSync(out, 0o600); // an overwritten file keeps its old mode otherwise
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`${out} exists; use --force to overwrite`);
    throw new UsageError(`cannot write ${out} (${code ?? 'error'})`);
  }
  io.out(`wrote ${alg} private key to ${out} (kid ${key.publicKey.thumbprint})`);
  return 0;
}

function showPublic(args: string[], io: KeysIo): number {
  const { values } = parseArgs({ args, options: { key: { type: 'string' } }, strict: true });
  const { pub } = loadKey(need(values.key, 'key'));
  io.out(JSON.stringify(pub.toJwk(), null, 2));
  io.out(pub.toPem());
  return 0;
}

function sign(args: string[], io: KeysIo): number {
  const { values } = parseArgs({
    args,
    options: { key: { type: 'string' }, in: { type: 'string' }, out: { type: 'string' }, id: { type: 'string' }, encoding: { type: 'string' } },
    strict: true,
  });
  const { priv } = loadKey(need(values.key, 'key'));
  if (!priv) throw new UsageError('--key must be a private key to sign');
  const data = readFile(need(values.in, 'in'), 'input');
  const out = need(values.out, 'out');
  const sig = priv.sign(data, encodingOf(values.encoding), idOpts(priv.alg, values.id));
  try {
    writeFileSync(out, sig);
  } catch (e) {
    throw new UsageError(`cannot write ${out} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  io.out(`wrote ${priv.alg} signature (${sig.length} bytes, ${encodingOf(values.encoding)}) to ${out}`);
  return 0;
}

function verify(args: string[], io: KeysIo): number {
  const { values } = parseArgs({
    args,
    options: { key: { type: 'string' }, in: { type: 'string' }, sig: { type: 'string' }, id: { type: 'string' }, encoding: { type: 'string' } },
    strict: true,
  });
  const { pub } = loadKey(need(values.key, 'key'));
  const data = readFile(need(values.in, 'in'), 'input');
  const sig = readFile(need(values.sig, 'sig'), 'signature');
  const encoding = encodingOf(values.encoding);
  const opts = idOpts(pub.alg, values.id);
  if (pub.verify(data, sig, encoding, opts)) {
    io.out(`valid ${pub.alg} signature (kid ${pub.thumbprint})`);
    return 0;
  }
  io.err(`invalid signature`);
  return 1;
}

const SUBCOMMANDS: Record<string, (args: string[], io: KeysIo) => number> = { generate, public: showPublic, sign, verify };

export async function keysCommand(args: string[], io: KeysIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    io.out(USAGE);
    return sub === undefined ? 2 : 0;
  }
  const run = SUBCOMMANDS[sub];
  if (!run) {
    io.err(`wangzheng keys: unknown subcommand '${sub}'\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  try {
    return run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`wangzheng keys ${sub}: ${e.message}`);
      return 2;
    }
    if (isWzError(e)) {
      // The detail is an operator-facing note (no key material); the code is stable.
      const exit = e.status >= 500 ? 1 : 2;
      io.err(`wangzheng keys ${sub}: ${e.message}${e.detail ? ` (${e.detail})` : ''} [${e.code}]`);
      return exit;
    }
    if (e instanceof TypeError && String((e as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS')) {
      io.err(`wangzheng keys ${sub}: ${e.message}`);
      return 2;
    }
    io.err(`wangzheng keys ${sub}: unexpected failure: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
