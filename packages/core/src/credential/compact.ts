/**
 * Splitting a compact SD-JWT (`issuerJwt~d1~…~dn~kb`) into its parts, without verifying
 * anything. Portable (no Node built-ins): the platform, the CLI wallet and the web wallet use it.
 */
import { WzError } from '../errors.ts';

function invalid(detail: string): WzError {
  return new WzError('invalid_credential', 'The credential is malformed or not acceptable.', { detail });
}

/** Longest compact SD-JWT (or presentation) we parse, in characters. */
export const MAX_COMPACT_LENGTH = 64 * 1024;

/** The three parts of a compact SD-JWT: `issuerJwt~d1~…~dn~kb` (`kb` is '' when absent). Untrusted. */
export interface CompactParts {
  issuerJwt: string;
  disclosures: string[];
  kbJwt: string;
  /** Everything up to and including the last `~` (the `sd_hash` input). */
  withoutKb: string;
}

export function splitCompact(compact: string): CompactParts {
  if (typeof compact !== 'string' || compact.length === 0) throw invalid('not a string');
  if (compact.length > MAX_COMPACT_LENGTH) throw invalid('too long');
  const parts = compact.split('~');
  if (parts.length < 2) throw invalid('no ~ separator');
  const issuerJwt = parts[0]!;
  const kbJwt = parts[parts.length - 1]!;
  const disclosures = parts.slice(1, -1);
  if (disclosures.some((d) => d.length === 0)) throw invalid('empty disclosure');
  return { issuerJwt, disclosures, kbJwt, withoutKb: compact.slice(0, compact.length - kbJwt.length) };
}
