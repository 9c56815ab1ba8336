/**
 * `wangzheng wallet verify` — answering a relying party's verification request — and
 * `wangzheng wallet requests` — the requests addressed to this wallet's person
 * (re-verification of a flagged account), over the platform's wallet API (docs/receipts.md).
 *
 *   verify   --ref REF | --link 'wangzheng://verify?ref=…&iss=…'
 *            → who asks (name, category, purpose), the mode, each field with its legal basis
 *              and whether it is sensitive, the binding message; the person confirms (or
 *              --yes / --decline); the keystore is opened (the passphrase); on a terminal each
 *              field is shown with the value the service would receive, computed on this
 *              device from the 网证 (fields.ts), and the person consents to the fields they
 *              accept (the sensitive ones asked separately); then the wallet answers with what
 *              the mode demands: a key-binding presentation of the 网证 (always), the
 *              passphrase (口令 modes), a face capture (人脸 modes).
 *   requests → GET /v1/wallet/nonce, POST /v1/wallet/pending with a presentation over it.
 *
 * The passphrase opens the keystore and is the same 8 digits the platform holds as a hash
 * (`wallet enroll` sets both), so it is asked once — before the consent questions, whose
 * values come from the 网证 inside the keystore; it is sent to the platform only when the mode
 * needs it. Declining needs no passphrase: it proves nothing and discloses nothing.
 *
 * The simulated camera (the registry simulator's /sim/camera) needs the person's document
 * type and number to find their reference face. The wallet does not keep them in clear: they
 * are disclosures of the 网证 inside the sealed keystore, read here after it is opened, used
 * for that one simulator call, and never printed or sent to the platform. So no
 * --document-type / --document-number flags are needed (a real phone's camera needs neither).
 *
 * Trust: what the platform describes (RP name, purpose, binding message) is shown as text
 * with control characters removed; the wallet answers only requests of the platform that
 * issued its 网证 — the link's `iss` and the request's audience must be that issuer, so a
 * link pointing elsewhere cannot obtain a presentation for another service.
 *
 * Exit codes: 0 approved, declined, or waiting for a guardian (Art. 5); 1 refused or
 * failed (an unknown or answered reference, a wrong passphrase, a face mismatch, consent the
 * platform requires and did not get, an unreachable service); 2 bad input or usage.
 */
import { parseArgs } from 'node:util';
import { WzError, isWzError } from '@wangzheng/core/errors';
import { DISCLOSURE_SCOPES, type DisclosureScope } from '@wangzheng/core/rp/types';
import { MODE_NAMES, isMode } from '@wangzheng/core/verification/modes';
import { openKeystore, type StoredCredential } from '@wangzheng/wallet';
import { simulatedHardware } from '@wangzheng/wallet/enroll/simulator';
import { answerVerification, describeVerification, listPendingRequests, type VerificationView } from '@wangzheng/wallet/verify';
import { InputError, defaultOutbox, defaultPlatformUrl, defaultRegistryUrl, defaultWalletDir, passphraseOrAsk, serviceUrl, type Ctx } from './context.ts';
import { ObservedClient, issuingPlatform, namedHardware, payloadOf } from './holder.ts';
import { categoryName } from './me-context.ts';
import { ownDocument } from './controls-context.ts';
import { nodeHolder } from '@wangzheng/wallet/holder/node';
import { cli } from '../../util/invocation.ts';
import { askFieldConsents, fieldsOf, printFields, scopeName, shown } from './fields.ts';
import type { Holder } from '@wangzheng/wallet/holder/ports';

export const VERIFY_USAGE = `usage: wangzheng wallet verify --ref REF | --link 'wangzheng://verify?ref=…&iss=…'
         [--yes | --decline] [--consent FIELD,… | --consent-all] [--passphrase X] [--face self|other]
         [--wallet DIR] [--ward 网号] [--platform URL] [--registry URL]
  --ward 网号   answer as a child under 14 whose guardian enrolled them: the child's keystore
               ward-<网号>.json in the guardian's wallet directory, opened with the child's passphrase`;
export const REQUESTS_USAGE = 'usage: wangzheng wallet requests [--passphrase X] [--json] [--wallet DIR] [--platform URL]';

/** What the platform describes; `kind` and `bindingMessage` are newer than the wallet's type. */
type View = VerificationView & { kind?: string; bindingMessage?: string | null };

const REF = /^[A-Za-z0-9_-]{22}$/;

function modeName(m: string): string {
  return isMode(m) ? `${MODE_NAMES[m].zh} (${MODE_NAMES[m].en})` : shown(m);
}

