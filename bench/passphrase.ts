/**
 * Passphrase modes: `npm run bench -- passphrase` (issue 10 §1: "passphrase modes bounded only by
 * Argon2id"). The same receipt flow as `bench/verification.ts` — the platform in its own
 * process on SQLite, this process the RP and the wallets — in mode `wz_pass` (网证 + 口令): the
 * platform checks the person's passphrase against its Argon2id hash on every verification.
 *
 * Beside the measured rate, the Argon2id bound of this machine, measured in the same run with
 * the platform's own parameters: 2 cores ÷ (one Argon2id verification + the rest of a
 * verification's crypto, server, wallet and RP). "Bounded only by Argon2id" means the rate is
 * close to that bound: everything else the server does is small beside the hash.
 *
 * Since issue 10's fourth session also: Argon2id alone with two hashes at a time (it is
 * memory-bound, so two at once are slower each than one alone: the machine's real Argon2id
 * rate), this process's own CPU per verification (the wallets and the RP share the two cores),
 * and the rate the server's and this process's CPU together allow.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import type { PrivateKey } from '@wangzheng/core/crypto/index';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { CONFIG_FIELDS } from '../packages/platform/src/config-fields.ts';
import { enrollSamples } from './people.ts';
import { closedLoop } from './load.ts';
import { benchRp } from './rp.ts';
import { pct, serverBuildFromEnv, serverCpuMs, startChild } from './child.ts';

interface Row {
  name: string;
  value: string;
}

const PASSPHRASE = '48273915'; // bench/people.ts enrolls everyone with it

/** The platform's Argon2id parameters: the environment's, else the configuration's defaults. */
function argon2Params(): { memoryKiB: number; iterations: number } {
  const field = (key: string): number => {
    const f = CONFIG_FIELDS.find((x) => x.key === key);
    if (!f) throw new Error(`bench: no setting ${key}`);
    return Number(process.env[f.env] ?? f.default);
  };
  return { memoryKiB: field('passphrase.memoryKiB'), iterations: field('passphrase.iterations') };
}

/** CPU per Argon2id verification (this process: the hash runs on libuv's pool, so CPU, not wall). */
async function argon2VerifyMs(p: { memoryKiB: number; iterations: number }): Promise<number> {
  const stored = await hash(PASSPHRASE, { algorithm: 2 as Algorithm, memoryCost: p.memoryKiB, timeCost: p.iterations, parallelism: 1 });
  for (let i = 0; i < 3; i++) await verify(stored, PASSPHRASE);
  const n = 40;
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) if (!(await verify(stored, PASSPHRASE))) throw new Error('bench: Argon2id verify failed');
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / n;
}

/**
 * Argon2id alone with both cores busy: two verifications at a time on libuv's pool, nothing else.
 * The hash is memory-bound (19 MiB a call): two at once run slower each than one alone, so this
 * rate, not 2 ÷ one hash's CPU, is what the machine can do.
 */
async function argon2Parallel(p: { memoryKiB: number; iterations: number }): Promise<{ perS: number; cpuMs: number }> {
  const stored = await hash(PASSPHRASE, { algorithm: 2 as Algorithm, memoryCost: p.memoryKiB, timeCost: p.iterations, parallelism: 1 });
  const n = 60;
  let next = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 2 }, async () => {
      while (next++ < n) if (!(await verify(stored, PASSPHRASE))) throw new Error('bench: Argon2id verify failed');
    }),
  );
  const c = process.cpuUsage(c0);
  return { perS: (n * 1000) / (performance.now() - t0), cpuMs: (c.user + c.system) / 1000 / n };
}

export async function runPassphraseBench(o: { count?: number; concurrency?: number } = {}): Promise<Row[]> {
  const count = o.count ?? Number(process.env['BENCH_PASSPHRASE_VERIFICATIONS'] ?? 200);
  const concurrency = o.concurrency ?? Number(process.env['BENCH_CONCURRENCY'] ?? 8);
  const dir = mkdtempSync(join(tmpdir(), 'wz-bench-pass-'));
  const { child, platformUrl, registryUrl } = await startChild(dir, {}, undefined, undefined, { build: serverBuildFromEnv() });
  try {
    const holders = (await enrollSamples({ platformUrl, registryUrl, dataDir: dir, count: 8, alg: 'SM2', phonePrefix: '136' })).people;
    if (holders.length === 0) throw new Error('bench: nobody could be enrolled');
    const rp = await benchRp(platformUrl, 'bench RP (passphrase)');
    const one = (h: { issued: Issued; key: PrivateKey }): Promise<number> => rp.verify(h, 'wz_pass', { passphrase: PASSPHRASE });
    for (let i = 0; i < 8; i++) await one(holders[i % holders.length]!); // warm-up
    const cpu0 = serverCpuMs(child.pid!);
    const own0 = process.cpuUsage();
    const { latencies, wallS: wall } = await closedLoop(count, concurrency, (i) => one(holders[i % holders.length]!));
    const serverCpu = (serverCpuMs(child.pid!) - cpu0) / count;
    const own = process.cpuUsage(own0);
    // This process: the wallets (a key-binding signature each) and the RP (the receipt's check), over HTTP.
    const driverCpu = (own.user + own.system) / 1000 / count;
    const params = argon2Params();
    const argon = await argon2VerifyMs(params);
    const parallel = await argon2Parallel(params);
    // The rest of a verification's server CPU is what bench/verification.ts measures for mode 网证;
    // here: everything that is not the hash, so the share the hash takes of the server's work.
    const rest = Math.max(0, serverCpu - argon);
    const bound = (2 * 1000) / argon;
    const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
    return [
      { name: `Argon2id parameters of the platform (m, t, p)`, value: `${fmt(params.memoryKiB)} KiB, ${params.iterations}, 1` },
      { name: 'CPU of one Argon2id verification with them (this machine, same run)', value: `${fmt(argon, 2)} ms` },
      { name: `SQLite: completed verifications/s in mode wz_pass (网证 + 口令; ${count} with ${concurrency} in flight)`, value: fmt(count / wall, 1) },
      { name: 'Argon2id bound of this machine (2 cores ÷ one Argon2id verification), and the share reached', value: `${fmt(bound, 1)}/s, ${fmt((100 * count) / wall / bound, 0)} %` },
      { name: 'SQLite: server CPU per wz_pass verification, of which Argon2id', value: `${fmt(serverCpu, 2)} ms, ${fmt((100 * Math.min(argon, serverCpu)) / serverCpu, 0)} %` },
      { name: 'SQLite: server CPU per wz_pass verification that is not Argon2id', value: `${fmt(rest, 2)} ms` },
      { name: 'Argon2id alone, 2 at a time (both cores, nothing else): verifications/s, and CPU per verification', value: `${fmt(parallel.perS, 1)}/s, ${fmt(parallel.cpuMs, 2)} ms` },
      { name: 'the share reached of that measured Argon2id rate', value: `${fmt((100 * count) / wall / parallel.perS, 0)} %` },
      { name: 'CPU per wz_pass verification of this process (the wallets and the RP, which share the 2 cores)', value: `${fmt(driverCpu, 2)} ms` },
      { name: 'the rate the whole run\'s CPU allows (2 cores ÷ server + this process per verification), and the share reached', value: `${fmt(2000 / (serverCpu + driverCpu), 1)}/s, ${fmt((100 * count) / wall / (2000 / (serverCpu + driverCpu)), 0)} %` },
      { name: 'SQLite: latency p50 / p99 (wz_pass)', value: `${fmt(pct(latencies, 50), 1)} / ${fmt(pct(latencies, 99), 1)} ms` },
    ];
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}
