// The resource guard (issue 16, item 6): before a packet or flow run, an estimate of its events and peak memory
// from the traffic program and the fabric; above a limit the run is refused with the estimate and a cheaper
// engine to use, instead of running out of memory (or for hours). It leaves out inference services (their cost
// is in requests, not a program), the packet engine's queue samples (they scale with the simulated time, which
// is not known before the run) and the JSON text of the result.
//
// Calibration (measured on this code, `aifabric simulate --json`, leaf-spine and fat-tree, 2 to 256 hosts):
//   - packet events per data packet: 8.0 (2 links each way, host to host under one leaf), 9.7 (incast), 14.0
//     (fat-tree, up to 6 links): 2 events per link crossed by a data packet (serialized, arrived) plus ACKs.
//     The estimate takes 4 events per link of the longest path (2 x switch tiers links): an upper bound,
//     at most 2x over on a 2-tier fabric (guard.test.ts checks both sides).
//   - flow events per transfer repetition: 3.0 (start, rate change, end; 12,098 events for 4,032 flows), plus
//     a few per run.
//   - peak memory: peak RSS above a fresh process's after a GC, through design, compile and run (result included;
//     test/helpers/peak-memory.ts), against the estimate below (fixed 32 MB + per link + per task):
//       engine  scenario                                 links   tasks   measured  estimate
//       flow    fat-tree 2,048 hosts, permutation 4KB    6,144   2,048     34 MB     61 MB
//       flow    fat-tree 4,096 hosts, permutation 4KB   12,288   4,096     58 MB     91 MB
//       flow    fat-tree 8,192 hosts, permutation 4KB   24,576   8,192     62 MB    149 MB
//       flow    leaf-spine 128 hosts, all-to-all 4KB       256  16,256     87 MB    166 MB
//       flow    leaf-spine 256 hosts, all-to-all 4KB       512  65,280    398 MB    568 MB
//       packet  fat-tree 2,048 hosts, permutation 4KB    6,144   2,048     37 MB     61 MB
//       packet  fat-tree 4,096 hosts, permutation 4KB   12,288   4,096     67 MB     90 MB
//       packet  fat-tree 8,192 hosts, permutation 4KB   24,576   8,192     71 MB    149 MB
//       packet  leaf-spine 128 hosts, all-to-all 4KB       256  16,256     37 MB     66 MB
//     Fixed: the engine's pools and sample arrays and the heap's first growth steps; per link: the fabric, its
//     routing and (packet engine) the port queues, 4.8 KB a link between the packet fat-trees of 2,048 and 4,096
//     hosts; per task: 5.7 KB on the flow engine (between the all-to-alls of 64 and 128 hosts), 1.1-1.8 KB on the
//     packet engine. Below about 30 MB the measurement is lost in the heap's reserve. A task's repetitions reuse
//     its records (a 512-GPU DP job has 8.4 M repetitions of 11 k tasks), so memory is counted per task; events
//     per repetition.
import { LimitError } from '../errors.ts';
import type { Fabric } from '../fabric/types.ts';
import type { TrafficProgram } from '../workload/program.ts';
import type { EngineKind } from './index.ts';

export interface RunEstimate {
  events: number;
  peakBytes: number;
  tasks: number;
  /** Transfer repetitions (a flow, or one step of a collective, on one channel). */
  repetitions: number;
  dataPackets: number;
  /** The transfer that takes longest alone at the slowest link's rate: its item and that time (ps). */
  longest: { item: number; ps: number };
}

export interface ResourceLimits {
  /** Bytes; a run estimated above it is refused. */
  maxMemoryBytes: number;
  /** Events; a run estimated above it is refused (default: no limit). */
  maxEvents: number;
}

