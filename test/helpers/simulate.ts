// Runs a scenario (YAML text) through the same stages as `aifabric simulate`, on the built library (dist/, built
// from the current sources before any test; Node loads it, vitest.config.ts): the engines run 2-4x slower from the
// sources as vitest loads them (test/e2e/run-cli.ts). A test that calls an engine's own functions imports src/.
import { expect } from 'vitest';
import type { EngineKind } from '../../src/engine/index.ts';
import type { RequestsResult, Result } from '../../src/result/types.ts';
import { built } from './built-server.ts';

const { loadCatalog } = await built<typeof import('../../src/catalog/index.ts')>('catalog/index.js');
const { runEngine } = await built<typeof import('../../src/engine/index.ts')>('engine/index.js');
const { runInference } = await built<typeof import('../../src/engine/inference/index.ts')>('engine/inference/index.js');
const { runPacket } = await built<typeof import('../../src/engine/packet/engine.ts')>('engine/packet/engine.js');
const { designFabric } = await built<typeof import('../../src/fabric/index.ts')>('fabric/index.js');
const { parseScenario } = await built<typeof import('../../src/scenario/load.ts')>('scenario/load.js');
const { compileTraffic } = await built<typeof import('../../src/workload/compile.ts')>('workload/compile.js');

export function simulateYaml(yaml: string, seed?: number, maxTimePs?: number, catalogDirs: string[] = []): Result {
  const catalog = loadCatalog(catalogDirs);
  const s = parseScenario(yaml, catalog);
  const sc = { ...s, seed: seed ?? s.seed };
  const d = designFabric(s.fabric, catalog);
  return runPacket(d.fabric, compileTraffic(sc, d.fabric), sc, catalog, { seed: sc.seed, maxTimePs });
}

export function invariant(r: Result, name: string) {
  const i = r.invariants.find((x) => x.name === name);
  if (!i) throw new Error(`no invariant ${name}`);
  return i;
}

/** Jain's fairness index of throughputs (1 = perfectly fair). */
export function jain(xs: number[]): number {
  const s = xs.reduce((a, b) => a + b, 0);
  const s2 = xs.reduce((a, b) => a + b * b, 0);
  return (s * s) / (xs.length * s2);
}

/** Runs a scenario (YAML text) on any engine, as `aifabric simulate --engine` does. */
export function runYaml(yaml: string, engine: EngineKind, seed?: number): Result {
  const catalog = loadCatalog();
  const s = parseScenario(yaml, catalog);
  const sc = { ...s, seed: seed ?? s.seed };
  const d = designFabric(s.fabric, catalog);
  return runEngine(engine, d.fabric, compileTraffic(sc, d.fabric), sc, catalog, { seed: sc.seed });
}

/** Runs a scenario with an inference item (YAML text) as `aifabric simulate` does. */
export function runInferenceYaml(yaml: string, engine: 'analytic' | 'flow' = 'flow', seed?: number): Result {
  const catalog = loadCatalog();
  const s = parseScenario(yaml, catalog);
  const d = designFabric(s.fabric, catalog);
  const sd = seed ?? s.seed;
  return runInference(engine, d.fabric, { ...s, seed: sd }, catalog, { seed: sd });
}

/** The requests summary of an inference run. */
export function requestsOf(r: Result): RequestsResult {
  const q = r.requests?.[0];
  if (!q) throw new Error('the run has no requests summary');
  return q;
}

/** Every invariant the run checked holds (each named in the failure). */
export function allInvariantsOk(r: Result): void {
  for (const i of r.invariants) expect(i.ok, `${i.name}: ${i.detail}`).toBe(true);
}
