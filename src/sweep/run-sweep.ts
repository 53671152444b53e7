// Runs a planned sweep against a store: points whose result is stored are read back, the others go to an executor
// (threads or a queue), and every outcome is written once as it arrives. A failed point is stored with its error
// and the others go on; the caller lists the failures at the end.
import type { Executor } from './executor.ts';
import type { PointOutcome } from './job.ts';
import type { PlannedPoint } from './plan.ts';
import type { RunStore, StoredRun } from './store.ts';

/** One line of `aifabric sweep --json`: `result` for a finished point, `error` for a failed one. */
export interface SweepRow {
  key: string;
  point: Record<string, unknown>;
  seed: number;
  result?: unknown;
  error?: string;
}

export interface SweepSummary {
  rows: SweepRow[];
  /** Points run now, and points whose result the store already had. */
  computed: number;
  reused: number;
  failures: SweepRow[];
}

export interface SweepRunOptions {
  sweep: string;
  code: string;
  store: RunStore;
  executor: Executor;
  onProgress?: (done: number, total: number) => void;
}

function stored(p: PlannedPoint, sweep: string, code: string, o: PointOutcome | null): StoredRun {
  const now = Date.now();
  return {
    key: p.key,
    sweep,
    point: p.point,
    seed: p.seed,
    engine: p.engine,
    code,
    scenario: p.job?.scenario ?? null,
    ...(o?.ok ? { result: JSON.stringify(o.result) } : { error: o ? o.error : (p.error ?? 'did not run') }),
    startedAt: new Date(now - (o?.wallMs ?? 0)).toISOString(),
    finishedAt: new Date(now).toISOString(),
    wallMs: o?.wallMs ?? 0,
    worker: o?.worker ?? 'planner',
  };
}

/** Runs what is missing from the store and returns one row per point, in the sweep's order. */
export async function runSweep(planned: PlannedPoint[], opts: SweepRunOptions): Promise<SweepSummary> {
  const { store } = opts;
  const byKey = new Map(planned.map((p) => [p.key, p]));
  const todo = planned.filter((p) => p.job && !store.done(p.key));
  let done = planned.length - todo.length;
  for (const p of planned) if (!p.job) store.put(stored(p, opts.sweep, opts.code, null));
  opts.onProgress?.(done, planned.length);
  await opts.executor.run(
    todo.flatMap((p) => (p.job ? [p.job] : [])),
    (o) => {
      const p = byKey.get(o.key);
      if (!p) return;
      store.put(stored(p, opts.sweep, opts.code, o));
      opts.onProgress?.(++done, planned.length);
    },
  );
  const rows = planned.map((p): SweepRow => {
    const run = store.get(p.key);
    if (run?.result !== undefined) return { key: p.key, point: p.point, seed: p.seed, result: JSON.parse(run.result) };
    return { key: p.key, point: p.point, seed: p.seed, error: run?.error ?? 'did not run' };
  });
  return {
    rows,
    computed: todo.length,
    reused: planned.length - todo.length - planned.filter((p) => !p.job).length,
    failures: rows.filter((r) => r.error !== undefined),
  };
}
