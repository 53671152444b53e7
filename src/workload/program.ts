// A workload compiles to a traffic program: a DAG of tasks (network transfers and fixed delays) with
// dependencies. Every engine runs the same program (docs/architecture.md, "Engines and their elements").
//
// Task semantics (every engine implements exactly these):
// - A task runs `repeat` times in order (a collective's steps, or chunks of a pipelined schedule). A transfer
//   moves `bytes` per repetition from `src` to `dst` over the fabric; a delay takes `durationPs` per repetition
//   on host `src` (compute, or a copy inside a server over its NVLink-class domain, which the fabric does not
//   carry).
// - Repetition 0 may start at `startPs` once every task in `deps` has finished all its repetitions.
// - Repetition r >= 1 may start once repetition r-1 of the same task has been *sent* (a transfer is one byte
//   stream per QP: repetition r's bytes queue behind r-1's) and, for each i, repetition r - stepLags[i] of
//   stepDeps[i] has *finished* (skipped when r - stepLags[i] < 0). Ring algorithms forward what they received one
//   step earlier (lag 1); tree pipelines forward the chunk they just received (lag 0); a larger lag k is a
//   credit window: a sender runs at most k chunks ahead of what its receiver has passed on (NCCL_STEPS slots).
//   A stepDep has the same `repeat` as its dependent task.
// - A transfer's repetition finishes when its last byte is delivered at `dst`; a delay's when its time is up.
// - `channel` salts the flow hash: the same (src, dst) on another channel is another QP, so ECMP may give it
//   another path (NCCL's parallel channels).

import type { NodeId } from '../fabric/types.ts';
import { busBandwidthFactor, type CollectiveOp } from './collective.ts';
import type { Protocol } from './nccl/index.ts';

export interface Transfer {
  id: number;
  /** transfer: bytes over the fabric; delay: a fixed time on host `src` (compute or an intra-server copy). */
  kind: 'transfer' | 'delay';
  src: NodeId;
  /** The receiving host; for a delay, equal to `src`. */
  dst: NodeId;
  /** Bytes per repetition (0 for a delay). */
  bytes: number;
  /** Time per repetition of a delay, in picoseconds (0 for a transfer). */
  durationPs: number;
  /** Earliest start, in picoseconds. */
  startPs: number;
  /** Tasks that must finish (every repetition) before repetition 0 starts. */
  deps: number[];
  /** How many times the task runs in order (>= 1). */
  repeat: number;
  /** Per-repetition dependencies: repetition r waits for repetition r - stepLags[i] of stepDeps[i]. */
  stepDeps: number[];
  stepLags: number[];
  /** QP index between the same pair of hosts (salts the ECMP hash); 0 for most flows. */
  channel: number;
  /** Which traffic item made it (index into scenario.traffic). */
  item: number;
  /** Traffic class: the lossless RoCE class or the lossy one. */
  cls: 'roce' | 'lossy';
  /** Transport on the packet engine (engine/packet/tcp.ts); absent: its traffic item's, else RoCE. */
  transport?: 'roce' | 'dctcp' | 'newreno';
  /** The program op this task belongs to (index into `ops`), or -1. */
  op: number;
}

/**
 * One node of the op-level DAG: a collective, a compute phase, or a set of plain flows. The analytic engine
 * works at this level (closed forms per op); the flow and packet engines run the op's tasks and report the op's
 * start and end as those of its first and last task.
 */
export interface ProgramOp {
  id: number;
  kind: 'collective' | 'compute' | 'flows';
  /** Collective: the operation and algorithm (COLL-02 names). */
  op?: CollectiveOp;
  algorithm?: string;
  /** Hosts taking part, in rank order (collectives). */
  ranks: NodeId[];
  /** Bytes per rank buffer S (collectives, nccl-tests convention); total bytes (flows). */
  bytes: number;
  /** Compute time (compute ops). */
  durationPs: number;
  /** Ops that must finish first. */
  deps: number[];
  /**
   * NCCL's protocol the collective runs with (workload/nccl, chosen by training/protocol.ts), absent where the
   * model does not apply (the MPI algorithms, `protocol: none`). Every engine charges its latency once (the
   * schedule ends with a delay of it on every rank) and its efficiency on every byte (the schedule's transfers
   * and copies carry bytes / efficiency).
   */
  protocol?: Protocol;
  protocolLatencyPs?: number;
  protocolEfficiency?: number;
  /**
   * Tasks at the op's end that carry no chunk: NCCL's latency delays, one per rank (training/collectives.ts
   * latencyDelays). Absent: none. The analytic engine leaves them out of the schedule's task count.
   */
  closingDelays?: number;
  /** Tasks of this op: transfers[firstTask .. lastTask) (contiguous). */
  firstTask: number;
  lastTask: number;
  item: number;
  /** Training job iteration (0-based) this op belongs to, or -1. */
  iteration: number;
  /** For reports: e.g. "all-reduce ring 1 GiB" or "backward". */
  label: string;
}

