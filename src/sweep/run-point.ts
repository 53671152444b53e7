// Runs one point of a sweep, the pipe of docs/architecture.md from a validated scenario: design the fabric, compile
// the traffic (or set up the inference service), run the engine. The same function runs in the main thread, in a
// worker thread and in a queue worker, so a point's result does not depend on where it ran (apart from `stats`).
import { hostname, totalmem } from 'node:os';
import { threadId } from 'node:worker_threads';
import { type Catalog, loadCatalog } from '../catalog/index.ts';
import { checkResources, estimateRun } from '../engine/guard.ts';
import { runEngine } from '../engine/index.ts';
import { inferenceItem, runInference } from '../engine/inference/index.ts';
import { formatProblem, ScenarioError } from '../errors.ts';
import { designFabric } from '../fabric/index.ts';
import type { Result } from '../result/types.ts';
import { compileTraffic } from '../workload/compile.ts';
import type { PointJob, PointOutcome } from './job.ts';

let catalog: Catalog | undefined;

/** The engines' progress callback (tasks or requests done, their total, simulated time in ps, and the events run
 * so far where the engine counts them as it goes: the packet engine). */
export type ProgressHook = (done: number, total: number, nowPs: number, events?: number) => void;

/** The result of one point; throws what the pipe throws. */
export function runPointResult(job: PointJob, onProgress?: ProgressHook): Result {
  catalog ??= loadCatalog();
  const s = { ...job.scenario, seed: job.seed };
  const opts = { seed: job.seed, maxTimePs: job.untilPs ?? Number.POSITIVE_INFINITY, name: job.name, onProgress };
  const design = designFabric(s.fabric, catalog, s.name);
  if (inferenceItem(s)) return runInference(job.engine, design.fabric, s, catalog, opts);
  const program = compileTraffic(s, design.fabric, { catalog });
  // The guard of `aifabric simulate` at its default (half the machine's memory), so one huge point fails alone.
  checkResources(job.engine, estimateRun(job.engine, design.fabric, program, s.network?.mtu ?? 4096), {
    maxMemoryBytes: totalmem() / 2,
    maxEvents: Number.POSITIVE_INFINITY,
  });
  return runEngine(job.engine, design.fabric, program, s, catalog, opts);
}

/** One line for a point that failed: the input problems as the CLI prints them, else the error's message. */
export function errorText(e: unknown): string {
  if (e instanceof ScenarioError) return e.problems.map(formatProblem).join('; ');
  return e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e);
}

/** The outcome of one point, never throwing: a failure is an outcome like a result. */
export function runPoint(
  job: PointJob,
  worker = `${hostname()}/${process.pid}/${threadId}`,
  onProgress?: ProgressHook,
): PointOutcome {
  const t = performance.now();
  try {
    const result = runPointResult(job, onProgress);
    return { key: job.key, ok: true, result, wallMs: performance.now() - t, worker };
  } catch (e) {
    return { key: job.key, ok: false, error: errorText(e), wallMs: performance.now() - t, worker };
  }
}
