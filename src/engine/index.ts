// The three engines behind one interface (docs/architecture.md, "Engines and their elements"): every engine
// takes (Fabric, TrafficProgram, network) and returns the same Result.
import type { Catalog } from '../catalog/index.ts';
import type { Fabric } from '../fabric/types.ts';
import type { Result } from '../result/types.ts';
import type { TrafficProgram } from '../workload/program.ts';
import { runAnalytic } from './analytic/engine.ts';
import { runFlow } from './flow/engine.ts';
import { runPacket } from './packet/engine.ts';
import { checkEngine, type EngineKind, type EngineScenario, type RunOptions } from './select.ts';

export { ENGINES, type EngineKind, type EngineRun, loadEngine, type RunOptions } from './select.ts';

/** Runs `program` on `engine` (its checks first, src/engine/select.ts). */
export function runEngine(
  engine: EngineKind,
  fabric: Fabric,
  program: TrafficProgram,
  scenario: EngineScenario,
  catalog: Catalog,
  opts: RunOptions,
): Result {
  checkEngine(engine, fabric, program, scenario);
  switch (engine) {
    case 'analytic':
      return runAnalytic(fabric, program, scenario, catalog, opts);
    case 'flow':
      return runFlow(fabric, program, scenario, catalog, opts);
    case 'packet':
      return runPacket(fabric, program, scenario, catalog, opts);
  }
}
