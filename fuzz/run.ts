/**
 * `npm run fuzz` — malformed requests against every endpoint of a running platform (issue 10 §4).
 *
 *   npm run fuzz                                  100,000 requests, 16 in flight, seed 1
 *   FUZZ_REQUESTS=3000 FUZZ_CONCURRENCY=8 FUZZ_SEED=7 npm run fuzz
 *
 * Passes when no answer is a 5xx, no answer or log line holds a stack trace, every error answer
 * is `{ error, message }` JSON (HTML on the HTML pages), the platform's memory stays flat and it
 * still answers /healthz at the end. Progress on stderr; the Markdown summary on stdout; exit
 * status 1 with every failed check (the request that caused it, reproducible from its number and
 * the seed) when any fails. engine.ts runs, checks.ts judges, report.ts summarises.
 */
import { runFuzz } from './engine.ts';
import { summary, verdict } from './report.ts';

function intEnv(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new TypeError(`${name} must be a whole number`);
  return n;
}

const requests = intEnv('FUZZ_REQUESTS', 100_000);
const concurrency = Math.max(1, intEnv('FUZZ_CONCURRENCY', 16));
const seed = intEnv('FUZZ_SEED', 1);

const tty = process.stderr.isTTY;
process.stderr.write(`fuzz: ${requests.toLocaleString('en-US')} requests, ${concurrency} in flight, seed ${seed}; listing routes and starting the platform…\n`);
let last = 0;
const result = await runFuzz({
  requests,
  concurrency,
  seed,
  onProgress: (p) => {
    const line = `fuzz: ${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')}  ${Math.round(p.perSecond)} req/s  5xx ${p.fivexx}  failures ${p.failures}`;
    if (tty) process.stderr.write(`\r${line}\x1b[K`);
    else if (Date.now() - last > 10_000 || p.done === p.total) {
      last = Date.now();
      process.stderr.write(`${line}\n`);
    }
  },
});
if (tty) process.stderr.write('\n');

process.stdout.write(`\n## Fuzz run\n\n${summary(result)}\n\n`);
const failed = verdict(result, requests);
if (failed.length > 0) {
  process.stdout.write(`FAILED — ${failed.length} check(s):\n${failed.slice(0, 50).map((l) => `- ${l}`).join('\n')}\n${failed.length > 50 ? `… and ${failed.length - 50} more\n` : ''}`);
  process.exitCode = 1;
} else {
  process.stdout.write('PASSED: zero 5xx, zero stack traces, error answers well-formed, memory flat, /healthz 200.\n');
}
