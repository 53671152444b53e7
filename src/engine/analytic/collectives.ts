// Closed forms of collective operations: the alpha-beta-gamma costs of MPI algorithms (Thakur, Rabenseifner
// and Gropp, IJHPCA 2005, as carried in MPICH; COLL-02) and NCCL's ring/tree latency model (COLL-03); nccl-tests'
// bus-bandwidth definitions (COLL-01) are in src/workload/collective.ts. The analytic engine (issue 4) builds on these.
import type { CollectiveOp } from '../../workload/collective.ts';

/** Per-message latency (s), per-byte transfer time (s/B) and per-byte reduction time (s/B). */
export interface AlphaBetaGamma {
  alphaS: number;
  betaSPerByte: number;
  gammaSPerByte: number;
}

export const ALGORITHMS = {
  'all-reduce': ['ring', 'rabenseifner', 'recursive-doubling'],
  'reduce-scatter': ['ring', 'recursive-halving'],
  'all-gather': ['ring', 'recursive-doubling'],
  broadcast: ['binomial', 'scatter-allgather'],
  'all-to-all': ['pairwise', 'bruck'],
  reduce: ['binomial'],
} as const satisfies Record<CollectiveOp, readonly string[]>;

export type Algorithm<O extends CollectiveOp> = (typeof ALGORITHMS)[O][number];

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
  throw new Error(
    `unknown algorithm "${algorithm}" for ${op}; use one of ${(ALGORITHMS[op] as readonly string[]).join(', ')}`,
  );
}

/**
 * Time (s) of the schedule the other engines run (src/workload/training/collectives.ts), where it differs from
 * the published form of collectiveTimeS (which COLL-02 checks): with p not a power of two MPICH folds the extra
 * ranks in and out of recursive doubling and Rabenseifner (p' = 2^floor(lg p) ranks run the algorithm:
 * floor(lg p) + 2 whole-buffer steps for recursive doubling, where the published form says ceil(lg p); 2 + 2
 * (p'-1)/p' buffers on Rabenseifner's path, where it says 2 + 2 (p-1)/p); a pairwise all-to-all sends
 * (p-1)/p of the buffer (a rank's own block stays), where it says all of it; and Bruck's step k sends the
 * slots j < p with bit k set, S/2 only at powers of two. The collective schedule tests (collectives.test.ts)
 * count the same steps and bytes in the compiled schedules.
 */
export function scheduleTimeS(op: CollectiveOp, algorithm: string, p: number, n: number, c: AlphaBetaGamma): number {
  if (p < 2) return 0;
  const { alphaS: a, betaSPerByte: b, gammaSPerByte: g } = c;
  const F = Math.floor(Math.log2(p));
  const pp = 2 ** F;
  if (op === 'all-to-all' && algorithm === 'pairwise') return (p - 1) * a + ((p - 1) / p) * n * b;
  if (pp !== p) {
    if (op === 'all-reduce' && algorithm === 'recursive-doubling')
      return (F + 2) * a + (F + 2) * n * b + (F + 1) * n * g;
    if (op === 'all-reduce' && algorithm === 'rabenseifner') {
      const share = (pp - 1) / pp;
      return (2 * F + 2) * a + (2 + 2 * share) * n * b + (1 + share) * n * g;
    }
    if (op === 'all-to-all' && algorithm === 'bruck') {
      let slots = 0;
      // Slots j < p with bit d set, per step: floor(p / 2d) d + max(0, p mod 2d - d).
      for (let d = 1; d < p; d *= 2) slots += Math.floor(p / (2 * d)) * d + Math.max(0, (p % (2 * d)) - d);
      return Math.ceil(Math.log2(p)) * a + (slots / p) * n * b;
    }
  }
  return collectiveTimeS(op, algorithm, p, n, c);
}

/**
 * NCCL's latency model for the Simple protocol (NVIDIA/nccl src/graph/tuning.cc at 01afd20a77b5, COLL-03):
 * ring = base + (nsteps - nInterSteps) intra + nInterSteps inter, nsteps = 2(nRanks-1), nInterSteps =
 * 2(nNodes-1); tree = base + 2((nRanks/nNodes - 1) intra + log2(nNodes) inter). Microseconds.
 */
export const NCCL_SIMPLE_US = {
  baseRing: 8.4,
  baseTree: 0,
  intraRing: 3.4,
  interRing: 9.6,
  intraTree: 28,
  interTree: 50,
} as const;

export function ncclLatencyUs(algorithm: 'ring' | 'tree', ranks: number, nodes: number): number {
  const c = NCCL_SIMPLE_US;
  if (algorithm === 'ring') {
    const nsteps = 2 * (ranks - 1);
    const inter = nodes > 1 ? 2 * (nodes - 1) : 0;
    return c.baseRing + (nsteps - inter) * c.intraRing + inter * c.interRing;
  }
  return c.baseTree + 2 * ((ranks / nodes - 1) * c.intraTree + Math.log2(nodes) * c.interTree);
}
