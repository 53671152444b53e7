// Compiles one collective into traffic-program tasks (program.ts semantics; builder.ts for op bookkeeping).
//
//   spec ─► 1. validate (ScenarioError on `algorithm`, `ranks`) ─► 2. one schedule per channel
//        ─► 3. tasks: a transfer per (sender, receiver) between servers, a delay on the sender inside one
//              (the NVLink-class domain, which the fabric does not carry) ─► 4. endOp (rank-local deps)
//
// Schedules follow MPICH (Thakur, Rabenseifner and Gropp, IJHPCA 2005; COLL-02) and NCCL (rings, double binary
// trees). Rings are one task per rank with `repeat` = steps x chunks and a lag-1 step dep on the previous rank's
// task, so an 8,192-rank ring is 8,192 tasks; trees are two tasks per edge with lag-0 step deps per chunk; the
// log-step algorithms (recursive doubling/halving, Rabenseifner, Bruck, binomial) are one task per (rank, step),
// and pairwise all-to-all one per (rank, peer). Each rank waits for its own previous step and for what it
// received in it (MPI_Sendrecv semantics), never for a global barrier.
//
// Sizes: `bytes` is the per-rank buffer S (nccl-tests convention: all-gather's output, reduce-scatter's input,
// all-to-all's send buffer). Each task's bytes per repetition are rounded up to whole bytes, so a schedule may
// carry at most one byte per block more than S x its busbw factor.

import { closest } from '../../base/suggest.ts';
import { formatBytes } from '../../base/units.ts';
import { ScenarioError } from '../../errors.ts';
import type { NodeId } from '../../fabric/types.ts';
import type { MoveTrace, OpLayout, ProgramBuilder, RepMove } from '../builder.ts';
import type { CollectiveOp } from '../collective.ts';
import type { Transfer } from '../program.ts';
import { nvlsUnavailable, TWO_LEVEL, type TwoLevelKind, twoLevelAllReduce } from './hierarchical.ts';
import { nvlsTreeAllReduce, windowDeps } from './nvls-tree.ts';
import { NCCL_NAME, type ProtocolChoice, planProtocol } from './protocol.ts';
import { type SharpTree, sharpAllReduce } from './sharp.ts';

/**
 * Algorithms per operation: the one table of them. The schedules below are what the flow and packet engines run,
 * and the analytic engine costs each entry (SCHEDULE_TIME_S in engine/analytic/collectives.ts, keyed by this
 * table's type, and checked against these schedules' steps and bytes by its tests).
 */
export const COLLECTIVE_ALGORITHMS = {
  'all-reduce': [
    'ring',
    'double-binary-tree',
    'recursive-doubling',
    'rabenseifner',
    'hierarchical',
    'nvls',
    'nvls-tree',
    'sharp',
  ],
  'reduce-scatter': ['ring', 'recursive-halving'],
  'all-gather': ['ring', 'recursive-doubling'],
  broadcast: ['binomial', 'scatter-allgather'],
  'all-to-all': ['pairwise', 'bruck', 'pxn'],
  reduce: ['binomial'],
} as const satisfies Record<CollectiveOp, readonly string[]>;

/**
 * Default pipelining chunk of the double binary tree: NCCL's Simple-protocol step, NCCL_BUFFSIZE 4 MiB over
 * NCCL_STEPS 8. An unpipelined tree would move half the buffer per hop and be lg p times slower than NCCL's.
 */
export const TREE_CHUNK_BYTES = 512 * 1024;

/** The NVLink-class domain inside a server. */
export interface IntraDomain {
  /** Per GPU and direction. */
  bandwidthBps: number;
  /** Per copy (each repetition of a task). */
  latencyPs: number;
  serverOf: (h: NodeId) => number;
  /** A host's GPU index in its server (FabricNode.rail); default: its order among the ranks on that server. */
  railOf?: (h: NodeId) => number;
  /** Whether the domain's switches reduce in the switch (NVLS, hierarchical.ts); default false. */
  nvls?: boolean;
  /** Whether a domain spans several servers (GB200 NVL72 trays: NCCL's multi-node NVLink, MNNVL); default false. */
  multiNode?: boolean;
}

export interface CollectiveSpec {
  op: CollectiveOp;
  /** An algorithm of COLLECTIVE_ALGORITHMS, or `auto`: NCCL's choice by its tuning model (protocol.ts). */
  algorithm: string;
  /**
   * NCCL's protocol (protocol.ts): its latency and efficiency on every engine, or `none` (default here; the
   * scenario's default is `auto`): no protocol cost, the schedule alone.
   */
  protocol?: ProtocolChoice;
  /** A rank's NIC line rate (bits/s), the model's bandwidth across servers; default 400e9. */
  nicBps?: number;
  /**
   * Whether NCCL would run NVLS on these ranks, which lets `auto` consider nvls and nvls-tree; default: from the
   * intra domain (ncclNvlsSupport).
   */
  nvls?: boolean;
  /** Hosts in rank order (placement.ts). Rank 0 is the root of broadcast and reduce. */
  ranks: readonly NodeId[];
  /** Per-rank buffer S, nccl-tests convention. */
  bytes: number;
  /**
   * Parallel rings/trees (NCCL channels), each with bytes/channels on its own QPs. Default 1. `auto`: rings get
   * one channel per NIC of a server (railChannels), everything else 1.
   */
  channels?: number | 'auto';
  /**
   * Pipelining chunk of rings, trees and hierarchical. Default: one chunk per step (trees: TREE_CHUNK_BYTES).
   * The MPICH log-step algorithms send each step as one message and ignore it.
   */
  chunkBytes?: number;
  /**
   * Transfers between ranks of one server become delays on the sender of latencyPs + bytes x 8 x channels /
   * bandwidthBps (each channel copies at once, on its share of the GPU's bandwidth).
   */
  intra?: IntraDomain;
  /**
   * sharp: the switches' aggregation tree over these ranks (sharp.ts' sharpTree over the fabric, which checks that
   * its switches reduce in the network), or its ScenarioError. Required by `algorithm: sharp`.
   */
  sharp?: (ranks: readonly NodeId[], path: string) => SharpTree;
}

