/**
 * Runs the demo site: `node --import tsx examples/ticketing/src/main.ts [--issuer URL] [--port P] [--host H] [--data-dir D]`
 * (or `npm start` at the repository root, which starts it beside the platform).
 *
 * Environment: TICKETING_ISSUER (default http://localhost:8080), TICKETING_PORT (8090),
 * TICKETING_HOST (127.0.0.1), WZ_DATA_DIR (.wangzheng) — flags override them.
 *
 * Started by `wangzheng start`, it reports its URL over the IPC channel and exits when its
 * parent goes away.
 */
import { parseArgs } from 'node:util';
import { startTicketing } from './server.ts';

const { values } = parseArgs({
  options: { issuer: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, 'data-dir': { type: 'string' } },
  strict: true,
});
const env = process.env;
const port = Number(values.port ?? env['TICKETING_PORT'] ?? 8090);
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError('--port must be a port number (0–65535)');

try {
  const site = await startTicketing({
    issuer: values.issuer ?? env['TICKETING_ISSUER'] ?? 'http://localhost:8080',
    port,
    host: values.host ?? env['TICKETING_HOST'] ?? '127.0.0.1',
    dataDir: values['data-dir'] ?? env['WZ_DATA_DIR'] ?? '.wangzheng',
  });
  console.log(`ticketing: the demo site is running at ${site.url}/`);
  process.send?.({ ready: site.url });
  const stop = (): void => void site.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
} catch (e) {
  console.error(`ticketing: cannot start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
