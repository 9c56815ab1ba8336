/**
 * The subject of every SET we send: the relying party's own pairwise identifier for the
 * person — the application identifier it already received as `sub` in id_tokens and receipts —
 * in the RFC 9493 `iss_sub` format, placed in the top-level `sub_id` claim (SSF 1.0 §3.1).
 *
 * Never a 网号: `sub` must have the application-identifier form ('A' + 25 symbols), which a
 * 网号 (10 symbols) can never have, so a caller that passes a 网号 by mistake gets a TypeError
 * instead of a signed token that would let RPs link the person across sectors.
 *
 * Trust: `issSubSubject` takes values from our own records; `readIssSub` takes a `sub_id`
 * from a SET whose signature has been verified and checks its shape.
 */
import { isAppId, type AppId } from '../identifiers/app-id.ts';

export interface IssSubSubject {
  readonly format: 'iss_sub';
  /** The platform's issuer URL: the `iss` of the id_token that carried `sub`. */
  readonly iss: string;
  /** The application identifier of the person at this RP. */
  readonly sub: AppId;
}

/** The subject for `appId` as issued by `issuer`. @throws TypeError when `appId` is not an application identifier. */
export function issSubSubject(issuer: string, appId: string): IssSubSubject {
  if (typeof issuer !== 'string' || issuer.length === 0) throw new TypeError('issSubSubject: issuer is required');
  if (!isAppId(appId)) throw new TypeError('issSubSubject: sub must be an application identifier, never a 网号');
  return { format: 'iss_sub', iss: issuer, sub: appId };
}

/** The subject of a verified SET, or null when `sub_id` is not an `iss_sub` for `issuer` with an application identifier. */
export function readIssSub(value: unknown, issuer: string): IssSubSubject | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  if (v['format'] !== 'iss_sub' || v['iss'] !== issuer || !isAppId(v['sub'])) return null;
  return { format: 'iss_sub', iss: issuer, sub: v['sub'] };
}
