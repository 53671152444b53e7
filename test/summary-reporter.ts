import { writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

/** Counts test cases and writes them where scripts/test.mjs reads them for the closing `N passed, N failed` line. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    for (const mod of testModules) {
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) failed++;
      for (const t of mod.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') passed++;
        else if (s === 'failed') failed++;
      }
    }
    const out = process.env.AIFABRIC_SUMMARY_FILE;
    if (out) writeFileSync(out, JSON.stringify({ passed, failed }));
    else process.stdout.write(`${passed} passed, ${failed} failed\n`);
  }
}
