// The one output format of every engine (docs/architecture.md, "Folders"). Documented field by field in
// docs/simulate.md.

export const RESULT_VERSION = 1;

export interface FlowResult {
  id: number;
  src: string;
  dst: string;
  bytes: number;
  startPs: number;
  /** When the sender saw the last byte acknowledged; -1 if it did not finish. */
  endPs: number;
  fctPs: number;
  /** Standalone FCT on an idle fabric (FCT-01: base RTT + bytes with headers at the bottleneck rate). */
  idealFctPs: number;
  /** FCT over the standalone FCT on an idle fabric (FCT-01 definition), at least 1. */
  slowdown: number;
  retransmittedBytes: number;
  /** Runs of at most 64 flows: delivered bytes at each sample time, [timePs, bytes]. */
  progress?: [number, number][];
}

export interface Counters {
  /** bufferDrops + lossDrops + failureDrops (packets). */
  drops: number;
  bufferDrops: number;
  lossDrops: number;
  /** Loss bursts started (burstLoss): lossDrops / lossBursts is the mean burst length. */
  lossBursts: number;
  failureDrops: number;
  /** Data packets a go-back-N receiver discarded (out of order after a loss). */
  receiverDiscards: number;
  pauseFrames: number;
  /** Total time classes were paused, summed over every port and class. */
  pausedPs: number;
  ecnMarks: number;
  cnps: number;
  naks: number;
  timeouts: number;
  /** Timeouts that fired while nothing of the QP had been lost (its packets were only queued or paused). */
  spuriousTimeouts: number;
  /** QPs that gave up after their retry count of timeouts in a row (the transfer failed). */
  qpErrors: number;
  retransmittedBytes: number;
  dataPacketsSent: number;
  deliveredBytes: number;
}

/** Every counter at zero (engines that do not model drops, pauses or marks report these). */
export function zeroCounters(): Counters {
  return {
    drops: 0,
    bufferDrops: 0,
    lossDrops: 0,
    lossBursts: 0,
    failureDrops: 0,
    receiverDiscards: 0,
    pauseFrames: 0,
    pausedPs: 0,
    ecnMarks: 0,
    cnps: 0,
    naks: 0,
    timeouts: 0,
    spuriousTimeouts: 0,
    qpErrors: 0,
    retransmittedBytes: 0,
    dataPacketsSent: 0,
    deliveredBytes: 0,
  };
}

export interface PortStats {
  /** `node:port -> node` of the egress port. */
  port: string;
  node: string;
  peer: string;
  rateGbps: number;
  maxQueueBytes: number;
  /** Time-averaged queue over the run. */
  meanQueueBytes: number;
  /** Share of the run the port was transmitting. */
  utilization: number;
  /** Sampled queue occupancy: [timePs, bytes] pairs. */
  series: [number, number][];
  /** PFC headroom the receiving switch reserves for this port's lossless class (0: PFC off, or a host receives). */
  headroomBytes: number;
  /** The most of that headroom the lossless class used. */
  peakHeadroomBytes: number;
}

/** PFC headroom of a group of links with the same tier pair, rate and cable length (packet engine, PFC on). */
export interface HeadroomTier {
  /** Tier pair, as in LinkStats: host-leaf, leaf-spine, ... */
  tiers: string;
  /** Its `network.cables` key: host, leaf or spine. */
  cable: string;
  rateGbps: number;
  cableM: number;
  propagationNs: number;
  /** Headroom reserved at the receiving switch port, per direction (the largest in the group). */
  headroomBytes: number;
  /** The most any of the group's ingress queues held in headroom. */
  peakHeadroomBytes: number;
  links: number;
}

/** One collective (or compute phase) of the traffic program: nccl-tests' algbw and busbw (COLL-01). */
export interface OpResult {
  id: number;
  /** all-reduce, reduce-scatter, ..., or compute. */
  op: string;
  algorithm: string;
  label: string;
  ranks: number;
  /** Bytes per rank buffer S (nccl-tests convention). */
  bytes: number;
  startPs: number;
  endPs: number;
  timePs: number;
  /** S / t in GB/s (10^9 bytes per second). */
  algbwGBps: number;
  /** algbw x the op's bus-bandwidth factor (COLL-01). */
  busbwGBps: number;
  /** Training job iteration, or -1. */
  iteration: number;
}

/** One iteration of a training job. */
export interface IterationResult {
  /** Index into scenario.traffic of the job. */
  job: number;
  iteration: number;
  startPs: number;
  endPs: number;
  timePs: number;
  /** Time the job's ranks spent computing (union of the compute phases on the critical rank). */
  computePs: number;
  /** Time at least one collective of the iteration was in progress. */
  commPs: number;
  /** Iteration time not hidden behind compute: timePs - computePs. */
  exposedCommPs: number;
}

/** Per-link load (flow and packet engines). */
export interface LinkStats {
  /** `a -> b` direction of a link. */
  link: string;
  /** Tier pair, e.g. "host-leaf", "leaf-spine", "agg-border". */
  tiers: string;
  rateGbps: number;
  bytes: number;
  /** bytes x 8 / (rate x run time). */
  utilization: number;
}

