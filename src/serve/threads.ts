// The server's own worker threads (worker.ts, through piscina): one pool for the parse-heavy requests, so a 1 MiB
// scenario (about a second of YAML parsing and schema checks) never holds the event loop that answers everyone
// else, and one for the quick demo. Simulations go to the sweeps' pool (runs.ts). Run from the sources (tests,
// tsx), a thread loads worker.ts through tsx; run from dist/, it loads worker.js.
import { fileURLToPath } from 'node:url';
import type { MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { CheckAnswer, CheckTask, DemoTask, RunOutcome } from './tasks.ts';

const FROM_SOURCES = import.meta.url.endsWith('.ts');

/** A pool calling worker.ts's export `name`. Named in the pool, not per task: a thread loads the file through
 * `require` (where tsx compiles it) and looks the export up there; a name it cannot find there sends it to `import`,
 * which has no tsx in a thread. */
function pool(name: string, threads: number, keepWarm: boolean): Piscina {
  const p = new Piscina({
    filename: fileURLToPath(new URL(FROM_SOURCES ? './worker.ts' : './worker.js', import.meta.url)),
    name,
    // A warm checking thread answers the editor's validation at once; loading the library takes a thread seconds.
    minThreads: keepWarm ? 1 : 0,
    maxThreads: threads,
    concurrentTasksPerWorker: 1,
    idleTimeout: keepWarm ? 60_000 : 1000,
    execArgv: FROM_SOURCES ? ['--import', 'tsx'] : [],
  });
  // A thread that dies outside a task (it could not load) is reported, not thrown: unheard, piscina's 'error' event
  // would end the server. Its tasks fail on their own and answer 500.
  p.on('error', (e: unknown) => process.stderr.write(`aifabric serve: a ${name} thread failed: ${String(e)}\n`));
  return p;
}

export class ServeThreads {
  // Two threads: a large scenario being checked does not hold up the next validation.
  private readonly checks = pool('check', 2, true);
  // One demo at a time: the quick demo runs its simulations one after another on its thread.
  private readonly demos = pool('demo', 1, false);

  check(task: CheckTask): Promise<CheckAnswer> {
    return this.checks.run(task);
  }

  /** Aborting `signal` ends the demo's thread. */
  demo(task: DemoTask, signal: AbortSignal): Promise<RunOutcome> {
    return this.demos.run(task, { signal, transferList: [task.progress as MessagePort] });
  }

  async close(): Promise<void> {
    await Promise.all([this.checks.destroy(), this.demos.destroy()]);
  }
}
