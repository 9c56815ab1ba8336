/**
 * Relying-party registration and approval (docs/relying-parties.md).
 *
 *   apply (public) ─► pending ─► approve (operator) ─► approved ⇄ suspended
 *                          └──► reject (operator) ─► rejected
 *   sandbox (development only) ─► approved, result only
 *
 * What is trusted: nothing an applicant sends until it passes the rules of `@wangzheng/core/rp`
 * (USCC check character, redirect URIs, sector, public keys, requested scopes with a legal
 * basis). The organisation's identity itself — that the USCC belongs to the named organisation,
 * that an explicit sector is really theirs, that the stated legal basis applies — is what the
 * operator checks before approving; the service shows them what they need (other RPs sharing
 * the sector, the audit trail).
 *
 * Every decision is one transaction: the status change (compare-and-set on the status, so two
 * operators cannot both decide), its event in the RP's history and its entry in the platform's
 * audit trail (`rp.approved`, …; the RP by its client id, free text only as a digest).
 */
import { WzError } from '@wangzheng/core/errors';
import { generateClientId } from '@wangzheng/core/rp/client-id';
import { parseClientJwks } from '@wangzheng/core/rp/client-jwks';
import { checkRedirectUris, deriveSectorIdentifier } from '@wangzheng/core/rp/redirect-uris';
import { approveScopes, requestScopes } from '@wangzheng/core/rp/scopes';
import { assertTransition, type RpAction } from '@wangzheng/core/rp/status';
import type { ApprovedScope, ClientAuthMethod, IdTokenAlg, RelyingParty, RpCategory, RpStatus } from '@wangzheng/core/rp/types';
import { parseUscc } from '@wangzheng/core/rp/uscc';
import type { NewRelyingParty, RelyingPartyRecord, RelyingPartyTransition, RpEventRecord, Store } from '../store/index.ts';
import type { AuditAction, AuditData, AuditJson } from '@wangzheng/core/audit/index';
import type { AuditRecorder } from '../audit/index.ts';
import { generateClientSecret } from './client-secret.ts';

/** An application, after the HTTP schema (types and lengths) and before the rules. */
export interface RpApplication {
  readonly name: string;
  readonly uscc: string;
  readonly contactEmail: string;
  readonly category: RpCategory;
  readonly purpose: string;
  /** Checked by the rules (exact strings). */
  readonly redirectUris: readonly unknown[];
  readonly sectorIdentifier?: string | undefined;
  readonly tokenEndpointAuthMethod: ClientAuthMethod;
  readonly jwks?: unknown;
  readonly idTokenSigningAlg?: IdTokenAlg | undefined;
  /** Requested scopes beyond `result`: scope → the RP's statement of its legal basis. */
  readonly scopes?: Readonly<Record<string, unknown>> | undefined;
}

/** A development sandbox RP: no organisation data, approved at once for `result` only. */
export interface SandboxApplication {
  readonly name: string;
  readonly redirectUris: readonly unknown[];
  readonly tokenEndpointAuthMethod: ClientAuthMethod;
  readonly jwks?: unknown;
  readonly idTokenSigningAlg?: IdTokenAlg | undefined;
  readonly category?: RpCategory | undefined;
  readonly purpose?: string | undefined;
  readonly sectorIdentifier?: string | undefined;
}

/** The answer to an application. `clientSecret` appears here once and is never retrievable again. */
export interface Registered {
  readonly clientId: string;
  readonly status: RpStatus;
  readonly sandbox?: true;
  readonly clientSecret?: string;
}

/** What the operator sees about one RP. */
export interface RpAdminView {
  readonly rp: RelyingParty;
  /** Other RPs registered with the same sector: they would see the same application identifiers. */
  readonly sectorSharedWith: readonly string[];
  readonly events: readonly RpEventRecord[];
}

export interface RpServiceDeps {
  readonly store: Store;
  readonly mode: 'development' | 'production';
  /** id_token algorithm when an RP names none: the platform suite's (SM2 for gm, ES256 for intl). */
  readonly defaultIdTokenAlg: IdTokenAlg;
  /** The platform's audit trail: every operator decision is recorded in its transaction. */
  readonly audit: AuditRecorder;
  readonly now: () => number;
}

/** Sandbox sectors never coincide with a registered RP's: a sandbox cannot see real RPs' pseudonyms. */
export const SANDBOX_SECTOR_PREFIX = 'sandbox.';
const SANDBOX_PURPOSE = 'Development sandbox (not for real people)';

/** The domain record without the secret digest: what leaves the store for anyone. */
export function publicRecord(r: RelyingPartyRecord): RelyingParty {
  const { secretHash: _secret, ...rp } = r;
  return rp;
}

