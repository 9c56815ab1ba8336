/**
 * 0006 — the OpenID Connect provider: pushed authorization requests, authorizations (one per
 * verification request of kind `oidc`) and access tokens. Additive only.
 *
 * Personal data: none. Every bearer value — the PAR `request_uri`, the wallet reference, the
 * browser-binding cookie, the authorization code, the access token — is stored as a digest
 * only. What is in clear is the relying party's own request: redirect URI, `state`, `nonce`,
 * PKCE challenge, the mode and scopes it asked for. What the RP learns about the person (its
 * application identifier, the consented claims) stays sealed in `verification_requests.result`.
 */
import type { Kysely } from 'kysely';
import type { MigrationDialect } from '../dialect.ts';
import type { StoreMigration } from './migration.ts';

export const oidc: StoreMigration = {
  async up(db: Kysely<unknown>, t: MigrationDialect): Promise<void> {
    await db.schema
      .createTable('oidc_par_requests')
      .addColumn('uri_hash', t.bytes, (c) => c.primaryKey())
      .addColumn('client_id', t.text, (c) => c.notNull().references('relying_parties.client_id'))
      // The authorization request's parameters as a JSON object of strings (RFC 9126 §2.1).
      .addColumn('params', t.text, (c) => c.notNull())
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .addColumn('used_at', t.bigint)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .$call(t.tableOptions)
      .execute();
    await db.schema.createIndex('oidc_par_requests_expires_at_idx').on('oidc_par_requests').column('expires_at').execute();

    await db.schema
      .createTable('oidc_authorizations')
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('request_id', t.id, (c) => c.notNull().references('verification_requests.id'))
      .addColumn('ref_hash', t.bytes, (c) => c.notNull())
      .addColumn('browser_hash', t.bytes, (c) => c.notNull())
      .addColumn('client_id', t.text, (c) => c.notNull().references('relying_parties.client_id'))
      .addColumn('redirect_uri', t.text, (c) => c.notNull())
      .addColumn('state', t.text)
      .addColumn('nonce', t.text, (c) => c.notNull())
      .addColumn('code_challenge', t.text, (c) => c.notNull())
      .addColumn('mode', t.text, (c) => c.notNull())
      .addColumn('scopes', t.text, (c) => c.notNull())
      .addColumn('status', t.text, (c) => c.notNull())
      .addColumn('code_hash', t.bytes)
      .addColumn('code_expires_at', t.bigint)
      .addColumn('auth_time', t.bigint)
      .addColumn('redeemed_at', t.bigint)
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('oidc_authorizations_request_key', ['request_id'])
      .addUniqueConstraint('oidc_authorizations_ref_hash_key', ['ref_hash'])
      // NULL until the code is minted; unique once it is (both engines allow many NULLs).
      .addUniqueConstraint('oidc_authorizations_code_hash_key', ['code_hash'])
      .$call(t.tableOptions)
      .execute();

    await db.schema
      .createTable('oidc_access_tokens')
      .addColumn('token_hash', t.bytes, (c) => c.primaryKey())
      .addColumn('authorization_id', t.id, (c) => c.notNull().references('oidc_authorizations.id'))
      .addColumn('client_id', t.text, (c) => c.notNull().references('relying_parties.client_id'))
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .addColumn('revoked_at', t.bigint)
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .$call(t.tableOptions)
      .execute();
    await db.schema.createIndex('oidc_access_tokens_authorization_idx').on('oidc_access_tokens').column('authorization_id').execute();
    await db.schema.createIndex('oidc_access_tokens_expires_at_idx').on('oidc_access_tokens').column('expires_at').execute();
  },
};
