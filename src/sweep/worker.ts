// The worker thread of the local pool (src/sweep/pool.ts): piscina calls the default export with one job and sends
// its outcome back. Kept apart from the pool so a thread loads the engines and nothing of the orchestration. A job
// that carries a `progress` port (`aifabric serve`) gets `started` and progress messages on it, at most one every
// PROGRESS_MS of wall time: the wall clock paces messages only, never the model.
import type { PointJob, PointOutcome, PointProgress } from './job.ts';
import { runPoint } from './run-point.ts';

/** Enough for a progress bar to move smoothly, few enough that posting costs nothing next to the run. */
const PROGRESS_MS = 200;

export default function run(job: PointJob): PointOutcome {
  const port = job.progress;
  if (!port) return runPoint(job);
  const post = (m: PointProgress) => port.postMessage(m);
  post({ kind: 'started' });
  let last = 0;
  let pending: PointProgress | null = null;
  const outcome = runPoint({ ...job, progress: undefined }, undefined, (done, total, nowPs, events) => {
    pending = { kind: 'progress', done, total, simPs: nowPs, ...(events === undefined ? {} : { events }) };
    const t = performance.now();
    if (t - last < PROGRESS_MS) return;
    last = t;
    post(pending);
    pending = null;
  });
  if (pending) post(pending);
  port.close();
  return outcome;
}
