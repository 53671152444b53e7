// Builds a TrafficProgram op by op. program.ts defines what a task means to the engines; this file only adds
// bookkeeping that the compilers (collectives, jobs) share:
//
//   beginOp ─► task, task, ... ─► endOp        (an op's tasks are contiguous: transfers[firstTask..lastTask))
//                                   │
//                                   ├─ 1. the op's frontier: per host, its last tasks in the op
//                                   └─ 2. op-level deps become task-level deps, rank-locally
//
// Rank-local chaining: when op B depends on op A, a task of B that is the first of B on host h (no
// predecessor inside B touches h) waits for A's last tasks on h. A task touches its sender and its receiver
// (for a delay that stands for an intra-server copy, the GPU the copy lands on), so a collective's task also
// waits until its receiver has finished A, as NCCL's receiver must have launched the kernel before it accepts
// data. Never all-to-all barriers: at 8,192 ranks these would be p^2 edges; this is O(tasks x frontier).
// When A does not involve h, A's own deps are looked through (recursively), so chains of ops stay ordered
// per rank even across ops on other ranks.

import { LimitError } from '../errors.ts';
import type { NodeId } from '../fabric/types.ts';
import type { CollectiveOp } from './collective.ts';
import { opIndex, type ProgramOp, type TrafficProgram, type Transfer } from './program.ts';

export interface BeginOpOptions {
  kind: ProgramOp['kind'];
  op?: CollectiveOp;
  algorithm?: string;
  /** Hosts taking part, in rank order. */
  ranks: readonly NodeId[];
  /** Bytes per rank buffer S (collectives), total bytes (flows), 0 (compute). */
  bytes: number;
  durationPs?: number;
  /** Ops (ids, all ended) that must finish first; rank-local, see the header. */
  deps: readonly number[];
  item: number;
  iteration: number;
  label: string;
  /** Earliest start of the op's tasks, in picoseconds (default 0). */
  startPs?: number;
  /** Traffic class of the op's tasks (default roce). */
  cls?: Transfer['cls'];
}

/** What one repetition of a task moves, for symbolic checks of schedules (ProgramBuilder({ trace: true })). */
export interface RepMove {
  /** Block ids of the op's buffer (see OpLayout). */
  blocks: readonly number[];
  /** true: the receiver adds the blocks into its own (a reduction); false: it stores a copy. */
  reduce: boolean;
}
export type MoveTrace = (rep: number) => RepMove;

/** How an op's buffer is cut into blocks, for the same symbolic checks. Indices are rank indices (op.ranks). */
export interface OpLayout {
  blocks: number;
  blockBytes: Float64Array;
  /** The rank that holds block k first (all-gather, all-to-all) or must hold it last (reduce-scatter). */
  owner: Int32Array;
  /** all-to-all: the rank block k is for. */
  dest?: Int32Array;
}

export interface TaskOptions {
  /** Default transfer. */
  kind?: Transfer['kind'];
  src: NodeId;
  /** transfer: the receiving host. delay: the host an intra-server copy lands on (default src: compute). */
  dst?: NodeId;
  /** transfer: bytes per repetition. delay: bytes an intra-server copy moves per repetition (recorded in
   * movedBytes(); the task's `bytes` stays 0 as program.ts says). */
  bytes?: number;
  /**
   * transfer: bytes per repetition on the wire when they differ from the data it moves (`bytes`, which the
   * schedule checks count): a protocol's line format and efficiency (workload/nccl). Default `bytes`.
   */
  wireBytes?: number;
  /** delay: time per repetition. */
  durationPs?: number;
  /** Default: the op's startPs, or 0. */
  startPs?: number;
  /** Task ids, all created earlier. */
  deps?: readonly number[];
  repeat?: number;
  /** Task ids created earlier; later ones (a ring's wrap-around) through addStepDep. */
  stepDeps?: readonly number[];
  stepLags?: readonly number[];
  channel?: number;
  /** Default: the op's item. */
  item?: number;
  /** Default: the op's class, else roce. */
  cls?: Transfer['cls'];
  /** Kept only when the builder traces. */
  trace?: MoveTrace;
}

