/**
 * The web wallet's glue to the platform it is served from: one `PlatformClient` over
 * `location.origin` (the page talks to no other host: CSP connect-src 'self'), the
 * development simulation endpoints of that same origin (`/sim/*`: the simulated NFC reader,
 * camera and SMS inbox — present only on a development platform), and turning any failure
 * into a stable code the screens can explain.
 */
import { isWzError } from '@wangzheng/core/errors';
import { PlatformClient } from '@wangzheng/wallet/enroll/client';

/**
 * `fetch` bound to the window: PlatformClient calls it as a method of itself, which a browser
 * refuses ("Illegal invocation") for an unbound `window.fetch`.
 */
export const boundFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);

export function platformClient(): PlatformClient {
  return new PlatformClient(location.origin, boundFetch);
}

/** Any failure as `{ code, message }`: `offline` when the network is not there at all. */
export interface Failure {
  code: string;
  /** The platform's safe message (English), shown when the catalogue has no text for `code`. */
  message: string;
}

export class OfflineError extends Error {
  readonly code = 'offline';
}

/**
 * This browser would not keep what the page asked it to store: `storage_full` (a
 * QuotaExceededError) or `storage_unavailable` (no IndexedDB: private browsing, site data
 * blocked, the store removed under the page). A failure of this device, never the network's.
 */
export class StorageError extends Error {
  constructor(
    readonly code: 'storage_full' | 'storage_unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }

  static of(e: unknown): StorageError {
    if (e instanceof StorageError) return e;
    const o = e as { name?: unknown; code?: unknown } | null;
    // 22: the legacy DOMException code of QuotaExceededError.
    const full = o?.name === 'QuotaExceededError' || o?.code === 22;
    return new StorageError(full ? 'storage_full' : 'storage_unavailable', e instanceof Error ? e.message : String(e));
  }
}

export function failureOf(e: unknown): Failure {
  if (e instanceof OfflineError) return { code: 'offline', message: e.message };
  if (e instanceof StorageError) return { code: e.code, message: e.message };
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return { code: 'offline', message: 'offline' };
  if (isWzError(e)) {
    // PlatformClient's transport failure: no answer at all.
    if (e.code === 'internal_error' && e.cause !== undefined && e.message.startsWith('cannot reach')) return { code: 'unreachable', message: e.message };
    return { code: e.code, message: e.message };
  }
  const o = e as { code?: unknown; message?: unknown } | null;
  if (o && typeof o.code === 'string') return { code: o.code, message: typeof o.message === 'string' ? o.message : o.code };
  return { code: 'unexpected', message: e instanceof Error ? e.message : String(e) };
}

/** Refuses before trying when the browser knows it is offline. */
export function requireOnline(): void {
  if (typeof navigator !== 'undefined' && navigator.onLine === false) throw new OfflineError('offline');
}

// ------------------------------------------------------------------ development simulation

export interface SampleDocument {
  label: string;
  documentType: string;
  documentNumber: string;
  status: string;
  description: string;
}

export interface SimSms {
  code: string;
  sentAt: number;
  to: string;
}

/** The platform's `/sim/*` proxy (development only; 404 elsewhere → `simulation_unavailable`). */
export const sim = {
  async readChip(documentType: string, documentNumber: string): Promise<unknown> {
    requireOnline();
    return (await platformClient().post<{ chip: unknown }>('/sim/nfc/read', { documentType, documentNumber })).chip;
  },
  async camera(documentType: string, documentNumber: string, subject: 'self' | 'other', nonce: string): Promise<number[]> {
    requireOnline();
    return (await platformClient().post<{ probe: number[] }>('/sim/camera', { documentType, documentNumber, subject, nonce })).probe;
  },
  /** The newest code the development SMS outbox holds for `phone`, if any. */
  async sms(phone: string): Promise<SimSms | null> {
    requireOnline();
    const r = await platformClient().get<{ message: SimSms | null }>(`/sim/sms?phone=${encodeURIComponent(phone)}`);
    return r.message;
  },
  async samples(): Promise<SampleDocument[]> {
    return (await platformClient().get<{ samples: SampleDocument[] }>('/sim/samples')).samples;
  },
};
