/**
 * The questions `wallet enroll` asks on a terminal when a flag is missing: the document type
 * (the eight legal types with their Chinese names), a new passphrase (twice, without echo,
 * checked against the rules before it travels), and the two separate consents to the notice.
 */
import { DOCUMENT_TYPES, DOCUMENT_TYPE_INFO, isDocumentType, type DocumentType } from '@wangzheng/core/documents/document-types';
import { checkPassphrase, PASSPHRASE_PROBLEM_MESSAGES } from '@wangzheng/core/passphrase/policy';
import type { NoticeView } from '@wangzheng/wallet/enroll/enroll';
import { InputError, type Ctx } from './context.ts';
import { printNotice } from './notice.ts';

const MAX_TRIES = 3;

export async function askDocumentType(ctx: Ctx): Promise<DocumentType> {
  ctx.io.out('Document types (证件类型):');
  DOCUMENT_TYPES.forEach((t, i) => ctx.io.out(`  ${i + 1}. ${DOCUMENT_TYPE_INFO[t].zh}  ${t}`));
  for (let i = 0; i < MAX_TRIES; i++) {
    const a = await ctx.prompter.ask(`document type (1–${DOCUMENT_TYPES.length} or its code): `);
    const byNumber = /^[0-9]+$/.test(a) ? DOCUMENT_TYPES[Number(a) - 1] : undefined;
    const t = byNumber ?? (isDocumentType(a) ? a : undefined);
    if (t) return t;
    ctx.io.err('not one of the listed document types');
  }
  throw new InputError('no valid document type given', 'unknown_document_type');
}

/** A passphrase refused by the rules the wallet can check (the platform adds the birth-date rule). */
export function passphraseProblem(p: string): InputError | undefined {
  const problem = checkPassphrase(p);
  return problem ? new InputError(PASSPHRASE_PROBLEM_MESSAGES[problem], 'weak_passphrase') : undefined;
}

export async function askNewPassphrase(ctx: Ctx, question = 'choose a passphrase (口令, 8 digits): '): Promise<string> {
  for (let i = 0; i < MAX_TRIES; i++) {
    const p = await ctx.prompter.secret(question);
    const bad = passphraseProblem(p);
    if (bad) {
      ctx.io.err(bad.message);
      continue;
    }
    if ((await ctx.prompter.secret('repeat the passphrase: ')) === p) return p;
    ctx.io.err('the two entries differ');
  }
  throw new InputError('no acceptable passphrase given', 'weak_passphrase');
}

/** The two consents, asked separately (PIPL Art. 14 and 29). */
export async function askConsents(ctx: Ctx, notice: NoticeView): Promise<boolean> {
  printNotice(ctx.io, notice);
  const processing = await ctx.prompter.confirm('Do you consent to the processing described in this notice? 您是否同意本告知所述的个人信息处理？');
  if (!processing) return false;
  return ctx.prompter.confirm('Do you separately consent to the processing of your face data and identity document? 您是否单独同意处理您的人脸信息和身份证件信息？');
}
