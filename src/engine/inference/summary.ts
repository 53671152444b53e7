// A finished run's numbers: per-request latency, time to first token (TTFT), time per output token (TPOT, over
// streamed requests with more than one token), queueing and network time, goodput (completions within every SLO
// bound), token gaps, the per-fault report, and the inputs of the run's invariants (counted independently of each
// other: the count integral against the per-request times). Times are ns inside, ms in the result.
import type { RequestsResult } from '../../result/types.ts';
import type { Accounting } from './accounting.ts';
import type { InferenceSpec, ServiceConfig } from './config.ts';
import { type FaultWindow, faultReport } from './faults.ts';
import { cdf, sortedCopy, summarize } from './percentiles.ts';
import type { ReplicaTable } from './replicas.ts';
import { type RequestTable, ST_ACTIVE, ST_DONE } from './requests.ts';

export interface ServiceRun {
  requests: RequestsResult;
  /** The service's end (ns), and the end of the whole run with its storage transfers (index.ts's simulated time). */
  endNs: number;
  netEndNs: number;
  events: number;
  /** Invariant inputs, counted independently. */
  check: {
    count: number;
    completed: number;
    failed: number;
    inFlight: number;
    /** Integral of the number in system over [first arrival, end], and the same from per-request times. */
    areaNs: number;
    sumTimeInSystemNs: number;
    /** Largest batch and KV use seen against their limits (an LLM replica never exceeds them). */
    maxBatchSeen: number;
    maxBatch: number;
    maxKvSeen: number;
    kvTokens: number;
  };
}

/** Everything a summary reads. */
export interface ServiceEnd {
  item: number;
  arrivals: string;
  spec: InferenceSpec;
  cfg: ServiceConfig;
  reqs: RequestTable;
  reps: ReplicaTable;
  acct: Accounting;
  faults: FaultWindow[];
  endNs: number;
}

/** The completed requests' times (ns), in request order; TPOT only for streamed requests of 2+ tokens. */
interface Times {
  completed: number;
  lat: Float64Array;
  ttft: Float64Array;
  queue: Float64Array;
  net: Float64Array;
  netUnloaded: Float64Array;
  kv: Float64Array;
  tpot: Float64Array;
  nTpot: number;
  /** Completed within every SLO bound; completed after some queueing. */
  good: number;
  waited: number;
  /** Sum over all requests of their time in system up to the end. */
  sumInSystem: number;
}

function requestTimes(e: ServiceEnd): Times {
  const { reqs, spec, endNs } = e;
  const completed = e.acct.completed;
  const t: Times = {
    completed: 0,
    lat: new Float64Array(completed),
    ttft: new Float64Array(completed),
    queue: new Float64Array(completed),
    net: new Float64Array(completed),
    netUnloaded: new Float64Array(completed),
    kv: new Float64Array(completed),
    tpot: new Float64Array(completed),
    nTpot: 0,
    good: 0,
    waited: 0,
    sumInSystem: 0,
  };
  const sloTtft = spec.slo?.ttft !== undefined ? spec.slo.ttft / 1000 : Number.POSITIVE_INFINITY;
  const sloTpot = spec.slo?.tpot !== undefined ? spec.slo.tpot / 1000 : Number.POSITIVE_INFINITY;
  const sloLat = spec.slo?.latency !== undefined ? spec.slo.latency / 1000 : Number.POSITIVE_INFINITY;
  let c = 0;
  for (let i = 0; i < reqs.n; i++) {
    t.sumInSystem += (reqs.status[i] === ST_ACTIVE ? endNs : reqs.departT[i]) - reqs.arrive[i];
    if (reqs.status[i] !== ST_DONE) continue;
    const l = reqs.departT[i] - reqs.arrive[i];
    const f = reqs.firstTok[i] - reqs.arrive[i];
    t.lat[c] = l;
    t.ttft[c] = f;
    t.queue[c] = reqs.queueNs[i];
    if (reqs.queueNs[i] > 0) t.waited++;
    t.net[c] = reqs.netNs[i];
    t.netUnloaded[c] = reqs.unloadedNs[i];
    t.kv[c] = reqs.kvNs[i];
    let tp = 0;
    if (e.cfg.stream && reqs.outTok[i] > 1) {
      tp = (reqs.lastTok[i] - reqs.firstTok[i]) / (reqs.outTok[i] - 1);
      t.tpot[t.nTpot++] = tp;
    }
    if (f <= sloTtft && tp <= sloTpot && l <= sloLat) t.good++;
    c++;
  }
  t.completed = c;
  return t;
}

