/**
 * Writing the keystore so that a crash, a full disk or a power cut never leaves a half
 * file: write a temporary file beside the target (mode 0600, fsync), then rename it over
 * the target and fsync the directory. A reader sees the old file or the new one, never a mix.
 *
 * Creating a keystore must not replace one that appeared meanwhile, so the first write
 * links the temporary file into place (link(2) fails with EEXIST, atomically) instead of
 * renaming it. On file systems without hard links it falls back to check-then-rename, which
 * leaves a short race window between two creators (documented in docs/wallet.md).
 *
 * Single writer: two processes saving the same wallet at once both succeed and the last
 * rename wins. There is no cross-process lock.
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, lstat, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** The temporary files of `target` are `.<name>.<12 hex>.tmp` in the same directory. */
export const TEMP_FILE = /^\..+\.[0-9a-f]{12}\.tmp$/;

function errno(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

/** True iff something (file, directory, link) is at `path`. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (e) {
    if (errno(e) === 'ENOENT') return false;
    throw e;
  }
}

/** Creates `dir` (and parents) with mode 0700 if missing. An existing directory's mode is left alone. */
export async function ensureDir(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode: DIR_MODE });
  // mkdir's mode is filtered by the umask; set the leaf exactly when we made it.
  if (first !== undefined) await chmod(dir, DIR_MODE);
}

async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class TargetExistsError extends Error {
  constructor() {
    super('target exists');
    this.name = 'TargetExistsError';
  }
}

/**
 * Writes `data` to `target` atomically, mode 0600. With `noClobber`, fails with
 * TargetExistsError if `target` exists. The temporary file is removed on every failure.
 */
export async function writeFileAtomic(target: string, data: Uint8Array, opts: { noClobber?: boolean } = {}): Promise<void> {
  const dir = dirname(target);
  const tmp = join(dir, `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', FILE_MODE);
  let placed = false;
  try {
    try {
      await fh.chmod(FILE_MODE); // exact, whatever the umask
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (opts.noClobber) await linkNoClobber(tmp, target);
    else await rename(tmp, target);
    placed = true;
  } finally {
    if (!placed || opts.noClobber) await unlink(tmp).catch(() => undefined);
  }
  await syncDir(dir);
}

async function linkNoClobber(tmp: string, target: string): Promise<void> {
  try {
    await link(tmp, target);
  } catch (e) {
    const code = errno(e);
    if (code === 'EEXIST') throw new TargetExistsError();
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw e;
    // No hard links here: check, then rename (racy between two creators, see the header).
    if (await pathExists(target)) throw new TargetExistsError();
    await rename(tmp, target);
  }
}

/**
 * Reads a regular file of at most `maxBytes`. Returns `missing` when nothing is there,
 * `not_a_file` or `too_large` instead of reading something that cannot be a keystore.
 */
export async function readBounded(path: string, maxBytes: number): Promise<Buffer | 'missing' | 'not_a_file' | 'too_large'> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') return 'missing';
    throw e;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return 'not_a_file';
    if (st.size > maxBytes) return 'too_large';
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}
