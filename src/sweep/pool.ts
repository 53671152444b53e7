// Runs a sweep's points on worker threads of this machine (piscina): one thread per core unless told otherwise.
// Run from the sources (tests, tsx), a thread loads worker.ts through tsx; run from dist/, it loads worker.js.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Executor } from './executor.ts';
import type { PointJob, PointOutcome } from './job.ts';

const FROM_SOURCES = import.meta.url.endsWith('.ts');

export class LocalPool implements Executor {
  private readonly pool: Piscina<PointJob, PointOutcome>;
  private closed = false;

  constructor(workers = availableParallelism()) {
    this.pool = new Piscina({
      filename: fileURLToPath(new URL(FROM_SOURCES ? './worker.ts' : './worker.js', import.meta.url)),
      minThreads: 0,
      maxThreads: workers,
      // A point holds its thread for its whole run; queueing them in the pool keeps the order we submit.
      concurrentTasksPerWorker: 1,
      idleTimeout: 1000,
      execArgv: FROM_SOURCES ? ['--import', 'tsx'] : [],
    });
  }

  async run(jobs: PointJob[], onOutcome: (o: PointOutcome) => void): Promise<void> {
    await Promise.all(
      jobs.map((job) =>
        this.pool.run(job).then(
          (o) => {
            if (!this.closed) onOutcome(o);
          },
          (e: unknown) => {
            // A thread that died (out of memory, a crash) fails its point; the pool starts a new thread.
            if (!this.closed) onOutcome({ key: job.key, ok: false, error: String(e), wallMs: 0, worker: 'pool' });
          },
        ),
      ),
    );
  }

  /** One job, cancellable: aborting `signal` ends its thread (piscina terminates it), so a run stops at once
   * wherever it is. `transfer` moves the job's progress port to the thread. */
  runOne(job: PointJob, signal?: AbortSignal, transfer?: MessagePort[]): Promise<PointOutcome> {
    return this.pool.run(job, { signal, transferList: transfer });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool.destroy();
  }
}
