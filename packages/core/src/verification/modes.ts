/**
 * The four authentication modes (认证模式) and their OpenID Connect `acr` values. A mode is a
 * set of factors on top of possessing the 网证 (device-bound key): the passphrase (口令,
 * checked by the platform against its Argon2id hash) and a live face (liveness + 1:1 match
 * through the registry). A mode satisfies a request when it has every factor the request asks
 * for — an RP never gets a weaker mode than it asked for.
 */
import { WzError } from '../errors.ts';

export const MODES = ['wz', 'wz_pass', 'wz_face', 'wz_pass_face'] as const;
export type Mode = (typeof MODES)[number];

export const ACR_PREFIX = 'urn:wangzheng:acr:';

/** `urn:wangzheng:acr:wz` 网证 · `…:wz+pass` 网证+口令 · `…:wz+face` 网证+人脸 · `…:wz+pass+face` 网证+口令+人脸 */
export const ACR_VALUES: Readonly<Record<Mode, string>> = {
  wz: `${ACR_PREFIX}wz`,
  wz_pass: `${ACR_PREFIX}wz+pass`,
  wz_face: `${ACR_PREFIX}wz+face`,
  wz_pass_face: `${ACR_PREFIX}wz+pass+face`,
};

export const MODE_NAMES: Readonly<Record<Mode, { zh: string; en: string }>> = {
  wz: { zh: '网证', en: 'credential' },
  wz_pass: { zh: '网证+口令', en: 'credential + passphrase' },
  wz_face: { zh: '网证+人脸', en: 'credential + face' },
  wz_pass_face: { zh: '网证+口令+人脸', en: 'credential + passphrase + face' },
};

export function modeFactors(mode: Mode): { passphrase: boolean; face: boolean } {
  return { passphrase: mode === 'wz_pass' || mode === 'wz_pass_face', face: mode === 'wz_face' || mode === 'wz_pass_face' };
}

export function isMode(s: unknown): s is Mode {
  return typeof s === 'string' && (MODES as readonly string[]).includes(s);
}

export function parseMode(s: unknown): Mode {
  if (!isMode(s)) throw new WzError('invalid_request', `mode must be one of ${MODES.join(', ')}.`);
  return s;
}

export function modeFromAcr(acr: string): Mode | undefined {
  return MODES.find((m) => ACR_VALUES[m] === acr);
}

/** Does `done` give at least the factors `asked` requires? */
export function satisfies(done: Mode, asked: Mode): boolean {
  const d = modeFactors(done);
  const a = modeFactors(asked);
  return (d.passphrase || !a.passphrase) && (d.face || !a.face);
}

/**
 * The mode to run for an OIDC `acr_values` list (space-separated, in order of preference):
 * the first value we know. None known → `invalid_request` (the flow fails rather than
 * silently running a weaker mode).
 */
export function modeForAcrValues(acrValues: string | undefined, fallback: Mode = 'wz'): Mode {
  if (acrValues === undefined || acrValues.trim() === '') return fallback;
  for (const v of acrValues.trim().split(/\s+/)) {
    const m = modeFromAcr(v);
    if (m) return m;
  }
  throw new WzError('invalid_request', 'None of the requested acr_values is supported.');
}
