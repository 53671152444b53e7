// The three engines behind one interface (docs/architecture.md, "Engines and their elements"): every engine
// takes (Fabric, TrafficProgram, network) and returns the same Result.
import type { Catalog } from '../catalog/index.ts';
import type { Fabric } from '../fabric/types.ts';
import type { Result } from '../result/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { TrafficProgram } from '../workload/program.ts';
import { runAnalytic } from './analytic/engine.ts';
import { runFlow } from './flow/engine.ts';
import type { LinkSeriesOptions } from './flow/series.ts';
import { runPacket } from './packet/engine.ts';

export type EngineKind = 'analytic' | 'flow' | 'packet';
export const ENGINES: readonly EngineKind[] = ['analytic', 'flow', 'packet'];

export interface RunOptions {
  seed: number;
  /** Stop after this much simulated time (flow, packet). */
  maxTimePs?: number;
  onProgress?: (done: number, total: number, nowPs: number) => void;
  name?: string;
  /** Per-link byte series (flow engine; the others ignore it). */
  linkSeries?: LinkSeriesOptions;
}

export function runEngine(
  engine: EngineKind,
  fabric: Fabric,
  program: TrafficProgram,
  scenario: Pick<Scenario, 'network' | 'seed'>,
  catalog: Catalog,
  opts: RunOptions,
): Result {
  switch (engine) {
    case 'analytic':
      return runAnalytic(fabric, program, scenario, catalog, opts);
    case 'flow':
      return runFlow(fabric, program, scenario, catalog, opts);
    case 'packet':
      return runPacket(fabric, program, scenario, catalog, opts);
  }
}