export interface CollectiveContext {
  item: number;
  cls: Transfer['cls'];
  startPs: number;
  /** Op ids this collective waits for (rank-locally, builder.ts). */
  deps: readonly number[];
  iteration: number;
  label?: string;
  /** Prefix of error paths, e.g. `traffic[2]` gives `traffic[2].algorithm`. */
  path?: string;
}

const mod = (a: number, p: number) => ((a % p) + p) % p;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const defined = (xs: (number | undefined)[]) => xs.filter((x): x is number => x !== undefined);

/**
 * Picoseconds of one intra-server copy when `channels` channels copy at once. A delay holds no resource, so
 * each channel is given its share of the GPU's bandwidth (NCCL's channels split NVLink the same way).
 */
export function intraCopyPs(intra: IntraDomain, bytes: number, channels = 1): number {
  return intra.latencyPs + Math.round((bytes * 8 * 1e12 * channels) / intra.bandwidthBps);
}

/** How one channel's share of the buffer is cut into blocks (the builder's OpLayout, per channel). */
interface Layout {
  blocks: number;
  blockBytes: number;
  owner?: (k: number) => number;
  dest?: (k: number) => number;
}

interface SendOptions {
  repeat?: number;
  deps?: (number | undefined)[];
  channel?: number;
}

/** Emits one channel's tasks: rank indices in, hosts out; intra-server pairs become delays. */
class Emitter {
  constructor(
    readonly b: ProgramBuilder,
    readonly ranks: readonly NodeId[],
    readonly intra: IntraDomain | undefined,
    readonly channel: number,
    private readonly channels: number,
    private readonly blockBase: number,
    /** The protocol's efficiency: each task carries bytes / efficiency on the wire (or through NVLink). */
    private readonly efficiency = 1,
    /** Per rank index, the tasks that touch it (sender or receiver), when the op ends with a latency delay. */
    private readonly touched?: number[][],
  ) {}

  get p(): number {
    return this.ranks.length;
  }

  /** A transfer between two fabric nodes, a switch included (sharp.ts), never an intra-server copy. */
  transfer(src: NodeId, dst: NodeId, bytes: number, repeat: number, trace?: MoveTrace): number {
    const wireBytes = this.efficiency < 1 ? Math.ceil(bytes / this.efficiency) : bytes;
    return this.b.task({
      src,
      dst,
      bytes,
      wireBytes,
      repeat,
      channel: this.channel,
      kind: 'transfer',
      trace: this.offset(trace),
    });
  }

  /** A schedule's trace with this channel's block numbers (blocks of channel c follow those of channels < c). */
  private offset(trace: MoveTrace | undefined): MoveTrace | undefined {
    if (!trace || !this.b.tracing) return undefined;
    const base = this.blockBase;
    return (rep) => {
      const m = trace(rep);
      return { reduce: m.reduce, blocks: m.blocks.map((k) => k + base) };
    };
  }

  /** Records, for the op's closing latency delays, that task `id` touches rank index `r`. */
  touch(r: number, id: number): void {
    this.touched?.[r].push(id);
  }

  send(from: number, to: number, bytes: number, o: SendOptions, trace?: MoveTrace): number {
    const src = this.ranks[from];
    const dst = this.ranks[to];
    const t = this.offset(trace);
    const deps = o.deps ? defined(o.deps) : undefined;
    const channel = o.channel ?? this.channel;
    const wireBytes = this.efficiency < 1 ? Math.ceil(bytes / this.efficiency) : bytes;
    let id: number;
    // Object literals, not spreads of a common part: a million tasks per program, and spreads are slow.
    if (this.intra && this.intra.serverOf(src) === this.intra.serverOf(dst))
      id = this.b.task({
        src,
        dst,
        bytes,
        repeat: o.repeat,
        deps,
        channel,
        kind: 'delay',
        durationPs: intraCopyPs(this.intra, wireBytes, this.channels),
        trace: t,
      });
    else id = this.b.task({ src, dst, bytes, wireBytes, repeat: o.repeat, deps, channel, kind: 'transfer', trace: t });
    if (this.touched) {
      this.touched[from].push(id);
      this.touched[to].push(id);
    }
    return id;
  }
}

const move = (blocks: readonly number[], reduce: boolean): RepMove => ({ blocks, reduce });

// ---------------------------------------------------------------------------------------------------------
// Rings (NCCL ring and MPICH allreduce_intra_ring). Position q of `pos` (a rank index per position) sends to
// position q+1. Repetition r = chunk x steps + step: NCCL loops over chunks outside and ring steps inside, so
// step s of a chunk forwards what the previous rank sent at step s-1 (lag 1). Reduce-scatter step s sends block
// pos[q-s-1] (so position q ends holding its own rank's block, nccl-tests' convention); all-gather step t sends
// block pos[q-t].

type RingKind = 'all-reduce' | 'reduce-scatter' | 'all-gather';

function ring(
  e: Emitter,
  kind: RingKind,
  pos: readonly number[],
  chunks: number,
  unitBytes: number,
  blocksOf: (rank: number, chunk: number) => number[],
  depsOf: (q: number) => (number | undefined)[] = () => [],
): number[] {
  const m = pos.length;
  if (m < 2) return [];
  const steps = kind === 'all-reduce' ? 2 * (m - 1) : m - 1;
  const units = blocksOf(pos[0], 0).length;
  const tasks = pos.map((_, q) =>
    e.send(pos[q], pos[(q + 1) % m], units * unitBytes, { repeat: steps * chunks, deps: depsOf(q) }, (r) => {
      const c = Math.floor(r / steps);
      const s = r % steps;
      if (kind === 'reduce-scatter' || (kind === 'all-reduce' && s < m - 1))
        return move(blocksOf(pos[mod(q - s - 1, m)], c), true);
      const t = kind === 'all-gather' ? s : s - (m - 1);
      return move(blocksOf(pos[mod(q - t, m)], c), false);
    }),
  );
  tasks.forEach((t, q) => {
    e.b.addStepDep(t, tasks[mod(q - 1, m)], 1);
  });
  return tasks;
}

