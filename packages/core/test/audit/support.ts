// Shared fixtures for the audit tests: a chain builder per suite, a one-line view of a report,
// and the OpenSSL check of a compact SM2 JWS (as test/crypto/openssl-interop.test.ts does it).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nextEntry, subjectRef, AUDIT_ACTIONS, type AuditEntry, type AuditReport } from '@wangzheng/core/audit/index';
import { KeyRing, fromB64u, getSuite, rawToDer, type CryptoSuite, type PublicKey, type SigAlg, type SuiteName } from '@wangzheng/core/crypto/index';

export const T0 = Date.UTC(2026, 0, 1);

export interface SuiteFixture {
  name: SuiteName;
  suite: CryptoSuite;
  ring: KeyRing;
  alg: SigAlg;
}

export function fixture(name: SuiteName): SuiteFixture {
  const suite = getSuite(name);
  return { name, suite, ring: new KeyRing(suite.generateKey()), alg: suite.sigAlg };
}

/** `n` well-formed entries with varied actions, actors, subjects and data. */
export function buildChain(n: number, suite: CryptoSuite): AuditEntry[] {
  const out: AuditEntry[] = [];
  const dek = new Uint8Array(16);
  for (let i = 1; i <= n; i++) {
    dek[0] = i & 0xff;
    dek[1] = i >> 8;
    const subject = i % 3 === 0 ? undefined : i % 3 === 1 ? subjectRef(dek) : `rp-${i}`;
    out.push(
      nextEntry(
        out.at(-1),
        {
          at: T0 + i * 1000,
          actor: i % 2 === 0 ? 'system' : `operator:${i % 5}`,
          action: AUDIT_ACTIONS[i % AUDIT_ACTIONS.length]!,
          ...(subject === undefined ? {} : { subject }),
          data: { n: i, reason: 'fraud_report', scopes: ['age_over_18'] },
        },
        suite,
      ),
    );
  }
  return out;
}

/** `code@seq` or `code@from-through` per finding, in report order. */
export function summary(r: AuditReport): string[] {
  return r.findings.map((f) => `${f.code}@${f.seq ?? '-'}${f.through === undefined ? '' : `-${f.through}`}`);
}

/** Mutable copies, for tampering. */
export function copies(chain: readonly AuditEntry[]): Record<string, unknown>[] {
  return chain.map((e) => ({ ...e }) as Record<string, unknown>);
}

/**
 * Whether `openssl dgst -sm3 -verify -sigopt distid:1234567812345678` accepts the SM2 signature
 * of a compact JWS (signing input `header.payload`, raw r‖s converted to DER).
 */
export function opensslVerifiesSm2Jws(token: string, key: PublicKey): boolean {
  const dir = mkdtempSync(path.join(tmpdir(), 'wz-audit-ossl-'));
  try {
    const [h, p, s] = token.split('.') as [string, string, string];
    const f = (name: string) => path.join(dir, name);
    writeFileSync(f('pub.pem'), key.toPem());
    writeFileSync(f('input'), `${h}.${p}`);
    writeFileSync(f('sig.der'), rawToDer(fromB64u(s)!));
    const r = spawnSync('openssl', ['dgst', '-sm3', '-verify', f('pub.pem'), '-sigopt', 'distid:1234567812345678', '-signature', f('sig.der'), f('input')], { encoding: 'utf8' });
    return r.status === 0 && /Verified OK/.test(r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
