/**
 * A renewal or a move asked again after it committed (`POST /v1/me/renew`,
 * `POST /v1/me/devices/transfer`): most often the wallet's retry after the answer was lost — a
 * dropped connection, a server process killed after the commit (docs/faults.md). The 网证 the
 * wallet still holds was revoked by that commit (`renewed`, `transferred`), so authentication
 * refuses it, and the new 网证 — its disclosures go to the wallet only, the platform keeps none —
 * would be out of the wallet's reach: the person would have to enroll again. Instead the retry is
 * answered as the first request was: the same 网证 (same id, status-list position, times, device
 * key and claims), signed again from its row. Nothing is written; no history event, audit entry
 * or Shared Signals event is added, since nothing happened a second time.
 *
 * Answered only when all of these hold, otherwise the retry gets the refusal it always got:
 *   - the presenter holds the old 网证's device key (`auth.identify`: platform nonce, request
 *     binding, issuer signature, key binding under the 网证's `cnf`), and the nonce is spent;
 *   - the old 网证 was revoked by a renewal (reason `renewed`) or a move (`transferred`) less than
 *     AGAIN_WINDOW_MS ago, and its person can still use their controls (active or locked);
 *   - the 网证 it made is still valid and unexpired: one renewed or revoked since is not handed out;
 *   - renewal: the new 网证 is on the same, live device and was issued at the instant the old one
 *     was revoked (one transaction wrote both);
 *   - move: the retry proves the new key again exactly as the move did (a transfer proof over THIS
 *     request's nonce and the old 网证: `provenTransferKey`), that key is the device the move bound
 *     at that instant, and the passphrase is right (counted, with the lockout) — checked last,
 *     after every check that changes nothing.
 *
 * A renewal's retry gives the device's holder nothing new: the new 网证 is bound to the key they
 * hold. A move's retry needs the new phone's key and the passphrase, as the move itself did.
 */
import { chinaDate } from '@wangzheng/core/calendar';
import type { PublicJwk } from '@wangzheng/core/crypto/index';
import type { Reissued, Renewed, Transferred } from '@wangzheng/core/person/controls';
import { signCredential } from '../credential/mint.ts';
import { netidClaims } from '../enrollment/issue.ts';
import { checkPassphraseFactor, lockedError } from '../passphrase/factor.ts';
import type { IdentifiedCredential } from '../person/auth.ts';
import { openProfile } from '../person/profile.ts';
import type { CredentialRecord, DeviceRecord, PersonRecord } from '../store/index.ts';
import { enrolleeOf } from './reissue.ts';
import { RENEWED, type RenewalDeps } from './renewal.ts';
import { provenTransferKey, TRANSFERRED, type TransferDeps, type TransferRequest } from './transfer.ts';

/** How long after a renewal or a move its retry is answered with the 网证 it made. */
export const AGAIN_WINDOW_MS = 24 * 3_600_000;
/** The refusals of `authenticate` a retry meets: the old 网证 revoked, or (a move) its device. */
export const AGAIN_CODES: ReadonlySet<string> = new Set(['credential_revoked', 'device_revoked']);

type Deps = Pick<RenewalDeps, 'store' | 'protector' | 'signing' | 'issuerUrl' | 'now'>;

/** The renewal's 网证, signed again — or undefined: the retry is refused as before. */
export async function renewalAgain(deps: Deps, id: IdentifiedCredential): Promise<Renewed | undefined> {
  const old = replaced(deps, id, RENEWED);
  if (!old || !id.device || id.device.revokedAt !== null) return undefined;
  const device = id.device;
  const made = live(deps, (await deps.store.reader.credentials.listByPerson(old.person.id)).find((c) => c.deviceId === device.id && c.issuedAt === old.at));
  if (!made) return undefined;
  return { status: 'renewed', ...reissued(deps, old.person, device, made), revokedCredentialId: old.credential.id };
}

/** The move's 网证, signed again — or undefined: the retry is refused as before. */
export async function transferAgain(
  deps: Deps & Pick<TransferDeps, 'hasher' | 'deviceAlgs'>,
  id: IdentifiedCredential,
  req: TransferRequest,
): Promise<Transferred | undefined> {
  const old = replaced(deps, id, TRANSFERRED);
  if (!old || !id.device || id.device.revokedAt !== old.at) return undefined;
  const key = provenTransferKey(deps, { credentialId: old.credential.id, deviceThumbprint: id.device.thumbprint }, req);
  const r = deps.store.reader;
  const device = await r.devices.findByThumbprint(key.thumbprint);
  if (!device || device.personId !== old.person.id || device.createdAt !== old.at || device.revokedAt !== null) return undefined;
  const mine = await r.credentials.listByPerson(old.person.id);
  const made = live(deps, mine.find((c) => c.deviceId === device.id && c.issuedAt === old.at));
  if (!made) return undefined;
  if ((await checkPassphraseFactor(deps, old.person.id, req.passphrase, deps.now())) === 'locked_now') throw lockedError();
  const fromDevice = id.device.id;
  return {
    status: 'transferred',
    ...reissued(deps, old.person, device, made),
    revokedDeviceId: fromDevice,
    credentialsRevoked: mine.filter((c) => c.deviceId === fromDevice && c.reason === TRANSFERRED && c.revokedAt === old.at).map((c) => c.id),
  };
}

/** The presented 网证, when `reason` revoked it within the window and its person still uses their controls. */
function replaced(deps: Deps, id: IdentifiedCredential, reason: string): { credential: CredentialRecord; person: PersonRecord; at: number } | undefined {
  const { credential, person } = id;
  const at = credential.revokedAt;
  if (credential.status !== 'revoked' || credential.reason !== reason || at === null || deps.now() - at > AGAIN_WINDOW_MS) return undefined;
  if (!person || credential.personId !== person.id || (person.status !== 'active' && person.status !== 'locked')) return undefined;
  return { credential, person, at };
}

function live(deps: Deps, c: CredentialRecord | undefined): CredentialRecord | undefined {
  return c && c.status === 'valid' && c.expiresAt > deps.now() && c.statusList !== null && c.statusIndex !== null ? c : undefined;
}

/** What both answers carry: the 网证 made, signed again, with its id, expiry and device. */
function reissued(deps: Deps, person: PersonRecord, device: DeviceRecord, made: CredentialRecord): Reissued {
  return {
    netid: person.netid,
    credentialId: made.id,
    credential: signAgain(deps, person, device, made),
    expiresAt: new Date(made.expiresAt).toISOString(),
    deviceId: device.id,
  };
}

/** The same 网证 from its row: the claims as on the day it was issued (reissue.ts computed them so). */
function signAgain(deps: Deps, person: PersonRecord, device: DeviceRecord, c: CredentialRecord): string {
  const dek = deps.protector.unwrapDataKey(person.id, person.wrappedDek, person.kekId);
  const enrollee = enrolleeOf(openProfile(deps.protector, dek, person), c.issuedAt);
  return signCredential(deps, {
    credentialId: c.id,
    netid: person.netid,
    deviceJwk: JSON.parse(device.publicJwk) as PublicJwk,
    claims: netidClaims(enrollee, chinaDate(c.issuedAt)),
    issuedAt: c.issuedAt,
    expiresAt: c.expiresAt,
    statusList: c.statusList!,
    statusIndex: c.statusIndex!,
  });
}
