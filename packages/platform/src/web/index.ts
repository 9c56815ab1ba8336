/**
 * The platform's web apps on its own origin: the person's web wallet under `/wallet/`
 * (docs/web-wallet.md), the venue checker under `/venue/` (docs/venue.md) and the operator
 * console under `/console/` (docs/console.md), the developer portal under `/developers/`
 * (docs/developers.md), built apps served by static.ts; and, in development mode only, the simulation proxy `/sim/*` the wallet
 * uses in place of a phone's NFC reader, camera and SMS inbox (sim.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { registerSimulationProxy } from './sim.ts';
import { registerConsoleStatic, registerDevelopersStatic, registerVenueStatic, registerWalletStatic } from './static.ts';

export { simulationEnabled } from './sim.ts';
export { CONSOLE_DIST, DEVELOPERS_DIST, VENUE_DIST, WALLET_CSP, WALLET_DIST, WEB_CSP } from './static.ts';

/** `dir`: the wallet's build (tests); `venueDir`: the checker's; `consoleDir`: the console's; `developersDir`: the portal's. */
export function registerWebRoutes(app: FastifyInstance, opts: { config: Config; dir?: string; venueDir?: string; consoleDir?: string; developersDir?: string }): void {
  registerWalletStatic(app, opts.dir ? { dir: opts.dir } : {});
  registerVenueStatic(app, opts.venueDir ? { dir: opts.venueDir } : {});
  registerConsoleStatic(app, opts.consoleDir ? { dir: opts.consoleDir } : {});
  registerDevelopersStatic(app, opts.developersDir ? { dir: opts.developersDir } : {});
  registerSimulationProxy(app, opts.config);
}
