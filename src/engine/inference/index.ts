// Runs a scenario's inference item (issue 5) on a fidelity: `flow` (requests and responses are fluid flows
// sharing the fabric max-min fairly), `analytic` (each transfer alone at its path's bottleneck: no contention), or
// any engine with `network: zero` (queueing only). The packet engine does not carry request traffic yet.

import { createRandom } from '../../base/random.ts';
import type { Catalog } from '../../catalog/index.ts';
import { ScenarioError } from '../../errors.ts';
import type { Fabric, LinkId, NodeId } from '../../fabric/types.ts';
import type { InvariantCheck, Result } from '../../result/types.ts';
import { RESULT_VERSION, zeroCounters } from '../../result/types.ts';
import type { Scenario } from '../../scenario/schema.ts';
import {
  type ArrivalSource,
  fixedTokens,
  gammaArrivals,
  onOff,
  poisson,
  sampledTokens,
  traceArrivals,
} from '../../workload/inference/arrivals.ts';
import { loadTrace } from '../../workload/inference/trace.ts';
import { resolveNetwork } from '../core/network.ts';
import { FluidNetwork } from '../flow/fluid.ts';
import type { RequestNetwork } from './network.ts';
import { ZeroNetwork } from './network.ts';
import { runService } from './run.ts';

export type InferenceSpec = Extract<NonNullable<Scenario['traffic']>[number], { inference: unknown }>['inference'];

export interface InferenceRunOptions {
  seed: number;
  maxTimePs?: number;
  name?: string;
  onProgress?: (arrived: number, total: number, nowPs: number) => void;
}

/** The inference item of a scenario's traffic, or null. Mixing it with other traffic items is an input error. */
export function inferenceItem(s: Pick<Scenario, 'traffic'>): { index: number; spec: InferenceSpec } | null {
  const items = s.traffic ?? [];
  const i = items.findIndex((t) => 'inference' in t);
  if (i < 0) return null;
  if (items.length > 1)
    throw new ScenarioError([
      {
        path: `traffic[${i}].inference`,
        message:
          'an inference service must be the only traffic item of a scenario for now (put training traffic in another scenario)',
      },
    ]);
  const item = items[i];
  if (!('inference' in item)) return null;
  return { index: i, spec: item.inference };
}

/** Replica hosts: `sequential` h0, h1, ...; `spread` round-robin over the access (edge) switches. */
export function placeReplicas(fabric: Fabric, spec: InferenceSpec, path: string): Int32Array {
  const hosts = fabric.hosts;
  if (spec.replicas > hosts.length)
    throw new ScenarioError([
      {
        path: `${path}.replicas`,
        message: `${spec.replicas} replicas do not fit on ${hosts.length} hosts (one replica per host: lower replicas or raise fabric.hosts)`,
      },
    ]);
  if (spec.placement === 'sequential') return hosts.slice(0, spec.replicas);
  const groups = new Map<number, number[]>();
  for (const h of hosts) {
    const l = fabric.adjLinks[fabric.adjStart[h]];
    const edge: number = fabric.peer(l as LinkId, h as NodeId);
    const g = groups.get(edge);
    if (g) g.push(h);
    else groups.set(edge, [h]);
  }
  const lists = [...groups.values()];
  const out = new Int32Array(spec.replicas);
  for (let i = 0, k = 0; k < spec.replicas; i++) {
    const g = lists[i % lists.length];
    const j = Math.floor(i / lists.length);
    if (j < g.length) out[k++] = g[j];
  }
  return out;
}

