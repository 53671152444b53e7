// The `stats` block is the same on every engine and every inference path (core/run-stats.ts): whole events per
// second and whole megabytes. The inference paths printed both unrounded (6058.636498151649 events/s).
import { describe, expect, it } from 'vitest';
import { runYaml } from '../../test/helpers/simulate.ts';
import { loadCatalog } from '../catalog/index.ts';
import { designFabric } from '../fabric/index.ts';
import type { Result } from '../result/types.ts';
import { type Scenario, scenarioSchema } from '../scenario/schema.ts';
import { runInference } from './inference/index.ts';

const catalog = loadCatalog();
const FABRIC = { topology: 'leaf-spine', hosts: 16, switch: 'aurcore-32x400g', border: true };
const JOB = { job: { params: 1e6, bytesPerGrad: 2, dp: 8, stepCompute: '100us', buckets: 1, iterations: 1 } };
const SERVICE = {
  inference: {
    arrivals: { poisson: '1000/s' },
    requests: 20,
    replicas: 4,
    service: { deterministic: '1ms' },
    bytes: { request: '10KB', response: '1KB' },
  },
};
const inference = (engine: 'flow' | 'packet', traffic: unknown[]) => {
  const s: Scenario = scenarioSchema.parse({ fabric: FABRIC, traffic });
  return runInference(engine, designFabric(s.fabric, catalog).fabric, s, catalog, { seed: 1 });
};
const COLLECTIVE =
  'fabric: {topology: leaf-spine, hosts: 8, nic: 100G, switch: aurcore-32x100g}\ntraffic: [{collective: all-reduce, bytes: 1MB}]\n';

describe('a run’s stats block', () => {
  it.each<[string, () => Result]>([
    ['analytic', () => runYaml(COLLECTIVE, 'analytic')],
    ['flow', () => runYaml(COLLECTIVE, 'flow')],
    ['packet', () => runYaml(COLLECTIVE, 'packet')],
    ['inference alone (flow)', () => inference('flow', [SERVICE])],
    ['inference and a job (flow)', () => inference('flow', [SERVICE, JOB])],
    ['inference and a job (packet)', () => inference('packet', [SERVICE, JOB])],
  ])('%s: whole events per second and megabytes', (_, run) => {
    const { stats } = run();
    expect(stats.events).toBeGreaterThan(0);
    expect(Number.isInteger(stats.eventsPerSec), `eventsPerSec ${stats.eventsPerSec}`).toBe(true);
    expect(Number.isInteger(stats.peakRssMB), `peakRssMB ${stats.peakRssMB}`).toBe(true);
    expect(stats.peakRssMB).toBeGreaterThan(0);
  });
});
