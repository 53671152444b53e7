// What every engine reports about a traffic program's op-level DAG: per-op times with nccl-tests' algbw and
// busbw (COLL-01), and per-iteration compute, communication and exposed communication of training jobs.
import type { IterationResult, OpResult } from '../../result/types.ts';
import { OP_KIND, type OpIndex, opIndex, type TrafficProgram } from '../../workload/program.ts';

/**
 * Op start and end from task times: the earliest task start and the latest task end (-1: not finished). An op
 * without tasks (a collective of one rank: nothing to send) takes no time: it starts and ends when its last dep
 * ends, as the analytic engine's op DAG has it (its closed forms give 0 for one rank).
 */
export function opTimesFromTasks(
  program: TrafficProgram,
  taskStartPs: ArrayLike<number>,
  taskEndPs: ArrayLike<number>,
): { startPs: Float64Array; endPs: Float64Array } {
  const n = program.ops.length;
  const startPs = new Float64Array(n).fill(-1);
  const endPs = new Float64Array(n).fill(-1);
  for (let o = 0; o < n; o++) {
    const op = program.ops[o];
    let s = Number.POSITIVE_INFINITY;
    let e = 0;
    if (op.lastTask === op.firstTask) {
      const at = emptyOpTimePs(op.deps, o, endPs);
      startPs[o] = at;
      endPs[o] = at;
      continue;
    }
    let done = true;
    for (let t = op.firstTask; t < op.lastTask; t++) {
      if (taskStartPs[t] >= 0 && taskStartPs[t] < s) s = taskStartPs[t];
      if (taskEndPs[t] < 0) done = false;
      else if (taskEndPs[t] > e) e = taskEndPs[t];
    }
    if (Number.isFinite(s)) startPs[o] = s;
    if (done) endPs[o] = e;
  }
  return { startPs, endPs };
}

/** When an op without tasks happens: when the last of its deps ends (0 without deps; -1 while one has not). */
function emptyOpTimePs(deps: readonly number[], o: number, endPs: Float64Array): number {
  let at = 0;
  for (const d of deps) {
    // Ops are built in order (a dep exists before its dependents): a later dep has no end yet.
    if (d >= o || endPs[d] < 0) return -1;
    if (endPs[d] > at) at = endPs[d];
  }
  return at;
}

/**
 * Union length of the intervals [starts[i], ends[i]) of the first n: a sweep over the sorted starts and the sorted
 * ends (an interval that starts where another ends joins it), tens of thousands of intervals without objects.
 */
function unionPs(starts: Float64Array, ends: Float64Array, n: number): number {
  if (n === 0) return 0;
  const s = starts.subarray(0, n).sort();
  const e = ends.subarray(0, n).sort();
  let total = 0;
  let open = 0;
  let from = 0;
  let j = 0;
  for (let i = 0; i < n; i++) {
    while (e[j] < s[i]) {
      if (--open === 0) total += e[j] - from;
      j++;
    }
    if (open++ === 0) from = s[i];
  }
  // Every interval has started: the union's last piece ends with the last end.
  return total + (e[n - 1] - from);
}

/**
 * OpResult per op and IterationResult per (job, iteration), from op start and end times (ps, -1 unknown). Reads
 * the program's OpIndex only (an op's id is its index): no op object is touched.
 */
export function summarizeOps(
  program: TrafficProgram,
  startPs: ArrayLike<number>,
  endPs: ArrayLike<number>,
): { ops: OpResult[]; iterations: IterationResult[] } {
  const idx = opIndex(program);
  return {
    ops: opResults(idx, program.ops.length, startPs, endPs),
    iterations: summarizeIterations(idx, startPs, endPs),
  };
}

/** OpResult per op: its loop alone in a function, so that the JIT optimizes it whole from the first run. */
function opResults(idx: OpIndex, n: number, startPs: ArrayLike<number>, endPs: ArrayLike<number>): OpResult[] {
  const { rankStart, opName, algorithm, label, bytes, iteration, busFactor } = idx;
  const ops: OpResult[] = new Array(n);
  for (let o = 0; o < n; o++) {
    const s = startPs[o];
    const e = endPs[o];
    const timePs = s >= 0 && e >= 0 ? e - s : -1;
    const factor = busFactor[o];
    let algbwGBps = 0;
    let busbwGBps = 0;
    if (!Number.isNaN(factor) && timePs > 0) {
      algbwGBps = bytes[o] / (timePs * 1e-12) / 1e9;
      busbwGBps = algbwGBps * factor;
    }
    ops[o] = {
      id: o,
      op: opName[o],
      algorithm: algorithm[o],
      label: label[o],
      ranks: rankStart[o + 1] - rankStart[o],
      bytes: bytes[o],
      startPs: s,
      endPs: e,
      timePs,
      algbwGBps,
      busbwGBps,
      iteration: iteration[o],
    };
  }
  return ops;
}

/** IterationResult per (job, iteration) of the OpIndex's groups. */
function summarizeIterations(idx: OpIndex, startPs: ArrayLike<number>, endPs: ArrayLike<number>): IterationResult[] {
  const { iterStart, iterOps, kind } = idx;
  const COMPUTE = OP_KIND.compute;
  const iterations: IterationResult[] = [];
  let most = 0;
  for (let g = 0; g + 1 < iterStart.length; g++) most = Math.max(most, iterStart[g + 1] - iterStart[g]);
  const cs = new Float64Array(most);
  const ce = new Float64Array(most);
  const ms = new Float64Array(most);
  const me = new Float64Array(most);
  for (let g = 0; g + 1 < iterStart.length; g++) {
    let s = Number.POSITIVE_INFINITY;
    let e = 0;
    let done = true;
    let nc = 0;
    let nm = 0;
    for (let k = iterStart[g]; k < iterStart[g + 1]; k++) {
      const id = iterOps[k];
      const a = startPs[id];
      const b = endPs[id];
      if (a < 0 || b < 0) {
        done = false;
        continue;
      }
      s = Math.min(s, a);
      e = Math.max(e, b);
      if (kind[id] === COMPUTE) {
        cs[nc] = a;
        ce[nc++] = b;
      } else {
        ms[nm] = a;
        me[nm++] = b;
      }
    }
    const timePs = done ? e - s : -1;
    const computePs = unionPs(cs, ce, nc);
    iterations.push({
      job: idx.iterJob[g],
      iteration: idx.iterIteration[g],
      startPs: done ? s : -1,
      endPs: done ? e : -1,
      timePs,
      computePs,
      commPs: unionPs(ms, me, nm),
      exposedCommPs: done ? timePs - computePs : -1,
    });
  }
  return iterations;
}
