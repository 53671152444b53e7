// What every engine reports about a traffic program's op-level DAG: per-op times with nccl-tests' algbw and
// busbw (COLL-01), and per-iteration compute, communication and exposed communication of training jobs.
import type { IterationResult, OpResult } from '../../result/types.ts';
import { opIndex, type TrafficProgram } from '../../workload/program.ts';
import { busBandwidthFactor } from '../analytic/collectives.ts';

/** Op start and end from task times: the earliest task start and the latest task end (-1: not finished). */
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
    let done = op.lastTask > op.firstTask;
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

/** OpResult per op and IterationResult per (job, iteration), from op start and end times (ps, -1 unknown). */
export function summarizeOps(
  program: TrafficProgram,
  startPs: ArrayLike<number>,
  endPs: ArrayLike<number>,
): { ops: OpResult[]; iterations: IterationResult[] } {
  const rankStart = opIndex(program).rankStart;
  const ops: OpResult[] = program.ops.map((op, o) => {
    const s = startPs[o];
    const e = endPs[o];
    const timePs = s >= 0 && e >= 0 ? e - s : -1;
    const ranks = rankStart[o + 1] - rankStart[o];
    let algbwGBps = 0;
    let busbwGBps = 0;
    if (op.kind === 'collective' && op.op && timePs > 0) {
      algbwGBps = op.bytes / (timePs * 1e-12) / 1e9;
      busbwGBps = algbwGBps * busBandwidthFactor(op.op, ranks);
    }
    return {
      id: op.id,
      op: op.kind === 'collective' ? (op.op ?? 'collective') : op.kind,
      algorithm: op.algorithm ?? '',
      label: op.label,
      ranks,
      bytes: op.bytes,
      startPs: s,
      endPs: e,
      timePs,
      algbwGBps,
      busbwGBps,
      iteration: op.iteration,
    };
  });
  // Ops by (job, iteration); a job's ops of one iteration are mostly consecutive, so the last group is checked first.
  const groups = new Map<number, number[]>();
  let lastKey = -1;
  let last: number[] = [];
  for (const op of program.ops) {
    if (op.iteration < 0) continue;
    const key = op.item * 2 ** 26 + op.iteration;
    if (key !== lastKey) {
      const g = groups.get(key);
      if (g) last = g;
      else {
        last = [];
        groups.set(key, last);
      }
      lastKey = key;
    }
    last.push(op.id);
  }
  const iterations: IterationResult[] = [];
  let cs = new Float64Array(0);
  let ce = new Float64Array(0);
  let ms = new Float64Array(0);
  let me = new Float64Array(0);
  for (const ids of groups.values()) {
    const first = program.ops[ids[0]];
    let s = Number.POSITIVE_INFINITY;
    let e = 0;
    let done = true;
    if (cs.length < ids.length) {
      cs = new Float64Array(ids.length);
      ce = new Float64Array(ids.length);
      ms = new Float64Array(ids.length);
      me = new Float64Array(ids.length);
    }
    let nc = 0;
    let nm = 0;
    for (const id of ids) {
      if (startPs[id] < 0 || endPs[id] < 0) {
        done = false;
        continue;
      }
      s = Math.min(s, startPs[id]);
      e = Math.max(e, endPs[id]);
      if (program.ops[id].kind === 'compute') {
        cs[nc] = startPs[id];
        ce[nc++] = endPs[id];
      } else {
        ms[nm] = startPs[id];
        me[nm++] = endPs[id];
      }
    }
    const timePs = done ? e - s : -1;
    const computePs = unionPs(cs, ce, nc);
    iterations.push({
      job: first.item,
      iteration: first.iteration,
      startPs: done ? s : -1,
      endPs: done ? e : -1,
      timePs,
      computePs,
      commPs: unionPs(ms, me, nm),
      exposedCommPs: done ? timePs - computePs : -1,
    });
  }
  iterations.sort((a, b) => a.job - b.job || a.iteration - b.iteration);
  return { ops, iterations };
}
