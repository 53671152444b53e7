// The constants of NCCL's tuning model (NVIDIA/nccl src/graph/tuning.cc), one set per NCCL release we read.
// NCCL_2_20_3 is the default (tag v2.20.3, commit b6475625fbcaa2c3c0e50eed2fa1255d7514d4a2, tuning.cc read
// through the search tool); NCCL_2_7_5 is the older set COLL-03 pins (commit 01afd20a77b5, makefiles/version.mk
// 2.7.5). Latencies are in microseconds and bandwidths in GB/s (1e9 B/s), as in tuning.cc. What is left out:
// CollNet (in-network reduction over SHARP with NCCL's plug-in), Volta/Ampere CPU-vendor rows other than Intel,
// the per-channel thread counts (NCCL_NTHREADS) and graphs' `latencyInter` (the net plug-in's own latency, 0 for
// IB and RoCE: our fabric's path latency stands in for it). CollNet (in-network reduction in the switches, SHARP
// through NCCL's plug-in) is costed by its CollNet Chain rows with one GPU per chain (`collnet`: each GPU its own
// SHARP leaf); CollNet Direct (an intra-node reduce-scatter first) and 2.7.5's CollNet LL row are left out.

/**
 * NCCL's algorithms the model costs: ring, (double binary) tree, NVLink SHARP, NVLS with trees across nodes, and
 * CollNet (in-network reduction on the switches: SHARP).
 */
export type NcclAlgorithm = 'ring' | 'tree' | 'nvls' | 'nvls-tree' | 'collnet';
/** NCCL's protocols: LL (8 B of data per 16 B line), LL128 (120 B per 128 B line), Simple (bulk copies). */
export type Protocol = 'LL' | 'LL128' | 'Simple';
export const PROTOCOLS: readonly Protocol[] = ['LL', 'LL128', 'Simple'];
export const NCCL_ALGORITHMS: readonly NcclAlgorithm[] = ['ring', 'tree', 'nvls', 'nvls-tree', 'collnet'];

/** Which link a hop crosses: tuning.cc's NCCL_HW_NVLINK, NCCL_HW_PCI, NCCL_HW_NET. */
export type HwLink = 'nvlink' | 'pci' | 'net';
/** GPU generations with their own rows in the per-channel tables (tuning.cc's *_COMPCAP_IDX). */
export type GpuArch = 'volta' | 'ampere' | 'hopper';

type PerProto = Readonly<Record<Protocol, number>>;
type PerAlgo = Readonly<Record<NcclAlgorithm, PerProto>>;
/** Rows by GPU generation, columns by scale: 1 node, 2 nodes, 4 or more (tuning.cc's index2). */
type PerArchScale = Readonly<Record<GpuArch, readonly [number, number, number]>>;

const p = (LL: number, LL128: number, Simple: number): PerProto => ({ LL, LL128, Simple });

