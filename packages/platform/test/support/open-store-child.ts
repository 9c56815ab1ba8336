/**
 * Child process for the "several processes start at once" test: opens a store on the config
 * given as JSON in argv[2], prints the migrations it applied as JSON, closes.
 */
import { openStore, type StoreConfig } from '../../src/store/index.ts';

const cfg = JSON.parse(process.argv[2] ?? '') as StoreConfig;
const store = await openStore(cfg);
process.stdout.write(JSON.stringify(store.migrationsApplied));
await store.close();
