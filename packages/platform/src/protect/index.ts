/** Personal-data protection: envelope encryption per person, blind indexes, KEK rotation. */
export { DataProtector, type DataKey, type WrappedDataKey } from './data-protector.ts';
export { BlindIndexer, rpKind, type BlindDigest, type BlindIndexKind } from './blind-index.ts';
export { SymmetricKeyRing, type KeyRingEntry } from './keyring.ts';
export { rewrapAll, type RewrapReport } from './rotate.ts';
