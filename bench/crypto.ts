/**
 * Cryptography micro-benchmarks: `npm run bench:crypto` (node --import tsx bench/crypto.ts).
 *
 * Measures single-thread ops/s (the event loop is one core) for the operations the platform
 * performs, through the same suite key handles the platform uses (PrivateKey / PublicKey),
 * next to the floors and references they are compared with:
 * - Node's own SM2 (`crypto.sign('sm3', …)` with a KeyObject): the OpenSSL floor. It signs with
 *   an EMPTY distinguishing ID, so it is not conformant and only shown as the speed target.
 * - sm-crypto-v2 used directly (precomputed public key): the pure-JS reference.
 *
 * Method: each case is warmed up, then run in rounds of at least `seconds` of CPU time each;
 * rounds are interleaved across cases, alternating direction (A B B A …) so drift hits all
 * alike, and the median round is reported. Ratios are medians of per-round paired ratios.
 */
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { sm2 as smJs } from 'sm-crypto-v2';
import { getSuite, sm2Backend, toHex, sm2PublicPoint } from '@wangzheng/core/crypto/index';
import { sm4EtmSeal } from '@wangzheng/core/crypto/sm4-etm';
import { sm2Backends } from '@wangzheng/core/crypto/sm2';

export interface BenchRow {
  /** Stable identifier, e.g. `sm2.sign.ours`. */
  id: string;
  name: string;
  /** Median ops/s (undefined for ratio rows). */
  opsPerSec?: number;
  /** For ratio rows: ours / reference. */
  ratio?: number;
  note?: string;
}

export interface CryptoBenchOptions {
  /** Minimum duration of one round, seconds (default 1; env BENCH_SECONDS when run as main). */
  seconds?: number;
  /** Rounds per case; the median is reported (default 5; env BENCH_ROUNDS when run as main). */
  rounds?: number;
  /** Warm-up per case, seconds (default 0.3). */
  warmup?: number;
  /** Only run cases whose id starts with one of these prefixes. */
  only?: string[];
}

interface Case {
  id: string;
  name: string;
  note?: string;
  fn: () => unknown;
}

/**
 * Ops per CPU-second of this process. Every measured operation is synchronous on the main
 * thread, so CPU time is the one-core cost; unlike wall time it does not count the time other
 * processes on a shared machine take the core away.
 */
