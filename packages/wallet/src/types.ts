/**
 * What the holder's wallet keeps: the device key pair and the person's 网证, and the
 * on-disk header that protects them (docs/wallet.md, "File format").
 *
 * Everything in `WalletContents` is secret or personal and lives only inside the
 * ciphertext; everything in `KeystoreHeader` is public and bound to it as associated data.
 */
import type { SuiteName } from '@wangzheng/core/crypto/types';

/** The device key: SM2 in the `gm` suite, ES256 (P-256) in `intl`. */
export type DeviceAlg = 'SM2' | 'ES256';

export interface DeviceRecord {
  alg: DeviceAlg;
  /** PKCS#8 PEM. The secret the whole file exists to protect. */
  privateKeyPem: string;
  /** A name the person gave the device, shown only to them. */
  label?: string;
  createdAt: string;
}

/** A 网证 as the wallet stores it, exactly as the platform issued it. */
export interface StoredCredential {
  /** The 网号 the credential is for, canonical form (10 symbols, no hyphen). */
  netid: string;
  /** The platform's id of this credential (used for status and revocation look-ups). */
  credentialId: string;
  /** SD-JWT VC: the issuer-signed JWT followed by its disclosures, `<jwt>~<d1>~…~<dn>~`. No key-binding JWT. */
  sdJwt: string;
  issuedAt: string;
  expiresAt: string;
  /** `self`: the device owner's own 网证; `ward`: one a guardian keeps for a minor in their care. */
  holder: 'self' | 'ward';
  /** For `ward` only: the guardian's own name for the ward ("女儿"), never sent anywhere. */
  wardLabel?: string;
}

/** The plaintext inside the ciphertext (UTF-8 JSON). */
export interface WalletContents {
  device: DeviceRecord;
  credentials: StoredCredential[];
}

/** Argon2id cost parameters. `memoryKiB` is per lane (Argon2 `m`), `iterations` is `t`, `parallelism` is `p`. */
export interface KdfCost {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

export interface KdfParams extends KdfCost {
  alg: 'argon2id';
  /** base64url of 16 random bytes. */
  salt: string;
}

/** The file, as JSON. Every field except `ciphertext` is bound to the ciphertext as associated data. */
export interface KeystoreHeader {
  format: 'wangzheng-wallet';
  version: 1;
  suite: SuiteName;
  kdf: KdfParams;
  /** Names what the associated data binds (a constant for version 1; see format.ts). */
  aad: string;
  /** Passphrase check: the suite's AEAD over nothing under the key-encryption key, base64url (see docs/wallet.md). */
  check: string;
  /** base64url of iv(12) ‖ AEAD ciphertext of the WalletContents JSON ‖ tag(16). */
  ciphertext: string;
  createdAt: string;
  updatedAt: string;
}
