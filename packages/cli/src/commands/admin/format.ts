/**
 * How `wangzheng admin` prints: aligned tables (a CJK character is two columns wide on a
 * terminal), `label value` blocks, and the names of every closed set in Chinese and English —
 * the house style of the wallet's commands, whose `shown` and `when` it reuses.
 *
 * Everything the platform answered goes through `shown` (control characters removed) before it
 * reaches the terminal.
 */
import type { Io } from '../../io.ts';
import { shown, when } from '../wallet/me-context.ts';

export { categoryName, eventName, modeName, OUTCOME_NAMES, shown, when } from '../wallet/me-context.ts';

/** Terminal columns of `s`: East Asian wide and full-width characters take two. */
export function width(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const wide =
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf && c !== 0x303f) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x20000 && c <= 0x3fffd);
    w += wide ? 2 : 1;
  }
  return w;
}

export function pad(s: string, w: number): string {
  return s + ' '.repeat(Math.max(0, w - width(s)));
}

/** A header row and data rows, columns two spaces apart, no trailing blanks. */
export function table(io: Io, header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (r: readonly string[]) => r.map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]!))).join('  ').trimEnd();
  io.out(line(header));
  for (const r of rows) io.out(line(r));
}

/** `label value` lines with the values aligned; `undefined` rows are skipped. */
export function block(io: Io, rows: readonly (readonly [string, string] | undefined)[], indent = '  '): void {
  const present = rows.filter((r): r is readonly [string, string] => r !== undefined);
  const w = Math.max(...present.map(([l]) => width(l)));
  for (const [l, v] of present) io.out(`${indent}${pad(l, w)}  ${v}`);
}

/** The bilingual name of a value of a closed set, or the value itself (shown) if the set grew. */
export function named(names: Readonly<Record<string, string>>, v: unknown): string {
  return typeof v === 'string' && Object.hasOwn(names, v) ? names[v]! : shown(v);
}

export function json(io: Io, v: unknown): void {
  io.out(JSON.stringify(v, null, 2));
}

/** An epoch-milliseconds or ISO time as the wallet prints times. */
export function at(t: unknown): string {
  if (typeof t === 'number') return when(new Date(t).toISOString());
  return typeof t === 'string' ? when(t) : '-';
}

export const RP_STATUS_NAMES: Record<string, string> = {
  pending: '待审核 pending',
  approved: '已批准 approved',
  rejected: '已拒绝 rejected',
  suspended: '已暂停 suspended',
};

export const BAN_STATE_NAMES: Record<string, string> = {
  requested: '待批准 requested',
  active: '封禁中 active',
  unban_requested: '解封待批准 unban requested',
  lifted: '已解封 lifted',
  withdrawn: '已撤销 withdrawn',
};

export const BAN_REASON_NAMES: Record<string, string> = {
  fraud: '欺诈 fraud',
  identity_theft: '冒用身份 identity theft',
  court_order: '法院裁定 court order',
  other_legal: '其他法定事由 other legal',
};

export const DISCLOSURE_STATE_NAMES: Record<string, string> = {
  requested: '待批准 requested',
  approved: '已批准 approved',
  rejected: '已拒绝 rejected',
};

export const STREAM_STATUS_NAMES: Record<string, string> = {
  enabled: '启用 enabled',
  paused: '暂停 paused',
  disabled: '停用 disabled',
};

export const SEX_NAMES: Record<string, string> = { M: '男 M', F: '女 F' };
