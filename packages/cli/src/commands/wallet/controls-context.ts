/**
 * What the credential-control subcommands share (`wallet passphrase | phone | renew | move`, and
 * `status` when the 网证 no longer works): the keystore opened with its passphrase, its own 网证,
 * a `MeControls` over them (@wangzheng/wallet/me/controls: every call a bound /v1/me request),
 * storing a new 网证 only after it verifies, and the words for why a 网证 stopped working — in
 * Chinese and English, from core/person/credential-reasons.ts.
 *
 * Trust: a new 网证 from the platform is stored only after `checkIssued` (signature over the
 * platform's JWKS, `iss` = the platform the old one named, `cnf` = the intended device key).
 * Everything the platform says is printed through `shown` (control characters removed).
 */
import { ownDocument as documentOfCredential } from '@wangzheng/wallet/holder/credential';
import { WzError } from '@wangzheng/core/errors';
import { reasonText } from '@wangzheng/core/person/credential-reasons';
import type { CredentialStatusView, Reissued } from '@wangzheng/core/person/controls';
import { openKeystore, type StoredCredential, type Wallet } from '@wangzheng/wallet';
import { issuerOf } from '@wangzheng/wallet/me/bound-request';
import { MeControls } from '@wangzheng/wallet/me/controls';
import { defaultWalletDir, passphraseOrAsk, type Ctx } from './context.ts';
import { checkIssued, issuingPlatform, ObservedClient } from './holder.ts';
import { shown, when, type MeValues } from './me-context.ts';
import { nodeHolder } from '@wangzheng/wallet/holder/node';
import { cli } from '../../util/invocation.ts';

export interface OpenedControls {
  readonly wallet: Wallet;
  readonly dir: string;
  readonly own: Readonly<StoredCredential>;
  readonly controls: MeControls;
  readonly client: ObservedClient;
  /** The keystore passphrase: the same 8 digits the platform holds as a hash. */
  readonly passphrase: string;
}

export async function openControls(ctx: Ctx, v: MeValues): Promise<OpenedControls> {
  const passphrase = await passphraseOrAsk(ctx, v.passphrase);
  const dir = v.wallet ?? defaultWalletDir(ctx.env);
  const wallet = await openKeystore(dir, passphrase);
  const own = wallet.credentials.find((c) => c.holder === 'self');
  if (!own) throw new WzError('invalid_credential', `This wallet holds no 网证 of its own; enroll first (${cli(ctx.env, 'wallet enroll')}).`);
  const client = await issuingPlatform(v.platform, own.sdJwt);
  return { wallet, dir, own, controls: new MeControls(client, nodeHolder(own.sdJwt, wallet.deviceKey)), client, passphrase };
}

/** Verifies a new 网证 (for `into`'s device key, from the platform `from` was issued by) and stores it in `into`, replacing `from`. */
export async function storeReissued(client: ObservedClient, into: Wallet, from: Readonly<StoredCredential>, issued: Reissued): Promise<StoredCredential> {
  const stored = await checkIssued(client, issued, { issuer: issuerOf(from.sdJwt), device: into.deviceKey.publicKey }, 'self');
  into.addCredential(stored);
  await into.save();
  return stored;
}

/** The 网证's own document type and number (disclosures inside the sealed keystore), for the simulated camera only. */
export function ownDocument(c: Pick<StoredCredential, 'sdJwt'>): { documentType: string; documentNumber: string } {
  const doc = documentOfCredential(c.sdJwt);
  if (!doc) throw new WzError('invalid_credential', 'The stored 网证 lacks its document disclosures; the simulated camera cannot be used.');
  return doc;
}

/** Why this 网证 does not work, in Chinese and English (or that it does). */
export function printCredentialStatus(ctx: Ctx, s: CredentialStatusView): void {
  const words = s.reason === null ? undefined : reasonText(s.reason);
  ctx.io.out(`网证状态 status   ${s.usable ? '正常 usable' : '不可用 not usable'}`);
  ctx.io.out(`  网证 credential ${shown(s.credential.id)} (${shown(s.credential.status)}${s.credential.revokedAt ? ` ${when(s.credential.revokedAt)}` : ''}), expires ${when(s.credential.expiresAt)}`);
  if (words) {
    ctx.io.out(`  原因 reason     ${shown(words.zh)}`);
    ctx.io.out(`                  ${shown(words.en)} [${shown(s.reason)}]`);
  }
}
