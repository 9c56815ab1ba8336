/**
 * Removing the keystore file from this device once the 网号 is cancelled: its device key and
 * 网证 are of no further use, and the 网证's disclosures hold the person's name and ID number
 * (sealed under the passphrase-derived key).
 *
 * Best effort, stated plainly: the file is overwritten in place with random bytes of its own
 * length, flushed, then unlinked. On flash storage, copy-on-write or journaling file systems,
 * snapshots and backups, earlier blocks may survive; what they hold is the sealed keystore,
 * which opens only with the passphrase (Argon2id, docs/wallet.md).
 *
 * Trust: the path is the one the keystore was opened from.
 */
import { randomBytes } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';

/** Overwrites, flushes and unlinks the file at `path`; a missing file is not an error (already gone). */
export async function forgetKeystore(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r+');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    const { size } = await handle.stat();
    if (size > 0) await handle.write(randomBytes(size), 0, size, 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await unlink(path);
}
