// The demo's evidence from what its runs saved: every number of the claims table is computed here from a
// simulation result (counters, link statistics, ops, request records), a design's figures or the public trace,
// never typed again. `aifabric demo` saves the same inputs in its output folder (runs/*.json, designs.json), so
// a test recomputes the evidence from the files. Left out: the runs themselves (src/demo/run.ts).
import type { CapacityResult } from '../engine/inference/capacity.ts';
import type { LinkStats, RequestsResult, Result } from '../result/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { loadTrace } from '../workload/inference/trace.ts';
import { STORAGE_OP } from '../workload/storage.ts';
import type { Evidence } from './claims.ts';

/** One simulation of the demo: the scenario it ran and its result (what `simulate --json` prints). */
export interface DemoRun {
  scenario: Scenario;
  result: Result;
}

/** The runs the evidence reads, by role. */
export interface DemoRuns {
  /** The data-parallel job on the training Clos (flow engine), with its per-link byte series. */
  job: DemoRun;
  /** Ring all-reduce on a slice of the Clos: packet engine on the leaf-spine and on the rail-optimized cabling of
   * the same switch, and the analytic engine (NCCL's model). */
  busPacket: DemoRun;
  busPacketRail: DemoRun;
  busModel: DemoRun;
  /** The packet slice's gradient sync at each loss rate, PFC on and off. */
  loss: { pfc: boolean; loss: number; run: DemoRun }[];
  incastPfc: DemoRun;
  incastNoPfc: DemoRun;
  inference: DemoRun;
  /** The same service with prefill/decode disaggregated (src/demo/serving.ts): its KV cache crosses the fabric. */
  inferenceDisaggregated: DemoRun;
  inferenceFailure: DemoRun;
  /** The same failure with every server dual-homed (fabric.dualHomed). */
  inferenceFailureDualHomed: DemoRun;
  capacity: CapacityResult;
}

/** The figures of a design the evidence reads (designs.json). */
export interface DesignFigures {
  topology: string;
  tiers: number;
  hosts: number;
  costUsd: number;
  costPerHostUsd: number;
  bisectionBps: number;
  switch: string;
  spineSwitch: string;
  /** Links from a host to its switch (one per NIC port). */
  hostLinks: number;
  /** Storage nodes (fabric.storage). */
  storageNodes: number;
}

export interface DemoDesigns {
  /** The fabric the data-parallel job ran on. */
  job: DesignFigures;
  /** The planner's cheapest design for the large training cluster. */
  large: DesignFigures;
  inference: DesignFigures;
  /** The replicas the capacity search found, on a leaf-spine of the training switch. */
  onTrainingSwitch: DesignFigures;
}

/** The public trace window the inference run replayed (for the per-second arrival counts). */
export interface TraceWindow {
  trace: string;
  speed: number;
  windowS: number;
  /** The part of the trace the capacity search replays (from its start). */
  capacityWindowS: number;
}

const node = (end: string) => end.split(':')[0];

/** Bytes each GPU wrote to and read from storage (a result's storage ops, src/workload/storage.ts), which its host
 * link carries beside the exchange between GPUs. */
export function storageBytesPerGpu(r: Result): { written: number; read: number } {
  let written = 0;
  let read = 0;
  for (const o of r.ops ?? []) {
    if (o.op !== 'flows' || o.ranks <= 0) continue;
    if (o.label?.startsWith(STORAGE_OP.checkpoint)) written += o.bytes / o.ranks;
    else if (o.label?.startsWith(STORAGE_OP.reads)) read += o.bytes / o.ranks;
  }
  return { written, read };
}

/** Per server (gpusPerNode hosts): the largest |sent - received| / (sent + received) over its hosts' links, less
 * the storage bytes of its GPUs (the exchange between GPUs is what the claim is about). */
export function serverImbalance(
  links: LinkStats[],
  gpusPerNode: number,
  storage: { written: number; read: number } = { written: 0, read: 0 },
): number {
  const tx = new Map<number, number>();
  const rx = new Map<number, number>();
  const server = (name: string) => (/^h[0-9]+$/.test(name) ? Math.floor(Number(name.slice(1)) / gpusPerNode) : -1);
  for (const l of links) {
    const [from, to] = l.link.split(' -> ').map((x) => server(node(x)));
    if (from >= 0) tx.set(from, (tx.get(from) ?? 0) + l.bytes);
    if (to >= 0) rx.set(to, (rx.get(to) ?? 0) + l.bytes);
  }
  let worst = 0;
  for (const [h, sent] of tx) {
    const t = Math.max(0, sent - storage.written * gpusPerNode);
    const r = Math.max(0, (rx.get(h) ?? 0) - storage.read * gpusPerNode);
    worst = Math.max(worst, Math.abs(t - r) / (t + r));
  }
  return worst;
}

