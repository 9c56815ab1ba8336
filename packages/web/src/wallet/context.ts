/**
 * The wallet in this browser as every screen sees it (the app shell, app.tsx, provides it): the
 * stored wallet, or one the browser refused to store, kept in the page.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Failure } from '../shared/api.ts';
import type { StoredWallet, WalletState } from '../shared/store.ts';

/** A wallet the browser refused to store, and why (`storage_full`, `storage_unavailable`). */
export interface Unsaved {
  wallet: StoredWallet;
  failure: Failure;
}

export interface WalletCtx {
  /** The wallet the screens use: the stored one, or the unsaved one while there is one. */
  state: WalletState | undefined;
  reload(): Promise<void>;
  /** A 网证 issued to this page that the browser did not store (null: nothing waiting). */
  unsaved: Unsaved | null;
  /** Keeps (or, with null, forgets) a wallet the browser did not store. */
  keepUnsaved(u: Unsaved | null): void;
  /** Stores `w` as this browser's wallet; if the browser refuses, keeps it unsaved. Null once stored, else why not. */
  store(w: StoredWallet): Promise<Failure | null>;
  /** Tries to store the unsaved wallet again. */
  saveAgain(): Promise<Failure | null>;
}

export const WalletContext = createContext<WalletCtx>({ state: undefined, reload: async () => {}, unsaved: null, keepUnsaved: () => {}, store: async () => null, saveAgain: async () => null });

export function useWallet(): WalletCtx {
  return useContext(WalletContext);
}
