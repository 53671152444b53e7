// aifabric's public API: the same functions the CLI calls.
export { type Catalog, loadCatalog } from './catalog/index.ts';
export type { LinkMedium, NicModel, SwitchModel } from './catalog/schema.ts';
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
export { designJson, plannerJson } from './report/plan.ts';
export { loadScenarioFile, parseScenario, validateScenario } from './scenario/load.ts';
export { type FabricSpec, type Scenario, scenarioJsonSchema } from './scenario/schema.ts';
export { formatRate, parseBytes, parseRateBps, parseRatio, parseTimePs } from './scenario/units.ts';
