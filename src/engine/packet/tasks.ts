// The traffic program's tasks on the packet engine: the dependency driver (engine/core/task-graph.ts) says
// which repetitions may start; here a transfer's QP gets its send gate opened (nic.ts) and a delay (compute,
// or a copy inside a server) runs its repetitions one after another as timers on its host. Leaves out the
// dependency rules themselves (the driver's) and what a QP does with an open gate (the NIC's).
import type { TrafficProgram } from '../../workload/program.ts';
import { K_DELAY, type TaskDriver } from '../core/task-graph.ts';
import { type Clock, EV_DELAY_DONE } from './events.ts';
import type { Nics } from './nic.ts';

/** What tasks.ts needs of the reduction elements (reduce.ts' Reducers). */
export interface Streams {
  /** Per task: 1 when an element sends it. */
  readonly streamed: Uint8Array;
  /** The driver released repetitions of element QP t: its whole-task dependencies are met. */
  released(t: number): void;
}

export class Tasks {
  /** Earliest start of each task, and each delay's time per repetition. */
  readonly startPs: Float64Array;
  private readonly durationPs: Float64Array;
  /** The switches' reduction elements (reduce.ts), which open their QPs packet by packet; null: none in this run. */
  streams: Streams | null = null;

  constructor(
    private readonly clock: Clock,
    readonly driver: TaskDriver,
    private readonly nics: Nics,
    program: TrafficProgram,
  ) {
    const T = program.transfers;
    this.startPs = new Float64Array(T.length);
    this.durationPs = new Float64Array(T.length);
    for (let i = 0; i < T.length; i++) {
      this.startPs[i] = T[i].startPs;
      this.durationPs[i] = T[i].durationPs;
    }
  }

  /** Task t's start time has come (EV_FLOW_START). */
  reach(t: number): void {
    this.driver.reach(t, this.clock.now);
    this.startReleased();
  }

  /** Tasks from `slotBase` on are a request network's slots (request-network.ts): their deliveries go there. */
  slotBase = 0x7fffffff;
  slotDelivered: ((t: number) => void) | null = null;

  /** A repetition of task t finished (its last packet delivered, or its delay over). */
  repFinished(t: number): void {
    if (t >= this.slotBase) {
      this.slotDelivered?.(t);
      return;
    }
    this.driver.repFinished(t, this.clock.now);
    this.startReleased();
  }

  /** A delay's repetition ends (EV_DELAY_DONE): the task finishes, or its next allowed repetition starts. */
  delayDone(t: number): void {
    this.repFinished(t);
    const d = this.driver;
    if (d.finishedReps[t] === d.g.repeat[t]) d.done++;
    else if (d.startedReps[t] < d.allowedReps[t]) this.startDelayRep(t);
  }

  /**
   * Starts what the driver released, in release order. A transfer's gate opens to the end of the allowed
   * repetitions (repetition r's bytes queue behind r-1's in the QP's stream); a delay runs its allowed
   * repetitions one after another.
   */
  private startReleased(): void {
    const d = this.driver;
    for (let t = d.nextReleased(); t >= 0; t = d.nextReleased()) {
      if (d.g.kind[t] === K_DELAY) {
        if (d.startedReps[t] === d.finishedReps[t]) this.startDelayRep(t);
      } else if (this.streams === null || this.streams.streamed[t] === 0)
        this.nics.open(t, d.releasedFrom, d.releasedTo);
      else this.streams.released(t);
    }
  }

  private startDelayRep(t: number): void {
    const d = this.driver;
    if (d.startedReps[t]++ === 0) d.taskStartPs[t] = this.clock.now;
    this.clock.q.push(this.clock.now + this.durationPs[t], EV_DELAY_DONE, t, 0);
  }
}
