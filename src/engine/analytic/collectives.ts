// Closed forms of collective operations: the alpha-beta-gamma costs of MPI algorithms (Thakur, Rabenseifner
// and Gropp, IJHPCA 2005, as carried in MPICH; COLL-02) with NCCL's double binary tree; NCCL's protocol latency and efficiency
// (COLL-03) come from the shared model in src/workload/nccl; nccl-tests'
// bus-bandwidth definitions (COLL-01) are in src/workload/collective.ts. The analytic engine (issue 4) builds on these.
//
// Which algorithms exist is the workload's table (COLLECTIVE_ALGORITHMS, src/workload/training/collectives.ts):
// its compiled schedules are what the other engines run. SCHEDULE_TIME_S costs each of them, keyed by that
// table's type, so that an algorithm added there without a cost here fails to compile, and collectives.test.ts
// counts the steps and bytes of every compiled schedule against it. collectiveTimeS keeps the published forms
// that COLL-02 checks, where they differ from the schedules.
import type { CollectiveOp } from '../../workload/collective.ts';
import { type COLLECTIVE_ALGORITHMS, doubleTreeParents } from '../../workload/training/collectives.ts';

/** Per-message latency (s), per-byte transfer time (s/B) and per-byte reduction time (s/B). */
export interface AlphaBetaGamma {
  alphaS: number;
  betaSPerByte: number;
  gammaSPerByte: number;
}

/** An algorithm of operation O, as the workload's table names it. */
export type Algorithm<O extends CollectiveOp> = (typeof COLLECTIVE_ALGORITHMS)[O][number];

/**
 * Time (s) of one collective over p ranks on n bytes per rank. Formulas as in MPICH's source comments
 * (COLL-02), lg p = log2 p; the Rabenseifner non-power-of-two form adds the extra reduction step.
 */
export function collectiveTimeS(op: CollectiveOp, algorithm: string, p: number, n: number, c: AlphaBetaGamma): number {
  if (p < 2) return 0;
  const { alphaS: a, betaSPerByte: b, gammaSPerByte: g } = c;
  const lg = Math.log2(p);
  const share = (p - 1) / p;
  const pow2 = Number.isInteger(lg);
  // By operation, then algorithm: no "op/algorithm" string per call (the analytic engine calls this per op shape).
  switch (op) {
    case 'all-gather':
      if (algorithm === 'ring') return (p - 1) * a + n * share * b;
      if (algorithm === 'recursive-doubling') return Math.ceil(lg) * a + n * share * b;
      break;
    case 'reduce-scatter':
      if (algorithm === 'ring') return (p - 1) * a + n * share * b + n * share * g;
      if (algorithm === 'recursive-halving') return Math.ceil(lg) * a + n * share * b + n * share * g;
      break;
    case 'all-reduce':
      // Ring reduce-scatter then ring all-gather (MPICH allreduce_intra_ring.c).
      if (algorithm === 'ring') return 2 * (p - 1) * a + 2 * n * share * b + n * share * g;
      if (algorithm === 'rabenseifner') {
        if (pow2) return 2 * lg * a + 2 * n * share * b + n * share * g;
        return (2 * Math.floor(lg) + 2) * a + (2 * share + 2) * n * b + n * (1 + share) * g;
      }
      if (algorithm === 'recursive-doubling') return Math.ceil(lg) * a + n * Math.ceil(lg) * b + n * Math.ceil(lg) * g;
      break;
    case 'broadcast':
    case 'reduce':
      if (algorithm === 'binomial')
        return Math.ceil(lg) * a + n * Math.ceil(lg) * b + (op === 'reduce' ? n * Math.ceil(lg) * g : 0);
      if (op === 'broadcast' && algorithm === 'scatter-allgather') return 2 * Math.ceil(lg) * a + 2 * n * share * b;
      break;
    case 'all-to-all':
      if (algorithm === 'bruck') return Math.ceil(lg) * a + (n / 2) * Math.ceil(lg) * b;
      if (algorithm === 'pairwise') return (p - 1) * a + n * b;
      break;
  }
  throw new Error(`no published closed form for ${op} ${algorithm} (COLL-02); scheduleTimeS costs every schedule`);
}

/** How a schedule is pipelined: chunks per tree per channel (double binary tree). */
export interface Pipelining {
  chunks: number;
}

/**
 * Time (s) of one compiled schedule over p ranks on n bytes per rank, on one domain of uniform alpha and beta.
 * Only the double binary tree reads `pipe` (default: the bandwidth-bound limit of many chunks).
 */