function arrivalSource(spec: InferenceSpec, seed: number, path: string): ArrivalSource {
  const a = spec.arrivals;
  const max = spec.requests ?? Number.POSITIVE_INFINITY;
  const end = spec.duration !== undefined ? spec.duration / 1000 : Number.POSITIVE_INFINITY;
  if (!('trace' in a) && spec.requests === undefined && spec.duration === undefined)
    throw new ScenarioError([
      {
        path: `${path}.requests`,
        message: 'say when synthetic arrivals stop: requests: 100000 or duration: 60s',
      },
    ]);
  const tok =
    'sample' in spec.tokens
      ? sampledTokens(
          createRandom(seed, 'inference', 'tokens'),
          loadTrace(spec.tokens.sample, undefined, `${path}.tokens.sample`),
        )
      : fixedTokens(spec.tokens.input, spec.tokens.output);
  const rng = createRandom(seed, 'inference', 'arrivals');
  if ('poisson' in a) return poisson(rng, a.poisson, tok, max, end);
  if ('gamma' in a) return gammaArrivals(rng, a.gamma.rate, a.gamma.cv, tok, max, end);
  if ('onOff' in a) return onOff(rng, a.onOff.rate, a.onOff.on / 1000, a.onOff.off / 1000, tok, max, end);
  const trace = loadTrace(a.trace, undefined, `${path}.arrivals.trace`);
  return traceArrivals(
    trace,
    a.speed,
    a.from / 1000,
    a.duration !== undefined ? a.duration / 1000 : Number.POSITIVE_INFINITY,
    max,
    end,
  );
}

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
  if (spec.network === 'fabric' && fabric.border < 0)
    throw new ScenarioError([
      {
        path: 'fabric.topology',
        message:
          'inference requests enter through border0, which only access-aggregation fabrics have (use topology: access-aggregation, or network: zero)',
      },
    ]);
  if (engine === 'packet' && spec.network === 'fabric')
    throw new ScenarioError([
      {
        path: 'engine',
        message:
          'the packet engine does not carry inference requests yet: use engine: flow (contention) or analytic (no contention)',
      },
    ]);
  if (spec.disaggregation && spec.disaggregation.prefillReplicas >= spec.replicas)
    throw new ScenarioError([
      {
        path: `${path}.disaggregation.prefillReplicas`,
        message: `${spec.disaggregation.prefillReplicas} prefill replicas leave none of the ${spec.replicas} to decode; use fewer than ${spec.replicas}`,
      },
    ]);
  if (spec.disaggregation && !('llm' in spec.service))
    throw new ScenarioError([
      { path: `${path}.disaggregation`, message: 'splits an LLM service: use service: {llm: {...}}' },
    ]);
  for (const [i, f] of spec.faults.entries())
    if (f.replica >= spec.replicas)
      throw new ScenarioError([
        {
          path: `${path}.faults[${i}].replica`,
          message: `there are ${spec.replicas} replicas (0..${spec.replicas - 1}); pick one of them`,
        },
      ]);
  const hosts = placeReplicas(fabric, spec, path);
  const net = resolveNetwork(s.network, fabric, catalog);
  const network: RequestNetwork =
    spec.network === 'zero' ? new ZeroNetwork() : new FluidNetwork(fabric, net, { contention: engine === 'flow' });
  const nf = s.network?.failures ?? [];
  const networkFaults = nf.map((f) => ({
    target: 'link' in f ? `link ${f.link}` : `switch ${f.switch}`,
    atNs: f.at / 1000,
    untilNs: f.until !== undefined ? f.until / 1000 : null,
  }));
  const run = runService({
    item: it.index,
    spec,
    arrivals: arrivalSource(spec, opts.seed, path),
    replicaHosts: hosts,
    border: Math.max(fabric.border, 0),
    network,
    rngService: createRandom(opts.seed, 'inference', 'service'),
    rngBalancer: createRandom(opts.seed, 'inference', 'balancer'),
    hashSalt: createRandom(opts.seed, 'inference', 'hash').u32(),
    networkFaults: spec.network === 'zero' ? [] : networkFaults,
    maxTimeNs: opts.maxTimePs !== undefined ? opts.maxTimePs / 1000 : Number.POSITIVE_INFINITY,
    onProgress: opts.onProgress ? (n, t) => opts.onProgress?.(n, spec.requests ?? 0, t * 1000) : undefined,
  });
  const c = run.check;
  const req = run.requests;
  const invariants: InvariantCheck[] = [
    {
      name: 'every request is completed, failed or in flight',
      ok: c.count === c.completed + c.failed + c.inFlight,
      detail: `${c.count} arrived = ${c.completed} completed + ${c.failed} failed + ${c.inFlight} in flight`,
    },
    {
      name: "Little's law: time-average number in system = arrival rate x mean time in system",
      ok: Math.abs(c.areaNs - c.sumTimeInSystemNs) <= 1e-9 * Math.max(1, c.sumTimeInSystemNs),
      detail: `integral of the count ${c.areaNs.toExponential(6)} ns vs sum of times in system ${c.sumTimeInSystemNs.toExponential(6)} ns`,
    },
    {
      name: 'no replica exceeds its batch or KV-cache limit',
      ok: c.maxBatchSeen <= c.maxBatch && (c.kvTokens === 0 || c.maxKvSeen <= c.kvTokens),
      detail: `largest batch ${c.maxBatchSeen} of ${c.maxBatch}; largest KV use ${c.maxKvSeen} of ${c.kvTokens} tokens`,
    },
    {
      name: 'every flow completed',
      ok: c.inFlight === 0,
      detail: c.inFlight === 0 ? 'no request left in flight' : `${c.inFlight} requests still in flight at the end`,
    },
  ];
  let links: Result['links'];
  let deliveredBytes = 0;
  if (network instanceof FluidNetwork) {
    const st = network.stats();
    deliveredBytes = st.bytesDelivered;
    invariants.push({
      name: 'bytes started = delivered + failed + in flight',
      ok:
        Math.abs(st.bytesStarted - (st.bytesDelivered + st.bytesFailed + st.bytesInFlight)) <=
        1e-6 * Math.max(1, st.bytesStarted),
      detail: `${st.bytesStarted} = ${st.bytesDelivered} + ${st.bytesFailed} + ${st.bytesInFlight}`,
    });
    links = network.linkStats(run.endNs);
  }
  const wallMs = performance.now() - wall0;
  const counters = zeroCounters();
  counters.deliveredBytes = deliveredBytes;
  return {
    version: RESULT_VERSION,
    engine,
    scenario: opts.name ?? '',
    seed: opts.seed,
    simulatedPs: run.endNs * 1000,
    completed: c.inFlight === 0,
    flows: [],
    requests: [req],
    ...(links ? { links } : {}),
    traffic: {
      eastWestBytes: req.kvBytes ?? 0,
      northSouthBytes: deliveredBytes - (req.kvBytes ?? 0),
      eastWestShare: deliveredBytes > 0 ? (req.kvBytes ?? 0) / deliveredBytes : 0,
    },
    counters,
    ports: [],
    invariants,
    stats: {
      events: run.events,
      wallMs,
      eventsPerSec: wallMs > 0 ? (run.events / wallMs) * 1000 : 0,
      peakRssMB: process.memoryUsage().rss / 2 ** 20,
    },
  };
}
