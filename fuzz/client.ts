/**
 * Sends one fuzz request and reads the answer. HTTP requests go through node:http with one
 * keep-alive agent (the run's concurrency is its socket count); `raw` requests are written to a
 * fresh socket and the answer read until the server closes it (they say `connection: close`, or
 * are not HTTP at all). A client-side refusal to send (node:http validates methods and header
 * values) is reported as such, not as an answer.
 */
import { request, Agent } from 'node:http';
import { connect } from 'node:net';
import type { Answer } from './checks.ts';
import type { FuzzRequest } from './mutations.ts';

/** The most of a body kept for the checks. */
const KEEP = 256 * 1024;

export interface Outcome extends Answer {
  /** `answered`, `no-answer` (socket closed or timed out without a status line: fine for raw junk), `refused` (by our own client). */
  readonly kind: 'answered' | 'no-answer' | 'refused' | 'timeout';
  readonly note?: string;
}

export function createAgent(concurrency: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
}

export function send(base: URL, req: FuzzRequest, agent: Agent, timeoutMs: number): Promise<Outcome> {
  return req.raw ? sendRaw(base, req.raw, Math.min(timeoutMs, 5_000)) : sendHttp(base, req, agent, timeoutMs);
}

function sendHttp(base: URL, req: FuzzRequest, agent: Agent, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (o: Outcome) => {
      if (!done) {
        done = true;
        resolve(o);
      }
    };
    const headers: Record<string, string> = { ...req.headers };
    if (req.body && !req.chunked) headers['content-length'] = String(req.body.length);
    // node:http frames a body in chunks by itself only for methods that usually have one; say so for the others.
    if (req.body && req.chunked) headers['transfer-encoding'] = 'chunked';
    let r;
    try {
      r = request(
        { host: base.hostname, port: base.port, method: req.method, path: req.path, headers, agent, timeout: timeoutMs, insecureHTTPParser: true },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            if (size < KEEP) chunks.push(c);
            size += c.length;
          });
          res.on('end', () => finish({ kind: 'answered', status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', () => finish({ kind: 'answered', status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
    } catch (e) {
      finish({ kind: 'refused', status: 0, contentType: '', body: '', note: (e as Error).message.slice(0, 120) });
      return;
    }
    r.on('timeout', () => {
      r.destroy();
      finish({ kind: 'timeout', status: 0, contentType: '', body: '', note: `no answer within ${timeoutMs} ms` });
    });
    // The server may answer (413, 400) and close before the whole body is written: an answer already read wins.
    r.on('error', (e: Error & { code?: string }) => finish({ kind: 'no-answer', status: 0, contentType: '', body: '', note: e.code ?? e.message.slice(0, 120) }));
    if (req.body) {
      if (req.chunked) {
        const step = Math.max(1, Math.ceil(req.body.length / 3));
        for (let i = 0; i < req.body.length; i += step) r.write(req.body.subarray(i, i + step));
      } else r.write(req.body);
    }
    r.end();
  });
}

function sendRaw(base: URL, bytes: Buffer, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const s = connect({ host: base.hostname, port: Number(base.port) });
    const finish = (timedOut: boolean) => {
      clearTimeout(timer);
      s.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (!m) {
        resolve({ kind: timedOut ? 'timeout' : 'no-answer', status: 0, contentType: '', body: text.slice(0, 2000) });
        return;
      }
      const end = text.indexOf('\r\n\r\n');
      const head = end < 0 ? text : text.slice(0, end);
      const ct = /\r\ncontent-type:\s*([^\r\n]*)/i.exec(head);
      // The first answer's body (by its content-length); a pipelined second answer is judged by its status only.
      const len = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      const rest = end < 0 ? Buffer.alloc(0) : Buffer.concat(chunks).subarray(end + 4);
      const body = (len ? rest.subarray(0, Number(len[1])) : rest).toString('utf8');
      const later = /\r\nHTTP\/1\.[01] (5\d\d)/.exec(text.slice(end < 0 ? text.length : end));
      resolve({ kind: 'answered', status: later ? Number(later[1]) : Number(m[1]), contentType: ct ? ct[1]! : '', body });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    s.on('data', (c: Buffer) => {
      if (size < KEEP) chunks.push(c);
      size += c.length;
    });
    s.on('close', () => finish(false));
    s.on('error', () => {});
    s.write(bytes);
  });
}
