// `wangzheng audit verify | search | checkpoints`, run in-process against the configured store
// on SQLite and PostgreSQL: exit 0 on an intact trail, 1 after tampering by raw SQL (naming the
// finding and its seq), 2 on a usage or configuration error; --json for machines; checkpoints
// exported before a rewrite catch it even after the stored ones were deleted.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { canonicalJson, nextEntry, type AuditEntry } from '@wangzheng/core/audit/index';
import { getSuite, KeyRing } from '@wangzheng/core/crypto/index';
import { AuditTrail } from '@wangzheng/platform/audit/index';
import { loadConfig } from '@wangzheng/platform/config';
import { resolveSecrets } from '@wangzheng/platform/secrets';
import type { StoreConfig } from '@wangzheng/platform/store/index';
import { describeEachEngine, type TestEngine } from '../../platform/test/support/engines.ts';
import { rawSql } from '../../platform/test/audit/support.ts';
import { auditCommand } from '../src/commands/audit.ts';
import { main } from '../src/main.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function run(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await auditCommand(args, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`) }, env);
  return { code, out, err };
}

function envFor(dataDir: string, cfg: StoreConfig): NodeJS.ProcessEnv {
  return cfg.engine === 'sqlite'
    ? { WZ_DATA_DIR: dataDir, WZ_SQLITE_PATH: cfg.path }
    : { WZ_DATA_DIR: dataDir, WZ_STORE: 'postgres', WZ_POSTGRES_URL: cfg.url, WZ_POSTGRES_SCHEMA: cfg.schema as string };
}

/** A platform data directory with its development key, and a store holding five entries and a checkpoint of entry 5. */
async function seeded(engine: TestEngine): Promise<{ env: NodeJS.ProcessEnv; cfg: StoreConfig; entries: AuditEntry[] }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wz-audit-cli-'));
  dirs.push(dataDir);
  const cfg = await engine.freshConfig();
  const env = envFor(dataDir, cfg);
  // The platform's own development key, as `wangzheng start` would have created it.
  const secrets = resolveSecrets(loadConfig(env));
  const store = await engine.open(cfg);
  const trail = new AuditTrail({ store, suite: getSuite('gm'), signing: new KeyRing(secrets.signing.gm), now: Date.now });
  for (let i = 1; i <= 5; i++) {
    await store.transaction((tx) => trail.record(tx, { actor: 'admin:ops-1', action: i % 2 ? 'rp.approved' : 'rp.suspended', subject: `rp_${String(i).padStart(22, '0')}`, data: { scopes: ['result'] } }));
  }
  await trail.checkpoint();
  return { env, cfg, entries: await store.reader.audit.list() };
}

