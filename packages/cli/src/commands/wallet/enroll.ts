/**
 * `wangzheng wallet enroll`: the person's side of enrollment (申领), from a terminal or a script.
 *
 * Order: the flags' own consistency; without a terminal every value flag is checked locally
 * (document type and number format, phone, passphrase rules — the birth date too when the
 * number carries it) so bad input never reaches the network. Then the wallet, before any
 * question or notice: an existing keystore is opened (a wrong passphrase is asked again on a
 * terminal) and one that already holds its own 网证 refuses; a guardian's keystore is opened
 * and must hold the guardian's 网证. Then, on a terminal, what is missing or wrong is asked
 * (a typo is shown and asked again); then the notice and the two consents; then a new
 * passphrase (asked twice, with the reason when one breaks a rule) and the keystore, created
 * and sealed under the same 8 digits the platform will hold as a hash; then the platform's
 * steps, one line each.
 *
 * On a terminal an enrollment does not end on what the person can correct: a document number
 * the registry does not know at the chip step (asked again, and the enrollment starts over),
 * a wrong SMS code (the person types the code; asked again while the platform allows tries),
 * a passphrase the platform refuses for the birth date (asked again; the new keystore is
 * re-sealed under the new one). Without a terminal each of these ends it with its code.
 *
 * A guardian enrolling a child under 14 (`--guardian-wallet`): the guardian's own 网证 and
 * device key authenticate. The child's 网证 must be bound to a device key of its own (the
 * platform refuses a key already bound to a credential — the guardian's), so a ward keystore
 * `ward-<网号>.json` is created beside the guardian's, sealed under the child's passphrase;
 * the guardian's keystore keeps the child's 网证 as a `ward` credential.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DOCUMENT_TYPE_INFO, type DocumentType } from '@wangzheng/core/documents/document-types';
import { WzError, isWzError } from '@wangzheng/core/errors';
import { createKeystore, keystoreExists, type Wallet } from '@wangzheng/wallet';
import { enroll, type Correctable, type EnrollStep, type NoticeView } from '@wangzheng/wallet/enroll/enroll';
import { simulatedHardware } from '@wangzheng/wallet/enroll/simulator';
import { keySigner, nodeDigest, nodeHolder } from '@wangzheng/wallet/holder/node';
import { cli } from '../../util/invocation.ts';
import { InputError, defaultOutbox, defaultPlatformUrl, defaultRegistryUrl, defaultWalletDir, serviceUrl, type Ctx } from './context.ts';
import { ObservedClient, checkIssued, namedHardware, writePending } from './holder.ts';
import {
  MAX_TRIES,
  askConsents,
  askNewPassphrase,
  birthDateOf,
  documentNumberOrAsk,
  documentTypeOrAsk,
  newPassphraseOrAsk,
  openExisting,
  passphraseProblem,
  phoneOrAsk,
} from './questions.ts';
import { confirmReplacement } from './replacement.ts';
import { smsCodes } from './sms.ts';
import { stepPrinter } from './steps.ts';

/** What the registry answers at the chip step for a number it does not know (a typing error, most often). */
const RETYPE_CODES: ReadonlySet<string> = new Set(['unknown_person', 'invalid_document']);

export const ENROLL_USAGE = `usage: wangzheng wallet enroll --document-type T --document-number N --phone P [--passphrase 8DIGITS]
         [--label L] [--suite gm|intl] [--face self|other] [--outbox FILE] [--yes]
         [--guardian-wallet DIR --guardian-passphrase X [--ward-label L]]
         [--wallet DIR] [--platform URL] [--registry URL]`;

