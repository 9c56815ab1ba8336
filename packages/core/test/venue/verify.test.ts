// The offline venue check (docs/venue.md), both suites: a presentation verifies for each of the
// three disclosure choices and every device key algorithm; every check refuses with its own
// stable code — another QR, a tampered byte anywhere, an unknown or wrong key, an expired pass,
// a stale or future presentation (boundary pairs), another device, a revealed value that does
// not match, a revoked / suspended / unknown status, a replay; a stale status list is flagged;
// the QR code fits version ≤ 25 at level M for the largest choice (and reads back with jsQR);
// random garbage and truncations never throw.
import { describe, expect, it } from 'vitest';
import { generateKey } from '../../src/crypto/index.ts';
import {
  b64uEncode,
  base45Decode,
  base45Encode,
  createVenuePresentationBytes,
  issueVenuePass,
  MemoryReplayCache,
  VENUE_CHECK_CODES,
  VENUE_CHECK_MESSAGES_ZH,
  VENUE_CLOCK_SKEW_SECONDS,
  VENUE_MAX_AGE_SECONDS,
  venueQrText,
  verifyVenuePresentation,
  type VenueCheckResult,
  type VenueSuite,
} from '../../src/venue/index.ts';
import { nodeDigest, nodeVenueCrypto, nodeVenueSigner } from '../../src/venue/node.ts';
import { CHOICES, DAY, fixture, options, present, qrRoundTrip, qrVersion, reveal, T0, type Fixture } from './support.ts';

const SUITES: readonly VenueSuite[] = ['gm', 'intl'];

function codeOf(r: VenueCheckResult): string {
  return r.ok ? 'ok' : r.code;
}

