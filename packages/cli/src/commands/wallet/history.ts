/**
 * `wangzheng wallet history` — every use of the person's identity, newest first: each
 * verification attempt (passed, failed, declined, expired, refused) with the time, the
 * service's registered name, the mode and exactly what the service received; and every other
 * event (enrolled, locked, a device revoked, a consent withdrawn). docs/person.md.
 *
 * The output holds what services received about the person (masked fields, identifiers): it is
 * printed only to the person who asked.
 */
import { parseArgs } from 'node:util';
import type { HistoryEntry } from '@wangzheng/core/person/views';
import { InputError, type Ctx } from './context.ts';
import { COMMON, ME_OPTIONS, OUTCOME_NAMES, eventName, modeName, openMe, shown, when } from './me-context.ts';

export const HISTORY_USAGE = `usage: wangzheng wallet history [--limit N] ${COMMON}`;

function printEntry(ctx: Ctx, e: HistoryEntry): void {
  if (e.type === 'event') {
    const rp = typeof e.details['rp'] === 'string' ? `  ${shown(e.details['rp'])}` : '';
    ctx.io.out(`${when(e.at)}  ${eventName(e.kind)}${rp}`);
    return;
  }
  ctx.io.out(`${when(e.at)}  ${OUTCOME_NAMES[e.outcome] ?? shown(e.outcome)}  ${shown(e.rp.name)}${e.failure ? `  (${shown(e.failure)})` : ''}`);
  ctx.io.out(`    mode      ${modeName(e.mode)}`);
  ctx.io.out(`    asked     ${e.scopes.map(shown).join(', ')}`);
  if (e.disclosed) {
    const d = e.disclosed;
    const parts = [`result ${d.result}`];
    if (d.appId) parts.push(`your identifier there ${shown(d.appId)}`);
    for (const [k, val] of Object.entries(d.claims)) parts.push(`${shown(k)}=${shown(val)}`);
    if (d.faceSimilarity !== undefined) parts.push(`face similarity ${d.faceSimilarity}`);
    ctx.io.out(`    received  ${parts.join('; ')}`);
  } else {
    ctx.io.out('    received  nothing yet');
  }
}

export async function historyCommand(args: string[], ctx: Ctx): Promise<number> {
  const { values: v } = parseArgs({ args, options: { ...ME_OPTIONS, limit: { type: 'string' } }, strict: true });
  const limit = v.limit === undefined ? undefined : Number(v.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 500)) throw new InputError('--limit takes a whole number from 1 to 500');
  const { me } = await openMe(ctx, v);
  const history = await me.history(limit);
  if (v.json) {
    ctx.io.out(JSON.stringify({ history }, null, 2));
    return 0;
  }
  if (history.length === 0) ctx.io.out('no history yet 暂无记录');
  for (const e of history) printEntry(ctx, e);
  return 0;
}
