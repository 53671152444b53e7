// A sweep's points as jobs: each expanded point (src/scenario/sweep.ts) gets its engine, the files its scenario
// references and its store key. A point that cannot run (its combination does not validate, a referenced file is
// missing) is planned as a failure with its error, so it is stored and listed like any other failed point.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EngineKind } from '../engine/index.ts';
import type { SweepFile, SweepPoint } from '../scenario/sweep.ts';
import type { PointFile, PointJob } from './job.ts';
import { canonicalJson, referencedFiles, runKey, sha256 } from './key.ts';

export interface PlannedPoint {
  key: string;
  point: Record<string, unknown>;
  seed: number;
  engine: EngineKind;
  /** The job to run, or the error that keeps the point from running. */
  job?: PointJob;
  error?: string;
}

function engineOf(sweep: SweepFile, p: SweepPoint): EngineKind {
  if (sweep.engine) return sweep.engine;
  const s = p.scenario;
  if (s?.engine) return s.engine;
  const base = sweep.base.engine;
  if (base === 'analytic' || base === 'flow' || base === 'packet') return base;
  // As `aifabric simulate` picks: the flow engine for an inference service, else the packet engine.
  return (s?.traffic ?? []).some((t) => 'inference' in t) ? 'flow' : 'packet';
}

function readFiles(p: SweepPoint, cwd: string): PointFile[] {
  if (!p.scenario) return [];
  return referencedFiles(p.scenario).map(({ at, ref }) => {
    try {
      return { at, ref, content: readFileSync(resolve(cwd, ref), 'utf8') };
    } catch (e) {
      throw new Error(`${at.join('.')}: cannot read ${ref}: ${(e as Error).message}`);
    }
  });
}

/** Every point as a job with its key. `untilPs` as `simulate --until` (null: its default for the scenario). */
export function planSweep(
  sweep: SweepFile,
  points: SweepPoint[],
  code: string,
  opts: { untilPs?: number; cwd?: string } = {},
): PlannedPoint[] {
  return points.map((p) => {
    const engine = engineOf(sweep, p);
    const failed = (error: string): PlannedPoint => ({
      key: sha256(canonicalJson({ invalid: sweep.base, point: p.point, seed: p.seed, engine, code })),
      point: p.point,
      seed: p.seed,
      engine,
      error,
    });
    if (!p.scenario) return failed(p.error ?? 'did not validate');
    let files: PointFile[];
    try {
      files = readFiles(p, opts.cwd ?? process.cwd());
    } catch (e) {
      return failed((e as Error).message);
    }
    const inference = (p.scenario.traffic ?? []).some((t) => 'inference' in t);
    // simulate's defaults: 10 s of simulated time, none for an inference service.
    const untilPs = opts.untilPs ?? (inference ? null : 10e12);
    const key = runKey(p.scenario, engine, p.seed, files, code);
    const name = p.scenario.name ?? sweep.name;
    return {
      key,
      point: p.point,
      seed: p.seed,
      engine,
      job: { key, scenario: p.scenario, engine, seed: p.seed, untilPs, name, files, code },
    };
  });
}