type ScheduleTime = (p: number, n: number, c: AlphaBetaGamma, pipe?: Pipelining) => number;

/** Deepest rank of either tree and the most chunk copies a rank's NIC sends or receives per chunk index. */
const treeShapes = new Map<number, { depth: number; load: number }>();
export function doubleTreeShape(p: number): { depth: number; load: number } {
  let shape = treeShapes.get(p);
  if (shape) return shape;
  const sends = new Int32Array(p);
  const recvs = new Int32Array(p);
  let depth = 0;
  for (const parent of doubleTreeParents(p))
    for (let r = 0; r < p; r++) {
      if (parent[r] < 0) continue;
      // Up (reduce) from r to its parent, down (broadcast) from the parent to r: a chunk each way.
      sends[r]++;
      recvs[parent[r]]++;
      sends[parent[r]]++;
      recvs[r]++;
      let d = 0;
      for (let x = r; parent[x] >= 0; x = parent[x]) d++;
      depth = Math.max(depth, d);
    }
  let load = 0;
  for (let r = 0; r < p; r++) load = Math.max(load, sends[r], recvs[r]);
  shape = { depth, load };
  treeShapes.set(p, shape);
  return shape;
}

/**
 * The double binary tree over ranks on servers of several GPUs (server(r): rank index r's server): the most chunk
 * copies a rank's NIC sends or receives per chunk index, counting only the edges between servers (an edge inside
 * a server is an intra-server copy, a delay that holds no NIC), and whether any edge stays inside a server.
 */
export function doubleTreeNetShape(p: number, server: (r: number) => number): { netLoad: number; intra: boolean } {
  const sends = new Int32Array(p);
  const recvs = new Int32Array(p);
  let intra = false;
  for (const parent of doubleTreeParents(p))
    for (let r = 0; r < p; r++) {
      const u = parent[r];
      if (u < 0) continue;
      if (server(r) === server(u)) {
        intra = true;
        continue;
      }
      sends[r]++;
      recvs[u]++;
      sends[u]++;
      recvs[r]++;
    }
  let netLoad = 0;
  for (let r = 0; r < p; r++) netLoad = Math.max(netLoad, sends[r], recvs[r]);
  return { netLoad, intra };
}

/**
 * NCCL's double binary tree as compiled: each tree carries n/2 in `chunks` chunks, pipelined. In steady state the
 * busiest NIC copies `load` chunks per chunk index (4 for p >= 4: up and down in the tree where it is inside, up
 * in the other, which is NCCL's algBw = busBw / 2, COLL-03; fewer below), so a chunk index takes tau = load x
 * n/2/chunks x beta; the first chunk fills the pipeline up and down the deepest tree, which the flow engine shows
 * as depth - 2 more chunk times (p = 4 to 16, within 1% at 64 chunks), and each of the 2 depth hops pays alpha.
 * Channels split n and share the NICs: the same time. Many chunks give back 2 lg p alpha + (load / 2) n beta.
 */
function doubleBinaryTreeS(p: number, n: number, c: AlphaBetaGamma, pipe?: Pipelining): number {
  const { depth, load } = doubleTreeShape(p);
  if (!pipe) return 2 * depth * c.alphaS + (load / 2) * n * c.betaSPerByte + n * c.gammaSPerByte;
  const tau = load * (n / 2 / pipe.chunks) * c.betaSPerByte;
  return (pipe.chunks + Math.max(depth - 2, 0)) * tau + 2 * depth * c.alphaS + n * c.gammaSPerByte;
}

/**
 * The time of every schedule the other engines run (src/workload/training/collectives.ts), one entry per
 * (operation, algorithm) of COLLECTIVE_ALGORITHMS. Where a schedule differs from the published form of
 * collectiveTimeS (which COLL-02 checks): with p not a power of two MPICH folds the extra ranks in and out of
 * recursive doubling and Rabenseifner (p' = 2^floor(lg p) ranks run the algorithm: floor(lg p) + 2 whole-buffer
 * steps for recursive doubling, where the published form says ceil(lg p); 2 + 2 (p'-1)/p' buffers on
 * Rabenseifner's path, where it says 2 + 2 (p-1)/p); a pairwise all-to-all sends (p-1)/p of the buffer (a rank's
 * own block stays), where it says all of it; and Bruck's step k sends the slots j < p with bit k set, S/2 only at
 * powers of two. NCCL's double binary tree is pipelined (doubleBinaryTreeS); the
 * hierarchical and nvls all-reduces on one domain (one GPU per server) are the ring across servers, nvls-tree the
 * double binary tree, and the analytic engine costs their two levels itself (two-level.ts).
 */
