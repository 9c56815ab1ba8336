/**
 * What the fault checks read straight from the platform's database, read-only: the SQLite file
 * (a second connection beside the running platform's; WAL lets it read the last committed state)
 * or the campaign's own PostgreSQL database. Only counts, statuses, kinds and plaintext audit
 * fields: nothing sealed is opened, so the checks need no key and trust nothing the platform
 * says about itself.
 */
import Database from 'better-sqlite3';
import pg from 'pg';

/** Where the platform's rows are: one SQLite file, or one PostgreSQL database. */
export type DbTarget = { readonly engine: 'sqlite'; readonly file: string } | { readonly engine: 'pg'; readonly url: string };

type Row = Record<string, unknown>;

/** Runs the read-only queries of one snapshot on one connection. */
async function withRows<T>(t: DbTarget, f: (all: (sql: string) => Promise<Row[]>) => Promise<T>): Promise<T> {
  if (t.engine === 'sqlite') {
    const db = new Database(t.file, { readonly: true, fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      return await f(async (sql) => db.prepare(sql).all() as Row[]);
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: t.url });
  await c.connect();
  try {
    // One repeatable-read transaction: every count of the snapshot sees the same committed state.
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const out = await f(async (sql) => (await c.query(sql)).rows as Row[]);
    await c.query('COMMIT');
    return out;
  } finally {
    await c.end();
  }
}

export interface Snapshot {
  readonly persons: number;
  /** People by status (`active`, `locked`, `banned`). */
  readonly personStatus: Readonly<Record<string, number>>;
  /** Credentials not revoked (valid or suspended). */
  readonly activeCredentials: number;
  readonly credentials: number;
  /** Credentials by `status:reason` (`revoked:renewed`, `suspended:fraud_ban`, …). */
  readonly credentialState: Readonly<Record<string, number>>;
  /** Not revoked and with no person: a half-cancelled or half-issued credential. */
  readonly orphanActiveCredentials: number;
  /** Revoked by a cancellation but still linked to a person. */
  readonly cancelledStillLinked: number;
  readonly activeDevices: number;
  readonly devices: number;
  readonly passphrases: number;
  readonly consents: number;
  /** History rows by kind (`enrolled`, `verified`, …). */
  readonly events: Readonly<Record<string, number>>;
  /** People with other than exactly one active credential, device, passphrase and an `enrolled` event. */
  readonly incompletePersons: number;
  /** Banned people whose credentials are not all suspended, or active people with a suspended one. */
  readonly banMismatch: number;
  /** Verification requests by status. */
  readonly requests: Readonly<Record<string, number>>;
  /** OIDC authorizations by status; access tokens issued. */
  readonly authorizations: Readonly<Record<string, number>>;
  readonly accessTokens: number;
  /** Authorizations redeemed with other than exactly one access token. */
  readonly redeemedMismatch: number;
  /** Bans by state. */
  readonly bans: Readonly<Record<string, number>>;
  /** Phone changes whose code still waits. */
  readonly phoneCodesWaiting: number;
  /** Audit entries by action, chained or queued. */
  readonly audit: Readonly<Record<string, number>>;
  /** Audit entries chained into the trail, and those still queued for the sequencer (0017). */
  readonly chainedAudit: number;
  readonly queuedAudit: number;
  /** Request ids with more than one `verification.completed` entry. */
  readonly duplicateCompletions: number;
  /** Approved requests (still stored) without exactly one `verification.completed` entry. */
  readonly approvedUnaudited: number;
  /** People whose `verified` history rows differ from their approved requests. */
  readonly historyMismatch: number;
  readonly cancelledCounter: number;
  /** Push jobs still queued or in flight (`ssf.deliver`). */
  readonly pushJobs: number;
}

export async function snapshot(t: DbTarget): Promise<Snapshot> {
  return withRows(t, async (all) => {
    const n = async (sql: string): Promise<number> => Number((await all(sql))[0]?.['n'] ?? 0);
    const by = async (sql: string): Promise<Record<string, number>> => Object.fromEntries((await all(sql)).map((r) => [String(r['k']), Number(r['n'])]));
    // An entry is recorded once it is chained or queued (0017: the queue commits with its action
    // and the sequencer moves it into the chain, deleting it in the same transaction).
    const recorded = '(SELECT action, data FROM audit_entries UNION ALL SELECT action, data FROM audit_queue) AS r';
    const completions = await all(`SELECT data FROM ${recorded} WHERE action = 'verification.completed'`);
    const perRequest = new Map<string, number>();
    for (const c of completions) {
      const data = typeof c['data'] === 'string' ? (JSON.parse(c['data']) as { request?: unknown }) : (c['data'] as { request?: unknown });
      const id = String(data.request);
      perRequest.set(id, (perRequest.get(id) ?? 0) + 1);
    }
    const approved = await all(`SELECT id FROM verification_requests WHERE status = 'approved'`);
    return {
      persons: await n('SELECT count(*) AS n FROM persons'),
      personStatus: await by('SELECT status AS k, count(*) AS n FROM persons GROUP BY status'),
      activeCredentials: await n(`SELECT count(*) AS n FROM credentials WHERE status <> 'revoked'`),
      credentials: await n('SELECT count(*) AS n FROM credentials'),
      credentialState: await by(`SELECT status || ':' || coalesce(reason, '') AS k, count(*) AS n FROM credentials GROUP BY status || ':' || coalesce(reason, '')`),
      orphanActiveCredentials: await n(`SELECT count(*) AS n FROM credentials c WHERE c.status <> 'revoked' AND (c.person_id IS NULL OR NOT EXISTS (SELECT 1 FROM persons p WHERE p.id = c.person_id))`),
      cancelledStillLinked: await n(`SELECT count(*) AS n FROM credentials WHERE reason = 'cancelled' AND person_id IS NOT NULL`),
      activeDevices: await n('SELECT count(*) AS n FROM devices WHERE revoked_at IS NULL'),
      devices: await n('SELECT count(*) AS n FROM devices'),
      passphrases: await n('SELECT count(*) AS n FROM passphrases'),
      consents: await n('SELECT count(*) AS n FROM consents'),
      events: await by('SELECT type AS k, count(*) AS n FROM events GROUP BY type'),
      incompletePersons: await n(`SELECT count(*) AS n FROM persons p WHERE
          (SELECT count(*) FROM credentials c WHERE c.person_id = p.id AND c.status <> 'revoked') <> 1
          OR (SELECT count(*) FROM passphrases x WHERE x.person_id = p.id) <> 1
          OR (SELECT count(*) FROM devices d WHERE d.person_id = p.id AND d.revoked_at IS NULL) <> 1
          OR NOT EXISTS (SELECT 1 FROM events e WHERE e.person_id = p.id AND e.type = 'enrolled')`),
      banMismatch: await n(`SELECT count(*) AS n FROM persons p WHERE
          (p.status = 'banned' AND EXISTS (SELECT 1 FROM credentials c WHERE c.person_id = p.id AND c.status = 'valid'))
          OR (p.status <> 'banned' AND EXISTS (SELECT 1 FROM credentials c WHERE c.person_id = p.id AND c.status = 'suspended'))`),
      requests: await by('SELECT status AS k, count(*) AS n FROM verification_requests GROUP BY status'),
      authorizations: await by('SELECT status AS k, count(*) AS n FROM oidc_authorizations GROUP BY status'),
      accessTokens: await n('SELECT count(*) AS n FROM oidc_access_tokens'),
      redeemedMismatch: await n(`SELECT count(*) AS n FROM oidc_authorizations a WHERE a.status = 'redeemed'
          AND (SELECT count(*) FROM oidc_access_tokens t WHERE t.authorization_id = a.id) <> 1`),
      bans: await by('SELECT state AS k, count(*) AS n FROM bans GROUP BY state'),
      phoneCodesWaiting: await n('SELECT count(*) AS n FROM phone_changes WHERE data IS NOT NULL'),
      audit: await by(`SELECT action AS k, count(*) AS n FROM ${recorded} GROUP BY action`),
      chainedAudit: await n('SELECT count(*) AS n FROM audit_entries'),
      queuedAudit: await n('SELECT count(*) AS n FROM audit_queue'),
      duplicateCompletions: [...perRequest.values()].filter((v) => v > 1).length,
      approvedUnaudited: approved.filter((r) => perRequest.get(String(r['id'])) !== 1).length,
      historyMismatch: await n(`SELECT count(*) AS n FROM persons p WHERE
          (SELECT count(*) FROM events e WHERE e.person_id = p.id AND e.type = 'verified') <>
          (SELECT count(*) FROM verification_requests v WHERE v.person_id = p.id AND v.status = 'approved')`),
      cancelledCounter: await n(`SELECT coalesce(max(value), 0) AS n FROM counters WHERE name = 'persons.cancelled'`),
      pushJobs: await n(`SELECT count(*) AS n FROM jobs WHERE kind = 'ssf.deliver' AND state <> 'failed'`),
    };
  });
}

/** When the expiry sweep is next due (ms), or undefined while it has no row yet. */
export async function sweepDueAt(t: DbTarget): Promise<number | undefined> {
  return withRows(t, async (all) => {
    const row = (await all(`SELECT run_at AS t FROM jobs WHERE kind = 'sweep.expired'`))[0];
    return row === undefined ? undefined : Number(row['t']);
  });
}

/** The invariants that hold at every moment, whatever was killed where: each broken one, named. */
export function globalViolations(s: Snapshot): string[] {
  const v: string[] = [];
  if (s.orphanActiveCredentials > 0) v.push(`${s.orphanActiveCredentials} active credential(s) without a person (half-issued or half-cancelled)`);
  if (s.cancelledStillLinked > 0) v.push(`${s.cancelledStillLinked} cancelled credential(s) still linked to a person (half-cancelled)`);
  if (s.incompletePersons > 0) v.push(`${s.incompletePersons} person(s) without exactly one active credential, device and passphrase and an 'enrolled' event (half-issued, half-renewed or half-moved)`);
  if (s.banMismatch > 0) v.push(`${s.banMismatch} person(s) whose credentials disagree with their ban status (half-banned or half-unbanned)`);
  if (s.redeemedMismatch > 0) v.push(`${s.redeemedMismatch} redeemed authorization code(s) without exactly one access token`);
  if (s.duplicateCompletions > 0) v.push(`${s.duplicateCompletions} verification(s) audited more than once`);
  if (s.approvedUnaudited > 0) v.push(`${s.approvedUnaudited} approved verification(s) without exactly one audit entry`);
  if (s.historyMismatch > 0) v.push(`${s.historyMismatch} person(s) whose 'verified' history differs from their approved requests`);
  if ((s.audit['person.cancelled'] ?? 0) !== s.cancelledCounter) v.push(`audit has ${s.audit['person.cancelled'] ?? 0} person.cancelled entries, the counter says ${s.cancelledCounter}`);
  return v;
}