/**
 * The ring order of one channel. Like NCCL, rings pick their own order from the topology: servers in the order
 * their ranks come, and inside a server a rail-aligned snake, rotated per channel, so that every hop between two
 * servers joins the same rail on both sides (NCCL_CROSS_NIC=0: "NCCL tries to use the same NICs when
 * communicating between nodes, to allow for a network design where each NIC on each node connects to a
 * different network switch (network rail)") and channel c enters and leaves servers through rails c and c-1,
 * spreading channels over the NICs. Even servers: rails c, c+1, ..., c-1; odd servers: c-1, c-2, ..., c. With an
 * odd number of servers the wrap-around hop changes rail. Without an intra domain, or when ranks of a server are
 * not contiguous or servers hold different counts, the ring follows rank order.
 */
export function ringOrder(ranks: readonly NodeId[], intra: IntraDomain | undefined, channel: number): number[] {
  const p = ranks.length;
  if (!intra) return range(p);
  const segments = serverSegments(ranks, intra);
  if (!segments || segments.length < 2) return range(p);
  const R = segments[0].length;
  if (R < 2) return range(p);
  const c = channel % R;
  const out: number[] = [];
  segments.forEach((seg, k) => {
    for (let t = 0; t < R; t++) out.push(seg[k % 2 === 0 ? mod(c + t, R) : mod(c - 1 - t, R)]);
  });
  return out;
}

/** Contiguous runs of ranks on one server, each sorted by rail; undefined unless runs are servers of one size. */
function serverSegments(ranks: readonly NodeId[], intra: IntraDomain): number[][] | undefined {
  const segs: number[][] = [];
  const seen = new Set<number>();
  for (let i = 0; i < ranks.length; i++) {
    const s = intra.serverOf(ranks[i]);
    if (i > 0 && s === intra.serverOf(ranks[i - 1])) segs[segs.length - 1].push(i);
    else if (seen.has(s))
      return undefined; // a server's ranks in two runs
    else {
      seen.add(s);
      segs.push([i]);
    }
  }
  if (segs.some((s) => s.length !== segs[0].length)) return undefined;
  const railOf = intra.railOf;
  return railOf ? segs.map((s) => [...s].sort((a, b) => railOf(ranks[a]) - railOf(ranks[b]) || a - b)) : segs;
}

function chunkCount(stepBytes: number, chunkBytes: number | undefined): number {
  return chunkBytes ? Math.max(1, Math.ceil(stepBytes / chunkBytes)) : 1;
}

function ringCollective(kind: RingKind): Algorithm {
  return (e, g) => {
    const p = e.p;
    const chunks = chunkCount(g.bytes / p, g.chunkBytes);
    const unit = Math.ceil(g.bytes / (p * chunks));
    ring(e, kind, ringOrder(e.ranks, e.intra, e.channel), chunks, unit, (j, c) => [j * chunks + c]);
    return { blocks: p * chunks, blockBytes: unit, owner: (k) => Math.floor(k / chunks) };
  };
}

// ---------------------------------------------------------------------------------------------------------
// Two-level all-reduces (hierarchical, nvls): hierarchical.ts, given this file's ring bound to the Emitter.

const twoLevel =
  (kind: TwoLevelKind): Algorithm =>
  (e, g) =>
    twoLevelAllReduce(
      kind,
      e,
      { bytes: g.bytes, chunkBytes: g.chunkBytes, groups: g.groups as number[][], channels: g.channels },
      (k, pos, unit, blocksOf, depsOf) => ring(e, k, pos, 1, unit, blocksOf, depsOf),
    );

/** Servers in order of their first rank, each a list of rank indices sorted by rail; equal sizes required. */
function serverGroups(ranks: readonly NodeId[], intra: IntraDomain, path: string, algorithm: string): number[][] {
  const byServer = new Map<number, number[]>();
  ranks.forEach((h, i) => {
    const s = intra.serverOf(h);
    const list = byServer.get(s);
    if (list) list.push(i);
    else byServer.set(s, [i]);
  });
  const groups = [...byServer.values()];
  const railOf = intra.railOf;
  if (railOf) for (const grp of groups) grp.sort((a, b) => railOf(ranks[a]) - railOf(ranks[b]) || a - b);
  const sizes = new Set(groups.map((grp) => grp.length));
  if (sizes.size > 1)
    throw new ScenarioError([
      {
        path,
        message: `${algorithm} all-reduce needs the same number of ranks on every server, got ${[...sizes].join(', ')}; use a rank count that is a multiple of the GPUs per server`,
      },
    ]);
  return groups;
}

// ---------------------------------------------------------------------------------------------------------
// NCCL's double binary tree (src/graph/trees.cc): tree 0 is a binary tree rooted at rank 0 whose inner nodes
// are the even ranks (parent of r: (r ^ lowbit) | (lowbit << 1), or r ^ lowbit when that is out of range);
// tree 1 mirrors it (even p) or shifts it by one rank (odd p), so each rank is a leaf in at least one tree.
// Each tree carries half the buffer: chunks are reduced up to the root and broadcast down, pipelined (lag-0
// step deps: chunk c moves on as soon as chunk c has arrived). Tree t runs on QP channel 2 x channel + t.

function btreeParent(p: number, r: number): number {
  if (r === 0) return -1;
  const bit = r & -r;
  const up = (r ^ bit) | (bit << 1);
  return up >= p ? r ^ bit : up;
}

export function doubleTreeParents(p: number): [Int32Array, Int32Array] {
  const t0 = Int32Array.from(range(p), (r) => btreeParent(p, r));
  const t1 = Int32Array.from(range(p), (r) => {
    if (p % 2 === 1) {
      const u = btreeParent(p, mod(r - 1, p));
      return u === -1 ? -1 : (u + 1) % p;
    }
    const u = btreeParent(p, p - 1 - r);
    return u === -1 ? -1 : p - 1 - u;
  });
  return [t0, t1];
}

