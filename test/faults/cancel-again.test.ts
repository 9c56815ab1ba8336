/**
 * A cancellation asked again (packages/platform/src/lifecycle/cancel-again.ts): the wallet's retry
 * after a kill after the cancellation's commit (docs/faults.md) — or a second phone of the same
 * person — is told 409 `already_cancelled`, a code it can act on, instead of `invalid_credential`.
 * Only the holder is told: whoever cannot sign with the 网证's device key gets exactly what they
 * would get for a 网证 whose 网号 still exists, and a replayed request stays `nonce_replayed`.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateKey } from '@wangzheng/core/crypto/index';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { nodeHolder } from '@wangzheng/wallet/holder/node';
import { boundBody } from '@wangzheng/wallet/me/bound-request';
import { CANCEL_CONFIRMATION } from '@wangzheng/wallet/me/cancel';
import { describeEachEngine } from '../../packages/platform/test/support/engines.ts';
import { freshPhone } from '../../packages/platform/test/enrollment/harness.ts';
import { ADULT, deviceKey, startOidcPlatform, startRegistry, VALID_DOC, type Harness, type SharedRegistry } from '../../packages/platform/test/oidc/harness.ts';
import { addDevice, boundFor, holderOf, post, type TestHolder } from '../../packages/platform/test/person/support.ts';

const PASSPHRASE = '48273915';
const CANCEL = { passphrase: PASSPHRASE, confirm: CANCEL_CONFIRMATION };

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry(300, 'faults-cancel-again');
});
afterAll(async () => reg?.close());

describeEachEngine('docs/person.md "cancelling again": 409 already_cancelled, to the holder only', (engine) => {
  let h: Harness;
  let alice: TestHolder;
  let aliceSecond: TestHolder;
  let bob: TestHolder;

  beforeAll(async () => {
    h = await startOidcPlatform(engine, reg);
    const enroll = async (i: number): Promise<TestHolder> => {
      const p = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`, [], 2)[i]!;
      const key = deviceKey();
      return holderOf(h, (await h.enroll(p, { deviceKey: key, phone: freshPhone() })) as Issued, key);
    };
    alice = await enroll(0);
    bob = await enroll(1);
    aliceSecond = await addDevice(h, alice);
  }, 120_000);
  afterAll(async () => h?.close());

  it('the first cancellation answers 200; the same request replayed is nonce_replayed, not already_cancelled', async () => {
    const body = await boundFor(h, alice, '/v1/me/cancel', CANCEL);
    const first = await post(h, '/v1/me/cancel', body);
    expect([first.status, first.body.status]).toEqual([200, 'cancelled']);
    const replay = await post(h, '/v1/me/cancel', body);
    expect([replay.status, replay.body.error]).toEqual([409, 'nonce_replayed']);
  });

  it('the retry with the same 网证 and a fresh nonce (the wallet after a lost answer): 409 already_cancelled, no-store', async () => {
    const again = await post(h, '/v1/me/cancel', await boundFor(h, alice, '/v1/me/cancel', CANCEL));
    expect([again.status, again.body.error, again.cacheControl]).toEqual([409, 'already_cancelled', 'no-store']);
  });

  it('from the person’s other phone too: its 网证 went with the rest', async () => {
    const again = await post(h, '/v1/me/cancel', await boundFor(h, aliceSecond, '/v1/me/cancel', CANCEL));
    expect([again.status, again.body.error]).toEqual([409, 'already_cancelled']);
  });

  it('someone without the device key learns nothing: the same answer as for a 网证 whose 网号 still exists', async () => {
    const mallory = generateKey('SM2');
    const forged = async (who: TestHolder) => {
      const { nonce } = await h.client.get<{ nonce: string }>('/v1/me/nonce');
      return post(h, '/v1/me/cancel', await boundBody(nodeHolder(who.credential, mallory), nonce, '/v1/me/cancel', CANCEL));
    };
    const onCancelled = await forged(alice);
    const onLive = await forged(bob);
    expect(onCancelled.body.error).not.toBe('already_cancelled');
    expect([onCancelled.status, onCancelled.body.error]).toEqual([onLive.status, onLive.body.error]);
    // And Bob's 网号 is untouched by the attempt.
    expect((await h.platform.deps.store.persons.findById(bob.personId))?.status).toBe('active');
  });

  it('bad input is still refused first (invalid_request); other calls with the cancelled 网证 still say invalid_credential', async () => {
    const extra = await post(h, '/v1/me/cancel', { ...(await boundFor(h, alice, '/v1/me/cancel', CANCEL)), extra: 1 });
    expect([extra.status, extra.body.error]).toEqual([400, 'invalid_request']);
    const status = await post(h, '/v1/me/status', await boundFor(h, alice, '/v1/me/status'));
    expect([status.status, status.body.error]).toEqual([400, 'invalid_credential']);
  });

  it('a 网号 that still exists cancels as before', async () => {
    const r = await post(h, '/v1/me/cancel', await boundFor(h, bob, '/v1/me/cancel', CANCEL));
    expect([r.status, r.body.status]).toEqual([200, 'cancelled']);
  });
});
