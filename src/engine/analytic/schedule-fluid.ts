// MPICH's all-to-alls (pairwise, Bruck) over servers of several GPUs, run as the flow engine runs them on a
// non-blocking fabric: channel 0's compiled tasks (workload/training/collectives.ts) as fluid streams on the hose
// model, event by event. A transfer is a byte stream on its sender's NIC uplink and its receiver's NIC downlink
// (each of capacity min(rate, NIC) / channels: the channels run the same schedule at once and share every NIC
// equally) at its max-min fair share of the two (core/maxmin.ts, the flow engine's solver); it arrives one fabric
// path's latency after its last byte left. A transfer inside a server is a delay (the schedule sized it at the
// intra-server rate, intraCopyPs) that holds nothing. A task starts once every task it depends on has arrived
// (MPI_Sendrecv: a rank's own previous step and what it received in it).
//
// Why a simulation and not the critical path (schedule-path.ts): a rank receives from other ranks than it sends
// to, and nothing orders the senders into one rank, so when copies let some ranks run ahead, several steps' flows
// share a NIC; the critical path without sharing was 1.08-1.27x below the flow engine on 8 servers x 4 GPUs.
//
// Left out: the fabric beyond the NICs (the analytic engine's hose model): where steps between rails hash onto
// shared spine links (rail-optimized fabrics), the flow engine meets ECMP collisions this does not, and this
// is a lower bound there. Repetitions (a task's `repeat`) are one stream of all their bytes, which is what a QP
// sending them back to back does when no step dependency gates them (none in these schedules; a task with step
// dependencies is refused).
import type { NodeId } from '../../fabric/types.ts';
import type { ProgramOp, TrafficProgram } from '../../workload/program.ts';
import { KeyValueHeap } from '../core/kvheap.ts';
import { MaxMinSolver } from '../core/maxmin.ts';
import type { HopTable } from './schedule-path.ts';

/** Algorithms the analytic engine runs here when their ranks span servers of several GPUs (else schedule-path.ts). */
export const FLUID_ALGORITHMS: ReadonlySet<string> = new Set(['pairwise', 'bruck']);

/** Channel 0's tasks of one op in local ids: hosts 0..h-1, links 2h (uplink) and 2h + 1 (downlink). */
interface FluidTasks {
  n: number;
  hosts: number;
  /** Per task: 1 a stream, 0 a delay. */
  stream: Uint8Array;
  /** Stream: its uplink and downlink ids; delay: -1. */
  up: Int32Array;
  down: Int32Array;
  /** Stream: bytes; delay: picoseconds. */
  work: Float64Array;
  /** Stream: path latency (ps). */
  latPs: Float64Array;
  /** Per link: payload bytes per picosecond. */
  cap: Float64Array;
  /** Per task, deps not yet met at the start; CSR of the tasks waiting for each. */
  need: Int32Array;
  outStart: Int32Array;
  outs: Int32Array;
}

/** Channel 0's tasks (the compiler emits channel after channel; each task's deps come before it). */
function fluidTasks(
  t: HopTable,
  program: TrafficProgram,
  op: ProgramOp,
  rateBps: number,
  channels: number,
): FluidTasks {
  const tasks = program.transfers;
  const a = op.firstTask;
  let z = a;
  while (z < op.lastTask && tasks[z].channel === 0) z++;
  const n = z - a;
  const local = new Map<NodeId, number>();
  const hostOf = (h: NodeId) => {
    let i = local.get(h);
    if (i === undefined) {
      i = local.size;
      local.set(h, i);
    }
    return i;
  };
  const x = {
    stream: new Uint8Array(n),
    up: new Int32Array(n).fill(-1),
    down: new Int32Array(n).fill(-1),
    work: new Float64Array(n),
    latPs: new Float64Array(n),
    need: new Int32Array(n),
  };
  const outLists: number[][] = Array.from({ length: n }, () => []);
  for (let k = 0; k < n; k++) {
    const task = tasks[a + k];
    if (task.stepDeps.length > 0) throw new Error(`internal: schedule-fluid given a task with step deps (${task.id})`);
    for (const d of task.deps)
      if (d >= a && d < z) {
        x.need[k]++;
        outLists[d - a].push(k);
      }
    if (task.kind === 'delay') {
      x.work[k] = task.durationPs * task.repeat;
      continue;
    }
    x.stream[k] = 1;
    x.up[k] = 2 * hostOf(task.src);
    x.down[k] = 2 * hostOf(task.dst) + 1;
    x.work[k] = task.repeat * task.bytes;
    x.latPs[k] = t.hop(task.src, task.dst);
  }
  const cap = new Float64Array(2 * local.size);
  for (const [h, i] of local) cap.fill((Math.min(rateBps, t.nic[h]) / channels) * 1e-12, 2 * i, 2 * i + 2);
  const outStart = new Int32Array(n + 1);
  for (let k = 0; k < n; k++) outStart[k + 1] = outStart[k] + outLists[k].length;
  return { n, hosts: local.size, ...x, cap, outStart, outs: Int32Array.from(outLists.flat()) };
}

