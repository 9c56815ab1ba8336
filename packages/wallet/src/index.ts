/**
 * The holder side of 网证: the on-device wallet. Import from `@wangzheng/wallet`.
 * See docs/wallet.md for the keystore file format and its security limits.
 */
export { KEYSTORE_FILE, Wallet, createKeystore, keystoreExists, openKeystore, type CreateKeystoreOptions, type KeystoreLocation } from './keystore.ts';
export { DEFAULT_KDF, KDF_BOUNDS } from './kdf.ts';
export type { DeviceAlg, DeviceRecord, KdfCost, KdfParams, KeystoreHeader, StoredCredential, WalletContents } from './types.ts';
