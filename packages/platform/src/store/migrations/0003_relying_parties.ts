/**
 * 0003 — relying parties: their registration records, the operator's audit trail of decisions
 * on them, and the client-assertion ids already used (RFC 7523 §3 replay protection). Additive
 * only: three new tables and their indexes; nothing of 0001–0002 changes. Written once for both
 * engines (see 0001).
 *
 * What these tables hold (see docs/relying-parties.md):
 * - relying_parties: organisation data — name, unified social credit code, the organisation's
 *   contact email, category, purpose, sector, redirect URIs, public keys — which is business
 *   data, not personal information, so it is stored in clear. Lists (redirect URIs, public
 *   keys, scopes) are JSON as TEXT (no JSON column type, so both engines read them alike). A
 *   client secret is never stored: only its SM3 digest (`secret_hash`).
 * - rp_events: which operator (by admin token id) approved, rejected, suspended or reinstated
 *   which RP, when, with the approved scopes and legal-basis references or the reason. No
 *   personal data, and no link to persons.
 * - rp_assertion_jtis: (client id, jti) pairs until the assertion's expiry; a second use of a
 *   pair is a replay. Swept by expiry.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from '../dialect.ts';
import type { StoreMigration } from './migration.ts';

export const relyingParties: StoreMigration = {
  async up(db: Kysely<unknown>, t: MigrationDialect): Promise<void> {
    await db.schema
      .createTable('relying_parties')
      .addColumn('client_id', t.text, (c) => c.primaryKey())
      .addColumn('name', t.text, (c) => c.notNull())
      .addColumn('uscc', t.text)
      .addColumn('contact_email', t.text)
      .addColumn('category', t.text, (c) => c.notNull())
      .addColumn('purpose', t.text, (c) => c.notNull())
      .addColumn('sector_identifier', t.text, (c) => c.notNull())
      .addColumn('redirect_uris', t.text, (c) => c.notNull())
      .addColumn('token_endpoint_auth_method', t.text, (c) => c.notNull())
      .addColumn('jwks', t.text)
      .addColumn('secret_hash', t.bytes)
      .addColumn('id_token_alg', t.text, (c) => c.notNull())
      .addColumn('requested_scopes', t.text, (c) => c.notNull())
      .addColumn('approved_scopes', t.text, (c) => c.notNull())
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('status_reason', t.text)
      .addColumn('sandbox', t.int, (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .$call(t.tableOptions)
      .execute();
    // The operator's queue (`status = pending`, oldest first) and the sector check.
    await db.schema.createIndex('relying_parties_status_created_idx').on('relying_parties').columns(['status', 'created_at', 'client_id']).execute();
    await db.schema.createIndex('relying_parties_sector_idx').on('relying_parties').column('sector_identifier').execute();

    await db.schema
      .createTable('rp_events')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('client_id', t.text, (c) => c.notNull().references('relying_parties.client_id'))
      .addColumn('type', t.text, (c) => c.notNull())
      .addColumn('actor', t.text, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('data', t.text)
      .$call(t.tableOptions)
      .execute();
    await db.schema.createIndex('rp_events_client_created_idx').on('rp_events').columns(['client_id', 'created_at']).execute();

    await db.schema
      .createTable('rp_assertion_jtis')
      .addColumn('client_id', t.text, (c) => c.notNull())
      .addColumn('jti', t.text, (c) => c.notNull())
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('rp_assertion_jtis_pkey', ['client_id', 'jti'])
      .$call(t.tableOptions)
      .execute();
    await db.schema.createIndex('rp_assertion_jtis_expires_at_idx').on('rp_assertion_jtis').column('expires_at').execute();
  },
};
