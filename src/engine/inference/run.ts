// The request-level simulator of an inference service (issue 5). It runs the service's components as event
// handlers: an arrival source at border0, a load balancer, replicas (a plain service-time server with `concurrency`
// slots, or an LLM replica with prefill-first continuous batching and a KV-cache budget), retries and outlier
// ejection, replica faults; requests and responses cross the fabric through a RequestNetwork (the fluid model of
// src/engine/flow/fluid.ts with contention for the flow engine, without for the analytic one, or zero delay).
//
//   arrival ─► balancer ─► request transfer border0 → host ─► replica queue ─► prefill ─► decode steps
//      ▲          │ (shared-queue: wait at the balancer)            │ each token: a message host → border0
//      └─ retry ◄─┴── failure (replica down, unreachable host) ◄────┘ last token (or the response transfer) ─► depart
//
// Time is integer nanoseconds. Ties are broken by insertion order (the event queue) and the network's deliveries
// due at a time are handled before the simulator's own events at that time.

import type { RandomStream } from '../../base/random.ts';
import type { RequestsResult } from '../../result/types.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { ArrivalSource } from '../../workload/inference/arrivals.ts';
import { mixHash } from '../core/ecmp.ts';
import { BinaryHeapQueue, growF64, growI32, growU8, growU32 } from '../core/heap2.ts';
import { LogHistogram } from '../core/histogram.ts';
import type { RequestNetwork } from './network.ts';

type InferenceSpec = Extract<NonNullable<Scenario['traffic']>[number], { inference: unknown }>['inference'];

export interface ServiceSetup {
  item: number;
  spec: InferenceSpec;
  arrivals: ArrivalSource;
  /** Node id of each replica's host, and of border0. */
  replicaHosts: Int32Array;
  border: number;
  network: RequestNetwork;
  /** Streams: service times, balancer choices, flow hashes. */
  rngService: RandomStream;
  rngBalancer: RandomStream;
  hashSalt: number;
  /** Network faults (switch/link failures), for the per-fault windows: target, at and until in ns. */
  networkFaults: { target: string; atNs: number; untilNs: number | null }[];
  /** Stop simulating at this time (ns): requests still in the system are reported in flight. */
  maxTimeNs: number;
  onProgress?: (arrived: number, nowNs: number) => void;
}

export interface ServiceRun {
  requests: RequestsResult;
  endNs: number;
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

const EV_ARRIVE = 0;
const EV_SERVICE = 1; // plain service done: a = replica, b = request
const EV_STEP = 2; // LLM iteration done: a = replica, b = replica epoch
const EV_DEPART = 3; // a = request
const EV_FAULT = 4; // a = fault index
const EV_REPAIR = 5;
const EV_UNEJECT = 6; // a = replica

const ST_ACTIVE = 0;
const ST_DONE = 1;
const ST_FAILED = 2;

// Transfer tags: request * 2 + kind.
const T_REQUEST = 0;
const T_RESPONSE = 1;
const T_KV = 2; // the KV cache from a prefill server to a decode server (disaggregation)

const PH_AWAY = 0;
const PH_AT_REPLICA = 1;

// Replica lists hold entries req * 16 + attempt (mod 16), so an entry of an earlier attempt is recognised as stale.
const entry = (req: number, att: number) => req * 16 + (att & 15);

const STEP_IDLE = 0;
const STEP_PREFILL = 1;
const STEP_DECODE = 2;

/** Min-segment tree over replicas (least-outstanding choice in O(log n)); ties go to the lowest index. */
class MinTree {
  private readonly size: number;
  private readonly key: Float64Array;
  private readonly idx: Int32Array;
  constructor(n: number) {
    let s = 1;
    while (s < n) s *= 2;
    this.size = s;
    this.key = new Float64Array(2 * s).fill(Number.POSITIVE_INFINITY);
    this.idx = new Int32Array(2 * s).fill(-1);
    for (let i = 0; i < n; i++) {
      this.key[s + i] = 0;
      this.idx[s + i] = i;
    }
    for (let i = s - 1; i >= 1; i--) this.pull(i);
  }
  private pull(i: number): void {
    const l = 2 * i;
    const r = l + 1;
    if (this.key[r] < this.key[l]) {
      this.key[i] = this.key[r];
      this.idx[i] = this.idx[r];
    } else {
      this.key[i] = this.key[l];
      this.idx[i] = this.idx[l];
    }
  }
  set(i: number, k: number): void {
    let p = this.size + i;
    this.key[p] = k;
    for (p >>= 1; p >= 1; p >>= 1) this.pull(p);
  }
  minIndex(): number {
    return this.idx[1];
  }
  minKey(): number {
    return this.key[1];
  }
}

/** A FIFO of request ids (amortized O(1), compacts itself). */
class Fifo {
  private a: number[] = [];
  private h = 0;
  get length(): number {
    return this.a.length - this.h;
  }
  push(x: number): void {
    this.a.push(x);
  }
  peek(): number {
    return this.a[this.h];
  }
  shift(): number {
    const x = this.a[this.h++];
    if (this.h > 1024 && this.h * 2 > this.a.length) {
      this.a = this.a.slice(this.h);
      this.h = 0;
    }
    return x;
  }
  drain(): number[] {
    const out = this.a.slice(this.h);
    this.a = [];
    this.h = 0;
    return out;
  }
}

const CDF_P = [...Array.from({ length: 99 }, (_, i) => (i + 1) / 100), 0.995, 0.999, 0.9999, 1];

/** The p-quantile (0 < p <= 1) of the first n values of an ascending array, by nearest rank. */
function nearestRank(sorted: ArrayLike<number>, n: number, p: number): number {
  return sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))];
}

