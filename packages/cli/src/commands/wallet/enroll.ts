/**
 * `wangzheng wallet enroll`: the person's side of enrollment (申领), from a terminal or a script.
 *
 * Order: every flag is checked locally first (document type and number format, phone,
 * passphrase rules) so bad input never reaches the network; then the notice and the two
 * consents; then the keystore (created on first use, sealed under the same 8-digit passphrase
 * the platform will hold as a hash); then the platform's steps, one line each.
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
import { parseMobile } from '@wangzheng/core/contact/phone';
import { DOCUMENT_TYPES, DOCUMENT_TYPE_INFO, isDocumentType, type DocumentType } from '@wangzheng/core/documents/document-types';
import { assertDocumentNumber } from '@wangzheng/core/documents/numbers';
import { WzError } from '@wangzheng/core/errors';
import { createKeystore, keystoreExists, openKeystore, type Wallet } from '@wangzheng/wallet';
import { enroll, type NoticeView } from '@wangzheng/wallet/enroll/enroll';
import { simulatedHardware } from '@wangzheng/wallet/enroll/simulator';
import { InputError, asInput, defaultOutbox, defaultPlatformUrl, defaultRegistryUrl, defaultWalletDir, passphraseOrAsk, serviceUrl, valueOrAsk, type Ctx } from './context.ts';
import { ObservedClient, checkIssued, namedHardware, writePending } from './holder.ts';
import { askConsents, askDocumentType, askNewPassphrase, passphraseProblem } from './questions.ts';
import { confirmReplacement } from './replacement.ts';
import { stepPrinter } from './steps.ts';
import { keySigner, nodeDigest, nodeHolder } from '@wangzheng/wallet/holder/node';

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

  // ---- local checks: nothing below touches the network until all of them pass
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

  const rawType = v['document-type'];
  if (rawType !== undefined && !isDocumentType(rawType)) throw new InputError(`unknown document type; expected one of: ${DOCUMENT_TYPES.join(', ')}`, 'unknown_document_type');
  const documentType: DocumentType = rawType ?? (await askDocumentType(ctx));
  const documentNumber = await asInput(async () =>
    assertDocumentNumber(documentType, await valueOrAsk(ctx, v['document-number'], 'document-number', `document number (${DOCUMENT_TYPE_INFO[documentType].zh}): `)),
  );
  const phone = await asInput(async () => parseMobile(await valueOrAsk(ctx, v.phone, 'phone', 'mobile number (手机号): ')));
  if (v.passphrase !== undefined) {
    const bad = passphraseProblem(v.passphrase);
    if (bad) throw bad;
  }

  // ---- notice and consents (before anything about the person is read)
  const client = new ObservedClient(platformUrl);
  let consented: string | undefined;
  if (!v.yes) {
    const notice = await client.get<NoticeView>('/v1/enrollment-notice');
    if (!(await askConsents(ctx, notice))) throw new WzError('consent_required', 'Enrollment needs both consents; nothing was sent.');
    consented = notice.digest;
  }
  const target = guardianDir ?? v.wallet ?? defaultWalletDir(env);
  const passphrase =
    v.passphrase ??
    (guardianDir !== undefined
      ? await askNewPassphrase(ctx, 'choose the child’s passphrase (口令, 8 digits): ')
      : (await keystoreExists(target))
        ? await passphraseOrAsk(ctx, undefined, 'passphrase', 'passphrase (opens your wallet; the same 8 digits become your 网证’s): ')
        : await askNewPassphrase(ctx));
  const guardianPassphrase =
    guardianDir !== undefined ? await passphraseOrAsk(ctx, v['guardian-passphrase'], 'guardian-passphrase', 'the guardian’s passphrase (opens the guardian’s wallet): ') : undefined;

  // ---- keystores
  let wallet: Wallet; // holds the credential in the end: the person's own, or the guardian's
  let bound: Wallet; // whose device key the new 网证 is bound to
  let guardianCredential: string | undefined;
  let createdFile: string | undefined; // removed again if the enrollment fails
  if (guardianDir !== undefined) {
    wallet = await openKeystore(guardianDir, guardianPassphrase!);
    guardianCredential = wallet.credentials.find((c) => c.holder === 'self')?.sdJwt;
    if (!guardianCredential) throw new WzError('invalid_credential', 'The guardian’s wallet holds no 网证 of its own; the guardian enrolls first.');
    const fileName = `ward-new-${randomBytes(6).toString('hex')}.json`;
    bound = await createKeystore(guardianDir, passphrase, { suite: wallet.suite, ...(ctx.kdf ? { kdf: ctx.kdf } : {}), ...(v.label ? { label: v.label } : {}), fileName });
    createdFile = bound.path;
  } else if (await keystoreExists(target)) {
    wallet = await openKeystore(target, passphrase);
    const own = wallet.credentials.find((c) => c.holder === 'self');
    if (own) {
      throw new WzError(
        'conflict',
        `This wallet already holds a 网证 (网号 ${own.netid}) and its device key is bound to it; enroll again from a new wallet directory (--wallet DIR).`,
      );
    }
    if (v.suite !== undefined && v.suite !== wallet.suite) io.err(`note: this wallet uses suite ${wallet.suite}; --suite ${v.suite} applies to new wallets only`);
    bound = wallet;
  } else {
    wallet = await createKeystore(target, passphrase, { suite: v.suite === 'intl' ? 'intl' : 'gm', ...(ctx.kdf ? { kdf: ctx.kdf } : {}), ...(v.label ? { label: v.label } : {}) });
    bound = wallet;
    createdFile = wallet.path;
    io.out(`created a wallet in ${target} (${wallet.suite === 'gm' ? 'SM2 device key, SM4-GCM' : 'ES256 device key, AES-256-GCM'}; sealed under your passphrase)`);
  }

  // ---- the platform's steps
  const kid = bound.deviceKey.publicKey.thumbprint;
  const steps = stepPrinter(ctx, client, guardianDir !== undefined, () => kid);
  const hardware = namedHardware(
    simulatedHardware({ registryUrl, documentType, documentNumber, faceOf: v.face === 'other' ? 'other' : 'self', outboxFile: v.outbox ?? defaultOutbox(env) }),
    registryUrl,
  );
  io.out(`enrolling with a ${DOCUMENT_TYPE_INFO[documentType].zh} (${documentType}) at ${platformUrl}`);
  const label = v.label ?? bound.label;
  let result: Awaited<ReturnType<typeof enroll>>;
  let issuer: string | undefined;
  try {
    result = await enroll({
      platform: client,
      hardware,
      documentType,
      phone,
      passphrase,
      signer: keySigner(bound.deviceKey),
      digest: nodeDigest,
      ...(label ? { label } : {}),
      ...(guardianCredential ? { guardian: nodeHolder(guardianCredential, wallet.deviceKey) } : {}),
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
        // The first step after start: the last answer is start's, which names the issuer.
        issuer ??= (client.last as { issuer?: string } | undefined)?.issuer;
        steps.onStep(step, detail);
      },
    });
  } catch (e) {
    steps.fail();
    if (createdFile) await rm(createdFile, { force: true }); // nothing was bound to it
    throw e;
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
    io.out(`The guardian runs, from their own wallet:   wangzheng wallet approve --code ${code}`);
    io.out(`Then collect your 网证 here:                 wangzheng wallet collect${target === defaultWalletDir(env) ? '' : ` --wallet ${target}`}`);
    io.out(`(the pending enrollment is kept in ${file}, mode 0600; it expires ${result.pending.expiresAt})`);
    return 0;
  }

  const ward = guardianDir !== undefined;
  const stored = await checkIssued(client, result, { issuer, device: bound.deviceKey.publicKey }, 'self');
  if (ward) {
    // The child's own keystore (their device key and 网证), then the guardian's copy.
    bound.addCredential(stored);
    await bound.save();
    const wardFile = join(guardianDir, `ward-${stored.netid}.json`);
    await rename(bound.path, wardFile);
    wallet.addCredential({ ...stored, holder: 'ward', ...(v['ward-label'] ? { wardLabel: v['ward-label'] } : {}) });
    await wallet.save();
    printIssued(ctx, stored, bound, `${wallet.path} (as a ward), device key in ${wardFile}`);
  } else {
    wallet.addCredential(stored);
    await wallet.save();
    printIssued(ctx, stored, bound, wallet.path);
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
