// Tamper evidence: every kind of tampering with a stored trail is reported with its exact
// finding code and sequence number, for both suites; a clean trail of 1,000 entries verifies.
import { describe, expect, it } from 'vitest';
import { entryHash, nextEntry, signCheckpoint, verifyAuditTrail, type AuditEntry } from '@wangzheng/core/audit/index';
import { KeyRing, generateKey, signJws } from '@wangzheng/core/crypto/index';
import { T0, buildChain, copies, fixture, summary } from './support.ts';

for (const name of ['gm', 'intl'] as const) {
  describe(`tamper evidence (${name}: ${name === 'gm' ? 'SM3 chain, SM2 checkpoints' : 'SHA-256 chain, ES256 checkpoints'})`, () => {
    const { suite, ring, alg } = fixture(name);
    const opts = { suite, keys: ring, algorithms: [alg] };
    const chain = buildChain(20, suite);
    const cp = (seq: number) => signCheckpoint(ring, chain[seq - 1]!, T0 + 100_000 + seq);
    const verify = (entries: readonly unknown[], checkpoints: string[] = [cp(10), cp(20)]) => verifyAuditTrail(entries, checkpoints, opts);
    /** Recomputes the hash of one row, as a forger who knows the scheme would. */
    const rehashOne = (r: Record<string, unknown>) => (r['hash'] = entryHash(suite, r as unknown as AuditEntry));
    /** Recomputes prev and hash from position `from` (0-based) to the end: a forger rewriting history. */
    const rehash = (rows: Record<string, unknown>[], from: number) => {
      for (let i = from; i < rows.length; i++) {
        const r = rows[i]!;
        if (i > 0) r['prev'] = rows[i - 1]!['hash'];
        r['hash'] = entryHash(suite, r as unknown as AuditEntry);
      }
      return rows;
    };

    it('a clean chain of 1,000 entries with checkpoints at 250, 500 and 1,000 verifies: ok, checked 1000, no findings', () => {
      const big = buildChain(1000, suite);
      const tokens = [250, 500, 1000].map((s) => signCheckpoint(ring, big[s - 1]!, T0 + 2_000_000));
      const report = verifyAuditTrail(big, tokens, opts);
      expect(report).toEqual({ ok: true, checked: 1000, findings: [] });
      expect(verifyAuditTrail(JSON.parse(JSON.stringify(big)) as unknown[], tokens, opts).ok).toBe(true); // after a storage round trip
    });

    it('the 20-entry fixture is clean (every case below differs from it in one way)', () => {
      expect(verify(chain)).toEqual({ ok: true, checked: 20, findings: [] });
    });

    it('entry_changed: one field of one entry altered, hash left as stored', () => {
      for (const [field, value] of [['data', { n: 7, reason: 'none' }], ['actor', 'operator:9'], ['at', T0], ['action', 'rp.rejected'], ['subject', 'rp-999']] as const) {
        const rows = copies(chain);
        rows[6]![field] = value;
        const report = verify(rows);
        expect(summary(report)).toEqual(['entry_changed@7']);
        expect(report.ok).toBe(false);
        expect(report.findings[0]!.index).toBe(6);
      }
    });

    it('chain_broken: an entry altered and its hash recomputed no longer matches the next prev', () => {
      const rows = copies(chain);
      rows[6]!['data'] = { n: 7, reason: 'none' };
      rehashOne(rows[6]!);
      expect(summary(verify(rows))).toEqual(['chain_broken@8']);
    });

    it('chain_broken@1: the first entry does not start from 32 zero bytes', () => {
      const rows = copies(chain);
      rows[0]!['prev'] = '1'.repeat(64);
      expect(summary(verify(rows))).toEqual(['entry_changed@1', 'chain_broken@1']);
      rehashOne(rows[0]!);
      expect(summary(verify(rows))).toEqual(['chain_broken@1', 'chain_broken@2']);
    });

    it('entry_inserted: a forged entry with a recomputed hash slipped in under an existing seq', () => {
      const forged = nextEntry(chain[4], { at: T0 + 5500, actor: 'operator:1', action: 'netid.unbanned', subject: 'rp-5' }, suite);
      expect(forged.seq).toBe(6);
      const rows: unknown[] = [...chain.slice(0, 5), forged, ...chain.slice(5)];
      const report = verify(rows);
      expect(summary(report)).toEqual(['entry_inserted@6']);
      expect(report.findings[0]!.index).toBe(5);
      // wherever it is stored, the forgery (not the genuine entry 6) is the one reported
      expect(verify([forged, ...chain]).findings.map((f) => [f.code, f.index])).toEqual([['entry_inserted', 0]]);
    });

    it('insert with every later entry renumbered and rehashed: only a checkpoint can tell → checkpoint_mismatch', () => {
      const forged = nextEntry(chain[4], { at: T0 + 5500, actor: 'operator:1', action: 'netid.unbanned' }, suite);
      const rows = [...copies(chain.slice(0, 5)), { ...forged }, ...copies(chain.slice(5))];
      rows.forEach((r, i) => (r['seq'] = i + 1));
      rehash(rows, 5);
      expect(summary(verify(rows, []))).toEqual([]);
      expect(summary(verify(rows))).toEqual(['checkpoint_mismatch@10', 'checkpoint_mismatch@20']);
    });

    it('entry_removed: one entry removed in the middle; a run; the first', () => {
      expect(summary(verify(chain.filter((e) => e.seq !== 5)))).toEqual(['entry_removed@5-5']);
      expect(summary(verify(chain.filter((e) => e.seq < 5 || e.seq > 7)))).toEqual(['entry_removed@5-7']);
      expect(summary(verify(chain.slice(1)))).toEqual(['entry_removed@1-1']);
    });

    it('entry_removed at a checkpointed seq is not double-reported as a mismatch', () => {
      expect(summary(verify(chain.filter((e) => e.seq !== 10)))).toEqual(['entry_removed@10-10']);
    });

    it('rollback: the tail removed after a checkpoint (boundary pair: cut at the checkpoint vs one before)', () => {
      expect(summary(verify(chain.slice(0, 15), [cp(10), cp(15)]))).toEqual([]);
      expect(summary(verify(chain.slice(0, 14), [cp(10), cp(15)]))).toEqual(['rollback@15-15']);
      const report = verify(chain.slice(0, 12));
      expect(summary(report)).toEqual(['rollback@13-20']);
      expect(report.findings[0]!.checkpoint).toBe(1);
      expect(summary(verify([], [cp(3)]))).toEqual(['rollback@1-3']);
    });

    it('rollback then re-grown with other entries: the checkpoint head no longer matches → checkpoint_mismatch', () => {
      const regrown: AuditEntry[] = chain.slice(0, 12);
      while (regrown.length < 20) regrown.push(nextEntry(regrown.at(-1), { at: T0 + 90_000, actor: 'system', action: 'verification.completed' }, suite));
      expect(summary(verify(regrown))).toEqual(['checkpoint_mismatch@20']);
    });

    it('entries_reordered: two neighbours swapped in storage (the chain itself intact, nothing sorted silently)', () => {
      const rows = [...chain];
      [rows[3], rows[4]] = [rows[4]!, rows[3]!];
      const report = verify(rows);
      expect(summary(report)).toEqual(['entries_reordered@4', 'entries_reordered@5']);
      expect(report.findings.map((f) => f.index)).toEqual([4, 3]);
    });

    it('entries_reordered: a swap at a distance names both; one entry moved names only it', () => {
      const swapped = [...chain];
      [swapped[2], swapped[6]] = [swapped[6]!, swapped[2]!];
      expect(summary(verify(swapped))).toEqual(['entries_reordered@3', 'entries_reordered@7']);
      const moved = [...chain.filter((e) => e.seq !== 2), chain[1]!];
      expect(summary(verify(moved))).toEqual(['entries_reordered@2']);
    });

    it('a swap that rewrites seq and recomputes both hashes breaks the chain after it → chain_broken', () => {
      const rows = copies(chain);
      [rows[3], rows[4]] = [rows[4]!, rows[3]!];
      rows[3]!['seq'] = 4;
      rows[4]!['seq'] = 5;
      rows[3]!['prev'] = chain[2]!.hash;
      rehashOne(rows[3]!);
      rows[4]!['prev'] = rows[3]!['hash'];
      rehashOne(rows[4]!);
      expect(summary(verify(rows))).toEqual(['chain_broken@6']);
    });

    it('checkpoint_invalid: a forged signature (another key, a flipped bit), an algorithm not allowed, not a checkpoint', () => {
      const eve = new KeyRing(suite.generateKey());
      const [h, p, s] = cp(20).split('.') as [string, string, string];
      const flipped = `${h}.${p}.${s[0] === 'A' ? 'B' : 'A'}${s.slice(1)}`;
      const report = verify(chain, [cp(10), signCheckpoint(eve, chain[19]!, T0), flipped, 'garbage', signJws({ seq: 20 }, ring.signer, { typ: 'wz-audit-checkpoint+jwt' })]);
      expect(summary(report)).toEqual(['checkpoint_invalid@-', 'checkpoint_invalid@-', 'checkpoint_invalid@-', 'checkpoint_invalid@-']);
      expect(report.findings.map((f) => [f.checkpoint, f.detail])).toEqual([
        [1, 'signature_mismatch'],
        [2, 'signature_mismatch'],
        [3, 'invalid_jws'],
        [4, 'invalid_jws'],
      ]);
      const otherAlg = alg === 'SM2' ? 'ES256' : 'SM2';
      expect(verifyAuditTrail(chain, [cp(20)], { ...opts, algorithms: [otherAlg] }).findings.map((f) => f.detail)).toEqual(['unsupported_algorithm']);
    });

    it('checkpoint_mismatch: a genuinely signed checkpoint whose head is not the chain hash at its seq', () => {
      const wrong = signCheckpoint(ring, { ...chain[9]!, hash: chain[8]!.hash }, T0);
      const report = verify(chain, [wrong, cp(20)]);
      expect(summary(report)).toEqual(['checkpoint_mismatch@10']);
      expect(report.findings[0]!.checkpoint).toBe(0);
    });

    it('tail entry altered with a recomputed hash: invisible to the chain, caught by the checkpoint', () => {
      const rows = copies(chain);
      rows[19]!['data'] = { n: 20, reason: 'none' };
      rehashOne(rows[19]!);
      expect(summary(verify(rows, [cp(10)]))).toEqual([]);
      expect(summary(verify(rows))).toEqual(['checkpoint_mismatch@20']);
    });

    it('a duplicate at the tail that only a checkpoint can tell apart: the checkpointed copy is kept', () => {
      const forged = nextEntry(chain[18], { at: T0 + 99, actor: 'system', action: 'identity.disclosed' }, suite);
      expect(verify([...chain, forged]).findings.map((f) => [f.code, f.seq, f.index])).toEqual([['entry_inserted', 20, 20]]);
      expect(verify([forged, ...chain]).findings.map((f) => [f.code, f.seq, f.index])).toEqual([['entry_inserted', 20, 0]]);
      const noCp = verify([...chain, forged], [cp(10)]).findings[0]!;
      expect([noCp.code, noCp.detail]).toEqual(['entry_inserted', 'duplicate seq; cannot tell which copy is genuine']);
    });

    it('entry_malformed: rows that are not entries are named; a row with readable links still links the chain', () => {
      const rows: unknown[] = copies(chain);
      rows[2] = { ...(rows[2] as object), action: 'rp.deleted' };
      rows[5] = { ...(rows[5] as object), hash: 'not-hex' };
      rows[8] = { ...(rows[8] as object), note: 'extra member not covered by the hash' };
      rows.push(null, 'x', { seq: 0 });
      const report = verify(rows);
      expect(summary(report)).toEqual(['entry_malformed@3', 'entry_malformed@6', 'entry_malformed@9', 'entry_malformed@-', 'entry_malformed@-', 'entry_malformed@-']);
      expect(report.findings.map((f) => f.detail).slice(0, 3)).toEqual(['unknown action', 'prev or hash is not 32 bytes of hex', 'unknown member']);
    });

    it('a forged huge seq is reported as one run, not enumerated', () => {
      const far = { ...chain[19]!, seq: Number.MAX_SAFE_INTEGER };
      expect(summary(verify([...chain.slice(0, 19), far]))).toEqual(['entry_removed@20-9007199254740990', 'entry_changed@9007199254740991']);
    });

    describe('pruned by retention: the oldest entries removed before a checkpointed entry', () => {
      it('entries 1–9 removed, a checkpoint names entry 10: ok, prunedBefore 10, every later check still made', () => {
        const kept = chain.filter((e) => e.seq >= 10);
        expect(verify(kept)).toEqual({ ok: true, checked: 11, findings: [], prunedBefore: 10 });
        const rows = copies(kept);
        rows[5]!['actor'] = 'operator:9'; // entry 15 altered after the pruning
        expect(summary(verify(rows))).toEqual(['entry_changed@15']);
        expect(summary(verify(kept.filter((e) => e.seq !== 13)))).toEqual(['entry_removed@13-13']);
      });

      it('no checkpoint at the first entry kept: the removed prefix is reported (entry_removed@1-8)', () => {
        expect(summary(verify(chain.filter((e) => e.seq >= 9)))).toEqual(['entry_removed@1-8']);
      });

      it('the first entry kept altered, or a forged first entry, is not vouched for: reported as removal and change', () => {
        const rows = copies(chain.filter((e) => e.seq >= 10));
        rows[0]!['data'] = { n: 10, reason: 'forged' };
        expect(summary(verify(rows))).toEqual(['entry_removed@1-9', 'entry_changed@10']);
        expect(verify(rows).prunedBefore).toBeUndefined();
        rehashOne(rows[0]!); // a forger recomputes its hash: the checkpoint at 10 no longer matches
        expect(summary(verify(rows))).toContain('checkpoint_mismatch@10');
        expect(verify(rows).prunedBefore).toBeUndefined();
      });

      it('a checkpoint whose signature does not verify vouches for nothing', () => {
        const other = fixture(name === 'gm' ? 'intl' : 'gm');
        const foreign = signCheckpoint(other.ring, chain[9]!, T0 + 100_010);
        expect(summary(verifyAuditTrail(chain.filter((e) => e.seq >= 10), [foreign, cp(20)], opts))).toEqual(['entry_removed@1-9', 'checkpoint_invalid@-']);
      });
    });
  });
}

describe('misuse of the verifier is a TypeError, never a silent pass', () => {
  const { suite, ring } = fixture('gm');
  it('algorithms are mandatory and non-empty; entries and checkpoints must be arrays', () => {
    expect(() => verifyAuditTrail([], [], { suite, keys: ring } as never)).toThrow(TypeError);
    expect(() => verifyAuditTrail([], [], { suite, keys: ring, algorithms: [] })).toThrow(TypeError);
    expect(() => verifyAuditTrail({} as never, [], { suite, keys: ring, algorithms: ['SM2'] })).toThrow(TypeError);
    expect(() => verifyAuditTrail([], [], { keys: [generateKey('SM2').publicKey], algorithms: ['SM2'] } as never)).toThrow(TypeError);
    expect(verifyAuditTrail([], [], { suite, keys: ring, algorithms: ['SM2'] })).toEqual({ ok: true, checked: 0, findings: [] });
  });
});