export interface ComputeOpOptions {
  ranks: readonly NodeId[];
  durationPs: number;
  deps: readonly number[];
  item: number;
  iteration: number;
  label: string;
  startPs?: number;
}

/** Per host, the last tasks of one op on that host (own entries; `get` also looks through ops not on h). */
export class OpFrontier {
  constructor(
    private readonly builder: ProgramBuilder,
    readonly opId: number,
    /** Hosts the op touches, ascending. */
    readonly hosts: Int32Array,
    private readonly offsets: Int32Array,
    private readonly tasks: Int32Array,
  ) {}

  /** The op's own last tasks on host h (empty when the op does not touch h). */
  own(h: NodeId): Int32Array {
    let lo = 0;
    let hi = this.hosts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.hosts[mid] < h) lo = mid + 1;
      else hi = mid;
    }
    if (lo < this.hosts.length && this.hosts[lo] === h)
      return this.tasks.subarray(this.offsets[lo], this.offsets[lo + 1]);
    return this.tasks.subarray(0, 0);
  }

  /** What a task on h that follows this op must wait for: own(h), or, if empty, that of the op's deps. */
  get(h: NodeId): number[] {
    return this.builder.lastTasks(this.opId, h);
  }
}

interface OpenOp {
  id: number;
  startPs: number;
  cls: Transfer['cls'];
  item: number;
}

const byValue = (a: number, b: number) => a - b;

/** No step deps (shared: task() only reads it). */
const NONE: readonly number[] = [];

/**
 * A program past the task bound: refused while it compiles, before it fills the memory (an all-to-all of a
 * million hosts is 10^12 tasks; the guard's estimate after the compile would come too late).
 */
function tooManyTasks(item: number, maxTasks: number): LimitError {
  return new LimitError([
    {
      path: `traffic[${item}]`,
      message: `compiles to more than ${maxTasks.toLocaleString('en-US')} tasks, more than --max-memory allows: use fewer hosts or ranks, a simpler pattern, or raise --max-memory`,
    },
  ]);
}

export class ProgramBuilder {
  readonly transfers: Transfer[] = [];
  readonly ops: ProgramOp[] = [];
  /** Record MoveTraces and OpLayouts (tests: symbolic data-flow checks). */
  readonly tracing: boolean;
  private readonly recv: number[] = [];
  private readonly moved: number[] = [];
  private readonly traces: (MoveTrace | undefined)[] = [];
  private readonly layouts = new Map<number, OpLayout>();
  private readonly frontiers: OpFrontier[] = [];
  private open: OpenOp | null = null;

  /** Tasks past which task() refuses (LimitError naming the item): the compile's own memory bound. */
  private readonly maxTasks: number;

  constructor(options: { trace?: boolean; maxTasks?: number } = {}) {
    this.tracing = options.trace ?? false;
    this.maxTasks = options.maxTasks ?? Number.POSITIVE_INFINITY;
  }

  beginOp(o: BeginOpOptions): number {
    if (this.open) throw new Error(`beginOp: op ${this.open.id} is still open (call endOp first)`);
    const id = this.ops.length;
    for (const d of o.deps)
      if (!Number.isInteger(d) || d < 0 || d >= id) throw new Error(`beginOp: dep ${d} is not an ended op`);
    this.ops.push({
      id,
      kind: o.kind,
      op: o.op,
      algorithm: o.algorithm,
      ranks: [...o.ranks],
      bytes: o.bytes,
      durationPs: o.durationPs ?? 0,
      deps: [...o.deps],
      firstTask: this.transfers.length,
      lastTask: this.transfers.length,
      item: o.item,
      iteration: o.iteration,
      label: o.label,
    });
    this.open = { id, startPs: o.startPs ?? 0, cls: o.cls ?? 'roce', item: o.item };
    return id;
  }

