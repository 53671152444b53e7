// NCCL's cost model of one collective (NVIDIA/nccl src/graph/tuning.cc: ncclTopoTuneModel fills a latency and a
// bandwidth per (collective, algorithm, protocol); ncclTopoGetAlgoTime turns them into a time; the enqueue code
// takes the fastest). Every engine reads it through this file: the analytic engine adds its latency and derates
// its bandwidth, the schedule compiler gives the flow and packet engines the same latency (a delay) and the same
// derating (extra wire bytes). It is NCCL's model, not NCCL: what NCCL's graph search decides (its channel count,
// ring and tree bandwidths per channel) comes in from our fabric as `busBwGBs` and `nChannels`; what is left out
// is listed in constants.ts.

import type { CollectiveOp } from '../collective.ts';
import {
  type GpuArch,
  NCCL_2_20_3,
  type NcclAlgorithm,
  type NcclConstants,
  PROTOCOLS,
  type Protocol,
} from './constants.ts';

export interface TuneInput {
  op: CollectiveOp;
  nRanks: number;
  /** Servers (NCCL's nodes) the ranks are on. */
  nNodes: number;
  /**
   * Raw bus bandwidth per GPU, GB/s: NCCL's nChannels x the graph's per-channel bandwidth. On several nodes, the
   * GPU's NIC payload rate (the ring and tree graphs' bwInter); on one node, its NVLink bandwidth (bwIntra).
   */
  busBwGBs: number;
  /** NVLink bandwidth per GPU, GB/s (NVLS: bw = min(bwIntra, bwInter)); default busBwGBs. */
  intraBusBwGBs?: number;
  /** NCCL channels (the per-channel caps scale with them). */
  nChannels: number;
  /** Link inside a node (tuning.cc's intraHw): NVLink unless told PCI. */
  intraLink?: 'nvlink' | 'pci';
  arch?: GpuArch;
  /** NVLink SHARP available (NVSwitch with multicast): enables nvls (one node) and nvls-tree (several). */
  nvls?: boolean;
  /** In-network reduction on the fabric's switches (SHARP, NCCL's CollNet): enables collnet on several nodes. */
  collnet?: boolean;
  constants?: NcclConstants;
}

/** One (algorithm, protocol) of the model: NCCL's comm->latencies and comm->bandwidths entries. */
export interface Tuned {
  algorithm: NcclAlgorithm;
  protocol: Protocol;
  /** comm->latencies: once per collective, us. */
  latencyUs: number;
  /** Bus bandwidth after the protocol's refinements, GB/s. */
  busBwGBs: number;
  /** comm->bandwidths: algorithm bandwidth (bytes of the buffer per second), GB/s. */
  algBwGBs: number;
  /** busBwGBs / the raw bus bandwidth: what the protocol and algorithm keep of the link (<= 1). */
  efficiency: number;
}

const log2i = (n: number) => (n >= 1 ? Math.floor(Math.log2(n)) : 0);

/** Steps of a ring, and those that cross nodes (tuning.cc's nsteps, nInterSteps). */
function ringSteps(op: CollectiveOp, nRanks: number, nNodes: number, k: NcclConstants): [number, number] {
  if (op === 'all-reduce') return [2 * (nRanks - 1), k.allReduceInterSteps(nNodes)];
  if (op === 'reduce-scatter' || op === 'all-gather') return [nRanks - 1, nNodes - 1];
  return [nRanks, nNodes];
}

/** Whether NCCL costs this algorithm and protocol for this collective (2.20: ring everywhere, NVLS Simple only). */
function enabled(a: NcclAlgorithm, proto: Protocol, x: TuneInput): boolean {
  const { op, nNodes } = x;
  if (op === 'all-to-all') return false;
  // tuning.cc: CollNet Chain is costed for Simple only ("p != NCCL_PROTO_SIMPLE: busBw = 0"), needs the plug-in's
  // support (collNetSupport: the switches) and several nodes; CollNet Direct's reduce-scatter and all-gather are left out.
  if (a === 'collnet') return proto === 'Simple' && (x.collnet ?? false) && nNodes > 1 && op === 'all-reduce';
  if ((a === 'nvls' || a === 'nvls-tree') && (proto !== 'Simple' || !x.nvls)) return false;
  // tuning.cc: NVLS tree needs several nodes; NVLS alone, without CollNet, one node.
  if (a === 'nvls-tree' && nNodes === 1) return false;
  if (a === 'nvls' && nNodes > 1) return false;
  if (op === 'all-reduce') return true;
  if (op === 'reduce-scatter' || op === 'all-gather') return a === 'ring' || a === 'nvls';
  return a === 'ring';
}

