// From a scenario's inference item to what the simulator needs: the item itself, the checks the schema cannot
// make (they need the fabric, the engine or several fields at once), the replicas' hosts, the arrival source
// with its seeded streams, and the network failures' windows for the per-fault report. Errors name the field
// and the fix.

import { createRandom } from '../../base/random.ts';
import { ScenarioError } from '../../errors.ts';
import type { Fabric, LinkId, NodeId } from '../../fabric/types.ts';
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
import type { InferenceSpec } from './config.ts';
import type { FaultWindow } from './faults.ts';
import type { RequestNetwork } from './network.ts';
import type { ServiceSetup } from './run.ts';

/** The inference item of a scenario's traffic, or null. Mixing it with other traffic items is an input error. */
export function inferenceItem(s: Pick<Scenario, 'traffic'>): { index: number; spec: InferenceSpec } | null {
  const items = s.traffic ?? [];
  const i = items.findIndex((t) => 'inference' in t);
  if (i < 0) return null;
  // Other traffic beside it runs in the same simulation (mixed.ts); a second service does not, for now.
  const second = items.findIndex((t, k) => k > i && 'inference' in t);
  if (second >= 0)
    throw new ScenarioError([
      {
        path: `traffic[${second}].inference`,
        message: 'a scenario runs one inference service for now (put the second service in another scenario)',
      },
    ]);
  const item = items[i];
  if (!('inference' in item)) return null;
  return { index: i, spec: withRealtime(item.inference) };
}

/**
 * A real-time vision service (`realtime`, issue 18) as the plain service it is: each frame a fixed request, a
 * deterministic batch time with up to maxBatch frames served at once (a batch starts as soon as a slot frees, so
 * no frame waits for a batch to fill: the low-latency end of dynamic batching), whole answers, a latency SLO.
 */
function withRealtime(spec: InferenceSpec): InferenceSpec {
  const rt = spec.realtime;
  if (!rt) return spec;
  return {
    ...spec,
    service: { deterministic: rt.batchTime },
    concurrency: rt.maxBatch,
    bytes: { ...spec.bytes, request: rt.frame, response: rt.result },
    stream: false,
    slo: { ...spec.slo, latency: rt.slo },
  };
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

export function arrivalSource(spec: InferenceSpec, seed: number, path: string): ArrivalSource {
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

export interface InferenceRunOptions {
  seed: number;
  maxTimePs?: number;
  name?: string;
  onProgress?: (arrived: number, total: number, nowPs: number) => void;
}

/**
 * What runService needs for the scenario's inference item on `network`: the replicas' hosts, the arrival source,
 * the seeded streams, the fault windows and the time limit. One place for a service alone (index.ts) and a service
 * beside other traffic (mixed.ts).
 */
export function serviceSetup(
  fabric: Fabric,
  s: Pick<Scenario, 'network'>,
  it: { index: number; spec: InferenceSpec },
  network: RequestNetwork,
  opts: InferenceRunOptions,
): ServiceSetup {
  const { spec } = it;
  const path = `traffic[${it.index}].inference`;
  const progress = opts.onProgress;
  return {
    item: it.index,
    spec,
    arrivals: arrivalSource(spec, opts.seed, path),
    replicaHosts: placeReplicas(fabric, spec, path),
    border: Math.max(fabric.border, 0),
    network,
    rngService: createRandom(opts.seed, 'inference', 'service'),
    rngBalancer: createRandom(opts.seed, 'inference', 'balancer'),
    hashSalt: createRandom(opts.seed, 'inference', 'hash').u32(),
    networkFaults: spec.network === 'zero' ? [] : networkFaultWindows(s),
    storageNodes: Int32Array.from(fabric.storage),
    maxTimeNs: opts.maxTimePs !== undefined ? opts.maxTimePs / 1000 : Number.POSITIVE_INFINITY,
    onProgress: progress ? (n, t) => progress(n, spec.requests ?? 0, t * 1000) : undefined,
  };
}

/** The scenario's switch and link failures, as windows for the per-fault report (times in ns). */
export function networkFaultWindows(s: Pick<Scenario, 'network'>): FaultWindow[] {
  return (s.network?.failures ?? []).map((f) => ({
    target: 'link' in f ? `link ${f.link}` : `switch ${f.switch}`,
    atNs: f.at / 1000,
    untilNs: f.until !== undefined ? f.until / 1000 : null,
  }));
}

/** Input errors of an inference item (at `path`) on this fabric (every engine serves the same items). */
export function validateService(fabric: Fabric, spec: InferenceSpec, path: string): void {
  if (spec.network === 'fabric' && fabric.border < 0)
    throw new ScenarioError([
      {
        path: 'fabric.topology',
        message:
          'inference requests enter through border0, which this fabric lacks (use topology: access-aggregation, fabric.border: true on leaf-spine, fat-tree or rail-optimized, or network: zero)',
      },
    ]);
  if (spec.storage && (spec.network === 'zero' || fabric.storage.length === 0))
    throw new ScenarioError([
      {
        path: `${path}.storage`,
        message:
          spec.network === 'zero'
            ? 'storage traffic crosses the fabric: use network: fabric (or leave storage out)'
            : 'storage traffic needs storage nodes: add fabric.storage: {nodes: 8} (or leave storage out)',
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
}
