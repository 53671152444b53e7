// The worker thread of the local pool (src/sweep/pool.ts): piscina calls the default export with one job and sends
// its outcome back. Kept apart from the pool so a thread loads the engines and nothing of the orchestration.
import type { PointJob, PointOutcome } from './job.ts';
import { runPoint } from './run-point.ts';

export default function run(job: PointJob): PointOutcome {
  return runPoint(job);
}
