/**
 * "Why does my 网证 not work?" (`POST /v1/me/credential-status`). Every other `/v1/me` call
 * refuses a revoked or suspended 网证 (auth.ts, step 4), so a wallet whose 网证 was banned,
 * replaced by a re-enrollment or a renewal, moved to another phone, revoked as a lost device or
 * cancelled could only say "refused". This call answers for exactly ONE 网证 — the one presented,
 * whose holder key signed this bound, single-use request (`PersonAuthenticator.identify`) —
 * with its status and a reason CODE (core/person/credential-reasons.ts), and nothing else: no
 * 网号, no person data, nothing about other credentials. It changes nothing.
 *
 * Trust: the presenter holds the key in the 网证's `cnf` (and the stored device's key while that
 * row exists): the same proof as every `/v1/me` call, minus the status checks. The status and
 * reason are our own records; a relying party can read as much from the public status list.
 */
import type { CredentialStatusView } from '@wangzheng/core/person/controls';
import type { IdentifiedCredential } from './auth.ts';
import { iso } from './wire.ts';

export function credentialStatusView(id: IdentifiedCredential, now: number): CredentialStatusView {
  const c = id.credential;
  const reason = reasonOf(id, now);
  return {
    credential: { id: c.id, status: c.status, reason: c.reason, revokedAt: c.revokedAt === null ? null : iso(c.revokedAt), expiresAt: iso(c.expiresAt) },
    usable: reason === null,
    reason,
  };
}

/** The first thing that stops the 网证 from verifying, as a reason code; null when nothing does. */
function reasonOf({ credential: c, device, person }: IdentifiedCredential, now: number): string | null {
  if (c.status !== 'valid') return c.reason ?? (c.personId === null ? 'cancelled' : 'device_revoked');
  if (!person || person.status === 'cancelled') return 'cancelled';
  if (device?.revokedAt != null) return 'device_revoked';
  if (c.expiresAt <= now) return 'expired';
  if (person.status === 'banned') return 'fraud_ban';
  if (person.status === 'locked') return 'locked';
  return null;
}
