/**
 * `Registry` over HTTP: every call signed with HMAC-SM3 (core/registry/http-auth.ts), every
 * answer validated against the contract schemas.
 *
 * Error mapping — what the platform's callers see:
 * - the registry's domain codes (`forged_chip_data`, `invalid_document`, `unknown_person`,
 *   `challenge_expired`, `invalid_face_template`, …) pass through as WzError with OUR fixed
 *   message (a remote's text is not echoed to users);
 * - anything that means the link is broken — network failure, timeout, 5xx, 401 (our
 *   credentials refused), a malformed request or an answer that breaks the contract — is
 *   `registry_unavailable` (502), with the reason in `detail` for the log.
 */
import type { z } from 'zod';
import { WzError, type ErrorCode } from '@wangzheng/core/errors';
import { signRequest, toSharedKey, type SharedKey } from '@wangzheng/core/registry/http-auth';
import {
  faceChallengeResponseSchema,
  faceMatchResponseSchema,
  guardianCheckResponseSchema,
  issuerKeysResponseSchema,
  nonceSchema,
  parseFaceTemplate,
  personRefSchema,
  verifyDocumentResponseSchema,
} from '@wangzheng/core/registry/schemas';
import type { PassiveAuthenticator } from '@wangzheng/core/documents/passive-auth';
import type { ChipData, Registry } from './registry.ts';

export interface RegistryClientOptions {
  /** e.g. `http://127.0.0.1:8081` (no trailing path). */
  baseUrl: string;
  /** `keyId:base64url` or a parsed key. */
  sharedKey: string | SharedKey;
  /** Per-call timeout. Default 5,000 ms. */
  timeoutMs?: number;
  /** When given, `verifyDocument` first authenticates the chip locally and fails fast. */
  passiveAuth?: PassiveAuthenticator;
  fetch?: typeof fetch;
  now?: () => Date;
}

/** Codes the registry may answer that mean something to the platform's caller. */
const DOMAIN_MESSAGES: Partial<Record<ErrorCode, string>> = {
  unknown_document_type: 'Unknown document type.',
  invalid_document: 'The document could not be verified.',
  invalid_id_number: 'The identity number is not valid.',
  forged_chip_data: 'The document chip data failed authentication.',
  unknown_person: 'The registry has no such person.',
  invalid_face_template: 'The face template is malformed.',
  challenge_expired: 'The face challenge is unknown, used or expired; request a new one.',
  rate_limited: 'The registry is busy; try again shortly.',
};

function unavailable(detail: string, cause?: unknown): WzError {
  return new WzError('registry_unavailable', 'The population registry is unavailable; try again later.', { detail, cause });
}

export class RegistryHttpClient implements Registry {
  private readonly base: string;
  private readonly key: SharedKey;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => Date;

  constructor(private readonly opts: RegistryClientOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.key = toSharedKey(opts.sharedKey);
    this.timeoutMs = opts.timeoutMs ?? 5_000;
    this.fetchImpl = opts.fetch ?? fetch;
    this.now = opts.now ?? (() => new Date());
  }

  private async call<S extends z.ZodType>(method: 'GET' | 'POST', path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: signRequest(this.key, { method, path, body: text }, { now: this.now() }),
    };
    if (text !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.fetchImpl(this.base + path, { method, headers, body: text, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      const name = (e as { name?: string }).name;
      throw unavailable(name === 'TimeoutError' ? `timeout after ${this.timeoutMs} ms on ${path}` : `network failure on ${path}`, e);
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch (e) {
      throw unavailable(`non-JSON answer (${res.status}) on ${path}`, e);
    }
    if (!res.ok) {
      const code = (json as { error?: unknown } | null)?.error;
      const message = typeof code === 'string' ? DOMAIN_MESSAGES[code as ErrorCode] : undefined;
      if (res.status < 500 && message !== undefined) throw new WzError(code as ErrorCode, message, { detail: `registry ${res.status} on ${path}` });
      throw unavailable(`registry answered ${res.status} ${typeof code === 'string' ? code.slice(0, 40) : '?'} on ${path}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw unavailable(`answer breaks the contract on ${path}`);
    return parsed.data;
  }

  async verifyDocument(chip: ChipData): Promise<z.infer<typeof verifyDocumentResponseSchema>> {
    this.opts.passiveAuth?.authenticate(chip, this.now());
    return this.call('POST', '/v1/documents/verify', { chip }, verifyDocumentResponseSchema);
  }

  async faceChallenge(): Promise<z.infer<typeof faceChallengeResponseSchema>> {
    return this.call('POST', '/v1/face/challenge', {}, faceChallengeResponseSchema);
  }

  async faceMatch(req: { personRef: string; nonce: string; probe: readonly number[] }): Promise<z.infer<typeof faceMatchResponseSchema>> {
    parseFaceTemplate(req.probe);
    requireShape(personRefSchema, req.personRef, 'personRef');
    requireShape(nonceSchema, req.nonce, 'nonce');
    return this.call('POST', '/v1/face/match', { personRef: req.personRef, nonce: req.nonce, probe: req.probe }, faceMatchResponseSchema);
  }

  async isGuardian(req: { guardianRef: string; childRef: string }): Promise<boolean> {
    requireShape(personRefSchema, req.guardianRef, 'guardianRef');
    requireShape(personRefSchema, req.childRef, 'childRef');
    const r = await this.call('POST', '/v1/guardianship/check', { guardianRef: req.guardianRef, childRef: req.childRef }, guardianCheckResponseSchema);
    return r.guardian;
  }

  async issuerKeys(): Promise<z.infer<typeof issuerKeysResponseSchema>> {
    return this.call('GET', '/v1/issuer-keys', undefined, issuerKeysResponseSchema);
  }
}

function requireShape(schema: z.ZodType, value: unknown, field: string): void {
  if (!schema.safeParse(value).success) throw new WzError('invalid_request', `${field} is malformed.`);
}

/** The platform's registry, over HTTP. */
export function createRegistryClient(opts: RegistryClientOptions): Registry {
  return new RegistryHttpClient(opts);
}
