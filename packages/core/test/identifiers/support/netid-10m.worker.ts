/** Worker for the 10-million uniqueness test: runs one slice and reports its invalid count. */
import { parentPort, workerData } from 'node:worker_threads';
import { deriveSlice } from './netid-10m-slice.ts';

const { key, from, to, shared } = workerData as { key: Uint8Array; from: number; to: number; shared: SharedArrayBuffer };
const invalid = deriveSlice(key, from, to, new Float64Array(shared));
parentPort!.postMessage({ invalid });
