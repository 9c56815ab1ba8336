/**
 * Nationwide bans of a 网号 (封禁), with four-eyes approval. No personal data: the ban is found
 * by a keyed digest of the registry's person reference (blind-index kind `ban`), which outlives
 * the person's cancellation on purpose — a banned person cannot enroll again — and matches
 * nothing else. Operators appear by actor id; the reason is a code; the legal reference cites a
 * law, not the person.
 */
import type { Optional } from '../row-types.ts';

/**
 * `requested` (waiting for a second operator) → `active` → `unban_requested` → `lifted`;
 * `requested` → `withdrawn` (refused by the second operator).
 */
export const BAN_STATES = ['requested', 'active', 'unban_requested', 'lifted', 'withdrawn'] as const;
export type BanState = (typeof BAN_STATES)[number];

/** The states in which the ban holds: credentials suspended, enrollment refused. */
export const BAN_IN_FORCE: readonly BanState[] = ['active', 'unban_requested'];

export interface BanRecord {
  readonly id: string;
  readonly banDigest: Uint8Array;
  readonly banKeyId: string;
  /** The banned person while they exist; null after cancellation. */
  readonly personId: string | null;
  readonly state: BanState;
  /** A stable reason code (`fraud`, `identity_theft`, `court_order`…). */
  readonly reason: string;
  /** The law or decision the ban rests on (e.g. 《反电信网络诈骗法》第三十一条). */
  readonly legalRef: string;
  readonly requestedBy: string;
  readonly approvedBy: string | null;
  readonly unbanRequestedBy: string | null;
  readonly unbanApprovedBy: string | null;
  readonly unbanLegalRef: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type NewBan = Optional<
  Pick<BanRecord, 'id' | 'banDigest' | 'banKeyId' | 'personId' | 'state' | 'reason' | 'legalRef' | 'requestedBy' | 'approvedBy' | 'createdAt'>,
  'id' | 'approvedBy' | 'createdAt'
>;

/** What a transition writes besides the state. Omitted: unchanged. */
export type BanPatch = Partial<Pick<BanRecord, 'approvedBy' | 'unbanRequestedBy' | 'unbanApprovedBy' | 'unbanLegalRef'>> & { readonly state: BanState };

export interface BanReader {
  findById(id: string): Promise<BanRecord | undefined>;
  /** The ban in force or pending for any of these digests (one per blind-index key), newest first. */
  findOpenByDigest(digests: readonly Uint8Array[]): Promise<BanRecord | undefined>;
  /** Newest first; `state` filters. */
  list(opts?: { state?: BanState; limit?: number }): Promise<BanRecord[]>;
}

export interface BanWriter extends BanReader {
  insert(ban: NewBan): Promise<BanRecord>;
  /** Compare-and-set on the state: of two operators deciding at once, one wins. */
  transition(id: string, from: BanState, patch: BanPatch): Promise<boolean>;
}
