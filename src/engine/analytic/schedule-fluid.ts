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
// share a NIC; the critical path without sharing was 1.00-1.59 x below the flow engine on one leaf of 8 servers
// x 4 GPUs (contract-alltoall.test.ts). A stream alone on both its links skips the solver (it gets the lesser
// capacity), and only the streams connected to a changed link get new rates.
//
// Left out: the fabric beyond the NICs (the analytic engine's hose model): where steps between rails hash onto
// shared spine links (rail-optimized fabrics), the flow engine meets ECMP collisions this does not, and this
// is a lower bound there. Repetitions (a task's `repeat`) are one stream of all their bytes, which is what a QP
// sending them back to back does when no step dependency gates them (none in these schedules; a task with step
// dependencies is refused). Hosts of several ports (planes, dual-homing): one NIC at their first link's rate
// (the engine's CostTables.nic), as schedule-path.ts.
import type { NodeId } from '../../fabric/types.ts';
import type { ProgramOp, TrafficProgram } from '../../workload/program.ts';
import { KeyValueHeap } from '../core/kvheap.ts';
import { MaxMinSolver } from '../core/maxmin.ts';
import { channelZeroEnd, type HopTable } from './schedule-path.ts';

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
  const z = channelZeroEnd(program, op);
  const n = z - a;
  const hosts = op.ranks.length;
  const local = new Map<NodeId, number>(op.ranks.map((h, i) => [h, i]));
  const x = {
    stream: new Uint8Array(n),
    up: new Int32Array(n).fill(-1),
    down: new Int32Array(n).fill(-1),
    work: new Float64Array(n),
    latPs: new Float64Array(n),
    need: new Int32Array(n),
  };
  // The CSR of waiters in two passes: counts per task, then each waiter at its dep's next place.
  const outStart = new Int32Array(n + 1);
  for (let k = 0; k < n; k++) {
    const task = tasks[a + k];
    if (task.stepDeps.length > 0) throw new Error(`internal: schedule-fluid given a task with step deps (${task.id})`);
    for (const d of task.deps)
      if (d >= a && d < z) {
        x.need[k]++;
        outStart[d - a + 1]++;
      }
    if (task.kind === 'delay') {
      x.work[k] = task.durationPs * task.repeat;
      continue;
    }
    const s = local.get(task.src);
    const r = local.get(task.dst);
    if (s === undefined || r === undefined) throw new Error(`internal: task ${task.id} between hosts not of its op`);
    x.stream[k] = 1;
    x.up[k] = 2 * s;
    x.down[k] = 2 * r + 1;
    x.work[k] = task.repeat * task.bytes;
    x.latPs[k] = t.hop(task.src, task.dst);
  }
  for (let k = 0; k < n; k++) outStart[k + 1] += outStart[k];
  const outs = new Int32Array(outStart[n]);
  const fill = outStart.slice(0, n);
  for (let k = 0; k < n; k++) for (const d of tasks[a + k].deps) if (d >= a && d < z) outs[fill[d - a]++] = k;
  const cap = new Float64Array(2 * hosts);
  for (let i = 0; i < hosts; i++) {
    const perPs = (Math.min(rateBps, t.nic[op.ranks[i]]) / channels) * 1e-12;
    cap[2 * i] = perPs;
    cap[2 * i + 1] = perPs;
  }
  return { n, hosts, ...x, cap, outStart, outs };
}

/** A stream ends when what it has left takes less than this at its rate (ps): sums of shares carry rounding. */
const END_PS = 1e-3;

/**
 * The run's state. A stream's bytes left are kept as of the last time its rate was set (left at t0); its end is
 * in `ends` (stale entries skipped). When streams start or end, only the streams sharing a link with them,
 * transitively (their component), get new rates: most NICs carry one or two streams, so a component is small.
 */
