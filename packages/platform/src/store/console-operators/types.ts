/**
 * Role grants of the operator console (console/grants.ts): which roles a person signed in to
 * the console holds, keyed by their application identifier at the console client — a pairwise
 * pseudonym, never the 网号. No personal data; a row is deleted to revoke.
 */

export interface ConsoleOperatorRecord {
  /** The console application identifier (`A` + 25 symbols). */
  readonly appId: string;
  /** Role codes (`operator`, `auditor`, …), sorted, without duplicates; never empty. */
  readonly roles: readonly string[];
  /** The actor who granted the current roles (`admin:<token id>`, `console:<appId>`). */
  readonly grantedBy: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface ConsoleOperatorGrant {
  readonly appId: string;
  readonly roles: readonly string[];
  readonly grantedBy: string;
  /** Default now. */
  readonly at?: number;
}

export interface ConsoleOperatorReader {
  /** A string that is not an application identifier finds nothing. */
  find(appId: string): Promise<ConsoleOperatorRecord | undefined>;
  /** Oldest grant first; `limit` 1..500, default 500. */
  list(opts?: { readonly limit?: number }): Promise<ConsoleOperatorRecord[]>;
}

export interface ConsoleOperatorWriter extends ConsoleOperatorReader {
  /** Inserts, or replaces the roles of an existing grant (one statement). Returns the row after. */
  put(grant: ConsoleOperatorGrant): Promise<ConsoleOperatorRecord>;
  /** Deletes the grant; whether there was one (of two concurrent revocations, one). */
  delete(appId: string): Promise<boolean>;
}
