// The traffic program's dependency graph and the driver that releases its tasks' repetitions (the semantics in
// workload/program.ts): the graph in CSR form, built once, and per task how many repetitions may start, have
// started and have finished. The driver decides *when* a repetition may start; what starting means (a QP's send
// gate opens, a timer is armed, a fluid flow gets a rate) is the engine's: released tasks wait in a FIFO the
// engine drains, so the driver calls no engine code. It leaves out time itself (the engine passes `now`).
import type { Transfer } from '../../workload/program.ts';

/** Task kinds, as in workload/program.ts. */
export const K_TRANSFER = 0;
export const K_DELAY = 1;

/** The program's tasks in flat arrays: who waits for a task's end and for its repetitions, in CSR form. */
export interface TaskGraph {
  readonly n: number;
  readonly kind: Uint8Array;
  /** Repetitions (at least 1). */
  readonly repeat: Int32Array;
  /** Whole-task dependents: depOut[depOutStart[t] .. depOutStart[t + 1]) wait for t's last repetition. */
  readonly depOutStart: Int32Array;
  readonly depOut: Int32Array;
  /** Step dependents: stepOut[stepOutStart[t] .. stepOutStart[t + 1]) wait for t's repetitions. */
  readonly stepOutStart: Int32Array;
  readonly stepOut: Int32Array;
  /** Each task's own step dependencies and their lags: stepIn[stepInStart[t] .. stepInStart[t + 1]). */
  readonly stepInStart: Int32Array;
  readonly stepIn: Int32Array;
  readonly stepInLag: Int32Array;
  /** Whole-task dependencies per task. */
  readonly deps: Int32Array;
}

/** Builds the CSR graph; the dependents of a task keep the program's task order. */
export function buildTaskGraph(tasks: readonly Transfer[]): TaskGraph {
  const n = tasks.length;
  const kind = new Uint8Array(n);
  const repeat = new Int32Array(n);
  const deps = new Int32Array(n);
  const depOutStart = new Int32Array(n + 1);
  const stepOutStart = new Int32Array(n + 1);
  const stepInStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const t = tasks[i];
    kind[i] = t.kind === 'delay' ? K_DELAY : K_TRANSFER;
    repeat[i] = Math.max(1, t.repeat);
    deps[i] = t.deps.length;
    for (const d of t.deps) depOutStart[d + 1]++;
    for (const d of t.stepDeps) stepOutStart[d + 1]++;
    stepInStart[i + 1] = stepInStart[i] + t.stepDeps.length;
  }
  for (let i = 0; i < n; i++) {
    depOutStart[i + 1] += depOutStart[i];
    stepOutStart[i + 1] += stepOutStart[i];
  }
  const depOut = new Int32Array(depOutStart[n]);
  const stepOut = new Int32Array(stepOutStart[n]);
  const stepIn = new Int32Array(stepInStart[n]);
  const stepInLag = new Int32Array(stepInStart[n]);
  const depFill = depOutStart.slice(0, n);
  const stepFill = stepOutStart.slice(0, n);
  for (let i = 0; i < n; i++) {
    const t = tasks[i];
    for (const d of t.deps) depOut[depFill[d]++] = i;
    for (let j = 0; j < t.stepDeps.length; j++) {
      const d = t.stepDeps[j];
      stepOut[stepFill[d]++] = i;
      stepIn[stepInStart[i] + j] = d;
      stepInLag[stepInStart[i] + j] = t.stepLags[j] ?? 0;
    }
  }
  return { n, kind, repeat, depOutStart, depOut, stepOutStart, stepOut, stepInStart, stepIn, stepInLag, deps };
}

/**
 * Per-task repetition state over a TaskGraph. `reach(t)` when a task's `startPs` comes and `repFinished(t)` when
 * one of its repetitions ends; each may release tasks (more repetitions allowed), which the engine takes with
 * `nextReleased()` in release order. Released entries carry the allowed count before and after the release.
 */
