/**
 * The console's routes live in the fragment (`#/rps?status=pending`): the server serves one page;
 * a route never reaches a server or its logs. The same hash routing as the wallet's.
 */
export { go, href, parseHash, useRoute, type Route } from '../wallet/router.ts';
