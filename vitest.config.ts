import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import Sequencer from './test/sequencer.ts';
import SummaryReporter from './test/summary-reporter.ts';

const DIST = fileURLToPath(new URL('./dist/', import.meta.url));

const INCLUDE = ['src/**/*.test.ts', 'test/**/*.test.ts'];

/**
 * The test files that need a process of their own: a vi.mock of a module of src/ lives as long as the worker's
 * module cache, and would reach the files that run after it in a shared one.
 */
const ISOLATED = ['test/e2e/exit-codes.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/build-first.ts', 'test/shared-folder.ts'],
    // Per-file CPU seconds, for ranking slow files on a loaded machine (test/cpu-time.ts).
    setupFiles: process.env.AIFABRIC_CPU_FILE ? ['test/cpu-time.ts'] : [],
    // Child processes (vitest's default pool): the CLI tests chdir and patch process.stdout, which worker threads
    // cannot. One per core: vitest's default for `run` is cores - 1, a single worker on the 2-core CI machine,
    // which leaves a core idle while the test files run one after another (docs/development.md, "Test time").
    pool: 'forks',
    maxWorkers: availableParallelism(),
    reporters: ['default', new SummaryReporter()],
    // The built library (dist/, which the helpers that run scenarios import: docs/development.md, "Test time") is
    // plain JavaScript: Node loads it as the built command does, not vitest's module runner (which would compile a
    // second copy of the library, and runs the engines 2-4x slower).
    // (A string here names a package under node_modules: the folder is given as a pattern.)
    server: { deps: { external: [new RegExp(`^${DIST.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)] } },
    // The longest files first also where vitest has no timings of its own (test/sequencer.ts).
    sequence: { sequencer: Sequencer },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Each worker process runs test file after test file, sharing its loaded modules (`isolate: false`), except the
    // files of ISOLATED. A fresh process and module graph per file (starting the worker, loading vitest and the
    // sources each file imports) cost over a quarter of the suite's CPU, about 90 of its 315 s (2026-12-07); the 29
    // small files of src/{fabric,scenario,base,workload,report,catalog} take 18 s of CPU instead of 33 s.
    // What a file patches beyond its own modules it puts back itself (browser/ui.test.ts, demo.test.ts).
    projects: [
      { extends: true, test: { name: 'shared', include: INCLUDE, exclude: ISOLATED, isolate: false } },
      { extends: true, test: { name: 'isolated', include: ISOLATED, isolate: true } },
    ],
  },
});
