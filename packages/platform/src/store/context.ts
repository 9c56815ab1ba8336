/** What every repository is built from: a Kysely handle (the pool or one transaction) and a clock. */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export interface RepoContext {
  readonly db: Kysely<Database>;
  readonly now: () => number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A new random id (UUID v4) for any row. */
export function newId(): string {
  return randomUUID();
}

/**
 * Ids from outside (a URL, a token) are canonicalised before they reach SQL, so both engines
 * answer alike: PostgreSQL's UUID type would reject a malformed id with an error where SQLite's
 * text would simply find nothing. Returns undefined for anything that is not a UUID.
 */
export function lookupId(id: unknown): string | undefined {
  if (typeof id !== 'string') return undefined;
  const lower = id.toLowerCase();
  return UUID.test(lower) ? lower : undefined;
}

/** An id we are about to write: malformed is a programming error. */
export function writeId(id: unknown, what: string): string {
  const ok = lookupId(id);
  if (ok === undefined) throw new TypeError(`${what} must be a UUID`);
  return ok;
}

export function assertEpochMs(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new TypeError(`${what} must be epoch milliseconds`);
  return v;
}

export function assertInt32(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw new TypeError(`${what} must be a non-negative 32-bit integer`);
  return v;
}

/** Short stable codes (types, reasons, kinds, counter names): never free text. */
const CODE = /^[a-z0-9][a-z0-9_.:-]{0,63}$/;
export function assertCode(v: unknown, what: string): string {
  if (typeof v !== 'string' || !CODE.test(v)) throw new TypeError(`${what} must match ${CODE.source}`);
  return v;
}

export function assertText(v: unknown, what: string, max = 4096): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max || v.includes('\0')) {
    throw new TypeError(`${what} must be a non-empty string without NUL, at most ${max} characters`);
  }
  return v;
}

export function assertBytes(v: unknown, what: string): Uint8Array {
  if (!(v instanceof Uint8Array) || v.byteLength === 0) throw new TypeError(`${what} must be a non-empty Uint8Array`);
  return v;
}