const isHostUplink = (l: LinkStats) => /^h[0-9]+$/.test(node(l.link.split(' -> ')[0]));

/** Mean load (share of line rate) of the host links that carried gradient bytes, over the time gradients synced;
 * `written`: the checkpoint bytes each GPU sent up its link, which are not gradients. */
export function syncLoad(links: LinkStats[], commPs: number, written = 0): number {
  const up = links.filter((l) => isHostUplink(l) && l.bytes > written);
  if (up.length === 0 || commPs <= 0) return 0;
  return up.reduce((a, l) => a + ((l.bytes - written) * 8e12) / (l.rateGbps * 1e9 * commPs), 0) / up.length;
}

/** Share of the design's host NIC links (host to its switch) that carried bytes: how many rails the job used.
 * (Link statistics list only links that carried bytes, so the count of links comes from the design.) */
export function hostLinksUsedShare(links: LinkStats[], hostLinks: number, written = 0): number {
  return hostLinks > 0 ? links.filter((l) => isHostUplink(l) && l.bytes > written).length / hostLinks : 0;
}

/** Bytes from the border into the fabric over bytes back to it, on the border's links: request over response. */
export function borderBytesRatio(links: LinkStats[]): number {
  let inward = 0;
  let outward = 0;
  for (const l of links) {
    const [from, to] = l.link.split(' -> ').map(node);
    if (from.startsWith('border')) inward += l.bytes;
    if (to.startsWith('border')) outward += l.bytes;
  }
  return outward > 0 ? inward / outward : 0;
}

/** A NIC's payload rate in GB/s: its line rate times the payload share of a full frame on the wire. */
export function payloadGBps(rateGbps: number, network: Scenario['network']): number {
  const n = network;
  if (!n) throw new Error('internal: a demo scenario without its network section');
  return (rateGbps / 8) * (n.mtu / (n.mtu + n.headerBytes + n.wireOverheadBytes));
}

/** The line rate of host `h`'s NIC, from a result's link statistics. */
export function hostRateGbps(r: Result, h: string): number {
  const l = (r.links ?? []).find((x) => node(x.link.split(' -> ')[0]) === h);
  if (!l) throw new Error(`internal: no link of ${h} in the result`);
  return l.rateGbps;
}

/**
 * Peak over mean of the 1 ms windows of the host links' byte series, averaged over the links that carried
 * bytes. The flow engine's rates are piecewise constant, so its windows are exact; 1 ms is the window the
 * issue asks for (shorter than a bucket's all-reduce, longer than one ring step).
 */
export function linkPeakToMean(r: Result): number {
  const series = (r.linkSeries?.links ?? []).filter((s) => /^h[0-9]+$/.test(node(s.link.split(' -> ')[0])));
  let sum = 0;
  let n = 0;
  for (const s of series) {
    let total = 0;
    let peak = 0;
    for (const b of s.bytes) {
      total += b;
      if (b > peak) peak = b;
    }
    if (total <= 0) continue;
    sum += peak / (total / s.bytes.length);
    n++;
  }
  return n > 0 ? sum / n : 0;
}

/** Peak-to-mean of the per-second arrival counts of a trace window replayed `speed` times faster. */
export function arrivalPeakToMean(w: TraceWindow): number {
  const t = loadTrace(w.trace);
  const windowS = w.windowS / w.speed;
  const bins = new Map<number, number>();
  for (const x of t.timesNs) {
    const s = x / 1e9 / w.speed;
    if (s > windowS) break;
    const k = Math.floor(s);
    bins.set(k, (bins.get(k) ?? 0) + 1);
  }
  const n = Math.max(1, Math.ceil(Math.min(windowS, t.timesNs[t.timesNs.length - 1] / 1e9 / w.speed)));
  let total = 0;
  let peak = 0;
  for (const c of bins.values()) {
    total += c;
    peak = Math.max(peak, c);
  }
  return total > 0 ? peak / (total / n) : 0;
}