class FluidRun {
  readonly need: Int32Array;
  readonly left: Float64Array;
  readonly t0: Float64Array;
  readonly rate: Float64Array;
  readonly endAt: Float64Array;
  /** 1 while sending. */
  readonly sending: Uint8Array;
  /** Per link, its sending streams: a doubly linked list through each stream's two ends (2k up, 2k + 1 down). */
  readonly head: Int32Array;
  readonly nxt: Int32Array;
  readonly prv: Int32Array;
  /** Links whose streams changed since the last solve, and the component scratch. */
  readonly dirty: Int32Array;
  nDirty = 0;
  readonly linkMark: Uint8Array;
  readonly streamMark: Uint8Array;
  readonly compLinks: Int32Array;
  readonly compStreams: Int32Array;
  /** Stream ends, and arrivals of streams and ends of copies, by time. */
  readonly ends = new KeyValueHeap(256);
  readonly due = new KeyValueHeap(256);
  readonly solver: MaxMinSolver;
  now = 0;
  end = 0;

  constructor(readonly x: FluidTasks) {
    const links = 2 * x.hosts;
    this.need = x.need.slice();
    this.left = new Float64Array(x.n);
    this.t0 = new Float64Array(x.n);
    this.rate = new Float64Array(x.n);
    this.endAt = new Float64Array(x.n);
    this.sending = new Uint8Array(x.n);
    this.head = new Int32Array(links).fill(-1);
    this.nxt = new Int32Array(2 * x.n);
    this.prv = new Int32Array(2 * x.n);
    this.dirty = new Int32Array(links);
    this.linkMark = new Uint8Array(links);
    this.streamMark = new Uint8Array(x.n);
    this.compLinks = new Int32Array(links);
    this.compStreams = new Int32Array(x.n);
    this.solver = new MaxMinSolver(links);
  }

  private linkOf(e: number): number {
    return e & 1 ? this.x.down[e >> 1] : this.x.up[e >> 1];
  }

  private touch(l: number): void {
    if (this.linkMark[l]) return;
    this.linkMark[l] = 1;
    this.dirty[this.nDirty++] = l;
  }

  start(k: number): void {
    if (this.x.stream[k] === 0) {
      this.due.push(this.now + this.x.work[k], k);
      return;
    }
    this.left[k] = this.x.work[k];
    this.t0[k] = this.now;
    this.rate[k] = 0;
    this.sending[k] = 1;
    for (let e = 2 * k; e <= 2 * k + 1; e++) {
      const l = this.linkOf(e);
      this.prv[e] = -1;
      this.nxt[e] = this.head[l];
      if (this.head[l] >= 0) this.prv[this.head[l]] = e;
      this.head[l] = e;
      this.touch(l);
    }
  }

  /** Stream k's last byte left at `at`: off its links, arriving one path latency later. */
  private sent(k: number, at: number): void {
    this.sending[k] = 0;
    for (let e = 2 * k; e <= 2 * k + 1; e++) {
      const l = this.linkOf(e);
      if (this.prv[e] >= 0) this.nxt[this.prv[e]] = this.nxt[e];
      else this.head[l] = this.nxt[e];
      if (this.nxt[e] >= 0) this.prv[this.nxt[e]] = this.prv[e];
      this.touch(l);
    }
    this.due.push(at + this.x.latPs[k], k);
  }

  /** Task k has arrived (or its copy ended) at `at`: the tasks waiting for it may start. */
  private arrive(k: number, at: number): void {
    if (at > this.end) this.end = at;
    const { outStart, outs } = this.x;
    for (let o = outStart[k]; o < outStart[k + 1]; o++) if (--this.need[outs[o]] === 0) this.start(outs[o]);
  }

