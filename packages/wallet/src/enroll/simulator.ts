/**
 * Stand-ins for the phone's hardware, for development and tests: the NFC reader and camera
 * are the registry simulator's /sim endpoints, the SMS inbox is the development outbox file
 * (format in core/contact/sms-outbox.ts). A real wallet app replaces these three functions and nothing else.
 */
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { latestOutboxMessage } from '@wangzheng/core/contact/sms-outbox';
import { WzError } from '@wangzheng/core/errors';
import { PlatformClient } from './client.ts';
import type { DeviceHardware } from './hardware.ts';

export type { DeviceHardware };

export function simulatedHardware(opts: {
  registryUrl: string;
  documentType: string;
  documentNumber: string;
  /** `other`: the camera sees someone else (a face mismatch). */
  faceOf?: 'self' | 'other';
  outboxFile: string;
}): DeviceHardware {
  const sim = new PlatformClient(opts.registryUrl);
  return {
    async readChip() {
      const r = await sim.post<{ chip: unknown }>('/sim/nfc/read', { documentType: opts.documentType, documentNumber: opts.documentNumber });
      return r.chip;
    },
    async captureFace(nonce) {
      const r = await sim.post<{ probe: number[] }>('/sim/camera', {
        documentType: opts.documentType,
        documentNumber: opts.documentNumber,
        subject: opts.faceOf ?? 'self',
        nonce,
      });
      return r.probe;
    },
    readSmsCode: (phone) => readOutboxCode(opts.outboxFile, phone),
  };
}

/** The newest code in the development outbox for `phone`, waiting briefly for it to appear. */
export async function readOutboxCode(file: string, phone: string, timeoutMs = 5_000): Promise<string> {
  const canonical = phone.replace(/[\s-]/g, '').replace(/^(\+86|0086)/, '');
  const until = Date.now() + timeoutMs;
  for (;;) {
    const m = existsSync(file) ? latestOutboxMessage(readFileSync(file, 'utf8'), canonical) : undefined;
    if (m) return m.code;
    if (Date.now() > until) throw new WzError('otp_expired', `no SMS code arrived in ${file}`);
    await sleep(50);
  }
}