/** The first n values, sorted ascending (a copy). */
function sortedCopy(values: Float64Array, n: number): Float64Array {
  return values.slice(0, n).sort();
}

/** An empirical CDF of an ascending array as [p, value x scale] at CDF_P. */
export function cdf(sorted: Float64Array, scale = 1e-6): [number, number][] {
  const n = sorted.length;
  return n === 0 ? [] : CDF_P.map((p) => [p, nearestRank(sorted, n, p) * scale]);
}

/** Exact order statistics of an ascending array: mean and the p-quantiles (nearest rank), in ms. */
export function summarize(sorted: Float64Array, scale = 1e-6) {
  const n = sorted.length;
  if (n === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  const q = (p: number) => nearestRank(sorted, n, p) * scale;
  return { count: n, mean: (sum / n) * scale, p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999) };
}

export function runService(x: ServiceSetup): ServiceRun {
  const spec = x.spec;
  const net = x.network;
  const R = x.replicaHosts.length;
  const llm = 'llm' in spec.service ? spec.service.llm : null;
  const plainMeanNs =
    'exponential' in spec.service
      ? spec.service.exponential / 1000
      : 'deterministic' in spec.service
        ? spec.service.deterministic / 1000
        : 0;
  const expService = 'exponential' in spec.service;
  const stream = spec.stream ?? llm !== null;
  const cap = llm ? llm.maxBatch : spec.concurrency;
  const shared = spec.balancer === 'shared-queue';
  const b = spec.bytes;
  const ejectNs = spec.ejectFor / 1000;
  const prefillBase = llm ? llm.prefill.base / 1000 : 0;
  const prefillPerToken = llm ? llm.prefill.perToken / 1000 : 0;
  const decodeBase = llm ? llm.decode.base / 1000 : 0;
  const decodePerSeq = llm ? llm.decode.perSequence / 1000 : 0;
  const kvCap = llm ? llm.kvTokens : 0;
  // Disaggregation: replicas 0..P-1 prefill (the balancer's choice), P..R-1 decode (least outstanding).
  const dis = llm ? (spec.disaggregation ?? null) : null;
  const P = dis ? dis.prefillReplicas : R;
  const kvPerToken = dis ? dis.kvBytesPerToken : 0;

  // Per request (grown as requests arrive).
  let n = 0;
  let arrive = new Float64Array(1024);
  let inTok = new Int32Array(1024);
  let outTok = new Int32Array(1024);
  let rep = new Int32Array(1024);
  let attempt = new Int32Array(1024);
  let status = new Uint8Array(1024);
  let atReplica = new Float64Array(1024); // when the current attempt reached its replica (or joined the LB queue)
  let sentAt = new Float64Array(1024); // when the current transfer started
  let queueNs = new Float64Array(1024);
  let netNs = new Float64Array(1024);
  let unloadedNs = new Float64Array(1024);
  let firstTok = new Float64Array(1024);
  let lastTok = new Float64Array(1024);
  let tokens = new Int32Array(1024);
  let departT = new Float64Array(1024);
  let serviceEpoch = new Int32Array(1024);
  /** Where the current attempt is: PH_AWAY (balancer, network, or responding) or at its replica (queued, serving). */
  let phase = new Uint8Array(1024);
  /** When the request's last failed attempt failed (-1: never). */
  let failT = new Float64Array(1024);
  /** Disaggregation: the prefill replica holding the request's KV until its transfer lands (-1: none). */
  let kvFrom = new Int32Array(1024);
  let kvNs = new Float64Array(1024);
  /** The flow hash of the current attempt (set when it is sent to a replica). */
  let hashA = new Uint32Array(1024);

  // Per replica.
  const host = x.replicaHosts;
  const down = new Uint8Array(R);
  const epoch = new Int32Array(R);
  const ejectedUntil = new Float64Array(R);
  const outstanding = new Int32Array(R);
  const busySlots = new Int32Array(R);
  const busyNs = new Float64Array(R);
  const queues: Fifo[] = Array.from({ length: R }, () => new Fifo());
  // LLM batches: replica r's running entries are runE[r * cap .. r * cap + runN[r]), its prefill likewise.
  const runE = new Float64Array(llm ? R * cap : 0);
  const runN = new Int32Array(R);
  const preE = new Float64Array(llm ? R * cap : 0);
  const preN = new Int32Array(R);
  const kvUsed = new Float64Array(R);
  const stepKind = new Uint8Array(R);
  const tree = new MinTree(P);
  const dtree = new MinTree(Math.max(1, R - P));
  const lbQueue = new Fifo();
  let rr = 0;

  const q = new BinaryHeapQueue(1024);
  const gaps = new LogHistogram();
  let inSystem = 0;
  let area = 0;
  let lastT = 0;
  let firstArrival = -1;
  let lastArrival = 0;
  let lastDepart = 0;
  let completed = 0;
  let failed = 0;
  let retries = 0;
  let events = 0;
  let maxBatchSeen = 0;
  let maxKvSeen = 0;
  let sumIn = 0;
  let sumOut = 0;
  let kvBytes = 0;
  let now = 0;

  const treeKey = (r: number) => outstanding[r] + (ejectedUntil[r] > now ? 1e9 : 0);
  const touch = (r: number) => (r < P ? tree.set(r, treeKey(r)) : dtree.set(r - P, treeKey(r)));
  const countTo = (t: number) => {
    area += inSystem * (t - lastT);
    lastT = t;
  };

  /** The flow hash of a request's current attempt (a new connection per attempt). */
  const hashOf = (req: number) => mixHash(req * 16 + (attempt[req] & 15), x.hashSalt);
  const tokenBytes = b.perMessage + b.perOutputToken;

  // ---- balancer -------------------------------------------------------------------------------------------
  const healthy = (r: number) => ejectedUntil[r] <= now;
  function pick(): number {
    switch (spec.balancer) {
      case 'round-robin': {
        for (let k = 0; k < P; k++) {
          const r = (rr + k) % P;
          if (healthy(r)) {
            rr = (r + 1) % P;
            return r;
          }
        }
        const r = rr;
        rr = (rr + 1) % P;
        return r;
      }
      case 'random': {
        for (let k = 0; k < 16; k++) {
          const r = x.rngBalancer.int(P);
          if (healthy(r)) return r;
        }
        return tree.minIndex();
      }
      case 'power-of-two': {
        if (P === 1) return 0;
        const a = x.rngBalancer.int(P);
        let c = x.rngBalancer.int(P - 1);
        if (c >= a) c++;
        const ka = treeKey(a);
        const kc = treeKey(c);
        return kc < ka ? c : a;
      }
      default:
        return tree.minIndex(); // least-outstanding (and shared-queue's choice among free replicas)
    }
  }

  function dispatch(req: number, t: number): void {
    if (shared) {
      const r = tree.minIndex();
      if (tree.minKey() >= cap) {
        lbQueue.push(req);
        atReplica[req] = t;
        return;
      }
      sendTo(req, r, t);
      return;
    }
    sendTo(req, pick(), t);
  }

  function sendTo(req: number, r: number, t: number): void {
    if (shared) queueNs[req] += t - atReplica[req];
    rep[req] = r;
    outstanding[r]++;
    touch(r);
    const bytes = b.request ?? b.overhead + inTok[req] * b.perInputToken;
    sentAt[req] = t;
    const h = hashOf(req);
    hashA[req] = h;
    unloadedNs[req] += net.unloadedDelayNs(x.border, host[r], bytes, h);
    net.start(t, x.border, host[r], bytes, h, req * 4 + T_REQUEST);
  }

  function pullShared(t: number): void {
    while (lbQueue.length > 0 && tree.minKey() < cap) {
      const req = lbQueue.shift();
      if (status[req] !== ST_ACTIVE) continue;
      sendTo(req, tree.minIndex(), t);
    }
  }

  // ---- request outcomes -----------------------------------------------------------------------------------
  function leave(req: number, t: number, st: number): void {
    status[req] = st;
    departT[req] = t;
    countTo(t);
    inSystem--;
    if (t > lastDepart) lastDepart = t;
    if (st === ST_DONE) completed++;
    else failed++;
    const r = rep[req];
    if (r >= 0) {
      outstanding[r]--;
      touch(r);
    }
    if (shared) pullShared(t);
  }

  /** A failed attempt: retry on another replica if allowed and nothing reached the client yet, else fail. */
  function failAttempt(req: number, t: number): void {
    if (status[req] !== ST_ACTIVE) return;
    failT[req] = t;
    const r = rep[req];
    if (r >= 0) {
      ejectedUntil[r] = t + ejectNs;
      q.push(t + ejectNs, EV_UNEJECT, r, 0);
      touch(r);
    }
    if (tokens[req] > 0 || attempt[req] >= spec.retries) {
      leave(req, t, ST_FAILED);
      return;
    }
    if (r >= 0) {
      outstanding[r]--;
      touch(r);
      if (shared) pullShared(t);
    }
    attempt[req]++;
    retries++;
    rep[req] = -1;
    phase[req] = PH_AWAY;
    atReplica[req] = t;
    dispatch(req, t);
  }

  // ---- replicas -------------------------------------------------------------------------------------------
  /** Is this list entry the request's current attempt at replica r? */
  const live = (e: number, r: number) => {
    const req = Math.floor(e / 16);
    return status[req] === ST_ACTIVE && rep[req] === r && (attempt[req] & 15) === e % 16;
  };

  function arriveAtReplica(req: number, t: number): void {
    const r = rep[req];
    if (down[r]) {
      failAttempt(req, t);
      return;
    }
    atReplica[req] = t;
    phase[req] = PH_AT_REPLICA;
    if (llm) {
      if (inTok[req] + outTok[req] > kvCap) {
        // No replica can hold it: it fails without a retry, and the replica is not to blame (no ejection).
        failT[req] = t;
        leave(req, t, ST_FAILED);
        return;
      }
      queues[r].push(entry(req, attempt[req]));
      if (stepKind[r] === STEP_IDLE) nextStep(r, t);
      return;
    }
    if (busySlots[r] < spec.concurrency) startPlain(r, req, t);
    else queues[r].push(entry(req, attempt[req]));
  }

  function startPlain(r: number, req: number, t: number): void {
    busySlots[r]++;
    queueNs[req] += t - atReplica[req];
    serviceEpoch[req] = epoch[r];
    const s = expService ? x.rngService.exp(plainMeanNs) : plainMeanNs;
    const end = Math.round(t + s);
    busyNs[r] += end - t;
    q.push(end, EV_SERVICE, r, entry(req, attempt[req]));
  }

  function plainDone(r: number, e: number, t: number): void {
    const req = Math.floor(e / 16);
    if (serviceEpoch[req] !== epoch[r] || down[r]) return; // the replica failed meanwhile
    busySlots[r]--;
    if (live(e, r)) respond(req, t);
    while (busySlots[r] < spec.concurrency && queues[r].length > 0) {
      const nx = queues[r].shift();
      if (live(nx, r)) startPlain(r, Math.floor(nx / 16), t);
    }
  }

  /** Send the whole response (plain service, or an LLM without streaming) as one transfer. */
  function respond(req: number, t: number): void {
    const r = rep[req];
    phase[req] = PH_AWAY;
    const bytes = b.response ?? b.overhead + outTok[req] * b.perOutputToken;
    sentAt[req] = t;
    const h = hashA[req];
    unloadedNs[req] += net.unloadedDelayNs(host[r], x.border, bytes, h);
    net.start(t, host[r], x.border, bytes, h, req * 4 + T_RESPONSE);
  }

  function nextStep(r: number, t: number): void {
    if (down[r]) return;
    const wait = queues[r];
    const base = r * cap;
    const nRun = runN[r];
    let nAdm = 0;
    let tok = 0;
    while (wait.length > 0 && nRun + nAdm < cap) {
      const e = wait.peek();
      if (!live(e, r)) {
        wait.shift();
        continue;
      }
      const req = Math.floor(e / 16);
      const k = need(r, req);
      if (kvUsed[r] + k > kvCap) break;
      wait.shift();
      kvUsed[r] += k;
      queueNs[req] += t - atReplica[req];
      if (dis && r >= P)
        runE[base + nRun + nAdm++] = e; // a decode server takes it straight into the batch
      else preE[base + nAdm++] = e;
      tok += inTok[req];
    }
    if (dis && r >= P) {
      runN[r] = nRun + nAdm;
      decodeOnly(r, t);
      return;
    }
    if (kvUsed[r] > maxKvSeen) maxKvSeen = kvUsed[r];
    preN[r] = nAdm;
    let dur: number;
    if (nAdm > 0) {
      stepKind[r] = STEP_PREFILL;
      dur = prefillBase + prefillPerToken * tok;
    } else if (nRun > 0) {
      stepKind[r] = STEP_DECODE;
      dur = decodeBase + decodePerSeq * nRun;
      if (nRun > maxBatchSeen) maxBatchSeen = nRun;
    } else {
      stepKind[r] = STEP_IDLE;
      return;
    }
    const end = Math.round(t + dur);
    busyNs[r] += end - t;
    q.push(end, EV_STEP, r, epoch[r]);
  }

  /** KV tokens a request reserves at replica r: a prefill server holds only the input's. */
  const need = (r: number, req: number) => (dis && r < P ? inTok[req] : inTok[req] + outTok[req]);
  function decodeOnly(r: number, t: number): void {
    const nRun = runN[r];
    if (kvUsed[r] > maxKvSeen) maxKvSeen = kvUsed[r];
    if (nRun === 0) {
      stepKind[r] = STEP_IDLE;
      return;
    }
    stepKind[r] = STEP_DECODE;
    if (nRun > maxBatchSeen) maxBatchSeen = nRun;
    const end = Math.round(t + decodeBase + decodePerSeq * nRun);
    busyNs[r] += end - t;
    q.push(end, EV_STEP, r, epoch[r]);
  }

  /** Disaggregation: after its first token, a request's KV cache moves to the least loaded decode server. */
  function handOver(req: number, r: number, t: number): void {
    const d = P + dtree.minIndex();
    outstanding[r]--;
    touch(r);
    rep[req] = d;
    outstanding[d]++;
    touch(d);
    phase[req] = PH_AWAY;
    kvFrom[req] = r;
    sentAt[req] = t;
    const bytes = inTok[req] * kvPerToken;
    kvBytes += bytes;
    net.start(t, host[r], host[d], bytes, hashA[req], req * 4 + T_KV);
  }

  /** The KV transfer landed (or failed): the prefill server frees the request's KV. */
  function kvLanded(req: number): void {
    const r = kvFrom[req];
    if (r < 0) return;
    kvFrom[req] = -1;
    kvUsed[r] = Math.max(0, kvUsed[r] - inTok[req]);
    if (stepKind[r] === STEP_IDLE) nextStep(r, now);
  }

  const release = (r: number, e: number) => {
    kvUsed[r] -= need(r, Math.floor(e / 16));
  };

  function stepDone(r: number, ep: number, t: number): void {
    if (ep !== epoch[r] || down[r]) return;
    const base = r * cap;
    if (stepKind[r] === STEP_PREFILL) {
      let k = runN[r];
      for (let i = base, end = base + preN[r]; i < end; i++) {
        const e = preE[i];
        if (!live(e, r) || emit(Math.floor(e / 16), t)) release(r, e);
        else if (dis)
          handOver(Math.floor(e / 16), r, t); // KV stays reserved until it has moved
        else runE[base + k++] = e;
      }
      runN[r] = k;
      preN[r] = 0;
    } else {
      let k = base;
      for (let i = base, end = base + runN[r]; i < end; i++) {
        const e = runE[i];
        if (!live(e, r) || emit(Math.floor(e / 16), t)) release(r, e);
        else runE[k++] = e;
      }
      runN[r] = k - base;
    }
    nextStep(r, t);
  }

  /** One generated token of `req` at time t at its replica. True when the request leaves the replica. */
  function emit(req: number, t: number): boolean {
    const k = ++tokens[req];
    const last = k >= outTok[req];
    if (!stream) {
      if (last) respond(req, t);
      return last;
    }
    const r = rep[req];
    const bytes = k === 1 ? tokenBytes + b.overhead : tokenBytes;
    const h = hashA[req];
    const d = net.messageDelayNs(t, host[r], x.border, bytes, h);
    if (!Number.isFinite(d)) {
      tokens[req]--; // this token never reached the client
      failAttempt(req, t);
      return true;
    }
    const at = Math.max(t + d, lastTok[req]);
    if (k === 1) {
      firstTok[req] = at;
      netNs[req] += d;
      unloadedNs[req] += net.unloadedDelayNs(host[r], x.border, bytes, h);
    } else gaps.add(at - lastTok[req]);
    lastTok[req] = at;
    if (last) {
      phase[req] = PH_AWAY;
      q.push(at, EV_DEPART, req, 0);
    }
    return last;
  }

  function onNet(tag: number, ok: boolean): void {
    const req = tag >> 2;
    const kind = tag & 3;
    if (kind === T_KV) kvLanded(req);
    if (status[req] !== ST_ACTIVE) return;
    if (!ok) {
      failAttempt(req, now);
      return;
    }
    if (kind === T_KV) {
      kvNs[req] = now - sentAt[req];
      arriveAtReplica(req, now);
      return;
    }
    netNs[req] += now - sentAt[req];
    if (kind === T_REQUEST) arriveAtReplica(req, now);
    else {
      firstTok[req] = now;
      lastTok[req] = now;
      leave(req, now, ST_DONE);
    }
  }

  // ---- faults ---------------------------------------------------------------------------------------------
  const faults = spec.faults.map((f) => ({
    replica: f.replica,
    atNs: f.at / 1000,
    untilNs: f.until !== undefined ? f.until / 1000 : null,
  }));
  for (let i = 0; i < faults.length; i++) {
    q.push(Math.round(faults[i].atNs), EV_FAULT, i, 0);
    const u = faults[i].untilNs;
    if (u !== null) q.push(Math.round(u), EV_REPAIR, i, 0);
  }
  function fault(i: number, t: number): void {
    const r = faults[i].replica;
    if (down[r]) return;
    down[r] = 1;
    epoch[r]++;
    stepKind[r] = STEP_IDLE;
    busySlots[r] = 0;
    queues[r].drain();
    runN[r] = 0;
    preN[r] = 0;
    kvUsed[r] = 0;
    // Every request queued or in service there fails (requests on their way fail when they reach it).
    for (let req = 0; req < n; req++)
      if (status[req] === ST_ACTIVE && rep[req] === r && phase[req] === PH_AT_REPLICA) failAttempt(req, t);
  }
  function repair(i: number, t: number): void {
    const r = faults[i].replica;
    if (!down[r]) return;
    down[r] = 0;
    epoch[r]++;
    if (llm) nextStep(r, t);
  }

  // ---- main loop ------------------------------------------------------------------------------------------
  let nextArrival = x.arrivals.next();
  if (nextArrival) q.push(nextArrival.timeNs, EV_ARRIVE, 0, 0);
  const grow = (m: number) => {
    const c = Math.max(m, 2 * arrive.length);
    arrive = growF64(arrive, c);
    inTok = growI32(inTok, c);
    outTok = growI32(outTok, c);
    rep = growI32(rep, c);
    attempt = growI32(attempt, c);
    status = growU8(status, c);
    atReplica = growF64(atReplica, c);
    sentAt = growF64(sentAt, c);
    queueNs = growF64(queueNs, c);
    netNs = growF64(netNs, c);
    unloadedNs = growF64(unloadedNs, c);
    firstTok = growF64(firstTok, c);
    lastTok = growF64(lastTok, c);
    tokens = growI32(tokens, c);
    departT = growF64(departT, c);
    serviceEpoch = growI32(serviceEpoch, c);
    phase = growU8(phase, c);
    failT = growF64(failT, c);
    kvFrom = growI32(kvFrom, c);
    kvNs = growF64(kvNs, c);
    hashA = growU32(hashA, c);
  };
  let progressAt = 0;
  for (;;) {
    const tq = q.peekTime();
    const tn = net.nextTime();
    const t = Math.min(tq, tn);
    if (t === Number.POSITIVE_INFINITY || t > x.maxTimeNs) break;
    now = t;
    events++;
    if (tn <= tq) {
      net.advance(tn, onNet);
      continue;
    }
    q.pop();
    switch (q.kind) {
      case EV_ARRIVE: {
        const a = nextArrival;
        if (!a) break;
        const req = n++;
        if (n > arrive.length) grow(n);
        arrive[req] = t;
        inTok[req] = a.input;
        outTok[req] = a.output;
        sumIn += a.input;
        sumOut += a.output;
        rep[req] = -1;
        atReplica[req] = t;
        lastTok[req] = 0;
        phase[req] = PH_AWAY;
        failT[req] = -1;
        kvFrom[req] = -1;
        if (firstArrival < 0) {
          firstArrival = t;
          lastT = t;
        }
        lastArrival = t;
        countTo(t);
        inSystem++;
        dispatch(req, t);
        nextArrival = x.arrivals.next();
        if (nextArrival) q.push(Math.max(t, nextArrival.timeNs), EV_ARRIVE, 0, 0);
        if (x.onProgress && n >= progressAt) {
          x.onProgress(n, t);
          progressAt = n + 10000;
        }
        break;
      }
      case EV_SERVICE:
        plainDone(q.a, q.b, t);
        break;
      case EV_STEP:
        stepDone(q.a, q.b, t);
        break;
      case EV_DEPART:
        if (status[q.a] === ST_ACTIVE) leave(q.a, t, ST_DONE);
        break;
      case EV_FAULT:
        fault(q.a, t);
        break;
      case EV_REPAIR:
        repair(q.a, t);
        break;
      case EV_UNEJECT:
        touch(q.a);
        if (shared) pullShared(t);
        break;
    }
  }

  // ---- results --------------------------------------------------------------------------------------------
  const endNs = Math.max(lastT, Math.min(now, x.maxTimeNs));
  countTo(endNs);
  const inFlight = inSystem;
  const lat = new Float64Array(completed);
  const ttft = new Float64Array(completed);
  const tpot = new Float64Array(completed);
  const qu = new Float64Array(completed);
  const nw = new Float64Array(completed);
  const nwu = new Float64Array(completed);
  const kvt = new Float64Array(completed);
  const sloTtft = spec.slo?.ttft !== undefined ? spec.slo.ttft / 1000 : Number.POSITIVE_INFINITY;
  const sloTpot = spec.slo?.tpot !== undefined ? spec.slo.tpot / 1000 : Number.POSITIVE_INFINITY;
  const sloLat = spec.slo?.latency !== undefined ? spec.slo.latency / 1000 : Number.POSITIVE_INFINITY;
  let c = 0;
  let nt = 0;
  let good = 0;
  let waited = 0;
  let sumInSystem = 0;
  for (let i = 0; i < n; i++) {
    sumInSystem += (status[i] === ST_ACTIVE ? endNs : departT[i]) - arrive[i];
    if (status[i] !== ST_DONE) continue;
    const l = departT[i] - arrive[i];
    const f = firstTok[i] - arrive[i];
    lat[c] = l;
    ttft[c] = f;
    qu[c] = queueNs[i];
    if (queueNs[i] > 0) waited++;
    nw[c] = netNs[i];
    nwu[c] = unloadedNs[i];
    kvt[c] = kvNs[i];
    let tp = 0;
    if (stream && outTok[i] > 1) {
      tp = (lastTok[i] - firstTok[i]) / (outTok[i] - 1);
      tpot[nt++] = tp;
    }
    if (f <= sloTtft && tp <= sloTpot && l <= sloLat) good++;
    c++;
  }
  const span = n > 1 ? (lastArrival - firstArrival) / 1e9 : 0;
  const runS = n > 0 ? (Math.max(lastDepart, lastArrival) - firstArrival) / 1e9 : 0;
  let busy = 0;
  for (let r = 0; r < R; r++) busy += busyNs[r];
  const windows = [
    ...faults.map((f) => ({ target: `replica ${f.replica}`, atNs: f.atNs, untilNs: f.untilNs })),
    ...x.networkFaults,
  ];
  const faultResults = windows.map((w) => {
    const until = w.untilNs ?? endNs;
    let m = 0;
    let ok = 0;
    let bad = 0;
    let re = 0;
    let lastHit = -1;
    const okLat: number[] = [];
    for (let i = 0; i < n; i++) {
      // Caused by this fault: a failure or retry at or after it, before the next fault's start is not told
      // apart (overlapping faults share their recovery).
      if (failT[i] >= w.atNs) lastHit = Math.max(lastHit, failT[i]);
      // In the system while the fault lasted: arrived by its end, still there at its start.
      const gone = status[i] === ST_ACTIVE ? endNs : departT[i];
      if (arrive[i] > until || gone < w.atNs) continue;
      m++;
      if (status[i] === ST_DONE) {
        ok++;
        okLat.push(departT[i] - arrive[i]);
      } else if (status[i] === ST_FAILED) bad++;
      if (attempt[i] > 0) re++;
    }
    const sorted = Float64Array.from(okLat).sort();
    return {
      target: w.target,
      atMs: w.atNs / 1e6,
      untilMs: until / 1e6,
      requests: m,
      completed: ok,
      failed: bad,
      retried: re,
      availability: m > 0 ? ok / m : 1,
      p99LatencyMs: sorted.length > 0 ? nearestRank(sorted, sorted.length, 0.99) / 1e6 : 0,
      recoveryMs: lastHit >= 0 ? (lastHit - w.atNs) / 1e6 : 0,
    };
  });
  const gp50 = gaps.count > 0 ? gaps.quantile(0.5) / 1e6 : 0;
  const gp99 = gaps.count > 0 ? gaps.quantile(0.99) / 1e6 : 0;
  // Latency and TTFT feed both their percentiles and their CDFs: sorted once.
  const latS = sortedCopy(lat, c);
  const ttftS = sortedCopy(ttft, c);
  const requests: RequestsResult = {
    item: x.item,
    arrivals: x.arrivals.describe,
    balancer: spec.balancer,
    replicas: R,
    count: n,
    completed,
    failed,
    inFlight,
    retries,
    spanS: span,
    arrivalRatePerS: span > 0 ? n / span : 0,
    meanInputTokens: n > 0 ? sumIn / n : 0,
    meanOutputTokens: n > 0 ? sumOut / n : 0,
    latencyMs: summarize(latS),
    ttftMs: summarize(ttftS),
    tpotMs: summarize(sortedCopy(tpot, nt)),
    queueMs: summarize(sortedCopy(qu, c)),
    queuedShare: c > 0 ? waited / c : 0,
    networkMs: summarize(sortedCopy(nw, c)),
    networkUnloadedMs: summarize(sortedCopy(nwu, c)),
    ...(dis ? { kvTransferMs: summarize(sortedCopy(kvt, c)), kvBytes } : {}),
    cdfMs: { latency: cdf(latS), ttft: cdf(ttftS) },
    tokenGapMs: { count: gaps.count, p50: gp50, p99: gp99, jitter: gp99 - gp50 },
    throughputPerS: runS > 0 ? completed / runS : 0,
    goodputPerS: runS > 0 ? good / runS : 0,
    slo: {
      ...(spec.slo?.ttft !== undefined ? { ttftMs: spec.slo.ttft / 1e9 } : {}),
      ...(spec.slo?.tpot !== undefined ? { tpotMs: spec.slo.tpot / 1e9 } : {}),
      ...(spec.slo?.latency !== undefined ? { latencyMs: spec.slo.latency / 1e9 } : {}),
    },
    availability: n > 0 ? completed / n : 1,
    meanInSystem: endNs > firstArrival && firstArrival >= 0 ? area / (endNs - firstArrival) : 0,
    replicaUtilization: endNs > 0 && R > 0 ? busy / R / Math.max(1, endNs - Math.max(0, firstArrival)) : 0,
    faults: faultResults,
  };
  return {
    requests,
    endNs,
    events,
    check: {
      count: n,
      completed,
      failed,
      inFlight,
      areaNs: area,
      sumTimeInSystemNs: sumInSystem,
      maxBatchSeen,
      maxBatch: llm ? llm.maxBatch : spec.concurrency,
      maxKvSeen,
      kvTokens: kvCap,
    },
  };
}
