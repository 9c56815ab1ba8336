// The venue pass, wallet side (docs/venue.md), against a stand-in platform that checks the
// request exactly as the real one does (bound nonce over method, path and body; a presentation
// disclosing exactly age_over_18 and name) and issues with @wangzheng/core/venue: the wallet
// gets a pass, refuses one that is not for its device or whose salts do not match, shows the
// three disclosure choices as QR text that the offline checker accepts, refuses to present with
// another key or after expiry, and knows when to fetch a new pass. The wallet's venue code is
// portable (no node:, no Buffer).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { issueCredential, verifyPresentation } from '@wangzheng/core/credential/index';
import { generateKey, type PrivateKey } from '@wangzheng/core/crypto/index';
import { WzError } from '@wangzheng/core/errors';
import { boundNonce } from '@wangzheng/core/person/request-digest';
import { issueVenuePass, MemoryReplayCache, venuePassGrant, verifyVenuePresentation, type VenuePassGrant } from '@wangzheng/core/venue/index';
import { nodeVenueCrypto, nodeVenueSigner } from '@wangzheng/core/venue/node';
import type { Holder, HolderDigest, HolderSigner } from '../../src/holder/ports.ts';
import { checkVenuePass, presentVenuePass, requestVenuePass, VENUE_PASS_PATH, venuePassNeedsRefresh, type VenuePlatform } from '../../src/venue/index.ts';
import { rejectionCode } from '../../../../test/support/errors.ts';

const ISSUER = 'https://wangzheng.example';
const NOW = Math.floor(Date.now() / 1000);

const digest: HolderDigest = async (alg, data) => new Uint8Array(createHash(alg === 'sm3' ? 'sm3' : 'sha256').update(data).digest());
function signerOf(key: PrivateKey): HolderSigner {
  return { alg: key.alg, publicJwk: key.publicKey.toJwk(), sign: async (d) => key.sign(d, 'raw') };
}

function credentialFor(platform: PrivateKey, device: PrivateKey, name = '刘德华', adult = true): string {
  return issueCredential({
    signer: platform,
    issuer: ISSUER,
    credentialId: 'urn:uuid:venue-test',
    netid: 'WANGZHENGE',
    expiresAt: NOW + 30 * 86_400,
    status: { idx: 99, uri: `${ISSUER}/status-lists/3` },
    cnf: device.publicKey.toJwk(),
    claims: { name, sex: 'M', birth_date: '1990-01-01', nationality: 'CHN', document_type: 'resident_id_card', document_number: '110105199001010000', age_over_14: true, age_over_16: true, age_over_18: adult, age_over_60: false },
  }).sdJwt;
}

/** A stand-in for the platform: nonce, then the bound request checked as person/auth.ts does, then a pass. */
function platformStub(platform: PrivateKey, tamper: (g: VenuePassGrant) => VenuePassGrant = (g) => g): VenuePlatform & { bodies: Record<string, unknown>[] } {
  const bodies: Record<string, unknown>[] = [];
  let n = 0;
  return {
    bodies,
    async get<T>(path: string): Promise<T> {
      expect(path).toBe('/v1/me/nonce');
      return { nonce: `nonce-${++n}`, expiresAt: '' } as T;
    },
    async post<T>(path: string, body: unknown): Promise<T> {
      expect(path).toBe(VENUE_PASS_PATH);
      const b = body as Record<string, unknown>;
      bodies.push(b);
      const v = verifyPresentation(b['presentation'] as string, {
        keys: [platform.publicKey],
        algorithms: [platform.alg],
        holderAlgorithms: ['SM2', 'ES256', 'EdDSA'],
        issuer: ISSUER,
        audience: ISSUER,
        nonce: boundNonce(String(b['nonce']), { method: 'POST', path, body: b }),
        now: NOW,
      });
      expect(Object.keys(v.disclosed).sort()).toEqual(['age_over_18', 'name']);
      const issued = await issueVenuePass({
        signer: nodeVenueSigner(platform),
        suite: platform.alg === 'SM2' ? 'gm' : 'intl',
        digest,
        issuedAt: NOW,
        expiresAt: NOW + 86_400,
        status: { list: 3, idx: 99 },
        deviceJwk: v.holderJwk,
        claims: { age_over_18: v.disclosed['age_over_18'] as boolean, masked_name: `${String(v.disclosed['name'])[0]}**` },
      });
      return tamper(venuePassGrant(issued, NOW, NOW + 86_400)) as T;
    },
  };
}

