// inference.storage's bytes against their closed forms (exact: byte counters): every replica loads the model at
// the start, each repaired replica loads it again, and every request reads its retrieval bytes; all of them land
// (the runs end when everything is delivered) and count as north-south. A replica serves only once its weights
// have landed, at the start and after a repair: its first request's latency against bytes / bottleneck rate.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../catalog/index.ts';
import { ScenarioError } from '../../errors.ts';
import { designFabric } from '../../fabric/index.ts';
import { parseScenario } from '../../scenario/load.ts';
import { resolveNetwork } from '../core/network.ts';
import { runInference } from './index.ts';

const catalog = loadCatalog();
const R = 4;
const N = 40;
const PARAMS = 1e9;
const BYTES_PER_PARAM = 2;
const RAG = 3000;

/** A plain 10 ms service on R replicas of a 48-host access/aggregation fabric with 2 storage nodes. */
function run(extra: string, storage = true, faults = '[]') {
  const s = parseScenario(
    `fabric: {topology: access-aggregation, hosts: 48, nic: 25G, switch: aurcore-48x25g-8x100g, spineSwitch: aurcore-32x100g${storage ? ', storage: {nodes: 2}' : ''}}
traffic:
  - inference:
      arrivals: {poisson: 20/s}
      requests: ${N}
      replicas: ${R}
      service: {deterministic: 10ms}
      faults: ${faults}
${extra}`,
    catalog,
  );
  const d = designFabric(s.fabric, catalog);
  return runInference('flow', d.fabric, s, catalog, { seed: 3 });
}

const ST = `      storage: {params: ${PARAMS}, bytesPerParam: ${BYTES_PER_PARAM}, retrievalBytes: ${RAG}}\n`;
const MODEL = PARAMS * BYTES_PER_PARAM;

describe('inference storage traffic (model loads and retrieval reads)', () => {
  it('model bytes x replicas at the start, requests x retrieval bytes; the north-south difference is exactly them', () => {
    const base = run('', true);
    const r = run(ST);
    const st = r.requests?.[0].storage;
    expect(base.requests?.[0].storage).toBeUndefined();
    expect(r.requests?.[0].failed).toBe(0);
    expect(st?.modelLoads).toBe(R);
    expect(st?.modelLoadBytes).toBe(R * MODEL);
    expect(st?.retrievalBytes).toBe(N * RAG);
    expect(st?.deliveredBytes).toBe(R * MODEL + N * RAG);
    // Requests and responses carry the same bytes with or without storage: the rest is the storage's.
    expect((r.traffic?.northSouthBytes ?? 0) - (base.traffic?.northSouthBytes ?? 0)).toBe(R * MODEL + N * RAG);
    expect(r.traffic?.eastWestBytes).toBe(0);
  });

  it('each repair loads the model again: (replicas + restarts) x model bytes', () => {
    const faults =
      '[{replica: 1, at: 100ms, until: 300ms}, {replica: 2, at: 150ms, until: 500ms}, {replica: 3, at: 900ms}]';
    const st = run(ST, true, faults).requests?.[0].storage;
    // Two faults repaired, one not: two restarts.
    expect(st?.modelLoads).toBe(R + 2);
    expect(st?.modelLoadBytes).toBe((R + 2) * MODEL);
    expect(st?.retrievalBytes).toBe(N * RAG);
    expect(st?.deliveredBytes).toBe((R + 2) * MODEL + N * RAG);
  });

  it('the service ends with its last request, the run with its last model load', () => {
    // 100 GB per replica: a 25G host link takes 32 s alone; warm replicas (no load at the start) serve the 40
    // requests (20/s) in about 2 s, and a repair at 1 s loads replica 1 again.
    const big = run(
      '      storage: {params: 5e10, retrievalBytes: 0, coldStart: false}\n',
      true,
      '[{replica: 1, at: 1s, until: 1.001s}]',
    );
    const q = big.requests?.[0];
    expect(q?.storage?.modelLoads).toBe(1);
    expect(big.simulatedPs / 1e12).toBeGreaterThanOrEqual(1.001 + (1e11 * 8) / 25e9);
    expect(q?.completed).toBe(N);
  });

  // One replica of a plain 10 ms service, one request at once (1e6/s: it arrives within microseconds), 1 GB of
  // weights from one storage node: the weights cross the storage node's and the host's 25G links, payload rate
  // 25 Gb/s x mtu / (mtu + headers + wire overhead) (fluid.ts), and the replica serves the request once they land.
  const one = (storage: string, faults = '[]') => {
    const s = parseScenario(
      `fabric: {topology: access-aggregation, hosts: 48, nic: 25G, switch: aurcore-48x25g-8x100g, spineSwitch: aurcore-32x100g, storage: {nodes: 1}}
traffic:
  - inference:
      arrivals: {poisson: 1e6/s}
      requests: 1
      replicas: 1
      service: {deterministic: 10ms}
      faults: ${faults}
      storage: {params: 5e8, retrievalBytes: 0${storage}}
`,
      catalog,
    );
    const d = designFabric(s.fabric, catalog);
    const r = runInference('flow', d.fabric, s, catalog, { seed: 3 });
    const n = resolveNetwork(s.network, d.fabric, catalog);
    const loadS = (1e9 * 8) / (25e9 * (n.mtu / (n.mtu + n.headerBytes + n.wireOverheadBytes)));
    return { latencyS: (r.requests?.[0].latencyMs.p50 ?? 0) / 1e3, loadS };
  };

  it('a cold replica serves its first request when its weights land: latency = bytes / bottleneck rate + service', () => {
    const { latencyS, loadS } = one('');
    // Tolerance 50 us: the request's and response's own network times and the links' propagation (microseconds).
    expect(Math.abs(latencyS - (loadS + 0.01))).toBeLessThan(50e-6);
    // Negative control: warm, the request waits for nothing.
    expect(Math.abs(one(', coldStart: false').latencyS - 0.01)).toBeLessThan(50e-6);
  });

  it('a repaired replica serves again when its weights land again: latency = repair + load + service', () => {
    // Warm, down from 0 to 1 us (before the request reaches it): back empty, it loads the weights again.
    const { latencyS, loadS } = one(', coldStart: false', '[{replica: 0, at: 0s, until: 1us}]');
    expect(Math.abs(latencyS - (1e-6 + loadS + 0.01))).toBeLessThan(50e-6);
  });

  it('refuses storage traffic without storage nodes, naming the field', () => {
    expect(() => run(ST, false)).toThrow(ScenarioError);
    expect(() => run(ST, false)).toThrow(/traffic\[0\]\.inference\.storage.*fabric\.storage/s);
  });
});
