/**
 * The floor benchmark's server (bench/floor.ts), in a process of its own so that its CPU time is
 * read alone: `node --import tsx bench/floor/server.ts fastify|http`. It answers a verification's
 * four exchanges with bodies of their sizes and does nothing else — no schema, no store, no
 * crypto: what any Node HTTP service pays per exchange. Prints its port on stdout.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';

/** Answer bodies of a verification's sizes (bytes): request created, request read, answer, receipt. */
const ANSWER_BYTES: Record<string, number> = { '/create': 400, '/read': 800, '/answer': 200, '/receipt': 1200 };
const answers = Object.fromEntries(Object.entries(ANSWER_BYTES).map(([p, n]) => [p, { status: 'ok', pad: 'x'.repeat(n - 30) }]));

const mode = process.argv[2];
if (mode === 'fastify') {
  const app = Fastify({ logger: false });
  for (const path of ['/create', '/answer']) app.post(path, async () => answers[path]);
  for (const path of ['/read', '/receipt']) app.get(path, async () => answers[path]);
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${(app.server.address() as AddressInfo).port}\n`);
} else if (mode === 'http') {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (chunks.length > 0) JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const body = JSON.stringify(answers[req.url ?? ''] ?? {});
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
} else {
  process.stderr.write('usage: bench/floor/server.ts fastify|http\n');
  process.exit(2);
}
