// `verifications.transitionWith` on both engines: the compare-and-set of a request's status and,
// only when it took effect, the person's history event and the queued audit entry — one
// statement on PostgreSQL, a transaction on SQLite; atomic on its own and inside a caller's
// transaction; exactly one of many concurrent answers writes; a request older than the recent
// window is still found.
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { WzError } from '@wangzheng/core/errors';
import { newId } from '../../src/store/index.ts';
import { describeEachEngine } from '../support/engines.ts';
import { fakePerson, insertApprovedRp } from '../support/rows.ts';
import { freshTrail, rawRows, summary, type TrailFixture } from '../audit/support.ts';

const DAY = 86_400_000;

async function pending(f: TrailFixture, createdAt = Date.now()): Promise<{ id: string; personId: string }> {
  const clientId = await insertApprovedRp(f.store);
  const p = fakePerson();
  await f.store.persons.insert(p);
  const id = newId();
  await f.store.verifications.insert({ id, refHash: randomBytes(32), clientId, kind: 'receipt', bizSeq: null, mode: 'wz', scopes: ['result'], nonce: 'n', expiresAt: createdAt + 300_000, createdAt });
  return { id, personId: p.id };
}

function rowsFor(f: TrailFixture, personId: string, n: number) {
  return {
    events: [{ personId, type: 'verified', data: new Uint8Array([n]) }],
    queued: [f.trail.queued({ actor: 'system', action: 'verification.completed', subject: 'rp_aaaaaaaaaaaaaaaaaaaaaa', data: { n } })],
  };
}

async function written(f: TrailFixture, personId: string): Promise<[number, number]> {
  return [(await f.store.events.listByPerson(personId)).length, await f.store.reader.audit.queued()];
}

describeEachEngine('verifications.transitionWith: the answer and its records, together or not at all', (engine) => {
  it('from the expected status: the patch, the event and the queued entry (PostgreSQL: one statement); from any other: nothing', async () => {
    const f = await freshTrail(engine);
    const r = await pending(f);
    const before = f.store.statementCount();
    expect(await f.store.verifications.transitionWith(r.id, 'pending', { status: 'approved', personId: r.personId, result: new Uint8Array([7]), approvedAt: 5 }, rowsFor(f, r.personId, 1))).toBe(true);
    if (engine.name === 'postgres') expect(f.store.statementCount() - before).toBe(1);
    const after = await f.store.verifications.findById(r.id);
    expect([after?.status, after?.personId, [...(after?.result ?? [])], after?.approvedAt]).toEqual(['approved', r.personId, [7], 5]);
    const [event] = await f.store.events.listByPerson(r.personId);
    expect([event?.type, [...(event?.data ?? [])]]).toEqual(['verified', [1]]);
    expect(await written(f, r.personId)).toEqual([1, 1]);

    expect(await f.store.verifications.transitionWith(r.id, 'pending', { status: 'failed', failure: 'expired' }, rowsFor(f, r.personId, 2))).toBe(false);
    expect((await f.store.verifications.findById(r.id))?.status).toBe('approved');
    expect(await written(f, r.personId)).toEqual([1, 1]);
    expect(await f.store.verifications.transitionWith(newId(), 'pending', { status: 'approved' }, rowsFor(f, r.personId, 3))).toBe(false);
    expect(await f.store.verifications.transitionWith('not an id', 'pending', { status: 'approved' }, {})).toBe(false);
    expect(await written(f, r.personId)).toEqual([1, 1]);

    // The queued entry joins the chain as one queued by `enqueue` would.
    expect(await f.trail.sequence()).toBe(1);
    const [entry] = await f.store.reader.audit.list();
    expect([entry?.action, entry?.subject, entry?.data['n']]).toEqual(['verification.completed', 'rp_aaaaaaaaaaaaaaaaaaaaaa', 1]);
    expect(summary(await f.trail.verify())).toEqual([]);
  });

  it('several rows, or none beside the status; a request older than the recent window is found', async () => {
    const f = await freshTrail(engine);
    const old = await pending(f, Date.now() - 40 * DAY);
    const two = { events: [{ personId: old.personId, type: 'verified' }, { personId: old.personId, type: 'consent_granted' }], queued: [] };
    expect(await f.store.verifications.transitionWith(old.id, 'pending', { status: 'declined', failure: 'declined' }, two)).toBe(true);
    expect((await f.store.events.listByPerson(old.personId)).map((e) => e.type).sort()).toEqual(['consent_granted', 'verified']);
    const bare = await pending(f);
    expect(await f.store.verifications.transitionWith(bare.id, 'pending', { status: 'failed', failure: 'expired' }, {})).toBe(true);
    expect((await f.store.verifications.findById(bare.id))?.failure).toBe('expired');
    expect(await written(f, bare.personId)).toEqual([0, 0]);
  });

  it('inside a caller’s transaction: rolled back with it', async () => {
    const f = await freshTrail(engine);
    const r = await pending(f);
    await expect(
      f.store.transaction(async (tx) => {
        expect(await tx.verifications.transitionWith(r.id, 'pending', { status: 'approved', personId: r.personId }, rowsFor(f, r.personId, 1))).toBe(true);
        throw new WzError('conflict', 'something after the answer failed');
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect((await f.store.verifications.findById(r.id))?.status).toBe('pending');
    expect(await written(f, r.personId)).toEqual([0, 0]);
    await f.store.transaction(async (tx) => {
      expect(await tx.verifications.transitionWith(r.id, 'pending', { status: 'approved', personId: r.personId }, rowsFor(f, r.personId, 2))).toBe(true);
    });
    expect(await written(f, r.personId)).toEqual([1, 1]);
  });

  it('a row the store refuses fails the call before anything is written', async () => {
    const f = await freshTrail(engine);
    const r = await pending(f);
    const bad = { events: [{ personId: r.personId, type: 'Not A Code!' }] };
    await expect(f.store.verifications.transitionWith(r.id, 'pending', { status: 'approved', personId: r.personId }, bad)).rejects.toThrow(TypeError);
    expect((await f.store.verifications.findById(r.id))?.status).toBe('pending');
    expect(await written(f, r.personId)).toEqual([0, 0]);
  });

  it('ten answers at once: exactly one takes effect, with exactly one event and one queued entry', async () => {
    const f = await freshTrail(engine);
    const r = await pending(f);
    const won = await Promise.all(Array.from({ length: 10 }, (_, i) => f.store.verifications.transitionWith(r.id, 'pending', { status: 'approved', personId: r.personId }, rowsFor(f, r.personId, i))));
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await written(f, r.personId)).toEqual([1, 1]);
    const [q] = await rawRows(f.cfg, 'select data from audit_queue');
    expect(JSON.parse(String(q?.['data']))['n']).toBe(won.indexOf(true));
  });
});
