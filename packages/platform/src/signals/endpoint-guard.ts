/**
 * Server-side request forgery guard for push delivery (RFC 8935 §4, SSF 1.0 §9): a relying
 * party chooses the URL we POST to, so without a guard it could point us at our own network —
 * the database, a metadata service, an admin port on loopback. In production:
 * - at configuration time, a push URL whose host is `localhost` or an IP literal outside the
 *   public unicast space is refused (`pushHostProblem`);
 * - at delivery time, the host name is resolved by `guardedLookup`, which refuses the
 *   connection when any resolved address is not public — checked at connect time, so a name
 *   that resolved to a public address when configured and to 10.0.0.5 now (DNS rebinding) is
 *   still refused. Redirects are never followed (push.ts).
 * In development both are off: a receiver on http://localhost is the normal test set-up.
 *
 * Trust: the URL is the RP's (untrusted); the address ranges are ours (IANA special-purpose
 * registries, RFC 6890 and successors). `net.BlockList` does the matching; it checks an
 * IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, `::ffff:a00:1`) against the IPv4 ranges.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const V4: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
const V6: readonly (readonly [string, number])[] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64: likewise
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID…)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds an IPv4 address
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

const blocked = new BlockList();
for (const [net, prefix] of V4) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of V6) blocked.addSubnet(net, prefix, 'ipv6');

/** True iff `address` is an IP address in the public unicast space. Not an address → false. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return !blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Configuration-time check of a push URL's host; null when acceptable. Never echoes the URL. */
export function pushHostProblem(url: URL): string | null {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return 'must not point at this machine (loopback)';
  if (isIP(host) !== 0 && !isPublicAddress(host)) return 'must not point at a private, loopback, link-local or reserved address';
  return null;
}

/** The error `guardedLookup` fails with; push.ts maps it to `endpoint_not_allowed`. */
export const ENDPOINT_NOT_ALLOWED = 'ENDPOINT_NOT_ALLOWED';

/**
 * A `lookup` for `http(s).request` that resolves as usual and refuses the connection when any
 * resolved address is not public. (An IP-literal host is never looked up: push.ts checks it.)
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const list = addresses as unknown as LookupAddress[];
    if (list.length === 0 || list.some((a) => !isPublicAddress(a.address))) {
      const refused = Object.assign(new Error('push endpoint resolves to an address that is not public'), { code: ENDPOINT_NOT_ALLOWED });
      return callback(refused, '', 0);
    }
    if (options.all) return callback(null, list);
    const first = list[0] as LookupAddress;
    return callback(null, first.address, first.family);
  });
};