export class RelyingPartyService {
  constructor(private readonly deps: RpServiceDeps) {}

  get developmentMode(): boolean {
    return this.deps.mode === 'development';
  }

  /** An organisation applies: the record is `pending` until an operator decides. */
  async apply(a: RpApplication): Promise<Registered> {
    const uscc = parseUscc(a.uscc);
    const requestedScopes = requestScopes(a.category, a.scopes ?? {});
    const base = this.#common(a);
    return this.#register(
      {
        ...base,
        uscc,
        contactEmail: a.contactEmail.trim(),
        category: a.category,
        purpose: a.purpose,
        requestedScopes,
        approvedScopes: [{ scope: 'result', legalBasisRef: null }],
        status: 'pending',
        statusReason: null,
      },
      { type: 'rp.applied', actor: 'applicant', data: { requestedScopes: requestedScopes.map((s) => s.scope) } },
    );
  }

  /** Development only: an RP approved at once, `result` only, flagged `sandbox`. */
  async createSandbox(a: SandboxApplication): Promise<Registered> {
    if (!this.developmentMode) throw new WzError('forbidden', 'Sandbox relying parties exist in development mode only.');
    const base = this.#common(a);
    return this.#register(
      {
        ...base,
        sectorIdentifier: `${SANDBOX_SECTOR_PREFIX}${base.sectorIdentifier}`,
        uscc: null,
        contactEmail: null,
        category: a.category ?? 'other',
        purpose: a.purpose ?? SANDBOX_PURPOSE,
        requestedScopes: [{ scope: 'result', legalBasis: null }],
        approvedScopes: [{ scope: 'result', legalBasisRef: null }],
        status: 'approved',
        statusReason: null,
        sandbox: true,
      },
      { type: 'rp.sandbox_created', actor: 'developer', data: null },
    );
  }

  /** @throws `rp_not_found`. */
  async get(clientId: string): Promise<RelyingParty> {
    return publicRecord(await this.#find(clientId));
  }

  async list(opts: { status?: RpStatus; limit?: number; after?: { createdAt: number; clientId: string } } = {}): Promise<RelyingParty[]> {
    return (await this.deps.store.reader.relyingParties.list(opts)).map(publicRecord);
  }

  async adminView(clientId: string): Promise<RpAdminView> {
    const rp = await this.#find(clientId);
    const reader = this.deps.store.reader.relyingParties;
    const [shared, events] = await Promise.all([reader.listClientIdsBySector(rp.sectorIdentifier), reader.listEvents(rp.clientId)]);
    return { rp: publicRecord(rp), sectorSharedWith: shared.filter((id) => id !== rp.clientId), events };
  }

  /**
   * The operator approves, granting `scopes` (a subset of the request; `result` is implied),
   * each beyond `result` with a legal-basis reference.
   */
  async approve(clientId: string, actor: string, req: { scopes: readonly string[]; legalBasis?: Readonly<Record<string, string>> }): Promise<RelyingParty> {
    const rp = await this.#find(clientId);
    assertTransition(rp.status, 'approve');
    const approvedScopes: ApprovedScope[] = approveScopes(rp, req.scopes, req.legalBasis ?? {});
    return this.#decide(rp, 'approve', actor, { approvedScopes, statusReason: null }, {
      scopes: approvedScopes.map((s) => ({ scope: s.scope, legalBasisRef: s.legalBasisRef })),
    });
  }

  async reject(clientId: string, actor: string, req: { reason: string }): Promise<RelyingParty> {
    const rp = await this.#find(clientId);
    return this.#decide(rp, 'reject', actor, { statusReason: req.reason }, { reason: req.reason });
  }

  async suspend(clientId: string, actor: string, req: { reason?: string | undefined } = {}): Promise<RelyingParty> {
    const rp = await this.#find(clientId);
    return this.#decide(rp, 'suspend', actor, { statusReason: req.reason ?? null }, req.reason === undefined ? null : { reason: req.reason });
  }

  async reinstate(clientId: string, actor: string): Promise<RelyingParty> {
    const rp = await this.#find(clientId);
    return this.#decide(rp, 'reinstate', actor, { statusReason: null }, null);
  }

  // ---------------------------------------------------------------- internals

  /** The rules shared by applications and sandboxes: redirect URIs, sector, client authentication. */
  #common(a: {
    name: string;
    redirectUris: readonly unknown[];
    sectorIdentifier?: string | undefined;
    tokenEndpointAuthMethod: ClientAuthMethod;
    jwks?: unknown;
    idTokenSigningAlg?: IdTokenAlg | undefined;
  }): Pick<NewRelyingParty, 'clientId' | 'name' | 'redirectUris' | 'sectorIdentifier' | 'tokenEndpointAuthMethod' | 'jwks' | 'secretHash' | 'idTokenSigningAlg'> & { clientSecret?: string } {
    const redirectUris = checkRedirectUris(a.redirectUris, { allowLoopbackHttp: this.developmentMode });
    const sectorIdentifier = deriveSectorIdentifier(redirectUris, a.sectorIdentifier);
    const clientId = generateClientId();
    let jwks: NewRelyingParty['jwks'] = null;
    let secretHash: Uint8Array | null = null;
    let clientSecret: string | undefined;
    if (a.tokenEndpointAuthMethod === 'private_key_jwt') {
      if (a.jwks === undefined) throw new WzError('invalid_client_metadata', 'private_key_jwt needs jwks: the public keys your client assertions are signed with.');
      jwks = parseClientJwks(a.jwks).jwks;
    } else {
      if (a.jwks !== undefined) throw new WzError('invalid_client_metadata', 'jwks is for private_key_jwt; client_secret_basic gets a secret from the platform.');
      const s = generateClientSecret(clientId);
      secretHash = s.hash;
      clientSecret = s.secret;
    }
    return {
      clientId,
      name: a.name,
      redirectUris,
      sectorIdentifier,
      tokenEndpointAuthMethod: a.tokenEndpointAuthMethod,
      jwks,
      secretHash,
      idTokenSigningAlg: a.idTokenSigningAlg ?? this.deps.defaultIdTokenAlg,
      ...(clientSecret === undefined ? {} : { clientSecret }),
    };
  }

  async #register(rp: NewRelyingParty & { clientSecret?: string }, event: { type: string; actor: string; data: Record<string, unknown> | null }): Promise<Registered> {
    const { clientSecret, ...record } = rp;
    const at = this.deps.now();
    await this.deps.store.transaction(async (tx) => {
      await tx.relyingParties.insert({ ...record, createdAt: at });
      await tx.relyingParties.appendEvent({ clientId: record.clientId, type: event.type, actor: event.actor, data: event.data, createdAt: at });
    });
    return {
      clientId: record.clientId,
      status: record.status,
      ...(record.sandbox ? { sandbox: true as const } : {}),
      ...(clientSecret === undefined ? {} : { clientSecret }),
    };
  }

  async #find(clientId: string): Promise<RelyingPartyRecord> {
    const rp = await this.deps.store.relyingParties.findByClientId(clientId);
    if (!rp) throw new WzError('rp_not_found', 'No relying party has this client id.');
    return rp;
  }

  async #decide(
    rp: RelyingPartyRecord,
    action: RpAction,
    actor: string,
    patch: Omit<RelyingPartyTransition, 'status' | 'at'>,
    data: Record<string, unknown> | null,
  ): Promise<RelyingParty> {
    const to = assertTransition(rp.status, action);
    const at = this.deps.now();
    await this.deps.store.transaction(async (tx) => {
      if (!(await tx.relyingParties.transition(rp.clientId, rp.status, { ...patch, status: to, at }))) {
        throw new WzError('rp_state_conflict', 'The relying party changed meanwhile; reload it and decide again.');
      }
      await tx.relyingParties.appendEvent({ clientId: rp.clientId, type: `rp.${PAST[action]}`, actor, data, createdAt: at });
      await this.deps.audit.record(tx, { actor, action: AUDITED[action], subject: rp.clientId, data: this.#auditData(patch, data) });
    });
    return this.get(rp.clientId);
  }

  /**
   * What the audit entry says about a decision: the scope codes granted, and the event's details
   * (reason, legal-basis references: operator free text) only as a digest. An audit entry can
   * never be erased, so no free text goes into one; the digest binds it to the RP's history.
   */
  #auditData(patch: Omit<RelyingPartyTransition, 'status' | 'at'>, data: Record<string, unknown> | null): AuditData {
    return {
      ...(patch.approvedScopes === undefined ? {} : { scopes: patch.approvedScopes.map((s) => s.scope) }),
      ...(data === null ? {} : { details: this.deps.audit.digest(data as AuditJson) }),
    };
  }
}

const PAST: Record<RpAction, string> = { approve: 'approved', reject: 'rejected', suspend: 'suspended', reinstate: 'reinstated' };
const AUDITED: Record<RpAction, AuditAction> = { approve: 'rp.approved', reject: 'rp.rejected', suspend: 'rp.suspended', reinstate: 'rp.reinstated' };
