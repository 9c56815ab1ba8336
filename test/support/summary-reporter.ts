/**
 * Prints one plain closing line, `tests: N passed, N failed, N skipped`, so that any
 * CI log reader can count what ran without knowing Vitest's own summary format.
 *
 * "failed" counts failed tests and also everything that fails without being a test: a file
 * that cannot load, a failing beforeAll/afterAll (module or suite level), and unhandled
 * errors. A run that failed never prints "0 failed".
 */
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError> = []): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (mod.errors().length > 0) failed++;
      for (const suite of mod.children.allSuites()) if (suite.errors().length > 0) failed++;
    }
    failed += unhandledErrors.length;
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
