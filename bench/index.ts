/**
 * `npm run bench` — every benchmark, in one run, so ratios between them (e.g. an end-to-end
 * flow against the crypto floor it needs) are measured on the same machine state.
 *
 *   npm run bench                 all sections
 *   npm run bench -- crypto       only the named sections
 *   npm run bench -- scale …      the bulk population generator (bench/scale.ts; not run by default)
 *   npm run bench -- ab --base P  this checkout beside another, in alternating blocks (bench/ab.ts)
 *
 * Sections print Markdown tables; docs/benchmarks.md records the figures.
 */
import { formatCryptoBench, runCryptoBench } from './crypto.ts';
import { formatRows, runEnrollmentBench } from './enrollment.ts';
import { runLifecycleBench } from './lifecycle.ts';
import { runVerificationBench } from './verification.ts';

const SECTIONS: Record<string, { title: string; run: () => Promise<string> }> = {
  crypto: { title: 'Cryptography', run: async () => formatCryptoBench(await runCryptoBench()) },
  enrollment: { title: 'Enrollment (end to end, in-process)', run: async () => formatRows(await runEnrollmentBench()) },
  verification: { title: 'Verification (receipt flow, platform in its own process)', run: async () => formatRows(await runVerificationBench()) },
  lifecycle: { title: 'Lifecycle (a nationwide ban: status list and Shared Signals)', run: async () => formatRows(await runLifecycleBench()) },
  passphrase: { title: 'Passphrase modes (wz_pass) beside the Argon2id bound', run: async () => formatRows(await (await import('./passphrase.ts')).runPassphraseBench()) },
  peer: { title: 'OpenID Connect logins: ours (intl) beside oidc-provider', run: async () => formatRows(await (await import('./peer-oidc.ts')).runPeerOidcBench()) },
  audit: { title: 'Audited actions: the entry chained in its transaction beside queued for the sequencer', run: async () => formatRows(await (await import('./audit.ts')).runAuditBench()) },
  floor: { title: 'The floor under a verification: bare HTTP exchanges and statements beside its crypto', run: async () => formatRows(await (await import('./floor.ts')).runFloorBench()) },
};

// `ab` compares this checkout with another (bench/ab.ts): options of its own, run alone.
if (process.argv[2] === 'ab') {
  const { runAbCli } = await import('./ab.ts');
  process.stdout.write(`\n## This checkout beside another, in alternating blocks\n\n${await runAbCli(process.argv.slice(3))}\n`);
  process.exit(0);
}

// `scale` writes millions of rows and takes options of its own: run alone, never with the rest.
if (process.argv[2] === 'scale') {
  const { runScaleCli } = await import('./scale.ts');
  process.stdout.write(`\n## National scale: generated people\n\n${await runScaleCli(process.argv.slice(3))}\n`);
  process.exit(0);
}

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !(w in SECTIONS));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown section(s) ${unknown.join(', ')}; known: ${Object.keys(SECTIONS).join(', ')}\n`);
  process.exit(2);
}
for (const [name, s] of Object.entries(SECTIONS)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  process.stderr.write(`bench: ${name}…\n`);
  process.stdout.write(`\n## ${s.title}\n\n${await s.run()}\n`);
}
