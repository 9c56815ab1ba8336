/**
 * The benchmarks' relying party: a sandbox RP (client_secret_basic, SM2 id_tokens) registered
 * on the platform under test, its authenticated JSON calls, and one receipt-flow verification
 * end to end — the RP creates the request, the wallet answers, the RP fetches the signed
 * receipt and checks it as a real one would (the platform's keys, its issuer, itself as audience).
 */
import { importPublicKey, type PrivateKey, type PublicJwk } from '@wangzheng/core/crypto/index';
import { verifyReceipt } from '@wangzheng/core/verification/receipt';
import type { Mode } from '@wangzheng/core/verification/modes';
import { PlatformClient } from '@wangzheng/wallet/enroll/client';
import type { Issued } from '@wangzheng/wallet/enroll/enroll';
import { answerVerification } from '@wangzheng/wallet/verify';
import { nodeHolder } from '@wangzheng/wallet/holder/node';
import { loadFetch } from './http.ts';

export interface BenchRp {
  readonly clientId: string;
  /** `Authorization` header value (HTTP Basic with the client secret). */
  readonly auth: string;
  /** An authenticated JSON POST; anything but 2xx throws. */
  call<T>(path: string, body: unknown): Promise<T>;
  /** One verification in `mode`; resolves to its latency in ms. */
  verify(holder: { issued: Issued; key: PrivateKey }, mode: Mode, o?: { passphrase?: string }): Promise<number>;
}

export async function benchRp(platformUrl: string, name: string): Promise<BenchRp> {
  const client = new PlatformClient(platformUrl, loadFetch);
  const rp = await client.post<{ clientId: string; clientSecret: string }>('/v1/rp/sandbox', {
    name,
    redirectUris: ['http://localhost/cb'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    idTokenSigningAlg: 'SM2',
  });
  const auth = `Basic ${Buffer.from(`${rp.clientId}:${rp.clientSecret}`).toString('base64')}`;
  const call = async <T>(path: string, body: unknown): Promise<T> => {
    const res = await loadFetch(`${platformUrl}${path}`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`bench: ${path} → ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const issuer = ((await (await fetch(`${platformUrl}/.well-known/openid-configuration`)).json()) as { issuer: string }).issuer;
  const keys = ((await (await fetch(`${platformUrl}/.well-known/jwks.json`)).json()) as { keys: PublicJwk[] }).keys.map((k) => importPublicKey(k));
  let seq = 0;
  return {
    clientId: rp.clientId,
    auth,
    call,
    async verify(h, mode, o = {}) {
      const t = performance.now();
      const req = await call<{ requestId: string; ref: string }>('/v1/receipt-requests', { bizSeq: `b-${process.pid}-${++seq}`, mode });
      const a = await answerVerification(client, { ref: req.ref, holder: nodeHolder(h.issued.credential, h.key), ...(o.passphrase === undefined ? {} : { passphrase: o.passphrase }) });
      if (a.status !== 'approved') throw new Error(`bench: ${a.status}`);
      const { receipt } = await call<{ receipt: string }>(`/v1/receipt-requests/${req.requestId}/receipt`, {});
      if (verifyReceipt(receipt, { keys, algorithms: ['SM2'], issuer, audience: rp.clientId }).result !== 'pass') throw new Error('bench: the receipt says fail');
      return performance.now() - t;
    },
  };
}
