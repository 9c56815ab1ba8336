/**
 * Secrets as rotation arrays. A ring is an ordered, non-empty list of `{ id, key }`: the
 * first entry derives new values, the others only recognise values derived earlier. Rotating
 * = prepend a new entry; retiring = drop an old one once nothing needs recognising under it.
 *
 * Configuration form (environment variables such as WZ_NETID_KEYS / WZ_APPID_KEYS):
 * comma-separated `id:secret`, `id` of 1–64 characters [A-Za-z0-9._-], `secret` base64url
 * (RFC 4648 §5, padding optional) of at least 32 random bytes.
 *
 * Errors never quote the configuration: an entry is named by its position only (the text in
 * front of a colon might be a secret pasted the wrong way round).
 */

import { randomBytes } from 'node:crypto';
import { WzError } from '../errors.ts';

export interface Secret {
  readonly id: string;
  readonly key: Uint8Array;
}

/** Non-empty; first derives, the rest only recognise. Build with `secretRing` or `parseSecretRing`. */
export type SecretRing = readonly [Secret, ...Secret[]];

export const MIN_SECRET_BYTES = 32;
/** Floor for `minKeyBytes`: 128-bit keys (SM4) are the shortest any ring may hold. */
const ABSOLUTE_MIN_BYTES = 16;
const MAX_ENTRIES = 64;
const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

export interface SecretRingOptions {
  /** Minimum key length in bytes (default 32; never below 16). */
  minKeyBytes?: number;
}

function bad(message: string): WzError {
  return new WzError('invalid_configuration', message);
}

/**
 * Validates a ring and returns a frozen copy (keys copied, so later changes to the caller's
 * arrays have no effect).
 * @throws WzError `invalid_configuration` if empty, an id is malformed or repeated, a key is
 *         shorter than the minimum, or one key appears twice.
 */
export function secretRing(entries: readonly { id: string; key: Uint8Array }[], opts: SecretRingOptions = {}): SecretRing {
  const min = opts.minKeyBytes ?? MIN_SECRET_BYTES;
  if (!Number.isInteger(min) || min < ABSOLUTE_MIN_BYTES) throw new TypeError(`minKeyBytes must be an integer ≥ ${ABSOLUTE_MIN_BYTES}`);
  if (!Array.isArray(entries) || entries.length === 0) throw bad('secret ring: at least one key is required');
  if (entries.length > MAX_ENTRIES) throw bad(`secret ring: at most ${MAX_ENTRIES} keys`);
  const ids = new Set<string>();
  const keys = new Set<string>();
  const out: Secret[] = [];
  entries.forEach((e, i) => {
    const where = `secret ring entry ${i + 1}`;
    if (typeof e?.id !== 'string' || !ID_PATTERN.test(e.id)) throw bad(`${where}: id must be 1–64 characters of A–Z a–z 0–9 . _ -`);
    if (!(e.key instanceof Uint8Array)) throw bad(`${where}: key must be bytes`);
    if (e.key.length < min) throw bad(`${where}: key must be at least ${min} bytes`);
    if (ids.has(e.id)) throw bad(`${where}: id repeats an earlier entry`);
    const fingerprint = Buffer.from(e.key).toString('base64');
    if (keys.has(fingerprint)) throw bad(`${where}: key repeats an earlier entry`);
    ids.add(e.id);
    keys.add(fingerprint);
    out.push(Object.freeze({ id: e.id, key: new Uint8Array(e.key) }));
  });
  return Object.freeze(out) as unknown as SecretRing;
}

/** Decodes base64url strictly: alphabet checked, non-canonical encodings rejected. */
function decodeBase64url(s: string): Buffer | undefined {
  if (!BASE64URL.test(s)) return undefined;
  const body = s.replace(/=+$/, '');
  if (body.length % 4 === 1) return undefined;
  if (s.length !== body.length && s.length % 4 !== 0) return undefined; // padding, if any, must be complete
  const bytes = Buffer.from(body, 'base64url');
  return bytes.toString('base64url') === body ? bytes : undefined;
}

/**
 * Parses a ring from configuration: `"id1:secret1,id2:secret2"` or an array of `"id:secret"`.
 * White space around entries is ignored.
 * @throws WzError `invalid_configuration` (naming the entry's position, never its text).
 */
export function parseSecretRing(config: string | readonly string[], opts: SecretRingOptions = {}): SecretRing {
  const items = typeof config === 'string' ? config.split(',') : config;
  if (!Array.isArray(items)) throw bad('secret ring: expected a string or a list of strings');
  const entries = items.map((raw: unknown, i) => {
    const where = `secret ring entry ${i + 1}`;
    if (typeof raw !== 'string') throw bad(`${where}: expected "id:base64url"`);
    const item = raw.trim();
    const colon = item.indexOf(':');
    if (colon < 0) throw bad(`${where}: expected "id:base64url"`);
    const key = decodeBase64url(item.slice(colon + 1));
    if (key === undefined) throw bad(`${where}: secret is not base64url (RFC 4648 §5: A–Z a–z 0–9 - _)`);
    return { id: item.slice(0, colon), key };
  });
  return secretRing(entries, opts);
}

/** The entry that derives new values (the first). */
export function currentSecret(ring: SecretRing): Secret {
  return ring[0];
}

/** A fresh configuration entry `id:base64url(32 random bytes)`, for operators and tests. */
export function generateSecretEntry(id: string, bytes: number = MIN_SECRET_BYTES): string {
  if (!ID_PATTERN.test(id)) throw new TypeError('id must be 1–64 characters of A–Z a–z 0–9 . _ -');
  if (!Number.isInteger(bytes) || bytes < ABSOLUTE_MIN_BYTES) throw new TypeError(`bytes must be an integer ≥ ${ABSOLUTE_MIN_BYTES}`);
  return `${id}:${randomBytes(bytes).toString('base64url')}`;
}
