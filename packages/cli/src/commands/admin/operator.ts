/**
 * Who acts, and where: the platform's URL and the operator's bearer token for `wangzheng admin`.
 *
 * The token, first found wins:
 * 1. `--token-file FILE`: the base64url part of the operator's `WZ_ADMIN_TOKENS` entry (or the
 *    whole `id:base64url` entry, which also names the operator), first non-empty line;
 * 2. `WZ_ADMIN_TOKEN`: the same, from the environment;
 * 3. development only (`WZ_MODE` not `production`): `<WZ_DATA_DIR or .wangzheng>/dev-secrets.json`,
 *    the field `adminTokens` (`id:base64url,id:base64url`, written by `npm start`): the first
 *    entry, or the one `--as <id>` names (`--as dev-admin-2`: the second operator of a
 *    four-eyes approval).
 *
 * The URL: `--url`, else `WZ_PLATFORM_URL`, else `http://localhost:<WZ_PORT or 8080>`.
 *
 * Trust: the token is a credential. It is checked for form only (base64url, so that nothing
 * else can reach a header) and never appears in a message: errors name the file or the
 * variable it came from. Token ids are not secret (they name operators in the audit trail).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseSecretRing } from '@wangzheng/core/identifiers/index';
import { DEV_SECRETS_FILE } from '@wangzheng/platform/secrets';
import { AdminUsageError } from './client.ts';

export interface Operator {
  /** The token id (`dev-admin-1`), when known: it names the operator in the audit trail. */
  readonly id: string | null;
  /** Where the token came from, for the stderr line (a file name or a variable name, never the value). */
  readonly source: string;
  readonly token: string;
}

export interface OperatorOptions {
  readonly tokenFile?: string | undefined;
  readonly as?: string | undefined;
}

const TOKEN = /^[A-Za-z0-9_-]{16,512}$/;
const TOKEN_ID = /^[A-Za-z0-9_.-]{1,64}$/;

export function platformUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const raw = flag ?? (env.WZ_PLATFORM_URL || `http://localhost:${env.WZ_PORT || '8080'}`);
  const from = flag === undefined && env.WZ_PLATFORM_URL ? 'WZ_PLATFORM_URL' : '--url';
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new AdminUsageError(`${from} must be a URL such as http://localhost:8080`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new AdminUsageError(`${from} must be an http or https URL`);
  if (u.username || u.password || u.search || u.hash) throw new AdminUsageError(`${from} must be the platform's base URL, without credentials, query or fragment`);
  return raw.replace(/\/+$/, '');
}

/** A bearer token sent in clear text to another machine is as good as published. */
export function plainHttpWarning(url: string): string | undefined {
  const u = new URL(url);
  const loopback = u.hostname === 'localhost' || u.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(u.hostname);
  return u.protocol === 'http:' && !loopback ? `warning: the operator token goes to ${u.host} over plain http; use https outside this machine` : undefined;
}

export function resolveOperator(o: OperatorOptions, env: NodeJS.ProcessEnv, warn: (s: string) => void): Operator {
  if (o.as !== undefined && !TOKEN_ID.test(o.as)) throw new AdminUsageError('--as takes an operator token id such as dev-admin-2');
  if (o.tokenFile !== undefined) {
    if (o.as !== undefined) throw new AdminUsageError('--as picks a development operator from dev-secrets.json; it cannot be combined with --token-file');
    return fromTokenFile(o.tokenFile, warn);
  }
  if (env.WZ_ADMIN_TOKEN) {
    if (o.as !== undefined) throw new AdminUsageError('--as picks a development operator from dev-secrets.json; unset WZ_ADMIN_TOKEN to use it');
    return parseToken(env.WZ_ADMIN_TOKEN, 'WZ_ADMIN_TOKEN');
  }
  return fromDevelopmentSecrets(env, o.as);
}

function fromTokenFile(file: string, warn: (s: string) => void): Operator {
  let text: string;
  try {
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) warn(`warning: ${file} can be read by other users; chmod 600 it`);
    text = readFileSync(file, 'utf8');
  } catch {
    throw new AdminUsageError(`cannot read the token file ${file}`);
  }
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  return parseToken(line ?? '', file);
}

/** `token` or `id:token`; the message names `source`, never the value. */
function parseToken(value: string, source: string): Operator {
  const v = value.trim();
  const colon = v.indexOf(':');
  const id = colon < 0 ? null : v.slice(0, colon);
  const token = colon < 0 ? v : v.slice(colon + 1);
  if ((id !== null && !TOKEN_ID.test(id)) || !TOKEN.test(token)) {
    throw new AdminUsageError(`${source} does not hold an operator token: the base64url part of a WZ_ADMIN_TOKENS entry (or the whole id:base64url entry)`);
  }
  return { id, source, token };
}

function fromDevelopmentSecrets(env: NodeJS.ProcessEnv, as: string | undefined): Operator {
  const noToken = 'no operator token: pass --token-file FILE or set WZ_ADMIN_TOKEN (the base64url part of your WZ_ADMIN_TOKENS entry)';
  if (env.WZ_MODE === 'production') throw new AdminUsageError(noToken);
  const file = join(env.WZ_DATA_DIR || '.wangzheng', DEV_SECRETS_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new AdminUsageError(`${noToken}; in development, \`npm start\` writes operator tokens to ${file} (set WZ_DATA_DIR if the platform uses another data directory)`);
  }
  let field: unknown;
  try {
    field = (JSON.parse(text) as { adminTokens?: unknown }).adminTokens;
  } catch {
    throw new AdminUsageError(`${file} is not valid JSON`);
  }
  if (field === undefined) throw new AdminUsageError(`${file} has no operator tokens yet: start the platform once (npm start) to add them`);
  let ring: ReturnType<typeof parseSecretRing>;
  try {
    ring = parseSecretRing(String(field));
  } catch {
    throw new AdminUsageError(`${file}: adminTokens is not a list of id:base64url entries`);
  }
  const entry = as === undefined ? ring[0] : ring.find((e) => e.id === as);
  if (!entry) throw new AdminUsageError(`no operator '${as}' in ${file}; the operators there are ${ring.map((e) => e.id).join(', ')}`);
  return { id: entry.id, source: `${file} (development)`, token: Buffer.from(entry.key).toString('base64url') };
}
