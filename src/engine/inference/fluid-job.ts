// A traffic program (a training job, patterns, flow lists) run on the inference simulator's fluid network, so a
// service and a job share one fabric in one run (issue 18; docs/architecture.md, "Training and inference in one
// run"). It wraps the FluidNetwork as the service's RequestNetwork: the service's transfers pass through in their
// traffic class, the job's go in as fluid flows of their own class, tagged -1 - task (the service's tags are
// >= 0), and the job's delays (compute, intra-server copies) are events here. The dependency rules are the core
// task driver's (workload/program.ts semantics), as on the packet engine.
//
// Differences from runFlow, on purpose small: time is whole ns (a delay or a start at a fraction of a ns waits for
// the next), and a transfer's repetition r starts once r - 1 is delivered rather than drained (the fluid network
// reports deliveries only): one path latency more per repetition where nothing else held it back, which a ring
// step, waiting for its upstream rank's repetition anyway, does not see. Left out: runFlow's failure handling of
// the job (a transfer whose destination became unreachable is counted failed, its task never finishes).
import type { TrafficProgram } from '../../workload/program.ts';
import { flowHashes } from '../core/ecmp.ts';
import { BinaryHeapQueue } from '../core/heap2.ts';
import type { NetworkConfig } from '../core/network.ts';
import { buildTaskGraph, K_DELAY, TaskDriver } from '../core/task-graph.ts';
import type { FluidNetwork } from '../flow/fluid.ts';
import type { RequestNetwork } from './network.ts';

const EV_REACH = 0; // a: task
const EV_DELAY_DONE = 1; // a: task

/** ps of the program to the fluid network's whole ns, rounded up (an event never comes early). */
const toNs = (ps: number) => Math.ceil(ps / 1000 - 1e-9);

export class FluidJob implements RequestNetwork {
  readonly driver: TaskDriver;
  private readonly q = new BinaryHeapQueue(64);
  private readonly hash: Uint32Array;
  private readonly level: Int32Array;
  private readonly weight: Float64Array;
  private readonly src: Int32Array;
  private readonly dst: Int32Array;
  private readonly bytes: Float64Array;
  private readonly durNs: Float64Array;
  /** The service's callback during advance. */
  private serviceDone: (tag: number, ok: boolean) => void = () => {};
  /** Job bytes started and delivered, and transfers that failed (counted here, apart from the network's). */
  bytesStarted = 0;
  bytesDelivered = 0;
  failedTransfers = 0;
  events = 0;

  constructor(
    readonly net: FluidNetwork,
    readonly program: TrafficProgram,
    cfg: NetworkConfig,
    seed: number,
    /** The service's traffic class: max-min level and weight. */
    private readonly serviceLevel: number,
    private readonly serviceWeight: number,
  ) {
    const T = program.transfers;
    const n = T.length;
    this.driver = new TaskDriver(buildTaskGraph(T));
    // The flow and packet engines' per-task hash (core/ecmp.ts): the job's flows take runFlow's paths.
    this.hash = flowHashes(seed, n);
    this.level = new Int32Array(n);
    this.weight = new Float64Array(n).fill(1);
    this.src = new Int32Array(n);
    this.dst = new Int32Array(n);
    this.bytes = new Float64Array(n);
    this.durNs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const t = T[i];
      const name = program.itemClass?.[t.item] ?? t.cls;
      this.level[i] = cfg.classLevel(name);
      this.weight[i] = cfg.classWeight(name);
      this.src[i] = t.src;
      this.dst[i] = t.dst;
      this.bytes[i] = t.bytes;
      this.durNs[i] = toNs(t.durationPs);
      this.q.push(toNs(t.startPs), EV_REACH, i, 0);
    }
  }

  /** Every task has finished all its repetitions. */
  get finished(): boolean {
    return this.driver.done === this.program.transfers.length;
  }

  // ---- RequestNetwork: the service's side -----------------------------------------------------------------

  start(nowNs: number, src: number, dst: number, bytes: number, flowHash: number, tag: number): number {
    return this.net.start(nowNs, src, dst, bytes, flowHash, tag, this.serviceLevel, this.serviceWeight);
  }

  nextTime(): number {
    return Math.min(this.net.nextTime(), this.q.peekTime());
  }

  advance(t: number, onDone: (tag: number, ok: boolean) => void): void {
    this.serviceDone = onDone;
    const q = this.q;
    for (;;) {
      const tn = this.net.nextTime();
      const tq = q.peekTime();
      if (Math.min(tn, tq) > t) break;
      if (tn <= tq) {
        this.net.advance(tn, this.onFluid);
        continue;
      }
      q.pop();
      this.events++;
      if (q.kind === EV_REACH) this.driver.reach(q.a, tq * 1000);
      else this.delayDone(q.a, tq);
      this.startReleased(tq);
    }
    this.net.advance(t, this.onFluid);
  }

  messageDelayNs(nowNs: number, src: number, dst: number, bytes: number, flowHash: number): number {
    return this.net.messageDelayNs(nowNs, src, dst, bytes, flowHash);
  }

  unloadedDelayNs(src: number, dst: number, bytes: number, flowHash: number): number {
    return this.net.unloadedDelayNs(src, dst, bytes, flowHash);
  }

  /** Each plain transfer's time alone on an idle network for all its repetitions, ps (its ideal FCT). */
  idealPs(t: number): number {
    const reps = this.driver.g.repeat[t];
    return reps * this.net.unloadedDelayNs(this.src[t], this.dst[t], this.bytes[t], this.hash[t]) * 1000;
  }

  // ---- the job ---------------------------------------------------------------------------------------------

  private readonly onFluid = (tag: number, ok: boolean, timeNs: number): void => {
    if (tag >= 0) {
      this.serviceDone(tag, ok);
      return;
    }
    const t = -1 - tag;
    this.events++;
    if (!ok) {
      this.failedTransfers++;
      return;
    }
    this.bytesDelivered += this.bytes[t];
    const d = this.driver;
    d.repFinished(t, timeNs * 1000);
    if (d.finishedReps[t] === d.g.repeat[t]) d.done++;
    else if (d.startedReps[t] < d.allowedReps[t]) this.startRep(t, timeNs);
    this.startReleased(timeNs);
  };

  /** Starts what the driver released: a transfer's next repetition if none is in flight, a delay's likewise. */
  private startReleased(now: number): void {
    const d = this.driver;
    for (let t = d.nextReleased(); t >= 0; t = d.nextReleased()) {
      if (d.startedReps[t] !== d.finishedReps[t]) continue;
      if (d.g.kind[t] === K_DELAY) this.startDelayRep(t, now);
      else this.startRep(t, now);
    }
  }

  private startRep(t: number, now: number): void {
    const d = this.driver;
    if (d.startedReps[t]++ === 0) d.taskStartPs[t] = now * 1000;
    this.bytesStarted += this.bytes[t];
    this.net.start(now, this.src[t], this.dst[t], this.bytes[t], this.hash[t], -1 - t, this.level[t], this.weight[t]);
  }

  private startDelayRep(t: number, now: number): void {
    const d = this.driver;
    if (d.startedReps[t]++ === 0) d.taskStartPs[t] = now * 1000;
    this.q.push(now + this.durNs[t], EV_DELAY_DONE, t, 0);
  }

  private delayDone(t: number, now: number): void {
    const d = this.driver;
    d.repFinished(t, now * 1000);
    if (d.finishedReps[t] === d.g.repeat[t]) d.done++;
    else if (d.startedReps[t] < d.allowedReps[t]) this.startDelayRep(t, now);
  }
}