export interface NcclConstants {
  /** Release and commit, for outputs and docs. */
  release: string;
  /** baseLat[algorithm][protocol], us: once per collective. */
  baseLatUs: PerAlgo;
  /** hwLat[link][algorithm][protocol], us: per step (ring) or per tree level. */
  hwLatUs: Readonly<Record<HwLink, PerAlgo>>;
  /** Inter-node steps of a ring all-reduce: 2(nNodes - 1) in 2.7.5, 2 nNodes (the wrap-around counted) in 2.20. */
  allReduceInterSteps: (nNodes: number) => number;
  /** Software cost of posting a network send, us, per ring step on several nodes (x3 for Simple); 0 before 2.20. */
  netOverheadUs: number;
  /** Ring LL: bus bandwidth x 1/4 (1/3 on one node for all-gather, reduce-scatter, broadcast), capped by llMaxBw. */
  llMaxBw: PerArchScale;
  /** Ring LL128: x 0.92 (x 0.7 with one GPU per node), capped by nChannels x this. */
  perChMaxRingLL128Bw: PerArchScale;
  /** Tree: x treeFactor, capped by nChannels x this (2.7.5: by maxTreeBw, an absolute cap). */
  perChMaxTreeBw: PerArchScale;
  perChMaxTreeLL128Bw: PerArchScale;
  treeFactor: number;
  /** Tree LL128 on several nodes: x this (on one node x 7/9). */
  treeLL128NetFactor: number;
  /** 2.7.5's absolute tree caps (GB/s): more than 2 nodes, 2 or fewer. Infinity in later releases. */
  maxTreeBw: readonly [number, number];
  /** Ring Simple all-reduce on several nodes: latency x this once messages leave the latency regime. */
  ringPlateau: number;
  /** Whether the plateau applies: 2.20 from 64 B per channel and rank, 2.7.5 from nRanks/16 x 64 KiB. */
  plateauApplies: (bytes: number, nRanks: number, nChannels: number) => boolean;
  /** CollNet's bus bandwidth x this (2.7.5: "busBw *= .9"; 2.20.3's CollNet Chain: no refinement, 1). */
  collnetFactor: number;
  /** LL's intra-node hop latency x this on several nodes (2.7.5: 1.8; dropped later). */
  llIntraLatNetFactor: number;
  /** treeCorrectionFactor[protocol][log2(bytes / 64)], 64 B up. */
  treeCorrection: Readonly<Record<Protocol, readonly number[]>>;
}

const ALL = <T>(x: T): Record<GpuArch, T> => ({ volta: x, ampere: x, hopper: x });

/** NCCL 2.20.3 (tuning.cc lines "baseLat", "hwLat", "llMaxBws", "perChMax*Bws", "treeCorrectionFactor"). */
export const NCCL_2_20_3: NcclConstants = {
  release: 'NCCL 2.20.3 (NVIDIA/nccl b6475625, src/graph/tuning.cc)',
  baseLatUs: {
    tree: p(6.8, 14.0, 0),
    ring: p(6.6, 14.0, 8.4),
    nvls: p(0, 0, 0),
    'nvls-tree': p(0, 0, 0),
    // "Collnet Direct, Chain": 0 for both; collnet takes the Chain column (CollNetChain, Simple only).
    collnet: p(0, 0, 0),
  },
  hwLatUs: {
    nvlink: {
      tree: p(0.6, 1.25, 28),
      ring: p(0.6, 1.9, 3.4),
      nvls: p(0, 0, 23),
      'nvls-tree': p(0, 0, 23),
      collnet: p(0, 0, 2.8),
    },
    pci: {
      tree: p(1.0, 1.9, 28),
      ring: p(1.0, 2.5, 5.7),
      nvls: p(0, 0, 0),
      'nvls-tree': p(0, 0, 0),
      collnet: p(0, 0, 2.8),
    },
    net: {
      tree: p(5.0, 8.5, 28),
      ring: p(2.7, 4.0, 14.0),
      nvls: p(0, 0, 18),
      'nvls-tree': p(0, 0, 14),
      collnet: p(0, 0, 30),
    },
  },
  allReduceInterSteps: (nNodes) => (nNodes > 1 ? 2 * nNodes : 0),
  // getNetOverhead: 1 us on Intel x86 (2 on AMD).
  netOverheadUs: 1.0,
  // Rows: Volta/Intel, Ampere/AMD, Hopper/AMD; on several nodes tuning.cc picks the row by CPU vendor (Intel: 0).
  llMaxBw: { volta: [39.0, 39.0, 20.4], ampere: [87.7, 22.5, 19.0], hopper: [87.7, 22.5, 19.0] },
  perChMaxRingLL128Bw: { volta: [20, 20, 20], ampere: [20, 20, 20], hopper: [36.7, 36.7, 36.7] },
  perChMaxTreeLL128Bw: { volta: [20, 20, 20], ampere: [20, 20, 20], hopper: [36.7, 36.7, 29.0] },
  perChMaxTreeBw: { volta: [26.5, 18.5, 10.0], ampere: [24.0, 23.6, 17.8], hopper: [38.7, 41.4, 36.0] },
  treeFactor: 0.92,
  treeLL128NetFactor: 120 / 128,
  maxTreeBw: [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY],
  // "Plateau effect of ring": x1.4 from compute capability 8.0 (x1.9 before).
  ringPlateau: 1.4,
  plateauApplies: (bytes, nRanks, nChannels) => bytes / (nChannels * nRanks) >= 64,
  collnetFactor: 1,
  llIntraLatNetFactor: 1,
  treeCorrection: {
    LL: [
      1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.7, 0.7, 0.7, 0.7, 0.6, 0.5, 0.4, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.0, 1.0, 1.0,
    ],
    LL128: [
      1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.8, 0.9, 0.9, 0.9, 0.9, 1.0, 1.0,
    ],
    Simple: [
      0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.8, 0.7, 0.6, 0.6, 0.5, 0.5, 0.5, 0.5, 0.6, 0.7, 0.8, 0.7, 0.7, 0.8, 0.9, 0.9,
    ],
  },
};