/** A stream ends when what it has left takes less than this at its rate (ps): sums of shares carry rounding. */
const END_PS = 1e-3;

/** The run's state: streams sending now at their fair shares, and the arrivals and copy ends to come. */
class FluidRun {
  readonly need: Int32Array;
  readonly left: Float64Array;
  readonly rate: Float64Array;
  /** Streams sending now (unordered) and each one's place there. */
  readonly active: Int32Array;
  readonly slot: Int32Array;
  nActive = 0;
  /** Arrivals of streams and ends of copies, by time. */
  readonly due = new KeyValueHeap(256);
  readonly solver: MaxMinSolver;
  // Solver scratch: per link, its active streams (counting sort of the active list).
  readonly linkCount: Int32Array;
  readonly linkStart: Int32Array;
  readonly linkStreams: Int32Array;
  now = 0;
  end = 0;
  dirty = false;

  constructor(readonly x: FluidTasks) {
    this.need = x.need.slice();
    this.left = new Float64Array(x.n);
    this.rate = new Float64Array(x.n);
    this.active = new Int32Array(x.n);
    this.slot = new Int32Array(x.n).fill(-1);
    this.solver = new MaxMinSolver(2 * x.hosts);
    this.linkCount = new Int32Array(2 * x.hosts);
    this.linkStart = new Int32Array(2 * x.hosts + 1);
    this.linkStreams = new Int32Array(2 * x.n);
  }

  start(k: number): void {
    if (this.x.stream[k] === 0) {
      this.due.push(this.now + this.x.work[k], k);
      return;
    }
    this.left[k] = this.x.work[k];
    this.slot[k] = this.nActive;
    this.active[this.nActive++] = k;
    this.dirty = true;
  }

  /** Task k has arrived (or its copy ended) at `at`: the tasks waiting for it may start. */
  arrive(k: number, at: number): void {
    if (at > this.end) this.end = at;
    const { outStart, outs } = this.x;
    for (let o = outStart[k]; o < outStart[k + 1]; o++) if (--this.need[outs[o]] === 0) this.start(outs[o]);
  }

  /** Max-min fair rates of the streams sending now, on their two NIC links (core/maxmin.ts). */
  solve(): void {
    const { active, linkCount, linkStart, linkStreams, solver, rate } = this;
    const { up, down, cap } = this.x;
    const nLinks = linkCount.length;
    linkCount.fill(0);
    for (let a = 0; a < this.nActive; a++) {
      linkCount[up[active[a]]]++;
      linkCount[down[active[a]]]++;
    }
    for (let l = 0; l < nLinks; l++) linkStart[l + 1] = linkStart[l] + linkCount[l];
    linkCount.fill(0);
    for (let a = 0; a < this.nActive; a++) {
      const k = active[a];
      linkStreams[linkStart[up[k]] + linkCount[up[k]]++] = a;
      linkStreams[linkStart[down[k]] + linkCount[down[k]]++] = a;
    }
    solver.reset();
    for (let a = 0; a < this.nActive; a++) solver.addFlow(active[a], Number.POSITIVE_INFINITY);
    for (let l = 0; l < nLinks; l++) {
      if (linkCount[l] === 0) continue;
      solver.addLink(l, cap[l]);
      for (let s = linkStart[l]; s < linkStart[l + 1]; s++) solver.linkFlow(linkStreams[s]);
    }
    for (let a = 0; a < this.nActive; a++) {
      solver.flowLinks(a);
      solver.flowLink(up[active[a]]);
      solver.flowLink(down[active[a]]);
    }
    solver.solve();
    for (let a = 0; a < this.nActive; a++) rate[active[a]] = solver.rate[a];
    this.dirty = false;
  }

