// `verifications.consumeForReceipt` on both engines: a relying party's receipt fetch reads its
// request with the person's wrapped data key, as it was, and consumes it when it was answered or
// is pending past its expiry — on PostgreSQL in one statement; exactly one of many concurrent
// fetches consumes; another client's request, a pending one and a consumed one are not touched.
import { randomBytes } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { newId, type Store, type VerificationStatus } from '../../src/store/index.ts';
import { describeEachEngine } from '../support/engines.ts';
import { fakePerson, insertApprovedRp } from '../support/rows.ts';

const DAY = 86_400_000;

describeEachEngine('verifications.consumeForReceipt: read and consume in one step', (engine) => {
  let store: Store;
  /** PostgreSQL: a second store on the same database (another server process). */
  let second: Store | undefined;
  let clientId: string;
  let otherClient: string;
  beforeAll(async () => {
    const cfg = await engine.freshConfig();
    store = await engine.open(cfg);
    second = engine.name === 'postgres' ? await engine.open(cfg) : undefined;
    clientId = await insertApprovedRp(store);
    otherClient = await insertApprovedRp(store);
  });

  async function request(o: { status?: VerificationStatus; createdAt?: number; expiresAt?: number; person?: boolean } = {}): Promise<{ id: string; personId: string | undefined }> {
    const createdAt = o.createdAt ?? Date.now();
    const id = newId();
    let personId: string | undefined;
    if (o.person !== false) {
      const p = fakePerson();
      await store.persons.insert(p);
      personId = p.id;
    }
    await store.verifications.insert({ id, refHash: randomBytes(32), clientId, kind: 'receipt', bizSeq: null, mode: 'wz', scopes: ['result'], nonce: 'n', expiresAt: o.expiresAt ?? createdAt + 300_000, createdAt });
    if (o.status && o.status !== 'pending') {
      expect(await store.verifications.transition(id, 'pending', { status: o.status, ...(personId ? { personId } : {}), ...(o.status === 'approved' ? { result: new Uint8Array([1]), approvedAt: createdAt } : {}) })).toBe(true);
    }
    return { id, personId };
  }

  it('an answered request: read as it was, with the data key, and consumed (PostgreSQL: one statement); a second fetch consumes nothing', async () => {
    const now = Date.now();
    const r = await request({ status: 'approved' });
    const before = store.statementCount();
    const got = await store.verifications.consumeForReceipt(r.id, clientId, now);
    if (engine.name === 'postgres') expect(store.statementCount() - before).toBe(1);
    expect([got?.request.id, got?.request.status, got?.consumed, got?.dataKey?.id]).toEqual([r.id, 'approved', true, r.personId]);
    expect(got?.dataKey?.wrappedDek).toBeInstanceOf(Uint8Array);
    expect(got?.request).toEqual({ ...(await store.verifications.findById(r.id))!, status: 'approved', updatedAt: got!.request.updatedAt });
    expect((await store.verifications.findById(r.id))?.status).toBe('consumed');
    const again = await store.verifications.consumeForReceipt(r.id, clientId, now);
    expect([again?.request.status, again?.consumed]).toEqual(['consumed', false]);
  });

  it('failed and declined are consumed; pending is not, until past its expiry', async () => {
    const now = Date.now();
    for (const status of ['failed', 'declined'] as const) {
      const r = await request({ status });
      expect((await store.verifications.consumeForReceipt(r.id, clientId, now))?.consumed, status).toBe(true);
    }
    const pending = await request({ expiresAt: now + 1000 });
    const waiting = await store.verifications.consumeForReceipt(pending.id, clientId, now);
    expect([waiting?.request.status, waiting?.consumed]).toEqual(['pending', false]);
    expect((await store.verifications.findById(pending.id))?.status).toBe('pending');
    const late = await store.verifications.consumeForReceipt(pending.id, clientId, now + 1000);
    expect([late?.request.status, late?.consumed]).toEqual(['pending', true]);
    expect((await store.verifications.findById(pending.id))?.status).toBe('consumed');
  });

  it('another client’s request, an unknown id or not an id: none, and nothing consumed', async () => {
    const r = await request({ status: 'approved' });
    expect(await store.verifications.consumeForReceipt(r.id, otherClient, Date.now())).toBeUndefined();
    expect(await store.verifications.consumeForReceipt(newId(), clientId, Date.now())).toBeUndefined();
    expect(await store.verifications.consumeForReceipt('not-an-id', clientId, Date.now())).toBeUndefined();
    expect(await store.verifications.consumeForReceipt(r.id, 'not a client', Date.now())).toBeUndefined();
    expect((await store.verifications.findById(r.id))?.status).toBe('approved');
  });

  it('no person (an anonymous decline): no data key', async () => {
    const r = await request({ status: 'declined', person: false });
    const got = await store.verifications.consumeForReceipt(r.id, clientId, Date.now());
    expect([got?.consumed, got?.dataKey]).toEqual([true, undefined]);
  });

  it('a request older than the recent window is found and consumed too', async () => {
    const r = await request({ status: 'approved', createdAt: Date.now() - 40 * DAY });
    expect((await store.verifications.consumeForReceipt(r.id, clientId, Date.now()))?.consumed).toBe(true);
    expect((await store.verifications.findById(r.id))?.status).toBe('consumed');
  });

  it('a fetch that meets another one in progress waits for it, then consumes nothing (PostgreSQL: the row lock)', async () => {
    const r = await request({ status: 'approved' });
    if (second === undefined) {
      // SQLite: one writer at a time — the second fetch comes after the first.
      expect((await store.verifications.consumeForReceipt(r.id, clientId, Date.now()))?.consumed).toBe(true);
      expect((await store.verifications.consumeForReceipt(r.id, clientId, Date.now()))?.consumed).toBe(false);
      return;
    }
    let fetched: ReturnType<Store['verifications']['consumeForReceipt']> | undefined;
    await second.transaction(async (tx) => {
      expect(await tx.verifications.transition(r.id, 'approved', { status: 'consumed' })).toBe(true);
      fetched = store.verifications.consumeForReceipt(r.id, clientId, Date.now());
      // Meanwhile the fetch waits for this transaction's row lock.
      await new Promise((ok) => setTimeout(ok, 300));
    });
    const got = await fetched!;
    expect([got?.request.status, got?.consumed]).toEqual(['consumed', false]);
  });

  it('ten concurrent fetches: exactly one consumes, every one reads the request', async () => {
    const r = await request({ status: 'approved' });
    const all = await Promise.all(Array.from({ length: 10 }, () => store.verifications.consumeForReceipt(r.id, clientId, Date.now())));
    expect(all.filter((g) => g?.consumed).length).toBe(1);
    expect(all.every((g) => g?.request.id === r.id)).toBe(true);
    // The ones that lost read the request as the winner left it (PostgreSQL waits for its lock) or as before it.
    expect(all.filter((g) => !g?.consumed).every((g) => g?.request.status === 'consumed' || g?.request.status === 'approved')).toBe(true);
  });
});
