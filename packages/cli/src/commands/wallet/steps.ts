/**
 * The step lines of `wallet enroll`: one line per finished step, numbered, with what the
 * platform answered that a person may see (the face similarity, the masked phone number,
 * the device key id) — never the code, the token or anything about the person.
 */
import type { EnrollStep } from '@wangzheng/wallet/enroll/enroll';
import type { Ctx } from './context.ts';
import type { ObservedClient } from './holder.ts';

/** One line per finished step: `[3/7] face: liveness challenge and face capture … ok (similarity 0.93)`. */
export function stepPrinter(ctx: Ctx, client: ObservedClient, guardianLed: boolean, deviceKid: () => string): { onStep: (s: EnrollStep, d?: string) => void; fail: () => void } {
  const numbered: EnrollStep[] = [...(guardianLed ? (['guardian'] as const) : []), 'chip', 'face', 'phone', 'phone_code', 'consent', 'passphrase', 'device'];
  const labels: Partial<Record<EnrollStep, string>> = {
    guardian: 'presenting the guardian’s own 网证',
    phone_code: 'entering the one-time code from the SMS',
    consent: 'notice and consents',
    passphrase: 'setting the passphrase',
  };
  let current: { step: EnrollStep; label: string } | undefined;
  const extra = (step: EnrollStep): string => {
    const last = client.last as Record<string, unknown> | undefined;
    if (step === 'face' && typeof last?.similarity === 'number') return ` (similarity ${last.similarity.toFixed(2)})`;
    if (step === 'phone' && typeof last?.sentTo === 'string') return ` (code sent to ${last.sentTo})`;
    if (step === 'device') return ` (device key ${deviceKid()})`;
    return '';
  };
  const line = (outcome: string): void => {
    if (!current) return;
    const n = numbered.indexOf(current.step);
    ctx.io.out(`[${n + 1}/${numbered.length}] ${current.step}: ${current.label} … ${outcome}`);
    current = undefined;
  };
  return {
    onStep(step, detail) {
      if (current) line(`ok${extra(current.step)}`);
      if (numbered.includes(step)) current = { step, label: labels[step] ?? detail ?? step };
    },
    fail: () => line('failed'),
  };
}