  /** The next event: a stream's last byte leaves, or an arrival or copy end is due. */
  next(): number {
    let at = this.due.size > 0 ? this.due.topKey : Number.POSITIVE_INFINITY;
    for (let a = 0; a < this.nActive; a++) {
      const k = this.active[a];
      const ends = this.now + this.left[k] / this.rate[k];
      if (ends < at) at = ends;
    }
    return at;
  }

  /** Moves the clock to `at`: streams send at their rates, those done go to `due`; then what is due arrives. */
  advance(at: number): void {
    const dt = at - this.now;
    this.now = at;
    const { active, left, rate, slot } = this;
    for (let a = this.nActive - 1; a >= 0; a--) {
      const k = active[a];
      left[k] -= rate[k] * dt;
      if (left[k] > rate[k] * END_PS) continue;
      const last = active[--this.nActive];
      active[a] = last;
      slot[last] = a;
      slot[k] = -1;
      this.dirty = true;
      this.due.push(at + this.x.latPs[k], k);
    }
    const due = this.due;
    while (due.size > 0 && due.topKey <= at + END_PS) {
      const k = due.topVal;
      const when = due.topKey;
      due.pop();
      this.arrive(k, when);
    }
  }
}

/** Runs the tasks from their start to the last arrival (ps). */
function runPs(x: FluidTasks): number {
  const run = new FluidRun(x);
  for (let k = 0; k < x.n; k++) if (x.need[k] === 0) run.start(k);
  for (;;) {
    if (run.dirty) run.solve();
    const at = run.next();
    if (!Number.isFinite(at)) break;
    run.advance(at);
  }
  for (let k = 0; k < x.n; k++)
    if (run.need[k] > 0) throw new Error(`internal: schedule-fluid task ${k} never started (a dependency cycle)`);
  return run.end;
}

/** 32-bit FNV-1a over a typed array's bytes, continuing from h. */
function fnv(h: number, a: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }): number {
  const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}

const ARRAYS = ['stream', 'up', 'down', 'work', 'latPs', 'cap', 'need', 'outStart', 'outs'] as const;

function sameTasks(a: FluidTasks, b: FluidTasks): boolean {
  if (a.n !== b.n || a.hosts !== b.hosts) return false;
  for (const f of ARRAYS) {
    const u = a[f];
    const v = b[f];
    if (u.length !== v.length) return false;
    for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return false;
  }
  return true;
}

/** Times already simulated, by a hash of their tasks (compared in full on a hit): sweeps and reruns repeat them. */
const memo = new Map<number, { x: FluidTasks; ps: number }[]>();
let memoSize = 0;

/**
 * Time (ps) of `op`'s schedule on the hose model: channel 0's tasks as fluid streams at their max-min fair shares
 * of min(rateBps, their NICs) / channels, delays as they are.
 */
export function scheduleFluidPs(
  t: HopTable,
  program: TrafficProgram,
  op: ProgramOp,
  rateBps: number,
  channels: number,
): number {
  const x = fluidTasks(t, program, op, rateBps, channels);
  let h = 0x811c9dc5;
  for (const f of ARRAYS) h = fnv(h, x[f]);
  const known = memo.get(h)?.find((m) => sameTasks(m.x, x));
  if (known) return known.ps;
  const ps = runPs(x);
  if (memoSize >= 64) {
    memo.clear();
    memoSize = 0;
  }
  memo.set(h, [...(memo.get(h) ?? []), { x, ps }]);
  memoSize++;
  return ps;
}
