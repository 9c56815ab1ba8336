/**
 * What the fuzz run holds the platform to, one answer and one log line at a time:
 * - no status ≥ 500 (a 503 too: nothing shuts the platform down during the run);
 * - no stack trace or internal detail in a response body or a log line (`STACK_TRACE`);
 * - an error answer (≥ 400) is `{ "error": <code>, "message": … }` JSON — on the OAuth endpoints
 *   RFC 6749's `{ error, error_description }` — except on the HTML pages (the authorization page,
 *   the console, the wallet, the venue checker, the developer pages), which may answer HTML;
 * - no log line at level error or above: the platform logs one only for a 5xx or a failure of its own.
 *
 * Bodies scanned for stack traces: every error answer and every JSON answer. A successful answer
 * of a static asset (the wallet's JavaScript bundle) is the product's own code and may contain
 * anything; it is not scanned.
 */

/**
 * Signs of a JavaScript stack trace or of internals: a V8 frame (`    at fn (file:line:col)` or
 * `at file:line:col`), Node's internals, a source location (`x.ts:12`), a JS error's name
 * prefix (`TypeError: …`), a serialised stack, driver and dependency paths.
 */
export const STACK_TRACE: readonly { name: string; re: RegExp }[] = [
  { name: 'V8 frame', re: /\bat (?:async )?(?:[\w$.<>\[\] ]+ \()?(?:file:\/\/|node:|\/|[A-Za-z]:\\)[^\s()]*:\d+(?::\d+)?\)?/ },
  { name: 'indented frame', re: /(?:^|\\n|\n)\s{2,}at \S/ },
  { name: 'node internals', re: /node:internal|internal\/(?:modules|process|streams)\// },
  { name: 'source location', re: /[\w-]+\.(?:ts|tsx|mts|cts|js|mjs|cjs):\d+(?::\d+)?\b/ },
  { name: 'JS error prefix', re: /\b(?:Type|Reference|Syntax|Range|Eval|URI|Aggregate|Sqlite|Database|Zod)?Error: / },
  { name: 'serialised stack', re: /"stack"\s*:/ },
  { name: 'dependency path', re: /node_modules\/|SQLITE_[A-Z]+|better-sqlite3/ },
];

/** The first stack-trace sign in `text`, or undefined. */
export function stackTraceIn(text: string): string | undefined {
  for (const p of STACK_TRACE) {
    const m = p.re.exec(text);
    if (m) return `${p.name}: ${JSON.stringify(m[0].slice(0, 80))}`;
  }
  return undefined;
}

/** Routes that serve HTML pages (and may answer an error as a page). */
export function isHtmlRoute(route: string): boolean {
  return /^[A-Z]+ \/(?:oauth\/authorize|console|wallet|venue|developers)(?:\/|$| )/.test(`${route} `);
}

/** The OAuth endpoints answer errors the RFC 6749 way. */
function isOAuthRoute(route: string): boolean {
  return /^[A-Z]+ \/oauth\//.test(route);
}

export interface Answer {
  /** 0 when there was no HTTP answer. */
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** Why `a` breaks the rules for a request to `route` with `method`, or undefined when it does not. */
export function judgeAnswer(route: string, method: string, a: Answer): string | undefined {
  if (a.status >= 500) return `status ${a.status}`;
  const jsonish = /json/i.test(a.contentType);
  if (a.status >= 400 || jsonish) {
    const trace = stackTraceIn(a.body);
    if (trace) return `stack trace in the body (${trace})`;
  }
  if (a.status < 400 || method === 'HEAD' || a.body === '') return undefined;
  if (isHtmlRoute(route) && /text\/html/i.test(a.contentType)) return undefined;
  if (!jsonish) return `error answer is ${a.contentType || 'untyped'}, not JSON`;
  let b: unknown;
  try {
    b = JSON.parse(a.body);
  } catch {
    return 'error answer is not valid JSON';
  }
  const o = (typeof b === 'object' && b !== null ? b : {}) as Record<string, unknown>;
  if (typeof o['error'] !== 'string' || o['error'] === '') return 'error answer has no string "error" code';
  if (typeof o['message'] === 'string') return undefined;
  if (isOAuthRoute(route) && (o['error_description'] === undefined || typeof o['error_description'] === 'string')) return undefined;
  return 'error answer has no string "message"';
}

/** Why a log line of the platform is a failure, or undefined. */
export function judgeLogLine(line: string): string | undefined {
  const trace = stackTraceIn(line);
  if (trace) return `stack trace in the log (${trace})`;
  if (line.startsWith('{')) {
    try {
      const level = (JSON.parse(line) as { level?: unknown }).level;
      if (typeof level === 'number' && level >= 50) return `log line at level ${level}`;
    } catch {
      // not a JSON line: judged by the patterns only
    }
  }
  return undefined;
}
