// vitest's file order, with a fallback for a run without vitest's timing cache (a fresh clone or a CI machine: no
// node_modules/.vite/vitest/*/results.json). With the cache vitest starts the files that took longest last time
// first, so the two workers end together. Without it vitest starts the largest files first, and fuzz.test.ts (18
// lines, about 30 s) would start among the last and run alone at the end. Then the files known to be long start
// first, longest first, and vitest's order follows for the rest. Left out: the cache's own figures are not mixed
// with this list (a run with a timing for every file keeps vitest's order as it is).
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The longest files, by CPU seconds each took in a whole run (test/cpu-time.ts, 2026-12-07, workers shared across
 * files): 25 s down to 4 s. The first of serve-demo.test.ts and demo.test.ts to start also runs the shared quick
 * demo (test/helpers/quick-demo.ts, about 10 s).
 */
export const LONG_FILES = [
  'test/fuzz/fuzz.test.ts',
  'test/e2e/serve-demo.test.ts',
  'src/engine/contract.test.ts',
  'test/e2e/queue.test.ts',
  'test/e2e/demo.test.ts',
  'test/e2e/queueing.test.ts',
  'test/browser/ui.test.ts',
  'src/engine/guard.test.ts',
  'src/engine/flow/fluid.test.ts',
  'src/engine/packet/engine.test.ts',
  'test/e2e/fidelity.test.ts',
  'test/e2e/inference.test.ts',
  'src/engine/contract-trees.test.ts',
];

export default class Sequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const rel = (f: TestSpecification) => f.moduleId.slice(root.length + 1);
    const timed = sorted.every((f) => this.ctx.cache.getFileTestResults(`${f.project.name}:${rel(f)}`) !== undefined);
    if (timed) return sorted;
    const rank = (f: TestSpecification) => {
      const i = LONG_FILES.indexOf(rel(f));
      return i < 0 ? LONG_FILES.length : i;
    };
    // Array.prototype.sort is stable: the rest keep vitest's order.
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}
