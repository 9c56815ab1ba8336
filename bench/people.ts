/**
 * The benchmarks' people: the registry simulator's sample adults, enrolled through the platform
 * with the wallet library exactly as a phone would (chip read, face, SMS code from the
 * development outbox, passphrase, device key), each with a fresh device key of `alg`.
 */
import { join } from 'node:path';
import { generateKey, type PrivateKey, type SigAlg } from '@wangzheng/core/crypto/index';
import { PlatformClient } from '@wangzheng/wallet/enroll/client';
import { enroll, type Issued } from '@wangzheng/wallet/enroll/enroll';
import { readOutboxCode } from '@wangzheng/wallet/enroll/simulator';
import { keySigner, nodeDigest } from '@wangzheng/wallet/holder/node';

export interface Enrolled {
  readonly issued: Issued;
  readonly key: PrivateKey;
}

/** The simulator's sample labels that are adults with a document the platform accepts. */
const ADULT_LABELS = ['adult', 'hk_macau_resident', 'taiwan_resident', 'foreigner', 'citizen_abroad', 'two_document_types'];

/**
 * Enrolls up to `count` sample adults (phones `<phonePrefix>10000000`, `…01`, …) and returns those
 * issued, with what the others answered. `dataDir` is the platform's: its SMS outbox is read.
 */
export async function enrollSamples(o: { platformUrl: string; registryUrl: string; dataDir: string; count: number; alg: SigAlg; phonePrefix: string }): Promise<{ people: Enrolled[]; refused: string[] }> {
  const platform = new PlatformClient(o.platformUrl);
  const sim = new PlatformClient(o.registryUrl);
  const samples = (await sim.get<{ samples: { label: string; documentType: string; documentNumber: string }[] }>('/sim/samples')).samples;
  const people: Enrolled[] = [];
  const refused: string[] = [];
  for (const [i, p] of samples.filter((s) => ADULT_LABELS.includes(s.label)).slice(0, o.count).entries()) {
    const key = generateKey(o.alg);
    const r = await enroll({
      platform,
      hardware: {
        readChip: async () => (await sim.post<{ chip: unknown }>('/sim/nfc/read', { documentType: p.documentType, documentNumber: p.documentNumber })).chip,
        captureFace: async (nonce) => (await sim.post<{ probe: number[] }>('/sim/camera', { documentType: p.documentType, documentNumber: p.documentNumber, subject: 'self', nonce })).probe,
        readSmsCode: (to) => readOutboxCode(join(o.dataDir, 'sms-outbox.jsonl'), to),
      },
      documentType: p.documentType,
      phone: `${o.phonePrefix}${String(10_000_000 + i)}`,
      passphrase: '48273915',
      signer: keySigner(key),
      digest: nodeDigest,
    });
    if (r.status === 'issued') people.push({ issued: r, key });
    else refused.push(`${p.label}: ${r.status}`);
  }
  return { people, refused };
}
