// What every engine reports about a traffic program's op-level DAG: per-op times with nccl-tests' algbw and
// busbw (COLL-01), and per-iteration compute, communication and exposed communication of training jobs.
import type { IterationResult, OpResult } from '../../result/types.ts';
import type { TrafficProgram } from '../../workload/program.ts';
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

/** Union length of intervals [s, e). */
function unionPs(iv: [number, number][]): number {
  iv.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let cs = -1;
  let ce = -1;
  for (const [s, e] of iv) {
    if (s > ce) {
      total += ce - cs;
      cs = s;
      ce = e;
    } else if (e > ce) ce = e;
  }
  return total + (ce - cs);
}

/** OpResult per op and IterationResult per (job, iteration), from op start and end times (ps, -1 unknown). */
export function summarizeOps(
  program: TrafficProgram,
  startPs: ArrayLike<number>,
  endPs: ArrayLike<number>,
): { ops: OpResult[]; iterations: IterationResult[] } {
  const ops: OpResult[] = program.ops.map((op, o) => {
    const s = startPs[o];
    const e = endPs[o];
    const timePs = s >= 0 && e >= 0 ? e - s : -1;
    const ranks = op.ranks.length;
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
  const groups = new Map<string, number[]>();
  for (const op of program.ops) {
    if (op.iteration < 0) continue;
    const key = `${op.item}/${op.iteration}`;
    const g = groups.get(key);
    if (g) g.push(op.id);
    else groups.set(key, [op.id]);
  }
  const iterations: IterationResult[] = [];
  for (const ids of groups.values()) {
    const first = program.ops[ids[0]];
    let s = Number.POSITIVE_INFINITY;
    let e = 0;
    let done = true;
    const compute: [number, number][] = [];
    const comm: [number, number][] = [];
    for (const id of ids) {
      if (startPs[id] < 0 || endPs[id] < 0) {
        done = false;
        continue;
      }
      s = Math.min(s, startPs[id]);
      e = Math.max(e, endPs[id]);
      const iv: [number, number] = [startPs[id], endPs[id]];
      if (program.ops[id].kind === 'compute') compute.push(iv);
      else comm.push(iv);
    }
    const timePs = done ? e - s : -1;
    const computePs = compute.length ? unionPs(compute) : 0;
    iterations.push({
      job: first.item,
      iteration: first.iteration,
      startPs: done ? s : -1,
      endPs: done ? e : -1,
      timePs,
      computePs,
      commPs: comm.length ? unionPs(comm) : 0,
      exposedCommPs: done ? timePs - computePs : -1,
    });
  }
  iterations.sort((a, b) => a.job - b.job || a.iteration - b.iteration);
  return { ops, iterations };
}
