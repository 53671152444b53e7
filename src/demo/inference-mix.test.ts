// The inference byte mix is measured, not built in: the same LLM service with prefill and decode on separate
// replicas (inference.disaggregation) comes out north-south or east-west depending on the KV bytes its requests
// move between servers, and the inference traffic claim's verdict follows the byte counters across
// THRESHOLDS.majorityShare.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/index.ts';
import { runInference } from '../engine/inference/index.ts';
import { designFabric } from '../fabric/index.ts';
import { parseScenario } from '../scenario/load.ts';
import { claims, THRESHOLDS } from './claims.ts';
import { supportedEvidence } from './evidence-fixture.ts';

const catalog = loadCatalog();
const N = 100;
const INPUT = 100;

/** 8 replicas (4 prefill, 4 decode) of an LLM service on 16 servers, N requests of INPUT tokens (flow engine). */
function measured(kvBytesPerToken: number) {
  const s = parseScenario(
    `fabric: {topology: access-aggregation, hosts: 16, nic: 25G, switch: aurcore-48x25g-8x100g, spineSwitch: aurcore-32x100g}
traffic:
  - inference:
      arrivals: {poisson: 20}
      requests: ${N}
      tokens: {input: ${INPUT}, output: 10}
      replicas: 8
      disaggregation: {prefillReplicas: 4, kvBytesPerToken: ${kvBytesPerToken}}
`,
    catalog,
  );
  const d = designFabric(s.fabric, catalog);
  const r = runInference('flow', d.fabric, { ...s, seed: 1 }, catalog, { seed: 1 });
  expect(r.requests?.[0]?.completed).toBe(N);
  return r.traffic;
}

const verdict = (colocated: number, disaggregated: number) => {
  const e = supportedEvidence();
  e.inference.northSouthShare = colocated;
  e.inference.disaggregatedNorthSouthShare = disaggregated;
  return claims(e).find((r) => r.aspect === 'Traffic characteristics' && r.side === 'inference')?.verdict;
};

describe('the inference traffic claim reads the measured byte mix of a disaggregated service', () => {
  // 320 KiB per token: Llama-2-70B's KV cache in bf16 (src/demo/serving.ts); 1 B per token: a negative control,
  // a KV cache smaller than the request's own text (4 B per token).
  const llama = measured(327680);
  const tiny = measured(1);

  it('east-west bytes are the KV caches: N requests x input tokens x bytes per token (exact byte counters)', () => {
    expect(llama?.eastWestBytes).toBe(N * INPUT * 327680);
    expect(tiny?.eastWestBytes).toBe(N * INPUT);
    // The client bytes at border0 do not depend on the KV cache.
    expect(llama?.northSouthBytes).toBe(tiny?.northSouthBytes);
  });

  it('the tiny KV mix is north-south above the threshold, the real one below it, and the verdict follows', () => {
    const tinyNs = 1 - (tiny?.eastWestShare ?? 1);
    const llamaNs = 1 - (llama?.eastWestShare ?? 0);
    expect(tinyNs).toBeGreaterThan(THRESHOLDS.majorityShare);
    expect(llamaNs).toBeLessThan(THRESHOLDS.majorityShare);
    // A colocated replica sends no host-to-host bytes (north-south 100%): the disaggregated mix decides.
    expect(verdict(1, tinyNs)).toBe('supported');
    expect(verdict(1, llamaNs)).toBe('depends');
    expect(verdict(llamaNs, llamaNs)).toBe('not supported');
  });
});
