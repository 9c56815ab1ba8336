/**
 * Every setting of the platform: its dotted key, environment variable, default and meaning —
 * the single source of docs/configuration.md (`renderConfigDocs` in config.ts) and of the
 * defaults `loadConfig` starts from. The schema that validates them is in config.ts.
 */
export interface ConfigField {
  /** Path in the config object, dotted. */
  key: string;
  env: string;
  default: string | number | undefined;
  description: string;
  secret?: boolean;
}

/** Every setting, its environment variable, default and meaning. Single source for the docs. */
export const CONFIG_FIELDS: ConfigField[] = [
  { key: 'mode', env: 'WZ_MODE', default: 'development', description: '`development` (generated secrets with a loud warning, sandbox conveniences) or `production` (every secret must be given; unsafe settings refuse to start).' },
  { key: 'dataDir', env: 'WZ_DATA_DIR', default: '.wangzheng', description: 'Directory for the embedded SQLite databases and, in development, the generated secrets file.' },
  { key: 'suite', env: 'WZ_SUITE', default: 'gm', description: 'Default crypto suite: `gm` (SM2/SM3/SM4, national) or `intl` (ES256/EdDSA, SHA-256, AES-GCM).' },
  { key: 'http.host', env: 'WZ_HOST', default: '127.0.0.1', description: 'Address the platform listens on.' },
  { key: 'http.port', env: 'WZ_PORT', default: 8080, description: 'Port of the platform.' },
  { key: 'http.publicUrl', env: 'WZ_PUBLIC_URL', default: undefined, description: 'External base URL (issuer). Defaults to `http://localhost:<port>`.' },
  { key: 'http.bodyLimit', env: 'WZ_BODY_LIMIT', default: 65536, description: 'Largest accepted request body in bytes; larger bodies get 413 `payload_too_large`.' },
  { key: 'http.headersTimeoutMs', env: 'WZ_HTTP_HEADERS_TIMEOUT_MS', default: 10000, description: 'Milliseconds for the request line and headers (a silent connection too); past it, 408 `request_timeout` and the socket is closed (slowloris).' },
  { key: 'http.requestTimeoutMs', env: 'WZ_HTTP_REQUEST_TIMEOUT_MS', default: 30000, description: 'Milliseconds for the whole request, body included (64 KiB in 30 s is ~2 KiB/s, slower than any phone link); past it, 408 and closed. At least the headers timeout.' },
  { key: 'http.trustProxy', env: 'WZ_TRUST_PROXY', default: undefined, description: 'Addresses or CIDR ranges of the load balancers in front of the platform, comma-separated (`10.0.0.0/8,192.0.2.10`). From them, and only from them, `X-Forwarded-For` names the client: the source the rate limits count. Unset: the connection\'s own address (behind a balancer, the balancer\'s).' },
  { key: 'http.keepAliveTimeoutMs', env: 'WZ_HTTP_KEEP_ALIVE_TIMEOUT_MS', default: 5000, description: 'Milliseconds an idle keep-alive connection stays open (Node\'s default). Behind a load balancer, set it above the balancer\'s idle timeout.' },
  { key: 'store.engine', env: 'WZ_STORE', default: 'sqlite', description: '`sqlite` (embedded, zero setup) or `postgres` (several processes, national scale).' },
  { key: 'store.sqlitePath', env: 'WZ_SQLITE_PATH', default: undefined, description: 'SQLite file. Defaults to `<dataDir>/platform.db`.' },
  { key: 'store.postgresUrl', env: 'WZ_POSTGRES_URL', default: undefined, description: 'PostgreSQL connection URL, e.g. `postgres://user@127.0.0.1:5432/wangzheng`. Required when `store.engine=postgres`.' },
  { key: 'store.postgresSchema', env: 'WZ_POSTGRES_SCHEMA', default: undefined, description: 'PostgreSQL schema to use (created if missing). Defaults to the connection\'s search_path.' },
  { key: 'store.poolSize', env: 'WZ_POSTGRES_POOL', default: 8, description: 'PostgreSQL connections per process.' },
  { key: 'store.preparedStatements', env: 'WZ_POSTGRES_PREPARED', default: 'on', description: '`on`: data statements run as named prepared statements, parsed once per connection (store/pg-prepared.ts). `off` behind a connection pooler in transaction mode that cannot carry them (PgBouncer before 1.21, or without `max_prepared_statements`).' },
  { key: 'store.checkTransactions', env: 'WZ_STORE_CHECK_TRANSACTIONS', default: 'off', description: '`on`: refuse (TypeError, 500) the store itself used inside one of its transactions, a programming error that would otherwise hang SQLite. A development assertion, on in the test suite; `off` in service, because its AsyncLocalStorage makes Node 20 run a hook on every promise (docs/store.md, "Transactions").' },
  { key: 'registry.url', env: 'WZ_REGISTRY_URL', default: 'http://127.0.0.1:8081', description: 'Base URL of the population registry (the simulator in development).' },
  { key: 'registry.sharedKey', env: 'WZ_REGISTRY_KEY', default: undefined, description: 'Shared key for the registry\'s HMAC-SM3 request signatures, `keyId:base64url` (≥32 bytes). Generated in development.', secret: true },
  { key: 'registry.port', env: 'WZ_REGISTRY_PORT', default: 8081, description: 'Port of the registry simulator when this process starts it.' },
  { key: 'registry.population', env: 'WZ_REGISTRY_POPULATION', default: 10000, description: 'Synthetic people generated when the simulator starts on an empty database.' },
  { key: 'registry.seed', env: 'WZ_REGISTRY_SEED', default: 'wangzheng', description: 'Seed of the deterministic population generator.' },
  { key: 'registry.faceThreshold', env: 'WZ_FACE_THRESHOLD', default: 0.8, description: 'Cosine similarity at or above which a face probe matches the registry template.' },
  { key: 'secrets.netid', env: 'WZ_NETID_KEYS', default: undefined, description: 'Key ring for 网号 derivation: comma-separated `id:base64url` (first derives, rest recognise).', secret: true },
  { key: 'secrets.appid', env: 'WZ_APPID_KEYS', default: undefined, description: 'Key ring for per-relying-party application identifiers.', secret: true },
  { key: 'secrets.kek', env: 'WZ_KEK_KEYS', default: undefined, description: 'Key-encryption keys that wrap each person\'s data key (first wraps, all unwrap). 16 bytes for gm (SM4), 32 for intl (AES-256).', secret: true },
  { key: 'secrets.blindIndex', env: 'WZ_BLIND_INDEX_KEYS', default: undefined, description: 'Key ring for the keyed digests (blind indexes) through which identity lookups happen.', secret: true },
  { key: 'secrets.admin', env: 'WZ_ADMIN_TOKENS', default: undefined, description: 'Operator (admin API) bearer tokens: comma-separated `id:base64url` (≥32 bytes each). An operator sends `Authorization: Bearer <base64url part>`; the id names them in the audit trail. Only digests are kept in memory and compared. Generated in development (see `dev-secrets.json`).', secret: true },
  { key: 'signing.gmKeyFile', env: 'WZ_SIGNING_KEY_GM', default: undefined, description: 'PKCS#8 PEM file of the platform\'s SM2 signing key. Generated in development.' },
  { key: 'signing.intlKeyFile', env: 'WZ_SIGNING_KEY_INTL', default: undefined, description: 'PKCS#8 PEM file of the platform\'s ES256 signing key. Generated in development.' },
  { key: 'signing.gmVerifyKeysFile', env: 'WZ_SIGNING_VERIFY_KEYS_GM', default: undefined, description: 'After a rotation of the SM2 signing key: a PEM file of the earlier SM2 public keys (one or more `BEGIN PUBLIC KEY` blocks). They never sign; they verify what they signed — 网证, receipts, audit checkpoints — and are published in the JWKS. Remove a key only when nothing it signed must verify any more; for audit checkpoints under retention that is never (docs/crypto.md, "Rotating the platform\'s signing key").' },
  { key: 'signing.intlVerifyKeysFile', env: 'WZ_SIGNING_VERIFY_KEYS_INTL', default: undefined, description: 'The same for the ES256 signing key: a PEM file of the earlier ES256 public keys, verify-only.' },
  { key: 'enrollment.ttlSeconds', env: 'WZ_ENROLLMENT_TTL', default: 900, description: 'Longest an enrollment may take from start to issuance; after it the attempt is deleted (only a counter remains).' },
  { key: 'enrollment.stepSeconds', env: 'WZ_ENROLLMENT_STEP_TTL', default: 300, description: 'Lifetime of each step\'s server nonce: the next step must come within it.' },
  { key: 'enrollment.otpSeconds', env: 'WZ_OTP_TTL', default: 300, description: 'Lifetime of an SMS one-time code.' },
  { key: 'credential.validityDays', env: 'WZ_CREDENTIAL_DAYS', default: 365, description: 'Validity of an issued 网证 in days.' },
  { key: 'credential.deviceAlgs', env: 'WZ_DEVICE_ALGS', default: 'SM2,ES256,EdDSA', description: 'Algorithms a device (holder) key may use, comma-separated from `SM2`, `ES256`, `EdDSA`; enrollment and moving to a new phone refuse others (`unsupported_algorithm`). The web wallet\'s key is ES256 (browsers have no SM2: docs/web-wallet.md); a deployment that requires SM2 end to end says `SM2` and offers a native app.' },
  { key: 'credential.renewalWindowDays', env: 'WZ_RENEWAL_WINDOW_DAYS', default: 30, description: 'A 网证 can be renewed (`POST /v1/me/renew`: same 网号 and device, the old one revoked) only in this many days before it expires; earlier is `renewal_not_due`.' },
  { key: 'sms.sender', env: 'WZ_SMS_SENDER', default: 'outbox', description: '`outbox`: development sender that appends codes to a local file standing in for the phone (refused in production). `disabled`: no SMS; the phone step answers 503 `sms_unavailable` (until a carrier gateway adapter is configured).' },
  { key: 'sms.outboxFile', env: 'WZ_SMS_OUTBOX', default: undefined, description: 'The development SMS outbox file. Defaults to `<dataDir>/sms-outbox.jsonl`.' },
  { key: 'passphrase.memoryKiB', env: 'WZ_ARGON2_MEMORY_KIB', default: 19456, description: 'Argon2id memory cost (KiB) for credential passphrase hashes (OWASP minimum: 19456).' },
  { key: 'passphrase.iterations', env: 'WZ_ARGON2_ITERATIONS', default: 2, description: 'Argon2id time cost for credential passphrase hashes.' },
  { key: 'audit.checkpointSeconds', env: 'WZ_AUDIT_CHECKPOINT_SECONDS', default: 60, description: 'Seconds between signed checkpoints of the audit trail\'s head (one more at shutdown; none while the head has not moved). Entries after the latest checkpoint kept elsewhere can be removed undetected: see docs/audit.md.' },
  { key: 'jobs.intervalMs', env: 'WZ_JOBS_INTERVAL_MS', default: 250, description: 'How often (ms) the job worker looks for due work: Shared Signals pushes and their retries. Bounds the delay from a ban to its signal leaving. `0` starts no worker in this process (another process on the same database does the work).' },
  { key: 'jobs.sweepIntervalSeconds', env: 'WZ_SWEEP_INTERVAL_SECONDS', default: 60, description: 'Seconds between runs of the expiry sweep, a durable job that one worker at a time runs for every process on the database: it deletes expired enrollments (counted as abandoned), pushed authorization requests, access tokens, used client-assertion ids and spent nonces, and Shared Signals rows past `WZ_JOBS_RETENTION_DAYS`; it also creates PostgreSQL\'s monthly partitions ahead (`WZ_PARTITION_MONTHS_AHEAD`) and applies the `WZ_*_RETENTION_DAYS` periods.' },
  { key: 'jobs.retentionDays', env: 'WZ_JOBS_RETENTION_DAYS', default: 7, description: 'Days a Shared Signals SET that failed for good stays as a payload-less row (the operator\'s record), and days a SET held for a poll waits to be acknowledged before the sweep drops it (counted as failed, code `expired`).' },
  { key: 'retention.partitionMonthsAhead', env: 'WZ_PARTITION_MONTHS_AHEAD', default: 3, description: 'PostgreSQL: months ahead of the current one for which the time-partitioned tables (history events, audit entries, verification requests) always have a monthly partition, created by the expiry sweep (and at migration); rows no partition covers land in a DEFAULT partition, so inserts never fail. No effect on SQLite (docs/store.md).' },
  { key: 'retention.historyDays', env: 'WZ_HISTORY_RETENTION_DAYS', default: undefined, description: 'Days a person\'s history events are kept. Unset (the default): kept forever. Set: the expiry sweep removes older ones — on PostgreSQL by dropping whole monthly partitions that lie entirely before the cutoff, on SQLite in bounded batches (docs/store.md).' },
  { key: 'retention.auditDays', env: 'WZ_AUDIT_RETENTION_DAYS', default: undefined, description: 'Days audit entries are kept. Unset (the default): kept forever. Set: entries older than this are removed, but never from the newest checkpoint written before the cutoff on, so that what remains still verifies against that checkpoint (docs/store.md, "Retention"). Needs a database role that may delete audit entries (or drop their partitions).' },
  { key: 'retention.verificationDays', env: 'WZ_VERIFICATION_RETENTION_DAYS', default: undefined, description: 'Days verification requests are kept, with their OIDC authorizations and access tokens. Unset (the default): kept forever. Set: removed like history events; a person\'s view of past verifications and an RP\'s `bizSeq` uniqueness reach back this far only.' },
  { key: 'admin.roles', env: 'WZ_ADMIN_ROLES', default: undefined, description: 'Roles of each operator token id: `id=role+role,…` with roles `operator` (bans, signal delivery), `rp_reviewer` (relying-party applications), `auditor` (audit trail), `liaison` (identity disclosure to law enforcement). A token id without an entry can do nothing. Development default: both generated operators get every role.' },
  { key: 'lifecycle.fourEyes', env: 'WZ_BAN_FOUR_EYES', default: 'off', description: '`on`: a ban or unban of a 网号 takes effect only when a second operator approves it (four eyes); `off`: at once. Production deployments should say `on`.' },
  { key: 'log.level', env: 'WZ_LOG_LEVEL', default: 'info', description: 'pino log level: `fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent`.' },
  { key: 'log.access', env: 'WZ_ACCESS_LOG', default: 'auto', description: '`on`: one `info` line per request — request id, method, route pattern, status, duration, response size; never the URL, query, headers, body, IP address or user agent (docs/operations.md). `off`: none (errors are still logged). `auto` (the default): on in production, off in development, where the log is the terminal `npm start` prints its banner to.' },
  { key: 'metrics.token', env: 'WZ_METRICS_TOKEN', default: undefined, description: 'Bearer token that `GET /metrics` requires (`Authorization: Bearer <token>`; 32–512 printable ASCII characters, keep it secret). Unset: the metrics are open in development and switched off (404) in production.' },
  { key: 'limits.redisUrl', env: 'WZ_REDIS_URL', default: undefined, description: 'Redis for rate-limit counters shared by all server processes (`redis://host:6379/0`, `rediss://` for TLS). Unset: each process counts alone, in memory (docs/limits.md).' },
  { key: 'limits.fallbackDivisor', env: 'WZ_RATE_LIMIT_FALLBACK_DIVISOR', default: 2, description: 'While Redis is unreachable each process counts alone with every limit divided by this: set it to the number of server processes.' },
  { key: 'limits.policies', env: 'WZ_RATE_LIMITS', default: undefined, description: 'Rate-limit policy overrides, `policy=limit/windowSeconds,…`, e.g. `client_fail=5/60,sms_phone=3/3600`; policies and defaults in docs/limits.md.' },
];