export interface TrafficProgram {
  transfers: Transfer[];
  ops: ProgramOp[];
  /** The op-level DAG in flat arrays (ProgramBuilder.build makes it; opIndex() makes it for other programs). */
  opIndex?: OpIndex;
  /** The traffic class name of each traffic item (index: Transfer.item); absent: every task in its `cls`. */
  itemClass?: string[];
}

/** ProgramOp kinds as OpIndex codes. */
export const OP_KIND = { compute: 0, collective: 1, flows: 2 } as const;

/**
 * The op-level DAG as CSR arrays: what an op-level engine reads per op without touching the op's own arrays nor
 * its first task (objects spread over a heap of a million tasks: a cache miss each), and what every engine
 * reports per op and per iteration (summarizeOps), so that a run reads no op object at all.
 */
export interface OpIndex {
  /** Start of the op's first task, ps (0 for an op without tasks). */
  startPs: Float64Array;
  /** Deps of op o: deps[depStart[o] .. depStart[o + 1]). */
  depStart: Int32Array;
  deps: Int32Array;
  /** Ranks of op o: ranks[rankStart[o] .. rankStart[o + 1]). */
  rankStart: Int32Array;
  ranks: Int32Array;
  /** OP_KIND code of each op. */
  kind: Uint8Array;
  /** Compute time of each op, ps (0 for other ops). */
  durationPs: Float64Array;
  bytes: Float64Array;
  iteration: Int32Array;
  /**
   * Collectives: the op's shape, the same for ops that an op-level cost model cannot tell apart (operation,
   * algorithm, protocol, bytes, the schedule's channels and chunks, and the ranks in order); -1 for other
   * ops. A training job repeats each group's collectives on every layer and pass: 16,416 collectives of a
   * 16,384-GPU MoE iteration have 2,056.
   */
  shape: Int32Array;
  /** The first op of each shape. */
  shapeOp: Int32Array;
  /** Each shape's scalars (all of the shape but its ranks) as an id: shapes that differ only in ranks. */
  shapeScalars: Int32Array;
  /** Tasks that belong to some op (the others are plain flows). */
  opTasks: number;
  /** What OpResult reports per op: `op` (the collective, or the kind), `algorithm` ('' for none), `label`. */
  opName: string[];
  algorithm: string[];
  label: string[];
  /** nccl-tests' bus-bandwidth factor of each collective (COLL-01), NaN for ops without one. */
  busFactor: Float64Array;
  /** Ops of each (job, iteration), in that order: iterOps[iterStart[g] .. iterStart[g + 1]), ascending. */
  iterStart: Int32Array;
  iterOps: Int32Array;
  iterJob: Int32Array;
  iterIteration: Int32Array;
}

/** The program's OpIndex, built from its ops if it has none. */
export function opIndex(p: TrafficProgram): OpIndex {
  if (p.opIndex) return p.opIndex;
  const n = p.ops.length;
  const startPs = new Float64Array(n);
  const depStart = new Int32Array(n + 1);
  const rankStart = new Int32Array(n + 1);
  const kind = new Uint8Array(n);
  const durationPs = new Float64Array(n);
  const bytes = new Float64Array(n);
  const iteration = new Int32Array(n);
  const busFactor = new Float64Array(n);
  const opName: string[] = [];
  const algorithm: string[] = [];
  const label: string[] = [];
  let opTasks = 0;
  for (let o = 0; o < n; o++) {
    const op = p.ops[o];
    startPs[o] = op.firstTask < op.lastTask ? p.transfers[op.firstTask].startPs : 0;
    depStart[o + 1] = depStart[o] + op.deps.length;
    rankStart[o + 1] = rankStart[o] + op.ranks.length;
    kind[o] = OP_KIND[op.kind];
    durationPs[o] = op.durationPs;
    bytes[o] = op.bytes;
    iteration[o] = op.iteration;
    busFactor[o] = op.kind === 'collective' && op.op ? busBandwidthFactor(op.op, op.ranks.length) : Number.NaN;
    opName.push(op.kind === 'collective' ? (op.op ?? 'collective') : op.kind);
    algorithm.push(op.algorithm ?? '');
    label.push(op.label);
    opTasks += op.lastTask - op.firstTask;
  }
  const deps = new Int32Array(depStart[n]);
  const ranks = new Int32Array(rankStart[n]);
  for (let o = 0; o < n; o++) {
    deps.set(p.ops[o].deps, depStart[o]);
    ranks.set(p.ops[o].ranks, rankStart[o]);
  }
  const { shape, shapeOp, shapeScalars } = collectiveShapes(p, rankStart, ranks);
  return {
    startPs,
    depStart,
    deps,
    rankStart,
    ranks,
    kind,
    durationPs,
    bytes,
    iteration,
    shape,
    shapeOp,
    shapeScalars,
    opTasks,
    opName,
    algorithm,
    label,
    busFactor,
    ...iterationGroups(p),
  };
}