const doubleBinaryTree: Algorithm = (e, g) => {
  const p = e.p;
  const chunks = chunkCount(g.bytes / 2, g.chunkBytes ?? TREE_CHUNK_BYTES);
  const unit = Math.ceil(g.bytes / (2 * chunks));
  doubleTreeParents(p).forEach((parent, t) => {
    const channel = 2 * e.channel + t;
    const children = range(p).map(() => [] as number[]);
    let root = -1;
    parent.forEach((u, r) => {
      if (u === -1) root = r;
      else children[u].push(r);
    });
    const block = (c: number) => [t * chunks + c];
    const up = new Int32Array(p).fill(-1);
    const down = new Int32Array(p).fill(-1);
    for (let r = 0; r < p; r++)
      if (r !== root) up[r] = e.send(r, parent[r], unit, { repeat: chunks, channel }, (c) => move(block(c), true));
    for (let r = 0; r < p; r++)
      if (r !== root) down[r] = e.send(parent[r], r, unit, { repeat: chunks, channel }, (c) => move(block(c), false));
    for (let r = 0; r < p; r++) {
      if (r === root) continue;
      for (const ch of children[r]) e.b.addStepDep(up[r], up[ch], 0);
      if (parent[r] === root) for (const ch of children[root]) e.b.addStepDep(down[r], up[ch], 0);
      else e.b.addStepDep(down[r], down[parent[r]], 0);
    }
    // NCCL's credit window on each connection (nvls-tree.ts windowDeps, NCCL_STEPS chunks).
    windowDeps(e.b, { l: 0, up, down, parent, root, children: (s) => children[s] });
  });
  return { blocks: 2 * chunks, blockBytes: unit };
};

// ---------------------------------------------------------------------------------------------------------
// Recursive doubling and Rabenseifner all-reduce (MPICH allreduce_intra_recursive_doubling and
// allreduce_intra_reduce_scatter_allgather). With p not a power of two, p' = 2^floor(lg p) and rem = p - p':
// the even ranks below 2 rem first send their whole buffer to the next rank (which reduces it and takes part
// as new rank i/2), the p' ranks run the algorithm, and the odd ranks below 2 rem send the result back.

interface Fold {
  pp: number;
  rem: number;
  /** Rank index of new rank nr. */
  real: number[];
}

function fold(p: number): Fold {
  const pp = 2 ** Math.floor(Math.log2(p));
  const rem = p - pp;
  return { pp, rem, real: range(pp).map((nr) => (nr < rem ? 2 * nr + 1 : nr + rem)) };
}

/** Per new rank, its last send and last receive (what its next step waits for). */
class Steps {
  sent: (number | undefined)[];
  got: (number | undefined)[];
  constructor(n: number) {
    this.sent = new Array(n).fill(undefined);
    this.got = new Array(n).fill(undefined);
  }
  deps(nr: number): (number | undefined)[] {
    return [this.sent[nr], this.got[nr]];
  }
}

function foldIn(e: Emitter, f: Fold, st: Steps, bytes: number, blocks: number[]): void {
  for (let i = 0; i < 2 * f.rem; i += 2) st.got[(i + 1) >> 1] = e.send(i, i + 1, bytes, {}, () => move(blocks, true));
}

function foldOut(e: Emitter, f: Fold, st: Steps, bytes: number, blocks: number[]): void {
  for (let i = 1; i < 2 * f.rem; i += 2) e.send(i, i - 1, bytes, { deps: st.deps(i >> 1) }, () => move(blocks, false));
}

/**
 * One exchange round among new ranks: every nr sends what(nr) to nr ^ mask once both have finished their previous
 * round (MPIC_Sendrecv of large messages is a rendezvous: the data moves once the partner posted its receive; an
 * eager send would land on the partner's NIC while it still receives its previous round).
 */
function round(
  e: Emitter,
  f: Fold,
  st: Steps,
  mask: number,
  what: (nr: number) => number[],
  unit: number,
  reduce: boolean,
): void {
  const tasks = range(f.pp).map((nr) => {
    const blocks = what(nr);
    const deps = [...st.deps(nr), ...st.deps(nr ^ mask)];
    return e.send(f.real[nr], f.real[nr ^ mask], blocks.length * unit, { deps }, () => move(blocks, reduce));
  });
  tasks.forEach((t, nr) => {
    st.sent[nr] = t;
    st.got[nr ^ mask] = t;
  });
}

const recursiveDoublingAllReduce: Algorithm = (e, g) => {
  const f = fold(e.p);
  const st = new Steps(f.pp);
  const n = Math.ceil(g.bytes);
  foldIn(e, f, st, n, [0]);
  for (let mask = 1; mask < f.pp; mask <<= 1) round(e, f, st, mask, () => [0], n, true);
  foldOut(e, f, st, n, [0]);
  return { blocks: 1, blockBytes: n };
};

const rabenseifner: Algorithm = (e, g) => {
  const f = fold(e.p);
  const st = new Steps(f.pp);
  const unit = Math.ceil(g.bytes / f.pp);
  const all = range(f.pp);
  foldIn(e, f, st, f.pp * unit, all);
  const lo = new Int32Array(f.pp);
  const hi = new Int32Array(f.pp).fill(f.pp);
  // Reduce-scatter by recursive halving, nearest partner first (MPICH's mask = 1, 2, ...).
  for (let mask = 1; mask < f.pp; mask <<= 1) {
    const keepLow = (nr: number) => nr < (nr ^ mask);
    round(
      e,
      f,
      st,
      mask,
      (nr) => {
        const mid = (lo[nr] + hi[nr]) >> 1;
        return keepLow(nr) ? range(hi[nr] - mid).map((k) => mid + k) : range(mid - lo[nr]).map((k) => lo[nr] + k);
      },
      unit,
      true,
    );
    for (let nr = 0; nr < f.pp; nr++) {
      const mid = (lo[nr] + hi[nr]) >> 1;
      if (keepLow(nr)) hi[nr] = mid;
      else lo[nr] = mid;
    }
  }
  // All-gather by recursive doubling, the same partners in reverse order.
  for (let mask = f.pp >> 1; mask >= 1; mask >>= 1) {
    round(e, f, st, mask, (nr) => range(hi[nr] - lo[nr]).map((k) => lo[nr] + k), unit, false);
    const nlo = Int32Array.from(all, (nr) => Math.min(lo[nr], lo[nr ^ mask]));
    const nhi = Int32Array.from(all, (nr) => Math.max(hi[nr], hi[nr ^ mask]));
    lo.set(nlo);
    hi.set(nhi);
  }
  foldOut(e, f, st, f.pp * unit, all);
  return { blocks: f.pp, blockBytes: unit };
};