const EVENTS_PER_LINK_PER_PACKET = 4;
const FLOW_EVENTS_PER_REPETITION = 3;
/** Peak bytes per task, per fabric link and fixed, by engine (the calibration table above). */
const RUN_BYTES: Record<EngineKind, { perTask: number; perLink: number; fixed: number }> = {
  analytic: { perTask: 1024, perLink: 2048, fixed: 32e6 },
  flow: { perTask: 8192, perLink: 2048, fixed: 32e6 },
  packet: { perTask: 2048, perLink: 4096, fixed: 32e6 },
};
/** Events of a run whatever its traffic (the start, the end, a few samples): 2 measured on a 240-flow run. */
const EVENTS_PER_RUN = 16;

/** Links of the longest up-down path: 2 per switch tier. */
function longestPathLinks(fabric: Fabric): number {
  let top = 1;
  for (const n of fabric.nodes) if (n.tier > top) top = n.tier;
  return 2 * top;
}

/** Events and peak memory of a run of `program` on `engine`, before it runs. */
export function estimateRun(engine: EngineKind, fabric: Fabric, program: TrafficProgram, mtu: number): RunEstimate {
  let repetitions = 0;
  let dataPackets = 0;
  let slowest = Number.POSITIVE_INFINITY;
  for (const l of fabric.links) if (l.rateBps < slowest) slowest = l.rateBps;
  const longest = { item: -1, ps: 0 };
  for (const t of program.transfers) {
    repetitions += t.repeat;
    if (t.kind !== 'transfer') continue;
    dataPackets += Math.max(1, Math.ceil(t.bytes / mtu)) * t.repeat;
    const ps = ((t.bytes * 8) / slowest) * 1e12;
    if (ps > longest.ps) {
      longest.item = t.item;
      longest.ps = ps;
    }
  }
  const events =
    EVENTS_PER_RUN +
    (engine === 'packet'
      ? dataPackets * EVENTS_PER_LINK_PER_PACKET * longestPathLinks(fabric) + FLOW_EVENTS_PER_REPETITION * repetitions
      : engine === 'flow'
        ? FLOW_EVENTS_PER_REPETITION * repetitions
        : 0);
  // State is per task (a repetition reuses its task's records), so memory follows tasks, not repetitions.
  const m = RUN_BYTES[engine];
  const peakBytes = m.fixed + fabric.links.length * m.perLink + program.transfers.length * m.perTask;
  return { events, peakBytes, tasks: program.transfers.length, repetitions, dataPackets, longest };
}

const gb = (b: number) => `${(b / 1e9).toPrecision(3)} GB`;

/**
 * Bytes of a designed fabric per host (nodes, links, routing tables, BOM), heap and array buffers after a GC:
 * 661-1,285 on access-aggregation fabrics of 1,000-100,000 hosts and 1,359 on a k=32 fat-tree of 8,192 (two
 * switch tiers above every host): 2 KB bounds them. Known before the design is built, which at a million hosts
 * takes 20 s and 0.8 GB.
 */
const FABRIC_BYTES_PER_HOST = 2048;

/** A fabric whose design alone would not fit the memory limit: refused before it is built, naming fabric.hosts. */
export function checkFabricSize(hosts: number, limits: ResourceLimits): void {
  const bytes = hosts * FABRIC_BYTES_PER_HOST;
  if (bytes > limits.maxMemoryBytes)
    throw new LimitError([
      {
        path: 'fabric.hosts',
        message: `${hosts} hosts need about ${gb(bytes)} for the fabric alone, over the limit of ${gb(limits.maxMemoryBytes)} (--max-memory); use at most ${Math.floor(limits.maxMemoryBytes / FABRIC_BYTES_PER_HOST)}`,
      },
    ]);
}

/**
 * Bytes of a compiled program per task (its Transfer record, deps and the builder's per-task arrays): 252
 * measured on an all-to-all of 512 hosts; collectives add step deps and per-op frontiers: 1 KB bounds them.
 */
const COMPILE_BYTES_PER_TASK = 1024;

/** Tasks the compile may make under the memory limit (compileTraffic's maxTasks). */
export function maxCompiledTasks(limits: ResourceLimits): number {
  return Math.max(1, Math.floor(limits.maxMemoryBytes / COMPILE_BYTES_PER_TASK));
}

