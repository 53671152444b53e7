// `aifabric sweep FILE`: expand the sweep, run what the store lacks on a thread pool (or a BullMQ queue), print one
// row per point. A failed point is listed at the end and makes the exit code 1; Ctrl-C stops the pool and leaves
// the store as it is (every row whole), and the next run resumes.
import { dirname, join } from 'node:path';
import cliProgress from 'cli-progress';
import { loadCatalog } from '../../catalog/index.ts';
import { formatProblem } from '../../errors.ts';
import type { Result } from '../../result/types.ts';
import { expandSweep, loadSweepFile } from '../../scenario/sweep.ts';
import type { Executor } from '../../sweep/executor.ts';
import { codeHash } from '../../sweep/key.ts';
import { planSweep } from '../../sweep/plan.ts';
import { LocalPool } from '../../sweep/pool.ts';
import { runSweep } from '../../sweep/run-sweep.ts';
import { RunStore } from '../../sweep/store.ts';
import { rowsText } from '../../sweep/table.ts';
import { EXIT, errorReport } from '../exit.ts';
import { intOption, timeOption } from '../options.ts';

/** Prints `e` as main would and ends the process at once: a Redis client that was refused may keep reconnecting
 * handles open (and, in a worker, block the event loop) that no close() ends (ioredis under BullMQ 6.7, seen here). */
export function leaveNow(e: unknown): never {
  const report = errorReport(e);
  for (const p of report.problems) process.stderr.write(`error: ${formatProblem(p)}\n`);
  process.exit(report.code);
}

export interface SweepOptions {
  workers?: string;
  store?: string;
  until?: string;
  queue?: string;
  json?: boolean;
}

async function executorFor(opts: SweepOptions): Promise<Executor> {
  if (opts.queue !== undefined) {
    const { QueueExecutor } = await import('../../sweep/queue.ts');
    return QueueExecutor.connect(opts.queue).catch((e: unknown) => leaveNow(e));
  }
  const workers =
    opts.workers === undefined ? undefined : intOption('--workers', opts.workers, { int: true, min: 1, max: 1024 });
  return new LocalPool(workers);
}

function progressBar(show: boolean) {
  if (!show) return null;
  return new cliProgress.SingleBar(
    {
      format: 'sweep [{bar}] {value}/{total} points | {duration_formatted} | ETA {eta_formatted}',
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
}

export async function sweep(file: string, opts: SweepOptions): Promise<void> {
  const spec = loadSweepFile(file);
  const untilPs = opts.until === undefined ? undefined : timeOption('--until', opts.until);
  const points = expandSweep(spec, loadCatalog());
  const code = codeHash();
  const planned = planSweep(spec, points, code, { untilPs });
  const executor = await executorFor(opts);
  const store = new RunStore(opts.store ?? join(dirname(file), 'aifabric-runs.db'));
  const bar = progressBar(process.stderr.isTTY === true && !opts.json);
  let stored = 0;
  const stop = () => {
    bar?.stop();
    store.close();
    process.stderr.write(`\nstopped: ${stored} points stored this run; run the same command again to resume\n`);
    // A queue whose Redis is away may not close cleanly: the store is already closed, so leave regardless.
    setTimeout(() => process.exit(130), 2000).unref();
    void executor.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  try {
    bar?.start(planned.length, 0);
    const summary = await runSweep(planned, {
      sweep: spec.name,
      code,
      store,
      executor,
      onProgress: (done) => {
        stored++;
        bar?.update(done);
      },
    });
    bar?.stop();
    const rows = summary.rows.map((r) => ({ ...r, result: r.result as Result | undefined }));
    process.stdout.write(opts.json ? `${JSON.stringify(summary.rows)}\n` : rowsText(rows));
    process.stderr.write(
      `${planned.length} points: ${summary.computed} computed, ${summary.reused} from the store, ${summary.failures.length} failed (store: ${store.path})\n`,
    );
    if (summary.failures.length > 0) {
      for (const f of summary.failures)
        process.stderr.write(
          `error: point ${JSON.stringify(f.point)} seed ${f.seed} (${f.key.slice(0, 12)}) failed: ${f.error}\n`,
        );
      process.exitCode = EXIT.input;
    }
  } finally {
    process.removeListener('SIGINT', stop);
    await executor.close();
    store.close();
  }
}
