/**
 * The platform's secrets, resolved once at start-up from the configuration.
 *
 * Production: every ring and signing key comes from the environment / key files
 * (`loadConfig` already refused to start without them).
 *
 * Development: whatever is not configured is taken from `<dataDir>/dev-secrets.json`, created
 * on first start with fresh random keys (mode 0600) and reused afterwards, so 网号 and stored
 * data stay readable across restarts. A loud warning names the file: these keys protect
 * nothing once the file is copied around.
 *
 * The file grows compatibly: a field added by a later release (`adminTokens`, the operator API
 * tokens) is generated and written into an existing file on the next start — the other fields
 * untouched — so the token stays the same across restarts and can be read from the file.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKey, importPrivateKeyPem, importPublicKey, type PrivateKey, type PublicKey, type SigAlg } from '@wangzheng/core/crypto/index';
import { WzError } from '@wangzheng/core/errors';
import { generateSecretEntry, parseSecretRing, type SecretRing } from '@wangzheng/core/identifiers/index';
import { generateSharedKey } from '@wangzheng/core/registry/http-auth';
import type { Config } from './config.ts';

export interface PlatformSecrets {
  readonly netid: SecretRing;
  readonly appid: SecretRing;
  readonly kek: SecretRing;
  readonly blindIndex: SecretRing;
  /** Operator (admin API) bearer tokens; the id names the operator in audit events. */
  readonly admin: SecretRing;
  /** `keyId:base64url` shared with the registry for HMAC-SM3 request signatures. */
  readonly registryKey: string;
  /** The platform's signing keys: SM2 (gm) and ES256 (intl). */
  readonly signing: { readonly gm: PrivateKey; readonly intl: PrivateKey };
  /** Earlier signing keys kept after a rotation: they verify and are published, never sign. */
  readonly verifyOnly: { readonly gm: readonly PublicKey[]; readonly intl: readonly PublicKey[] };
  /** Where development secrets came from, when they did (for the warning). */
  readonly developmentFile?: string;
}

interface DevSecretsFile {
  version: 1;
  netid: string;
  appid: string;
  kek: { gm: string; intl: string };
  blindIndex: string;
  registryKey: string;
  signing: { gm: string; intl: string };
  /** Added after version 1 first shipped: older files lack it until the next start adds it. */
  adminTokens: string;
}

export const DEV_SECRETS_FILE = 'dev-secrets.json';

function newDevSecrets(): DevSecretsFile {
  return {
    version: 1,
    netid: generateSecretEntry('dev-netid-1'),
    appid: generateSecretEntry('dev-appid-1'),
    kek: { gm: generateSecretEntry('dev-kek-1', 16), intl: generateSecretEntry('dev-kek-1', 32) },
    blindIndex: generateSecretEntry('dev-bidx-1'),
    registryKey: generateSharedKey('dev'),
    signing: { gm: generateKey('SM2').toPem(), intl: generateKey('ES256').toPem() },
    adminTokens: devAdminTokens(),
  };
}

/** Write-then-rename so a crash never leaves half a file that later starts would reject. */
function writeSecretsFile(file: string, secrets: DevSecretsFile): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

function readSecretsFile(file: string): DevSecretsFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new WzError('invalid_configuration', `${file} is not valid JSON; delete it to generate new development secrets`);
  }
  const s = parsed as Partial<DevSecretsFile>;
  if (s?.version !== 1 || typeof s.netid !== 'string' || typeof s.registryKey !== 'string' || typeof s.signing?.gm !== 'string' || typeof s.kek?.gm !== 'string') {
    throw new WzError('invalid_configuration', `${file} is not a development secrets file of this version; delete it to generate new ones`);
  }
  if (s.adminTokens !== undefined && typeof s.adminTokens !== 'string') {
    throw new WzError('invalid_configuration', `${file}: adminTokens is not a string; delete the field to generate a new one`);
  }
  return s as DevSecretsFile;
}

/**
 * Reads (or, the first time, creates) `<dataDir>/dev-secrets.json`. The registry simulator
 * started on its own uses the same file, so `registry serve` and `start` agree on the key.
 */
