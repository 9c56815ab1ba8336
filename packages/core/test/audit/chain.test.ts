// The entry model and the hash chain: hash = H(prev ‖ canonical(entry without hash)), with H =
// SM3 (gm) or SHA-256 (intl) and canonical = RFC 8785 JSON; the first prev is 32 zero bytes.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, GENESIS_PREV, MAX_DATA_BYTES, canonicalJson, entryHash, nextEntry, queuedFields, type AuditFields } from '@wangzheng/core/audit/index';
import { getSuite } from '@wangzheng/core/crypto/index';
import { T0, buildChain } from './support.ts';

const gm = getSuite('gm');
const intl = getSuite('intl');

const FIELDS: AuditFields = {
  at: T0,
  actor: 'operator:7',
  action: 'rp.approved',
  subject: 'rp-123',
  data: { scopes: ['age_over_18'], legalBasis: { aml: '反洗钱法 第16条' } },
};
const CANONICAL = `{"action":"rp.approved","actor":"operator:7","at":${T0},"data":{"legalBasis":{"aml":"反洗钱法 第16条"},"scopes":["age_over_18"]},"prev":"${'0'.repeat(64)}","seq":1,"subject":"rp-123"}`;

describe('RFC 8785 canonical JSON (what gets hashed)', () => {
  it('RFC 8785 §3.2.2 example: numbers, strings and literals serialise as the RFC shows', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    ) as unknown;
    expect(canonicalJson(input)).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('RFC 8785 §3.2.3 example: members sorted by UTF-16 code units', () => {
    const input = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Dalet', '1': 'One', '\ud83d\ude00': 'Emoji', '\u0080': 'Control', '\u00f6': 'O Diaeresis' };
    const out = canonicalJson(input);
    const order = ['Carriage Return', 'One', 'Control', 'O Diaeresis', 'Euro Sign', 'Emoji', 'Dalet'].map((v) => out.indexOf(`"${v}"`));
    expect(order.every((p, i) => p > 0 && (i === 0 || p > order[i - 1]!))).toBe(true);
  });

  it('values that have no single canonical form are refused (TypeError)', () => {
    for (const bad of [{ a: undefined }, { a: NaN }, { a: Infinity }, { a: new Date(0) }, { a: 1n }, { a: () => 1 }, { a: Buffer.from('x') }, { a: 'x\ud800' }, { ['\udc00']: 1 }]) {
      expect(() => canonicalJson(bad)).toThrow(TypeError);
    }
    let deep: unknown = 1;
    for (let i = 0; i < 9; i++) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow(TypeError); // 9 levels
    expect(canonicalJson((deep as unknown[])[0])).toBe('[[[[[[[[1]]]]]]]]'); // 8 levels
  });
});

