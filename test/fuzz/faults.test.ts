// Faults as properties (issue 16, item 8): random link and switch failures, flaps (down, up, down again) and
// loss on random small fabrics, on the packet and flow engines and on an inference service. Every flow ends
// delivered or is counted unfinished, and no byte leaves the accounting: the engines' own conservation
// invariants hold (packet: sent = delivered + dropped + in flight; flow: started = delivered + in flight;
// inference: every request completed, failed or in flight), and what the flows report agrees with the counters.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.ts';
import { runEngine } from '../../src/engine/index.ts';
import { designFabric } from '../../src/fabric/index.ts';
import type { Result } from '../../src/result/types.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { compileTraffic } from '../../src/workload/compile.ts';
import { runInferenceYaml } from '../helpers/simulate.ts';

/** Runs to 2 ms of simulated time: a flow cut off for good retries until then and is counted unfinished. */
function runFor2ms(yaml: string, engine: 'packet' | 'flow'): Result {
  const catalog = loadCatalog();
  const s = parseScenario(yaml, catalog);
  const fabric = designFabric(s.fabric, catalog).fabric;
  return runEngine(engine, fabric, compileTraffic(s, fabric), s, catalog, { seed: s.seed, maxTimePs: 2e9 });
}

// Two leaves (h0..h15, h16..h19) under one spine by parallel links (aurcore-32x100g): failures land on used paths.
const FABRIC = 'fabric: {topology: leaf-spine, hosts: 20, nic: 100G, switch: aurcore-32x100g}';

const failureArb = fc.oneof(
  fc
    .record({ leaf: fc.constantFrom(0, 1), index: fc.integer({ min: 0, max: 3 }), at: fc.integer({ min: 0, max: 20 }) })
    .chain(({ leaf, index, at }) =>
      fc.constantFrom(
        [`{link: leaf${leaf}-spine0, index: ${index}, at: ${at}us}`],
        [`{link: leaf${leaf}-spine0, index: ${index}, at: ${at}us, until: ${at + 15}us}`],
        // A flap: down, up, down again.
        [
          `{link: leaf${leaf}-spine0, index: ${index}, at: ${at}us, until: ${at + 5}us}`,
          `{link: leaf${leaf}-spine0, index: ${index}, at: ${at + 10}us, until: ${at + 12}us}`,
        ],
      ),
    ),
  fc
    .record({ sw: fc.constantFrom('spine0', 'leaf1'), at: fc.integer({ min: 0, max: 20 }) })
    .chain(({ sw, at }) =>
      fc.constantFrom([`{switch: ${sw}, at: ${at}us}`], [`{switch: ${sw}, at: ${at}us, until: ${at + 30}us}`]),
    ),
);

const scenarioArb = fc
  .record({
    failures: fc.array(failureArb, { minLength: 1, maxLength: 3 }).map((xs) => xs.flat()),
    loss: fc.constantFrom(0, 0.001, 0.01),
    traffic: fc.constantFrom(
      '{pattern: permutation, bytes: 32KB}',
      '{pattern: incast, receiver: h0, senders: [h16, h17, h18], bytes: 64KB}',
      '{collective: all-reduce, ranks: 20, bytes: 64KB}',
    ),
    seed: fc.integer({ min: 0, max: 100 }),
  })
  .map(
    (s) =>
      `${FABRIC}\nseed: ${s.seed}\nnetwork: {loss: ${s.loss}, detectionDelay: 5us, rto: 100us, failures: [${s.failures.join(', ')}]}\ntraffic: [${s.traffic}]\n`,
  );

function accounted(r: Result): void {
  for (const i of r.invariants)
    if (i.name !== 'every flow completed' && i.name !== 'every task completed')
      expect(i.ok, `${i.name}: ${i.detail}`).toBe(true);
  let delivered = 0;
  for (const f of r.flows) {
    if (f.endPs === -1) continue;
    expect(f.endPs - f.startPs).toBe(f.fctPs);
    delivered += f.bytes;
  }
  // Whole flows that ended were delivered in full; partial ones add to the counter, never subtract from it.
  expect(r.counters.deliveredBytes).toBeGreaterThanOrEqual(delivered);
  const unfinished = r.flows.filter((f) => f.endPs === -1).length;
  const done = r.invariants.find((i) => i.name === 'every flow completed' || i.name === 'every task completed');
  if (unfinished > 0) expect(done?.ok).toBe(false);
}

describe('faults as properties', () => {
  it('random failures, flaps and loss: every flow delivered or counted unfinished, no byte lost (packet, flow)', () => {
    fc.assert(
      fc.property(scenarioArb, fc.constantFrom('packet', 'flow'), (yaml, engine) => {
        accounted(runFor2ms(yaml, engine as 'packet' | 'flow'));
      }),
      { seed: 16, numRuns: 40 },
    );
  });

  it('an inference service under replica, link and switch failures: every request completed, failed or in flight', () => {
    fc.assert(
      fc.property(
        fc.record({
          fault: fc.constantFrom(
            '{switch: access1, at: 2ms}',
            '{link: access0-agg0, at: 1ms, until: 4ms}',
            '{switch: agg0, at: 3ms}',
          ),
          replicaFault: fc.constantFrom('[]', '[{replica: 0, at: 2ms, until: 6ms}]'),
          retries: fc.constantFrom(0, 1, 3),
          seed: fc.integer({ min: 0, max: 100 }),
        }),
        (s) => {
          const r =
            runInferenceYaml(`fabric: {topology: access-aggregation, hosts: 96, nic: 25G, switch: aurcore-48x25g-8x100g, spineSwitch: aurcore-32x100g}
seed: ${s.seed}
network: {failures: [${s.fault}]}
traffic:
  - inference: {arrivals: {poisson: 4000/s}, requests: 40, replicas: 6, service: {exponential: 1ms}, retries: ${s.retries}, faults: ${s.replicaFault}, bytes: {request: 2KB, response: 16KB}}
`);
          for (const i of r.invariants) expect(i.ok, `${i.name}: ${i.detail}`).toBe(true);
          const q = r.requests?.[0];
          expect(q).toBeDefined();
        },
      ),
      { seed: 16, numRuns: 30 },
    );
  });
});
