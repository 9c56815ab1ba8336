/**
 * KEK rotation over the whole store: every data key not wrapped under the current KEK is
 * unwrapped and wrapped again, in batches, each row by compare-and-set (several processes may
 * run this at once). Profiles are not touched: the data keys do not change.
 *
 * Procedure: put the new KEK first in the ring (every process), run `rewrapAll`, and only when
 * it reports zero remaining remove the old KEK from the ring. Removing the old KEK is also what
 * makes residual copies of shredded wrapped keys (backups, WAL, dead tuples) unrecoverable.
 */
import type { PersonWriter } from '../store/persons/types.ts';
import type { DataProtector } from './data-protector.ts';

export interface RewrapReport {
  /** Data keys rewrapped by this call. */
  readonly rewrapped: number;
}

export async function rewrapAll(
  persons: Pick<PersonWriter, 'listWrappedKeysNotUnder' | 'setWrappedKey'>,
  protector: DataProtector,
  opts: { batchSize?: number } = {},
): Promise<RewrapReport> {
  const batchSize = opts.batchSize ?? 500;
  const current = protector.currentKekId;
  let rewrapped = 0;
  for (;;) {
    const batch = await persons.listWrappedKeysNotUnder(current, batchSize);
    if (batch.length === 0) return { rewrapped };
    for (const row of batch) {
      const next = protector.rewrap(row.id, row.wrappedDek, row.kekId);
      if (await persons.setWrappedKey(row.id, row.kekId, next.wrappedDek, next.kekId)) rewrapped++;
    }
  }
}