/** `--ref` or `--link` → the reference, and the issuer the link names (if any). */
export function requestReference(ref: string | undefined, link: string | undefined): { ref: string; iss?: string } {
  if ((ref === undefined) === (link === undefined)) throw new InputError('give exactly one of --ref REF or --link LINK', undefined, true);
  if (ref !== undefined) {
    if (!REF.test(ref)) throw new InputError('--ref must be the 22-character reference the service showed (letters, digits, - and _)');
    return { ref };
  }
  let u: URL;
  try {
    u = new URL(link!);
  } catch {
    throw new InputError("--link must be a link such as 'wangzheng://verify?ref=…&iss=…'");
  }
  if (u.protocol !== 'wangzheng:' || u.host !== 'verify') throw new InputError("--link must be a wangzheng://verify link (quote it: it contains '&')");
  const r = u.searchParams.get('ref') ?? '';
  if (!REF.test(r)) throw new InputError('the link carries no valid ref (22 characters: letters, digits, - and _)');
  const iss = u.searchParams.get('iss');
  return { ref: r, ...(iss ? { iss } : {}) };
}

/** `--consent a,b` → the scope names; unknown ones are bad input (`unknown_scope`). */
function consentFlag(v: string | undefined): DisclosureScope[] | undefined {
  if (v === undefined) return undefined;
  const names = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.filter((s) => !(DISCLOSURE_SCOPES as readonly string[]).includes(s) || s === 'result');
  if (unknown.length > 0) {
    throw new InputError(`--consent takes fields from: ${DISCLOSURE_SCOPES.filter((s) => s !== 'result').join(', ')} (not: ${unknown.map(shown).join(', ')})`, 'unknown_scope');
  }
  return [...new Set(names)] as DisclosureScope[];
}

function printRequest(ctx: Ctx, v: View): void {
  const { io } = ctx;
  io.out(`verification request from ${shown(v.rp.name)} (${categoryName(v.rp.category)})`);
  io.out(`  purpose      ${shown(v.rp.purpose)}`);
  if (v.kind === 'reverify') io.out('  kind         re-verification of your account at this service (动态身份认证)');
  if (v.bindingMessage) io.out(`  message      ${shown(v.bindingMessage)}`);
  io.out(`  mode         ${modeName(v.mode)}`);
  const needs = [v.requires.passphrase ? 'your passphrase (口令)' : '', v.requires.face ? 'a live face capture (人脸)' : ''].filter(Boolean);
  io.out(`  you prove    your 网证 on this device${needs.length > 0 ? `, ${needs.join(', ')}` : ''}`);
  io.out('  it receives');
  for (const s of v.scopes) {
    const basis = s.scope === 'result' ? 'always' : `legal basis: ${s.legalBasisRef ? shown(s.legalBasisRef) : 'none given'}`;
    io.out(`    - ${s.scope}  ${scopeName(s.scope)}${s.sensitive ? '  [SENSITIVE 敏感个人信息]' : ''}  (${basis})`);
  }
  io.out(`  expires      ${shown(v.expiresAt)}`);
}

/**
 * The fields beyond the result the person accepts: the flags, or asked on a terminal — each
 * field shown with the value the service would receive, from the person's own 网证 (the
 * sensitive ones asked separately). A guardian answering a ward's first use is asked nothing:
 * the service then receives the result only.
 */
async function chooseConsent(ctx: Ctx, v: View, flag: DisclosureScope[] | undefined, all: boolean, o: { credential: string; forWard: () => Promise<string | undefined> }): Promise<string[]> {
  const extra = v.scopes.filter((s) => s.scope !== 'result');
  if (extra.length === 0) return [];
  if (all) return extra.map((s) => s.scope);
  if (flag !== undefined) {
    const asked = new Set(extra.map((s) => s.scope));
    const stray = flag.filter((s) => !asked.has(s));
    if (stray.length > 0) ctx.io.err(`note: this request does not ask for ${stray.join(', ')}; nothing is consented for it`);
    return flag.filter((s) => asked.has(s));
  }
  if (!ctx.prompter.interactive) return [];
  const ward = await o.forWard();
  if (ward !== undefined) {
    ctx.io.out(`this is the first use of your ward ${shown(ward)}'s 网证 at ${shown(v.rp.name)}: you approve for them, and it receives the result only`);
    return [];
  }
  const rp = shown(v.rp.name);
  const fields = fieldsOf(v.scopes, o.credential);
  printFields(ctx, rp, fields);
  return askFieldConsents(ctx, rp, fields);
}

/**
 * A reference is base64url and may begin with `-`, which parseArgs takes for an option
 * ("argument is ambiguous"): `--ref -abc…` is read as `--ref=-abc…`.
 */