/**
 * The most ring edges per-flow ECMP put on one fabric link (leaf-spine tiers) of a multi-rail ring all-reduce,
 * in host-link units: the bytes of the busiest such link over the busiest host link's. Every host link carries
 * exactly one ring edge (one channel in and one out per NIC, docs/ecmp-collisions.md) plus the acknowledgements
 * of the edge coming the other way, so M whole edges read slightly under M (256 MiB, seed 1: 2.96 for 3 edges);
 * the claim's text rounds it. Not rounded here, so it stays a measurement.
 */
export function busiestUplinkEdges(links: LinkStats[]): number {
  let edge = 0;
  let uplink = 0;
  for (const l of links) {
    if (l.tiers === 'host-leaf') edge = Math.max(edge, l.bytes);
    else uplink = Math.max(uplink, l.bytes);
  }
  return edge > 0 ? uplink / edge : 0;
}

/** Iteration time at 0.1% loss over the lossless one, PFC on or off. */
function lossSlowdown(runs: DemoRuns, pfc: boolean): number {
  const ms = (loss: number) =>
    (runs.loss.find((x) => x.pfc === pfc && x.loss === loss)?.run.result.iterations?.[0]?.timePs ?? 0) / 1e9;
  const base = ms(0);
  return base > 0 ? ms(1e-3) / base : 0;
}

const lastEndMs = (r: Result) => Math.max(...r.flows.map((f) => f.endPs)) / 1e9;

/** The incast's line-rate bound: every byte through the receiver's NIC at its payload rate. */
function incastIdealMs(x: DemoRun): number {
  const receiver = x.result.flows[0]?.dst ?? 'h0';
  const bytes = x.result.flows.reduce((a, f) => a + f.bytes, 0);
  return bytes / (payloadGBps(hostRateGbps(x.result, receiver), x.scenario.network) * 1e6);
}

function training(runs: DemoRuns, d: DemoDesigns, pfc: boolean): Evidence['training'] {
  const job = runs.job.result;
  const it = job.iterations?.at(-1); // the last one (the demo runs one)
  if (!it) throw new Error('the training job reported no iteration');
  const commTotal = (job.iterations ?? []).reduce((a, x) => a + x.commPs, 0);
  const bus = runs.busPacket.result;
  const nic = payloadGBps(hostRateGbps(bus, 'h0'), runs.busPacket.scenario.network);
  const on = runs.incastPfc.result;
  const off = runs.incastNoPfc.result;
  const stor = storageBytesPerGpu(job);
  return {
    gpus: job.ops?.find((o) => o.op !== 'compute')?.ranks ?? 0,
    iterationMs: it.timePs / 1e9,
    computeMs: it.computePs / 1e9,
    exposedCommMs: it.exposedCommPs / 1e9,
    commMs: it.commPs / 1e9,
    eastWestShare: job.traffic?.eastWestShare ?? 0,
    northSouthBytes: job.traffic?.northSouthBytes ?? 0,
    storageNodes: d.job.storageNodes,
    peakToMeanLoad: linkPeakToMean(job),
    hostLinksUsedShare: hostLinksUsedShare(job.links ?? [], d.job.hostLinks, stor.written),
    txRxImbalance: serverImbalance(job.links ?? [], runs.job.scenario.fabric.gpusPerNode, stor),
    syncLoad: syncLoad(job.links ?? [], commTotal, stor.written),
    busbwGBps: bus.ops?.[0]?.busbwGBps ?? 0,
    busbwRailGBps: runs.busPacketRail.result.ops?.[0]?.busbwGBps ?? 0,
    busiestUplinkEdges: busiestUplinkEdges(bus.links ?? []),
    busbwEngine: bus.engine,
    busbwSliceGpus: bus.ops?.[0]?.ranks ?? 0,
    busbwBytes: bus.ops?.[0]?.bytes ?? 0,
    busbwModelGBps: runs.busModel.result.ops?.[0]?.busbwGBps ?? 0,
    nicPayloadGBps: nic,
    serverNicsPayloadGBps: nic * runs.busPacket.scenario.fabric.gpusPerNode,
    lossSlowdownPfc: lossSlowdown(runs, true),
    lossSlowdownNoPfc: lossSlowdown(runs, false),
    incastDropsPfc: on.counters.bufferDrops,
    incastDropsNoPfc: off.counters.bufferDrops,
    incastMsPfc: lastEndMs(on),
    incastMsNoPfc: lastEndMs(off),
    incastIdealMs: incastIdealMs(runs.incastPfc),
    incastTimeoutsPfc: on.counters.timeouts,
    incastTimeoutsNoPfc: off.counters.timeouts,
    // Each incast sender has one QP: its QPs in the error state (retry limit) are the senders that never finish
    // (their flows end at -1; test/e2e/demo.test.ts checks the two agree).
    incastFailedSendersNoPfc: off.counters.qpErrors,
    configuredPfc: pfc,
    incastDropsConfigured: (pfc ? on : off).counters.bufferDrops,
    largeGpus: d.large.hosts,
    largeTopology: d.large.topology,
    largeTiers: d.large.tiers,
    networkCostPerGpuUsd: d.large.costPerHostUsd,
    bisectionPerGpuGbps: d.large.bisectionBps / 1e9 / d.large.hosts,
  };
}

