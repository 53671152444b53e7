// Closed-form time of the two-level all-reduces (workload/training/hierarchical.ts: hierarchical and nvls): a
// reduce-scatter inside each NVLink domain, an all-reduce per rail across domains, an all-gather inside each
// domain, pipelined chunk by chunk. Every rank does the same work at the same time, so one rank's max-plus
// recurrence over the chunks is the op's time:
//   rs[c] = rs[c-1] + RS                       a rank's reduce-scatter copies, one chunk after the other
//   ar[c] = max(rs[c], ar[c-1]) + AR           its rail's ring, after its slice is reduced and the last chunk's ring
//   ag[c] = max(ar[c], ag[c-1], rs[C-1]) + AG  ring copies share the NVLink egress with the reduce-scatter; NVLS
//                                              phases are duplex and leave rs[C-1] out
// with RS = AG = (R-1) ring copies of N units, or one NVLS phase of R N units x (1 + 1/R) (hierarchical.ts), and
// AR = 2 (N-1) fabric hops of one unit per channel, the channels sharing the NIC. Leaves out what the schedule
// leaves out (protocols, SM time). nvls-tree runs its trees across domains as the flow engine does
// (tree-pipeline.ts, with the NVLS phases around each chunk and NCCL's credit window on each tree connection).

import { NCCL_STEPS } from '../../workload/nccl/index.ts';
import { TREE_SIM_RANKS, treePipelineS } from './tree-pipeline.ts';

/** The costs the analytic engine measured for the op's ranks (engine.ts, rankCost). */
export interface TwoLevelCost {
  /** GPUs per domain (R) and domains (N). */
  R: number;
  N: number;
  /** Pipeline chunks per channel and channels. */
  chunks: number;
  channels: number;
  /** Per intra-domain copy (s) and per byte at the GPU's NVLink rate (s/B). */
  intraAlphaS: number;
  intraBetaSPerByte: number;
  /** Per fabric hop (s) and per byte at a rank's share of its NIC (s/B). */
  netAlphaS: number;
  netBetaSPerByte: number;
}

/** Time (s) of a two-level all-reduce of n bytes per rank. */
export function twoLevelTimeS(kind: 'hierarchical' | 'nvls', n: number, c: TwoLevelCost): number {
  const { R, N, chunks: C, channels: K } = c;
  if (R * N < 2) return 0;
  // One channel's unit; K channels copy at once, each at 1/K of the GPU's rate (intraCopyPs), and send at once.
  const unit = Math.ceil(n / K / (R * N * C));
  const ringCopy = c.intraAlphaS + N * unit * K * c.intraBetaSPerByte;
  const nvlsPhase = c.intraAlphaS + R * N * unit * (1 + 1 / R) * K * c.intraBetaSPerByte;
  const intra = R < 2 ? 0 : kind === 'nvls' ? nvlsPhase : (R - 1) * ringCopy;
  const inter = N < 2 ? 0 : 2 * (N - 1) * (c.netAlphaS + unit * K * c.netBetaSPerByte);
  const rsLast = C * intra;
  let rs = 0;
  let ar = 0;
  let ag = 0;
  for (let k = 0; k < C; k++) {
    rs += intra;
    ar = Math.max(rs, ar) + inter;
    ag = Math.max(ar, ag, kind === 'hierarchical' ? rsLast : 0) + intra;
  }
  return ag;
}

/**
 * Time (s) of NCCL's NVLS_TREE all-reduce (workload/training/nvls-tree.ts) of n bytes per rank: an NVLS phase
 * per chunk on each side of a double binary tree per rail, every phase pipelined by lag-0 step deps. The rails'
 * trees share no NIC and are alike, so one rail's, with the phases around each chunk, is the op's time
 * (tree-pipeline.ts, as the flow engine runs it). Past TREE_SIM_RANKS domains the many-chunk form: the busiest
 * NIC copies `load` chunks of one tree's half slice per chunk index, the first chunk fills depth - 2 more, 2 depth
 * hops of latency, and the phases add the first chunk's reduce-scatter and the last one's all-gather, or bound it
 * when they are slower.
 */
export function nvlsTreeTimeS(n: number, c: TwoLevelCost, tree: { depth: number; load: number }): number {
  const { R, N, chunks: C, channels: K } = c;
  if (R * N < 2) return 0;
  const unit = Math.ceil(n / K / (R * 2 * C));
  const phase = R < 2 ? 0 : c.intraAlphaS + 2 * R * unit * (1 + 1 / R) * K * c.intraBetaSPerByte;
  if (N < 2) return (C + 1) * phase;
  // The rails' trees are alike and share no NIC: one rail's, run as the flow engine runs it (tree-pipeline.ts).
  if (N <= TREE_SIM_RANKS)
    return treePipelineS({
      p: N,
      chunks: C,
      netS: unit * K * c.netBetaSPerByte,
      copyS: 0,
      alphaS: c.netAlphaS,
      phaseS: phase,
      window: NCCL_STEPS,
    });
  const tau = tree.load * unit * K * c.netBetaSPerByte;
  const treeS = (C + Math.max(tree.depth - 2, 0)) * tau + 2 * tree.depth * c.netAlphaS;
  return 2 * phase + Math.max((C - 1) * phase, treeS);
}
