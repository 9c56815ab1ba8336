import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more workers only contend for them.
    maxWorkers: 2,
    // The store's development assertion (store.transaction misuse is a TypeError), also in every
    // platform a test starts as a child process; off by default in service (docs/store.md).
    env: { WZ_STORE_CHECK_TRANSACTIONS: 'on' },
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
