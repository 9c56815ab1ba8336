// Boots a worker thread on a TypeScript entry: workers do not inherit the test runner's
// loader, so register tsx here (plain JS, resolvable without it), then import the entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
