/**
 * The platform process: configuration + secrets → store, registry client, protect layer,
 * signing keys → one Fastify app. Capabilities (enrollment, relying parties, OIDC, receipts) mount their
 * routes on `platform.app` from their own folders, using `platform.deps`.
 *
 * ```ts
 * const platform = await createPlatform({ config, secrets, logger });
 * await platform.listen();   // http://localhost:8080
 * await platform.close();
 * ```
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { getSuite, KeyRing, type CryptoSuite } from '@wangzheng/core/crypto/index';
import type { PassiveAuthenticator } from '@wangzheng/core/documents/passive-auth';
import { currentSecret } from '@wangzheng/core/identifiers/index';
import { publicUrl, smsOutboxPath, sqlitePath, type Config } from '../config.ts';
import { createEnrollmentService, registerEnrollmentRoutes, type EnrollmentService } from '../enrollment/index.ts';
import { PassphraseHasher } from '../passphrase/hasher.ts';
import { createRelyingParties, registerRpRoutes, type RelyingParties } from '../rp/index.ts';
import { DisabledSmsSender, OutboxSmsSender, type SmsSender } from '../sms/sender.ts';
import { BlindIndexer, DataProtector } from '../protect/index.ts';
import { createPlatformPassiveAuth, createRegistryClient, loadTrustAnchors, type Registry } from '../registry/index.ts';
import type { PlatformSecrets } from '../secrets.ts';
import { openStore, type Store, type StoreConfig } from '../store/index.ts';
import { HolderVerifier } from '../credential/holder.ts';
import { statusListIndex, StatusListTokens, STATUS_LIST_TTL } from '../credential/status-list.ts';
import { registerVerificationRoutes, Reverification, VerificationService } from '../verification/index.ts';
import { OidcProvider, registerOidcRoutes } from '../oidc/index.ts';
import { createPersonApi, registerPersonRoutes, type PersonApi } from '../person/index.ts';
import { createHttpApp } from './http.ts';
import { createSignals, registerSignalRoutes, streamReportOf, type SignalEmitter } from '../signals/index.ts';
import { ExpirySweep, retentionSettings } from '../jobs/index.ts';
import { AuditTrail, registerAuditRoutes, scheduleCheckpoints, scheduleSequencer } from '../audit/index.ts';
import { Bans, createPersonControls, registerLifecycleRoutes, registerPersonControlRoutes } from '../lifecycle/index.ts';
import { Cancellation } from '../lifecycle/cancel.ts';
import { DEVELOPMENT_ROLES, parseRoleMap } from '../admin/roles.ts';
import { AdminAuthenticator, Disclosures, registerDisclosureRoutes, registerRpAdminRoutes } from '../admin/index.ts';
import { registerVenueRoutes } from '../venue/index.ts';
import { registerWebRoutes } from '../web/index.ts';
import { registerConsole, type OperatorConsole } from '../console/index.ts';
import { limiterMetrics, MemoryLimiter, openRateLimits, RateLimitedSmsSender, type RateLimits } from '../limits/index.ts';
import { observeRegistry, PlatformMetrics, Readiness, registerOpsRoutes, RegistryHealth, Series, type Operations } from '../ops/index.ts';

export interface PlatformDeps {
  readonly config: Config;
  readonly secrets: PlatformSecrets;
  readonly suite: CryptoSuite;
  readonly store: Store;
  readonly registry: Registry;
  /** Checks document chips against the registry's trust anchors (loaded at start-up). */
  readonly passiveAuth: PassiveAuthenticator;
  readonly protector: DataProtector;
  readonly blindIndexer: BlindIndexer;
  /** Platform signing keys per suite (first signs, all verify). */
  readonly signing: { readonly gm: KeyRing; readonly intl: KeyRing };
  readonly issuer: string;
  readonly logger: Logger;
}

