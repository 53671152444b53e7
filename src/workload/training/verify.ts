// Checks of compiled schedules (tests use them; they cost O(repetitions x tasks), so keep programs small):
//   1. well-formed: ids in range, step deps with equal repeat and lags >= 0, ops contiguous, no deadlock at the
//      repetition level (a dependency cycle shows as repetitions that can never start);
//   2. the critical path under a per-repetition cost (alpha-beta), with program.ts' rules;
//   3. a symbolic run of one collective: which rank holds which contributions to which block, so that a
//      schedule proves it computes its operation.
//
// Repetition events follow program.ts, loosened where that can only expose more bugs: repetition r starts
// once r-1 has *started* (program.ts: been sent) and its deps and step deps have finished; repetitions finish
// in order. In the symbolic run, a rank reads a block when a repetition starts and the receiver applies it
// when a later repetition of its own starts that waits for this one directly (deps, step deps), or at the end:
// the "receive into a staging buffer, reduce when the next step begins" of MPI_Sendrecv and NCCL's
// recvReduceSend. A schedule that reads data before a dependency delivered it reads stale data and fails.

import type { NodeId } from '../../fabric/types.ts';
import type { ProgramBuilder } from '../builder.ts';
import type { TrafficProgram, Transfer } from '../program.ts';

/** Walks the repetition-level events of tasks [first, last); deps outside the range count as done. */
class Walker {
  readonly started: Int32Array;
  readonly finished: Int32Array;
  private readonly dependents: number[][];
  private readonly candidates = new Set<number>();

  constructor(
    private readonly t: readonly Transfer[],
    private readonly first: number,
    private readonly last: number,
  ) {
    const n = last - first;
    this.started = new Int32Array(n);
    this.finished = new Int32Array(n);
    this.dependents = Array.from({ length: n }, () => []);
    for (let i = first; i < last; i++) {
      for (const d of [...t[i].deps, ...t[i].stepDeps]) if (d >= first && d < last) this.dependents[d - first].push(i);
      this.candidates.add(i);
    }
  }

  private inRange(d: number): boolean {
    return d >= this.first && d < this.last;
  }

  canStart(i: number): boolean {
    const x = this.t[i];
    const r = this.started[i - this.first];
    if (r >= x.repeat) return false;
    if (r === 0)
      for (const d of x.deps) if (this.inRange(d) && this.finished[d - this.first] < this.t[d].repeat) return false;
    for (let k = 0; k < x.stepDeps.length; k++) {
      const d = x.stepDeps[k];
      const need = r - x.stepLags[k];
      if (need >= 0 && this.inRange(d) && this.finished[d - this.first] <= need) return false;
    }
    return true;
  }

  canFinish(i: number): boolean {
    return this.finished[i - this.first] < this.started[i - this.first];
  }

  /** Enabled events: 2 x task for a start, 2 x task + 1 for a finish. */
  enabled(): number[] {
    const out: number[] = [];
    for (const i of this.candidates) {
      const s = this.canStart(i);
      const f = this.canFinish(i);
      if (s) out.push(2 * i);
      if (f) out.push(2 * i + 1);
      if (!s && !f) this.candidates.delete(i);
    }
    return out;
  }

  apply(ev: number): void {
    const i = ev >> 1;
    if (ev & 1) this.finished[i - this.first]++;
    else this.started[i - this.first]++;
    this.candidates.add(i);
    for (const j of this.dependents[i - this.first]) this.candidates.add(j);
  }

  stuck(): number[] {
    const out: number[] = [];
    for (let i = this.first; i < this.last; i++) if (this.finished[i - this.first] < this.t[i].repeat) out.push(i);
    return out;
  }
}

