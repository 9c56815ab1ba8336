/**
 * Population worker: generates batches in index order and posts them to the loading thread,
 * at most a few ahead (each 'ack' returns a credit), so memory stays bounded.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PopulationModel } from './generate.ts';
import { packBatch } from './load.ts';

const { count, seed, asOf, batchSize } = workerData as { count: number; seed: string; asOf: string; batchSize: number };
const port = parentPort!;
const model = new PopulationModel({ count, seed, asOf });
let credits = 4;
let wake: (() => void) | undefined;
port.on('message', (m) => {
  if (m === 'ack') {
    credits++;
    wake?.();
    wake = undefined;
  }
});
for (let from = 0; from < count; from += batchSize) {
  while (credits === 0) await new Promise<void>((r) => (wake = r));
  credits--;
  port.postMessage(packBatch(model, from, Math.min(count, from + batchSize)));
}
port.postMessage({ end: true });
port.close();
