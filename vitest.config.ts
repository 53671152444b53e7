import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import Sequencer from './test/sequencer.ts';
import SummaryReporter from './test/summary-reporter.ts';

const DIST = fileURLToPath(new URL('./dist/', import.meta.url));

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
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
  },
});
