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
  flows: FlowResult[];
  counters: Counters;
  ports: PortStats[];
  invariants: InvariantCheck[];
  stats: RunStats;
}
