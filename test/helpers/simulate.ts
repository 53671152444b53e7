// Runs a scenario (YAML text) through the same stages as `aifabric simulate`.
import { expect } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.ts';
import { type EngineKind, runEngine } from '../../src/engine/index.ts';
import { runInference } from '../../src/engine/inference/index.ts';
import { runPacket } from '../../src/engine/packet/engine.ts';
import { designFabric } from '../../src/fabric/index.ts';
import type { RequestsResult, Result } from '../../src/result/types.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { compileTraffic } from '../../src/workload/compile.ts';

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
