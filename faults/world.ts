/**
 * The world a fault campaign drives, kept across every kill and restart: one data directory
 * (one SQLite file), fixed ports, one sandbox relying party with a push stream to a receiver in
 * this process, and one person of the synthetic registry who is enrolled, verified and cancelled
 * again in every run (a cancellation deletes them, so each run starts from nobody).
 *
 * The person's life, step by step, is what reaches the fault points (steps.ts):
 *   enroll   the wallet library's `enroll()`          enrollment.issue.*
 *   verify   a receipt request answered by the wallet  verification.approval.*
 *   …        the lifecycle steps of actions.ts        oidc.token.*, lifecycle.*, person.phone.*
 *   cancel   `POST /v1/me/cancel` (wallet `cancelNetid`) lifecycle.cancel.*
 *   push     the account-purged SET reaching the RP    jobs.ran-before-recorded
 */
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKey, type PrivateKey } from '@wangzheng/core/crypto/index';
import { PlatformClient } from '@wangzheng/wallet/enroll/client';
import { enroll, type AwaitingGuardian, type Issued } from '@wangzheng/wallet/enroll/enroll';
import { readOutboxCode } from '@wangzheng/wallet/enroll/simulator';
import { keySigner, nodeDigest, nodeHolder } from '@wangzheng/wallet/holder/node';
import { MeClient } from '@wangzheng/wallet/me/client';
import { cancelNetid, CANCEL_CONFIRMATION } from '@wangzheng/wallet/me/cancel';
import { answerVerification } from '@wangzheng/wallet/verify';

const PURGED = 'https://schemas.openid.net/secevent/risc/event-type/account-purged';
export const PASSPHRASE = '48273915';

