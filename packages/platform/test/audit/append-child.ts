/**
 * Child process for "several server processes append at once": opens a store on the config
 * given as JSON in argv[2] and records argv[3] entries, each in its own transaction, all started
 * at once. Prints the sequence numbers it got as JSON. With argv[4] = `queue` it queues them
 * instead (`enqueue`), with a sequencer pass (`wait: false`) after each commit, as a server's
 * sequencer would run beside its requests, and prints how many entries its passes chained.
 */
import { getSuite, KeyRing } from '@wangzheng/core/crypto/index';
import { AuditTrail } from '../../src/audit/index.ts';
import { openStore, type StoreConfig } from '../../src/store/index.ts';

const cfg = JSON.parse(process.argv[2] ?? '') as StoreConfig;
const n = Number(process.argv[3]);
const queue = process.argv[4] === 'queue';
const store = await openStore(cfg);
const suite = getSuite('gm');
const trail = new AuditTrail({ store, suite, signing: new KeyRing(suite.generateKey()), now: Date.now });
if (queue) {
  const chained = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      await store.transaction((tx) => trail.enqueue(tx, { actor: `system:${process.pid}`, action: 'verification.completed', data: { n: i, pid: process.pid } }));
      return trail.sequence({ wait: false });
    }),
  );
  process.stdout.write(JSON.stringify(chained.reduce((a, b) => a + b, 0)));
} else {
  const got = await Promise.all(
    Array.from({ length: n }, (_, i) => store.transaction((tx) => trail.record(tx, { actor: `system:${process.pid}`, action: 'verification.completed', data: { n: i } }))),
  );
  process.stdout.write(JSON.stringify(got.map((e) => e.seq)));
}
await store.close();
