// POST /api/simulate's body as a job for the run manager: the scenario (YAML text, `{"yaml": ...}` or a built-in
// `{"name": ...}`), the engine, seed and simulated-time limit as `aifabric simulate` picks them, checked against
// the server's limits before it is queued. Left out: sweeps (`aifabric sweep` runs those).
import { parseTimePs } from '../base/units.ts';
import type { Catalog } from '../catalog/index.ts';
import { ENGINES, type EngineKind } from '../engine/index.ts';
import { inferenceItem } from '../engine/inference/index.ts';
import { ScenarioError } from '../errors.ts';
import { designFabric } from '../fabric/index.ts';
import type { PointJob } from '../sweep/job.ts';
import { checkRunCost, checkScenarioSize, type ServeLimits } from './limits.ts';
import { builtinText, scenarioFromText } from './scenario-input.ts';

const bad = (path: string, message: string) => new ScenarioError([{ path, message }]);

interface SimulateBody {
  yaml?: unknown;
  name?: unknown;
  engine?: unknown;
  seed?: unknown;
  until?: unknown;
}

function bodyFields(body: unknown): SimulateBody {
  if (typeof body === 'string') return { yaml: body };
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw bad('body', 'send scenario YAML as text/yaml, or JSON {"name": "incast-16"} or {"yaml": "..."}');
  return body as SimulateBody;
}

function scenarioText(b: SimulateBody): string {
  if (typeof b.name === 'string') return builtinText(b.name);
  if (typeof b.yaml === 'string') return b.yaml;
  throw bad('yaml', 'missing: give the scenario as YAML text ("yaml") or a built-in scenario by "name"');
}

function engineOf(b: SimulateBody, own: EngineKind | undefined, inference: boolean): EngineKind {
  if (b.engine === undefined) return own ?? (inference ? 'flow' : 'packet');
  if (typeof b.engine === 'string' && (ENGINES as readonly string[]).includes(b.engine)) return b.engine as EngineKind;
  throw bad('engine', `"${String(b.engine)}" is no engine: one of ${ENGINES.join(', ')}`);
}

function untilOf(b: SimulateBody, limits: ServeLimits): number {
  if (b.until === undefined) return limits.maxSimulatedPs;
  try {
    const ps = parseTimePs(b.until as string);
    if (ps > 0) return ps;
  } catch {}
  throw bad('until', `"${String(b.until)}" is not a positive time (write it like "50ms")`);
}

function seedOf(b: SimulateBody, own: number): number {
  if (b.seed === undefined) return own;
  if (typeof b.seed === 'number' && Number.isSafeInteger(b.seed) && b.seed >= 0) return b.seed;
  throw bad('seed', `${JSON.stringify(b.seed)} is not a whole number from 0 (write it like 7)`);
}

/** The job for a request body, or the error that refuses it. Designs the fabric on the calling thread, bounded by
 * the host limit that is checked first. */
export function simulateJob(body: unknown, catalog: Catalog, limits: ServeLimits): PointJob {
  const b = bodyFields(body);
  const s = scenarioFromText(scenarioText(b), catalog);
  const inference = inferenceItem(s) !== null;
  const engine = engineOf(b, s.engine, inference);
  const untilPs = untilOf(b, limits);
  checkScenarioSize(s, untilPs, limits);
  if (!inference && (!s.traffic || s.traffic.length === 0))
    throw bad('traffic', 'is required to simulate (e.g. traffic: [{pattern: permutation, bytes: 1MB}])');
  const design = designFabric(s.fabric, catalog, s.name);
  checkRunCost(s, design.fabric, engine, limits);
  const seed = seedOf(b, s.seed);
  return { key: '', scenario: s, engine, seed, untilPs, name: s.name ?? 'scenario', files: [], code: '' };
}