/** OpIndex.shape: collectives keyed by their scalar fields and a hash of their ranks, ranks compared on a match. */
function collectiveShapes(p: TrafficProgram, rankStart: Int32Array, ranks: Int32Array) {
  const shape = new Int32Array(p.ops.length).fill(-1);
  const shapeOp: number[] = [];
  const shapeScalars: number[] = [];
  const scalarIds = new Map<string, number>();
  const byKey = new Map<string, number[]>();
  const sameRanks = (a: number, b: number) => {
    const n = rankStart[a + 1] - rankStart[a];
    if (rankStart[b + 1] - rankStart[b] !== n) return false;
    for (let i = 0; i < n; i++) if (ranks[rankStart[a] + i] !== ranks[rankStart[b] + i]) return false;
    return true;
  };
  for (let o = 0; o < p.ops.length; o++) {
    const op = p.ops[o];
    if (op.kind !== 'collective') continue;
    // FNV-1a over the ranks (32-bit).
    let h = 0x811c9dc5;
    for (let i = rankStart[o]; i < rankStart[o + 1]; i++) h = Math.imul(h ^ ranks[i], 0x01000193);
    // JSON keeps an absent field apart from any string. An op carries no channels nor chunk: its schedule does,
    // as the last task's QP channel (channels are emitted in order) and the first task's repetitions (steps x
    // chunks), which is what the analytic engine reads of it (scheduleOf).
    const first = op.firstTask < op.lastTask ? p.transfers[op.firstTask].repeat : 0;
    const channel = op.firstTask < op.lastTask ? p.transfers[op.lastTask - 1].channel : 0;
    const scalars = JSON.stringify([
      op.op,
      op.algorithm,
      op.protocol,
      op.protocolLatencyPs,
      op.protocolEfficiency,
      op.bytes,
      channel,
      first,
    ]);
    const key = `${scalars}/${rankStart[o + 1] - rankStart[o]}/${h}`;
    let shapes = byKey.get(key);
    if (!shapes) {
      shapes = [];
      byKey.set(key, shapes);
    }
    let s = shapes.find((x) => sameRanks(shapeOp[x], o));
    if (s === undefined) {
      s = shapeOp.length;
      shapeOp.push(o);
      let id = scalarIds.get(scalars);
      if (id === undefined) {
        id = scalarIds.size;
        scalarIds.set(scalars, id);
      }
      shapeScalars.push(id);
      shapes.push(s);
    }
    shape[o] = s;
  }
  return { shape, shapeOp: Int32Array.from(shapeOp), shapeScalars: Int32Array.from(shapeScalars) };
}

/** OpIndex's iteration groups: the ops of each (job, iteration) of a training job, sorted by job and iteration. */
function iterationGroups(p: TrafficProgram) {
  const groups = new Map<string, { job: number; iteration: number; ops: number[] }>();
  for (const op of p.ops) {
    if (op.iteration < 0) continue;
    const key = `${op.item}/${op.iteration}`;
    let g = groups.get(key);
    if (!g) {
      g = { job: op.item, iteration: op.iteration, ops: [] };
      groups.set(key, g);
    }
    g.ops.push(op.id);
  }
  const sorted = [...groups.values()].sort((a, b) => a.job - b.job || a.iteration - b.iteration);
  const iterStart = new Int32Array(sorted.length + 1);
  sorted.forEach((g, i) => {
    iterStart[i + 1] = iterStart[i] + g.ops.length;
  });
  const iterOps = new Int32Array(iterStart[sorted.length]);
  sorted.forEach((g, i) => {
    iterOps.set(g.ops, iterStart[i]);
  });
  return {
    iterStart,
    iterOps,
    iterJob: Int32Array.from(sorted, (g) => g.job),
    iterIteration: Int32Array.from(sorted, (g) => g.iteration),
  };
}

/** A plain network transfer with no dependencies (patterns and flow lists). */
export function plainTransfer(
  id: number,
  src: NodeId,
  dst: NodeId,
  bytes: number,
  startPs: number,
  item: number,
  cls: Transfer['cls'],
): Transfer {
  return {
    id,
    kind: 'transfer',
    src,
    dst,
    bytes,
    durationPs: 0,
    startPs,
    deps: [],
    repeat: 1,
    stepDeps: [],
    stepLags: [],
    channel: 0,
    item,
    cls,
    op: -1,
  };
}
