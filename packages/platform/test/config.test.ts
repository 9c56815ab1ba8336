import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isWzError } from '@wangzheng/core/errors';
import { CONFIG_FIELDS, loadConfig, renderConfigDocs } from '../src/config.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isWzError(e) ? e.code : 'not a WzError';
  }
  return undefined;
}

describe('configuration', () => {
  it('defaults give a valid development configuration on SQLite with the gm suite', () => {
    const cfg = loadConfig({});
    expect(cfg.mode).toBe('development');
    expect(cfg.store.engine).toBe('sqlite');
    expect(cfg.suite).toBe('gm');
    expect(cfg.http.port).toBe(8080);
    expect(cfg.registry.port).toBe(8081);
    // The store's development assertion is off in service (its cost: docs/store.md, "Transactions").
    expect(cfg.store.checkTransactions).toBe(false);
    expect(loadConfig({ WZ_STORE_CHECK_TRANSACTIONS: 'on' }).store.checkTransactions).toBe(true);
    expect(codeOf(() => loadConfig({ WZ_STORE_CHECK_TRANSACTIONS: 'yes' }))).toBe('invalid_configuration');
  });

  it('environment variables and overrides apply, overrides last', () => {
    const cfg = loadConfig({ WZ_PORT: '9090', WZ_SUITE: 'intl' }, { 'http.port': 0 });
    expect(cfg.http.port).toBe(0);
    expect(cfg.suite).toBe('intl');
  });

  it('rejects malformed values, naming the variable but not echoing the value', () => {
    let message = '';
    try {
      loadConfig({ WZ_PORT: 'eighty' });
    } catch (e) {
      message = e instanceof Error ? e.message : '';
    }
    expect(message).toContain('WZ_PORT');
    expect(message).not.toContain('eighty');
    expect(codeOf(() => loadConfig({ WZ_SUITE: 'rot13' }))).toBe('invalid_configuration');
    expect(codeOf(() => loadConfig({ WZ_STORE: 'postgres' }))).toBe('invalid_configuration');
  });

  it('production refuses to start without every secret and signing key (fail fast)', () => {
    let message = '';
    try {
      loadConfig({ WZ_MODE: 'production' });
    } catch (e) {
      message = e instanceof Error ? e.message : '';
    }
    for (const f of CONFIG_FIELDS.filter((x) => x.secret)) expect(message).toContain(f.env);
    expect(message).toContain('WZ_SIGNING_KEY_GM');
  });

  it('production refuses a plain-HTTP registry off loopback', () => {
    const secrets = Object.fromEntries(CONFIG_FIELDS.filter((f) => f.secret).map((f) => [f.env, 'k1:AAAA']));
    const env = { ...secrets, WZ_MODE: 'production', WZ_SIGNING_KEY_GM: 'gm.pem', WZ_SIGNING_KEY_INTL: 'intl.pem', WZ_SMS_SENDER: 'disabled' };
    expect(codeOf(() => loadConfig({ ...env, WZ_REGISTRY_URL: 'http://registry.example:8081' }))).toBe('invalid_configuration');
    expect(codeOf(() => loadConfig({ ...env, WZ_REGISTRY_URL: 'https://registry.example' }))).toBeUndefined();
  });

  it('production refuses the development SMS outbox', () => {
    const secrets = Object.fromEntries(CONFIG_FIELDS.filter((f) => f.secret).map((f) => [f.env, 'k1:AAAA']));
    const env = { ...secrets, WZ_MODE: 'production', WZ_SIGNING_KEY_GM: 'gm.pem', WZ_SIGNING_KEY_INTL: 'intl.pem', WZ_REGISTRY_URL: 'https://registry.example' };
    expect(codeOf(() => loadConfig(env))).toBe('invalid_configuration');
    expect(codeOf(() => loadConfig({ ...env, WZ_SMS_SENDER: 'disabled' }))).toBeUndefined();
  });

  it('docs/configuration.md is generated from the schema and up to date', () => {
    const committed = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    expect(committed.trim()).toBe(renderConfigDocs().trim());
  });
});
