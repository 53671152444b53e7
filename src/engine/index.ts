// The three engines behind one interface (docs/architecture.md, "Engines and their elements"): every engine
// takes (Fabric, TrafficProgram, network) and returns the same Result.
import type { Catalog } from '../catalog/index.ts';
import { ScenarioError } from '../errors.ts';
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
  /** `events`: events simulated so far, where the engine counts them as it goes (packet). */
  onProgress?: (done: number, total: number, nowPs: number, events?: number) => void;
  name?: string;
  /** Per-link byte series (flow engine; the others ignore it). */
  linkSeries?: LinkSeriesOptions;
}

export function runEngine(
  engine: EngineKind,
  fabric: Fabric,
  program: TrafficProgram,
  scenario: Pick<Scenario, 'network' | 'seed'> & Partial<Pick<Scenario, 'traffic'>>,
  catalog: Catalog,
  opts: RunOptions,
): Result {
  switch (engine) {
    case 'analytic':
      // Its hose bound and collective costs read a generated Clos's tiers (leaf uplinks, pods); a graph from a file
      // need not have them, so it is refused rather than given a bound that may not hold.
      if (fabric.topology === 'custom')
        throw new ScenarioError([
          {
            path: 'engine',
            message:
              'the analytic engine models generated Clos fabrics (leaf uplinks, pods); run a custom fabric with --engine flow or packet',
          },
        ]);
      return runAnalytic(fabric, program, scenario, catalog, opts);
    case 'flow':
      return runFlow(fabric, program, scenario, catalog, opts);
    case 'packet':
      // The switches' reduction elements (packet/reduce.ts) run RoCE QPs; HPCC's INT path is host to host.
      if (scenario.network?.cc === 'hpcc' && program.ops.some((o) => o.algorithm === 'sharp'))
        throw new ScenarioError([
          {
            path: 'network.cc',
            message:
              'algorithm sharp (in-network reduction) on the packet engine runs with DCQCN or no congestion control, not hpcc (its switch-end QPs carry no INT path): set network.cc to dcqcn or none',
          },
        ]);
      return runPacket(fabric, program, scenario, catalog, opts);
  }
}
