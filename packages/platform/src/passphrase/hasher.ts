/**
 * Credential passphrases (口令) at rest: Argon2id (RFC 9106) PHC strings, never the digits.
 * `@node-rs/argon2` runs the hash on libuv's thread pool, so a slow hash does not block the
 * event loop. Parameters come from configuration (OWASP minimum m=19 MiB, t=2, p=1 by
 * default); `needsRehash` tells when a stored hash was made with weaker ones.
 */
import { hash, verify, type Algorithm } from '@node-rs/argon2';

/** `Algorithm.Argon2id`: the package declares a `const enum`, which has no run-time object. */
const ARGON2ID = 2 as Algorithm;

export interface Argon2Params {
  readonly memoryKiB: number;
  readonly iterations: number;
}

export class PassphraseHasher {
  constructor(readonly params: Argon2Params) {}

  hash(passphrase: string): Promise<string> {
    return hash(passphrase, {
      algorithm: ARGON2ID,
      memoryCost: this.params.memoryKiB,
      timeCost: this.params.iterations,
      parallelism: 1,
    });
  }

  /** False for a wrong passphrase and for a malformed stored hash alike. */
  async verify(stored: string, passphrase: string): Promise<boolean> {
    try {
      return await verify(stored, passphrase);
    } catch {
      return false;
    }
  }

  needsRehash(stored: string): boolean {
    const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored);
    return !m || Number(m[1]) < this.params.memoryKiB || Number(m[2]) < this.params.iterations;
  }
}