describe.each([
  ['gm', 'SM2', 'SM2'],
  ['gm', 'SM2', 'EdDSA'],
  ['intl', 'ES256', 'ES256'],
] as const)('venue pass in the wallet: %s platform, %s… device %s', (_suite, platformAlg, deviceAlg) => {
  const platform = generateKey(platformAlg);
  const device = generateKey(deviceAlg);
  const holder: Holder = { credential: credentialFor(platform, device), signer: signerOf(device), digest };

  it('requests a pass with a bound request disclosing exactly age_over_18 and name; presents the three choices; the checker accepts each', async () => {
    const stub = platformStub(platform);
    const grant = await requestVenuePass(stub, holder);
    expect(Object.keys(stub.bodies[0]!).sort()).toEqual(['nonce', 'presentation']);
    expect(grant.claims.age_over_18.value).toBe(true);
    expect(grant.claims.masked_name.value).toBe('刘**');
    const keys = [platform.publicKey.toJwk()];
    const seen = new MemoryReplayCache(() => NOW + 5);
    for (const [reveal, expected] of [
      [[], {}],
      [['age_over_18'], { age_over_18: true }],
      [['age_over_18', 'masked_name'], { age_over_18: true, masked_name: '刘**' }],
      [['masked_name'], { masked_name: '刘**' }],
    ] as const) {
      const text = await presentVenuePass(grant, { reveal, signer: holder.signer, digest, now: NOW + 1 });
      expect(text.startsWith('WZV:')).toBe(true);
      const r = await verifyVenuePresentation(text, { now: NOW + 5, keys, statusLookup: (l, i) => (l === '3' && i === 99 ? 'valid' : 'unknown'), seen, crypto: nodeVenueCrypto });
      expect(r).toEqual({ ok: true, revealed: expected, passExpiresAt: NOW + 86_400, presentedAt: NOW + 1, statusStale: false });
    }
  });

  it('refuses a pass that is not for this device, or whose salts and values do not match its digests; nothing is kept', async () => {
    const otherDevice = generateKey(deviceAlg);
    const forOther = platformStub(platform);
    const otherGrant = await requestVenuePass(forOther, { ...holder, credential: credentialFor(platform, otherDevice), signer: signerOf(otherDevice) });
    expect(await rejectionCode(checkVenuePass(otherGrant, holder.signer, digest))).toBe('invalid_credential');
    expect(await rejectionCode(requestVenuePass(platformStub(platform, () => otherGrant), holder))).toBe('invalid_credential');
    const swapSalt = (g: VenuePassGrant): VenuePassGrant => ({ ...g, claims: { ...g.claims, age_over_18: { ...g.claims.age_over_18, salt: g.claims.masked_name.salt } } });
    expect(await rejectionCode(requestVenuePass(platformStub(platform, swapSalt), holder))).toBe('invalid_credential');
    const lie = (g: VenuePassGrant): VenuePassGrant => ({ ...g, claims: { ...g.claims, masked_name: { ...g.claims.masked_name, value: '王**' } } });
    expect(await rejectionCode(requestVenuePass(platformStub(platform, lie), holder))).toBe('invalid_credential');
    expect(await rejectionCode(requestVenuePass(platformStub(platform, (g) => ({ ...g, pass: g.pass.slice(0, 40) })), holder))).toBe('invalid_credential');
  });

  it('presents only with the pass’s own device key and before it expires; a fresh pass is due at half its life', async () => {
    const grant = await requestVenuePass(platformStub(platform), holder);
    const other = generateKey(deviceAlg);
    expect(await rejectionCode(presentVenuePass(grant, { reveal: [], signer: signerOf(other), digest, now: NOW }))).toBe('invalid_credential');
    expect(await rejectionCode(presentVenuePass(grant, { reveal: [], signer: holder.signer, digest, now: NOW + 86_400 }))).toBe('credential_expired');
    await expect(presentVenuePass(grant, { reveal: ['name' as never], signer: holder.signer, digest, now: NOW })).rejects.toThrow(TypeError);
    await expect(presentVenuePass(grant, { reveal: [], signer: holder.signer, digest, now: Date.now() })).rejects.toThrow(TypeError);
    expect(venuePassNeedsRefresh(grant, NOW + 43_199)).toBe(false);
    expect(venuePassNeedsRefresh(grant, NOW + 43_200)).toBe(true);
    expect(venuePassNeedsRefresh({ ...grant, pass: 'x' }, NOW)).toBe(true);
    // Each QR text differs (fresh nonce), every 30 s or not.
    const a = await presentVenuePass(grant, { reveal: [], signer: holder.signer, digest, now: NOW });
    const b = await presentVenuePass(grant, { reveal: [], signer: holder.signer, digest, now: NOW });
    expect(a).not.toBe(b);
  });
});

it('a 网证 without the claims a pass needs: the wallet says so before asking', async () => {
  const platform = generateKey('SM2');
  const device = generateKey('SM2');
  const full = credentialFor(platform, device);
  // Drop the `name` disclosure from the stored 网证.
  const parts = full.split('~');
  const withoutName = parts.filter((d) => !(d.length > 0 && Buffer.from(d, 'base64url').toString('utf8').includes('"name"'))).join('~');
  const e = await requestVenuePass(platformStub(platform), { credential: withoutName, signer: signerOf(device), digest }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(WzError);
  expect((e as WzError).code).toBe('invalid_request');
});

it('the wallet’s venue code is portable: no node: import, no Buffer', () => {
  const dir = join(import.meta.dirname, '../../src/venue');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
    const src = readFileSync(join(dir, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    expect(src, f).not.toMatch(/from\s+['"]node:|require\(|\bBuffer\b|process\./);
    for (const m of src.matchAll(/from\s+'([^']+)'/g)) {
      expect(['@wangzheng/core/errors', '@wangzheng/core/person/request-binding', '@wangzheng/core/person/views', '@wangzheng/core/venue/index', '../holder/credential.ts', '../holder/encoding.ts', '../holder/ports.ts', './pass.ts']).toContain(m[1]);
    }
  }
});