// ---------------------------------------------------------------------------------------------------------
// Log-step reduce-scatter and all-gather. Powers of two: recursive halving (MPICH
// reduce_scatter_intra_recursive_halving: farthest partner first, each keeps the half holding its own block) and
// recursive doubling (allgather_intra_recursive_doubling). Other p: Bruck's all-gather (MPICH
// allgather_intra_brucks: step k sends the first min(2^k, p - 2^k) blocks it holds to rank - 2^k) and, for
// reduce-scatter, the same schedule run backwards with reductions; both take ceil(lg p) steps and (p-1)/p x S
// per rank, the cost COLL-02 gives these algorithms.

type RankDeps = (i: number) => (number | undefined)[];

function recursiveHalving(e: Emitter, unit: number): void {
  const p = e.p;
  const st = new Steps(p);
  const lo = new Int32Array(p);
  const hi = new Int32Array(p).fill(p);
  for (let mask = p >> 1; mask >= 1; mask >>= 1) {
    const tasks = range(p).map((i) => {
      const mid = (lo[i] + hi[i]) >> 1;
      const blocks = i & mask ? range(mid - lo[i]).map((k) => lo[i] + k) : range(hi[i] - mid).map((k) => mid + k);
      return e.send(i, i ^ mask, blocks.length * unit, { deps: st.deps(i) }, () => move(blocks, true));
    });
    for (let i = 0; i < p; i++) {
      st.sent[i] = tasks[i];
      st.got[i ^ mask] = tasks[i];
      const mid = (lo[i] + hi[i]) >> 1;
      if (i & mask) lo[i] = mid;
      else hi[i] = mid;
    }
  }
}

function recursiveDoublingGather(e: Emitter, unit: number, first: RankDeps): void {
  const p = e.p;
  const st = new Steps(p);
  for (let mask = 1; mask < p; mask <<= 1) {
    const tasks = range(p).map((i) => {
      const start = i & ~(mask - 1);
      const blocks = range(mask).map((k) => start + k);
      const deps = mask === 1 ? first(i) : st.deps(i);
      return e.send(i, i ^ mask, blocks.length * unit, { deps }, () => move(blocks, false));
    });
    tasks.forEach((t, i) => {
      st.sent[i] = t;
      st.got[i ^ mask] = t;
    });
  }
}

function bruckGather(e: Emitter, unit: number, first: RankDeps): void {
  const p = e.p;
  const st = new Steps(p);
  for (let d = 1; d < p; d <<= 1) {
    const cnt = Math.min(d, p - d);
    const tasks = range(p).map((i) => {
      const blocks = range(cnt).map((j) => (i + j) % p);
      // Rendezvous (see round()): the partner must have finished its own previous step too.
      const to = mod(i - d, p);
      const deps = d === 1 ? [...first(i), ...first(to)] : [...st.deps(i), ...st.deps(to)];
      return e.send(i, to, cnt * unit, { deps }, () => move(blocks, false));
    });
    tasks.forEach((t, i) => {
      st.sent[i] = t;
      st.got[mod(i - d, p)] = t;
    });
  }
}

function bruckReduceScatter(e: Emitter, unit: number): void {
  const p = e.p;
  const st = new Steps(p);
  let top = 1;
  while (top * 2 < p) top *= 2;
  for (let d = top; d >= 1; d >>= 1) {
    const cnt = Math.min(d, p - d);
    const tasks = range(p).map((i) => {
      const blocks = range(cnt).map((j) => (i + d + j) % p);
      const to = (i + d) % p;
      return e.send(i, to, cnt * unit, { deps: [...st.deps(i), ...st.deps(to)] }, () => move(blocks, true));
    });
    tasks.forEach((t, i) => {
      st.sent[i] = t;
      st.got[(i + d) % p] = t;
    });
  }
}

const isPow2 = (p: number) => (p & (p - 1)) === 0;

const reduceScatterHalving: Algorithm = (e, g) => {
  const unit = Math.ceil(g.bytes / e.p);
  if (isPow2(e.p)) recursiveHalving(e, unit);
  else bruckReduceScatter(e, unit);
  return { blocks: e.p, blockBytes: unit, owner: (k) => k };
};

const allGatherDoubling: Algorithm = (e, g) => {
  const unit = Math.ceil(g.bytes / e.p);
  if (isPow2(e.p)) recursiveDoublingGather(e, unit, () => []);
  else bruckGather(e, unit, () => []);
  return { blocks: e.p, blockBytes: unit, owner: (k) => k };
};

// ---------------------------------------------------------------------------------------------------------
// Binomial trees rooted at rank 0 (MPICH bcast_intra_binomial, scatter_for_bcast, reduce_intra_binomial). Rank r
// hangs under r - lowbit(r). A parent sends to its children one after the other, farthest first (blocking sends,
// so each send waits for the previous one); in a reduce it receives nearest first, then sends up.

/** Children of x in send order (farthest first). */
function binomialChildren(p: number, x: number): number[] {
  let m = 1;
  if (x === 0) while (m < p) m <<= 1;
  else m = x & -x;
  const out: number[] = [];
  for (m >>= 1; m >= 1; m >>= 1) if (x + m < p) out.push(x + m);
  return out;
}

/** A binomial broadcast of block sets; returns, per rank, the tasks that touch it. */
function binomialDown(e: Emitter, what: (child: number) => number[], unit: number): number[][] {
  const touched = range(e.p).map(() => [] as number[]);
  const visit = (x: number, received: number | undefined) => {
    let prev: number | undefined;
    const sent: [number, number][] = [];
    for (const ch of binomialChildren(e.p, x)) {
      const blocks = what(ch);
      prev = e.send(x, ch, blocks.length * unit, { deps: [received, prev] }, () => move(blocks, false));
      touched[x].push(prev);
      touched[ch].push(prev);
      sent.push([ch, prev]);
    }
    for (const [ch, t] of sent) visit(ch, t);
  };
  visit(0, undefined);
  return touched;
}

