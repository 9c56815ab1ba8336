/**
 * Devices: the public keys credentials are bound to. A row holds the key as a public JWK and
 * its thumbprint (public, not personal on their own) and a label the person chose, sealed with
 * the person's data key. No plaintext personal data is stored.
 */
import type { Optional } from '../row-types.ts';

export interface DeviceRecord {
  readonly id: string;
  readonly personId: string;
  /** The device's public key as a JWK (JSON text): public, not personal on its own. */
  readonly publicJwk: string;
  /** RFC 7638 thumbprint of that key: how a key-binding proof finds its device. */
  readonly thumbprint: string;
  /** A label the person chose, sealed with their data key (it may contain a name). */
  readonly label: Uint8Array | null;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

/** Omitted: a new id, no label, created now. */
export type NewDevice = Optional<Omit<DeviceRecord, 'revokedAt'>, 'id' | 'label' | 'createdAt'>;

export interface DeviceReader {
  findById(id: string): Promise<DeviceRecord | undefined>;
  findByThumbprint(thumbprint: string): Promise<DeviceRecord | undefined>;
  listByPerson(personId: string): Promise<DeviceRecord[]>;
}

export interface DeviceWriter extends DeviceReader {
  insert(device: NewDevice): Promise<DeviceRecord>;
  /** Marks the device revoked (lost phone). Returns false if unknown or already revoked. */
  revoke(id: string, at?: number): Promise<boolean>;
}