/** NCCL 2.7.5, the set COLL-03 pins: no NVLS, Simple tree NET latency 50 us, absolute tree caps. */
export const NCCL_2_7_5: NcclConstants = {
  release: 'NCCL 2.7.5 (NVIDIA/nccl 01afd20a77b5, src/graph/tuning.cc)',
  baseLatUs: {
    tree: p(4.4, 4.4, 0),
    ring: p(3.6, 10.0, 8.4),
    nvls: p(0, 0, 0),
    'nvls-tree': p(0, 0, 0),
    collnet: p(4.4, 4.4, 0),
  },
  hwLatUs: {
    nvlink: {
      tree: p(0.52, 1.2, 28),
      ring: p(0.47, 1.9, 3.4),
      nvls: p(0, 0, 0),
      'nvls-tree': p(0, 0, 0),
      collnet: p(0.5, 1.2, 4.0),
    },
    pci: {
      tree: p(1.0, 1.9, 28),
      ring: p(1.0, 2.5, 5.7),
      nvls: p(0, 0, 0),
      'nvls-tree': p(0, 0, 0),
      collnet: p(1.0, 1.9, 5.5),
    },
    net: {
      tree: p(5.0, 8.5, 50),
      ring: p(2.7, 4.0, 9.6),
      nvls: p(0, 0, 0),
      'nvls-tree': p(0, 0, 0),
      collnet: p(5.0, 5.0, 10.7),
    },
  },
  allReduceInterSteps: (nNodes) => 2 * (nNodes - 1),
  netOverheadUs: 0,
  // 2.7.5 has no LL cap and one LL128 per-channel cap per collective (ll128MaxBwPerCh, all-reduce 16.7).
  llMaxBw: ALL([Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY] as const),
  perChMaxRingLL128Bw: ALL([16.7, 16.7, 16.7] as const),
  perChMaxTreeLL128Bw: ALL([16.7 * (7 / 9), 16.7 * (7 / 9), 16.7 * (7 / 9)] as const),
  perChMaxTreeBw: ALL([Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY] as const),
  treeFactor: 0.9,
  treeLL128NetFactor: 0.915,
  maxTreeBw: [80, 110],
  ringPlateau: 1.9,
  plateauApplies: (bytes, nRanks) => bytes >= (nRanks / 16) * 65536,
  collnetFactor: 0.9,
  llIntraLatNetFactor: 1.8,
  treeCorrection: {
    LL: [1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.7, 0.7, 0.7, 0.7, 0.6, 0.5, 0.4, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.0, 1.0],
    LL128: [
      1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.5, 0.6, 0.6, 0.7, 0.7, 0.8, 0.9, 0.9, 1.0,
    ],
    Simple: [
      0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.8, 0.7, 0.6, 0.6, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.6, 0.6, 0.7, 0.8, 0.9,
    ],
  },
};
