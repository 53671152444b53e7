// The contract every way of running a sweep's points fulfils (the local thread pool, the BullMQ queue): take jobs,
// report each one's outcome once, stop early when asked. src/sweep/executor.contract.ts is its shared test suite.
import type { PointJob, PointOutcome } from './job.ts';

export interface Executor {
  /** Runs every job; `onOutcome` is called once per job, in completion order. Resolves when all are reported or
   * the executor was stopped. */
  run(jobs: PointJob[], onOutcome: (o: PointOutcome) => void): Promise<void>;
  /** Stops taking jobs and releases threads or connections (Ctrl-C, or the end). */
  close(): Promise<void>;
}