export const SCHEDULE_TIME_S: { [O in CollectiveOp]: Record<Algorithm<O>, ScheduleTime> } = {
  'all-reduce': {
    ring: (p, n, c) => collectiveTimeS('all-reduce', 'ring', p, n, c),
    'double-binary-tree': doubleBinaryTreeS,
    'recursive-doubling': (p, n, c) => {
      const F = Math.floor(Math.log2(p));
      if (2 ** F === p) return collectiveTimeS('all-reduce', 'recursive-doubling', p, n, c);
      return (F + 2) * c.alphaS + (F + 2) * n * c.betaSPerByte + (F + 1) * n * c.gammaSPerByte;
    },
    rabenseifner: (p, n, c) => {
      const F = Math.floor(Math.log2(p));
      const pp = 2 ** F;
      if (pp === p) return collectiveTimeS('all-reduce', 'rabenseifner', p, n, c);
      const share = (pp - 1) / pp;
      return (2 * F + 2) * c.alphaS + (2 + 2 * share) * n * c.betaSPerByte + (1 + share) * n * c.gammaSPerByte;
    },
    hierarchical: (p, n, c) => collectiveTimeS('all-reduce', 'ring', p, n, c),
    nvls: (p, n, c) => collectiveTimeS('all-reduce', 'ring', p, n, c),
    'nvls-tree': doubleBinaryTreeS,
    // In-network reduction through one switch (the analytic engine costs the fabric's tree itself: sharp.ts):
    // each rank's chunks go up one hop and come down one (2 messages in sequence, alpha each), C chunks pipelined.
    sharp: (_p, n, c, pipe) => {
      const C = pipe?.chunks ?? 1;
      return 2 * c.alphaS + ((C + 1) / C) * n * c.betaSPerByte;
    },
  },
  'reduce-scatter': {
    ring: (p, n, c) => collectiveTimeS('reduce-scatter', 'ring', p, n, c),
    'recursive-halving': (p, n, c) => collectiveTimeS('reduce-scatter', 'recursive-halving', p, n, c),
  },
  'all-gather': {
    ring: (p, n, c) => collectiveTimeS('all-gather', 'ring', p, n, c),
    'recursive-doubling': (p, n, c) => collectiveTimeS('all-gather', 'recursive-doubling', p, n, c),
  },
  broadcast: {
    binomial: (p, n, c) => collectiveTimeS('broadcast', 'binomial', p, n, c),
    'scatter-allgather': (p, n, c) => collectiveTimeS('broadcast', 'scatter-allgather', p, n, c),
  },
  'all-to-all': {
    pairwise: (p, n, c) => (p - 1) * c.alphaS + ((p - 1) / p) * n * c.betaSPerByte,
    bruck: (p, n, c) => {
      if (2 ** Math.floor(Math.log2(p)) === p) return collectiveTimeS('all-to-all', 'bruck', p, n, c);
      let slots = 0;
      // Slots j < p with bit d set, per step: floor(p / 2d) d + max(0, p mod 2d - d).
      for (let d = 1; d < p; d *= 2) slots += Math.floor(p / (2 * d)) * d + Math.max(0, (p % (2 * d)) - d);
      return Math.ceil(Math.log2(p)) * c.alphaS + (slots / p) * n * c.betaSPerByte;
    },
    // Every send at once (one GPU per server here: no relay): one message's latency, (p-1)/p of S on each NIC.
    pxn: (p, n, c) => c.alphaS + ((p - 1) / p) * n * c.betaSPerByte,
  },
  reduce: {
    binomial: (p, n, c) => collectiveTimeS('reduce', 'binomial', p, n, c),
  },
};

/** SCHEDULE_TIME_S of an operation and algorithm given as strings (0 below 2 ranks). */
export function scheduleTimeS(
  op: CollectiveOp,
  algorithm: string,
  p: number,
  n: number,
  c: AlphaBetaGamma,
  pipe?: Pipelining,
): number {
  if (p < 2) return 0;
  const time = (SCHEDULE_TIME_S[op] as Record<string, ScheduleTime | undefined>)[algorithm];
  if (!time)
    throw new Error(`unknown algorithm "${algorithm}" for ${op}; the workload's COLLECTIVE_ALGORITHMS lists them`);
  return time(p, n, c, pipe);
}