function requestsOf(r: Result): RequestsResult {
  const rq = r.requests?.[0];
  if (!rq) throw new Error('the inference run reported no requests');
  return rq;
}

function inference(runs: DemoRuns, d: DemoDesigns, w: TraceWindow): Evidence['inference'] {
  const r = runs.inference.result;
  const rq = requestsOf(r);
  const dis = runs.inferenceDisaggregated.result;
  const fq = requestsOf(runs.inferenceFailure.result);
  const fault = fq.faults.find((f) => f.target.startsWith('switch '));
  const fdq = requestsOf(runs.inferenceFailureDualHomed.result);
  const faultDual = fdq.faults.find((f) => f.target.startsWith('switch '));
  const item = runs.inference.scenario.traffic?.find((x) => 'inference' in x);
  const service = item && 'inference' in item ? item.inference.service : undefined;
  const gpusPerReplica = service && 'llm' in service ? service.llm.gpus : 1;
  const cap = runs.capacity;
  return {
    fabric: `access/aggregation of ${d.inference.switch} under ${d.inference.spineSwitch}`,
    tiers: d.inference.tiers,
    servers: d.inference.hosts,
    replicas: rq.replicas,
    requests: rq.count,
    ratePerS: rq.arrivalRatePerS,
    northSouthShare: 1 - (r.traffic?.eastWestShare ?? 0),
    northSouthBytes: r.traffic?.northSouthBytes ?? 0,
    storageBytes: rq.storage?.deliveredBytes ?? 0,
    disaggregatedNorthSouthShare: 1 - (dis.traffic?.eastWestShare ?? 0),
    disaggregatedEastWestBytes: dis.traffic?.eastWestBytes ?? 0,
    arrivalPeakToMean: arrivalPeakToMean(w),
    requestToResponseBytes: borderBytesRatio(r.links ?? []),
    p99TtftMs: rq.ttftMs.p99,
    p99TpotMs: rq.tpotMs.p99,
    p99LatencyMs: rq.latencyMs.p99,
    jitterMs: rq.tokenGapMs.jitter,
    networkShareOfTtft: rq.ttftMs.mean > 0 ? rq.networkMs.mean / rq.ttftMs.mean : 0,
    meanInSystem: rq.meanInSystem,
    sloTtftMs: rq.slo.ttftMs ?? 0,
    sloTpotMs: rq.slo.tpotMs ?? 0,
    availabilityDuringFailure: fault?.availability ?? fq.availability,
    availabilityDuringFailureDualHomed: faultDual?.availability ?? fdq.availability,
    replicasForSlo: cap.replicas,
    capacityWindowS: w.capacityWindowS,
    gpusForSlo: cap.replicas * gpusPerReplica,
    networkCostPerServerUsd: d.inference.costPerHostUsd,
    bisectionPerServerGbps: d.inference.bisectionBps / 1e9 / d.inference.hosts,
    costPer1kRpsUsd: cap.costPer1kRpsUsd,
    costPer1kRpsOnTrainingSwitchUsd: d.onTrainingSwitch.costUsd / (cap.throughputPerS / 1000),
  };
}

/** The demo's evidence from its runs, designs and trace window; `pfc` is the training fabric as configured. */
export function evidenceFrom(runs: DemoRuns, designs: DemoDesigns, trace: TraceWindow, pfc: boolean): Evidence {
  return { training: training(runs, designs, pfc), inference: inference(runs, designs, trace) };
}
