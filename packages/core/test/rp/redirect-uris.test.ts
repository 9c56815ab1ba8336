import { describe, expect, it } from 'vitest';
import { checkRedirectUris, deriveSectorIdentifier, parseSectorIdentifier } from '../../src/rp/redirect-uris.ts';
import { thrown } from '../identifiers/support/errors.ts';

const PROD = { allowLoopbackHttp: false };
const DEV = { allowLoopbackHttp: true };

describe('redirect URIs: exact strings, https only (RFC 9700 §4.1, OIDC Core §3.1.2.1)', () => {
  it('https URIs are kept exactly as given (query allowed, no normalisation)', () => {
    const uris = ['https://app.example.cn/cb', 'https://APP.example.cn:8443/cb?tenant=1', 'https://app.example.cn/a/../cb'];
    expect(checkRedirectUris(uris, PROD)).toEqual(uris);
  });

  it('http://localhost and http://127.0.0.1 with any port: development mode only', () => {
    const loop = ['http://localhost/cb', 'http://localhost:3000/cb', 'http://127.0.0.1:53682/callback'];
    expect(checkRedirectUris(loop, DEV)).toEqual(loop);
    for (const u of loop) {
      const t = thrown(() => checkRedirectUris([u], PROD));
      expect(t.code).toBe('invalid_redirect_uri');
      expect(t.message).toMatch(/development mode/);
    }
  });

  it('plain http elsewhere is refused even in development (not loopback: 127.0.0.2, [::1], a LAN name)', () => {
    for (const u of ['http://app.example.cn/cb', 'http://127.0.0.2/cb', 'http://[::1]:3000/cb', 'http://localhost.example.cn/cb']) {
      expect(thrown(() => checkRedirectUris([u], DEV)).code, u).toBe('invalid_redirect_uri');
    }
  });

  it('OIDC Core §3.1.2.1: no fragment, not even an empty one', () => {
    expect(thrown(() => checkRedirectUris(['https://app.example.cn/cb#x'], PROD)).message).toMatch(/fragment/);
    expect(thrown(() => checkRedirectUris(['https://app.example.cn/cb#'], PROD)).code).toBe('invalid_redirect_uri');
  });

  it('refused: relative, other schemes, user info, white space or control characters, too long', () => {
    const bad = [
      '/cb',
      'app.example.cn/cb',
      'javascript:alert(1)',
      'data:text/html,x',
      'com.example.app:/oauth2redirect',
      'https://user:pw@app.example.cn/cb',
      'https://app.example.cn/c b',
      'https://app.example.cn/cb\n',
      ' https://app.example.cn/cb',
      'https://app.example.cn/\tcb',
      `https://app.example.cn/${'a'.repeat(2000)}`,
    ];
    for (const u of bad) expect(thrown(() => checkRedirectUris([u], DEV)).code, JSON.stringify(u)).toBe('invalid_redirect_uri');
  });

  it('1 to 10 URIs, no duplicates; the message names the position', () => {
    const ten = Array.from({ length: 10 }, (_, i) => `https://app.example.cn/cb${i}`);
    expect(checkRedirectUris(ten, PROD)).toHaveLength(10);
    expect(thrown(() => checkRedirectUris([...ten, 'https://app.example.cn/cb10'], PROD)).code).toBe('invalid_redirect_uri');
    expect(thrown(() => checkRedirectUris([], PROD)).code).toBe('invalid_redirect_uri');
    expect(thrown(() => checkRedirectUris('https://app.example.cn/cb', PROD)).code).toBe('invalid_redirect_uri');
    expect(thrown(() => checkRedirectUris(['https://a.example.cn/cb', 'https://a.example.cn/cb'], PROD)).message).toMatch(/redirectUris\[1\]/);
  });
});

describe('OIDC Core §8.1: sector identifier for pairwise subjects', () => {
  it('default: the single host of every redirect URI (ports and paths ignored, host lower-cased)', () => {
    expect(deriveSectorIdentifier(['https://App.Example.cn/cb', 'https://app.example.cn:8443/other'])).toBe('app.example.cn');
    expect(deriveSectorIdentifier(['http://localhost:3000/cb', 'http://localhost:4000/cb'])).toBe('localhost');
  });

  it('redirect URIs on several hosts without a sectorIdentifier → invalid_sector_identifier', () => {
    const t = thrown(() => deriveSectorIdentifier(['https://www.example.cn/cb', 'https://m.example.cn/cb']));
    expect(t.code).toBe('invalid_sector_identifier');
    expect(t.message).toMatch(/OIDC Core §8\.1/);
  });

  it('several hosts with a sectorIdentifier: the sector is that host', () => {
    expect(deriveSectorIdentifier(['https://www.example.cn/cb', 'https://m.example.cn/cb'], 'example.cn')).toBe('example.cn');
    expect(deriveSectorIdentifier(['https://www.example.cn/cb'], 'https://Example.CN/')).toBe('example.cn');
  });

  it('a sectorIdentifier is a host name, or an https URL of a host only', () => {
    expect(parseSectorIdentifier('例子.中国')).toBe('xn--fsqu00a.xn--fiqs8s');
    for (const s of ['', 'http://example.cn', 'https://example.cn/path', 'https://example.cn:8443', 'https://u@example.cn', 'exa mple.cn', 'https://example.cn?x=1', 'example.cn#x', 'a'.repeat(301)]) {
      expect(thrown(() => parseSectorIdentifier(s)).code, s).toBe('invalid_sector_identifier');
    }
  });
});
