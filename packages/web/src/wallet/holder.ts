/**
 * The screens' access to the wallet library over the stored wallet: `/v1/me` controls
 * (MeClient, MeControls) and a small hook for "load this, show progress, failure, retry".
 * Every call first checks the browser is online, so an offline attempt says so at once.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { MeClient, type MeStatus } from '@wangzheng/wallet/me/client';
import { MeControls } from '@wangzheng/wallet/me/controls';
import { failureOf, platformClient, requireOnline, type Failure } from '../shared/api.ts';
import { holderOf, type StoredWallet } from '../shared/store.ts';

export function meClient(w: StoredWallet): MeClient {
  requireOnline();
  return new MeClient(platformClient(), holderOf(w));
}

export function meControls(w: StoredWallet): MeControls {
  requireOnline();
  return new MeControls(platformClient(), holderOf(w));
}

/**
 * The person's status (active / locked) as this page last heard it from the platform — home's
 * and the lock screen's `/v1/me/status`, a lock or unlock, a verification refused with
 * `credential_locked` — by 网证, so the consent screen can warn before the person approves.
 * Only what this page has seen: nothing is asked for it.
 */
const lastStatus = new Map<string, MeStatus['status']>();

export function rememberStatus(w: StoredWallet, status: MeStatus['status']): void {
  lastStatus.set(w.credentialId, status);
}

export function knownStatus(w: StoredWallet): MeStatus['status'] | undefined {
  return lastStatus.get(w.credentialId);
}

/** `/v1/me/status`, remembered (knownStatus). */
export async function fetchStatus(w: StoredWallet): Promise<MeStatus> {
  const s = await meClient(w).status();
  rememberStatus(w, s.status);
  return s;
}

export type Loaded<T> = { state: 'loading' } | { state: 'ok'; value: T } | { state: 'failed'; failure: Failure };

/** Runs `load` on mount (and on `retry`); `deps` re-run it. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> & { retry: () => void; set: (v: T) => void } {
  const [s, setS] = useState<Loaded<T>>({ state: 'loading' });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setS({ state: 'loading' });
    // A synchronous throw (offline, before any request) is a failure like any other.
    Promise.resolve()
      .then(load)
      .then(
      (value) => live && setS({ state: 'ok', value }),
      (e: unknown) => live && setS({ state: 'failed', failure: failureOf(e) }),
    );
    return () => {
      live = false;
    };
  }, [...deps, n]);
  const retry = useCallback(() => setN((x) => x + 1), []);
  const set = useCallback((value: T) => setS({ state: 'ok', value }), []);
  return { ...s, retry, set };
}

/** One action at a time: `run` marks it busy, keeps its failure, returns its value (undefined on failure). */
export function useAction(): { busy: boolean; failure: Failure | null; run: <T>(f: () => Promise<T>) => Promise<T | undefined>; clear: () => void } {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const run = useCallback(async <T,>(f: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setFailure(null);
    try {
      return await f();
    } catch (e) {
      setFailure(failureOf(e));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => setFailure(null), []);
  return { busy, failure, run, clear };
}
