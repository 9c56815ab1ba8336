/**
 * One typed configuration for the platform and the registry simulator.
 *
 * Sources, later wins: built-in defaults → environment variables (`WZ_*`) → explicit
 * overrides (CLI flags, tests). Everything is validated at start-up; dangerous settings
 * fail fast (development secrets in production, plain HTTP registry in production…).
 *
 * `docs/configuration.md` is generated from `CONFIG_FIELDS` (config-fields.ts; `wangzheng
 * config docs`), and a test keeps it in step with them.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { WzError } from '@wangzheng/core/errors';
import { DEVICE_ALGS } from '@wangzheng/core/enrollment/device-proof';
import { CONFIG_FIELDS } from './config-fields.ts';
import { policiesSpec } from './limits/policies.ts';

export { CONFIG_FIELDS, type ConfigField } from './config-fields.ts';

const port = z.coerce.number().int().min(0).max(65535);

/** `WZ_TRUST_PROXY`: IPv4/IPv6 addresses or CIDR ranges, comma-separated — never "trust everyone". */
const trustedProxies = z
  .string()
  .max(2000)
  .transform((v) => v.split(',').map((x) => x.trim()).filter((x) => x !== ''))
  .refine((xs) => xs.length > 0 && xs.every(isAddressOrRange), { message: 'expected IP addresses or CIDR ranges, comma-separated' });

function isAddressOrRange(x: string): boolean {
  const [addr, bits, extra] = x.split('/');
  const family = isIP(addr ?? '');
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  const n = /^[0-9]{1,3}$/.test(bits) ? Number(bits) : -1;
  return n >= 0 && n <= (family === 4 ? 32 : 128);
}

export const configSchema = z.object({
  mode: z.enum(['development', 'production']),
  dataDir: z.string().min(1),
  suite: z.enum(['gm', 'intl']),
  http: z.object({
    host: z.string().min(1),
    port,
    publicUrl: z.url().optional(),
    bodyLimit: z.coerce.number().int().min(1024).max(16 * 1024 * 1024),
    headersTimeoutMs: z.coerce.number().int().min(100).max(600_000),
    requestTimeoutMs: z.coerce.number().int().min(100).max(3_600_000),
    keepAliveTimeoutMs: z.coerce.number().int().min(100).max(600_000),
    trustProxy: trustedProxies.optional(),
  }),
  store: z.object({
    engine: z.enum(['sqlite', 'postgres']),
    sqlitePath: z.string().min(1).optional(),
    postgresUrl: z.string().min(1).optional(),
    postgresSchema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/).optional(),
    poolSize: z.coerce.number().int().min(1).max(256),
    preparedStatements: z.enum(['on', 'off']).transform((v) => v === 'on'),
    checkTransactions: z.enum(['on', 'off']).transform((v) => v === 'on'),
  }),
  registry: z.object({
    url: z.url(),
    sharedKey: z.string().optional(),
    port,
    population: z.coerce.number().int().min(0).max(2_000_000_000),
    seed: z.string().min(1),
    faceThreshold: z.coerce.number().min(0).max(1),
  }),
  secrets: z.object({
    netid: z.string().optional(),
    appid: z.string().optional(),
    kek: z.string().optional(),
    blindIndex: z.string().optional(),
    admin: z.string().optional(),
  }),
  signing: z.object({
    gmKeyFile: z.string().optional(),
    intlKeyFile: z.string().optional(),
    gmVerifyKeysFile: z.string().optional(),
    intlVerifyKeysFile: z.string().optional(),
  }),
  enrollment: z.object({
    ttlSeconds: z.coerce.number().int().min(60).max(86_400),
    stepSeconds: z.coerce.number().int().min(30).max(3_600),
    otpSeconds: z.coerce.number().int().min(30).max(3_600),
  }),
  credential: z.object({
    validityDays: z.coerce.number().int().min(1).max(3_650),
    renewalWindowDays: z.coerce.number().int().min(1).max(365),
    deviceAlgs: z
      .string()
      .transform((s) => [...new Set(s.split(',').map((a) => a.trim()).filter((a) => a !== ''))])
      .pipe(z.array(z.enum(DEVICE_ALGS)).min(1)),
  }),
  sms: z.object({
    sender: z.enum(['outbox', 'disabled']),
    outboxFile: z.string().min(1).optional(),
  }),
  passphrase: z.object({
    memoryKiB: z.coerce.number().int().min(8_192).max(4_194_304),
    iterations: z.coerce.number().int().min(1).max(20),
  }),
  audit: z.object({
    checkpointSeconds: z.coerce.number().int().min(1).max(86_400),
    sequenceIntervalMs: z.coerce.number().int().min(10).max(60_000),
  }),
  jobs: z.object({
    intervalMs: z.coerce.number().int().min(0).max(60_000),
    sweepIntervalSeconds: z.coerce.number().int().min(1).max(86_400),
    retentionDays: z.coerce.number().int().min(1).max(3_650),
  }),
  retention: z.object({
    partitionMonthsAhead: z.coerce.number().int().min(0).max(60),
    historyDays: z.coerce.number().int().min(1).max(36_500).optional(),
    auditDays: z.coerce.number().int().min(1).max(36_500).optional(),
    verificationDays: z.coerce.number().int().min(1).max(36_500).optional(),
  }),
  admin: z.object({
    roles: z.string().max(4000).optional(),
  }),
  lifecycle: z.object({
    fourEyes: z.enum(['on', 'off']).transform((v) => v === 'on'),
  }),
  log: z.object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    access: z.enum(['auto', 'on', 'off']),
  }),
  limits: z.object({
    redisUrl: z.string().regex(/^rediss?:\/\/\S+$/, 'a redis:// or rediss:// URL').optional(),
    fallbackDivisor: z.coerce.number().int().min(1).max(256),
    policies: policiesSpec,
  }),
  metrics: z.object({
    token: z.string().regex(/^[\x21-\x7e]{32,512}$/, '32–512 printable ASCII characters without spaces').optional(),
  }),
}).transform((c) => ({
  ...c,
  // `auto`: on in production; off in development, where the log is the terminal of `npm start`.
  log: { ...c.log, access: c.log.access === 'auto' ? c.mode === 'production' : c.log.access === 'on' },
}));