describe.each(SUITES)('venue check, %s suite', (suite) => {
  it('verifies for each disclosure choice and reveals exactly what was chosen', async () => {
    const fx = await fixture(suite);
    const expected = [{}, { age_over_18: true }, { age_over_18: true, masked_name: '刘*' }];
    for (const [i, c] of CHOICES.entries()) {
      const r = await verifyVenuePresentation(await present(fx, reveal(fx, c)), options(fx));
      expect(r).toEqual({ ok: true, revealed: expected[i], passExpiresAt: T0 + DAY, presentedAt: T0 + 100, statusStale: false });
    }
  });

  it('every device key algorithm: SM2, ES256, EdDSA', async () => {
    for (const alg of ['SM2', 'ES256', 'EdDSA'] as const) {
      const fx = await fixture(suite, alg);
      expect(codeOf(await verifyVenuePresentation(await present(fx, reveal(fx, 'age+name')), options(fx))), alg).toBe('ok');
    }
  });

  it('a minor: age_over_18 false is revealed as false', async () => {
    const fx = await fixture(suite, undefined, { adult: false, maskedName: '欧阳**' });
    const r = await verifyVenuePresentation(await present(fx, reveal(fx, 'age+name')), options(fx));
    expect(r.ok && r.revealed).toEqual({ age_over_18: false, masked_name: '欧阳**' });
  });

  it('a changed byte anywhere — pass, time, nonce, mask, claims, signatures — is refused', async () => {
    const fx = await fixture(suite);
    const text = await present(fx, reveal(fx, 'age+name'));
    const bytes = base45Decode(text.slice(4))!;
    const codes = new Set<string>();
    for (let i = 0; i < bytes.length; i++) {
      for (const flip of [0x01, 0x80]) {
        const t = bytes.slice();
        t[i]! ^= flip;
        const r = await verifyVenuePresentation(venueQrText(t), options(fx));
        expect(r.ok, `byte ${i} ^ ${flip}`).toBe(false);
        codes.add(codeOf(r));
      }
    }
    // Each part is caught by its own check.
    for (const c of ['venue_unsupported_version', 'venue_malformed', 'venue_unknown_key', 'venue_pass_signature_invalid', 'venue_device_signature_invalid']) expect(codes).toContain(c);
  });

  it('the text: another QR code is venue_not_a_pass; a bad character or length venue_malformed; another version venue_unsupported_version', async () => {
    const fx = await fixture(suite);
    const text = await present(fx, reveal(fx, 'age'));
    for (const other of ['https://example.com/', 'HC1:6BFOXN%TS3DH0YOJ58S', '', 'wzv:' + text.slice(4), ' ' + text]) {
      expect(codeOf(await verifyVenuePresentation(other, options(fx)))).toBe('venue_not_a_pass');
    }
    expect(codeOf(await verifyVenuePresentation(undefined, options(fx)))).toBe('venue_not_a_pass');
    expect(codeOf(await verifyVenuePresentation(text + 'a', options(fx)))).toBe('venue_malformed');
    expect(codeOf(await verifyVenuePresentation(text.slice(0, -3), options(fx)))).toBe('venue_malformed');
    expect(codeOf(await verifyVenuePresentation(text + 'AAA', options(fx)))).toBe('venue_malformed');
    const b = base45Decode(text.slice(4))!;
    b[0] = 2;
    expect(codeOf(await verifyVenuePresentation(venueQrText(b), options(fx)))).toBe('venue_unsupported_version');
  });

  it('keys: a JWKS without the pass’s key → venue_unknown_key; a pass whose kid names a cached key but another key signed → venue_pass_signature_invalid', async () => {
    const fx = await fixture(suite);
    const text = await present(fx, reveal(fx, 'age'));
    const stranger = generateKey(suite === 'gm' ? 'SM2' : 'ES256');
    expect(codeOf(await verifyVenuePresentation(text, options(fx, undefined, { keys: [stranger.publicKey.toJwk()] })))).toBe('venue_unknown_key');
    expect(codeOf(await verifyVenuePresentation(text, options(fx, undefined, { keys: [] })))).toBe('venue_unknown_key');
    // The other suite's key of the same JWKS never verifies a pass of this suite (no algorithm confusion).
    const onlyOther = fx.keys.filter((k) => (k as { crv: string }).crv !== (suite === 'gm' ? 'SM2' : 'P-256'));
    expect(codeOf(await verifyVenuePresentation(text, options(fx, undefined, { keys: onlyOther })))).toBe('venue_unknown_key');
    // A forger names the real platform key (kid) but signs with their own.
    const forged = await issueVenuePass({
      signer: { ...nodeVenueSigner(stranger), publicJwk: fx.platform.publicKey.toJwk() },
      suite,
      digest: nodeDigest,
      issuedAt: T0,
      expiresAt: T0 + DAY,
      status: { list: 1, idx: 4711 },
      deviceJwk: fx.device.publicKey.toJwk(),
      claims: { age_over_18: true, masked_name: '刘*' },
    });
    const t2 = await present(fx, { age_over_18: forged.claims.age_over_18 }, T0 + 100, { pass: forged.pass });
    expect(codeOf(await verifyVenuePresentation(t2, options(fx)))).toBe('venue_pass_signature_invalid');
  });

  it('pass validity: expired at exp (+ skew); not yet valid before iat (− skew)', async () => {
    const fx = await fixture(suite);
    const at = (now: number) => present(fx, reveal(fx, 'result'), now);
    const skew = VENUE_CLOCK_SKEW_SECONDS;
    const last = T0 + DAY + skew - 1;
    expect(codeOf(await verifyVenuePresentation(await at(last), options(fx, last)))).toBe('ok');
    expect(codeOf(await verifyVenuePresentation(await at(last + 1), options(fx, last + 1)))).toBe('venue_pass_expired');
    expect(codeOf(await verifyVenuePresentation(await at(T0 + 3 * DAY), options(fx, T0 + 3 * DAY)))).toBe('venue_pass_expired');
    expect(codeOf(await verifyVenuePresentation(await at(T0 - skew), options(fx, T0 - skew)))).toBe('ok');
    expect(codeOf(await verifyVenuePresentation(await at(T0 - skew - 1), options(fx, T0 - skew - 1)))).toBe('venue_pass_not_yet_valid');
  });

  it('presentation time: at most 60 s (+ skew) old, at most skew ahead — boundary pairs', async () => {
    const fx = await fixture(suite);
    const text = await present(fx, reveal(fx, 'age'), T0 + 1000);
    const limit = VENUE_MAX_AGE_SECONDS + VENUE_CLOCK_SKEW_SECONDS;
    expect(codeOf(await verifyVenuePresentation(text, options(fx, T0 + 1000 + limit)))).toBe('ok');
    expect(codeOf(await verifyVenuePresentation(text, options(fx, T0 + 1000 + limit + 1)))).toBe('venue_stale');
    expect(codeOf(await verifyVenuePresentation(text, options(fx, T0 + 1000 - VENUE_CLOCK_SKEW_SECONDS)))).toBe('ok');
    expect(codeOf(await verifyVenuePresentation(text, options(fx, T0 + 1000 - VENUE_CLOCK_SKEW_SECONDS - 1)))).toBe('venue_presented_in_future');
    expect(codeOf(await verifyVenuePresentation(text, options(fx, T0 + 1000 + limit + 1, { clockSkewSeconds: 0 })))).toBe('venue_stale');
  });

  it('another device (a copied pass, the thief’s key) → venue_device_signature_invalid', async () => {
    const fx = await fixture(suite);
    const thief = generateKey('SM2');
    const text = await present(fx, reveal(fx, 'age+name'), T0 + 100, { device: thief });
    expect(codeOf(await verifyVenuePresentation(text, options(fx)))).toBe('venue_device_signature_invalid');
  });

  it('a revealed value that is not the one committed (signed by the right device) → venue_claim_mismatch', async () => {
    const fx = await fixture(suite, undefined, { adult: false });
    const c = fx.issued.claims;
    // The holder lies: claims to be an adult, or shows another masked name, with the real salts.
    for (const lie of [{ age_over_18: { salt: c.age_over_18.salt, value: true } }, { masked_name: { salt: c.masked_name.salt, value: '王*' } }, { masked_name: { salt: new Uint8Array(16), value: c.masked_name.value } }]) {
      expect(codeOf(await verifyVenuePresentation(await present(fx, lie), options(fx)))).toBe('venue_claim_mismatch');
    }
  });

  it('status: revoked, suspended (a ban), not cached → refused; a list older than its ttl is flagged', async () => {
    const fx = await fixture(suite);
    const text = await present(fx, reveal(fx, 'age'));
    const lookups: [string, number][] = [];
    for (const [status, code] of [['revoked', 'venue_revoked'], ['suspended', 'venue_suspended'], ['unknown', 'venue_status_unknown']] as const) {
      expect(codeOf(await verifyVenuePresentation(text, options(fx, undefined, { statusLookup: (l, i) => (lookups.push([l, i]), status) })))).toBe(code);
    }
    expect(lookups[0]).toEqual(['1', 4711]);
    expect(codeOf(await verifyVenuePresentation(text, options(fx, undefined, { statusLookup: () => ({ status: 'garbage' }) as never })))).toBe('venue_status_unknown');
    expect(codeOf(await verifyVenuePresentation(text, options(fx, undefined, { statusLookup: () => { throw new Error('db'); } })))).toBe('venue_status_unknown');
    const r = await verifyVenuePresentation(text, options(fx, undefined, { statusLookup: async () => ({ status: 'valid', stale: true }) }));
    expect(r.ok && r.statusStale).toBe(true);
  });

  it('replay: the same QR text twice → venue_replayed; a fresh nonce passes; a refused scan is not remembered', async () => {
    const fx = await fixture(suite);
    const now = T0 + 105;
    const seen = new MemoryReplayCache(() => now);
    const text = await present(fx, reveal(fx, 'age'));
    expect(codeOf(await verifyVenuePresentation(text, options(fx, now, { seen, status: 'suspended' })))).toBe('venue_suspended');
    expect(codeOf(await verifyVenuePresentation(text, options(fx, now, { seen })))).toBe('ok');
    expect(codeOf(await verifyVenuePresentation(text, options(fx, now, { seen })))).toBe('venue_replayed');
    expect(codeOf(await verifyVenuePresentation(await present(fx, reveal(fx, 'age')), options(fx, now, { seen })))).toBe('ok');
    // The same nonce with other claims is the same presentation as far as replay goes.
    const nonce = new Uint8Array(12).fill(7);
    expect(codeOf(await verifyVenuePresentation(await present(fx, {}, T0 + 100, { nonce }), options(fx, now, { seen })))).toBe('ok');
    expect(codeOf(await verifyVenuePresentation(await present(fx, reveal(fx, 'age'), T0 + 101, { nonce }), options(fx, now, { seen })))).toBe('venue_replayed');
    expect(seen.size).toBe(3);
  });

  it('ECDSA signature malleability does not beat the replay cache: (r, n − s) of the device signature is still the same presentation', async () => {
    const fx = await fixture(suite, 'ES256');
    const now = T0 + 105;
    const seen = new MemoryReplayCache(() => now);
    const bytes = base45Decode((await present(fx, reveal(fx, 'age'))).slice(4))!;
    expect(codeOf(await verifyVenuePresentation(venueQrText(bytes), options(fx, now, { seen })))).toBe('ok');
    const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
    const sOff = bytes.length - 32;
    const s = BigInt('0x' + Buffer.from(bytes.subarray(sOff)).toString('hex'));
    const flipped = bytes.slice();
    flipped.set(Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex'), sOff);
    const r = await verifyVenuePresentation(venueQrText(flipped), options(fx, now, { seen }));
    // node:crypto accepts high-s ECDSA signatures: the presentation is recognised as the one already seen.
    expect(codeOf(r)).toBe('venue_replayed');
  });

  it('QR code: alphanumeric mode, version ≤ 25 at level M for the largest choice (even a 96-byte masked name); a camera reads it back', async () => {
    const fx = await fixture(suite);
    const typical = await present(fx, reveal(fx, 'age+name'));
    expect(qrVersion(typical)).toBeLessThanOrEqual(25);
    expect(qrRoundTrip(typical)).toBe(typical);
    const longest = await fixture(suite, 'SM2', { maskedName: 'A'.repeat(93) + '…' });
    const worst = await present(longest, reveal(longest, 'age+name'));
    expect(base45Decode(worst.slice(4))!.length).toBe(368);
    expect(qrVersion(worst)).toBeLessThanOrEqual(25);
    expect(qrRoundTrip(worst)).toBe(worst);
    expect(codeOf(await verifyVenuePresentation(worst, options(longest)))).toBe('ok');
  });

  it('hostile input never throws: random bytes, random text, every truncation, garbage after the prefix', async () => {
    const fx = await fixture(suite);
    const text = await present(fx, reveal(fx, 'age+name'));
    const bytes = base45Decode(text.slice(4))!;
    const seen = new MemoryReplayCache(() => T0 + 105);
    const inputs: unknown[] = [null, 42, {}, [], 'WZV:', 'WZV:' + ':'.repeat(3000), 'WZV:\u0000\uffff'];
    for (let i = 0; i < bytes.length; i++) inputs.push(venueQrText(bytes.subarray(0, i)));
    for (let i = 0; i < text.length; i += 7) inputs.push(text.slice(0, i));
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 300; i++) {
      const n = Math.floor(rnd() * 400);
      const junk = new Uint8Array(n).map(() => Math.floor(rnd() * 256));
      // Valid version bytes in front sometimes, so decoding gets further.
      if (n > 2 && rnd() < 0.5) junk.set([1, 1], 0);
      if (n > 30 && rnd() < 0.5) junk.set(bytes.subarray(0, 28), 0);
      inputs.push(venueQrText(junk));
      inputs.push('WZV:' + Array.from({ length: n }, () => String.fromCharCode(Math.floor(rnd() * 0x3000))).join(''));
    }
    for (const input of inputs) {
      const r = await verifyVenuePresentation(input, { ...options(fx), seen });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(VENUE_CHECK_CODES).toContain(r.code);
    }
    // A port that throws is a failed check, not an exception.
    const broken = { verify: async () => { throw new Error('boom'); }, digest: nodeDigest };
    expect(codeOf(await verifyVenuePresentation(text, options(fx, undefined, { crypto: broken })))).toBe('venue_pass_signature_invalid');
    const noHash = { verify: nodeVenueCrypto.verify, digest: async () => { throw new Error('boom'); } };
    expect(codeOf(await verifyVenuePresentation(text, options(fx, undefined, { crypto: noHash })))).toBe('venue_check_failed');
  });

  it('options that are a programming error throw TypeError (milliseconds for seconds, no ports)', async () => {
    const fx = await fixture(suite);
    await expect(verifyVenuePresentation('WZV:', options(fx, Date.now()))).rejects.toThrow(TypeError);
    await expect(verifyVenuePresentation('WZV:', { ...options(fx), crypto: undefined as never })).rejects.toThrow(TypeError);
  });
});

