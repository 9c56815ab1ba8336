// RFC 8935 §4 / SSF 1.0 §9: a receiver's push URL must not turn the transmitter into a proxy
// into its own network. Boundary pairs around each special-purpose range; the connect-time
// lookup guard (DNS rebinding); and a guarded push never reaches a loopback receiver.
import { lookup } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedLookup, isPublicAddress, pushHostProblem, pushSet } from '../../src/signals/index.ts';
import { startReceiver, type Receiver } from './harness.ts';

describe('SSRF guard: which addresses a push may reach in production', () => {
  it('IPv4 boundary pairs: just outside each private or reserved range is public', () => {
    const pairs: [string, boolean][] = [
      ['9.255.255.255', true], ['10.0.0.0', false], ['10.255.255.255', false], ['11.0.0.0', true],
      ['100.63.255.255', true], ['100.64.0.0', false], ['100.127.255.255', false], ['100.128.0.0', true],
      ['126.255.255.255', true], ['127.0.0.1', false], ['128.0.0.0', true],
      ['169.253.255.255', true], ['169.254.169.254', false], ['169.255.0.0', true],
      ['172.15.255.255', true], ['172.16.0.0', false], ['172.31.255.255', false], ['172.32.0.0', true],
      ['192.167.255.255', true], ['192.168.1.1', false], ['192.169.0.0', true],
      ['198.17.255.255', true], ['198.18.0.0', false], ['198.19.255.255', false], ['198.20.0.0', true],
      ['223.255.255.255', true], ['224.0.0.1', false], ['255.255.255.255', false], ['0.0.0.0', false],
      ['8.8.8.8', true], ['114.114.114.114', true],
    ];
    for (const [ip, pub] of pairs) expect([ip, isPublicAddress(ip)]).toEqual([ip, pub]);
  });

  it('IPv6: loopback, unspecified, unique-local, link-local, multicast, NAT64 and 6to4 are refused; IPv4-mapped follows the IPv4 ranges', () => {
    for (const ip of ['::1', '::', 'fc00::1', 'fdff:ffff::1', 'fe80::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:a00:1', '64:ff9b::a00:1', '2001:db8::1', '2002:a00:1::1']) {
      expect([ip, isPublicAddress(ip)]).toEqual([ip, false]);
    }
    for (const ip of ['2400:3200::1', '2001:4860:4860::8888', 'fbff:ffff::1', '::ffff:8.8.8.8']) expect([ip, isPublicAddress(ip)]).toEqual([ip, true]);
    expect(isPublicAddress('not-an-ip')).toBe(false);
  });

  it('configuration time: localhost names and non-public IP literals (any spelling the URL parser normalises) are refused', () => {
    for (const u of ['https://localhost/x', 'https://api.localhost/x', 'https://127.0.0.1/x', 'https://2130706433/x', 'https://0x7f.1/x', 'https://[::1]/x', 'https://[::ffff:10.0.0.1]/x', 'https://10.1.2.3:8443/x', 'https://169.254.169.254/latest/meta-data']) {
      expect([u, pushHostProblem(new URL(u)) !== null]).toEqual([u, true]);
    }
    for (const u of ['https://rp.example.cn/ssf', 'https://8.8.8.8/ssf', 'https://[2400:3200::1]/ssf']) expect([u, pushHostProblem(new URL(u))]).toEqual([u, null]);
  });

  it('connect time: a name that resolves to a loopback address is refused by the lookup (DNS rebinding)', async () => {
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => guardedLookup('localhost', {}, (e) => resolve(e)));
    expect(err?.code).toBe('ENDPOINT_NOT_ALLOWED');
    // The same lookup passes errors of the resolver through.
    const missing = await new Promise<NodeJS.ErrnoException | null>((resolve) => guardedLookup('no-such-host.invalid', {}, (e) => resolve(e)));
    expect(missing?.code).not.toBe('ENDPOINT_NOT_ALLOWED');
    // Sanity: without the guard, localhost does resolve to loopback here.
    const plain = await new Promise<string>((resolve) => lookup('localhost', { family: 4 }, (_e, a) => resolve(a)));
    expect(plain).toBe('127.0.0.1');
  });

  describe('a guarded push', () => {
    let rx: Receiver;
    beforeAll(async () => {
      rx = await startReceiver();
    });
    afterAll(async () => rx.close());

    it('to a loopback receiver is rejected (endpoint_not_allowed) and sends nothing; unguarded it is delivered', async () => {
      expect(await pushSet({ url: rx.url }, 'a.b.c', { timeoutMs: 2_000, guard: true })).toEqual({ type: 'rejected', code: 'endpoint_not_allowed' });
      expect(await pushSet({ url: rx.url.replace('127.0.0.1', 'localhost') }, 'a.b.c', { timeoutMs: 2_000, guard: true })).toEqual({ type: 'rejected', code: 'endpoint_not_allowed' });
      expect(rx.received.length).toBe(0);
      expect(await pushSet({ url: rx.url }, 'a.b.c', { timeoutMs: 2_000, guard: false })).toEqual({ type: 'delivered' });
      expect(rx.received.length).toBe(1);
    });
  });
});
