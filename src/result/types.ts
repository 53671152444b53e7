// The one output format of every engine (DESIGN.md, src/result). Documented field by field in docs/simulate.md.

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
  /** Per directed link load, when the engine measures it (flow, packet). */
  links?: LinkStats[];
  traffic?: TrafficShare;
  counters: Counters;
  ports: PortStats[];
  invariants: InvariantCheck[];
  stats: RunStats;
}