describe('hash chain: hash = H(prev ‖ canonical(entry without hash))', () => {
  it('gm: SM3 over the 32 raw prev bytes and the canonical JSON, computed independently', () => {
    const e = nextEntry(undefined, FIELDS, gm);
    expect(e.prev).toBe(GENESIS_PREV);
    expect(e.hash).toBe(createHash('sm3').update(Buffer.alloc(32)).update(CANONICAL, 'utf8').digest('hex'));
  });

  it('intl: the same with SHA-256', () => {
    const e = nextEntry(undefined, FIELDS, intl);
    expect(e.hash).toBe(createHash('sha256').update(Buffer.alloc(32)).update(CANONICAL, 'utf8').digest('hex'));
    expect(e.hash).not.toBe(nextEntry(undefined, FIELDS, gm).hash);
  });

  it('seq is 1-based and contiguous; each prev is the previous hash; the first prev is 32 zero bytes', () => {
    const chain = buildChain(50, gm);
    chain.forEach((e, i) => {
      expect(e.seq).toBe(i + 1);
      expect(e.prev).toBe(i === 0 ? GENESIS_PREV : chain[i - 1]!.hash);
      expect(entryHash(gm, e)).toBe(e.hash);
      expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  it('every member is covered: changing any one changes the hash; an absent subject differs from any subject', () => {
    const e = nextEntry(undefined, FIELDS, gm);
    const variants = [{ seq: 2 }, { at: T0 + 1 }, { actor: 'system' }, { action: 'rp.rejected' }, { subject: 'rp-124' }, { subject: undefined }, { data: { scopes: [] } }, { prev: '1'.repeat(64) }];
    const hashes = new Set(variants.map((v) => entryHash(gm, { ...e, ...v } as typeof e)));
    expect(hashes.size).toBe(variants.length);
    expect(hashes.has(e.hash)).toBe(false);
    // a subject read back from an SQL NULL counts as absent
    const bare = nextEntry(undefined, { at: T0, actor: 'system', action: 'person.locked' }, gm);
    expect(entryHash(gm, { ...bare, subject: null } as never)).toBe(bare.hash);
  });

  it('the entry is frozen and its data a copy: later changes to the caller\'s object do not reach it', () => {
    const data = { scopes: ['age_over_18'] };
    const e = nextEntry(undefined, { ...FIELDS, data }, gm);
    data.scopes.push('name');
    expect(e.data).toEqual({ scopes: ['age_over_18'] });
    expect(Object.isFrozen(e)).toBe(true);
    expect(entryHash(gm, e)).toBe(e.hash);
  });

  it('data defaults to {}; every action code is accepted', () => {
    for (const action of AUDIT_ACTIONS) expect(nextEntry(undefined, { at: T0, actor: 'system', action }, gm).data).toEqual({});
  });
});

describe('entry form: misuse by the writer is a TypeError', () => {
  const ok = (f: Partial<AuditFields>) => () => nextEntry(undefined, { ...FIELDS, ...f } as AuditFields, gm);

  it('closed set of actions; short actor codes; opaque subjects; epoch-ms times', () => {
    expect(ok({ action: 'rp.deleted' as never })).toThrow(TypeError);
    for (const actor of ['', 'Operator:7', 'operator 7', 'operator:', 'operator:a b', 'x'.repeat(33)]) expect(ok({ actor })).toThrow(TypeError);
    for (const actor of ['system', 'operator:7', 'admin:ops-1', 'applicant']) expect(ok({ actor })).not.toThrow();
    for (const subject of ['', 'alice@example.cn', '张三', 'a b', 'x'.repeat(129)]) expect(ok({ subject })).toThrow(TypeError);
    expect(ok({ subject: 'x'.repeat(128) })).not.toThrow();
    for (const at of [-1, 1.5, NaN, Number.MAX_SAFE_INTEGER + 1]) expect(ok({ at })).toThrow(TypeError);
  });

  it(`data: a JSON object of at most ${MAX_DATA_BYTES} canonical bytes (boundary pair)`, () => {
    const sized = (n: number) => ({ r: 'x'.repeat(n - '{"r":""}'.length) });
    expect(canonicalJson(sized(MAX_DATA_BYTES)).length).toBe(MAX_DATA_BYTES);
    expect(ok({ data: sized(MAX_DATA_BYTES) })).not.toThrow();
    expect(ok({ data: sized(MAX_DATA_BYTES + 1) })).toThrow(TypeError);
    for (const data of [[], null, 'x', { d: new Date() }]) expect(ok({ data: data as never })).toThrow(TypeError);
  });

  it('a malformed previous entry is refused', () => {
    const e = nextEntry(undefined, FIELDS, gm);
    expect(() => nextEntry({ ...e, hash: 'xyz' }, FIELDS, gm)).toThrow(TypeError);
    expect(() => nextEntry({ ...e, seq: 0 }, FIELDS, gm)).toThrow(TypeError);
    expect(nextEntry(e, FIELDS, gm).seq).toBe(2);
  });
});

describe('queuedFields: an entry checked when its action queues it, chained later', () => {
  it('refuses what nextEntry refuses, and gives data as its canonical JSON', () => {
    const sized = (n: number) => ({ r: 'x'.repeat(n - '{"r":""}'.length) });
    for (const f of [{ action: 'rp.deleted' }, { actor: 'Operator:7' }, { subject: '张三' }, { at: -1 }, { data: [] }, { data: sized(MAX_DATA_BYTES + 1) }]) {
      const fields = { ...FIELDS, ...f } as AuditFields;
      expect(() => queuedFields(fields)).toThrow(TypeError);
      expect(() => nextEntry(undefined, fields, gm)).toThrow(TypeError);
    }
    const q = queuedFields({ ...FIELDS, data: { b: 2, a: [1, '网'] } });
    expect(q.data).toBe('{"a":[1,"网"],"b":2}');
    expect(queuedFields({ at: T0, actor: 'system', action: 'verification.completed' })).toEqual({ at: T0, actor: 'system', action: 'verification.completed', data: '{}' });
  });

  it('chained later, the queued fields give the very entry nextEntry gives from the original ones', () => {
    const fields: AuditFields = { ...FIELDS, data: { b: 2, a: 'x' } };
    const q = queuedFields(fields);
    const head = nextEntry(undefined, FIELDS, gm);
    expect(nextEntry(head, { ...q, data: JSON.parse(q.data) }, gm)).toEqual(nextEntry(head, fields, gm));
  });
});
