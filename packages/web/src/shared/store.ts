/**
 * What the web wallet keeps in this browser (IndexedDB through idb-keyval, one record):
 * the device key as a CryptoKey object — stored by structured clone, so it stays
 * non-extractable: what comes back can sign and cannot be exported — and the person's own 网证
 * with its disclosures (their data, for their own screens and for choosing what to disclose).
 *
 * Nothing else about the person is stored; the phone number only masked, for the consent
 * screen. A cleared browser store simply means "no wallet here"; a store that refuses a write
 * (full, or none at all) is a `StorageError` the screens explain — what was to be stored stays
 * in the page.
 */
import { createStore, del, get, set } from 'idb-keyval';
import type { PublicJwk } from '@wangzheng/core/crypto/types';
import { credentialClaims } from '@wangzheng/wallet/holder/credential';
import type { Holder } from '@wangzheng/wallet/holder/ports';
import type { VenuePassGrant } from '@wangzheng/wallet/venue/index';
import { StorageError } from './api.ts';
import { webCryptoSigner, webDigest } from './crypto.ts';

const db = createStore('wangzheng-wallet', 'wallet');
const KEY = 'wallet/v1';

export interface StoredWallet {
  v: 1;
  /** The device key's private half: non-extractable; it signs, it cannot be read. */
  privateKey: CryptoKey;
  publicJwk: PublicJwk;
  /** The 网证: SD-JWT VC with all its disclosures, no KB-JWT. */
  credential: string;
  netid: string;
  credentialId: string;
  issuer: string;
  issuedAt: string;
  expiresAt: string;
  /** The label this device has at the platform. */
  label: string;
  /** `138****5678`, for showing what a service would receive. */
  maskedPhone: string | null;
  storedAt: string;
}

export type WalletState = { kind: 'none' } | { kind: 'damaged' } | { kind: 'ready'; wallet: StoredWallet } | { kind: 'unavailable' };

function isWallet(w: unknown): w is StoredWallet {
  const o = w as Partial<StoredWallet> | null | undefined;
  return (
    !!o &&
    o.v === 1 &&
    typeof o.credential === 'string' &&
    typeof o.netid === 'string' &&
    typeof o.issuer === 'string' &&
    typeof CryptoKey !== 'undefined' &&
    o.privateKey instanceof CryptoKey &&
    o.privateKey.type === 'private' &&
    !!o.publicJwk
  );
}

export async function loadWallet(): Promise<WalletState> {
  let w: unknown;
  try {
    w = await get(KEY, db);
  } catch {
    // IndexedDB refused (private mode in some browsers, storage blocked)
    return { kind: 'unavailable' };
  }
  if (w === undefined) return { kind: 'none' };
  return isWallet(w) ? { kind: 'ready', wallet: w } : { kind: 'damaged' };
}

/** Writes one record; any refusal of the browser's store is a `StorageError` (full, or no store at all). */
async function put(key: string, value: unknown): Promise<void> {
  try {
    await set(key, value, db);
  } catch (e) {
    throw StorageError.of(e);
  }
}

/**
 * Stores the wallet. Throws `StorageError` when the browser will not keep it: the caller still
 * holds the record — key and 网证 — in memory, and can try again.
 */
export async function saveWallet(w: StoredWallet): Promise<void> {
  await put(KEY, w);
  // Ask the browser not to evict the store under storage pressure (best effort; may be refused).
  await navigator.storage?.persist?.().catch(() => false);
}

/** Removes the wallet from this browser: the device key is gone for good (and with it any venue pass). */
export async function clearWallet(): Promise<void> {
  await del(KEY, db);
  await del(VENUE_PASS_KEY, db).catch(() => undefined);
}

/** The holder ports over a stored wallet. */
export function holderOf(w: StoredWallet): Holder {
  return { credential: w.credential, signer: webCryptoSigner(w.privateKey, w.publicJwk), digest: webDigest };
}

/** A new record for an issued 网证 (its claims read without verification: checked before this). */
export function walletRecord(o: { privateKey: CryptoKey; publicJwk: PublicJwk; credential: string; label: string; maskedPhone: string | null }): StoredWallet {
  const c = credentialClaims(o.credential);
  const str = (k: string): string => {
    const v = c[k];
    if (typeof v !== 'string' || v === '') throw new Error(`credential has no ${k}`);
    return v;
  };
  const time = (k: string): string => {
    const v = c[k];
    if (typeof v !== 'number') throw new Error(`credential has no ${k}`);
    return new Date(v * 1000).toISOString();
  };
  return {
    v: 1,
    privateKey: o.privateKey,
    publicJwk: o.publicJwk,
    credential: o.credential,
    netid: str('netid'),
    credentialId: str('jti'),
    issuer: str('iss'),
    issuedAt: time('iat'),
    expiresAt: time('exp'),
    label: o.label,
    maskedPhone: o.maskedPhone,
    storedAt: new Date().toISOString(),
  };
}

// ------------------------------------------------------------------ the venue pass (场所码)

/**
 * The venue pass (docs/venue.md) is kept beside the wallet under its own key — the wallet record
 * is not touched: the platform-signed pass, the salts and values of `age_over_18` and
 * `masked_name` (the person's own data, shown only when they choose), for the 网证 and the device
 * key it was issued to. It lives at most 24 h; an expired one is dropped when read.
 */
const VENUE_PASS_KEY = 'venue-pass/v1';

export interface StoredVenuePass {
  v: 1;
  /** The 网证 it was issued for (a new 网证 in this browser makes it useless). */
  credentialId: string;
  /** The device key's public `x`: the pass is bound to it. */
  deviceX: string;
  grant: VenuePassGrant;
  storedAt: string;
}

function isVenuePass(o: unknown): o is StoredVenuePass {
  const r = o as Partial<StoredVenuePass> | null | undefined;
  return !!r && r.v === 1 && typeof r.credentialId === 'string' && typeof r.deviceX === 'string' && !!r.grant && typeof r.grant.pass === 'string' && typeof r.grant.expiresAt === 'string';
}

/** The stored pass of this wallet, if there is one that has not expired (others are deleted). */
export async function loadVenuePass(w: StoredWallet, nowMs: number = Date.now()): Promise<VenuePassGrant | undefined> {
  let r: unknown;
  try {
    r = await get(VENUE_PASS_KEY, db);
  } catch {
    return undefined;
  }
  if (r === undefined) return undefined;
  if (!isVenuePass(r) || r.credentialId !== w.credentialId || r.deviceX !== w.publicJwk.x || !(Date.parse(r.grant.expiresAt) > nowMs)) {
    await clearVenuePass();
    return undefined;
  }
  return r.grant;
}

/** Stores the pass beside the wallet; `StorageError` when the browser will not keep it. */
export async function saveVenuePass(w: StoredWallet, grant: VenuePassGrant): Promise<void> {
  const r: StoredVenuePass = { v: 1, credentialId: w.credentialId, deviceX: w.publicJwk.x, grant, storedAt: new Date().toISOString() };
  await put(VENUE_PASS_KEY, r);
}

export async function clearVenuePass(): Promise<void> {
  await del(VENUE_PASS_KEY, db).catch(() => undefined);
}
