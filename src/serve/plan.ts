// POST /api/plan and /api/planner: a fabric spec (the scenario's `fabric` section, as JSON) to the JSON of
// `aifabric plan --json`: one design when it names a topology, else the planner's ranking. The same functions the
// CLI calls (src/cli/actions/plan.ts); the CSV and SVG downloads are a later slice.
import type { Catalog } from '../catalog/index.ts';
import { ScenarioError } from '../errors.ts';
import { planFeasible } from '../fabric/closest.ts';
import { designFabric } from '../fabric/index.ts';
import { designJson, plannerJson } from '../report/plan.ts';
import { validateScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';

/** The body as a scenario with only its fabric: `{fabric: {...}}` or the fabric fields themselves. */
function fabricScenario(body: unknown, catalog: Catalog): Scenario {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new ScenarioError([{ path: 'fabric', message: 'send a JSON object: {"topology": ..., "hosts": ...}' }]);
  const b = body as Record<string, unknown>;
  const fabric = (b.fabric ?? b) as Record<string, unknown>;
  if (fabric && typeof fabric === 'object' && fabric.file !== undefined)
    throw new ScenarioError([
      { path: 'fabric.file', message: 'the server reads no files named by a client: give a generated topology' },
    ]);
  return validateScenario({ version: 1, fabric }, catalog);
}

/** `plan --json` for a spec with a topology; the planner's ranking (`top` designs) without one. */
export function planJson(body: unknown, catalog: Catalog, top = 15): unknown {
  const s = fabricScenario(body, catalog);
  const spec = s.fabric;
  if (spec.topology) return designJson(designFabric(spec, catalog, s.name ?? 'fabric'));
  const r = planFeasible(spec, catalog);
  return plannerJson(r, top);
}
