/**
 * Sending one-time codes by SMS. The platform depends on `SmsSender` only; an operator
 * plugs in their carrier's gateway. Two senders ship:
 *
 * - `OutboxSmsSender` (development): appends each message as one JSON line to a local file
 *   (mode 0600) that stands in for the person's phone; the CLI wallet and the tests read the
 *   code back with `readOutbox`. The file holds phone numbers and codes in clear — it is the
 *   simulated phone, not the platform's store — so production refuses it (config.ts).
 * - `MemorySmsSender` (tests).
 *
 * The platform's log never sees the number or the code: callers log a message id at most.
 */
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { latestOutboxMessage, outboxLine, type SmsMessage } from '@wangzheng/core/contact/sms-outbox';
import { WzError } from '@wangzheng/core/errors';

export type { SmsMessage } from '@wangzheng/core/contact/sms-outbox';

export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
}

export class OutboxSmsSender implements SmsSender {
  constructor(readonly file: string) {}

  async send(message: SmsMessage): Promise<void> {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const fresh = !existsSync(this.file);
    appendFileSync(this.file, outboxLine(message), { mode: 0o600 });
    if (fresh) chmodSync(this.file, 0o600);
  }
}

/** No SMS gateway: every send fails, so enrollment stops at the phone step with a clear code. */
export class DisabledSmsSender implements SmsSender {
  async send(): Promise<void> {
    throw new WzError('sms_unavailable', 'Text messages cannot be sent by this deployment; enrollment is unavailable.');
  }
}

export class MemorySmsSender implements SmsSender {
  readonly sent: SmsMessage[] = [];
  async send(message: SmsMessage): Promise<void> {
    this.sent.push(message);
  }
  /** The newest code sent to `to`. */
  lastCode(to: string): string | undefined {
    return this.sent.filter((m) => m.to === to).at(-1)?.code;
  }
}

/** The newest message in an outbox file for `to` (canonical number), if any. */
export function readOutbox(file: string, to: string): SmsMessage | undefined {
  return existsSync(file) ? latestOutboxMessage(readFileSync(file, 'utf8'), to) : undefined;
}
