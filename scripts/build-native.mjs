#!/usr/bin/env node
// Builds the SM2 N-API addon (packages/sm2-native) with node-gyp, then loads it and checks
// the GB/T 32918.2 Annex A signature, so a broken build fails here (and in CI) rather than
// at the first SM2 signature. Runs as the root `postinstall`, i.e. on `npm ci` / `npm rebuild`.
//
// Exit codes: 0 built and self-tested; 1 failed (message on stderr). If WZ_SM2_BACKEND=js is
// set, a failure is reported as a warning and exits 0 (the slower JS backend was chosen).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkgDir = path.join(root, 'packages', 'sm2-native');
const addon = path.join(pkgDir, 'build', 'Release', 'wz_sm2.node');
const jsChosen = process.env.WZ_SM2_BACKEND === 'js';

function fail(msg, log) {
  if (log) process.stderr.write(log.split('\n').slice(-40).join('\n') + '\n');
  if (jsChosen) {
    console.warn(`sm2-native: WARNING: ${msg} (continuing: WZ_SM2_BACKEND=js selects the JavaScript SM2 backend)`);
    process.exit(0);
  }
  console.error(`sm2-native: BUILD FAILED: ${msg}`);
  console.error('sm2-native: SM2 signatures need this addon. Fix the toolchain (python3, make, a C compiler, Node headers) and run `node scripts/build-native.mjs`,');
  console.error('sm2-native: or set WZ_SM2_BACKEND=js to run with the slower pure-JavaScript SM2 backend.');
  process.exit(1);
}

const gyp = path.join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
if (!existsSync(gyp)) fail('node-gyp is not installed (it is a dependency of the root package; run npm ci from the repository root)');

const args = [gyp, 'rebuild'];
if (existsSync('/usr/include/node/node_api.h')) args.push('--nodedir=/usr');
console.log(`sm2-native: building the SM2 addon with node-gyp${args.includes('--nodedir=/usr') ? ' (headers from /usr/include/node)' : ''} …`);
const t0 = Date.now();
const r = spawnSync(process.execPath, args, { cwd: pkgDir, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'warn' } });
if (r.status !== 0 || !existsSync(addon)) fail(`node-gyp exited with ${r.status ?? r.signal}`, `${r.stdout ?? ''}\n${r.stderr ?? ''}`);

// Self-test: the published GB/T 32918.2 / GM/T 0003.5 Annex A example must verify, a tampered
// message must not, and a fresh signature must round-trip.
try {
  const a = createRequire(import.meta.url)(addon);
  const hex = (s) => Buffer.from(s, 'hex');
  const pub = a.importPublic(hex('0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13'));
  const sig = hex('3046022100f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3022100b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa');
  const id = Buffer.from('1234567812345678');
  const msg = Buffer.from('message digest');
  if (!a.verify(pub, msg, sig, id)) throw new Error('Annex A signature does not verify');
  if (a.verify(pub, Buffer.from('message digesT'), sig, id)) throw new Error('tampered message verifies');
  const k = a.generate();
  if (!a.verify(a.publicOf(k), msg, a.sign(k, msg, id), id)) throw new Error('sign/verify round trip failed');
} catch (e) {
  fail(`the built addon does not load or fails its self-test: ${e instanceof Error ? e.message : String(e)}`);
}
console.log(`sm2-native: built and self-tested ${path.relative(root, addon)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
