// The closing lines of `npm test`: the ten slowest tests, then `N passed, N failed`. Under scripts/test.mjs the
// counts and the slowest tests go to a file it reads, so its own closing line (which adds type-check and lint)
// stays the last line; run alone (`npx vitest run`), this reporter prints both itself.
import { writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

export interface SlowTest {
  name: string;
  file: string;
  ms: number;
}

/** How many of the slowest tests the summary lists. */
const SLOWEST = 10;

/** One line per test, slowest first: `  12.3 s  file > describe > test`. */
export function slowestLines(slow: SlowTest[]): string[] {
  if (slow.length === 0) return [];
  return [
    `the ${slow.length} slowest tests:`,
    ...slow.map((t) => `${(t.ms / 1000).toFixed(1).padStart(6)} s  ${t.file} > ${t.name}`),
  ];
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    const times: SlowTest[] = [];
    for (const mod of testModules) {
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) failed++;
      for (const t of mod.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') passed++;
        else if (s === 'failed') failed++;
        const ms = t.diagnostic()?.duration;
        if (ms !== undefined) times.push({ name: t.fullName, file: mod.relativeModuleId, ms });
      }
    }
    const slowest = times.sort((a, b) => b.ms - a.ms).slice(0, SLOWEST);
    const out = process.env.AIFABRIC_SUMMARY_FILE;
    if (out) writeFileSync(out, JSON.stringify({ passed, failed, slowest: slowestLines(slowest) }));
    else process.stdout.write([...slowestLines(slowest), `${passed} passed, ${failed} failed`, ''].join('\n'));
  }
}
