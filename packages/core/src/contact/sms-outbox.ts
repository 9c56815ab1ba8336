/**
 * The development SMS outbox: a file of JSON lines, one per message, that stands in for the
 * person's phone. The platform's `OutboxSmsSender` appends to it; a simulated phone (the CLI
 * wallet, tests, benchmarks) reads the newest code back. This module is the format both sides
 * agree on — parsing only, no file I/O. The file holds numbers and codes in clear: it is the
 * simulated phone, never the platform's store, and production refuses it.
 */

export interface SmsMessage {
  /** Canonical 11-digit mainland mobile number. */
  readonly to: string;
  readonly text: string;
  /** The one-time code, separately, so a simulated phone can read it without parsing text. */
  readonly code: string;
  readonly purpose: 'enrollment' | 'phone_change';
  readonly sentAt: number;
}

/** One outbox line for `message`. */
export function outboxLine(message: SmsMessage): string {
  return `${JSON.stringify(message)}\n`;
}

/** The newest message for `to` (canonical number) in an outbox file's text, if any. */
export function latestOutboxMessage(text: string, to: string): SmsMessage | undefined {
  let last: SmsMessage | undefined;
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const m = JSON.parse(line) as SmsMessage;
      if (m.to === to) last = m;
    } catch {
      // a torn last line from a concurrent append: skip it
    }
  }
  return last;
}
