/**
 * The wallet's own error codes: failures of the keystore on the person's device, which no
 * server ever answers with (the platform's codes are `ERROR_CODES` in core/errors.ts). Same
 * base class and shape as the platform's errors, so a shell prints both alike.
 */
import { CodedError, type ErrorOptions } from '@wangzheng/core/errors';

export const WALLET_ERROR_CODES = {
  /** The passphrase does not open this keystore. */
  wrong_passphrase: 401,
  /** The keystore file does not parse, or fails its integrity check. */
  keystore_corrupt: 400,
  /** A keystore is already there; nothing was replaced. */
  keystore_exists: 409,
  /** No keystore was found. */
  keystore_missing: 404,
  /** Re-enrolling would revoke the 网证 on the person's other device, and they chose not to; nothing was issued. */
  replacement_declined: 409,
} as const;

export type WalletErrorCode = keyof typeof WALLET_ERROR_CODES;

export class WalletError extends CodedError<WalletErrorCode> {
  constructor(code: WalletErrorCode, message: string, opts: ErrorOptions = {}) {
    super(code, WALLET_ERROR_CODES[code], message, opts);
    this.name = 'WalletError';
  }
}

export function isWalletError(e: unknown, code?: WalletErrorCode): e is WalletError {
  return e instanceof WalletError && (code === undefined || e.code === code);
}