/** Bytes per directed link in consecutive windows from time 0 (flow engine, RunOptions.linkSeries). */
export interface LinkSeries {
  windowPs: number;
  /** Links that carried bytes; `bytes[k]` is the window [k windowPs, (k + 1) windowPs). */
  links: { link: string; bytes: number[] }[];
}

export interface TrafficShare {
  /** Bytes between hosts (east-west) and between a host and the border (north-south), summed over flows. */
  eastWestBytes: number;
  northSouthBytes: number;
  eastWestShare: number;
}

export interface InvariantCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface RunStats {
  events: number;
  wallMs: number;
  eventsPerSec: number;
  peakRssMB: number;
}

/** Summary of a per-request quantity in milliseconds (over completed requests). */
export interface Percentiles {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
}

/** A fault of an inference run and what it did to the requests that arrived while it lasted. */
export interface FaultResult {
  /** `replica 3`, `switch access2`, `link access0-agg1`. */
  target: string;
  atMs: number;
  /** When it was repaired (or the end of the run). */
  untilMs: number;
  /** Requests in the system at some time in [at, until] (arrived by until, still there at at). */
  requests: number;
  completed: number;
  failed: number;
  retried: number;
  /** completed / requests in the window. */
  availability: number;
  p99LatencyMs: number;
  /** From the fault to the last failed attempt (a failure or a retry) at or after it (0 if none). */
  recoveryMs: number;
}

/** What an inference workload measured (issue 5): one entry per inference traffic item. */
export interface RequestsResult {
  item: number;
  arrivals: string;
  balancer: string;
  replicas: number;
  /** Requests that arrived. count = completed + failed + inFlight. */
  count: number;
  completed: number;
  failed: number;
  inFlight: number;
  /** Times a request was sent again after a failure. */
  retries: number;
  /** First to last arrival, and count / span (the trace README's definition). */
  spanS: number;
  arrivalRatePerS: number;
  meanInputTokens: number;
  meanOutputTokens: number;
  latencyMs: Percentiles;
  ttftMs: Percentiles;
  tpotMs: Percentiles;
  queueMs: Percentiles;
  /** Share of completed requests that waited in a queue at all (Erlang C's P(wait) for a shared queue). */
  queuedShare: number;
  networkMs: Percentiles;
  /** The same transfers on an idle network (what networkMs would be without contention). */
  networkUnloadedMs: Percentiles;
  /** Disaggregation: the KV-cache transfer from the prefill to the decode server (east-west), and its bytes. */
  kvTransferMs?: Percentiles;
  kvBytes?: number;
  /** inference.storage: model loads sent (replicas at start, plus repairs), bytes sent of model loads and of
   * retrieval reads, and storage bytes delivered (all north-south: storage nodes to hosts). */
  storage?: { modelLoads: number; modelLoadBytes: number; retrievalBytes: number; deliveredBytes: number };
  /** Empirical CDFs over completed requests: [probability, ms] at p = 0.01 .. 0.99, 0.995, 0.999, 0.9999, 1. */
  cdfMs: { latency: [number, number][]; ttft: [number, number][] };
  /** Gaps between consecutive tokens of a stream at the client: p50, p99, and the jitter p99 - p50. */
  tokenGapMs: { count: number; p50: number; p99: number; jitter: number };
  /** Packet engine: each streamed token's network delay in us (exact to the ns below 2 us, 0.1% above), and
   * the jitter p99 - p50 that the queues on its path add to the token gaps. */
  tokenNetworkUs?: { count: number; p50: number; p99: number; p999: number; jitter: number };
  /** Completed requests per second over the run (first arrival to last departure). */
  throughputPerS: number;
  /** Of those, the ones within every SLO bound. */
  goodputPerS: number;
  slo: { ttftMs?: number; tpotMs?: number; latencyMs?: number };
  /** completed / count. */
  availability: number;
  /** Time-average number of requests in the system (arrived, not departed), integrated over the run. */
  meanInSystem: number;
  /** Share of time the replicas were serving (mean over replicas). */
  replicaUtilization: number;
  faults: FaultResult[];
}

export interface Result {
  version: number;
  engine: 'packet' | 'flow' | 'analytic';
  scenario: string;
  seed: number;
  simulatedPs: number;
  completed: boolean;
  /** Plain flows (patterns and flow lists); collective tasks are summarized in `ops`. */
  flows: FlowResult[];
  /** Collectives and compute phases, when the traffic has collectives or jobs. */
  ops?: OpResult[];
  /** Training job iterations, when the traffic has jobs. */
  iterations?: IterationResult[];
  /** Inference services: per request latency, TTFT, TPOT, queueing, network, availability. */
  requests?: RequestsResult[];
  /** Per directed link load, when the engine measures it (flow, packet). */
  links?: LinkStats[];
  /** Per-link byte series in fixed windows (flow engine, when RunOptions.linkSeries asks for them). */
  linkSeries?: LinkSeries;
  traffic?: TrafficShare;
  counters: Counters;
  ports: PortStats[];
  /** PFC headroom per link tier (packet engine with PFC). */
  headroom?: HeadroomTier[];
  invariants: InvariantCheck[];
  stats: RunStats;
}
