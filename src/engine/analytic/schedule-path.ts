// The time of a flat collective (recursive doubling and halving, Rabenseifner, binomial, scatter-allgather) over
// servers of several GPUs: the critical path of its compiled schedule (workload/training/collectives.ts), each
// step costed where it runs. A step between GPUs of one server is a delay the schedule
// already sized at the intra-server rate and latency (intraCopyPs); a step between servers takes the fabric
// path's latency and its bytes at the NIC rate. No closed form fits these: which steps stay inside a server
// depends on the placement (Rabenseifner over 4 servers x 8 GPUs: its 3 nearest rounds are NVLink copies).
//
// Left out: sharing between steps. These schedules send one step at a time per rank (each waits for its own and
// its partner's previous step), so within a channel no two of a rank's fabric steps overlap; channels run the
// same schedule on 1/C of the buffer at once and share every NIC, so channel 0's path at 1/C of the rate is the
// op's time. Rings, hierarchical and the double binary tree keep their closed forms (engine.ts).
//
// MPICH's all-to-alls (pairwise, Bruck) are in FLAT_ALGORITHMS (they take the flat path's dispatch) but run on
// schedule-fluid.ts instead: for them the critical path is a lower bound only. A rank receives from other ranks
// than it sends to, and nothing in the schedule orders the senders into one rank (pairwise: the sends into j at
// steps s and s + 1 come from j - s and j - s - 1, neither waiting for the other), so when intra-server copies
// let some ranks run ahead, several steps' flows share a NIC (pairwise over 8 servers x 4 GPUs on one leaf:
// flow/path up to 1.25, Bruck up to 1.59). No path without sharing sees it; the fluid run of the same tasks does.
import type { NodeId } from '../../fabric/types.ts';
import type { ProgramOp, TrafficProgram } from '../../workload/program.ts';

/** What the path reads of the engine's cost tables: hop latency (ps) and each host's NIC payload rate (B/s). */
export interface HopTable {
  hop(src: NodeId, dst: NodeId): number;
  readonly nic: Float64Array;
}

/** Algorithms whose time is their schedule's critical path when their ranks span servers of several GPUs. */
export const FLAT_ALGORITHMS: ReadonlySet<string> = new Set([
  'recursive-doubling',
  'recursive-halving',
  'rabenseifner',
  'binomial',
  'scatter-allgather',
  'pairwise',
  'bruck',
]);

let endScratch = new Float64Array(64);

/** One past op's last task of channel 0 (the compiler emits channel after channel). */
export function channelZeroEnd(program: TrafficProgram, op: ProgramOp): number {
  let z = op.firstTask;
  while (z < op.lastTask && program.transfers[z].channel === 0) z++;
  return z;
}

/**
 * Critical path (ps) of channel 0's tasks of `op` (the compiler emits channel after channel, and each task's deps
 * come before it): a delay takes its duration, a transfer its path latency plus its bytes at
 * min(rateBps, its NICs) / channels.
 */
export function schedulePathPs(
  t: HopTable,
  program: TrafficProgram,
  op: ProgramOp,
  rateBps: number,
  channels: number,
): number {
  const tasks = program.transfers;
  const a = op.firstTask;
  const z = channelZeroEnd(program, op);
  if (endScratch.length < z - a) endScratch = new Float64Array(2 * (z - a));
  const end = endScratch;
  let last = 0;
  for (let k = a; k < z; k++) {
    const task = tasks[k];
    let s = 0;
    for (const d of task.deps) if (d >= a && d < z) s = Math.max(s, end[d - a]);
    if (task.kind === 'delay') end[k - a] = s + task.durationPs * task.repeat;
    else {
      const rate = Math.min(rateBps, t.nic[task.src], t.nic[task.dst]) / channels;
      end[k - a] = s + t.hop(task.src, task.dst) + ((task.repeat * task.bytes) / rate) * 1e12;
    }
    last = Math.max(last, end[k - a]);
  }
  return last;
}