export async function enrollCommand(args: string[], ctx: Ctx): Promise<number> {
  const { values: v } = parseArgs({
    args,
    options: {
      wallet: { type: 'string' },
      platform: { type: 'string' },
      registry: { type: 'string' },
      'document-type': { type: 'string' },
      'document-number': { type: 'string' },
      phone: { type: 'string' },
      passphrase: { type: 'string' },
      label: { type: 'string' },
      suite: { type: 'string' },
      face: { type: 'string' },
      'guardian-wallet': { type: 'string' },
      'guardian-passphrase': { type: 'string' },
      'ward-label': { type: 'string' },
      outbox: { type: 'string' },
      yes: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const { io, env, prompter } = ctx;
  const interactive = prompter.interactive;
  const guardianDir = v['guardian-wallet'];

  // ---- the flags' own consistency
  if (v.suite !== undefined && v.suite !== 'gm' && v.suite !== 'intl') throw new InputError('--suite must be gm or intl');
  if (v.face !== undefined && v.face !== 'self' && v.face !== 'other') throw new InputError('--face must be self or other');
  if (guardianDir !== undefined && v.wallet !== undefined) throw new InputError('--guardian-wallet stores the child’s 网证 in the guardian’s wallet; do not also give --wallet');
  if (guardianDir === undefined && (v['guardian-passphrase'] !== undefined || v['ward-label'] !== undefined)) {
    throw new InputError('--guardian-passphrase and --ward-label go with --guardian-wallet');
  }
  if (v['ward-label'] !== undefined && (v['ward-label'].length === 0 || v['ward-label'].length > 64 || /[\p{Cc}\p{Cs}]/u.test(v['ward-label']))) {
    throw new InputError('--ward-label must be 1 to 64 characters without control characters');
  }
  if (!interactive) {
    const missing = ['document-type', 'document-number', 'phone', 'passphrase', ...(guardianDir !== undefined ? ['guardian-passphrase'] : [])].filter(
      (f) => v[f as keyof typeof v] === undefined || v[f as keyof typeof v] === '',
    );
    if (missing.length > 0) throw new InputError(`missing ${missing.map((f) => `--${f}`).join(', ')}`, undefined, true);
    if (!v.yes) {
      throw new InputError('enrollment needs your two consents to the notice (GET /v1/enrollment-notice); without a terminal to ask, pass --yes to give them', 'consent_required');
    }
  }
  const platformUrl = serviceUrl(v.platform ?? defaultPlatformUrl(env), 'platform');
  const registryUrl = serviceUrl(v.registry ?? defaultRegistryUrl(env), 'registry');
  const target = guardianDir ?? v.wallet ?? defaultWalletDir(env);

  // ---- what the person enrolls with: the flags, checked locally; on a terminal, asked (again) when missing or wrong
  let documentType: DocumentType = 'resident_id_card';
  let documentNumber = '';
  let phone = '';
  const gather = async (): Promise<void> => {
    documentType = await documentTypeOrAsk(ctx, v['document-type']);
    documentNumber = await documentNumberOrAsk(ctx, documentType, v['document-number']);
    phone = await phoneOrAsk(ctx, v.phone);
  };
  if (!interactive) {
    // Flags only: every value is checked before anything else, nothing reaches the network until all pass.
    await gather();
    const bad = passphraseProblem(v.passphrase!, birthDateOf(documentType, documentNumber));
    if (bad) throw bad;
  }

  // ---- the wallet, before any question or notice: it must be able to enroll, and its passphrase must open it
  let existing: { wallet: Wallet; passphrase: string } | undefined; // the person's own keystore, already there
  let guardian: { wallet: Wallet; credential: string } | undefined;
  if (guardianDir !== undefined) {
    const g = await openExisting(ctx, guardianDir, v['guardian-passphrase'], { flag: 'guardian-passphrase', question: 'the guardian’s passphrase (opens the guardian’s wallet): ' });
    const credential = g.wallet.credentials.find((c) => c.holder === 'self')?.sdJwt;
    if (!credential) throw new WzError('invalid_credential', 'The guardian’s wallet holds no 网证 of its own; the guardian enrolls first.');
    guardian = { wallet: g.wallet, credential };
  } else if (await keystoreExists(target)) {
    existing = await openExisting(ctx, target, v.passphrase, { question: 'passphrase (opens your wallet; the same 8 digits become your 网证’s): ' });
    const own = existing.wallet.credentials.find((c) => c.holder === 'self');
    if (own) {
      throw new WzError(
        'conflict',
        `This wallet already holds a 网证 (网号 ${own.netid}) and its device key is bound to it; enroll again from a new wallet directory (--wallet DIR).`,
      );
    }
    if (v.suite !== undefined && v.suite !== existing.wallet.suite) io.err(`note: this wallet uses suite ${existing.wallet.suite}; --suite ${v.suite} applies to new wallets only`);
  }

  if (interactive) await gather();
  const birthDate = (): string | undefined => birthDateOf(documentType, documentNumber);
  // ---- the SMS code, and the refusals a person can answer again (on a terminal)
  const sms = smsCodes(ctx, v.outbox ?? defaultOutbox(env));
  let sealedUnder = ''; // what `bound` is sealed under: the passphrase the platform gets
  let passphraseRefusals = 0;
  let bound: Wallet | undefined; // whose device key the new 网证 is bound to (assigned once the keystores are open)
  /**
   * The passphrase step's answer: the one chosen above; on a terminal, when the platform refuses
   * it (its birth-date rule, which the wallet cannot check for every document type), another
   * one — and the new keystore is sealed under it.
   */
  const passphraseAnswer = async (refused?: Correctable): Promise<string> => {
    if (!refused) return sealedUnder;
    if (!interactive || !bound || (passphraseRefusals += 1) > MAX_TRIES) throw new WzError('weak_passphrase', refused.message);
    io.err(`${refused.message} [${refused.code}]`);
    const next = await askNewPassphrase(ctx, 'choose another passphrase (口令, 8 digits): ', birthDate());
    await bound.changePassphrase(sealedUnder, next);
    sealedUnder = next;
    io.out(`the wallet keystore ${bound.path} is now sealed under the new passphrase`);
    return next;
  };

  // ---- notice and consents (before anything about the person is read)
  const client = new ObservedClient(platformUrl);
  let consented: string | undefined;
  if (!v.yes) {
    const notice = await client.get<NoticeView>('/v1/enrollment-notice');
    if (!(await askConsents(ctx, notice))) throw new WzError('consent_required', 'Enrollment needs both consents; nothing was sent.');
    consented = notice.digest;
  }
  const passphrase =
    existing?.passphrase ??
    (await newPassphraseOrAsk(ctx, v.passphrase, { birthDate: birthDate(), ...(guardian ? { question: 'choose the child’s passphrase (口令, 8 digits): ' } : {}) }));
  sealedUnder = passphrase;

  // ---- keystores
  let wallet: Wallet; // holds the credential in the end: the person's own, or the guardian's
  let createdFile: string | undefined; // removed again if the enrollment fails
  if (guardian) {
    wallet = guardian.wallet;
    const fileName = `ward-new-${randomBytes(6).toString('hex')}.json`;
    bound = await createKeystore(guardianDir!, passphrase, { suite: wallet.suite, ...(ctx.kdf ? { kdf: ctx.kdf } : {}), ...(v.label ? { label: v.label } : {}), fileName });
    createdFile = bound.path;
  } else if (existing) {
    wallet = existing.wallet;
    bound = wallet;
  } else {
    wallet = await createKeystore(target, passphrase, { suite: v.suite === 'intl' ? 'intl' : 'gm', ...(ctx.kdf ? { kdf: ctx.kdf } : {}), ...(v.label ? { label: v.label } : {}) });
    bound = wallet;
    createdFile = wallet.path;
    io.out(`created a wallet in ${target} (${wallet.suite === 'gm' ? 'SM2 device key, SM4-GCM' : 'ES256 device key, AES-256-GCM'}; sealed under your passphrase)`);
  }
  const device: Wallet = bound;

  // ---- the platform's steps
  const kid = device.deviceKey.publicKey.thumbprint;
  const steps = stepPrinter(ctx, client, guardian !== undefined, () => kid);
  io.out(`enrolling with a ${DOCUMENT_TYPE_INFO[documentType].zh} (${documentType}) at ${platformUrl}`);
  const label = v.label ?? device.label;
  let result: Awaited<ReturnType<typeof enroll>>;
  let issuer: string | undefined;
  for (;;) {
    const progress: { at?: EnrollStep } = {}; // the step under way, to tell a chip refusal from the others
    const hardware = namedHardware(
      simulatedHardware({ registryUrl, documentType, documentNumber, faceOf: v.face === 'other' ? 'other' : 'self', outboxFile: v.outbox ?? defaultOutbox(env) }),
      registryUrl,
    );
    try {
      result = await enroll({
        platform: client,
        hardware: { ...hardware, readSmsCode: (p, refused) => sms.read(p, refused) },
        documentType,
        phone,
        passphrase: passphraseAnswer,
        signer: keySigner(device.deviceKey),
        digest: nodeDigest,
        ...(label ? { label } : {}),
        ...(guardian ? { guardian: nodeHolder(guardian.credential, wallet.deviceKey) } : {}),
        confirmReplacement: () => confirmReplacement(ctx, v.yes === true),
        consent: async (notice) => {
          if (notice.digest === consented) return { processing: true, sensitive: true };
          if (v.yes) {
            io.out(`consenting to notice ${notice.version} and, separately, to the face and document data (--yes)`);
            return { processing: true, sensitive: true };
          }
          io.out('The notice changed since you read it:');
          const ok = await askConsents(ctx, notice);
          return { processing: ok, sensitive: ok };
        },
        onStep: (step, detail) => {
          if (step === 'start') return;
          progress.at = step;
          // The first step after start: the last answer is start's, which names the issuer.
          issuer ??= (client.last as { issuer?: string } | undefined)?.issuer;
          steps.onStep(step, detail);
        },
      });
      break;
    } catch (e) {
      steps.fail();
      if (interactive && progress.at === 'chip' && isWzError(e) && RETYPE_CODES.has(e.code)) {
        // Nothing about the person was accepted: the number may be mistyped. That attempt has
        // ended at the platform (or never reached it); a new one starts with the new number.
        io.err(`the registry knows no ${DOCUMENT_TYPE_INFO[documentType].zh} (${documentType}) with this number (${e.message}) — a typing error?`);
        if (await prompter.confirm('Type the document number again? 是否重新输入证件号码？')) {
          documentNumber = await documentNumberOrAsk(ctx, documentType, undefined);
          io.out(`enrolling again with the new number at ${platformUrl}`);
          continue;
        }
      }
      if (createdFile) await rm(createdFile, { force: true }); // nothing was bound to it
      throw e;
    }
  }
  if (!issuer) throw new WzError('internal_error', 'The platform did not name its issuer.');

  if (result.status === 'awaiting_guardian') {
    const file = await writePending(target, { v: 1, platform: platformUrl, issuer, deviceKid: kid, pending: result.pending });
    const code = `${result.approvalCode.slice(0, 4)}-${result.approvalCode.slice(4)}`;
    io.out('');
    io.out('A guardian must approve this enrollment (14–17 years: 需监护人同意). Give them this code:');
    io.out('');
    io.out(`    approval code   ${code}`);
    io.out('');
    io.out(`The guardian runs, from their own wallet:   ${cli(env, `wallet approve --code ${code}`)}`);
    io.out(`Then collect your 网证 here:                 ${cli(env, `wallet collect${target === defaultWalletDir(env) ? '' : ` --wallet ${target}`}`)}`);
    io.out(`(the pending enrollment is kept in ${file}, mode 0600; it expires ${result.pending.expiresAt})`);
    return 0;
  }

  const stored = await checkIssued(client, result, { issuer, device: device.deviceKey.publicKey }, 'self');
  if (guardian) {
    // The child's own keystore (their device key and 网证), then the guardian's copy.
    device.addCredential(stored);
    await device.save();
    const wardFile = join(guardianDir!, `ward-${stored.netid}.json`);
    await rename(device.path, wardFile);
    wallet.addCredential({ ...stored, holder: 'ward', ...(v['ward-label'] ? { wardLabel: v['ward-label'] } : {}) });
    await wallet.save();
    printIssued(ctx, stored, device, `${wallet.path} (as a ward), device key in ${wardFile}`);
  } else {
    wallet.addCredential(stored);
    await wallet.save();
    printIssued(ctx, stored, device, wallet.path);
  }
  return 0;
}

export function printIssued(ctx: Ctx, c: { netid: string; credentialId: string; issuedAt: string; expiresAt: string }, device: Wallet, where: string): void {
  ctx.io.out('');
  ctx.io.out('网证 issued');
  ctx.io.out(`  网号         ${c.netid}`);
  ctx.io.out(`  credential   ${c.credentialId}`);
  ctx.io.out(`  valid        ${c.issuedAt} → ${c.expiresAt}`);
  ctx.io.out(`  device key   ${device.deviceKey.alg} ${device.deviceKey.publicKey.thumbprint}${device.label ? ` (${device.label})` : ''}`);
  ctx.io.out(`  stored in    ${where}`);
}
