/**
 * Changing the passphrase (口令) with the old one, and resetting it with a fresh face match —
 * for a person who forgot it, or whose passphrase is locked after too many wrong tries.
 *
 *   change  { old, new }                   the new one must pass enrollment's rules; then the old
 *                                          one is checked under the verification lockout (every
 *                                          wrong try counts: 5 → locked 15 minutes)
 *   face-challenge                         the registry's single-use liveness nonce
 *   reset   { challenge, probe, new }      the registry's 1:1 match of the live probe against
 *                                          the person's own record; works while locked
 *
 * The rules are checked first (core/passphrase/policy, with the birth date from the sealed
 * profile), so a weak choice costs no try and no face capture. On success the new Argon2id hash
 * replaces the old in one transaction with a `passphrase_changed` history event; the failure
 * counter and any lock are cleared (`passphrases.set`).
 *
 * Trust: `me` is authenticated (auth.ts: the device key over a bound single-use nonce). The
 * passphrases and the probe are untrusted input; the face verdict is the registry's. The new
 * passphrase is held in memory only to hash it; it is never logged or stored in clear.
 */
import { WzError } from '@wangzheng/core/errors';
import type { FaceChallenge, PassphraseChanged } from '@wangzheng/core/person/controls';
import { checkPassphrase, PASSPHRASE_PROBLEM_MESSAGES } from '@wangzheng/core/passphrase/policy';
import type { PassphraseHasher } from '../passphrase/hasher.ts';
import type { DataProtector } from '../protect/index.ts';
import type { Registry } from '../registry/index.ts';
import type { Store } from '../store/index.ts';
import { checkPassphraseFactor, lockedError } from '../passphrase/factor.ts';
import type { AuthenticatedPerson } from './auth.ts';
import { historyEvent } from './history.ts';
import { iso } from './wire.ts';

export interface PassphraseControlDeps {
  readonly store: Store;
  readonly protector: DataProtector;
  readonly hasher: PassphraseHasher;
  readonly registry: Pick<Registry, 'faceChallenge' | 'faceMatch'>;
  readonly now: () => number;
}

export class PassphraseControls {
  constructor(private readonly deps: PassphraseControlDeps) {}

  async change(me: AuthenticatedPerson, oldPassphrase: string, newPassphrase: string): Promise<PassphraseChanged> {
    assertStrong(me, newPassphrase);
    if (newPassphrase === oldPassphrase) throw new WzError('passphrase_unchanged', 'The new passphrase is the old one; choose another.');
    if ((await checkPassphraseFactor(this.deps, me.person.id, oldPassphrase, this.deps.now())) === 'locked_now') throw lockedError();
    return this.#set(me, newPassphrase, 'passphrase');
  }

  /** The registry's liveness nonce; the wallet's camera answers it and the probe comes back with `reset`. */
  async faceChallenge(): Promise<FaceChallenge> {
    const c = await this.deps.registry.faceChallenge();
    return { nonce: c.nonce, expiresAt: c.expiresAt };
  }

  async reset(me: AuthenticatedPerson, req: { challenge: string; probe: readonly number[]; passphrase: string }): Promise<PassphraseChanged> {
    assertStrong(me, req.passphrase);
    // The registry consumes the nonce and compares with the record of THIS person only.
    const m = await this.deps.registry.faceMatch({ personRef: me.profile.personRef, nonce: req.challenge, probe: req.probe });
    if (!m.match) throw new WzError('face_mismatch', 'The face does not match the holder of this 网证; the passphrase was not reset.');
    return this.#set(me, req.passphrase, 'face');
  }

  async #set(me: AuthenticatedPerson, passphrase: string, method: PassphraseChanged['method']): Promise<PassphraseChanged> {
    const hash = await this.deps.hasher.hash(passphrase);
    const now = this.deps.now();
    await this.deps.store.transaction(async (tx) => {
      await tx.passphrases.set(me.person.id, hash, now);
      await tx.events.append(historyEvent(this.deps.protector, { personId: me.person.id, dek: me.dek }, { kind: 'passphrase_changed', deviceId: me.device.id, method }, now));
    });
    return { changedAt: iso(now), method };
  }
}

/** Enrollment's rules (8 digits, no runs or repeats, not the birth date): `weak_passphrase` with which rule. */
function assertStrong(me: AuthenticatedPerson, passphrase: string): void {
  const problem = checkPassphrase(passphrase, { birthDate: me.profile.birthDate });
  if (problem) throw new WzError('weak_passphrase', PASSPHRASE_PROBLEM_MESSAGES[problem], { detail: problem });
}
