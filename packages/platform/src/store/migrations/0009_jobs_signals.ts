/**
 * 0009 — the durable job outbox and the relying parties' Shared Signals streams. Additive only:
 * two new tables and their indexes. Written once for both engines (see 0001).
 *
 * What these tables hold (see docs/signals.md):
 * - jobs: work to be done after a transaction commits — a Security Event Token to push to, or
 *   hold for, a relying party; later, periodic sweeps. In clear: the kind (a code), the queue
 *   (whose work: an RP's client id), the ref (an idempotency key: a SET's random `jti`), the
 *   schedule and the last error (a code, never text from the remote side). The payload — a SET
 *   names the RP's pseudonym for a person — is sealed under a data key of its own, wrapped by
 *   the platform KEK (`payload_key`, `kek_id`); it is deleted with the row once delivered and
 *   set to NULL when the job fails for good, so no SET lingers.
 * - ssf_streams: one event stream per relying party (SSF 1.0 §8): delivery method, push URL,
 *   requested event types, status, and the operator's delivery counters. The push
 *   `authorization_header` the RP wants us to send is a credential for the RP's receiver: it is
 *   sealed like a job payload (`auth_header`, `auth_key`, `auth_kek_id`), never stored in clear.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from '../dialect.ts';
import type { StoreMigration } from './migration.ts';

export const jobsSignals: StoreMigration = {
  async up(db: Kysely<unknown>, t: MigrationDialect): Promise<void> {
    await db.schema
      .createTable('jobs')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('kind', t.text, (c) => c.notNull())
      .addColumn('queue', t.text, (c) => c.notNull())
      .addColumn('ref', t.text)
      .addColumn('payload', t.bytes)
      .addColumn('payload_key', t.bytes)
      .addColumn('kek_id', t.text)
      .addColumn('state', t.text, (c) => c.notNull())
      .addColumn('attempts', t.int, (c) => c.notNull())
      .addColumn('max_attempts', t.int, (c) => c.notNull())
      .addColumn('run_at', t.bigint, (c) => c.notNull())
      .addColumn('locked_until', t.bigint)
      .addColumn('claim_token', t.text)
      .addColumn('last_error', t.text)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      // One job per (queue, ref): enqueueing the same SET twice is a no-op. NULL refs never collide.
      .addUniqueConstraint('jobs_queue_ref_key', ['queue', 'ref'])
      .$call(t.tableOptions)
      .execute();
    // The worker's claim: due pending jobs and expired claims, by time.
    await db.schema.createIndex('jobs_state_run_at_idx').on('jobs').columns(['state', 'run_at']).execute();
    // A stream's backlog (poll, counters, clean-up on delete).
    await db.schema.createIndex('jobs_queue_kind_state_idx').on('jobs').columns(['queue', 'kind', 'state', 'created_at']).execute();

    await db.schema
      .createTable('ssf_streams')
      .addColumn('client_id', t.text, (c) => c.primaryKey().references('relying_parties.client_id'))
      .addColumn('stream_id', t.text, (c) => c.notNull())
      .addColumn('delivery_method', t.text, (c) => c.notNull())
      .addColumn('endpoint_url', t.text)
      .addColumn('auth_header', t.bytes)
      .addColumn('auth_key', t.bytes)
      .addColumn('auth_kek_id', t.text)
      .addColumn('events_requested', t.text, (c) => c.notNull())
      .addColumn('description', t.text)
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('status_reason', t.text)
      .addColumn('delivered_count', t.bigint, (c) => c.notNull().defaultTo(0))
      .addColumn('failed_count', t.bigint, (c) => c.notNull().defaultTo(0))
      .addColumn('last_delivered_at', t.bigint)
      .addColumn('last_error_at', t.bigint)
      .addColumn('last_error', t.text)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('ssf_streams_stream_id_key', ['stream_id'])
      .$call(t.tableOptions)
      .execute();
  },
};