/**
 * tuning.cc's "Various model refinements": the bus bandwidth an algorithm and protocol reach, GB/s. The factors
 * written here are the same in both releases' src/graph/tuning.cc (2.7.5 at 01afd20a, 2.20.3 at b6475625): ring LL
 * x 1/4 (x 1/3 on one node for the unrooted non-reductions), ring LL128 x 0.92 (x 0.7 below 2 GPUs per node), tree
 * LL / 3.8, tree LL128 x 7/9 on one node; what differs between them is in NcclConstants (constants.ts).
 */
function refinedBusBw(a: NcclAlgorithm, proto: Protocol, x: TuneInput, k: NcclConstants): number {
  const arch = x.arch ?? 'hopper';
  const scale = x.nNodes <= 2 ? x.nNodes - 1 : 2;
  const nCh = x.nChannels;
  const intra = x.intraBusBwGBs ?? x.busBwGBs;
  if (a === 'collnet') return x.busBwGBs * k.collnetFactor;
  if (a === 'nvls') return Math.min(intra, x.busBwGBs);
  if (a === 'nvls-tree') return Math.min(intra, x.nNodes <= 2 ? x.busBwGBs : x.busBwGBs / 2);
  let bw = x.busBwGBs;
  const ppn = x.nRanks / x.nNodes;
  if (a === 'ring') {
    if (proto === 'LL') {
      const third = x.nNodes === 1 && x.op !== 'all-reduce' && x.op !== 'reduce';
      bw = Math.min(k.llMaxBw[arch][scale], bw * (third ? 1 / 3 : 1 / 4));
    }
    if (proto === 'LL128') bw = Math.min(bw * (ppn < 2 ? 0.7 : 0.92), nCh * k.perChMaxRingLL128Bw[arch][scale]);
    return bw;
  }
  bw = Math.min(bw * k.treeFactor, nCh * k.perChMaxTreeBw[arch][scale], k.maxTreeBw[x.nNodes > 2 ? 0 : 1]);
  if (proto === 'LL') bw = Math.min(bw / 3.8, k.llMaxBw[arch][scale]);
  if (proto === 'LL128')
    bw = Math.min(bw * (x.nNodes === 1 ? 7 / 9 : k.treeLL128NetFactor), nCh * k.perChMaxTreeLL128Bw[arch][scale]);
  return bw;
}

/** tuning.cc's latency of an algorithm and protocol, us (before ncclTopoGetAlgoTime's plateau). */
function latencyUs(a: NcclAlgorithm, proto: Protocol, x: TuneInput, k: NcclConstants): number {
  const intraHw = x.intraLink ?? 'nvlink';
  let intraLat = k.hwLatUs[intraHw][a][proto];
  const interLat = k.hwLatUs.net[a][proto];
  if (x.nNodes > 1 && proto === 'LL') intraLat *= k.llIntraLatNetFactor;
  const ppn = Math.floor(x.nRanks / x.nNodes);
  const levels = log2i(x.nNodes);
  const base = k.baseLatUs[a][proto];
  if (a === 'ring') {
    const [nsteps, nInter] = ringSteps(x.op, x.nRanks, x.nNodes, k);
    if (x.op === 'broadcast' || x.op === 'reduce') {
      const hw = x.nNodes === 1 ? intraHw : 'net';
      return base + nsteps * k.hwLatUs[hw][proto === 'Simple' ? 'tree' : 'ring'][proto];
    }
    const overhead = x.nNodes > 1 ? k.netOverheadUs * (proto === 'Simple' ? 3 : 1) : 0;
    return base + (nsteps - nInter) * Math.max(intraLat, overhead) + nInter * interLat;
  }
  if (a === 'tree') return base + 2 * ((ppn - 1) * intraLat + levels * interLat);
  if (a === 'nvls') return intraLat + (x.nNodes > 1 ? interLat : 0);
  // CollNet Chain: 2 (ppn - 1) intraLat + interLat, its chain being the GPUs of a node; our schedule makes every
  // GPU its own SHARP leaf (a chain of one), so only the network term stays.
  if (a === 'collnet') return base + interLat;
  return base + intraLat + 2 * levels * interLat;
}

