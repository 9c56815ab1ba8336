/**
 * Test helpers for the operations suites: a strict reader of the Prometheus text exposition
 * format 0.0.4 (every line must be a HELP, a TYPE, a sample of a declared family, or empty — a
 * line that is none of these fails the test), and a pino logger whose lines are kept.
 */
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
const VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
/** Go's ParseFloat, as Prometheus reads a value: NaN and Inf in any case (prom-client writes `Nan`). */
const NUMBER = '(?:[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|[nN][aA][nN]|[+-]?[iI][nN][fF](?:[iI][nN][iI][tT][yY])?)';
const HELP = new RegExp(`^# HELP (${NAME}) (?:[^\\\\\\n]|\\\\[\\\\n])*$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL}=${VALUE})(?:,${LABEL}=${VALUE})*,?)?\\})? (${NUMBER})(?: -?\\d+)?$`);
const PAIR = new RegExp(`(${LABEL})=(${VALUE})`, 'g');

/** Parses `text` strictly; throws naming the first line (by number) that is not valid. */
export function parsePrometheusText(text: string): { samples: Sample[]; types: Map<string, string> } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    if (HELP.test(line)) return;
    const t = TYPE.exec(line);
    if (t) {
      if (types.has(t[1]!)) throw new Error(`line ${i + 1}: a second TYPE for one family`);
      types.set(t[1]!, t[2]!);
      return;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`line ${i + 1} is not Prometheus text format: ${JSON.stringify(line.slice(0, 80))}`);
    const name = m[1]!;
    const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
    const type = types.get(family);
    if (type === undefined || (family !== name && type !== 'histogram' && type !== 'summary')) throw new Error(`line ${i + 1}: sample of an undeclared family ${name}`);
    const labels: Record<string, string> = {};
    for (const p of (m[2] ?? '').matchAll(PAIR)) labels[p[1]!] = JSON.parse(p[2]!) as string;
    samples.push({ name, labels, value: numberOf(m[3]!) });
  });
  return { samples, types };
}

/** The sum of the samples named `name` whose labels include every one of `labels`. */
export function valueOf(samples: readonly Sample[], name: string, labels: Readonly<Record<string, string>> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
}

/** A debug-level pino logger that keeps every line. */
export function capturingLogger(): { logger: Logger; lines: () => Record<string, unknown>[]; text: () => string } {
  let text = '';
  const logger = pino({ level: 'debug' }, new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) }));
  return { logger, text: () => text, lines: () => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

function numberOf(v: string): number {
  const l = v.toLowerCase();
  if (l === 'nan') return NaN;
  if (/^[+-]?inf(inity)?$/.test(l)) return l.startsWith('-') ? -Infinity : Infinity;
  return Number(v);
}
