/**
 * A progress bar on stderr: count/total, rate per second, ETA. On a terminal it redraws one line
 * at most 4 times a second; otherwise (a log file, nohup) it prints a plain line every 5 seconds.
 */
export class Progress {
  readonly #out: NodeJS.WriteStream;
  readonly #tty: boolean;
  readonly #every: number;
  #t0 = performance.now();
  #start = 0;
  #last = 0;
  #label = '';
  #total = 0;

  constructor(out: NodeJS.WriteStream = process.stderr) {
    this.#out = out;
    this.#tty = Boolean(out.isTTY);
    this.#every = this.#tty ? 250 : 5_000;
  }

  /** A new phase: `start` of `total` already done (a resumed run). */
  phase(label: string, start: number, total: number): void {
    this.#label = label;
    this.#start = start;
    this.#total = total;
    this.#t0 = performance.now();
    this.#last = 0;
  }

  update(done: number, force = false): void {
    const now = performance.now();
    if (!force && now - this.#last < this.#every) return;
    this.#last = now;
    const s = (now - this.#t0) / 1000;
    const rate = s > 0 ? (done - this.#start) / s : 0;
    const eta = rate > 0 ? (this.#total - done) / rate : Infinity;
    const pct = this.#total > 0 ? (100 * done) / this.#total : 100;
    const text = `${this.#label} ${done.toLocaleString('en-US')}/${this.#total.toLocaleString('en-US')} (${pct.toFixed(1)} %) ${Math.round(rate).toLocaleString('en-US')}/s ETA ${clock(eta)}`;
    if (this.#tty) {
      const width = 24;
      const fill = Math.min(width, Math.floor((pct / 100) * width));
      this.#out.write(`\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${text}\x1b[K`);
    } else {
      this.#out.write(`${new Date().toISOString()} ${text}\n`);
    }
  }

  done(done: number): void {
    this.update(done, true);
    if (this.#tty) this.#out.write('\n');
  }
}

export function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h > 0 ? `${h}:` : ''}${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