export interface Platform {
  readonly app: FastifyInstance;
  readonly deps: PlatformDeps;
  readonly enrollment: EnrollmentService;
  /** Relying parties: registration service, client authentication, operator authentication. */
  readonly rp: RelyingParties;
  readonly verification: VerificationService;
  /** The OpenID Connect provider (discovery, PAR, authorize, token, userinfo). */
  readonly oidc: OidcProvider;
  /** The person's own controls (`/v1/me/…`): status, lock, devices, history, authorizations, export. */
  readonly person: PersonApi;
  /** The tamper-evident audit trail: `audit.record(tx, …)` inside the transaction of the action it records. */
  readonly audit: AuditTrail;
  /** Shared Signals: `signals.emitForPerson(tx, …)` / `emitToRp(tx, …)` queue SETs for relying parties in the caller's transaction. */
  readonly signals: SignalEmitter;
  /** Cancellation of a 网号 (注销): the person's own (`POST /v1/me/cancel`), or an operator's on a legal basis (`byOperator`). */
  readonly cancellation: Cancellation;
  /** Operations: the metrics behind /metrics, their last hour (the console's series), readiness. */
  readonly ops: Operations;
  /** The operator console's server side: its OIDC client and the role grants (docs/admin.md, "Console"). */
  readonly console: OperatorConsole;
  /** Rate limits and lockouts (limits/, docs/limits.md). */
  readonly limits: RateLimits;
  /** Starts listening on the configured host/port (or the ones given); resolves to the base URL. */
  listen(opts?: { port?: number; host?: string }): Promise<string>;
  close(): Promise<void>;
}

export interface CreatePlatformOptions {
  config: Config;
  secrets: PlatformSecrets;
  logger: Logger;
  /** Use this registry instead of an HTTP client to `config.registry.url` (tests). */
  registry?: Registry;
  /** Use this store instead of opening the configured one (tests); it is closed with the platform. */
  store?: Store;
  /** SMS sender; default from configuration (the development outbox file). */
  sms?: SmsSender;
  /** Clock (tests). */
  now?: () => number;
}

export function storeConfig(cfg: Config): StoreConfig {
  if (cfg.store.engine === 'postgres') {
    return {
      engine: 'postgres',
      url: cfg.store.postgresUrl as string,
      poolSize: cfg.store.poolSize,
      preparedStatements: cfg.store.preparedStatements,
      ...(cfg.store.postgresSchema ? { schema: cfg.store.postgresSchema } : {}),
    };
  }
  return { engine: 'sqlite', path: sqlitePath(cfg) };
}