  /** New max-min fair rates (core/maxmin.ts) for the streams connected to a changed link, and their ends. */
  solve(): void {
    const { head, nxt, linkMark, streamMark, compLinks, compStreams, solver, left, t0, rate } = this;
    const { up, down, cap } = this.x;
    // The component: links reached from the changed ones through their streams.
    let nl = 0;
    let ns = 0;
    for (let i = 0; i < this.nDirty; i++) compLinks[nl++] = this.dirty[i];
    this.nDirty = 0;
    for (let i = 0; i < nl; i++)
      for (let e = head[compLinks[i]]; e >= 0; e = nxt[e]) {
        const k = e >> 1;
        if (streamMark[k]) continue;
        streamMark[k] = 1;
        compStreams[ns++] = k;
        if (!linkMark[up[k]]) {
          linkMark[up[k]] = 1;
          compLinks[nl++] = up[k];
        }
        if (!linkMark[down[k]]) {
          linkMark[down[k]] = 1;
          compLinks[nl++] = down[k];
        }
      }
    // A stream alone on both its links takes the lesser capacity (what the solver would give it, bit for bit);
    // the others, moved to the front, go to the solver (most steps run one stream a NIC link).
    let shared = 0;
    for (let j = 0; j < ns; j++) {
      const k = compStreams[j];
      left[k] -= rate[k] * (this.now - t0[k]);
      t0[k] = this.now;
      streamMark[k] = 0;
      if (this.isShared(k)) compStreams[shared++] = k;
      else this.setRate(k, Math.min(cap[up[k]], cap[down[k]]));
    }
    if (shared > 0) {
      solver.reset();
      for (let j = 0; j < shared; j++) solver.addFlow(compStreams[j], Number.POSITIVE_INFINITY);
    }
    for (let i = 0; i < nl; i++) {
      const l = compLinks[i];
      linkMark[l] = 0;
      // A link with no stream, or with a stream alone on its links (then the only one there), is not shared.
      const e0 = head[l];
      if (e0 < 0 || (nxt[e0] < 0 && !this.isShared(e0 >> 1))) continue;
      solver.addLink(l, cap[l]);
      for (let e = head[l]; e >= 0; e = nxt[e]) solver.linkFlow(solver.local(e >> 1));
    }
    if (shared === 0) return;
    for (let j = 0; j < shared; j++) {
      solver.flowLinks(j);
      solver.flowLink(up[compStreams[j]]);
      solver.flowLink(down[compStreams[j]]);
    }
    solver.solve();
    for (let j = 0; j < shared; j++) this.setRate(compStreams[j], solver.rate[j]);
  }

  /** Does stream k share one of its links with another stream? */
  private isShared(k: number): boolean {
    const { head, nxt } = this;
    const { up, down } = this.x;
    return !(head[up[k]] === 2 * k && nxt[2 * k] < 0 && head[down[k]] === 2 * k + 1 && nxt[2 * k + 1] < 0);
  }

  private setRate(k: number, r: number): void {
    this.rate[k] = r;
    this.endAt[k] = this.now + this.left[k] / r;
    this.ends.push(this.endAt[k], k);
  }

  /** The next event: a stream's last byte leaves, or an arrival or copy end is due. */
  next(): number {
    const ends = this.ends;
    // Entries of streams given a new rate since, or already sent, are stale.
    while (ends.size > 0 && (!this.sending[ends.topVal] || this.endAt[ends.topVal] !== ends.topKey)) ends.pop();
    const a = ends.size > 0 ? ends.topKey : Number.POSITIVE_INFINITY;
    return this.due.size > 0 && this.due.topKey < a ? this.due.topKey : a;
  }

  /** Moves the clock to `at`: streams that end by then are sent; then what is due arrives. */
  advance(at: number): void {
    this.now = at;
    const { ends, due } = this;
    while (ends.size > 0 && ends.topKey <= at + END_PS) {
      const k = ends.topVal;
      const key = ends.topKey;
      ends.pop();
      if (this.sending[k] && this.endAt[k] === key) this.sent(k, at);
    }
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
    if (run.nDirty > 0) run.solve();
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

/**
 * Times already simulated, by a hash of their tasks (compared in full on a hit): sweeps and reruns repeat them.
 * Emptied when the tables it keeps pass MEMO_TASKS tasks (about 40 bytes each).
 */
const memo = new Map<number, { x: FluidTasks; ps: number }[]>();
const MEMO_TASKS = 1 << 20;
let memoTasks = 0;

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
  if (memoTasks + x.n > MEMO_TASKS) {
    memo.clear();
    memoTasks = 0;
  }
  memo.set(h, [...(memo.get(h) ?? []), { x, ps }]);
  memoTasks += x.n;
  return ps;
}
