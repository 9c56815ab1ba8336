/**
 * What the fault checks read straight from the platform's SQLite file, read-only (a second
 * connection beside the running platform's; WAL lets it read the last committed state). Only
 * counts, statuses, kinds and plaintext audit fields: nothing sealed is opened, so the checks
 * need no key and trust nothing the platform says about itself.
 */
import Database from 'better-sqlite3';

export interface Snapshot {
  readonly persons: number;
  /** Credentials not revoked. */
  readonly activeCredentials: number;
  /** Not revoked and with no person: a half-cancelled or half-issued credential. */
  readonly orphanActiveCredentials: number;
  /** Revoked by a cancellation but still linked to a person. */
  readonly cancelledStillLinked: number;
  readonly activeDevices: number;
  readonly passphrases: number;
  readonly consents: number;
  /** History rows by kind (`enrolled`, `verified`, …). */
  readonly events: Readonly<Record<string, number>>;
  /** People with other than exactly one active credential, one passphrase and at least one `enrolled` event. */
  readonly incompletePersons: number;
  /** Verification requests by status. */
  readonly requests: Readonly<Record<string, number>>;
  /** Audit entries by action. */
  readonly audit: Readonly<Record<string, number>>;
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

export function snapshot(file: string): Snapshot {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const n = (sql: string): number => Number((db.prepare(sql).get() as { n: number | bigint }).n);
    const by = (sql: string): Record<string, number> => Object.fromEntries((db.prepare(sql).all() as { k: string; n: number }[]).map((r) => [r.k, Number(r.n)]));
    const completions = db.prepare(`SELECT data FROM audit_entries WHERE action = 'verification.completed'`).all() as { data: string }[];
    const perRequest = new Map<string, number>();
    for (const c of completions) {
      const id = String((JSON.parse(c.data) as { request?: unknown }).request);
      perRequest.set(id, (perRequest.get(id) ?? 0) + 1);
    }
    const approved = db.prepare(`SELECT id FROM verification_requests WHERE status = 'approved'`).all() as { id: string }[];
    return {
      persons: n('SELECT count(*) AS n FROM persons'),
      activeCredentials: n(`SELECT count(*) AS n FROM credentials WHERE status <> 'revoked'`),
      orphanActiveCredentials: n(`SELECT count(*) AS n FROM credentials c WHERE c.status <> 'revoked' AND (c.person_id IS NULL OR NOT EXISTS (SELECT 1 FROM persons p WHERE p.id = c.person_id))`),
      cancelledStillLinked: n(`SELECT count(*) AS n FROM credentials WHERE reason = 'cancelled' AND person_id IS NOT NULL`),
      activeDevices: n('SELECT count(*) AS n FROM devices WHERE revoked_at IS NULL'),
      passphrases: n('SELECT count(*) AS n FROM passphrases'),
      consents: n('SELECT count(*) AS n FROM consents'),
      events: by('SELECT type AS k, count(*) AS n FROM events GROUP BY type'),
      incompletePersons: n(`SELECT count(*) AS n FROM persons p WHERE
          (SELECT count(*) FROM credentials c WHERE c.person_id = p.id AND c.status <> 'revoked') <> 1
          OR (SELECT count(*) FROM passphrases x WHERE x.person_id = p.id) <> 1
          OR (SELECT count(*) FROM devices d WHERE d.person_id = p.id AND d.revoked_at IS NULL) <> 1
          OR NOT EXISTS (SELECT 1 FROM events e WHERE e.person_id = p.id AND e.type = 'enrolled')`),
      requests: by('SELECT status AS k, count(*) AS n FROM verification_requests GROUP BY status'),
      audit: by('SELECT action AS k, count(*) AS n FROM audit_entries GROUP BY action'),
      duplicateCompletions: [...perRequest.values()].filter((v) => v > 1).length,
      approvedUnaudited: approved.filter((r) => perRequest.get(r.id) !== 1).length,
      historyMismatch: n(`SELECT count(*) AS n FROM persons p WHERE
          (SELECT count(*) FROM events e WHERE e.person_id = p.id AND e.type = 'verified') <>
          (SELECT count(*) FROM verification_requests v WHERE v.person_id = p.id AND v.status = 'approved')`),
      cancelledCounter: n(`SELECT coalesce(max(value), 0) AS n FROM counters WHERE name = 'persons.cancelled'`),
      pushJobs: n(`SELECT count(*) AS n FROM jobs WHERE kind = 'ssf.deliver' AND state <> 'failed'`),
    };
  } finally {
    db.close();
  }
}

/** When the expiry sweep is next due (ms), or undefined while it has no row yet. */
export function sweepDueAt(file: string): number | undefined {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare(`SELECT run_at AS t FROM jobs WHERE kind = 'sweep.expired'`).get() as { t: number | bigint } | undefined;
    return row === undefined ? undefined : Number(row.t);
  } finally {
    db.close();
  }
}

/** The invariants that hold at every moment, whatever was killed where: each broken one, named. */
export function globalViolations(s: Snapshot): string[] {
  const v: string[] = [];
  if (s.orphanActiveCredentials > 0) v.push(`${s.orphanActiveCredentials} active credential(s) without a person (half-issued or half-cancelled)`);
  if (s.cancelledStillLinked > 0) v.push(`${s.cancelledStillLinked} cancelled credential(s) still linked to a person (half-cancelled)`);
  if (s.incompletePersons > 0) v.push(`${s.incompletePersons} person(s) without exactly one active credential, device and passphrase and an 'enrolled' event (half-issued)`);
  if (s.duplicateCompletions > 0) v.push(`${s.duplicateCompletions} verification(s) audited more than once`);
  if (s.approvedUnaudited > 0) v.push(`${s.approvedUnaudited} approved verification(s) without exactly one audit entry`);
  if (s.historyMismatch > 0) v.push(`${s.historyMismatch} person(s) whose 'verified' history differs from their approved requests`);
  if ((s.audit['person.cancelled'] ?? 0) !== s.cancelledCounter) v.push(`audit has ${s.audit['person.cancelled'] ?? 0} person.cancelled entries, the counter says ${s.cancelledCounter}`);
  return v;
}