  /** Adds one task (to the open op, or with op -1 when none is open) and returns its id. */
  task(o: TaskOptions): number {
    const id = this.transfers.length;
    const kind = o.kind ?? 'transfer';
    const repeat = o.repeat ?? 1;
    const bytes = o.bytes ?? 0;
    const wire = o.wireBytes ?? bytes;
    const durationPs = o.durationPs ?? 0;
    if (!(wire >= 0) || !Number.isFinite(wire)) throw new Error(`task ${id}: wireBytes must be finite and >= 0`);
    if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`task ${id}: repeat must be an integer >= 1`);
    if (!(bytes >= 0) || !Number.isFinite(bytes)) throw new Error(`task ${id}: bytes must be finite and >= 0`);
    if (!(durationPs >= 0) || !Number.isFinite(durationPs))
      throw new Error(`task ${id}: durationPs must be finite and >= 0`);
    if (kind === 'transfer' && (o.dst === undefined || o.dst === o.src))
      throw new Error(`task ${id}: a transfer needs a dst other than its src`);
    const item = o.item ?? this.open?.item;
    if (item === undefined) throw new Error(`task ${id}: item is required outside an op`);
    if (id >= this.maxTasks) throw tooManyTasks(item, this.maxTasks);
    const deps = o.deps ? o.deps.slice() : [];
    for (const d of deps) if (!(d >= 0 && d < id)) throw new Error(`task ${id}: dep ${d} is not an earlier task`);
    // Loops, not closures, on this path: a 16,384-GPU job makes a million tasks.
    const stepDeps = o.stepDeps ?? NONE;
    const stepLags = o.stepLags;
    if (stepLags && stepLags.length !== stepDeps.length)
      throw new Error(`task ${id}: stepLags and stepDeps differ in length`);
    this.transfers.push({
      id,
      kind,
      src: o.src,
      dst: kind === 'delay' ? o.src : (o.dst as NodeId),
      bytes: kind === 'delay' ? 0 : wire,
      durationPs: kind === 'delay' ? durationPs : 0,
      startPs: o.startPs ?? this.open?.startPs ?? 0,
      deps,
      repeat,
      stepDeps: [],
      stepLags: [],
      channel: o.channel ?? 0,
      item,
      cls: o.cls ?? this.open?.cls ?? 'roce',
      op: this.open ? this.open.id : -1,
    });
    for (let i = 0; i < stepDeps.length; i++) {
      const d = stepDeps[i];
      if (!(d >= 0 && d < id)) throw new Error(`task ${id}: stepDep ${d} is not an earlier task (use addStepDep)`);
      this.addStepDep(id, d, stepLags ? stepLags[i] : 1);
    }
    this.recv.push(o.dst ?? o.src);
    this.moved.push(bytes);
    this.traces.push(this.tracing ? o.trace : undefined);
    return id;
  }

  /** Repetition r of `task` waits for repetition r - lag of `dep` (same repeat; dep may be created later). */
  addStepDep(task: number, dep: number, lag: number): void {
    if (!(Number.isInteger(lag) && lag >= 0))
      throw new Error(`task ${task}: step lag must be an integer >= 0, got ${lag}`);
    const t = this.transfers[task];
    t.stepDeps.push(dep);
    t.stepLags.push(lag);
  }

  /** Closes the open op: computes its frontier and turns its op-level deps into rank-local task deps. */
  endOp(): number {
    const open = this.open;
    if (!open) throw new Error('endOp: no open op');
    const op = this.ops[open.id];
    const first = op.firstTask;
    const last = this.transfers.length;
    op.lastTask = last;
    for (let t = first; t < last; t++) {
      const x = this.transfers[t];
      for (const d of x.stepDeps) {
        if (!(d >= 0 && d < last)) throw new Error(`task ${t}: stepDep ${d} does not exist`);
        if (this.transfers[d].repeat !== x.repeat)
          throw new Error(`task ${t}: stepDep ${d} has repeat ${this.transfers[d].repeat}, not ${x.repeat}`);
      }
    }
    // 1. Which (task, host) pairs have a predecessor in the op on that host (first), or a successor (last).
    // Full predecessors only: deps, and lag-0 step deps (repetition r waits for r, so the last waits for the
    // last); a lag-1 step dep says nothing about repetition 0 nor about the dep's last repetition.
    const n = last - first;
    const hasPred = new Uint8Array(n); // bit 0: src, bit 1: receiver
    const hasSucc = new Uint8Array(n);
    // One closure per op, not per task (a million tasks in a 16,384-GPU job).
    const mark = (u: number, t: number) => {
      if (t < first || t >= last) return;
      const ts = this.transfers[t].src;
      const tr = this.recv[t];
      const us = this.transfers[u].src;
      const ur = this.recv[u];
      if (ts === us || ts === ur) hasSucc[t - first] |= 1;
      if (tr === us || tr === ur) hasSucc[t - first] |= 2;
      if (us === ts || us === tr) hasPred[u - first] |= 1;
      if (ur === ts || ur === tr) hasPred[u - first] |= 2;
    };
    for (let u = first; u < last; u++) {
      const x = this.transfers[u];
      for (const d of x.deps) mark(u, d);
      for (let i = 0; i < x.stepDeps.length; i++) if (x.stepLags[i] === 0) mark(u, x.stepDeps[i]);
    }
    // 2. The frontier (CSR by host).
    const pairs: number[] = [];
    for (let t = first; t < last; t++) {
      const s = this.transfers[t].src;
      const r = this.recv[t];
      if (!(hasSucc[t - first] & 1)) pairs.push(s, t);
      if (r !== s && !(hasSucc[t - first] & 2)) pairs.push(r, t);
    }
    const order = new Int32Array(pairs.length / 2);
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort((a, b) => pairs[2 * a] - pairs[2 * b] || pairs[2 * a + 1] - pairs[2 * b + 1]);
    const hosts: number[] = [];
    const offsets: number[] = [];
    const tasks = new Int32Array(order.length);
    for (let i = 0; i < order.length; i++) {
      const k = order[i];
      const h = pairs[2 * k];
      if (hosts.length === 0 || hosts[hosts.length - 1] !== h) {
        hosts.push(h);
        offsets.push(i);
      }
      tasks[i] = pairs[2 * k + 1];
    }
    offsets.push(order.length);
    this.frontiers.push(new OpFrontier(this, op.id, Int32Array.from(hosts), Int32Array.from(offsets), tasks));
    // 3. Op-level deps, rank-locally.
    if (op.deps.length > 0) {
      // Index the deps' own frontiers by host once: O(sum of frontier sizes), not O(hosts x deps) (a compute
      // phase after 2,048 expert-parallel groups would otherwise make 16,384 x 2,048 lookups). A host that some
      // dep touches waits for those deps' last tasks on it: each of them already waited for the host's earlier
      // work, so looking through the deps that do not touch it adds nothing. Other hosts look through.
      // Either index every dep's frontier (cost: the sum of their sizes) or search each dep for each host of
      // this op (cost: hosts x deps), whichever is cheaper: a compute phase after 2,048 groups, or 2,048 groups
      // after one compute phase over every rank.
      const direct = new Map<number, number[]>();
      const opHosts = new Set<number>();
      for (let t = first; t < last; t++) {
        opHosts.add(this.transfers[t].src);
        opHosts.add(this.recv[t]);
      }
      let frontierSize = 0;
      for (const a of op.deps) frontierSize += this.frontier(a).hosts.length;
      const add = (h: number, tasks: Int32Array) => {
        if (tasks.length === 0) return;
        let w = direct.get(h);
        if (!w) {
          w = [];
          direct.set(h, w);
        }
        for (const t of tasks) w.push(t);
      };
      if (frontierSize <= opHosts.size * op.deps.length) {
        for (const a of op.deps) {
          const fr = this.frontier(a);
          for (let i = 0; i < fr.hosts.length; i++)
            if (opHosts.has(fr.hosts[i])) add(fr.hosts[i], fr.own(fr.hosts[i] as NodeId));
        }
      } else {
        for (const h of opHosts) for (const a of op.deps) add(h, this.frontier(a).own(h as NodeId));
      }
      for (const [h, w] of direct) direct.set(h, [...new Set(w)].sort(byValue));
      const cache = new Map<number, number[]>();
      const waitsOn = (h: number) => {
        const d = direct.get(h);
        if (d) return d;
        let w = cache.get(h);
        if (!w) {
          const set = new Set<number>();
          for (const a of op.deps) for (const t of this.lastTasks(a, h as NodeId)) set.add(t);
          w = [...set].sort(byValue);
          cache.set(h, w);
        }
        return w;
      };
      const wait = (x: Transfer, h: number) => {
        for (const d of waitsOn(h)) if (!x.deps.includes(d)) x.deps.push(d);
      };
      for (let t = first; t < last; t++) {
        const x = this.transfers[t];
        if (!(hasPred[t - first] & 1)) wait(x, x.src);
        if (this.recv[t] !== x.src && !(hasPred[t - first] & 2)) wait(x, this.recv[t]);
      }
    }
    this.open = null;
    return op.id;
  }

  /** An op's frontier: per host, the tasks that a later task on that host must wait for. */
  frontier(opId: number): OpFrontier {
    const f = this.frontiers[opId];
    if (!f) throw new Error(`frontier: op ${opId} has not ended`);
    return f;
  }

  /**
   * The tasks a task on host h that follows op `opId` must wait for: the op's last tasks on h, or, when the op
   * does not touch h, those of its deps (recursively, each op visited once).
   */
  lastTasks(opId: number, h: NodeId): number[] {
    const out = new Set<number>();
    const seen = new Set<number>();
    const stack = [opId];
    while (stack.length > 0) {
      const a = stack.pop() as number;
      if (seen.has(a)) continue;
      seen.add(a);
      const own = this.frontier(a).own(h);
      if (own.length > 0) for (const t of own) out.add(t);
      else for (const d of this.ops[a].deps) stack.push(d);
    }
    return [...out].sort(byValue);
  }

  /** A compute phase: one delay of `durationPs` per rank. */
  delayOp(o: ComputeOpOptions): number {
    this.beginOp({
      kind: 'compute',
      ranks: o.ranks,
      bytes: 0,
      durationPs: o.durationPs,
      deps: o.deps,
      item: o.item,
      iteration: o.iteration,
      label: o.label,
      startPs: o.startPs,
    });
    for (const h of o.ranks) this.task({ kind: 'delay', src: h, durationPs: o.durationPs });
    return this.endOp();
  }

  /** The host a task's data lands on: dst for a transfer, the copy's target for an intra-server delay. */
  receiver(task: number): NodeId {
    return this.recv[task] as NodeId;
  }

  /** Bytes a task moves per repetition, over the fabric (transfer) or inside a server (delay as a copy). */
  movedBytes(task: number): number {
    return this.moved[task];
  }

  /** True for a delay that stands for an intra-server copy (its receiver is another host). */
  isCopy(task: number): boolean {
    return this.transfers[task].kind === 'delay' && this.recv[task] !== this.transfers[task].src;
  }

  trace(task: number): MoveTrace | undefined {
    return this.traces[task];
  }

  setLayout(opId: number, layout: OpLayout): void {
    if (this.tracing) this.layouts.set(opId, layout);
  }

  layout(opId: number): OpLayout | undefined {
    return this.layouts.get(opId);
  }

  build(): TrafficProgram {
    if (this.open) throw new Error(`build: op ${this.open.id} is still open`);
    const program: TrafficProgram = { transfers: this.transfers, ops: this.ops };
    program.opIndex = opIndex(program);
    return program;
  }
}
