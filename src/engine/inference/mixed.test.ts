// Training and inference in one run (issue 18, "Must show" on the flow engine): each half alone through the mixed
// path against the same half run by its own simulator (runFlow for the job, the service's own run), within 1%
// (the tolerance for the flow engine), and the invariants of a run where both load the same links.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import type { Result } from '../../result/types.ts';
import { type Scenario, scenarioSchema } from '../../scenario/schema.ts';
import { compileTraffic } from '../../workload/compile.ts';
import { runFlow } from '../flow/engine.ts';
import { runInference } from './index.ts';

const catalog = loadCatalog();
const FABRIC = { topology: 'leaf-spine', hosts: 48, switch: 'aurcore-32x400g', gpusPerNode: 8, border: true };
// A data-parallel job over the first 32 GPUs: 1 GB of gradients in bf16 (5e8 params), two iterations.
const JOB = { job: { params: 5e8, bytesPerGrad: 2, dp: 32, stepCompute: '2ms', buckets: 2, iterations: 2 } };
// A vision-like service: 300 KB frames, 5 ms deterministic service, 1 KB answers (mixed.ts does not need more).
const service = (rate: string, requests: number, extra: Record<string, unknown> = {}) => ({
  inference: {
    arrivals: { poisson: rate },
    requests,
    replicas: 16,
    placement: 'sequential',
    service: { deterministic: '5ms' },
    bytes: { request: '300KB', response: '1KB' },
    ...extra,
  },
});

function scenario(traffic: unknown[], network: Record<string, unknown> = {}): Scenario {
  return scenarioSchema.parse({ fabric: FABRIC, traffic, network });
}

const fabricOf = (s: Scenario) => designFabric(s.fabric, catalog).fabric;
const runMixed = (s: Scenario) => runInference('flow', fabricOf(s), s, catalog, { seed: 1 });
const iterMs = (r: Result) => (r.iterations ?? []).map((i) => i.timePs / 1e9);

function allOk(r: Result) {
  for (const i of r.invariants) expect(i.ok, `${i.name}: ${i.detail}`).toBe(true);
}

describe('training and inference in one run (flow fidelity)', () => {
  it('job + a service with (almost) zero load: the job iterations of runFlow alone within 1%', () => {
    // One 1 KB request: its bytes are 1e-6 of the job's; the 1% is the flow-engine tolerance.
    const mixed = scenario([JOB, service('1/s', 1, { bytes: { request: '1KB', response: '1KB' } })]);
    const alone = scenario([JOB]);
    const f = fabricOf(alone);
    const ref = runFlow(f, compileTraffic(alone, f), alone, catalog, { seed: 1 });
    const got = runMixed(mixed);
    const want = iterMs(ref);
    expect(want.length).toBe(2);
    const have = iterMs(got);
    for (let i = 0; i < 2; i++)
      expect(Math.abs(have[i] / want[i] - 1), `iteration ${i}: ${have[i]} vs ${want[i]} ms`).toBeLessThan(0.01);
    expect(got.requests?.[0].completed).toBe(1);
    allOk(got);
  });

  it('the service with a job of (almost) zero load: the service statistics of its own run within 1%', () => {
    const alone = scenario([service('400/s', 400)]);
    // A single 1 KB flow between two hosts no replica uses, at t = 0.
    const mixed = scenario([service('400/s', 400), { flows: [{ src: 'h40', dst: 'h41', bytes: '1KB' }] }]);
    const a = runInference('flow', fabricOf(alone), alone, catalog, { seed: 1 }).requests?.[0];
    const m = runMixed(mixed).requests?.[0];
    if (!a || !m) throw new Error('no request statistics');
    expect(m.completed).toBe(a.completed);
    for (const k of ['mean', 'p50', 'p99'] as const) {
      expect(Math.abs(m.latencyMs[k] / a.latencyMs[k] - 1), `latency ${k}`).toBeLessThan(0.01);
      expect(Math.abs(m.networkMs[k] / a.networkMs[k] - 1), `network ${k}`).toBeLessThan(0.01);
    }
  });

  it("both loading the same links: Little's law, byte accounting and completion hold, in one result", () => {
    // The service's replicas h0..h15 are the job's first ranks: requests and gradients share their downlinks.
    const r = runMixed(scenario([JOB, service('1000/s', 300)]));
    allOk(r);
    expect(r.iterations?.length).toBe(2);
    expect(r.requests?.[0].completed).toBe(300);
    for (const n of ["Little's law", 'bytes started', 'job bytes', 'every task completed'])
      expect(
        r.invariants.some((i) => i.name.startsWith(n)),
        n,
      ).toBe(true);
  });

  it('a mixed scenario on the analytic engine is refused, naming the engine', () => {
    const s = scenario([JOB, service('1/s', 1)]);
    expect(() => runInference('analytic', fabricOf(s), s, catalog, { seed: 1 })).toThrow(/flow or packet engine/);
  });
});
