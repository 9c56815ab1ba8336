/**
 * Relying parties (RPs): the internet platforms, banks, telecom operators, government services
 * and venues that verify people through the platform. These are the closed sets an RP record is
 * made of, and the record itself as every later slice (OIDC provider, receipts,
 * re-verification) sees it. See docs/relying-parties.md.
 */
import type { PublicJwk } from '../crypto/types.ts';

export const RP_CATEGORIES = [
  'internet_service',
  'telecom_operator',
  'bank',
  'payment_institution',
  'government_service',
  'venue',
  'other',
] as const;
export type RpCategory = (typeof RP_CATEGORIES)[number];

/**
 * What an RP may learn about a person, beyond the verification result. `result` (verified, the
 * mode, the time, the RP's own application identifier) is always granted and is the default.
 */
export const DISCLOSURE_SCOPES = [
  'result',
  'age_band',
  'sex',
  'masked_name',
  'masked_id_number',
  'masked_phone',
  'document_type',
  'full_name_and_id_number',
] as const;
export type DisclosureScope = (typeof DISCLOSURE_SCOPES)[number];

export const RP_STATUSES = ['pending', 'approved', 'rejected', 'suspended'] as const;
export type RpStatus = (typeof RP_STATUSES)[number];

/** How the RP authenticates at the platform's back-channel endpoints (RFC 7591 names). */
export const CLIENT_AUTH_METHODS = ['private_key_jwt', 'client_secret_basic'] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

/** The algorithms the platform signs an RP's id_tokens (and receipts) with. */
export const ID_TOKEN_ALGS = ['SM2', 'ES256'] as const;
export type IdTokenAlg = (typeof ID_TOKEN_ALGS)[number];

/** A scope the RP asked for, with the RP's own statement of its legal basis (shown to the operator). */
export interface RequestedScope {
  readonly scope: DisclosureScope;
  /** Free text written by the RP, e.g. "《反洗钱法》第二十九条: customer due diligence". Null for `result`. */
  readonly legalBasis: string | null;
}

/** A scope the operator approved, with the operator's legal-basis reference (null for `result`). */
export interface ApprovedScope {
  readonly scope: DisclosureScope;
  readonly legalBasisRef: string | null;
}

/** A relying party as the platform knows it. Carries no secret (a client secret is stored only as a digest). */
export interface RelyingParty {
  /** `rp_` + 22 base64url characters (128 random bits): public, URL-safe. */
  readonly clientId: string;
  /** Organisation name as registered. */
  readonly name: string;
  /** 统一社会信用代码 (GB 32100-2015), canonical; null only for development sandbox RPs. */
  readonly uscc: string | null;
  /** The organisation's contact email (business data, not a person's); null only for sandbox RPs. */
  readonly contactEmail: string | null;
  readonly category: RpCategory;
  /** Shown to people in the wallet: why this RP verifies them. */
  readonly purpose: string;
  /**
   * Pairwise-subject sector (OIDC Core §8.1): the host application identifiers are derived for.
   * RPs with the same sector see the same application identifier for a person.
   */
  readonly sectorIdentifier: string;
  /** Exact strings; an authorization request must name one of them verbatim. */
  readonly redirectUris: readonly string[];
  readonly tokenEndpointAuthMethod: ClientAuthMethod;
  /** The RP's public keys (private_key_jwt), rebuilt from an allow-list of public members; null otherwise. */
  readonly jwks: { readonly keys: readonly PublicJwk[] } | null;
  readonly idTokenSigningAlg: IdTokenAlg;
  /** What the RP asked for; always contains `result`. */
  readonly requestedScopes: readonly RequestedScope[];
  /** What the operator approved; `[result]` until approval, and always contains `result`. */
  readonly approvedScopes: readonly ApprovedScope[];
  readonly status: RpStatus;
  /** The operator's reason for the last rejection or suspension, or null. */
  readonly statusReason: string | null;
  /** Created by the development sandbox endpoint: approved at once, `result` only. */
  readonly sandbox: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}