export function developmentSecretsFile(dataDir: string, onCreate?: (file: string) => void): { file: string; secrets: DevSecretsFile } {
  const file = join(dataDir, DEV_SECRETS_FILE);
  if (existsSync(file)) {
    const existing = readSecretsFile(file);
    if (existing.adminTokens !== undefined) return { file, secrets: existing };
    // A file from before the admin API: add the field, keep everything else, and use what is
    // on disk afterwards (of two processes upgrading at the same moment, the later rename wins
    // the file; restart the other — a development-only race).
    writeSecretsFile(file, { ...existing, adminTokens: devAdminTokens() });
    return { file, secrets: readSecretsFile(file) };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secrets = newDevSecrets();
  writeSecretsFile(file, secrets);
  onCreate?.(file);
  return { file, secrets };
}

function readKeyFile(path: string, what: string): PrivateKey {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch {
    throw new WzError('invalid_configuration', `${what}: cannot read the key file ${path}`);
  }
  return importPrivateKeyPem(pem);
}

const PEM_BLOCK = /-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g;

/** The earlier public keys of one suite (WZ_SIGNING_VERIFY_KEYS_*): each a public key of `alg`. */
function readVerifyKeys(path: string | undefined, alg: SigAlg, what: string): PublicKey[] {
  if (path === undefined) return [];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new WzError('invalid_configuration', `${what}: cannot read the key file ${path}`);
  }
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new WzError('invalid_configuration', `${what}: ${path} holds no PEM public key (-----BEGIN PUBLIC KEY-----)`);
  return blocks.map((pem, i) => {
    let key: PublicKey;
    try {
      key = importPublicKey(pem);
    } catch {
      throw new WzError('invalid_configuration', `${what}: public key ${i + 1} in ${path} does not parse`);
    }
    if (key.alg !== alg) throw new WzError('invalid_configuration', `${what}: public key ${i + 1} in ${path} is ${key.alg}, not ${alg}`);
    return key;
  });
}

/** Resolves every secret the platform needs. Never logs a value. */
export function resolveSecrets(cfg: Config, opts: { onDevelopmentFile?: (file: string, created: boolean) => void } = {}): PlatformSecrets {
  const s = cfg.secrets;
  const complete =
    s.netid && s.appid && s.kek && s.blindIndex && s.admin && cfg.registry.sharedKey && cfg.signing.gmKeyFile && cfg.signing.intlKeyFile;
  let dev: DevSecretsFile | undefined;
  let devFile: string | undefined;
  if (!complete) {
    if (cfg.mode === 'production') throw new WzError('invalid_configuration', 'production mode requires every secret to be configured');
    let created = false;
    const r = developmentSecretsFile(cfg.dataDir, () => {
      created = true;
    });
    dev = r.secrets;
    devFile = r.file;
    opts.onDevelopmentFile?.(r.file, created);
  }
  const kekLength = cfg.suite === 'gm' ? 16 : 32;
  const kek = parseSecretRing(s.kek ?? dev!.kek[cfg.suite], { minKeyBytes: 16 });
  if (kek.some((k) => k.key.length !== kekLength)) {
    throw new WzError('invalid_configuration', `WZ_KEK_KEYS: every key must be ${kekLength} bytes for the ${cfg.suite} suite`);
  }
  return {
    netid: parseSecretRing(s.netid ?? dev!.netid),
    appid: parseSecretRing(s.appid ?? dev!.appid),
    kek,
    blindIndex: parseSecretRing(s.blindIndex ?? dev!.blindIndex),
    admin: parseSecretRing(s.admin ?? dev!.adminTokens),
    registryKey: cfg.registry.sharedKey ?? dev!.registryKey,
    signing: {
      gm: cfg.signing.gmKeyFile ? readKeyFile(cfg.signing.gmKeyFile, 'WZ_SIGNING_KEY_GM') : importPrivateKeyPem(dev!.signing.gm),
      intl: cfg.signing.intlKeyFile ? readKeyFile(cfg.signing.intlKeyFile, 'WZ_SIGNING_KEY_INTL') : importPrivateKeyPem(dev!.signing.intl),
    },
    verifyOnly: {
      gm: readVerifyKeys(cfg.signing.gmVerifyKeysFile, 'SM2', 'WZ_SIGNING_VERIFY_KEYS_GM'),
      intl: readVerifyKeys(cfg.signing.intlVerifyKeysFile, 'ES256', 'WZ_SIGNING_VERIFY_KEYS_INTL'),
    },
    ...(devFile ? { developmentFile: devFile } : {}),
  };
}

/** Two development operators, so that four-eyes approval can be tried locally. */
function devAdminTokens(): string {
  return `${generateSecretEntry('dev-admin-1')},${generateSecretEntry('dev-admin-2')}`;
}