export async function createPlatform(opts: CreatePlatformOptions): Promise<Platform> {
  const { config, secrets, logger } = opts;
  const suite = getSuite(config.suite);
  // Operations (ops/): this platform's own metrics registry; every registry call timed, and its
  // last outcome kept for readiness (probed with the trust-material call when none is recent).
  // (Wall-clock time, not `opts.now`: these are the process's own timers and caches.)
  const metrics = new PlatformMetrics();
  const registryHealth = new RegistryHealth({ probe: () => registry.issuerKeys() });

  // The registry first: without its trust anchors no document can be checked, and failing
  // here is clearer than failing at the first enrollment.
  const registry = observeRegistry(opts.registry ?? createRegistryClient({ baseUrl: config.registry.url, sharedKey: secrets.registryKey }), {
    report: (op, outcome, seconds) => metrics.registryCall(op, outcome, seconds),
    health: registryHealth,
  });
  const anchors = await loadTrustAnchors(registry, {
    onUnpinned: (kids) => logger.warn({ kids }, 'registry trust anchors are not pinned (development); accepting what the registry publishes'),
  });
  const passiveAuth = createPlatformPassiveAuth({ trustAnchors: anchors });

  const store = opts.store ?? (await openStore(storeConfig(config), { checkTransactions: config.store.checkTransactions }));
  metrics.watchStore(() => store.statementCount());
  if (store.migrationsApplied.length > 0) logger.info({ migrations: store.migrationsApplied }, 'store migrated');
  metrics.describe({ suite: config.suite, store: store.engine, mode: config.mode });
  metrics.watchJobQueue(async () => {
    const byQueue = Object.values(await store.reader.jobs.countByQueue());
    return { pending: byQueue.reduce((n, q) => n + q.pending, 0), failed: byQueue.reduce((n, q) => n + q.failed, 0) };
  });

  const deps: PlatformDeps = {
    config,
    secrets,
    suite,
    store,
    registry,
    passiveAuth,
    protector: new DataProtector(suite, secrets.kek),
    blindIndexer: new BlindIndexer(suite, secrets.blindIndex),
    signing: { gm: new KeyRing(secrets.signing.gm, secrets.verifyOnly.gm), intl: new KeyRing(secrets.signing.intl, secrets.verifyOnly.intl) },
    issuer: publicUrl(config),
    logger,
  };

  const now = opts.now ?? Date.now;
  const hasher = new PassphraseHasher(config.passphrase);
  // Rate limits and lockouts (limits/, docs/limits.md): in memory, or shared in Redis with a
  // stricter local fallback; key digests made with the blind-index key. Closed with the platform.
  const { limits, limiter } = await openRateLimits({
    policies: config.limits.policies,
    redisUrl: config.limits.redisUrl,
    fallbackDivisor: config.limits.fallbackDivisor,
    keySecret: currentSecret(secrets.blindIndex).key,
    logger,
    metrics: limiterMetrics(metrics.registry),
    now,
  });
  const holders = new HolderVerifier({ store, protector: deps.protector, signing: [deps.signing.gm, deps.signing.intl], issuerUrl: deps.issuer, now });
  // The audit trail is chained with the configured suite's hash; checkpoints signed with its key.
  const audit = new AuditTrail({ store, suite, signing: config.suite === 'gm' ? deps.signing.gm : deps.signing.intl, now });
  // Shared Signals: SETs queued in the caller's transaction, pushed by the job worker (started below).
  // The expiry sweep: one durable job on the same worker, one run at a time across processes.
  const sweep = new ExpirySweep({ store, now, logger, intervalMs: config.jobs.sweepIntervalSeconds * 1000, retentionMs: config.jobs.retentionDays * 86_400_000, retention: retentionSettings(config.retention), metrics: metrics.jobs });
  const signals = createSignals({ store, protector: deps.protector, signing: deps.signing, issuer: deps.issuer, mode: config.mode, intervalMs: config.jobs.intervalMs || 250, now, logger, handlers: { 'sweep.expired': sweep }, metrics: metrics.jobs });
  const bans = new Bans({ store, protector: deps.protector, blindIndexer: deps.blindIndexer, audit, signals: signals.emitter, fourEyes: config.lifecycle.fourEyes });
  const sms = opts.sms ?? (config.sms.sender === 'outbox' ? new OutboxSmsSender(smsOutboxPath(config)) : new DisabledSmsSender());
  const enrollment = createEnrollmentService({
    bans,
    store,
    suite,
    protector: deps.protector,
    blindIndexer: deps.blindIndexer,
    registry,
    passiveAuth,
    sms,
    hasher,
    holders,
    netidKeys: secrets.netid,
    signing: config.suite === 'gm' ? deps.signing.gm : deps.signing.intl,
    issuerUrl: deps.issuer,
    settings: {
      ttlSeconds: config.enrollment.ttlSeconds,
      stepSeconds: config.enrollment.stepSeconds,
      otpSeconds: config.enrollment.otpSeconds,
      credentialValidityDays: config.credential.validityDays,
      deviceAlgs: config.credential.deviceAlgs,
    },
    metrics: metrics.enrollment,
    limits,
    now,
  });

  const app = createHttpApp({
    bodyLimit: config.http.bodyLimit,
    logger,
    accessLog: config.log.access,
    metrics,
    // The lockouts of the metrics token, operator tokens and the person's secrets (http/lockout.ts) count here.
    limits,
    timeouts: { headersMs: config.http.headersTimeoutMs, requestMs: config.http.requestTimeoutMs, keepAliveMs: config.http.keepAliveTimeoutMs },
    ...(config.http.trustProxy ? { trustProxy: config.http.trustProxy } : {}),
  });
  app.addHook('onClose', async () => limiter.close());
  registerEnrollmentRoutes(app, enrollment, limits);
  // Client authentication under the rate limits (failed secrets lock out; every call counts for the RP's ceiling).
  const rp: RelyingParties = createRelyingParties({
    store,
    mode: config.mode,
    defaultIdTokenAlg: config.suite === 'gm' ? 'SM2' : 'ES256',
    issuerUrl: deps.issuer,
    audit,
    deliveryOf: (clientId) => streamReportOf(store.reader, clientId),
    limits,
    now,
  });
  registerRpRoutes(app, rp);
  // Operators: bearer tokens and the roles bound to them; every admin route names the role it needs.
  // A wrong operator token counts against its source (a lockout in this process: docs/limits.md).
  const operatorLockout = new MemoryLimiter({ policies: config.limits.policies, now, maxKeys: 10_000 });
  const operators = new AdminAuthenticator(secrets.admin, parseRoleMap(config.admin.roles ?? (config.mode === 'development' ? DEVELOPMENT_ROLES : '')), operatorLockout);
  // The operator console (console/): a relying party of this platform's own OIDC provider; its
  // session cookie stands in for a bearer token on /v1/admin/* (mounted before those routes).
  const series = new Series(metrics.registry);
  const operatorConsole = await registerConsole(app, {
    store,
    suite,
    protector: deps.protector,
    audit,
    operators,
    keys: secrets.blindIndex,
    appidKeys: secrets.appid,
    issuer: deps.issuer,
    idTokenSigningAlg: config.suite === 'gm' ? 'SM2' : 'ES256',
    series,
    registry: metrics.registry,
    logger,
    now,
  });
  registerRpAdminRoutes(app, { service: rp.service, operators });
  registerAuditRoutes(app, { trail: audit, operators });
  registerLifecycleRoutes(app, { bans, operators, cancelByOperator: (actor, req) => cancellation.byOperator(actor, req) });
  registerDisclosureRoutes(app, { disclosures: new Disclosures({ store, protector: deps.protector, blindIndexer: deps.blindIndexer, audit, now }), operators });
  const verification = new VerificationService({
    store,
    protector: deps.protector,
    blindIndexer: deps.blindIndexer,
    registry,
    hasher,
    holders,
    signing: deps.signing,
    appidKeys: secrets.appid,
    refKeys: secrets.blindIndex,
    issuer: deps.issuer,
    audit,
    metrics: metrics.verification,
    now,
  });
  const reverification = new Reverification({
    store,
    service: verification,
    blindIndexer: deps.blindIndexer,
    holders,
    protector: deps.protector,
    suite,
    nonceKeys: secrets.blindIndex,
    now,
  });
  registerVerificationRoutes(app, verification, reverification, rp.clientAuth, `${deps.issuer}/oauth/token`, limits);
  const oidc = new OidcProvider({ store, verification, suite, signing: deps.signing, issuer: deps.issuer, now, metrics: metrics.oidc });
  registerOidcRoutes(app, { provider: oidc, clientAuth: rp.clientAuth, logger, metrics: metrics.oidc });
  registerSignalRoutes(app, { ...signals.routes, clientAuth: rp.clientAuth, adminAuth: operators });
  // The job worker pushes signals and runs the sweep (enqueued here if missing); WZ_JOBS_INTERVAL_MS=0
  // leaves both to another process. Stopped before the store closes.
  if (config.jobs.intervalMs > 0) {
    await sweep.schedule();
    signals.worker.start();
  }
  app.addHook('onClose', async () => signals.worker.stop());
  // A withdrawn consent is told to that RP (SSF, consent-withdrawn) in the withdrawal's own transaction.
  const person = createPersonApi({
    store,
    suite,
    protector: deps.protector,
    hasher,
    signing: [deps.signing.gm, deps.signing.intl],
    issuerUrl: deps.issuer,
    nonceKeys: secrets.blindIndex,
    now,
    onConsentWithdrawn: async (tx, n) => (await signals.emitter.emitToRp(tx, { clientId: n.clientId, appId: n.appId, event: { code: 'consent_withdrawn' } })) !== null,
    // A revoked device: audited, and credential-revoked SETs to the RPs that know the person.
    audit,
    signals: signals.emitter,
  });
  // Cancellation: audit entry, account-purged SETs, erasure and shredding in one transaction.
  const cancellation = new Cancellation({ store, protector: deps.protector, hasher, audit, signals: signals.emitter, now, logger, consoleGrants: operatorConsole.grants });
  registerPersonRoutes(app, { ...person, cancel: (me, b) => cancellation.byPerson(me, b) });

  // The person's credential controls: passphrase, phone, renewal, moving to a new phone, and why a 网证 stopped working.
  registerPersonControlRoutes(
    app,
    person.auth,
    createPersonControls({
      store,
      suite,
      protector: deps.protector,
      blindIndexer: deps.blindIndexer,
      hasher,
      registry,
      sms: new RateLimitedSmsSender(sms, limits),
      signing: config.suite === 'gm' ? deps.signing.gm : deps.signing.intl,
      issuerUrl: deps.issuer,
      settings: { otpSeconds: config.enrollment.otpSeconds, credentialValidityDays: config.credential.validityDays, renewalWindowDays: config.credential.renewalWindowDays, deviceAlgs: config.credential.deviceAlgs },
      audit,
      signals: signals.emitter,
      now,
    }),
  );

  // The person's web wallet under /wallet/ and, in development only, its simulation proxy /sim/* (web/).
  registerWebRoutes(app, { config });

  // Venue passes (场所码): POST /v1/me/venue-pass, a signed pass the wallet shows as a QR code and venues check offline.
  registerVenueRoutes(app, { auth: person.auth, store, protector: deps.protector, signing: deps.signing, suite: config.suite, issuerUrl: deps.issuer, now });

  // /healthz (liveness), /readyz (readiness), /metrics; the series sampled every 10 s until close.
  const ping = () => store.reader.counters.get('health');
  const readiness = new Readiness({ ping, registry: registryHealth });
  registerOpsRoutes(app, { registry: metrics.registry, readiness, health: { ping, store: store.engine, suite: suite.name }, mode: config.mode, metricsToken: config.metrics.token });
  series.start();
  app.addHook('onClose', async () => series.stop());

  // Only public members leave: KeyRing.jwks() builds each JWK from an allow-list.
  app.get('/.well-known/jwks.json', async (_req, reply) => {
    void reply.header('cache-control', 'public, max-age=300');
    return { keys: [...deps.signing.gm.jwks().keys, ...deps.signing.intl.jwks().keys] };
  });

  // Token Status Lists, signed with the key of the platform's default suite.
  app.get('/status-lists', async (_req, reply) => {
    void reply.header('cache-control', 'public, no-cache');
    return statusListIndex(store.reader, deps.issuer);
  });

  const statusLists = new StatusListTokens({ store: store.reader, signing: config.suite === 'gm' ? deps.signing.gm : deps.signing.intl, issuer: deps.issuer });
  app.get('/status-lists/:list', async (req, reply) => {
    const { list } = req.params as { list: string };
    const { token, etag } = await statusLists.answer(list, now());
    // Revalidate every time (a ban must travel within a second); an unchanged list is a 304.
    void reply.header('cache-control', 'public, no-cache').header('etag', etag);
    if (req.headers['if-none-match'] === etag) return reply.status(304).send();
    void reply.header('content-type', 'application/statuslist+jwt');
    return token();
  });

  const sequencer = scheduleSequencer(audit, config.audit.sequenceIntervalMs, logger);
  const checkpoints = scheduleCheckpoints(audit, config.audit.checkpointSeconds * 1000, logger);
  let closed = false;
  return {
    app,
    deps,
    enrollment,
    rp,
    verification,
    oidc,
    person,
    audit,
    signals: signals.emitter,
    cancellation,
    ops: { metrics, series, readiness },
    console: operatorConsole,
    limits,
    async listen(l = {}) {
      return app.listen({ port: l.port ?? config.http.port, host: l.host ?? config.http.host });
    },
    async close() {
      if (closed) return;
      closed = true;
      readiness.beginShutdown();
      await app.close();
      await sequencer.stop(); // what the last requests queued, chained
      await checkpoints.stop(); // the last checkpoint, after the last request
      await store.close();
    },
  };
}
