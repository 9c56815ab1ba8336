/**
 * What the credential-controls suites share (passphrase, phone, renewal, transfer): the platform
 * listening on its issuer URL (status lists and SETs name it), holders enrolled through the
 * wallet with the registry's people, the wallet's controls client, the registry simulator's
 * camera, a relying party that verifies by receipt and polls its Shared Signals stream (RFC
 * 8936), the Token Status List entry of a 网证 decoded with @sd-jwt/jwt-status-list, and a
 * whole-database scan for plaintext.
 */
import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import { expect } from 'vitest';
import type { PrivateKey } from '@wangzheng/core/crypto/index';
import { verifySet, type VerifiedSet } from '@wangzheng/core/signals/index';
import { PlatformClient } from '@wangzheng/wallet/enroll/client';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { MeControls } from '@wangzheng/wallet/me/controls';
import { answerVerification } from '@wangzheng/wallet/verify';
import { rejectionCode } from '../../../../test/support/errors.ts';
import { wholeDump } from '../support/dump.ts';
import type { TestEngine } from '../support/engines.ts';
import { PlaintextDetector, type Finding } from '../support/plaintext.ts';
import type { SyntheticPerson } from '../support/people.ts';
import { basic, registerRp, type TestRp } from '../oidc/harness.ts';
import { ADULT, deviceKey, startPlatform, VALID_DOC, type Harness, type RegistryPerson, type SharedRegistry } from '../enrollment/harness.ts';
import { USCC } from '../rp/harness.ts';
import { holderOf, type TestHolder } from './support.ts';
import { nodeHolder } from '@wangzheng/wallet/holder/node';

export { rejectionCode as codeOf };
export const PASSPHRASE = '48273915';
const CREDENTIAL_CHANGE = 'https://schemas.openid.net/secevent/caep/event-type/credential-change';

export interface Holder extends TestHolder {
  readonly person: RegistryPerson;
}

/** The platform on `engine`, its issuer = its listen URL; `overrides` are config keys. */
export function startControlsPlatform(engine: TestEngine, reg: SharedRegistry, overrides: Record<string, unknown> = {}, now?: () => number): Promise<Harness> {
  return startPlatform(engine, reg, { issuerIsListenUrl: true, overrides, ...(now ? { now } : {}) });
}

/** Adults with a valid resident ID card, from the registry's own database. */
export function adults(reg: SharedRegistry, n: number, skip = 0): RegistryPerson[] {
  return reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], n + skip).slice(skip);
}

export async function enrollHolder(h: Harness, person: RegistryPerson, key: PrivateKey = deviceKey()): Promise<Holder> {
  const issued = (await h.enroll(person, { deviceKey: key })) as Issued;
  return { ...(await holderOf(h, issued, key)), person };
}

export function controls(h: Harness, who: Pick<TestHolder, 'credential' | 'key'>): MeControls {
  return new MeControls(h.client, nodeHolder(who.credential, who.key));
}

/** The simulated camera: a probe of `subject`'s face (the holder's own, or someone else's) answering `nonce`. */
export function camera(reg: SharedRegistry, person: RegistryPerson, subject: 'self' | 'other' = 'self'): (nonce: string) => Promise<number[]> {
  const sim = new PlatformClient(reg.url);
  return async (nonce) => (await sim.post<{ probe: number[] }>('/sim/camera', { documentType: person.documentType, documentNumber: person.documentNumber, subject, nonce })).probe;
}

/** A relying party (internet service) with a poll stream asking for credential-change events. */
export async function signalRp(h: Harness, host: string): Promise<TestRp> {
  const rp = await registerRp(h, { category: 'internet_service', uscc: USCC.internet, alg: 'SM2', host });
  const res = await fetch(`${h.url}/ssf/stream`, {
    method: 'POST',
    headers: { authorization: basic(rp), 'content-type': 'application/json' },
    body: JSON.stringify({ delivery: { method: 'urn:ietf:rfc:8936' }, events_requested: [CREDENTIAL_CHANGE] }),
  });
  expect(res.status).toBe(201);
  return rp;
}

let seq = 0;

/** A receipt verification at `rp` answered with `who`'s 网证: `approved` and the `sub` the RP got, or the refusal's code. */
export async function verifyAt(h: Harness, rp: TestRp, who: Pick<TestHolder, 'credential' | 'key'>): Promise<{ status: string; sub?: string }> {
  const auth = basic(rp);
  const created = await fetch(`${h.url}/v1/receipt-requests`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify({ bizSeq: `ctl-${process.pid}-${++seq}`, mode: 'wz' }),
  });
  const req = (await created.json()) as { requestId: string; ref: string };
  const answered = answerVerification(h.client, { ref: req.ref, holder: nodeHolder(who.credential, who.key) });
  const code = await rejectionCode(answered);
  if (code !== 'no error') return { status: code };
  const r = await fetch(`${h.url}/v1/receipt-requests/${req.requestId}/receipt`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: '{}' });
  const receipt = ((await r.json()) as { receipt: string }).receipt;
  const claims = JSON.parse(Buffer.from(receipt.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string; result?: string };
  return { status: (await answered).status, sub: claims.sub };
}

/** The SETs waiting for `rp` (verified as the RP would), acknowledged. */
export async function pollSets(h: Harness, rp: TestRp): Promise<VerifiedSet[]> {
  const res = await fetch(`${h.url}/ssf/poll`, { method: 'POST', headers: { authorization: basic(rp), 'content-type': 'application/json' }, body: JSON.stringify({ returnImmediately: true }) });
  const { sets } = (await res.json()) as { sets: Record<string, string> };
  const out = Object.values(sets).map((t) => verifySet(t, h.platform.deps.signing.gm, { issuer: h.platform.deps.issuer, audience: rp.clientId, algorithms: ['SM2'] }));
  if (out.length > 0) {
    await fetch(`${h.url}/ssf/poll`, { method: 'POST', headers: { authorization: basic(rp), 'content-type': 'application/json' }, body: JSON.stringify({ maxEvents: 0, ack: Object.keys(sets) }) });
  }
  return out;
}

/** What the Token Status List says of a 网证 now: 0 valid, 1 revoked, 2 suspended. */
export async function listStatus(h: Harness, credential: string): Promise<number> {
  const payload = JSON.parse(Buffer.from(credential.split('~')[0]!.split('.')[1]!, 'base64url').toString('utf8')) as { status: { status_list: { idx: number; uri: string } } };
  const { idx, uri } = payload.status.status_list;
  const res = await fetch(`${h.url}${new URL(uri).pathname}`);
  expect(res.status).toBe(200);
  return getListFromStatusListJWT(await res.text()).getStatus(idx);
}

/** Plaintext of these people (name, document number, birth date, and the given phone numbers) anywhere in the database. */
export async function plaintextIn(h: Harness, people: readonly { person: RegistryPerson; phones: readonly string[] }[]): Promise<Finding[]> {
  const dump = await wholeDump(h.storeConfig as never);
  const synthetic = people.flatMap(({ person, phones }) =>
    phones.map((phone) => ({ name: person.name, sex: 'F', birthDate: person.birthDate, documentType: 'resident_id', documentNumber: person.documentNumber, phone, personRef: '' }) as SyntheticPerson),
  );
  return new PlaintextDetector(synthetic).scan(dump);
}