describeEachEngine('wangzheng audit', (engine) => {
  let env: NodeJS.ProcessEnv;
  let cfg: StoreConfig;
  beforeAll(async () => {
    ({ env, cfg } = await seeded(engine));
  });

  it('verify on an intact trail → exit 0 and a summary', async () => {
    const r = await run(env, 'verify');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^audit trail: 5 entries checked \(head seq 5\), 1 checkpoint\nOK: the chain and every checkpoint verify\n$/);
    const j = await run(env, 'verify', '--json');
    expect([j.code, JSON.parse(j.out)]).toEqual([0, expect.objectContaining({ ok: true, checked: 5, checkpoints: 1, findings: [] })]);
  });

  it('search by action with a limit; --json gives one entry per line', async () => {
    const r = await run(env, 'search', '--action', 'rp.approved', '--limit', '2');
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\s+1 {2}\d{4}-\d{2}-\d{2}T.+ {2}admin:ops-1 {2}rp\.approved {2}rp_0+1 {2}\{"scopes":\["result"\]\}$/);
    expect(r.err).toMatch(/more: --after 3/);
    const j = await run(env, 'search', '--json', '--after', '3');
    expect(j.out.trim().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([4, 5]);
  });

  it('usage errors → exit 2: no subcommand, an unknown one, an unknown flag, an unknown action, a bad time', async () => {
    for (const args of [[], ['nope'], ['verify', '--bogus'], ['search', '--action', 'rp.deleted'], ['search', '--from', 'yesterday'], ['search', '--limit', '0']]) {
      const r = await run(env, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(/usage: wangzheng audit/);
    }
    expect(await main(['audit', 'nope'], { out: () => {}, err: () => {} })).toBe(2);
  });

  it('after tampering by raw SQL → exit 1, naming each finding with its seq', async () => {
    await rawSql(cfg, ["update audit_entries set data = '{\"scopes\":[\"full_name_and_id_number\"]}' where seq = 3", 'delete from audit_entries where seq = 5']);
    const r = await run(env, 'verify');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^TAMPERED: 2 findings$/m);
    expect(r.out).toMatch(/^ {2}entry_changed +seq 3 +hash does not match the content$/m);
    expect(r.out).toMatch(/^ {2}rollback +seq 5, checkpoint #1 +checkpoint covers 5 entries; the trail ends at 4$/m);
    const j = await run(env, 'verify', '--json');
    expect(j.code).toBe(1);
    expect((JSON.parse(j.out) as { findings: { code: string; seq: number }[] }).findings.map((f) => [f.code, f.seq])).toEqual([['entry_changed', 3], ['rollback', 5]]);
  });
});

describeEachEngine('wangzheng audit: checkpoints kept outside the database', (engine) => {
  it('a rewrite with recomputed hashes and the stored checkpoints deleted passes on its own, and is caught with the exported checkpoints', async () => {
    const { env, cfg, entries } = await seeded(engine);
    const exported = await run(env, 'checkpoints');
    expect([exported.code, exported.out.trim().split('\n')]).toEqual([0, [expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/)]]);
    const file = path.join(env.WZ_DATA_DIR as string, 'kept-checkpoints.txt');
    writeFileSync(file, exported.out);

    // Someone with write access to the database (not the signing key) rewrites entry 2 and
    // every later hash, and deletes the stored checkpoints that would give it away.
    const suite = getSuite('gm');
    const rewritten: AuditEntry[] = [entries[0]!];
    for (const e of entries.slice(1)) {
      rewritten.push(nextEntry(rewritten.at(-1), { at: e.at, actor: e.actor, action: e.seq === 2 ? 'rp.rejected' : e.action, ...(e.subject ? { subject: e.subject } : {}), data: e.data }, suite));
    }
    await rawSql(cfg, [
      'delete from audit_checkpoints',
      'delete from audit_entries where seq >= 2',
      ...rewritten.slice(1).map((e) => ({
        sql: 'insert into audit_entries (seq, at, actor, action, subject, data, prev, hash) values ($1, $2, $3, $4, $5, $6, $7, $8)',
        params: [e.seq, e.at, e.actor, e.action, e.subject ?? null, canonicalJson(e.data), e.prev, e.hash],
      })),
    ]);
    const alone = await run(env, 'verify');
    expect([alone.code, alone.out]).toEqual([0, expect.stringContaining('no checkpoint yet')]);
    const kept = await run(env, 'verify', '--checkpoints', file);
    expect(kept.code).toBe(1);
    expect(kept.out).toMatch(/^ {2}checkpoint_mismatch +seq 5, checkpoint #1 +checkpoint head differs from the stored hash$/m);
    expect((await run(env, 'verify', '--checkpoints', path.join(env.WZ_DATA_DIR as string, 'missing.txt'))).code).toBe(2);
  });
});

it('a data directory without a platform database → exit 2, nothing created', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wz-audit-cli-empty-'));
  dirs.push(dataDir);
  const r = await run({ WZ_DATA_DIR: dataDir }, 'verify');
  expect([r.code, r.err]).toEqual([2, expect.stringMatching(/no platform database at .*platform\.db/)]);
});