function joinRefValue(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    if (a === '--ref' && next !== undefined && REF.test(next)) {
      out.push(`--ref=${next}`);
      i += 1;
    } else {
      out.push(a);
    }
  }
  return out;
}

export async function verifyCommand(args: string[], ctx: Ctx): Promise<number> {
  const { values: v } = parseArgs({
    args: joinRefValue(args),
    options: {
      ref: { type: 'string' },
      link: { type: 'string' },
      yes: { type: 'boolean', default: false },
      decline: { type: 'boolean', default: false },
      consent: { type: 'string' },
      'consent-all': { type: 'boolean', default: false },
      passphrase: { type: 'string' },
      face: { type: 'string' },
      wallet: { type: 'string' },
      ward: { type: 'string' },
      platform: { type: 'string' },
      registry: { type: 'string' },
    },
    strict: true,
  });
  const { io, env, prompter } = ctx;
  // A child under 14 whose guardian enrolled them: the child's keystore sits beside the
  // guardian's as `ward-<网号>.json`, sealed under the child's passphrase.
  if (v.ward !== undefined && !/^[0-9A-Z]{10}$/.test(v.ward)) throw new InputError('--ward takes the child’s 网号 (10 characters)');

  // ---- local checks: nothing below touches the network until all of them pass
  const target = requestReference(v.ref, v.link);
  if (v.decline && (v.yes || v.consent !== undefined || v['consent-all'])) throw new InputError('--decline goes alone: not with --yes or --consent');
  if (v.consent !== undefined && v['consent-all']) throw new InputError('give --consent FIELD,… or --consent-all, not both');
  const consent = consentFlag(v.consent);
  if (v.face !== undefined && v.face !== 'self' && v.face !== 'other') throw new InputError('--face must be self or other');
  if (!prompter.interactive && !v.yes && !v.decline) {
    throw new InputError('without a terminal to ask, pass --yes to approve or --decline to refuse', undefined, true);
  }
  // The link names the platform that made the request; the 网证's issuer is checked against it below.
  const platformUrl = serviceUrl(v.platform ?? target.iss ?? defaultPlatformUrl(env), 'platform');
  const registryUrl = serviceUrl(v.registry ?? defaultRegistryUrl(env), 'registry');

  // ---- who asks, and for what
  const client = new ObservedClient(platformUrl);
  const view = (await describeVerification(client, target.ref)) as View;
  printRequest(ctx, view);

  let approve = !v.decline;
  if (approve && !v.yes) {
    io.out('');
    approve = await prompter.confirm(`Approve this verification for ${shown(view.rp.name)}? 是否同意本次核验？`);
  }
  if (!approve) {
    // A refusal proves nothing and discloses nothing: no keystore, no presentation.
    await client.post(`/v1/verifications/${encodeURIComponent(target.ref)}/answer`, { approve: false });
    io.out(`declined: ${shown(view.rp.name)} receives a fail receipt (declined); nothing about you was sent`);
    return 0;
  }

  // ---- the wallet, and the platform it belongs to: opened before the consent questions, which
  // show the values the service would receive from the 网证 inside it
  const secret = await passphraseOrAsk(ctx, v.passphrase);
  const wallet = await openKeystore(v.wallet ?? defaultWalletDir(env), secret, v.ward ? { fileName: `ward-${v.ward}.json` } : {});
  const own = wallet.credentials.find((c) => c.holder === 'self');
  if (!own) throw new WzError('invalid_credential', `This wallet holds no 网证 of its own; enroll first (${cli(env, 'wallet enroll')}).`);
  const issuer = payloadOf(own.sdJwt).iss;
  if ((target.iss !== undefined && target.iss !== issuer) || view.audience !== issuer) {
    throw new WzError('invalid_request', 'This request was not made at the platform that issued this wallet’s 网证; nothing was sent.');
  }
  const holder: Holder = nodeHolder(own.sdJwt, wallet.deviceKey);
  const scopes = await chooseConsent(ctx, view, consent, v['consent-all'], {
    credential: own.sdJwt,
    // Only a guardian's wallet (one holding a ward's 网证) can be asked to approve for a ward.
    forWard: async () => {
      if (v.ward !== undefined || !wallet.credentials.some((c) => c.holder === 'ward')) return undefined;
      const mine = await listPendingRequests(client, holder);
      const ward = (mine.find((r) => r.ref === target.ref) as { ward?: { name?: string } } | undefined)?.ward;
      return ward ? (ward.name ?? '') : undefined;
    },
  });
  // The same 8 digits the platform holds as a hash; sent only when the mode asks for it.
  const passphrase = view.requires.passphrase ? secret : undefined;

  let captureFace: ((nonce: string) => Promise<number[]>) | undefined;
  if (view.requires.face) {
    const doc = ownDocument(own);
    const hw = namedHardware(simulatedHardware({ registryUrl, ...doc, faceOf: v.face === 'other' ? 'other' : 'self', outboxFile: defaultOutbox(env) }), registryUrl);
    captureFace = async (nonce) => {
      io.out(`face: liveness capture with the simulated camera (registry simulator at ${registryUrl}) …`);
      return hw.captureFace(nonce);
    };
  }

  let r: { status: string; failure?: string };
  try {
    r = await answerVerification(client, {
      ref: target.ref,
      holder,
      ...(passphrase !== undefined ? { passphrase } : {}),
      ...(captureFace ? { captureFace } : {}),
      consent: () => scopes,
    });
  } catch (e) {
    if (isWzError(e, 'consent_required')) {
      const missing = view.scopes.filter((s) => s.scope !== 'result' && !scopes.includes(s.scope)).map((s) => s.scope);
      io.err(`this service needs every field it asks for; not consented: ${missing.join(', ')}. The request is still open: answer again (--consent-all) or --decline.`);
    }
    throw e;
  }
  if (r.status === 'approved') {
    io.out(`approved: ${shown(view.rp.name)} receives the result (verified, ${modeName(view.mode)}, the time, its identifier for you)${scopes.length > 0 ? ` and ${scopes.join(', ')}` : ''}`);
    return 0;
  }
  if (r.status === 'declined') {
    io.out(`declined: ${shown(view.rp.name)} receives a fail receipt (declined)`);
    return 0;
  }
  if (r.status === 'awaiting_guardian') {
    // Art. 5: a child's first use at a service needs the guardian's approval in their own wallet.
    io.out(`waiting for your guardian: the first use of your 网证 at ${shown(view.rp.name)} needs their approval.`);
    io.out(`They see it with \`${cli(env, 'wallet requests')}\` in their own wallet and answer it with \`${cli(env, 'wallet verify')}\`.`);
    return 0;
  }
  io.err(`verification failed: ${shown(r.failure ?? r.status)} — ${shown(view.rp.name)} receives a fail receipt`);
  return 1;
}

