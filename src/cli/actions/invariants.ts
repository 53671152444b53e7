// A failed engine invariant is a bug in aifabric, not in the input: the result is still printed, each failed
// invariant goes to stderr, and the exit code is 4 (EXIT.invariant). Unfinished flows at --until are reported in
// the result, not here: stopping early is what was asked.
import type { Result } from '../../result/types.ts';
import { EXIT } from '../exit.ts';

/** The completion invariant's name on each engine (flow: tasks; packet and inference: flows). */
const COMPLETION = new Set(['every flow completed', 'every task completed']);

export function reportInvariants(results: readonly Pick<Result, 'invariants'>[]): void {
  let failed = false;
  for (const r of results)
    for (const i of r.invariants) {
      if (i.ok || COMPLETION.has(i.name)) continue;
      process.stderr.write(`error: invariant failed: ${i.name}: ${i.detail} (a bug in aifabric; please report it)\n`);
      failed = true;
    }
  if (failed) process.exitCode = EXIT.invariant;
}