export class TaskDriver {
  readonly g: TaskGraph;
  /** Repetitions allowed to start, started (the engine counts these), and finished. */
  readonly allowedReps: Int32Array;
  readonly startedReps: Int32Array;
  readonly finishedReps: Int32Array;
  /** Whole-task dependencies not finished yet, and whether `startPs` has come. */
  readonly depsLeft: Int32Array;
  readonly startReached: Uint8Array;
  /** When repetition 0 was allowed to start (startPs, or later when deps finished). */
  readonly readyPs: Float64Array;
  /** Tasks the engine declared finished, by its own criterion (the packet engine: every byte acknowledged). */
  done = 0;
  /** Task times for ops: first start of repetition 0 (the engine sets it), and the last repetition's finish. */
  readonly taskStartPs: Float64Array;
  readonly taskEndPs: Float64Array;
  /** Released tasks, FIFO: (task, allowed before, allowed after) from `relRead` to `relN`. */
  private rel = new Int32Array(3 * 64);
  private relN = 0;
  private relRead = 0;
  /** The released entry last taken by nextReleased(): allowed repetitions before and after. */
  releasedFrom = 0;
  releasedTo = 0;

  constructor(g: TaskGraph) {
    const n = g.n;
    this.g = g;
    this.allowedReps = new Int32Array(n);
    this.startedReps = new Int32Array(n);
    this.finishedReps = new Int32Array(n);
    this.depsLeft = g.deps.slice();
    this.startReached = new Uint8Array(n);
    this.readyPs = new Float64Array(n).fill(-1);
    this.taskStartPs = new Float64Array(n).fill(-1);
    this.taskEndPs = new Float64Array(n).fill(-1);
  }

  /** Task t's `startPs` has come. */
  reach(t: number, now: number): void {
    this.startReached[t] = 1;
    this.advance(t, now);
  }

  /** A repetition of task t finished: release what waits for it (step dependents, then whole-task dependents). */
  repFinished(t: number, now: number): void {
    const g = this.g;
    const done = ++this.finishedReps[t];
    for (let j = g.stepOutStart[t]; j < g.stepOutStart[t + 1]; j++) this.advance(g.stepOut[j], now);
    if (done < g.repeat[t]) return;
    this.taskEndPs[t] = now;
    for (let j = g.depOutStart[t]; j < g.depOutStart[t + 1]; j++) {
      const d = g.depOut[j];
      if (--this.depsLeft[d] === 0) this.advance(d, now);
    }
  }

  /** The next released task (its counts in releasedFrom/releasedTo), or -1 when none is waiting. */
  nextReleased(): number {
    if (this.relRead === this.relN) {
      this.relRead = 0;
      this.relN = 0;
      return -1;
    }
    const o = 3 * this.relRead++;
    this.releasedFrom = this.rel[o + 1];
    this.releasedTo = this.rel[o + 2];
    return this.rel[o];
  }

  /**
   * Allows task t every repetition whose dependencies are met: repetition 0 once `startPs` has come and every
   * dep has finished; repetition r once repetition r - lag of each step dep has finished.
   */
  private advance(t: number, now: number): void {
    let r = this.allowedReps[t];
    if (r === 0 && (!this.startReached[t] || this.depsLeft[t] > 0)) return;
    const g = this.g;
    const r0 = r;
    const R = g.repeat[t];
    const s0 = g.stepInStart[t];
    const s1 = g.stepInStart[t + 1];
    for (; r < R; r++) {
      let ready = true;
      for (let j = s0; j < s1; j++) {
        const need = r - g.stepInLag[j];
        if (need >= 0 && this.finishedReps[g.stepIn[j]] <= need) {
          ready = false;
          break;
        }
      }
      if (!ready) break;
    }
    if (r === r0) return;
    this.allowedReps[t] = r;
    if (r0 === 0) this.readyPs[t] = now;
    this.release(t, r0, r);
  }

  private release(t: number, from: number, to: number): void {
    if (3 * this.relN === this.rel.length) {
      const rel = new Int32Array(2 * this.rel.length);
      rel.set(this.rel);
      this.rel = rel;
    }
    const o = 3 * this.relN++;
    this.rel[o] = t;
    this.rel[o + 1] = from;
    this.rel[o + 2] = to;
  }
}
