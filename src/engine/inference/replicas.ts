// Per-replica state as a struct of arrays indexed by replica (0..R-1): up or down, the balancer's counts, the
// waiting queue, and an LLM replica's batch (running and being prefilled) and KV-cache use. The behaviour lives
// in plain.ts, llm.ts and disaggregation.ts; this file only holds the state they share.
import { Fifo } from './fifo.ts';

/** What an LLM replica's current iteration does. */
export const STEP_IDLE = 0;
export const STEP_PREFILL = 1;
export const STEP_DECODE = 2;

export class ReplicaTable {
  /** Node id of each replica's host. */
  readonly host: Int32Array;
  readonly down: Uint8Array;
  /** 1 while the replica's model weights are on their way from storage (inference.storage): it serves nothing. */
  readonly loading: Uint8Array;
  /** Bumped on every fault and repair: an event of an earlier epoch is stale. */
  readonly epoch: Int32Array;
  readonly ejectedUntil: Float64Array;
  /** Requests sent to the replica and not yet gone (the balancer's load). */
  readonly outstanding: Int32Array;
  /** Plain service: requests in service. */
  readonly busySlots: Int32Array;
  readonly busyNs: Float64Array;
  /** Entries waiting at each replica. */
  readonly queues: Fifo[];
  /** LLM batches: replica r's running entries are runE[r * cap .. r * cap + runN[r]), its prefill likewise. */
  readonly runE: Float64Array;
  readonly runN: Int32Array;
  readonly preE: Float64Array;
  readonly preN: Int32Array;
  readonly kvUsed: Float64Array;
  readonly stepKind: Uint8Array;

  constructor(host: Int32Array, llm: boolean, cap: number) {
    const R = host.length;
    this.host = host;
    this.down = new Uint8Array(R);
    this.loading = new Uint8Array(R);
    this.epoch = new Int32Array(R);
    this.ejectedUntil = new Float64Array(R);
    this.outstanding = new Int32Array(R);
    this.busySlots = new Int32Array(R);
    this.busyNs = new Float64Array(R);
    this.queues = Array.from({ length: R }, () => new Fifo());
    this.runE = new Float64Array(llm ? R * cap : 0);
    this.runN = new Int32Array(R);
    this.preE = new Float64Array(llm ? R * cap : 0);
    this.preN = new Int32Array(R);
    this.kvUsed = new Float64Array(R);
    this.stepKind = new Uint8Array(R);
  }
}
