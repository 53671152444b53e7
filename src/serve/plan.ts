// POST /api/plan, /api/planner and /api/plan/files: a fabric spec (the scenario's `fabric` section, as JSON) to the
// JSON of `aifabric plan --json` (one design when it names a topology, else the planner's ranking), or to one of the
// files `plan --csv DIR` and `plan --svg FILE` write, byte for byte. The same functions the CLI calls
// (src/cli/actions/plan.ts); these run on the server's checking threads (worker.ts).
import type { Catalog } from '../catalog/index.ts';
import { ScenarioError } from '../errors.ts';
import { planFeasible } from '../fabric/closest.ts';
import { type Design, designFabric } from '../fabric/index.ts';
import { cablingCsv, netboxCsvs } from '../report/csv.ts';
import { renderTopologySvg } from '../report/diagram.ts';
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

/** The downloads, by the name the client gives. */
export const PLAN_FORMATS = ['cabling-csv', 'netbox-devices', 'netbox-interfaces', 'netbox-cables', 'svg'] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

export interface PlanFile {
  filename: string;
  contentType: string;
  content: string;
}

/** The design of a spec as `plan --csv/--svg` draws it: its own with a topology, else the planner's best. */
function designOf(spec: Scenario['fabric'], catalog: Catalog, name: string): Design {
  if (spec.topology) return designFabric(spec, catalog, name);
  const best = planFeasible(spec, catalog).feasible[0];
  if (!best) throw new ScenarioError([{ path: 'spec', message: 'the planner found no feasible design for it' }]);
  return designFabric(
    { ...spec, topology: best.topology, switch: best.switch, spineSwitch: best.spineSwitch },
    catalog,
  );
}

/** One file of `plan --csv DIR` (cabling.csv, netbox-*.csv) or `plan --svg FILE`, for `{spec, format}`. */
export function planFile(body: unknown, catalog: Catalog): PlanFile {
  const b = (body ?? {}) as { spec?: unknown; format?: unknown };
  const format = b.format as PlanFormat;
  if (!PLAN_FORMATS.includes(format))
    throw new ScenarioError([
      { path: 'format', message: `${JSON.stringify(b.format)} is no download: one of ${PLAN_FORMATS.join(', ')}` },
    ]);
  const s = fabricScenario(b.spec, catalog);
  const d = designOf(s.fabric, catalog, s.name ?? 'fabric');
  if (format === 'svg')
    return { filename: 'topology.svg', contentType: 'image/svg+xml', content: renderTopologySvg(d.fabric, catalog) };
  const csv = (filename: string, content: string) => ({ filename, contentType: 'text/csv; charset=utf-8', content });
  if (format === 'cabling-csv') return csv('cabling.csv', cablingCsv(d.fabric, catalog));
  const name = `${format}.csv` as keyof ReturnType<typeof netboxCsvs>;
  return csv(name, netboxCsvs(d.fabric, catalog)[name]);
}