export async function requestsCommand(args: string[], ctx: Ctx): Promise<number> {
  const { values: v } = parseArgs({
    args,
    options: { passphrase: { type: 'string' }, json: { type: 'boolean', default: false }, wallet: { type: 'string' }, platform: { type: 'string' } },
    strict: true,
  });
  const wallet = await openKeystore(v.wallet ?? defaultWalletDir(ctx.env), await passphraseOrAsk(ctx, v.passphrase));
  const own = wallet.credentials.find((c) => c.holder === 'self');
  if (!own) throw new WzError('invalid_credential', `This wallet holds no 网证 of its own; enroll first (${cli(ctx.env, 'wallet enroll')}).`);

  // Who the person is: a presentation of the 网证 (no fields disclosed) over a fresh platform nonce.
  const requests = await listPendingRequests(await issuingPlatform(v.platform, own.sdJwt), nodeHolder(own.sdJwt, wallet.deviceKey));

  if (v.json) {
    ctx.io.out(JSON.stringify({ requests }, null, 2));
    return 0;
  }
  if (requests.length === 0) {
    ctx.io.out('no requests are waiting for you');
    return 0;
  }
  ctx.io.out(`${requests.length} request${requests.length === 1 ? '' : 's'} waiting for you:`);
  requests.forEach((r, i) => {
    ctx.io.out('');
    const ward = (r as { ward?: { name?: string } }).ward;
    const what = ward ? ` — your ward ${shown(ward.name)}'s first use here: approve for them (the service learns the result only)` : r.kind === 'reverify' ? ' — re-verification of your account' : '';
    ctx.io.out(`  ${i + 1}. ${shown(r.rp.name)} (${categoryName(r.rp.category)})${what}`);
    ctx.io.out(`     purpose   ${shown(r.rp.purpose)}`);
    if (r.bindingMessage) ctx.io.out(`     message   ${shown(r.bindingMessage)}`);
    ctx.io.out(`     mode      ${modeName(r.mode)}`);
    ctx.io.out(`     expires   ${shown(r.expiresAt)}`);
    ctx.io.out(`     answer    ${cli(ctx.env, 'wallet verify')} --ref=${REF.test(r.ref) ? r.ref : '(malformed reference)'}`);
  });
  return 0;
}