describe('measured sizes (docs/venue.md)', () => {
  it('byte counts and QR versions for the three choices, both suites, base45 alphanumeric vs base64url byte mode', async () => {
    const rows: string[] = [];
    for (const suite of SUITES) {
      const fx: Fixture = await fixture(suite);
      for (const c of CHOICES) {
        const text = await present(fx, reveal(fx, c));
        const bytes = base45Decode(text.slice(4))!;
        const b64 = `wzv:${b64uEncode(bytes)}`;
        rows.push(`${suite} ${c}: ${bytes.length} bytes; base45 ${text.length} chars → v${qrVersion(text)}; base64url ${b64.length} chars → v${qrVersion(b64)}`);
        expect(qrVersion(text)).toBeLessThan(qrVersion(b64));
      }
    }
    expect(rows).toEqual([
      'gm result: 238 bytes; base45 361 chars → v11; base64url 322 chars → v13',
      'gm age: 255 bytes; base45 387 chars → v12; base64url 344 chars → v14',
      'gm age+name: 276 bytes; base45 418 chars → v12; base64url 372 chars → v15',
      'intl result: 238 bytes; base45 361 chars → v11; base64url 322 chars → v13',
      'intl age: 255 bytes; base45 387 chars → v12; base64url 344 chars → v14',
      'intl age+name: 276 bytes; base45 418 chars → v12; base64url 372 chars → v15',
    ]);
  });

  it('the checker’s messages exist in Chinese for every code', () => {
    for (const c of VENUE_CHECK_CODES) expect(VENUE_CHECK_MESSAGES_ZH[c]).toBeTruthy();
  });

  it('createVenuePresentationBytes refuses a wrong-size nonce or pass (programming errors)', async () => {
    const fx = await fixture('gm');
    const o = { signer: nodeVenueSigner(fx.device), digest: nodeDigest, presentedAt: T0 };
    await expect(createVenuePresentationBytes(fx.issued.pass, {}, { ...o, nonce: new Uint8Array(8) })).rejects.toThrow(TypeError);
    await expect(createVenuePresentationBytes(fx.issued.pass.subarray(1), {}, o)).rejects.toThrow(TypeError);
    expect(base45Encode(new Uint8Array(0))).toBe('');
  });
});
