// `wangzheng wallet move` when the platform's answer is lost (docs/person.md, docs/faults.md):
// a proxy in front of a real platform passes the move through and then drops the connection
// before the answer reaches the CLI. The CLI asks again with the same new key and the platform
// answers with the 网证 the move made (lifecycle/reissue-again.ts); when every try goes
// unanswered, the new phone's wallet is kept and the same command, run again, finishes the move.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Started } from '../src/commands/start.ts';
import { registryAdults, startTestSystem, type RegistryAdult } from './support/system.ts';
import { walletRunner } from './support/wallet-runner.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'wz-wallet-move-again-'));
const wallet = walletRunner({ WZ_DATA_DIR: dir });
const PASS = '48273915';
const MOVE = '/v1/me/devices/transfer';
let sys: Started;
let proxy: http.Server;
let proxyUrl = '';
/** How many more moves the proxy carries out at the platform and then cuts off before the answer. */
let swallow = 0;
let carriedOut = 0;

/** Forwards everything to the platform; for a swallowed move, waits for the platform's whole answer, then drops the connection. */
function startProxy(target: string): Promise<void> {
  proxy = http.createServer((req, res) => {
    const up = http.request(new URL(req.url ?? '/', target), { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        if (req.method === 'POST' && req.url === MOVE && swallow > 0) {
          swallow--;
          carriedOut++;
          req.socket.destroy();
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.end(Buffer.concat(chunks));
      });
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  return new Promise((ok) =>
    proxy.listen(0, '127.0.0.1', () => {
      proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      ok();
    }),
  );
}

const at = (w: string): string[] => ['--passphrase', PASS, '--wallet', w, '--platform', proxyUrl];
const enroll = (who: RegistryAdult, w: string, phone: string) =>
  wallet(['enroll', '--document-type', who.documentType, '--document-number', who.documentNumber, '--phone', phone, '--registry', sys.registryUrl, '--yes', ...at(w)]);

beforeAll(async () => {
  sys = await startTestSystem(dir);
  await startProxy(sys.platformUrl);
  const [a, b] = registryAdults(sys, 2);
  expect((await enroll(a!, path.join(dir, 'alice'), '13900007401')).code).toBe(0);
  expect((await enroll(b!, path.join(dir, 'bob'), '13900007501')).code).toBe(0);
});
afterAll(async () => {
  await new Promise((r) => proxy?.close(r));
  await sys?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('wallet move whose answer is lost', () => {
  it('one answer lost: asked again with the same new key, the 网证 the move made is stored; the new wallet works', async () => {
    swallow = 1;
    carriedOut = 0;
    const to = path.join(dir, 'alice-new');
    const r = await wallet(['move', '--to', to, ...at(path.join(dir, 'alice'))]);
    expect(carriedOut).toBe(1);
    expect(r.code).toBe(0);
    expect(r.err).toContain('asking again with the same new key (2/3)');
    expect(r.out).toContain('网证已迁移到新手机 moved to the new phone');
    expect((await wallet(['status', ...at(to)])).out).toMatch(/网证状态 status\s+正常 active/);
    expect(JSON.parse((await wallet(['status', '--json', ...at(path.join(dir, 'alice'))])).out)).toMatchObject({ usable: false, reason: 'transferred' });
  });

  it('every answer lost: exit 1, the new wallet is kept; the same command again finishes the move with that wallet’s key', async () => {
    swallow = 3;
    carriedOut = 0;
    const to = path.join(dir, 'bob-new');
    const lost = await wallet(['move', '--to', to, ...at(path.join(dir, 'bob'))]);
    expect(carriedOut).toBe(3);
    expect(lost.code).toBe(1);
    expect(lost.err).toContain('the new phone\'s wallet is kept in');
    expect(existsSync(path.join(to))).toBe(true);
    const done = await wallet(['move', '--to', to, ...at(path.join(dir, 'bob'))]);
    expect(done.code).toBe(0);
    expect(done.err).toContain('finishing the move to the new phone\'s wallet already in');
    expect((await wallet(['status', ...at(to)])).out).toMatch(/网证状态 status\s+正常 active/);
    // Done once: a further move from the old wallet is refused, and the new wallet is not replaced.
    const again = await wallet(['move', '--to', to, ...at(path.join(dir, 'bob'))]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/\[keystore_exists\]$/m);
  });
});
