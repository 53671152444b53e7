// GET /api/runs: the sweeps' run store (src/sweep/store.ts, SQLite) as the page's runs table: each run with its
// sweep, point, status and the key metrics `aifabric runs ls` prints, filterable by sweep and status. Read only:
// the store is opened read-only for each request and closed after it, so a sweep writing it meanwhile is not
// disturbed (WAL mode lets a reader in while it writes). Left out: the whole results (`aifabric runs show KEY`).
import { existsSync } from 'node:fs';
import { ScenarioError } from '../errors.ts';
import type { Result } from '../result/types.ts';
import { type PointMetrics, pointMetrics } from '../sweep/metrics.ts';
import { RunStore, type StoredRun } from '../sweep/store.ts';

/** A stored run has a result or the error that stopped it: nothing runs inside the store. */
export const RUN_STATUSES = ['done', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunRow {
  key: string;
  sweep: string;
  point: Record<string, unknown>;
  seed: number;
  engine: string;
  status: RunStatus;
  metrics: PointMetrics | null;
  error: string | null;
  startedAt: string;
  finishedAt: string;
  wallMs: number;
  worker: string;
}

export interface RunsAnswer {
  runs: RunRow[];
  /** Why the list is empty when there is no store. */
  note?: string;
  store: string;
}

function row(r: StoredRun): RunRow {
  return {
    key: r.key,
    sweep: r.sweep,
    point: r.point,
    seed: r.seed,
    engine: r.engine,
    status: r.result === undefined ? 'failed' : 'done',
    metrics: r.result === undefined ? null : pointMetrics(JSON.parse(r.result) as Result),
    error: r.error ?? null,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    wallMs: r.wallMs,
    worker: r.worker,
  };
}

/** The runs of the store at `path` (oldest first), of one sweep and one status when given. */
export function storedRuns(path: string, sweep?: string, status?: string): RunsAnswer {
  if (status !== undefined && !(RUN_STATUSES as readonly string[]).includes(status))
    throw new ScenarioError([
      { path: 'status', message: `"${status}" is no run status: one of ${RUN_STATUSES.join(', ')}` },
    ]);
  if (!existsSync(path))
    return {
      runs: [],
      store: path,
      note: `no run store at ${path}: aifabric sweep writes one, or start the server with --runs PATH`,
    };
  const store = new RunStore(path, { readonly: true });
  try {
    const runs = store.list(sweep).map(row);
    return { runs: status === undefined ? runs : runs.filter((r) => r.status === status), store: path };
  } finally {
    store.close();
  }
}
