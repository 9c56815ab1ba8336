/**
 * The person's history as they see it: every verification attempt — passed, failed, declined,
 * expired, refused, still pending — with the time, the relying party's registered name, the
 * mode, the fields asked for and exactly what the RP received; and every other event of theirs
 * (enrolled, locked, a device revoked, a consent withdrawn…). Newest first.
 *
 * Sources: `verification_requests` addressed to or answered by the person (the outcome sealed
 * under their data key, opened here), and `events` (details sealed likewise). A `verified` or
 * `verification_declined` event repeats a request already listed and is folded into it.
 *
 * Trust: rows are ours; what is opened is shown only to the authenticated person it belongs to.
 */
import type { HistoryEntry, VerificationHistoryEntry, VerificationOutcome } from '@wangzheng/core/person/views';
import type { DataProtector } from '../protect/index.ts';
import type { StoreReader, VerificationRequestRecord } from '../store/index.ts';
import { AWAITING_GUARDIAN } from '../verification/guardian-approval.ts';
import { openOutcome } from '../verification/outcome.ts';
import { openHistoryEvent } from './history.ts';
import { iso } from './wire.ts';

export const MAX_HISTORY = 500;

export interface HistoryDeps {
  readonly reader: StoreReader;
  readonly protector: DataProtector;
  readonly now: () => number;
}

/** How a request ended, from the person's side (see views.ts `VerificationOutcome`). */
export function outcomeOf(r: Pick<VerificationRequestRecord, 'status' | 'failure' | 'approvedAt' | 'expiresAt'>, now: number): VerificationOutcome {
  if (r.failure === AWAITING_GUARDIAN) return r.status === 'pending' && r.expiresAt > now ? 'awaiting_guardian' : 'expired';
  switch (r.status) {
    case 'approved':
      return 'passed';
    case 'declined':
      return 'declined';
    case 'failed':
      return 'failed';
    case 'pending':
      return r.expiresAt > now ? 'pending' : 'expired';
    case 'consumed':
      if (r.failure === 'declined') return 'declined';
      if (r.failure !== null) return 'failed';
      return r.approvedAt !== null ? 'passed' : 'expired';
  }
}

export async function buildHistory(deps: HistoryDeps, me: { personId: string; dek: Uint8Array }, limit = MAX_HISTORY): Promise<HistoryEntry[]> {
  const { reader, protector } = deps;
  const now = deps.now();
  const rpName = rpNames(reader);
  const out: HistoryEntry[] = [];

  const requests = await reader.verifications.listByPerson(me.personId, limit);
  const listed = new Set(requests.map((r) => r.id));
  for (const r of requests) out.push(verificationEntry(deps, me, r, await rpName(r.clientId), now));

  for (const e of await reader.events.listByPerson(me.personId, { limit: Math.min(limit, 1000) })) {
    const opened = openHistoryEvent(protector, me.dek, e);
    const d = opened.details;
    if ((opened.kind === 'verified' || opened.kind === 'verification_declined') && listed.has(String(d['requestId']))) continue;
    if (opened.kind === 'verification_refused') {
      const clientId = String(d['clientId'] ?? '');
      out.push({
        type: 'verification',
        at: iso(opened.at),
        requestId: String(d['requestId'] ?? ''),
        rp: { clientId, name: (await rpName(clientId)) ?? String(d['rp'] ?? '') },
        kind: 'unknown',
        mode: String(d['mode'] ?? ''),
        scopes: [],
        outcome: 'refused',
        failure: String(d['reason'] ?? 'refused'),
      });
      continue;
    }
    out.push({ type: 'event', at: iso(opened.at), kind: opened.kind, details: d });
  }
  return out.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
}

function verificationEntry(
  deps: HistoryDeps,
  me: { personId: string; dek: Uint8Array },
  r: VerificationRequestRecord,
  name: string | undefined,
  now: number,
): VerificationHistoryEntry {
  const outcome = outcomeOf(r, now);
  const entry: VerificationHistoryEntry = {
    type: 'verification',
    at: iso(r.approvedAt ?? r.updatedAt ?? r.createdAt),
    requestId: r.id,
    rp: { clientId: r.clientId, name: name ?? '' },
    kind: r.kind,
    mode: r.mode,
    scopes: [...r.scopes],
    outcome,
    ...(r.failure !== null && r.failure !== AWAITING_GUARDIAN ? { failure: r.failure } : {}),
  };
  if (outcome === 'pending' || outcome === 'awaiting_guardian') return entry;
  // The outcome is sealed for the person who answered (a ward's held answer is the guardian's: not opened).
  const sealed = r.result !== null && r.failure !== AWAITING_GUARDIAN ? openOutcome(deps.protector, me.dek, me.personId, r.id, r.result) : undefined;
  if (outcome === 'passed' && sealed) {
    entry.disclosed = { result: 'pass', appId: sealed.appId, claims: sealed.claims, ...(sealed.faceSimilarity !== undefined ? { faceSimilarity: sealed.faceSimilarity } : {}) };
  } else if (outcome !== 'passed') {
    entry.disclosed = { result: 'fail', claims: {}, ...(sealed?.faceSimilarity !== undefined ? { faceSimilarity: sealed.faceSimilarity } : {}) };
  }
  return entry;
}

/** The registered names of relying parties, each read once per history. */
function rpNames(reader: StoreReader): (clientId: string) => Promise<string | undefined> {
  const cache = new Map<string, Promise<string | undefined>>();
  return (clientId) => {
    let p = cache.get(clientId);
    if (!p) {
      p = reader.relyingParties.findByClientId(clientId).then((rp) => rp?.name);
      cache.set(clientId, p);
    }
    return p;
  };
}
