/**
 * The person's own controls, wallet side: each call fetches a single-use platform nonce and
 * POSTs a body bound to it and to the call (bound-request.ts). The CLI and a web wallet only
 * format what these return.
 *
 * @example
 *   const me = new MeClient(new PlatformClient(url), nodeHolder(own.sdJwt, wallet.deviceKey)); // or a browser Holder
 *   await me.lock();                       // nothing verifies until unlocked
 *   await me.unlock(passphrase);
 *   const { history } = await me.history();
 */
import type {
  AuthorizationView,
  AuthorizationWithdrawn,
  DeviceRevoked,
  DeviceView,
  HistoryEntry,
  MeNonce,
  MeStatus,
  PersonExport,
} from '@wangzheng/core/person/views';
import type { PlatformClient } from '../enroll/client.ts';
import { boundBody, type Holder } from './bound-request.ts';

export type { AuthorizationView, AuthorizationWithdrawn, DeviceRevoked, DeviceView, HistoryEntry, MeStatus, PersonExport };

export class MeClient {
  constructor(
    private readonly platform: PlatformClient,
    private readonly holder: Holder,
  ) {}

  status(): Promise<MeStatus> {
    return this.call('/v1/me/status');
  }

  lock(): Promise<MeStatus> {
    return this.call('/v1/me/lock');
  }

  /** Unlocking needs the passphrase (口令) as well as this device. */
  unlock(passphrase: string): Promise<MeStatus> {
    return this.call('/v1/me/unlock', { passphrase });
  }

  async devices(): Promise<DeviceView[]> {
    return (await this.call<{ devices: DeviceView[] }>('/v1/me/devices')).devices;
  }

  /** Revokes another device of this person (a lost phone) and its 网证. */
  revokeDevice(deviceId: string): Promise<DeviceRevoked> {
    return this.call('/v1/me/devices/revoke', { deviceId });
  }

  async history(limit?: number): Promise<HistoryEntry[]> {
    return (await this.call<{ history: HistoryEntry[] }>('/v1/me/history', limit === undefined ? {} : { limit })).history;
  }

  async authorizations(): Promise<AuthorizationView[]> {
    return (await this.call<{ authorizations: AuthorizationView[] }>('/v1/me/authorizations')).authorizations;
  }

  withdraw(clientId: string): Promise<AuthorizationWithdrawn> {
    return this.call('/v1/me/authorizations/withdraw', { clientId });
  }

  export(): Promise<PersonExport> {
    return this.call('/v1/me/export');
  }

  /** One bound call: a fresh nonce, then the body signed over it, this path and these fields. */
  async call<T>(path: string, fields: Readonly<Record<string, unknown>> = {}): Promise<T> {
    const { nonce } = await this.platform.get<MeNonce>('/v1/me/nonce');
    return this.platform.post<T>(path, await boundBody(this.holder, nonce, path, fields));
  }
}