/** Throws (bad input, exit 1) when the estimate is over a limit, naming the limit, the estimate and what to do. */
export function checkResources(engine: EngineKind, est: RunEstimate, limits: ResourceLimits): void {
  const cheaper =
    engine === 'packet'
      ? 'the flow engine (--engine flow) or the analytic one'
      : engine === 'flow'
        ? 'the analytic engine'
        : 'fewer hosts or ranks';
  // The event clock counts picoseconds up to 2^53 (about 2.5 hours): a transfer that alone outlasts it cannot
  // be simulated (fuzz found a 1e15-byte pipeline send on 25G crashing the flow engine's queue).
  if (engine !== 'analytic' && est.longest.ps > Number.MAX_SAFE_INTEGER)
    throw new LimitError([
      {
        path: `traffic[${est.longest.item}]`,
        message: `a transfer of this item takes about ${(est.longest.ps / 3.6e15).toPrecision(3)} hours alone at the slowest link's rate, past the ${engine} engine's clock (2^53 ps, about 2.5 hours): use smaller sizes or the analytic engine`,
      },
    ]);
  // Written only for a refusal: the process's first toLocaleString loads the locale data (14 ms of start-up).
  const what = () =>
    `${est.tasks.toLocaleString('en-US')} tasks, ${est.repetitions.toLocaleString('en-US')} transfer repetitions, ${est.dataPackets.toLocaleString('en-US')} packets`;
  if (est.peakBytes > limits.maxMemoryBytes)
    throw new LimitError([
      {
        path: '--max-memory',
        message: `this ${engine} run needs about ${gb(est.peakBytes)} (${what()}), over the limit of ${gb(limits.maxMemoryBytes)}: use ${cheaper}, a smaller scenario, or raise --max-memory`,
      },
    ]);
  if (est.events > limits.maxEvents)
    throw new LimitError([
      {
        path: '--max-events',
        message: `this ${engine} run needs about ${est.events.toExponential(2)} events (${what()}), over the limit of ${limits.maxEvents}: use ${cheaper}, a smaller scenario, or raise --max-events`,
      },
    ]);
}

/** Bytes per batch slot of an LLM replica (its running and prefill entries, one Float64 each: replicas.ts). */
const BYTES_PER_BATCH_SLOT = 16;

/**
 * An inference service's replicas hold `replicas x slots` batch entries up front (the struct-of-arrays state of
 * engine/inference/replicas.ts): refused over the memory limit, naming the field that sets the slots.
 */
export function checkInferenceSlots(replicas: number, slots: number, path: string, limits: ResourceLimits): void {
  const bytes = replicas * slots * BYTES_PER_BATCH_SLOT;
  if (bytes > limits.maxMemoryBytes)
    throw new LimitError([
      {
        path,
        message: `${slots} slots on each of ${replicas} replicas need about ${gb(bytes)}, over the limit of ${gb(limits.maxMemoryBytes)} (--max-memory); use at most ${Math.max(1, Math.floor(limits.maxMemoryBytes / (replicas * BYTES_PER_BATCH_SLOT)))}`,
      },
    ]);
}

/**
 * Bytes a request holds until the run ends: 118 in the struct-of-arrays state of engine/inference/requests.ts
 * (11 Float64, 7 Int32, 2 Uint8 fields), doubled for the arrays' growth, plus its latency samples for the
 * percentiles. An estimate from the layout, not a measurement: the guard only has to catch the orders of
 * magnitude (fuzz found requests: 1e15 growing an array until V8 aborted the process).
 */
const BYTES_PER_REQUEST = 320;

/** An inference service's request count, refused when its state would not fit the memory limit. */
export function checkInferenceRequests(requests: number, path: string, limits: ResourceLimits): void {
  const bytes = requests * BYTES_PER_REQUEST;
  if (bytes > limits.maxMemoryBytes)
    throw new LimitError([
      {
        path,
        message: `${requests} requests need about ${gb(bytes)} of state, over the limit of ${gb(limits.maxMemoryBytes)} (--max-memory); use at most ${Math.floor(limits.maxMemoryBytes / BYTES_PER_REQUEST)}`,
      },
    ]);
}
