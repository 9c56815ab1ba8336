/** A stored consent as the person sees it: its subject decoded (consent-subject.ts), its scope split into field names. */
import type { ConsentView } from '@wangzheng/core/person/views';
import type { ConsentRecord } from '../store/index.ts';
import { decodeConsentSubject } from './consent-subject.ts';
import { iso } from './wire.ts';

/** Undefined for a subject this release does not know (it is then listed nowhere but the export's raw list). */
export function consentView(c: ConsentRecord): ConsentView | undefined {
  const s = decodeConsentSubject(c.subject);
  if (!s) return undefined;
  return {
    id: c.id,
    kind: s.kind,
    ...(s.kind === 'notice' ? { version: s.version } : { clientId: s.clientId }),
    sensitive: s.kind === 'guardian_rp' ? false : s.sensitive,
    scopes: c.scope.split(',').filter((x) => x !== ''),
    grantedAt: iso(c.grantedAt),
    withdrawnAt: c.withdrawnAt === null ? null : iso(c.withdrawnAt),
  };
}