/** Every (algorithm, protocol) NCCL would cost for this collective, with its latency and bandwidths. */
export function ncclTune(x: TuneInput): Tuned[] {
  const k = x.constants ?? NCCL_2_20_3;
  const out: Tuned[] = [];
  if (x.nRanks < 2) return out;
  // tuning.cc's order (NCCL_ALGO_TREE 0, RING 1, COLLNET_CHAIN 3, NVLS 4, NVLS_TREE 5): ties go to the first.
  for (const a of ['tree', 'ring', 'collnet', 'nvls', 'nvls-tree'] as const)
    for (const proto of PROTOCOLS) {
      if (!enabled(a, proto, x)) continue;
      const busBw = refinedBusBw(a, proto, x, k);
      const [nsteps] = ringSteps(x.op, x.nRanks, x.nNodes, k);
      // "Convert bus BW to algorithm BW" (2.20.3's tuning.cc; 2.7.5 has no NVLS): rings by nRanks / nsteps, NVLS by
      // 5/6, trees and CollNet by 1/2.
      const ratio = a === 'ring' ? x.nRanks / nsteps : a === 'tree' || a === 'collnet' ? 0.5 : 5 / 6;
      // NVLS and NVLS_TREE run Simple only and tuning.cc gives them no protocol refinement: their min of the
      // intra- and inter-node bandwidths (and the tree's halving past 2 nodes) is the algorithm's structure, which
      // our schedules (hierarchical.ts, nvls-tree.ts) carry themselves, so they keep every byte (efficiency 1).
      const raw = a === 'nvls' || a === 'nvls-tree' ? busBw : x.busBwGBs;
      out.push({
        algorithm: a,
        protocol: proto,
        latencyUs: latencyUs(a, proto, x, k),
        busBwGBs: busBw,
        algBwGBs: busBw * ratio,
        efficiency: raw > 0 ? busBw / raw : 1,
      });
    }
  return out;
}

/**
 * ncclTopoGetAlgoTime: the latency, x the ring plateau (Simple all-reduce on several nodes), plus the bytes at
 * the algorithm bandwidth, trees' bandwidth x treeCorrectionFactor by size (medium messages). Microseconds.
 */
export function ncclTimeUs(t: Tuned, bytes: number, x: TuneInput): number {
  return ncclLatencyTermUs(t, bytes, x) + bytes / (1000 * ncclAlgBwGBs(t, bytes, x));
}

/** The latency ncclTopoGetAlgoTime charges (us): latencyUs, x the ring plateau where it applies. */
export function ncclLatencyTermUs(t: Tuned, bytes: number, x: TuneInput): number {
  const k = x.constants ?? NCCL_2_20_3;
  const plateau =
    t.algorithm === 'ring' &&
    t.protocol === 'Simple' &&
    x.nNodes > 1 &&
    x.op === 'all-reduce' &&
    k.plateauApplies(bytes, x.nRanks, x.nChannels);
  return plateau ? t.latencyUs * k.ringPlateau : t.latencyUs;
}

/** The algorithm bandwidth ncclTopoGetAlgoTime uses at this size (GB/s): trees' corrected by size. */
export function ncclAlgBwGBs(t: Tuned, bytes: number, x: TuneInput): number {
  const k = x.constants ?? NCCL_2_20_3;
  const table = k.treeCorrection[t.protocol];
  const logSize = log2i(Math.floor(bytes / 64));
  const corr = t.algorithm === 'tree' && logSize < table.length ? table[logSize] : 1;
  return t.algBwGBs * corr;
}

/**
 * What NCCL picks for `bytes` (the fastest entry by ncclTimeUs, ties to the earlier algorithm and protocol, as
 * its loops keep the first minimum), among `algorithms` and `protocols` when given (NCCL_ALGO, NCCL_PROTO). Undefined when none is enabled.
 */
export function ncclChoose(
  x: TuneInput,
  bytes: number,
  algorithms?: readonly NcclAlgorithm[],
  protocols?: readonly Protocol[],
): (Tuned & { timeUs: number }) | undefined {
  let best: (Tuned & { timeUs: number }) | undefined;
  for (const t of ncclTune(x)) {
    if (algorithms && !algorithms.includes(t.algorithm)) continue;
    if (protocols && !protocols.includes(t.protocol)) continue;
    const timeUs = ncclTimeUs(t, bytes, x);
    if (!best || timeUs < best.timeUs) best = { ...t, timeUs };
  }
  return best;
}
