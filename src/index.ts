// aifabric's public API: the same functions the CLI calls.

export { formatRate, parseBytes, parseRateBps, parseRatio, parseTimePs } from './base/units.ts';
export { type Catalog, loadCatalog } from './catalog/index.ts';
export type { LinkMedium, NicModel, SwitchModel } from './catalog/schema.ts';
export { type DemoOptions, type DemoResult, runDemo } from './demo/run.ts';
export { runEngine } from './engine/index.ts';
export { type CapacityResult, capacitySearch, parseSlo } from './engine/inference/capacity.ts';
export { runInference } from './engine/inference/index.ts';
export { CatalogError, DesignError, type InputProblem, ScenarioError } from './errors.ts';
export type { Blueprint, Bom, BomItem, Fabric, FabricLink, FabricNode, Metrics, PlanResult } from './fabric/index.ts';
export {
  billOfMaterials,
  blueprint,
  buildFabric,
  countsFromBlueprint,
  countsFromFabric,
  type Design,
  designFabric,
  fabricMetrics,
  planDesigns,
} from './fabric/index.ts';
export { cablingCsv, netboxCsvs } from './report/csv.ts';
export { reportFromResult, reportFromSweep } from './report/from-result.ts';
export { renderReport } from './report/html.ts';
export type { ClaimRow, ReportInput } from './report/input.ts';
export { designJson, plannerJson } from './report/plan.ts';
export type { RequestsResult, Result } from './result/types.ts';
export { loadScenarioFile, parseScenario, validateScenario } from './scenario/load.ts';
export { type FabricSpec, type Scenario, scenarioJsonSchema } from './scenario/schema.ts';