/** The RP's push receiver: every SET it was sent, by `jti` (answers 202, as RFC 8935 asks). */
export class Receiver {
  readonly seen = new Map<string, number>();
  #server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += String(d)));
      req.on('end', () => {
        try {
          const claims = JSON.parse(Buffer.from(body.split('.')[1] ?? '', 'base64url').toString('utf8')) as { jti?: string };
          if (typeof claims.jti === 'string') this.seen.set(claims.jti, (this.seen.get(claims.jti) ?? 0) + 1);
        } catch {
          // not a SET: counted nowhere
        }
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => this.#server!.listen(0, '127.0.0.1', r));
    const a = this.#server.address();
    this.port = typeof a === 'object' && a ? a.port : 0;
  }

  async stop(): Promise<void> {
    await new Promise((r) => this.#server?.close(r));
  }
}

export interface Holder {
  readonly credential: string;
  readonly key: PrivateKey;
  readonly netid: string;
}

/** One person's life in one run: what the wallet and the RP hold so far. */
export interface Life {
  holder?: Holder;
  request?: { requestId: string; ref: string };
  approved: boolean;
  cancelled: boolean;
  /** An OIDC authorization code the RP holds and has not redeemed yet, with its PKCE verifier. */
  code?: { code: string; verifier: string } | undefined;
  /** A new number whose code was sent and not yet confirmed. */
  newPhone?: string | undefined;
  /** The new phone's key of a move not answered yet (its retry proves the same key). */
  movingTo?: PrivateKey | undefined;
  /** Whose life it is: the sample adult (default), or the guardian of the sample 14–17-year-old. */
  doc?: Doc | undefined;
  /** The ward of a guardian life: their pending enrollment, then their own 网证. */
  ward?: { key: PrivateKey; approvalCode: string; pending: AwaitingGuardian['pending']; approved: boolean; holder?: Holder } | undefined;
  /**
   * Distinct SETs the receiver had when the cancellation was asked. Distinct, not deliveries: an
   * earlier run's SET pushed again (same jti) must not pass for this life's.
   */
  setsAtCancel?: number;
}

/** A document of the synthetic registry. */
export interface Doc {
  readonly documentType: string;
  readonly documentNumber: string;
}

export class World {
  rp = { clientId: '', clientSecret: '' };
  adminToken = '';
  sample: Doc = { documentType: '', documentNumber: '' };
  /** The sample 14–17-year-old and their guardian (undefined if the population has none). */
  minor: Doc | undefined;
  guardian: Doc | undefined;
  #phone = 0;
  #biz = 0;

  constructor(
    readonly dir: string,
    readonly receiver: Receiver,
  ) {}

  /** First start only: the RP, its push stream, the operator token, the sample person. */
  async setUp(url: string, registryUrl: string): Promise<void> {
    const pc = new PlatformClient(url);
    this.rp = await pc.post<{ clientId: string; clientSecret: string }>('/v1/rp/sandbox', {
      name: 'fault RP',
      redirectUris: ['http://localhost/cb'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      idTokenSigningAlg: 'SM2',
    });
    const res = await this.#rpCall(url, '/ssf/stream', { delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: `http://localhost:${this.receiver.port}/ssf` }, events_requested: [PURGED] });
    if (res.status !== 201) throw new Error(`faults: stream not created (${res.status} ${await res.text()})`);
    const tokens = (JSON.parse(readFileSync(join(this.dir, 'dev-secrets.json'), 'utf8')) as { adminTokens?: string }).adminTokens ?? '';
    this.adminToken = tokens.split(',')[0]?.split(':')[1] ?? '';
    const samples = (await new PlatformClient(registryUrl).get<{ samples: { label: string; documentType: string; documentNumber: string; guardian?: Doc }[] }>('/sim/samples')).samples;
    const adult = samples.find((s) => s.label === 'adult');
    if (!adult) throw new Error('faults: the registry simulator has no sample adult');
    this.sample = { documentType: adult.documentType, documentNumber: adult.documentNumber };
    const minor = samples.find((s) => s.label === 'minor_14_17' && s.guardian);
    if (minor?.guardian) {
      this.minor = { documentType: minor.documentType, documentNumber: minor.documentNumber };
      this.guardian = { documentType: minor.guardian.documentType, documentNumber: minor.guardian.documentNumber };
    }
  }

  #rpCall(url: string, path: string, body: unknown): Promise<Response> {
    const auth = `Basic ${Buffer.from(`${this.rp.clientId}:${this.rp.clientSecret}`).toString('base64')}`;
    return fetch(`${url}${path}`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  /** The whole trail and its checkpoints verified by the platform with its public keys (`GET /v1/admin/audit/verify`). */
  async auditVerifies(url: string): Promise<boolean> {
    const res = await fetch(`${url}/v1/admin/audit/verify`, { headers: { authorization: `Bearer ${this.adminToken}` } });
    return res.ok && ((await res.json()) as { ok?: boolean }).ok === true;
  }

  async enroll(url: string, registryUrl: string, life: Life): Promise<void> {
    const key = generateKey('SM2');
    const r = await this.enrollAs(url, registryUrl, life.doc ?? this.sample, key);
    if (r.status !== 'issued') throw new Error(`faults: enrollment ended ${r.status}`);
    life.holder = { credential: r.credential, key, netid: r.netid };
  }

  /** The wallet's enrollment of the holder of `doc` with `key`: issued, or (14–17) awaiting the guardian. */
  async enrollAs(url: string, registryUrl: string, doc: Doc, key: PrivateKey): Promise<(Issued & { status: 'issued' }) | AwaitingGuardian> {
    const sim = new PlatformClient(registryUrl);
    const { documentType, documentNumber } = doc;
    // A phone of its own per enrollment: the SMS outbox is read by number.
    const phone = `139${String(10_000_000 + (process.pid % 1000) * 10_000 + ++this.#phone)}`;
    const r = await enroll({
      platform: new PlatformClient(url),
      hardware: {
        readChip: async () => (await sim.post<{ chip: unknown }>('/sim/nfc/read', { documentType, documentNumber })).chip,
        captureFace: async (nonce) => (await sim.post<{ probe: number[] }>('/sim/camera', { documentType, documentNumber, subject: 'self', nonce })).probe,
        readSmsCode: (to) => readOutboxCode(join(this.dir, 'sms-outbox.jsonl'), to),
      },
      documentType,
      phone,
      passphrase: PASSPHRASE,
      signer: keySigner(key),
      digest: nodeDigest,
    });
    return r as (Issued & { status: 'issued' }) | AwaitingGuardian;
  }

  /** The RP asks (a new request unless one is open), the wallet approves. */
  async verify(url: string, life: Life): Promise<void> {
    if (!life.request) {
      const res = await this.#rpCall(url, '/v1/receipt-requests', { bizSeq: `f-${process.pid}-${++this.#biz}`, mode: 'wz' });
      if (!res.ok) throw new Error(`faults: receipt request ${res.status} ${await res.text()}`);
      life.request = (await res.json()) as { requestId: string; ref: string };
    }
    const a = await answerVerification(new PlatformClient(url), { ref: life.request.ref, holder: nodeHolder(life.holder!.credential, life.holder!.key) });
    if (a.status !== 'approved') throw new Error(`faults: verification ${a.status}`);
    life.approved = true;
  }

  async cancel(url: string, life: Life): Promise<void> {
    life.setsAtCancel ??= this.receiver.seen.size;
    const me = new MeClient(new PlatformClient(url), nodeHolder(life.holder!.credential, life.holder!.key));
    await cancelNetid(me, { passphrase: PASSPHRASE, confirm: CANCEL_CONFIRMATION });
    life.cancelled = true;
  }

  /** Waits for the cancellation's SET at the receiver (up to `ms`). */
  async push(life: Life, ms = 8_000): Promise<boolean> {
    const until = Date.now() + ms;
    while (this.receiver.seen.size <= (life.setsAtCancel ?? 0)) {
      if (Date.now() > until) return false;
      await new Promise((r) => setTimeout(r, 25));
    }
    return true;
  }
}

/** What a client saw when its request met the kill: a connection error, or an HTTP answer. */
export function clientView(e: unknown): { retryable: boolean; text: string } {
  const err = e as { code?: string; status?: number; message?: string; cause?: { cause?: { code?: string; message?: string }; message?: string } };
  // The wallet's PlatformClient wraps a failed fetch (no HTTP answer at all) with the fetch error as cause.
  const inner = err.cause?.cause;
  if (err.cause) return { retryable: true, text: `connection lost (${inner?.code ?? inner?.message ?? err.cause.message ?? 'fetch failed'})` };
  if (err.status !== undefined) return { retryable: err.status === 503, text: `HTTP ${err.status} ${err.code ?? ''}`.trim() };
  return { retryable: false, text: `error: ${err.message ?? String(e)}` };
}