export type Config = z.infer<typeof configSchema>;

type Plain = { [k: string]: unknown };

function setPath(obj: Plain, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof cur[p] !== 'object' || cur[p] === null) cur[p] = {};
    cur = cur[p] as Plain;
  }
  cur[parts.at(-1)!] = value;
}

/**
 * Builds and validates the configuration. `overrides` are dotted keys (`'http.port': 0`).
 * Throws WzError('invalid_configuration') naming the offending settings (never their values).
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Record<string, unknown> = {},
): Config {
  const raw: Plain = {};
  for (const f of CONFIG_FIELDS) {
    const fromEnv = env[f.env];
    const value = f.key in overrides ? overrides[f.key] : fromEnv !== undefined && fromEnv !== '' ? fromEnv : f.default;
    if (value !== undefined) setPath(raw, f.key, value);
  }
  for (const group of ['http', 'store', 'registry', 'secrets', 'signing', 'enrollment', 'credential', 'sms', 'passphrase', 'admin', 'log', 'metrics', 'limits']) {
    if (raw[group] === undefined) raw[group] = {};
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => {
      const key = i.path.join('.');
      const field = CONFIG_FIELDS.find((f) => f.key === key);
      return field ? `${key} (${field.env}): ${i.message}` : `${key}: ${i.message}`;
    });
    throw new WzError('invalid_configuration', `invalid configuration: ${fields.join('; ')}`);
  }
  const cfg = parsed.data;
  if (cfg.http.headersTimeoutMs > cfg.http.requestTimeoutMs) {
    throw new WzError('invalid_configuration', 'invalid configuration: http.headersTimeoutMs (WZ_HTTP_HEADERS_TIMEOUT_MS) must not exceed http.requestTimeoutMs');
  }
  if (cfg.store.engine === 'postgres' && !cfg.store.postgresUrl) {
    throw new WzError('invalid_configuration', 'invalid configuration: store.postgresUrl (WZ_POSTGRES_URL) is required when store.engine=postgres');
  }
  if (cfg.mode === 'production') assertProductionSafe(cfg);
  return cfg;
}

/** Fail fast on settings that are fine on a laptop and dangerous in a deployment. */
function assertProductionSafe(cfg: Config): void {
  const problems: string[] = [];
  for (const f of CONFIG_FIELDS.filter((x) => x.secret)) {
    const value = f.key.split('.').reduce<unknown>((o, k) => (o as Plain | undefined)?.[k], cfg);
    if (value === undefined) problems.push(`${f.env} must be set in production`);
  }
  if (!cfg.signing.gmKeyFile) problems.push('WZ_SIGNING_KEY_GM must be set in production');
  if (!cfg.signing.intlKeyFile) problems.push('WZ_SIGNING_KEY_INTL must be set in production');
  if (cfg.registry.url.startsWith('http://') && !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(cfg.registry.url)) {
    problems.push('WZ_REGISTRY_URL must use https outside loopback in production');
  }
  if (cfg.sms.sender === 'outbox') problems.push('WZ_SMS_SENDER=outbox writes one-time codes to a local file; production needs a carrier gateway (or WZ_SMS_SENDER=disabled)');
  if (problems.length > 0) {
    throw new WzError('invalid_configuration', `unsafe production configuration: ${problems.join('; ')}`);
  }
}

export function sqlitePath(cfg: Config, name = 'platform.db'): string {
  return cfg.store.sqlitePath ?? `${cfg.dataDir}/${name}`;
}

export function smsOutboxPath(cfg: Config): string {
  return cfg.sms.outboxFile ?? `${cfg.dataDir}/sms-outbox.jsonl`;
}

export function publicUrl(cfg: Config): string {
  return cfg.http.publicUrl ?? `http://localhost:${cfg.http.port}`;
}

/** Markdown table of every setting, for docs/configuration.md. */
export function renderConfigDocs(): string {
  const rows = CONFIG_FIELDS.map(
    (f) => `| \`${f.env}\` | \`${f.key}\` | ${f.default === undefined ? '—' : `\`${f.default}\``} | ${f.secret ? '**secret** — ' : ''}${f.description} |`,
  );
  return [
    '# Configuration',
    '',
    'Generated from `packages/platform/src/config.ts` by `npx wangzheng config docs`; do not edit by hand.',
    'Every setting is read from its environment variable; command-line flags override them where a command offers one.',
    'In `production` mode every secret must be given explicitly and the process refuses to start otherwise.',
    '',
    '| variable | key | default | meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
