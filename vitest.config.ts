import { defineConfig } from 'vitest/config';
import SummaryReporter from './test/summary-reporter.ts';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/build-first.ts', 'test/shared-folder.ts'],
    // Per-file CPU seconds, for ranking slow files on a loaded machine (test/cpu-time.ts).
    setupFiles: process.env.AIFABRIC_CPU_FILE ? ['test/cpu-time.ts'] : [],
    reporters: ['default', new SummaryReporter()],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
