// The inference simulator (issue 5): runs a scenario's inference item on a fidelity: `flow` (requests and
// responses are fluid flows sharing the fabric max-min fairly), `analytic` (each transfer alone at its path's
// bottleneck: no contention), `packet` (requests, responses and KV caches as packets: packet.ts and
// engine/packet/request-network.ts), or any engine with `network: zero` (queueing only). A scenario that adds a job or other traffic to the service runs both on one fluid
// network (mixed.ts, fluid-job.ts). One element per file; events flow between them like this:
//
//   run.ts: the event loop; EV_ARRIVE takes the next request from the arrival source (setup.ts)
//      │
//      ▼
//   balancer.ts: least outstanding, round-robin,     request: border0 → host       RequestNetwork (network.ts):
//   random, power of two, or the shared queue ─────────────────────────────────►  fluid.ts with or without
//   (a replica that failed a request is ejected                                    contention, or zero delay
//   until EV_UNEJECT)                                                                         │
//      ▲                                                                                      ▼
//      │ retry                                             deliveries.ts (the network's callback): request landed,
//      │                                                   KV landed, whole response landed
//   outcome.ts: failAttempt ◄── replica down, host               │ request                │ KV
//   unreachable (deliveries), token undeliverable                ▼                        ▼
//   (responses), EV_FAULT (faults.ts: fails the      plain.ts (EV_SERVICE)      llm.ts (EV_STEP): continuous
//   attempts at its replica; EV_REPAIR: back, empty)             │              batching; a prefill server hands
//      │                                                         │              over to disaggregation.ts: KV
//   outcome.ts: leave ──► accounting.ts                          │              prefill host → decode host
//      ▲                                                         ▼                        │ each token
//      └── done: the response landed (deliveries), or  responses.ts: respond (one transfer host → border0)
//          the last streamed token reached border0      or emit (one message per token, in order)
//          (EV_DEPART)
//
// State, shared by reference (no element keeps a closure over another's locals): config.ts (settings, read only),
// clock.ts (time, event queue), requests.ts and replicas.ts (struct-of-arrays tables), accounting.ts (counts).
// After the loop: summary.ts (latency, TTFT, TPOT, goodput, per-fault report) and invariants.ts. setup.ts turns
// the scenario into the simulator's inputs; capacity.ts searches replicas and designs for an SLO.

import type { Catalog } from '../../catalog/index.ts';
import type { Fabric } from '../../fabric/types.ts';
import type { Result } from '../../result/types.ts';
import { RESULT_VERSION, zeroCounters } from '../../result/types.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { classNamed } from '../../workload/classes.ts';
import { resolveNetwork } from '../core/network.ts';
import { runStats } from '../core/run-stats.ts';
import { FluidNetwork } from '../flow/fluid.ts';
import { PacketRequestNetwork } from '../packet/request-network.ts';
import { bytesInvariant, serviceInvariants } from './invariants.ts';
import { isMixed, runMixed } from './mixed.ts';
import { trafficSplit } from './mixed-result.ts';
import type { RequestNetwork } from './network.ts';
import { ZeroNetwork } from './network.ts';
import { packetInvariants, packetNetwork } from './packet.ts';
import { runService } from './run.ts';
import { type InferenceRunOptions, inferenceItem, serviceSetup, validateService } from './setup.ts';

export type { InferenceSpec } from './config.ts';
export type { InferenceRunOptions } from './setup.ts';
export { inferenceItem, placeReplicas } from './setup.ts';

/** Simulates the scenario's inference item on `engine` over `fabric`: the Result with one RequestsResult. */
export function runInference(
  engine: 'analytic' | 'flow' | 'packet',
  fabric: Fabric,
  s: Pick<Scenario, 'network' | 'seed' | 'traffic'>,
  catalog: Catalog,
  opts: InferenceRunOptions,
): Result {
  const wall0 = performance.now();
  const it = inferenceItem(s);
  if (!it) throw new Error('runInference needs a scenario with an inference traffic item');
  const path = `traffic[${it.index}].inference`;
  const spec = it.spec;
  validateService(fabric, spec, path);
  // Every engine: the service's class must exist (the packet engine queues it, the fluid ones share by it).
  classNamed(s.network, spec.class ?? 'lossy', `${path}.class`);
  if (isMixed(s)) return runMixed(engine, fabric, s, catalog, it, opts);
  const net = resolveNetwork(s.network, fabric, catalog);
  const network: RequestNetwork =
    spec.network === 'zero'
      ? new ZeroNetwork()
      : engine === 'packet'
        ? packetNetwork(fabric, net, it, opts.seed)
        : new FluidNetwork(fabric, net, { contention: engine === 'flow' });
  const run = runService(serviceSetup(fabric, s, it, network, opts));
  const c = run.check;
  const req = run.requests;
  const invariants = serviceInvariants(c);
  let links: Result['links'];
  let deliveredBytes = 0;
  let messageBytes = 0;
  if (network instanceof FluidNetwork) {
    const st = network.stats();
    deliveredBytes = st.bytesDelivered;
    messageBytes = st.messageBytes;
    invariants.push(bytesInvariant(st));
    links = network.linkStats(run.netEndNs);
  }
  let counters = zeroCounters();
  if (network instanceof PacketRequestNetwork) {
    const st = network.stats();
    deliveredBytes = st.bytesDelivered;
    messageBytes = st.messageBytes;
    invariants.push(...packetInvariants(st, c.inFlight > 0));
    counters = { ...st.counters };
    const tok = network.tokenNetworkUs();
    if (tok) req.tokenNetworkUs = tok;
  }
  const wallMs = performance.now() - wall0;
  counters.deliveredBytes = deliveredBytes;
  return {
    version: RESULT_VERSION,
    engine,
    scenario: opts.name ?? '',
    seed: opts.seed,
    simulatedPs: run.netEndNs * 1000,
    completed: c.inFlight === 0,
    flows: [],
    requests: [req],
    ...(links ? { links } : {}),
    traffic: trafficSplit(0, deliveredBytes, messageBytes, req.kvBytes ?? 0),
    counters,
    ports: [],
    invariants,
    stats: runStats(run.events, wallMs, process.memoryUsage.rss()),
  };
}
