/**
 * The fuzz run's verdict and its Markdown summary.
 *
 * Memory is flat when, after the warm-up (the samples taken once the first 10 % of requests were
 * done), (a) the end (median of the last five samples) is less than `MEMORY.growthMb` above the
 * warm-up baseline (median of the first five samples after it), and (b) the last third of the
 * run does not climb steadily: its least-squares slope times its duration stays under
 * `MEMORY.lastThirdClimbMb` (judged only with at least ten samples in that third; a short run
 * has too few for a trend).
 */
import type { FuzzResult, RssSample } from './engine.ts';

export const MEMORY = { growthMb: 64, lastThirdClimbMb: 24 } as const;

export interface MemoryVerdict {
  readonly baseMb: number;
  readonly startMb: number;
  readonly peakMb: number;
  readonly endMb: number;
  readonly growthMb: number;
  /** Fitted climb over the last third, or undefined when it had too few samples. */
  readonly lastThirdClimbMb: number | undefined;
  readonly flat: boolean;
  readonly why?: string;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)]!;
};

export function memoryVerdict(samples: readonly RssSample[], requests: number): MemoryVerdict {
  const ok = samples.filter((s) => Number.isFinite(s.mb));
  const after = ok.filter((s) => s.done >= requests * 0.1);
  const warm = after.length >= 2 ? after : ok;
  const baseMb = median(warm.slice(0, 5).map((s) => s.mb));
  const endMb = median(warm.slice(-5).map((s) => s.mb));
  const growthMb = endMb - baseMb;
  let lastThirdClimbMb: number | undefined;
  const third = warm.filter((s) => s.t >= (warm[0]?.t ?? 0) + ((warm.at(-1)?.t ?? 0) - (warm[0]?.t ?? 0)) * (2 / 3));
  if (third.length >= 10) {
    const mt = third.reduce((a, s) => a + s.t, 0) / third.length;
    const mm = third.reduce((a, s) => a + s.mb, 0) / third.length;
    const slope = third.reduce((a, s) => a + (s.t - mt) * (s.mb - mm), 0) / third.reduce((a, s) => a + (s.t - mt) ** 2, 0);
    lastThirdClimbMb = slope * (third.at(-1)!.t - third[0]!.t);
  }
  const why =
    !(growthMb < MEMORY.growthMb) ? `RSS grew ${growthMb.toFixed(1)} MB after the warm-up (bound ${MEMORY.growthMb} MB)` : lastThirdClimbMb !== undefined && lastThirdClimbMb >= MEMORY.lastThirdClimbMb ? `RSS climbs ${lastThirdClimbMb.toFixed(1)} MB over the last third (bound ${MEMORY.lastThirdClimbMb} MB)` : undefined;
  return {
    baseMb,
    startMb: ok[0]?.mb ?? NaN,
    peakMb: Math.max(...ok.map((s) => s.mb)),
    endMb: ok.at(-1)?.mb ?? NaN,
    growthMb,
    lastThirdClimbMb,
    flat: why === undefined,
    ...(why ? { why } : {}),
  };
}

/** Every failed check, as lines; empty when the run passed. */
export function verdict(r: FuzzResult, minRequests: number): string[] {
  const out: string[] = [];
  if (r.requests < minRequests) out.push(`only ${r.requests} of ${minRequests} requests were sent`);
  if (r.routesHit < r.routes) out.push(`only ${r.routesHit} of ${r.routes} routes were fuzzed`);
  const m = memoryVerdict(r.rss, r.requests);
  if (!m.flat) out.push(`memory: ${m.why}`);
  for (const f of r.failures) {
    const q = f.request ? ` — request #${f.request.n} ${f.request.method} ${f.request.path} (route ${f.request.route}; ${f.request.desc})` : '';
    out.push(`${f.what}${q}${f.answer ? `\n    answer: ${f.answer}` : ''}`);
  }
  return out;
}

const f0 = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });
const f1 = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });

/** The Markdown summary table. */
export function summary(r: FuzzResult): string {
  const m = memoryVerdict(r.rss, r.requests);
  const classes = new Map<string, number>();
  for (const [s, n] of r.byStatus) classes.set(`${Math.floor(s / 100)}xx`, (classes.get(`${Math.floor(s / 100)}xx`) ?? 0) + n);
  const top = [...r.byStatus].sort((a, b) => b[1] - a[1]).slice(0, 8);
  const noAnswer = Object.entries(r.byKind).filter(([k]) => k !== 'answered');
  const rows: [string, string][] = [
    ['requests', f0(r.requests)],
    ['seed (`FUZZ_SEED`)', String(r.seed)],
    ['duration', `${f1(r.seconds)} s`],
    ['requests/s', f0(r.requests / r.seconds)],
    ['routes covered', `${r.routesHit} of ${r.routes} (every registered route and method)`],
    ['by status class', [...classes].sort().map(([c, n]) => `${c}: ${f0(n)}`).join(', ')],
    ['top statuses', top.map(([s, n]) => `${s}: ${f0(n)}`).join(', ')],
    ['no HTTP answer read (client-side error, request kind)', noAnswer.length ? noAnswer.sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${f0(n)}`).join(', ') : '0'],
    ['real credentials on a share', r.credentials.length ? r.credentials.join(', ') : 'none'],
    ['by mutation family', Object.entries(r.byFamily).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${f0(n)}`).join(', ')],
    ['platform log lines judged', f0(r.logLines)],
    ['RSS start / peak / end', `${f1(m.startMb)} / ${f1(m.peakMb)} / ${f1(m.endMb)} MB`],
    ['RSS growth after warm-up', `${f1(m.growthMb)} MB (bound ${MEMORY.growthMb})`],
    ['RSS climb, last third', m.lastThirdClimbMb === undefined ? 'too few samples' : `${f1(m.lastThirdClimbMb)} MB (bound ${MEMORY.lastThirdClimbMb})`],
    ['5xx', `${r.fivexx}`],
    ['stack traces', `${r.stackTraces}`],
    ['/healthz at the end', `${r.healthz}`],
    ['failed checks', `${r.failures.length + (m.flat ? 0 : 1)}`],
  ];
  return ['| measure | value |', '| --- | --- |', ...rows.map(([a, b]) => `| ${a} | ${b} |`)].join('\n');
}
