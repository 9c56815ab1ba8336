/**
 * `Cache-Control: no-store` on the answers to the URLs each module names, from ONE hook. Fastify
 * runs a hook added to the root instance on every request of every route: one `onSend` hook per
 * module (as there were, eight) meant eight promises and eight URL checks on each request, a
 * verification's four and a login's five included (issue 10).
 *
 *   noStore(app, (url) => url.startsWith('/v1/rp/'));   // in the module's register function
 *
 * `url` is the request's URL as sent (path and query). Errors already leave with `no-store`
 * (server/http.ts).
 */
import type { FastifyInstance } from 'fastify';

export type UrlMatch = (url: string) => boolean;

const matchers = new WeakMap<FastifyInstance, UrlMatch[]>();

/** Answers to the requests whose URL `match`es must not be stored by any cache. */
export function noStore(app: FastifyInstance, match: UrlMatch): void {
  const known = matchers.get(app);
  if (known !== undefined) {
    known.push(match);
    return;
  }
  const all: UrlMatch[] = [match];
  matchers.set(app, all);
  // Callback style: no promise on the way out of each request.
  app.addHook('onSend', (req, reply, payload, done) => {
    const url = req.url;
    for (const m of all) {
      if (m(url)) {
        void reply.header('cache-control', 'no-store');
        break;
      }
    }
    done(null, payload);
  });
}
