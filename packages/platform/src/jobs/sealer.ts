/**
 * Sealing what the platform keeps for a short while on someone else's behalf — a job's payload
 * (a Security Event Token names an RP's pseudonym for a person), an RP receiver's push
 * credential — with the existing protect layer, no new cryptography: a fresh data key per value
 * (`DataProtector.newDataKey`), wrapped by the platform KEK, and the value sealed with it under
 * associated data that binds it to its owner id and purpose. A sealed blob copied to another
 * row or purpose fails to open (`decryption_failed`).
 *
 * Not a person's data key: a job must still be deliverable after the person's key is destroyed
 * (cancellation sends "account purged"), and it dies with its row when delivered.
 *
 * Trust: the KEK ring comes from configuration; the owner id and purpose from our own code.
 */
import type { DataProtector } from '../protect/index.ts';
import type { SealedBlob } from '../store/index.ts';

export type SealPurpose = 'job_payload' | 'ssf_auth_header';

export class Sealer {
  readonly #protector: DataProtector;

  constructor(protector: DataProtector) {
    this.#protector = protector;
  }

  seal(ownerId: string, purpose: SealPurpose, bytes: Uint8Array): SealedBlob {
    const key = this.#protector.newDataKey(ownerId);
    try {
      return { sealed: this.#protector.sealBytesFor(key.dek, ownerId, purpose, bytes), wrappedKey: key.wrappedDek, kekId: key.kekId };
    } finally {
      key.dek.fill(0);
    }
  }

  /** @throws WzError `decryption_failed` when the blob is not this owner's and purpose's, or its KEK is gone. */
  open(ownerId: string, purpose: SealPurpose, blob: SealedBlob): Uint8Array {
    const dek = this.#protector.unwrapDataKey(ownerId, blob.wrappedKey, blob.kekId);
    try {
      return this.#protector.openBytesFor(dek, ownerId, purpose, blob.sealed);
    } finally {
      dek.fill(0);
    }
  }
}
