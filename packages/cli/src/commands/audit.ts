/**
 * `wangzheng audit` — the operator's view of the audit trail, read straight from the configured
 * store (docs/audit.md):
 *
 *   wangzheng audit verify [--checkpoints FILE] [--json]
 *       checks the whole chain and every checkpoint with the platform's public key, adding the
 *       checkpoints kept in FILE (one token per line, as `audit checkpoints` prints them);
 *       exit 0 intact, 1 tampered, 2 usage or configuration error
 *   wangzheng audit checkpoints [--after SEQ]
 *       prints the stored checkpoint tokens, one per line: keep them outside the database
 *   wangzheng audit search [--action A] [--actor X] [--subject S] [--from T] [--to T] [--after SEQ] [--limit N] [--json]
 *       entries in seq order (T: ISO 8601 or epoch milliseconds); --json prints JSON Lines
 *
 * Configuration and secrets load exactly as for `wangzheng start` (WZ_* variables, development
 * secrets from <dataDir>/dev-secrets.json). Only the public half of the signing key is used.
 * `verify` and `search` first chain the entries queued by the platform's processes (docs/audit.md,
 * "The queue and the sequencer"), as the platform's own readers do: they write to the trail only
 * what was already recorded.
 * Trust: nothing read from the store is believed; the verdict is `verifyAuditTrail`'s. A store
 * or key that does not exist is a usage error (exit 2), never silently created: verifying
 * against fresh keys would only say that every checkpoint is invalid.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AUDIT_ACTIONS, isAuditAction, type AuditAction, type AuditEntry, type Finding } from '@wangzheng/core/audit/index';
import { getSuite, KeyRing } from '@wangzheng/core/crypto/index';
import { AuditTrail, type AuditVerification } from '@wangzheng/platform/audit/index';
import { loadConfig, sqlitePath, type Config } from '@wangzheng/platform/config';
import { DEV_SECRETS_FILE, resolveSecrets } from '@wangzheng/platform/secrets';
import { storeConfig } from '@wangzheng/platform/server/platform';
import { openStore, type AuditQuery } from '@wangzheng/platform/store/index';
import type { Io } from '../io.ts';
import { wantsHelp } from '../util/invocation.ts';

const USAGE = [
  'usage: wangzheng audit verify [--checkpoints FILE] [--json]',
  '       wangzheng audit checkpoints [--after SEQ]',
  '       wangzheng audit search [--action A] [--actor X] [--subject S] [--from T] [--to T] [--after SEQ] [--limit N] [--json]',
  '',
  'verify exits 0 when the trail is intact, 1 when it was tampered with, 2 on a usage or configuration error.',
].join('\n');

class Usage extends Error {}

export async function auditCommand(args: string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [sub, ...rest] = args;
  try {
    if (wantsHelp(args)) {
      io.out(USAGE);
      return 0;
    }
    if (sub === 'verify') return await verify(rest, io, env);
    if (sub === 'search') return await search(rest, io, env);
    if (sub === 'checkpoints') return await checkpoints(rest, io, env);
    if (sub === '--help' || sub === '-h' || sub === 'help') {
      io.out(USAGE);
      return 0;
    }
    throw new Usage(sub === undefined ? 'a subcommand is needed' : `unknown subcommand '${sub}'`);
  } catch (e) {
    if (e instanceof Usage || (e instanceof TypeError && String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS'))) {
      io.err(`wangzheng audit: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}

async function verify(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' }, checkpoints: { type: 'string' } }, strict: true, allowPositionals: false });
  const kept = values.checkpoints === undefined ? [] : readTokens(values.checkpoints);
  const report = await withTrail(env, io, (trail) => trail.verify({ kept }));
  if (values.json) io.out(JSON.stringify(report));
  else printReport(report, io);
  return report.ok ? 0 : 1;
}

async function search(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      action: { type: 'string' },
      actor: { type: 'string' },
      subject: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      after: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.action !== undefined && !isAuditAction(values.action)) throw new Usage(`--action must be one of: ${AUDIT_ACTIONS.join(', ')}`);
  const limit = values.limit === undefined ? 100 : integer(values.limit, '--limit', 1, 1000);
  const q: AuditQuery = {
    limit,
    ...(values.action === undefined ? {} : { action: values.action as AuditAction }),
    ...(values.actor === undefined ? {} : { actor: values.actor }),
    ...(values.subject === undefined ? {} : { subject: values.subject }),
    ...(values.from === undefined ? {} : { from: instant(values.from, '--from') }),
    ...(values.to === undefined ? {} : { to: instant(values.to, '--to') }),
    ...(values.after === undefined ? {} : { after: integer(values.after, '--after', 0, Number.MAX_SAFE_INTEGER) }),
  };
  const entries = await withTrail(env, io, (trail) => trail.search(q));
  for (const e of entries) io.out(values.json ? JSON.stringify(e) : line(e));
  const last = entries.at(-1);
  if (!values.json && entries.length === limit && last) io.err(`(more: --after ${last.seq})`);
  if (!values.json && entries.length === 0) io.err('no entries match');
  return 0;
}

async function checkpoints(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args, options: { after: { type: 'string' } }, strict: true, allowPositionals: false });
  let after = values.after === undefined ? 0 : integer(values.after, '--after', 0, Number.MAX_SAFE_INTEGER);
  await withTrail(env, io, async (trail) => {
    for (;;) {
      const page = await trail.checkpoints({ after, limit: 1000 });
      for (const c of page) io.out(c.token);
      if (page.length < 1000) return;
      after = (page.at(-1) as { seq: number }).seq;
    }
  });
  return 0;
}

/** Checkpoint tokens kept outside the database: one per line, blank lines ignored. */
function readTokens(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Usage(`cannot read the checkpoints file ${file}`);
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** Opens the configured store and the trail over it (public key only), runs `fn`, closes. */
async function withTrail<T>(env: NodeJS.ProcessEnv, io: Io, fn: (trail: AuditTrail) => Promise<T>): Promise<T> {
  const cfg = loadConfig(env);
  assertSomethingToRead(cfg);
  const secrets = resolveSecrets(cfg, {
    onDevelopmentFile: (file) => io.err(`note: development mode — the platform key is read from ${file}`),
  });
  const suite = getSuite(cfg.suite);
  const signing = new KeyRing(cfg.suite === 'gm' ? secrets.signing.gm : secrets.signing.intl);
  const store = await openStore(storeConfig(cfg));
  try {
    return await fn(new AuditTrail({ store, suite, signing, now: Date.now }));
  } finally {
    await store.close();
  }
}

function assertSomethingToRead(cfg: Config): void {
  if (cfg.store.engine === 'sqlite' && !existsSync(sqlitePath(cfg))) throw new Usage(`no platform database at ${sqlitePath(cfg)} (set WZ_DATA_DIR or WZ_SQLITE_PATH)`);
  const keyFile = cfg.suite === 'gm' ? cfg.signing.gmKeyFile : cfg.signing.intlKeyFile;
  if (keyFile === undefined && !existsSync(join(cfg.dataDir, DEV_SECRETS_FILE))) {
    throw new Usage(`no platform signing key: set ${cfg.suite === 'gm' ? 'WZ_SIGNING_KEY_GM' : 'WZ_SIGNING_KEY_INTL'} or point WZ_DATA_DIR at the development data directory`);
  }
}

function printReport(r: AuditVerification, io: Io): void {
  io.out(`audit trail: ${r.checked} entries checked${r.head ? ` (head seq ${r.head.seq})` : ''}, ${r.checkpoints} checkpoint${r.checkpoints === 1 ? '' : 's'}${r.queued > 0 ? `; ${r.queued} queued since (not yet chained)` : ''}`);
  if (r.prunedBefore !== undefined) io.out(`retention: entries before seq ${r.prunedBefore} were removed; the trail starts at a checkpointed entry (WZ_AUDIT_RETENTION_DAYS)`);
  if (r.ok) {
    io.out(r.checkpoints === 0 && r.checked > 0 ? 'OK: the chain verifies (no checkpoint yet: a rewrite of the whole trail could not be seen)' : 'OK: the chain and every checkpoint verify');
    return;
  }
  io.out(`TAMPERED: ${r.findings.length} finding${r.findings.length === 1 ? '' : 's'}`);
  for (const f of r.findings) io.out(`  ${f.code.padEnd(19)} ${where(f).padEnd(16)} ${f.detail}`);
}

function where(f: Finding): string {
  const seq = f.seq === null ? '' : f.through !== undefined && f.through !== f.seq ? `seq ${f.seq}–${f.through}` : `seq ${f.seq}`;
  const cp = f.checkpoint === undefined ? '' : `checkpoint #${f.checkpoint + 1}`;
  return [seq, cp].filter(Boolean).join(', ') || '-';
}

function line(e: AuditEntry): string {
  return [String(e.seq).padStart(6), new Date(e.at).toISOString(), e.actor, e.action, e.subject ?? '-', JSON.stringify(e.data)].join('  ');
}

function integer(s: string, name: string, min: number, max: number): number {
  const n = Number(s);
  if (!/^\d{1,16}$/.test(s) || !Number.isSafeInteger(n) || n < min || n > max) throw new Usage(`${name} must be an integer ${min}..${max}`);
  return n;
}

function instant(s: string, name: string): number {
  if (/^\d{1,15}$/.test(s)) return Number(s);
  const t = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(s) ? Date.parse(s) : Number.NaN;
  if (Number.isNaN(t)) throw new Usage(`${name} must be ISO 8601 (2026-01-31, 2026-01-31T08:00:00+08:00) or epoch milliseconds`);
  return t;
}
