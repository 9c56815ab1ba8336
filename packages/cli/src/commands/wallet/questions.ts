/**
 * The questions `wallet enroll` asks on a terminal when a flag is missing or wrong: the
 * document type (the eight legal types with their Chinese names), the document number and the
 * mobile number (checked locally; a typo is shown and asked again), a new passphrase (twice,
 * without echo, checked against the rules — the birth date too when the number carries it —
 * before it travels), the passphrase of an existing wallet (asked again when it does not open
 * it), and the two separate consents to the notice.
 *
 * Without a terminal nothing is asked: a missing or wrong flag is an error with its stable code.
 */
import { parseMobile } from '@wangzheng/core/contact/phone';
import { DOCUMENT_TYPES, DOCUMENT_TYPE_INFO, isDocumentType, type DocumentType } from '@wangzheng/core/documents/document-types';
import { assertDocumentNumber } from '@wangzheng/core/documents/numbers';
import { isWzError, type WzError } from '@wangzheng/core/errors';
import { checkPassphrase, PASSPHRASE_PROBLEM_MESSAGES } from '@wangzheng/core/passphrase/policy';
import { openKeystore, type Wallet } from '@wangzheng/wallet';
import { isWalletError } from '@wangzheng/wallet/errors';
import type { NoticeView } from '@wangzheng/wallet/enroll/enroll';
import { InputError, type Ctx } from './context.ts';
import { printNotice } from './notice.ts';

/** Wrong answers to one question before the command gives up (exit 2; a wrong passphrase exit 1). */
export const MAX_TRIES = 3;

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

/** `--document-type`, or (on a terminal) chosen from the list — also when the flag names no type. */
export async function documentTypeOrAsk(ctx: Ctx, given: string | undefined): Promise<DocumentType> {
  if (given !== undefined && isDocumentType(given)) return given;
  if (given !== undefined) {
    const message = `unknown document type; expected one of: ${DOCUMENT_TYPES.join(', ')}`;
    if (!ctx.prompter.interactive) throw new InputError(message, 'unknown_document_type');
    ctx.io.err(`--document-type: ${message}`);
  } else if (!ctx.prompter.interactive) {
    throw new InputError('missing --document-type', undefined, true);
  }
  return askDocumentType(ctx);
}

/**
 * A value checked locally: the flag's, else asked. A wrong value is bad input (exit 2, its
 * stable code) without a terminal; on one, the reason is shown and the question asked again.
 */
export async function checkedOrAsk<T>(ctx: Ctx, o: { given: string | undefined; flag: string; question: string; check: (s: string) => T }): Promise<T> {
  const attempt = (s: string): { ok: true; value: T } | { ok: false; error: WzError } => {
    try {
      return { ok: true, value: o.check(s) };
    } catch (e) {
      if (isWzError(e)) return { ok: false, error: e };
      throw e;
    }
  };
  if (o.given !== undefined && o.given !== '') {
    const r = attempt(o.given);
    if (r.ok) return r.value;
    if (!ctx.prompter.interactive) throw new InputError(r.error.message, r.error.code);
    ctx.io.err(`--${o.flag}: ${r.error.message} Type it again.`);
  } else if (!ctx.prompter.interactive) {
    throw new InputError(`missing --${o.flag}`, undefined, true);
  }
  let last: WzError | undefined;
  for (let i = 0; i < MAX_TRIES; i++) {
    const a = await ctx.prompter.ask(o.question);
    if (a === '') {
      ctx.io.err(`no ${o.flag.replaceAll('-', ' ')} given`);
      continue;
    }
    const r = attempt(a);
    if (r.ok) return r.value;
    last = r.error;
    ctx.io.err(i + 1 < MAX_TRIES ? `${r.error.message} Type it again.` : r.error.message);
  }
  throw last ? new InputError(last.message, last.code) : new InputError(`no ${o.flag.replaceAll('-', ' ')} given`);
}

export function documentNumberOrAsk(ctx: Ctx, type: DocumentType, given: string | undefined): Promise<string> {
  return checkedOrAsk(ctx, { given, flag: 'document-number', question: `document number (${DOCUMENT_TYPE_INFO[type].zh}): `, check: (s) => assertDocumentNumber(type, s) });
}

export function phoneOrAsk(ctx: Ctx, given: string | undefined): Promise<string> {
  return checkedOrAsk(ctx, { given, flag: 'phone', question: 'mobile number (手机号): ', check: parseMobile });
}

