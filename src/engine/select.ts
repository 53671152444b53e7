// Which engine runs a scenario, and the checks a scenario must pass before it runs on one (runEngine of index.ts
// and the CLI share them). loadEngine imports one engine's modules when a run needs it, so a packet run does not
// load the analytic and flow engines, nor an analytic run the packet engine. Leaves out the engines themselves
// (analytic/, flow/, packet/) and the inference service model (inference/).
import type { Catalog } from '../catalog/index.ts';
import { ScenarioError } from '../errors.ts';
import type { Fabric } from '../fabric/types.ts';
import type { Result } from '../result/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { TrafficProgram } from '../workload/program.ts';
import type { LinkSeriesOptions } from './flow/series.ts';

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

/** The scenario fields an engine reads besides the program. */
export type EngineScenario = Pick<Scenario, 'network' | 'seed'> & Partial<Pick<Scenario, 'traffic'>>;

/** One engine's run: the signature of runEngine without the engine's name. */
export type EngineRun = (
  fabric: Fabric,
  program: TrafficProgram,
  scenario: EngineScenario,
  catalog: Catalog,
  opts: RunOptions,
) => Result;

/** Refuses a run an engine does not model, before it starts. */
export function checkEngine(engine: EngineKind, fabric: Fabric, program: TrafficProgram, scenario: EngineScenario) {
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
      return;
    case 'flow':
      return;
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
      return;
  }
}

/** `engine`'s run, its modules imported now: checkEngine, then the engine, as runEngine does. */
export async function loadEngine(engine: EngineKind): Promise<EngineRun> {
  const run: EngineRun =
    engine === 'analytic'
      ? (await import('./analytic/engine.ts')).runAnalytic
      : engine === 'flow'
        ? (await import('./flow/engine.ts')).runFlow
        : (await import('./packet/engine.ts')).runPacket;
  return (fabric, program, scenario, catalog, opts) => {
    checkEngine(engine, fabric, program, scenario);
    return run(fabric, program, scenario, catalog, opts);
  };
}