/** Structural problems of a program (empty when well formed), including repetition-level deadlocks. */
export function checkWellFormed(p: TrafficProgram): string[] {
  const out: string[] = [];
  const n = p.transfers.length;
  p.transfers.forEach((x, i) => {
    if (x.id !== i) out.push(`task ${i}: id ${x.id}`);
    if (!Number.isInteger(x.repeat) || x.repeat < 1) out.push(`task ${i}: repeat ${x.repeat}`);
    for (const d of x.deps) if (!(Number.isInteger(d) && d >= 0 && d < n)) out.push(`task ${i}: dep ${d} out of range`);
    if (x.stepDeps.length !== x.stepLags.length) out.push(`task ${i}: stepDeps and stepLags differ in length`);
    x.stepDeps.forEach((d, k) => {
      if (!(Number.isInteger(d) && d >= 0 && d < n)) out.push(`task ${i}: stepDep ${d} out of range`);
      else if (p.transfers[d].repeat !== x.repeat) out.push(`task ${i}: stepDep ${d} has another repeat`);
      if (!(Number.isInteger(x.stepLags[k]) && x.stepLags[k] >= 0)) out.push(`task ${i}: stepLag ${x.stepLags[k]}`);
    });
    if (x.kind === 'delay' && (x.dst !== x.src || x.bytes !== 0)) out.push(`task ${i}: a delay with dst or bytes`);
    if (x.kind === 'transfer' && x.src === x.dst) out.push(`task ${i}: a transfer to itself`);
    if (x.op >= 0) {
      const op = p.ops[x.op];
      if (!op || i < op.firstTask || i >= op.lastTask) out.push(`task ${i}: outside its op ${x.op}'s range`);
    }
  });
  p.ops.forEach((op, k) => {
    if (op.id !== k) out.push(`op ${k}: id ${op.id}`);
    for (let i = op.firstTask; i < op.lastTask; i++)
      if (p.transfers[i]?.op !== k) out.push(`op ${k}: task ${i} belongs to op ${p.transfers[i]?.op}`);
    for (const d of op.deps) if (!(d >= 0 && d < k)) out.push(`op ${k}: dep ${d} is not an earlier op`);
  });
  if (out.length > 0) return out;
  const w = new Walker(p.transfers, 0, n);
  for (let ev = w.enabled(); ev.length > 0; ev = w.enabled()) for (const e of ev) w.apply(e);
  const stuck = w.stuck();
  if (stuck.length > 0)
    out.push(`deadlock: ${stuck.length} tasks never finish (first: ${stuck.slice(0, 5).join(', ')})`);
  return out;
}

/** Per-repetition cost: the time to push its bytes out (a later repetition may start then) and the latency after. */
export type RepCost = (task: Transfer) => { sendTime: number; latency: number };

/**
 * Finish time of the last repetition when every repetition costs `cost`, nothing is shared and program.ts' rules
 * hold: repetition r starts at max(sent(r-1), deps' finish (r = 0), step deps' finish of r - lag). With
 * cost = {0, 1} it counts sequential steps (the alpha coefficient); with {bytes, 0}, bytes on the critical path.
 */
export function criticalPath(p: TrafficProgram, cost: RepCost, first = 0, last = p.transfers.length): number {
  const t = p.transfers;
  const fin = new Map<number, Float64Array>();
  const sent = new Float64Array(last - first);
  for (let i = first; i < last; i++) fin.set(i, new Float64Array(t[i].repeat));
  const w = new Walker(t, first, last);
  let end = 0;
  for (let ev = w.enabled(); ev.length > 0; ev = w.enabled()) {
    for (const e of ev) {
      if (e & 1) {
        w.apply(e);
        continue;
      }
      const i = e >> 1;
      const x = t[i];
      const r = w.started[i - first];
      let s = r === 0 ? x.startPs : sent[i - first];
      if (r === 0) for (const d of x.deps) if (fin.has(d)) s = Math.max(s, fin.get(d)![t[d].repeat - 1]);
      x.stepDeps.forEach((d, k) => {
        const need = r - x.stepLags[k];
        if (need >= 0 && fin.has(d)) s = Math.max(s, fin.get(d)![need]);
      });
      const c = cost(x);
      sent[i - first] = s + c.sendTime;
      const f = fin.get(i)!;
      f[r] = Math.max(s + c.sendTime + c.latency, r > 0 ? f[r - 1] : 0);
      end = Math.max(end, f[r]);
      w.apply(e);
    }
  }
  return end;
}

/** Bytes each host sends in one op, over the fabric and inside its server (intra-server copies). */
export function sentBytes(
  b: ProgramBuilder,
  opId: number,
): { fabric: Map<NodeId, number>; intra: Map<NodeId, number> } {
  const op = b.ops[opId];
  const fabric = new Map<NodeId, number>(op.ranks.map((h) => [h, 0]));
  const intra = new Map<NodeId, number>(op.ranks.map((h) => [h, 0]));
  for (let i = op.firstTask; i < op.lastTask; i++) {
    const x = b.transfers[i];
    const m = x.kind === 'transfer' ? fabric : b.isCopy(i) ? intra : undefined;
    // Ranks only: a switch that reduces in the network (sharp.ts) sends too, but is no rank.
    if (m?.has(x.src)) m.set(x.src, (m.get(x.src) ?? 0) + b.movedBytes(i) * x.repeat);
  }
  return { fabric, intra };
}

interface InFlight {
  task: number;
  rep: number;
  blocks: readonly number[];
  data: bigint[];
  reduce: boolean;
}

/**
 * Runs one traced collective symbolically, picking among enabled events with `pick(n)` (0 <= result < n), and
 * returns what went wrong (empty when every rank ends with what the operation promises). Contributions are
 * bit sets of rank indices: a reduction that adds a rank twice, a send of a block not held, bytes that do not
 * match the blocks moved, and a final state short of the operation's are all reported.
 */
