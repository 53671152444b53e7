// The real-time vision service beside a bandwidth-heavy neighbour on the packet engine (issue 18's must-show, at
// packet level): its p99 alone, with the neighbour in the service's own class (no separation: one FIFO), and
// with strict priority for the service (network.classes: realtime above roce). The flow-fidelity version is
// realtime.test.ts.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import { type Scenario, scenarioSchema } from '../../scenario/schema.ts';
import { runInference } from './index.ts';

const catalog = loadCatalog();
const FABRIC = { topology: 'leaf-spine', hosts: 48, nic: '100G', switch: 'aurcore-32x400g', border: true };
// One replica on h0; 20 frames at 2,000/s (10 ms; half of its 8 frames per 2 ms).
const service = (extra: Record<string, unknown> = {}) => ({
  inference: {
    arrivals: { poisson: '2000/s' },
    requests: 20,
    replicas: 1,
    placement: 'sequential',
    realtime: {},
    ...extra,
  },
});
// Bandwidth-heavy RoCE traffic into the replica's host: 4 senders x 40 MB into its 100G link, 13 ms: longer than the
// service's 10 ms.
const HEAVY = { pattern: 'incast', senders: ['h1', 'h2', 'h3', 'h4'], receiver: 'h0', bytes: '40MB' };

const parse = (traffic: unknown[], network: Record<string, unknown> = {}): Scenario =>
  scenarioSchema.parse({ fabric: FABRIC, traffic, network });

function requests(s: Scenario) {
  const r = runInference('packet', designFabric(s.fabric, catalog).fabric, s, catalog, { seed: 1 });
  for (const i of r.invariants) expect(i.ok, `${i.name}: ${i.detail}`).toBe(true);
  const q = r.requests?.[0];
  if (!q) throw new Error('no request statistics');
  return q;
}

describe('real-time service and a heavy neighbour on the packet engine', () => {
  it('no separation raises the p99; strict priority for the service brings it back within 10% of solo', () => {
    const classes = { realtime: { priority: 6 } };
    const solo = requests(parse([service()]));
    const shared = requests(parse([HEAVY, service({ class: 'roce' })], { classes }));
    const prio = requests(parse([HEAVY, service({ class: 'realtime' })], { classes }));
    // Measured (seed 1): p99 latency 2.0182 ms solo, 2.5984 ms in one FIFO with the neighbour (+29%), 2.0185 ms
    // with priority (+0.02%); p99 network time 18.2, 598.4 and 18.5 us (+1.8%: a frame's packet may wait for the
    // neighbour's packet on the wire, priority is not preemptive). Without network.classes the engine's default
    // (strict, RoCE first) puts the service's lossy TCP under the neighbour: 10.5 ms.
    expect(shared.latencyMs.p99 / solo.latencyMs.p99).toBeGreaterThan(1.01);
    expect(shared.networkMs.p99 / solo.networkMs.p99).toBeGreaterThan(3);
    expect(Math.abs(prio.latencyMs.p99 / solo.latencyMs.p99 - 1)).toBeLessThan(0.1);
    expect(Math.abs(prio.networkMs.p99 / solo.networkMs.p99 - 1)).toBeLessThan(0.1);
  });
});