const binomialBroadcast: Algorithm = (e, g) => {
  const n = Math.ceil(g.bytes);
  binomialDown(e, () => [0], n);
  return { blocks: 1, blockBytes: n };
};

const scatterAllgather: Algorithm = (e, g) => {
  const p = e.p;
  const unit = Math.ceil(g.bytes / p);
  // Child x+m of x gets the blocks of its subtree, [x+m, min(x+2m, p)), its lowbit being m.
  const touched = binomialDown(
    e,
    (ch) => {
      const m = ch & -ch;
      return range(Math.min(m, p - ch)).map((k) => ch + k);
    },
    unit,
  );
  if (isPow2(p)) recursiveDoublingGather(e, unit, (i) => touched[i]);
  else bruckGather(e, unit, (i) => touched[i]);
  return { blocks: p, blockBytes: unit };
};

const binomialReduce: Algorithm = (e, g) => {
  const p = e.p;
  const n = Math.ceil(g.bytes);
  const up = new Int32Array(p).fill(-1);
  // By increasing lowbit, so a rank's children and its parent's previous (nearer) child exist first.
  for (let m = 1; m < p; m <<= 1)
    for (let c = m; c < p; c += 2 * m) {
      const parent = c - m;
      const kids = binomialChildren(p, c).map((k) => up[k]);
      const previous = m > 1 ? up[parent + (m >> 1)] : undefined;
      up[c] = e.send(c, parent, n, { deps: [...kids, previous] }, () => move([0], true));
    }
  return { blocks: 1, blockBytes: n };
};

// ---------------------------------------------------------------------------------------------------------
// All-to-all. Block (i, j) = i x p + j: what rank i sends to rank j (S/p bytes). Pairwise (MPICH
// alltoall_intra_pairwise with the (i + s) mod p peers): step s = 1..p-1, rank i sends block (i, i+s) to i+s;
// steps in order per rank. Bruck (alltoall_intra_brucks): after a local rotation, slot j of rank x holds the
// block for x + j; step k sends the slots with bit k set to x + 2^k, which keeps them in the same slots. Before
// step k, slot j of x holds the block from x - (j mod 2^k) to x + (j - j mod 2^k).

const pairwise: Algorithm = (e, g) => {
  const p = e.p;
  const unit = Math.ceil(g.bytes / p);
  let prev: number[] = [];
  for (let s = 1; s < p; s++) {
    const step = range(p).map((i) => {
      const deps = s === 1 ? undefined : [prev[i], prev[mod(i - s + 1, p)]];
      const trace = e.b.tracing ? () => move([i * p + ((i + s) % p)], false) : undefined;
      return e.send(i, (i + s) % p, unit, { deps }, trace);
    });
    prev = step;
  }
  return { blocks: p * p, blockBytes: unit, owner: (k) => Math.floor(k / p), dest: (k) => k % p };
};

const bruckAllToAll: Algorithm = (e, g) => {
  const p = e.p;
  const unit = Math.ceil(g.bytes / p);
  let prev: number[] = [];
  for (let d = 1; d < p; d <<= 1) {
    const slots = range(p).filter((j) => j & d);
    const step = range(p).map((x) => {
      const deps = d === 1 ? [] : [prev[x], prev[mod(x - (d >> 1), p)]];
      const blocks = slots.map((j) => mod(x - (j % d), p) * p + mod(x + j - (j % d), p));
      return e.send(x, (x + d) % p, slots.length * unit, { deps }, () => move(blocks, false));
    });
    prev = step;
  }
  return { blocks: p * p, blockBytes: unit, owner: (k) => Math.floor(k / p), dest: (k) => k % p };
};

/**
 * NCCL's all-to-all (grouped ncclSend/ncclRecv: every pair's send posted at once, no steps) with PXN (NCCL 2.12+,
 * NCCL_PXN_DISABLE=0 by default: a GPU sends to a GPU of another server through the local GPU on the
 * destination's rail, an NVLink copy then a rail-local transfer, so rail-optimized fabrics never cross a spine).
 * A block for a GPU of the same server is one copy; for another server, a copy to the relay (none when the sender
 * is on the destination's rail) then the transfer. Without an intra domain every pair is one transfer.
 */
const pxn: Algorithm = (e, g) => {
  const p = e.p;
  const unit = Math.ceil(g.bytes / p);
  const intra = e.intra;
  const server = intra ? e.ranks.map((h) => intra.serverOf(h)) : range(p);
  const rail = intra?.railOf ? e.ranks.map((h) => intra.railOf?.(h) ?? 0) : range(p).map(() => 0);
  // The rank on server s with rail r: the relay of blocks for rail r.
  const on = new Map<string, number>();
  e.ranks.forEach((_, i) => {
    on.set(`${server[i]}/${rail[i]}`, on.get(`${server[i]}/${rail[i]}`) ?? i);
  });
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) {
      if (i === j) continue;
      const block = [i * p + j];
      const trace = e.b.tracing ? () => move(block, false) : undefined;
      const relay = server[i] === server[j] ? i : (on.get(`${server[i]}/${rail[j]}`) ?? i);
      const copy = relay !== i ? e.send(i, relay, unit, {}, trace) : undefined;
      e.send(relay, j, unit, { deps: [copy] }, trace);
    }
  return { blocks: p * p, blockBytes: unit, owner: (k) => Math.floor(k / p), dest: (k) => k % p };
};

// ---------------------------------------------------------------------------------------------------------

interface Geometry {
  /** This channel's share of S. */
  bytes: number;
  chunkBytes?: number;
  /** hierarchical, nvls: rank indices per server. */
  groups?: number[][];
  /** Channels of the collective (each runs this schedule on bytes / channels). */
  channels: number;
  /** sharp: the aggregation tree. */
  sharp?: SharpTree;
}

