/**
 * Symmetric key rings for the protect layer: `[{ id, key }, …]`, the first key is current
 * (it wraps or computes), every key is recognised (it unwraps or matches). Rotation: put the
 * new key first, keep the old ones until nothing depends on them, then drop them.
 *
 * Keys come from configuration (outside the database). Nothing here logs a key.
 */

export interface KeyRingEntry {
  /** Stable, non-secret key id stored beside what the key protects (`kek-2025-01`). */
  readonly id: string;
  readonly key: Uint8Array;
}

const KEY_ID = /^[a-z0-9][a-z0-9_.:-]{0,63}$/;

export class SymmetricKeyRing {
  readonly #entries: ReadonlyMap<string, Uint8Array>;
  readonly current: KeyRingEntry;
  readonly ids: readonly string[];

  /**
   * @param what used in error messages only ("KEK ring", "blind index key ring")
   * @param keyLength exact length required, or `{ min }`
   */
  constructor(entries: readonly KeyRingEntry[], what: string, keyLength: number | { min: number }) {
    if (!Array.isArray(entries) || entries.length === 0) throw new TypeError(`${what}: at least one key is required`);
    const map = new Map<string, Uint8Array>();
    for (const e of entries) {
      if (typeof e?.id !== 'string' || !KEY_ID.test(e.id)) throw new TypeError(`${what}: key ids must match ${KEY_ID.source}`);
      if (map.has(e.id)) throw new TypeError(`${what}: duplicate key id ${e.id}`);
      if (!(e.key instanceof Uint8Array)) throw new TypeError(`${what}: key ${e.id} must be a Uint8Array`);
      const ok = typeof keyLength === 'number' ? e.key.length === keyLength : e.key.length >= keyLength.min;
      if (!ok) {
        const want = typeof keyLength === 'number' ? `${keyLength}` : `at least ${keyLength.min}`;
        throw new TypeError(`${what}: key ${e.id} must be ${want} bytes`);
      }
      // Copy: a caller zeroing or reusing its buffer must not change our keys.
      map.set(e.id, Uint8Array.from(e.key));
    }
    this.#entries = map;
    this.ids = Object.freeze(entries.map((e) => e.id));
    const first = entries[0] as KeyRingEntry;
    this.current = Object.freeze({ id: first.id, key: map.get(first.id) as Uint8Array });
  }

  get(id: string): Uint8Array | undefined {
    return this.#entries.get(id);
  }

  all(): KeyRingEntry[] {
    return this.ids.map((id) => ({ id, key: this.#entries.get(id) as Uint8Array }));
  }
}
