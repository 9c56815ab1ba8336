/**
 * `wangzheng wallet export [--out FILE]` — everything the platform holds about the person, as one
 * JSON document (right of access, PIPL Art. 45): profile, application identifiers, devices,
 * 网证, consents, history. docs/person.md.
 *
 * The document holds the person's name, document number and phone in clear: with --out it is
 * written to FILE only (mode 0600, never over an existing file) and not printed; without it it
 * is the command's output, for the person who asked.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TargetExistsError, writeFileAtomic } from '@wangzheng/wallet/atomic-file';
import { InputError, type Ctx } from './context.ts';
import { COMMON, ME_OPTIONS, openMe } from './me-context.ts';

export const EXPORT_USAGE = `usage: wangzheng wallet export [--out FILE] ${COMMON}   (FILE is written 0600 and never overwritten)`;

export async function exportCommand(args: string[], ctx: Ctx): Promise<number> {
  const { values: v } = parseArgs({ args, options: { ...ME_OPTIONS, out: { type: 'string' } }, strict: true });
  if (v.out === '') throw new InputError('--out needs a file name');
  const { me } = await openMe(ctx, v);
  const doc = await me.export();
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  if (v.out === undefined) {
    ctx.io.out(text);
    return 0;
  }
  const path = resolve(v.out);
  try {
    await writeFileAtomic(path, Buffer.from(text, 'utf8'), { noClobber: true });
  } catch (e) {
    if (e instanceof TargetExistsError) throw new InputError(`${v.out} already exists; choose another file`);
    throw e;
  }
  ctx.io.out(`exported 已导出 to ${path}: ${doc.devices.length} device(s), ${doc.credentials.length} 网证, ${doc.consents.length} consent(s), ${doc.history.length} history entries`);
  return 0;
}