/** The in-network all-reduce (sharp.ts) of one channel, chunked by NCCL's Simple step unless told. */
const sharpSchedule: Algorithm = (e, g) => {
  if (!g.sharp) throw new Error('internal: sharp without an aggregation tree');
  const out = sharpAllReduce(e, g.sharp, g.bytes, g.chunkBytes ?? TREE_CHUNK_BYTES);
  out.touched.forEach((ids, r) => {
    for (const id of ids) e.touch(r, id);
  });
  return { blocks: out.blocks, blockBytes: out.blockBytes };
};

type Algorithm = (e: Emitter, g: Geometry) => Layout;

const SCHEDULES: Record<string, Algorithm> = {
  'all-reduce/ring': ringCollective('all-reduce'),
  'all-reduce/double-binary-tree': doubleBinaryTree,
  'all-reduce/recursive-doubling': recursiveDoublingAllReduce,
  'all-reduce/rabenseifner': rabenseifner,
  'all-reduce/hierarchical': twoLevel('hierarchical'),
  'all-reduce/nvls': twoLevel('nvls'),
  'all-reduce/nvls-tree': (e, g) =>
    nvlsTreeAllReduce(
      e,
      {
        bytes: g.bytes,
        chunkBytes: g.chunkBytes ?? TREE_CHUNK_BYTES,
        groups: g.groups as number[][],
        channels: g.channels,
      },
      doubleTreeParents,
    ),
  'all-reduce/sharp': sharpSchedule,
  'reduce-scatter/ring': ringCollective('reduce-scatter'),
  'reduce-scatter/recursive-halving': reduceScatterHalving,
  'all-gather/ring': ringCollective('all-gather'),
  'all-gather/recursive-doubling': allGatherDoubling,
  'broadcast/binomial': binomialBroadcast,
  'broadcast/scatter-allgather': scatterAllgather,
  'all-to-all/pairwise': pairwise,
  'all-to-all/bruck': bruckAllToAll,
  'all-to-all/pxn': pxn,
  'reduce/binomial': binomialReduce,
};

function fail(path: string, message: string): never {
  throw new ScenarioError([{ path, message }]);
}

function validate(spec: CollectiveSpec, prefix: string): readonly string[] {
  const valid = COLLECTIVE_ALGORITHMS[spec.op] as readonly string[] | undefined;
  if (!valid)
    fail(
      `${prefix}collective`,
      `unknown collective "${spec.op}"; use one of ${Object.keys(COLLECTIVE_ALGORITHMS).join(', ')}`,
    );
  if (spec.algorithm !== 'auto' && !valid.includes(spec.algorithm)) {
    const near = closest(spec.algorithm, valid);
    fail(
      `${prefix}algorithm`,
      `unknown ${spec.op} algorithm "${spec.algorithm}"; use auto or one of ${valid.join(', ')}${near ? ` (did you mean ${near}?)` : ''}`,
    );
  }
  const proto = spec.protocol ?? 'none';
  if (proto !== 'auto' && proto !== 'none' && spec.algorithm !== 'auto' && !(spec.algorithm in NCCL_NAME))
    fail(
      `${prefix}protocol`,
      `protocol ${proto} is NCCL's, and ${spec.algorithm} is an MPI algorithm NCCL does not run; use protocol: auto (or none), or algorithm: ${Object.keys(NCCL_NAME).join(' or ')}`,
    );
  if (spec.ranks.length < 1) fail(`${prefix}ranks`, 'a collective needs at least one rank');
  if (new Set(spec.ranks).size !== spec.ranks.length) fail(`${prefix}ranks`, 'a host appears twice among the ranks');
  if (!(spec.bytes >= 0) || !Number.isFinite(spec.bytes)) fail(`${prefix}bytes`, 'bytes must be a size >= 0');
  const channels = spec.channels ?? 1;
  if (channels !== 'auto' && (!Number.isInteger(channels) || channels < 1))
    fail(`${prefix}channels`, 'channels must be auto or an integer >= 1');
  if (spec.chunkBytes !== undefined && !(spec.chunkBytes > 0)) fail(`${prefix}chunk`, 'chunk must be a size > 0');
  if (spec.algorithm === 'hierarchical' && !spec.intra)
    fail(
      `${prefix}algorithm`,
      'hierarchical all-reduce needs servers of several GPUs with an intra-server domain (fabric.gpusPerNode > 1); use ring or double-binary-tree',
    );
  if (spec.algorithm === 'sharp' && !spec.sharp)
    fail(
      `${prefix}algorithm`,
      "sharp needs the fabric's switches (an aggregation tree); compile it through compileTraffic",
    );
  const nvlsProblem = nvlsUnavailable(spec.algorithm, spec.intra);
  if (nvlsProblem) fail(`${prefix}algorithm`, nvlsProblem);
  return valid;
}

/** Servers the ranks are on (each rank its own without an intra domain). */
function serverCount(ranks: readonly NodeId[], intra: IntraDomain | undefined): number {
  return intra ? new Set(ranks.map((h) => intra.serverOf(h))).size : ranks.length;
}

/**
 * `channels: auto` for a ring: one channel per NIC of a server, that is the most ranks on one server (a host is
 * a GPU with its own NIC), when the ranks span several servers; 1 on one server, where every hop is an NVLink
 * copy and channels only split it. ringOrder sends channel c into servers on rail c and out on rail c - 1, so
 * R channels put one ring in and one out on every NIC, as NCCL runs at least one channel per NIC.
 */
export function railChannels(ranks: readonly NodeId[], intra: IntraDomain | undefined): number {
  if (!intra) return 1;
  const per = ranksPerDomain(ranks, intra);
  return per.length > 1 ? Math.max(...per) : 1;
}

/** How many of the ranks each NVLink domain holds, one count per domain the ranks are on. */
function ranksPerDomain(ranks: readonly NodeId[], intra: IntraDomain): number[] {
  const per = new Map<number, number>();
  for (const h of ranks) per.set(intra.serverOf(h), (per.get(intra.serverOf(h)) ?? 0) + 1);
  return [...per.values()];
}

