import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWzError } from '@wangzheng/core/errors';
import { encodeDocumentData, type ChipData, type DocumentData } from '@wangzheng/core/documents/chip';
import { generateSharedKey } from '@wangzheng/core/registry/http-auth';
import { createRegistryServer, type RegistryServer } from '@wangzheng/registry-sim/http/server';
import type { Sample } from '@wangzheng/registry-sim/service';
import { assertDocumentUsable, createRegistryClient, createPlatformPassiveAuth, loadTrustAnchors, type Registry } from '../../src/registry/index.ts';

const KEY = generateSharedKey('platform');
let server: RegistryServer;
let url: string;
let registry: Registry;
let samples: Map<Sample['label'], Sample>;

async function sim<T>(path: string, body?: unknown): Promise<T> {
  const r = await fetch(url + path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${path}: ${r.status}`);
  return (await r.json()) as T;
}

async function readChip(s: { documentType: string; documentNumber: string }): Promise<ChipData> {
  return (await sim<{ chip: ChipData }>('/sim/nfc/read', { documentType: s.documentType, documentNumber: s.documentNumber })).chip;
}

async function capture(s: { documentType: string; documentNumber: string }, subject: 'self' | 'other', nonce: string): Promise<number[]> {
  return (await sim<{ probe: number[] }>('/sim/camera', { documentType: s.documentType, documentNumber: s.documentNumber, subject, nonce })).probe;
}

function sample(label: Sample['label']): Sample {
  return samples.get(label)!;
}

async function codeOf(p: Promise<unknown>): Promise<{ code: string; detail?: string | undefined }> {
  try {
    await p;
  } catch (e) {
    if (isWzError(e)) return { code: e.code, detail: e.detail };
    throw e;
  }
  return { code: 'none' };
}

beforeAll(async () => {
  server = await createRegistryServer({ dbPath: ':memory:', sharedKeys: [KEY], population: { count: 2000, seed: 'client-test' } });
  url = await server.listen({ port: 0, host: '127.0.0.1' });
  registry = createRegistryClient({ baseUrl: url, sharedKey: KEY });
  samples = new Map((await sim<{ samples: Sample[] }>('/sim/samples')).samples.map((s) => [s.label, s]));
});

afterAll(async () => {
  await server.close();
});

describe('Registry adapter contract over HTTP (real client, real server on an ephemeral port)', () => {
  it('verifyDocument: a genuine chip → valid, with personRef and age band; assertDocumentUsable passes', async () => {
    const s = sample('adult');
    const r = await registry.verifyDocument(await readChip(s));
    expect(r).toMatchObject({ status: 'valid', documentType: s.documentType, birthDate: s.birthDate, ageBand: 'adult' });
    expect(() => assertDocumentUsable(r)).not.toThrow();
  });

  it('enrollment with an expired document → document_expired; a lost one → document_lost', async () => {
    const e = await registry.verifyDocument(await readChip(sample('expired_document')));
    expect(() => assertDocumentUsable(e)).toThrow(expect.objectContaining({ code: 'document_expired' }));
    const l = await registry.verifyDocument(await readChip(sample('lost_document')));
    expect(() => assertDocumentUsable(l)).toThrow(expect.objectContaining({ code: 'document_lost' }));
  });

  it('two document types of one person → the same personRef (one 网号)', async () => {
    const s = sample('two_document_types');
    const a = await registry.verifyDocument(await readChip(s));
    const b = await registry.verifyDocument(await readChip(s.otherDocument!));
    expect(a.personRef).toBe(b.personRef);
  });

  it('an altered chip → forged_chip_data from the registry', async () => {
    const chip = await readChip(sample('adult'));
    const dg1 = JSON.parse(Buffer.from(chip.dg1, 'base64url').toString('utf8')) as DocumentData;
    const altered = { ...chip, dg1: encodeDocumentData({ ...dg1, name: '王改名' }).toString('base64url') };
    expect((await codeOf(registry.verifyDocument(altered))).code).toBe('forged_chip_data');
  });

  it('face: challenge, live capture of the holder → match; of someone else → no match; nonce reuse → challenge_expired', async () => {
    const s = sample('minor_14_17');
    const { personRef } = await registry.verifyDocument(await readChip(s));
    const c1 = await registry.faceChallenge();
    expect(Date.parse(c1.expiresAt)).toBeGreaterThan(Date.now());
    const self = await registry.faceMatch({ personRef, nonce: c1.nonce, probe: await capture(s, 'self', c1.nonce) });
    expect(self.match).toBe(true);
    expect(self.similarity).toBeGreaterThanOrEqual(self.threshold);
    const c2 = await registry.faceChallenge();
    const other = await registry.faceMatch({ personRef, nonce: c2.nonce, probe: await capture(s, 'other', c2.nonce) });
    expect(other.match).toBe(false);
    expect(other.similarity).toBeLessThan(other.threshold);
    expect((await codeOf(registry.faceMatch({ personRef, nonce: c2.nonce, probe: await capture(s, 'self', (await registry.faceChallenge()).nonce) }))).code).toBe('challenge_expired');
  });

  it('face: a probe of the wrong length is refused by the client before any call (invalid_face_template)', async () => {
    let calls = 0;
    const counting = createRegistryClient({ baseUrl: url, sharedKey: KEY, fetch: (...a) => (calls++, fetch(...a)) });
    expect((await codeOf(counting.faceMatch({ personRef: 'pr_aaaaaaaa', nonce: 'AAAAAAAAAAAAAAAAAAAAAAAA', probe: new Array(129).fill(0.1) }))).code).toBe('invalid_face_template');
    expect(calls).toBe(0);
  });

  it('guardianship: the registered guardian of an under-14 child → true; a stranger → false; unknown child → unknown_person', async () => {
    const u = sample('minor_under_14');
    const child = (await registry.verifyDocument(await readChip(u))).personRef;
    const guardian = (await registry.verifyDocument(await readChip(u.guardian!))).personRef;
    const stranger = (await registry.verifyDocument(await readChip(sample('adult')))).personRef;
    expect(await registry.isGuardian({ guardianRef: guardian, childRef: child })).toBe(true);
    expect(await registry.isGuardian({ guardianRef: stranger, childRef: child })).toBe(false);
    expect((await codeOf(registry.isGuardian({ guardianRef: guardian, childRef: 'pr_nobody-here' }))).code).toBe('unknown_person');
  });
});

describe('Platform-side passive authentication against pinned trust anchors', () => {
  it('pinned root → chips authenticate locally; the client then fails forged chips without calling the registry', async () => {
    const published = await registry.issuerKeys();
    const kid = published.roots[0]!.kid;
    const anchors = await loadTrustAnchors(registry, { pinnedKids: [kid] });
    const pa = createPlatformPassiveAuth({ trustAnchors: anchors });
    const chip = await readChip(sample('foreigner'));
    expect(pa.authenticate(chip).document.documentType).toBe('foreign_permanent_residence_id');

    let calls = 0;
    const guarded = createRegistryClient({ baseUrl: url, sharedKey: KEY, passiveAuth: pa, fetch: (...a) => (calls++, fetch(...a)) });
    const dg1 = JSON.parse(Buffer.from(chip.dg1, 'base64url').toString('utf8')) as DocumentData;
    const altered = { ...chip, dg1: encodeDocumentData({ ...dg1, validUntil: '2099-01-01' }).toString('base64url') };
    expect((await codeOf(guarded.verifyDocument(altered))).code).toBe('forged_chip_data');
    expect(calls).toBe(0);
    expect((await guarded.verifyDocument(chip)).status).toBe('valid');
    expect(calls).toBe(1);
  });

  it('a pin the registry does not publish → invalid_configuration; no pins → every published root, reported as unpinned', async () => {
    expect((await codeOf(loadTrustAnchors(registry, { pinnedKids: ['not-a-real-kid'] }))).code).toBe('invalid_configuration');
    let reported: string[] = [];
    const all = await loadTrustAnchors(registry, { onUnpinned: (kids) => (reported = kids) });
    expect(all.map((a) => a.kid)).toEqual(reported);
    expect(all).toHaveLength(1);
  });
});

describe('Registry client error mapping', () => {
  it('wrong shared key → the registry answers 401 → registry_unavailable (never a 401 to our callers)', async () => {
    const wrong = createRegistryClient({ baseUrl: url, sharedKey: generateSharedKey('platform') });
    expect(await codeOf(wrong.faceChallenge())).toEqual({ code: 'registry_unavailable', detail: 'registry answered 401 unauthenticated on /v1/face/challenge' });
  });

  it('nothing listening → registry_unavailable', async () => {
    const probe = await createRegistryServer({ dbPath: ':memory:', sharedKeys: [KEY], population: false });
    const deadUrl = await probe.listen({ port: 0 });
    await probe.close();
    const dead = createRegistryClient({ baseUrl: deadUrl, sharedKey: KEY, timeoutMs: 2000 });
    expect((await codeOf(dead.issuerKeys())).code).toBe('registry_unavailable');
  });

  it('timeout → registry_unavailable', async () => {
    const slow = createRegistryClient({
      baseUrl: url,
      sharedKey: KEY,
      timeoutMs: 30,
      fetch: (_u, init) => new Promise((_r, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason))),
    });
    expect(await codeOf(slow.faceChallenge())).toEqual({ code: 'registry_unavailable', detail: 'timeout after 30 ms on /v1/face/challenge' });
  });

  it('a 500, a non-JSON answer or an answer that breaks the contract → registry_unavailable', async () => {
    const answer = (status: number, body: string) => createRegistryClient({ baseUrl: url, sharedKey: KEY, fetch: async () => new Response(body, { status, headers: { 'content-type': 'application/json' } }) });
    expect((await codeOf(answer(500, '{"error":"internal_error","message":"x"}').faceChallenge())).code).toBe('registry_unavailable');
    expect((await codeOf(answer(200, '<html>').faceChallenge())).code).toBe('registry_unavailable');
    expect((await codeOf(answer(200, '{"nonce":"short"}').faceChallenge())).code).toBe('registry_unavailable');
    expect((await codeOf(answer(400, '{"error":"invalid_request","message":"x"}').faceChallenge())).code).toBe('registry_unavailable');
  });

  it('domain codes pass through with our own message, not the registry\'s text', async () => {
    const c = createRegistryClient({ baseUrl: url, sharedKey: KEY, fetch: async () => new Response('{"error":"unknown_person","message":"<script>"}', { status: 404 }) });
    try {
      await c.isGuardian({ guardianRef: 'pr_aaaaaaaa', childRef: 'pr_bbbbbbbb' });
      expect.unreachable();
    } catch (e) {
      expect(isWzError(e, 'unknown_person')).toBe(true);
      expect((e as Error).message).not.toContain('<script>');
    }
  });
});