function timeRound(fn: () => unknown, seconds: number): number {
  const limit = seconds * 1e6;
  let ops = 0;
  let batch = 1;
  const c0 = process.cpuUsage();
  for (;;) {
    for (let i = 0; i < batch; i++) fn();
    ops += batch;
    const c = process.cpuUsage(c0);
    const us = c.user + c.system;
    if (us >= limit) return (ops * 1e6) / us;
    if (us < limit / 20) batch *= 2;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Runs the benchmark and returns one row per case plus the ratio rows. */
export async function runCryptoBench(opts: CryptoBenchOptions = {}): Promise<BenchRow[]> {
  const seconds = opts.seconds ?? 1;
  const rounds = opts.rounds ?? 5;
  const warmup = opts.warmup ?? 0.3;

  const gm = getSuite('gm');
  const intl = getSuite('intl');

  // A JWS signing input of typical size (header + a small credential payload), ~256 bytes.
  const msg = new TextEncoder().encode(`eyJhbGciOiJTTTIiLCJ0eXAiOiJ3eitqd3QiLCJraWQiOiJ4In0.${'eyJzdWIiOiJ3ei0xMjM0NTY3ODkwIiwibGV2ZWwiOjIsImV4cCI6MTcwMDAwMDAwMH0'.repeat(3)}`).subarray(0, 256);
  const kib = new Uint8Array(1024).fill(0x5a);

  // Ours: the suite's SM2 key handles (native addon), raw r‖s as JWS uses.
  const sm2 = gm.generateKey();
  const sm2Sig = sm2.sign(msg);
  const sm2Pub = sm2.publicKey;

  // Node's own SM2 (empty distinguishing ID — NOT conformant; the OpenSSL speed floor).
  const nodePriv = createPrivateKey(sm2.toPem());
  const nodePub = createPublicKey(sm2Pub.toPem());
  const nodeSig = nodeSign('sm3', msg, nodePriv);

  // sm-crypto-v2 used directly, with a precomputed public key (its best case).
  const pubHex = toHex(sm2PublicPoint(sm2Pub));
  const privHex = (() => {
    const p8 = Buffer.from(sm2.toPem().replace(/-----[^-]+-----|\s/g, ''), 'base64');
    return p8.subarray(36, 68).toString('hex');
  })();
  const jsPoint = smJs.precomputePublicKey(pubHex);
  const jsSig = smJs.doSignature(msg, privHex, { hash: true, publicKey: pubHex });

  // Our js backend (WZ_SM2_BACKEND=js) through the same backend interface.
  const jsBackend = sm2Backends().js;
  const point = sm2PublicPoint(sm2Pub);
  const jsPrivH = jsBackend.privateKey(Buffer.from(privHex, 'hex'), point);
  const jsPubH = jsBackend.publicKey(point);

  const es = intl.generateKey('ES256');
  const esSig = es.sign(msg);
  const ed = intl.generateKey('EdDSA');
  const edSig = ed.sign(msg);
  const k16 = new Uint8Array(16).fill(1);
  const k32 = new Uint8Array(32).fill(1);

  const cases: Case[] = [
    { id: 'sm2.sign.ours', name: `SM2 sign — ours (${sm2Backend()} addon, ID 1234567812345678)`, fn: () => sm2.sign(msg) },
    { id: 'sm2.sign.node', name: 'SM2 sign — Node crypto.sign, empty ID (not conformant; floor)', fn: () => nodeSign('sm3', msg, nodePriv) },
    { id: 'sm2.verify.ours', name: `SM2 verify — ours (${sm2Backend()} addon)`, fn: () => sm2Pub.verify(msg, sm2Sig) },
    { id: 'sm2.verify.node', name: 'SM2 verify — Node crypto.verify, empty ID (floor)', fn: () => nodeVerify('sm3', msg, nodePub, nodeSig) },
    { id: 'sm2.sign.smcrypto', name: 'SM2 sign — sm-crypto-v2 directly (reference)', fn: () => smJs.doSignature(msg, privHex, { hash: true, publicKey: pubHex }) },
    { id: 'sm2.verify.smcrypto', name: 'SM2 verify — sm-crypto-v2 directly, precomputed key', fn: () => smJs.doVerifySignature(msg, jsSig, jsPoint, { hash: true }) },
    { id: 'sm2.sign.jsbackend', name: 'SM2 sign — ours, WZ_SM2_BACKEND=js', fn: () => jsPrivH.sign(msg, 'raw') },
    { id: 'sm2.verify.jsbackend', name: 'SM2 verify — ours, WZ_SM2_BACKEND=js', fn: () => jsPubH.verify(msg, sm2Sig, 'raw') },
    { id: 'es256.sign', name: 'ES256 sign (P-256)', fn: () => es.sign(msg) },
    { id: 'es256.verify', name: 'ES256 verify', fn: () => es.publicKey.verify(msg, esSig) },
    { id: 'ed25519.sign', name: 'Ed25519 sign', fn: () => ed.sign(msg) },
    { id: 'ed25519.verify', name: 'Ed25519 verify', fn: () => ed.publicKey.verify(msg, edSig) },
    { id: 'sm3.1k', name: 'SM3, 1 KiB', fn: () => gm.hash(kib) },
    { id: 'hmac-sm3.1k', name: 'HMAC-SM3, 1 KiB', fn: () => gm.hmac(k32, kib) },
    { id: 'sha256.1k', name: 'SHA-256, 1 KiB', fn: () => intl.hash(kib) },
    { id: 'sm4-gcm.1k', name: 'SM4-GCM seal, 1 KiB (sm-crypto-v2)', fn: () => gm.seal(k16, kib) },
    { id: 'sm4-etm.1k', name: 'SM4-CTR + HMAC-SM3 seal, 1 KiB (OpenSSL; data at rest)', fn: () => sm4EtmSeal(k16, kib) },
    { id: 'aes-256-gcm.1k', name: 'AES-256-GCM seal, 1 KiB', fn: () => intl.seal(k32, kib) },
  ];
  // Sanity: the measured code paths really work (a benchmark of a broken path is worthless).
  if (!sm2Pub.verify(msg, sm2Sig) || !nodeVerify('sm3', msg, nodePub, nodeSig) || !smJs.doVerifySignature(msg, jsSig, jsPoint, { hash: true })) {
    throw new Error('bench self-check failed');
  }

  const selected = opts.only ? cases.filter((c) => opts.only!.some((p) => c.id.startsWith(p))) : cases;
  for (const c of selected) timeRound(c.fn, warmup);
  const samples = new Map<string, number[]>(selected.map((c) => [c.id, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? selected : [...selected].reverse();
    for (const c of order) samples.get(c.id)!.push(timeRound(c.fn, seconds));
  }

  const rows: BenchRow[] = selected.map((c) => ({ id: c.id, name: c.name, opsPerSec: median(samples.get(c.id)!) }));
  const ops = (id: string) => rows.find((r) => r.id === id)?.opsPerSec;
  // Ratios are the median of per-round ratios: ours and the reference ran back to back in each
  // round, so load from other processes on the machine cancels out better than medians would.
  const pairedRatio = (a: string, b: string): number | undefined => {
    const xs = samples.get(a);
    const ys = samples.get(b);
    return xs && ys ? median(xs.map((x, i) => x / ys[i]!)) : undefined;
  };
  for (const op of ['sign', 'verify'] as const) {
    const ours = ops(`sm2.${op}.ours`);
    const ratio = pairedRatio(`sm2.${op}.ours`, `sm2.${op}.node`);
    if (ratio !== undefined) {
      rows.push({ id: `sm2.${op}.ratio`, name: `SM2 ${op}: ours / Node native (goal ≥ 1.0×)`, ratio });
    }
    const js = ops(`sm2.${op}.smcrypto`);
    if (ours !== undefined && js !== undefined) {
      rows.push({ id: `sm2.${op}.vsjs`, name: `SM2 ${op}: ours / sm-crypto-v2`, ratio: ours / js });
    }
  }
  return rows;
}

/** Formats rows as a markdown table. */
export function formatCryptoBench(rows: BenchRow[]): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines = ['| operation | ops/s per core (median) |', '| --- | ---: |'];
  for (const r of rows) lines.push(`| ${r.name} | ${r.ratio !== undefined ? `**${r.ratio.toFixed(2)}×**` : fmt(r.opsPerSec ?? 0)} |`);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const seconds = Number(process.env['BENCH_SECONDS'] ?? 1);
  const rounds = Number(process.env['BENCH_ROUNDS'] ?? 5);
  const rows = await runCryptoBench({ seconds, rounds });
  process.stdout.write(`Node ${process.version}, ${process.versions.openssl ? `OpenSSL ${process.versions.openssl}` : ''}, SM2 backend: ${sm2Backend()}\n\n`);
  process.stdout.write(`${formatCryptoBench(rows)}\n`);
}