/** The types whose number embeds the birth date (GB 11643 layout: 6 characters, then YYYYMMDD). */
const BIRTH_DATE_IN_NUMBER: readonly DocumentType[] = ['resident_id_card', 'hk_macau_residence_permit', 'taiwan_residence_permit', 'foreign_permanent_residence_id'];

/** The birth date (YYYY-MM-DD) a checked document number carries, when its type has one. */
export function birthDateOf(type: DocumentType, number: string): string | undefined {
  if (!BIRTH_DATE_IN_NUMBER.includes(type)) return undefined;
  const ymd = number.slice(6, 14);
  return /^[0-9]{8}$/.test(ymd) ? `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}` : undefined;
}

/**
 * A passphrase refused by the rules the wallet can check: the platform's own, including the
 * birth date when the wallet knows it (from the document number); the platform checks again.
 */
export function passphraseProblem(p: string, birthDate?: string): InputError | undefined {
  const problem = checkPassphrase(p, birthDate ? { birthDate } : {});
  return problem ? new InputError(PASSPHRASE_PROBLEM_MESSAGES[problem], 'weak_passphrase') : undefined;
}

export async function askNewPassphrase(ctx: Ctx, question = 'choose a passphrase (口令, 8 digits): ', birthDate?: string): Promise<string> {
  for (let i = 0; i < MAX_TRIES; i++) {
    const p = await ctx.prompter.secret(question);
    const bad = passphraseProblem(p, birthDate);
    if (bad) {
      ctx.io.err(i + 1 < MAX_TRIES ? `${bad.message} Choose another.` : bad.message);
      continue;
    }
    if ((await ctx.prompter.secret('repeat the passphrase: ')) === p) return p;
    ctx.io.err('the two entries differ');
  }
  throw new InputError('no acceptable passphrase given', 'weak_passphrase');
}

/**
 * A new passphrase: `--passphrase` if it keeps the rules, else (on a terminal) asked with the
 * reason; without a terminal a weak one is bad input (exit 2, `weak_passphrase`).
 */
export async function newPassphraseOrAsk(ctx: Ctx, given: string | undefined, o: { question?: string; birthDate?: string | undefined } = {}): Promise<string> {
  if (given !== undefined && given !== '') {
    const bad = passphraseProblem(given, o.birthDate);
    if (!bad) return given;
    if (!ctx.prompter.interactive) throw bad;
    ctx.io.err(`--passphrase: ${bad.message} Choose another.`);
  } else if (!ctx.prompter.interactive) {
    throw new InputError('missing --passphrase', undefined, true);
  }
  return askNewPassphrase(ctx, o.question, o.birthDate);
}

/**
 * Opens an existing keystore: with the flag's passphrase, or asked without echo. A passphrase
 * that does not open it is `wrong_passphrase` (exit 1) without a terminal; on one it is asked
 * again, up to MAX_TRIES in all.
 */
export async function openExisting(
  ctx: Ctx,
  dir: string,
  given: string | undefined,
  o: { flag?: string; question: string; fileName?: string },
): Promise<{ wallet: Wallet; passphrase: string }> {
  const flag = o.flag ?? 'passphrase';
  const open = (p: string): Promise<Wallet> => openKeystore(dir, p, o.fileName ? { fileName: o.fileName } : {});
  let tries = 0;
  if (given !== undefined && given !== '') {
    tries += 1;
    try {
      return { wallet: await open(given), passphrase: given };
    } catch (e) {
      if (!ctx.prompter.interactive || !isWalletError(e, 'wrong_passphrase')) throw e;
      ctx.io.err(`--${flag}: ${e.message}`);
    }
  } else if (!ctx.prompter.interactive) {
    throw new InputError(`missing --${flag}`, undefined, true);
  }
  for (;;) {
    const p = await ctx.prompter.secret(o.question);
    if (p === '') throw new InputError(`no ${flag.replaceAll('-', ' ')} given`);
    tries += 1;
    try {
      return { wallet: await open(p), passphrase: p };
    } catch (e) {
      if (!isWalletError(e, 'wrong_passphrase') || tries >= MAX_TRIES) throw e;
      ctx.io.err(`${e.message} Try again.`);
    }
  }
}

/** The two consents, asked separately (PIPL Art. 14 and 29). */
export async function askConsents(ctx: Ctx, notice: NoticeView): Promise<boolean> {
  printNotice(ctx.io, notice);
  const processing = await ctx.prompter.confirm('Do you consent to the processing described in this notice? 您是否同意本告知所述的个人信息处理？');
  if (!processing) return false;
  return ctx.prompter.confirm('Do you separately consent to the processing of your face data and identity document? 您是否单独同意处理您的人脸信息和身份证件信息？');
}