/**
 * Whether NCCL 2.20.3 runs NVLS on these ranks, so that `auto` may pick nvls (one domain) or nvls-tree (several):
 * the domain's NVSwitches reduce (a GPU profile with NVLS; NCCL_NVLS_ENABLE defaults to 2, on where the device
 * reports multicast support: NVIDIA/nccl src/transport/nvls.cc ncclNvlsInit), more than 2 GPUs of the
 * communicator per domain (ncclNvlsInit returns without NVLS when gpuCount <= 2), and domains that are single
 * servers (tuning.cc ncclTopoTuneModel: "MNNVL: NVLS not yet supported" disables NVLS and NVLS_TREE when the
 * communicator spans an NVL72's trays). Our nvls schedules also need every domain to hold the same number of
 * ranks (serverGroups); where they do not, `auto` keeps to ring and tree.
 */
export function ncclNvlsSupport(ranks: readonly NodeId[], intra: IntraDomain | undefined): boolean {
  if (!intra?.nvls || intra.multiNode) return false;
  const counts = ranksPerDomain(ranks, intra);
  return counts.every((n) => n > 2 && n === counts[0]);
}

/**
 * Compiles one collective into the builder as one op (kind collective) and returns its op id. Its tasks wait
 * for `ctx.deps` rank-locally; `channels` copies of the schedule run side by side, each on its own QPs.
 */
export function compileCollective(b: ProgramBuilder, spec: CollectiveSpec, ctx: CollectiveContext): number {
  const prefix = ctx.path ? `${ctx.path}.` : '';
  const valid = validate(spec, prefix);
  const rails = spec.channels === 'auto' ? railChannels(spec.ranks, spec.intra) : 0;
  const nicBps = spec.nicBps ?? 400e9;
  const plan = planProtocol(
    {
      op: spec.op,
      algorithm: spec.algorithm,
      protocol: spec.protocol ?? 'none',
      bytes: spec.bytes,
      nRanks: spec.ranks.length,
      nNodes: serverCount(spec.ranks, spec.intra),
      nicBps,
      intraBps: spec.intra?.bandwidthBps ?? nicBps,
      channels: spec.channels === 'auto' ? rails : (spec.channels ?? 1),
      nvls: spec.nvls ?? ncclNvlsSupport(spec.ranks, spec.intra),
      ringNics: Math.min(spec.channels === 'auto' ? rails : (spec.channels ?? 1), railChannels(spec.ranks, spec.intra)),
    },
    (a) => valid.includes(a),
  );
  const algorithm = plan.algorithm;
  const channels = spec.channels === 'auto' ? (algorithm === 'ring' ? rails : 1) : (spec.channels ?? 1);
  const schedule = SCHEDULES[`${spec.op}/${algorithm}`];
  const sharp = algorithm === 'sharp' && spec.sharp ? spec.sharp(spec.ranks, `${prefix}algorithm`) : undefined;
  const groups =
    TWO_LEVEL.has(algorithm) && spec.intra
      ? serverGroups(spec.ranks, spec.intra, `${prefix}ranks`, algorithm as TwoLevelKind)
      : undefined;
  const opId = b.beginOp({
    kind: 'collective',
    op: spec.op,
    algorithm,
    ranks: spec.ranks,
    bytes: spec.bytes,
    deps: ctx.deps,
    item: ctx.item,
    iteration: ctx.iteration,
    label: ctx.label ?? `${spec.op} ${algorithm} ${formatBytes(spec.bytes)}`,
    startPs: ctx.startPs,
    cls: ctx.cls,
  });
  if (plan.protocol) {
    const op = b.ops[opId];
    op.protocol = plan.protocol;
    op.protocolLatencyPs = plan.latencyPs;
    op.protocolEfficiency = plan.efficiency;
  }
  const layouts: Layout[] = [];
  if (spec.ranks.length > 1) {
    const touched = plan.latencyPs > 0 ? spec.ranks.map(() => [] as number[]) : undefined;
    let base = 0;
    for (let c = 0; c < channels; c++) {
      const e = new Emitter(b, spec.ranks, spec.intra, c, channels, base, plan.efficiency, touched);
      const l = schedule(e, { bytes: spec.bytes / channels, chunkBytes: spec.chunkBytes, groups, channels, sharp });
      layouts.push(l);
      base += l.blocks;
    }
    if (touched) {
      latencyDelays(b, spec.ranks, touched, plan.latencyPs);
      b.ops[opId].closingDelays = spec.ranks.length;
    }
  }
  b.endOp();
  if (b.tracing) b.setLayout(opId, mergeLayouts(layouts));
  return opId;
}

/**
 * NCCL's latency term, charged once per rank as a delay after everything the rank sends and receives (NCCL's
 * model is t = latency + bytes / bandwidth, so where in the op it is paid does not change the op's time; at the
 * end it leaves the schedule's first task, whose repetitions the analytic engine reads, in front). Each delay
 * takes the schedule's last QP channel, which the analytic engine reads from the op's last task.
 */
function latencyDelays(b: ProgramBuilder, ranks: readonly NodeId[], touched: number[][], latencyPs: number): void {
  const channel = b.transfers[b.transfers.length - 1].channel;
  const none = () => move([], false);
  ranks.forEach((h, i) => {
    b.task({ kind: 'delay', src: h, durationPs: latencyPs, deps: touched[i], channel, trace: none });
  });
}

function mergeLayouts(parts: readonly Layout[]): OpLayout {
  const blocks = parts.reduce((s, l) => s + l.blocks, 0);
  const out: OpLayout = {
    blocks,
    blockBytes: new Float64Array(blocks),
    owner: new Int32Array(blocks),
    dest: new Int32Array(blocks),
  };
  let base = 0;
  for (const l of parts) {
    for (let k = 0; k < l.blocks; k++) {
      out.blockBytes[base + k] = l.blockBytes;
      out.owner[base + k] = l.owner ? l.owner(k) : -1;
      (out.dest as Int32Array)[base + k] = l.dest ? l.dest(k) : -1;
    }
    base += l.blocks;
  }
  return out;
}
