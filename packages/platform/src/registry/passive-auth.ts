/**
 * The platform's own passive authentication of chip data (see core/documents/passive-auth.ts
 * for the steps). The trust anchors are configuration: pinned root keys. `loadTrustAnchors`
 * fetches the registry's published roots and keeps only those whose RFC 7638 thumbprint is
 * pinned — trust on first use is available for development, loudly.
 */
import { WzError } from '@wangzheng/core/errors';
import type { TrustAnchor } from '@wangzheng/core/documents/chip';
import { createPassiveAuthenticator, type PassiveAuthenticator, type PassiveAuthResult } from '@wangzheng/core/documents/passive-auth';
import { jwkThumbprint } from '@wangzheng/core/crypto/index';
import type { Registry } from './registry.ts';

export type { PassiveAuthenticator, PassiveAuthResult, TrustAnchor };

export function createPlatformPassiveAuth(opts: { trustAnchors: readonly TrustAnchor[]; now?: () => Date }): PassiveAuthenticator {
  return createPassiveAuthenticator(opts);
}

/**
 * The registry's roots, filtered by `pinnedKids` (thumbprints). With `pinnedKids` empty or
 * absent, every published root is accepted (development only: `onUnpinned` is called so the
 * caller can log a warning). A published root whose key does not match its kid is dropped.
 */
export async function loadTrustAnchors(
  registry: Pick<Registry, 'issuerKeys'>,
  opts: { pinnedKids?: readonly string[]; onUnpinned?: (kids: string[]) => void } = {},
): Promise<TrustAnchor[]> {
  const { roots } = await registry.issuerKeys();
  const honest = roots.filter((r) => jwkThumbprint(r.jwk) === r.kid);
  const pins = opts.pinnedKids ?? [];
  if (pins.length === 0) {
    opts.onUnpinned?.(honest.map((r) => r.kid));
    if (honest.length === 0) throw new WzError('invalid_configuration', 'the registry published no usable trust anchor');
    return honest;
  }
  const pinned = honest.filter((r) => pins.includes(r.kid));
  if (pinned.length === 0) throw new WzError('invalid_configuration', 'none of the pinned registry trust anchors is published by the registry');
  return pinned;
}
