/**
 * Minting a 网证: the one code path every issuance takes — enrollment (enrollment/issue.ts), and
 * renewal and moving to a new phone (lifecycle/reissue.ts). Inside the caller's transaction it
 * draws a random status-list position (status-list.ts), writes the credential row (id, person,
 * device, position, times — nothing personal) and signs the SD-JWT VC, whose disclosures go
 * back to the caller for the wallet only: the platform never keeps them.
 *
 * Trusted: everything the caller passes. The caller has authenticated the person and proved
 * possession of the device key (enrollment's device proof, the old device's presentation plus
 * the new key's transfer proof), computed the claims from the sealed profile or the checked
 * chip, and clamped the expiry (enrollment/issue.ts `credentialExpiry`).
 */
import { issueCredential, type IdentityClaims } from '@wangzheng/core/credential/index';
import type { KeyRing, PublicJwk } from '@wangzheng/core/crypto/index';
import { newId, type StoreTx } from '../store/index.ts';
import { allocateStatus, statusListUri } from './status-list.ts';

export interface MintDeps {
  /** The key ring of the configured suite: its first key signs. */
  readonly signing: KeyRing;
  /** The platform's public URL: the 网证's `iss` and the base of its status list URI. */
  readonly issuerUrl: string;
}

export interface MintRequest {
  /** Chosen by the caller when it must name the credential before minting (history events); a new id otherwise. */
  readonly credentialId?: string;
  readonly personId: string;
  readonly netid: string;
  /** The device row the 网证 is bound to, and that device's public key (`cnf.jwk`). */
  readonly deviceId: string;
  readonly deviceJwk: PublicJwk;
  readonly claims: IdentityClaims;
  /** Epoch milliseconds. */
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export interface Minted {
  readonly credentialId: string;
  /** The SD-JWT VC with every disclosure: for the wallet only. */
  readonly sdJwt: string;
}

export async function mintCredential(tx: StoreTx, deps: MintDeps, r: MintRequest): Promise<Minted> {
  const credentialId = r.credentialId ?? newId();
  const status = await allocateStatus(tx);
  await tx.credentials.insert({
    id: credentialId,
    personId: r.personId,
    deviceId: r.deviceId,
    statusList: status.list,
    statusIndex: status.idx,
    issuedAt: r.issuedAt,
    expiresAt: r.expiresAt,
  });
  return { credentialId, sdJwt: signCredential(deps, { ...r, credentialId, statusList: status.list, statusIndex: status.idx }) };
}

/** The SD-JWT VC of a credential row: its id, status position and times, the device key, the claims. */
export function signCredential(
  deps: MintDeps,
  r: Omit<MintRequest, 'personId' | 'deviceId' | 'credentialId'> & { credentialId: string; statusList: string; statusIndex: number },
): string {
  return issueCredential({
    signer: deps.signing.signer,
    issuer: deps.issuerUrl,
    credentialId: r.credentialId,
    netid: r.netid,
    issuedAt: Math.floor(r.issuedAt / 1000),
    expiresAt: Math.floor(r.expiresAt / 1000),
    status: { idx: r.statusIndex, uri: statusListUri(deps.issuerUrl, r.statusList) },
    cnf: r.deviceJwk,
    claims: r.claims,
  }).sdJwt;
}
