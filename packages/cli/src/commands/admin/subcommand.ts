/**
 * The shape of one `wangzheng admin` subcommand, and the argument checks they share. The
 * router (../admin.ts) parses the options a subcommand declares, checks the number of
 * positionals, and hands over a `Call`; the subcommand checks its input *before* asking for the
 * client (`api()`), so that bad input is exit 2 without a token being looked up.
 */
import type { ParseArgsConfig } from 'node:util';
import { isClientId } from '@wangzheng/core/rp/client-id';
import type { Io } from '../../io.ts';
import { AdminUsageError, type AdminClient } from './client.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

export interface Call {
  readonly io: Io;
  readonly values: Values;
  /** The positionals, as many as the subcommand's `args` names. */
  readonly args: readonly string[];
  readonly json: boolean;
  /** The client, acting as the resolved operator (announced on stderr when first asked for). */
  api(): AdminClient;
}

export interface Sub {
  /** After `wangzheng admin `: the subcommand, its positionals and its options. */
  readonly usage: string;
  readonly summary: string;
  readonly options?: Options;
  /** Names of the required positionals. */
  readonly args?: readonly string[];
  run(c: Call): Promise<number>;
}

export function str(v: Values, k: string): string | undefined {
  const x = v[k];
  return typeof x === 'string' ? x : undefined;
}

export function strs(v: Values, k: string): string[] {
  const x = v[k];
  return Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : typeof x === 'string' ? [x] : [];
}

export function required(v: Values, k: string): string {
  const x = str(v, k);
  if (x === undefined || x.trim() === '') throw new AdminUsageError(`missing --${k}`, true);
  return x;
}

export function oneOf<T extends string>(v: string | undefined, set: readonly T[], flag: string): T | undefined {
  if (v === undefined) return undefined;
  if (!(set as readonly string[]).includes(v)) throw new AdminUsageError(`${flag} must be one of: ${set.join(', ')}`, true);
  return v as T;
}

export function integer(v: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d{1,6}$/.test(v) || n < min || n > max) throw new AdminUsageError(`${flag} takes a whole number from ${min} to ${max}`);
  return n;
}

export function clientId(s: string): string {
  if (!isClientId(s)) throw new AdminUsageError('a client id is rp_ followed by 22 letters, digits, - or _ (see wangzheng admin rps)');
  return s;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A ban or disclosure id (a UUID), safe in a path. */
export function requestId(s: string, list: string): string {
  if (!UUID.test(s)) throw new AdminUsageError(`an id is a UUID as \`wangzheng admin ${list}\` prints it`);
  return s.toLowerCase();
}
