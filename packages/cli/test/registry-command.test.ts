import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { progressBar, registryCommand } from '../src/commands/registry.ts';

const dir = mkdtempSync(join(tmpdir(), 'wz-registry-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(): { out: string[]; err: string[]; io: { out: (s: string) => void; err: (s: string) => void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s) => out.push(s), err: (s) => err.push(s) } };
}

describe('wangzheng registry (CLI)', () => {
  it('generate writes a population; samples lists documents to enroll with; an existing db needs --force', async () => {
    const db = join(dir, 'r.db');
    const a = io();
    expect(await registryCommand(['generate', '--count', '800', '--seed', 'cli', '--db', db], a.io)).toBe(0);
    expect(a.out.join('\n')).toMatch(/^generated 800 people, [\d,]+ documents, [\d,]+ guardianships \(seed 'cli'\)/);
    expect(a.err.join('\n')).toContain('building indexes');

    const b = io();
    expect(await registryCommand(['samples', '--db', db], b.io)).toBe(0);
    const text = b.out.join('\n');
    for (const label of ['adult', 'minor_under_14', 'expired_document', 'lost_document', 'two_document_types']) expect(text).toContain(label);
    const j = io();
    expect(await registryCommand(['samples', '--db', db, '--json'], j.io)).toBe(0);
    const adult = (JSON.parse(j.out.join('\n')) as { label: string; documentType: string; documentNumber: string }[]).find((s) => s.label === 'adult');
    expect(adult?.documentType).toBe('resident_id_card');
    expect(text).toContain(adult!.documentNumber);

    const c = io();
    expect(await registryCommand(['generate', '--count', '10', '--db', db], c.io)).toBe(2);
    expect(c.err.join('\n')).toContain('--force');
    expect(await registryCommand(['generate', '--count', '10', '--db', db, '--force'], io().io)).toBe(0);
  });

  it('usage errors exit 2; --count must be a non-negative integer', async () => {
    expect(await registryCommand([], io().io)).toBe(2);
    expect(await registryCommand(['frobnicate'], io().io)).toBe(2);
    await expect(registryCommand(['generate', '--count', '-5', '--db', join(dir, 'x.db')], io().io)).rejects.toThrow(TypeError);
    expect(await registryCommand(['samples', '--db', join(dir, 'missing.db')], io().io)).toBe(2);
  });

  it('progress bar: percentage, rate and ETA, redrawn in place on a terminal', () => {
    const writes: string[] = [];
    const bar = progressBar(io().io, { isTTY: true, write: (s: string) => writes.push(s) });
    bar.update({ phase: 'people', done: 2_500_000, total: 10_000_000, elapsedMs: 30_000 });
    bar.end();
    expect(writes[0]).toMatch(/^\r\x1b\[2K\[█{6}░{18}\]  25\.0%  2,500,000\/10,000,000 people  83,333\/s  ETA 1m30s$/);
    expect(writes.at(-1)).toBe('\n');
  });
});
