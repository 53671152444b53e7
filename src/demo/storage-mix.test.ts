// North-south versus east-west is measured, not built in: the same job on the same fabric with storage, run on the
// flow engine, comes out east-west or not depending on its storage traffic, and the training traffic claim's
// verdict follows the byte counters across THRESHOLDS.majorityShare.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/index.ts';
import { runEngine } from '../engine/index.ts';
import { designFabric } from '../fabric/index.ts';
import { parseScenario } from '../scenario/load.ts';
import { compileTraffic } from '../workload/compile.ts';
import { claims, THRESHOLDS } from './claims.ts';
import { supportedEvidence } from './evidence-fixture.ts';

const catalog = loadCatalog();

/** A 32-GPU data-parallel iteration with 4 storage nodes, reading `gbps` per GPU (flow engine). */
function measured(gbps: number) {
  const s = parseScenario(
    `fabric: {topology: leaf-spine, hosts: 32, nic: 400G, switch: aurcore-32x400g, gpusPerNode: 8, storage: {nodes: 4}}
traffic: [{job: {params: 1e8, dp: 32, stepCompute: 10ms, buckets: 1, storage: {datasetGBps: ${gbps}}}}]
`,
    catalog,
  );
  const d = designFabric(s.fabric, catalog);
  return runEngine('flow', d.fabric, compileTraffic(s, d.fabric), s, catalog, { seed: 1 }).traffic;
}

const verdict = (eastWestShare: number) => {
  const e = supportedEvidence();
  e.training.eastWestShare = eastWestShare;
  return claims(e).find((r) => r.aspect === 'Traffic characteristics' && r.side === 'training')?.verdict;
};

describe('the training traffic claim reads the measured byte mix', () => {
  // 0.156 GB/s per GPU: a light read rate (1.56 MB per GPU in a 10 ms step, far less than the gradients); 100 GB/s:
  // a data-bound job (1 GB per GPU per step, more than its 0.2 GB of gradients).
  const light = measured(0.156);
  const heavy = measured(100);

  it('north-south bytes are the storage reads: 32 GPUs x rate x 10 ms (exact byte counters)', () => {
    expect(light?.northSouthBytes).toBe(32 * 0.156e9 * 0.01);
    expect(heavy?.northSouthBytes).toBe(32 * 100e9 * 0.01);
    // The gradient exchange does not depend on the reads.
    expect(heavy?.eastWestBytes).toBe(light?.eastWestBytes);
  });

  it('the light mix is east-west above the threshold, the heavy one below it, and the verdict follows', () => {
    const lightShare = light?.eastWestShare ?? 0;
    const heavyShare = heavy?.eastWestShare ?? 1;
    expect(lightShare).toBeGreaterThan(THRESHOLDS.majorityShare);
    expect(heavyShare).toBeLessThan(THRESHOLDS.majorityShare);
    expect(verdict(lightShare)).toBe('supported');
    expect(verdict(heavyShare)).toBe('not supported');
  });
});