export function simulateData(b: ProgramBuilder, opId: number, pick: (n: number) => number): string[] {
  const op = b.ops[opId];
  const layout = b.layout(opId);
  const out: string[] = [];
  if (!layout) return [`op ${opId} has no layout (build with new ProgramBuilder({ trace: true }))`];
  const p = op.ranks.length;
  const index = new Map<number, number>(op.ranks.map((h, i) => [h, i]));
  // Switches that reduce in the network (sharp.ts) hold blocks too: indices after the ranks', starting empty.
  for (let i = op.firstTask; i < op.lastTask; i++)
    for (const n of [b.transfers[i].src, b.receiver(i)]) if (!index.has(n)) index.set(n, index.size);
  const full = (1n << BigInt(p)) - 1n;
  const bit = (i: number) => 1n << BigInt(i);
  const state = Array.from({ length: index.size }, () => new Map<number, bigint>());
  const K = layout.blocks;
  const kind = op.op;
  for (let k = 0; k < K; k++) {
    if (kind === 'all-reduce' || kind === 'reduce-scatter' || kind === 'reduce')
      for (let i = 0; i < p; i++) state[i].set(k, bit(i));
    else if (kind === 'broadcast') state[0].set(k, bit(0));
    else state[layout.owner[k]].set(k, bit(layout.owner[k]));
  }
  const report = (m: string) => {
    if (out.length < 20) out.push(m);
  };
  const pending: InFlight[][] = state.map(() => []);
  const inflight = new Map<number, InFlight>();
  const key = (t: number, r: number) => t * 1_000_003 + r;
  const commit = (rank: number, m: InFlight) => {
    m.blocks.forEach((k, j) => {
      const cur = state[rank].get(k);
      if (m.reduce) {
        if (cur !== undefined && (cur & m.data[j]) !== 0n)
          report(`task ${m.task} rep ${m.rep}: rank ${rank} counts a contribution to block ${k} twice`);
        state[rank].set(k, (cur ?? 0n) | m.data[j]);
      } else state[rank].set(k, m.data[j]);
    });
  };
  const t = b.transfers;
  const w = new Walker(t, op.firstTask, op.lastTask);
  for (let ev = w.enabled(); ev.length > 0; ev = w.enabled()) {
    const e = ev[pick(ev.length)];
    const i = e >> 1;
    const x = t[i];
    if (e & 1) {
      const r = w.finished[i - op.firstTask];
      const m = inflight.get(key(i, r));
      inflight.delete(key(i, r));
      if (m) pending[index.get(b.receiver(i)) as number].push(m);
      w.apply(e);
      continue;
    }
    const r = w.started[i - op.firstTask];
    const src = index.get(x.src);
    const trace = b.trace(i);
    if (src === undefined || !trace) {
      report(`task ${i}: ${src === undefined ? 'sender is not a rank' : 'no trace'}`);
      w.apply(e);
      continue;
    }
    // Apply what this repetition waits for directly.
    const direct = (m: InFlight) =>
      (r === 0 && x.deps.includes(m.task)) || x.stepDeps.some((d, k) => d === m.task && m.rep === r - x.stepLags[k]);
    const keep: InFlight[] = [];
    for (const m of pending[src]) {
      if (direct(m)) commit(src, m);
      else keep.push(m);
    }
    pending[src] = keep;
    const mv = trace(r);
    const bytes = mv.blocks.reduce((s, k) => s + layout.blockBytes[k], 0);
    if (bytes !== b.movedBytes(i)) report(`task ${i} rep ${r}: moves ${b.movedBytes(i)} bytes for blocks of ${bytes}`);
    const data = mv.blocks.map((k) => {
      const v = state[src].get(k);
      if (v === undefined) report(`task ${i} rep ${r}: rank ${src} sends block ${k}, which it does not hold`);
      return v ?? 0n;
    });
    inflight.set(key(i, r), { task: i, rep: r, blocks: mv.blocks, data, reduce: mv.reduce });
    w.apply(e);
  }
  const stuck = w.stuck();
  if (stuck.length > 0) report(`deadlock: tasks ${stuck.slice(0, 5).join(', ')} never finish`);
  pending.forEach((list, rank) => {
    for (const m of list) commit(rank, m);
  });
  const expect = (rank: number, k: number, want: bigint) => {
    const got = state[rank].get(k);
    if (got !== want)
      report(
        `rank ${rank} block ${k}: holds ${got === undefined ? 'nothing' : got.toString(2)}, expected ${want.toString(2)}`,
      );
  };
  for (let k = 0; k < K; k++) {
    if (kind === 'all-reduce') for (let i = 0; i < p; i++) expect(i, k, full);
    else if (kind === 'reduce-scatter') expect(layout.owner[k], k, full);
    else if (kind === 'reduce') expect(0, k, full);
    else if (kind === 'all-gather') for (let i = 0; i < p; i++) expect(i, k, bit(layout.owner[k]));
    else if (kind === 'broadcast') for (let i = 0; i < p; i++) expect(i, k, bit(0));
    else if (kind === 'all-to-all') expect((layout.dest as Int32Array)[k], k, bit(layout.owner[k]));
  }
  return out;
}