/** The run's result and invariant inputs (the count integral must already reach endNs). */
export function summarizeService(e: ServiceEnd): ServiceRun {
  const { acct, spec, cfg, endNs } = e;
  const n = e.reqs.n;
  const R = cfg.replicas;
  const t = requestTimes(e);
  const c = t.completed;
  const span = n > 1 ? (acct.lastArrival - acct.firstArrival) / 1e9 : 0;
  const runS = n > 0 ? (Math.max(acct.lastDepart, acct.lastArrival) - acct.firstArrival) / 1e9 : 0;
  let busy = 0;
  for (let r = 0; r < R; r++) busy += e.reps.busyNs[r];
  const faults = e.faults.map((w) => faultReport(w, e.reqs, endNs));
  const gaps = acct.gaps;
  const gp50 = gaps.count > 0 ? gaps.quantile(0.5) / 1e6 : 0;
  const gp99 = gaps.count > 0 ? gaps.quantile(0.99) / 1e6 : 0;
  // Latency and TTFT feed both their percentiles and their CDFs: sorted once.
  const latS = sortedCopy(t.lat, c);
  const ttftS = sortedCopy(t.ttft, c);
  const requests: RequestsResult = {
    item: e.item,
    arrivals: e.arrivals,
    balancer: spec.balancer,
    replicas: R,
    count: n,
    completed: acct.completed,
    failed: acct.failed,
    inFlight: acct.inSystem,
    retries: acct.retries,
    spanS: span,
    arrivalRatePerS: span > 0 ? n / span : 0,
    meanInputTokens: n > 0 ? acct.sumIn / n : 0,
    meanOutputTokens: n > 0 ? acct.sumOut / n : 0,
    latencyMs: summarize(latS),
    ttftMs: summarize(ttftS),
    tpotMs: summarize(sortedCopy(t.tpot, t.nTpot)),
    queueMs: summarize(sortedCopy(t.queue, c)),
    queuedShare: c > 0 ? t.waited / c : 0,
    networkMs: summarize(sortedCopy(t.net, c)),
    networkUnloadedMs: summarize(sortedCopy(t.netUnloaded, c)),
    ...(cfg.disaggregated ? { kvTransferMs: summarize(sortedCopy(t.kv, c)), kvBytes: acct.kvBytes } : {}),
    cdfMs: { latency: cdf(latS), ttft: cdf(ttftS) },
    tokenGapMs: { count: gaps.count, p50: gp50, p99: gp99, jitter: gp99 - gp50 },
    throughputPerS: runS > 0 ? acct.completed / runS : 0,
    goodputPerS: runS > 0 ? t.good / runS : 0,
    slo: {
      ...(spec.slo?.ttft !== undefined ? { ttftMs: spec.slo.ttft / 1e9 } : {}),
      ...(spec.slo?.tpot !== undefined ? { tpotMs: spec.slo.tpot / 1e9 } : {}),
      ...(spec.slo?.latency !== undefined ? { latencyMs: spec.slo.latency / 1e9 } : {}),
    },
    availability: n > 0 ? acct.completed / n : 1,
    meanInSystem: endNs > acct.firstArrival && acct.firstArrival >= 0 ? acct.area / (endNs - acct.firstArrival) : 0,
    replicaUtilization: endNs > 0 && R > 0 ? busy / R / Math.max(1, endNs - Math.max(0, acct.firstArrival)) : 0,
    faults,
  };
  return {
    requests,
    endNs,
    netEndNs: endNs,
    events: acct.events,
    check: {
      count: n,
      completed: acct.completed,
      failed: acct.failed,
      inFlight: acct.inSystem,
      areaNs: acct.area,
      sumTimeInSystemNs: t.sumInSystem,
      maxBatchSeen: acct.maxBatchSeen,
      maxBatch: cfg.cap,
      maxKvSeen: acct.maxKvSeen,
      kvTokens: cfg.kvCap,
    },
  };
}
