/**
 * The person's web wallet on the platform's origin (docs/web-wallet.md): the built app under
 * `/wallet/` (static.ts) and, in development mode only, the simulation proxy `/sim/*` the app
 * uses in place of a phone's NFC reader, camera and SMS inbox (sim.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { registerSimulationProxy } from './sim.ts';
import { registerWalletStatic } from './static.ts';

export { simulationEnabled } from './sim.ts';
export { WALLET_CSP, WALLET_DIST } from './static.ts';

export function registerWebRoutes(app: FastifyInstance, opts: { config: Config; dir?: string }): void {
  registerWalletStatic(app, opts.dir ? { dir: opts.dir } : {});
  registerSimulationProxy(app, opts.config);
}
