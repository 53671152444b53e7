// Which NCCL protocol a collective runs with, and for `algorithm: auto` which algorithm, chosen as NCCL chooses
// (workload/nccl: the fastest by its tuning model at this size), and what that costs on every engine: NCCL's
// latency term, charged once, and the protocol's bandwidth efficiency, charged on every byte. The model's inputs
// come from our fabric: the GPU's NIC line rate (NCCL's graph bandwidth, which it reads from the port speed) on
// several servers, its NVLink bandwidth on one; NCCL's channel count is ours. Left out: NCCL's own graph search
// (its channel count and per-channel bandwidths), the per-size channel and thread reduction, and the MPI
// algorithms (recursive doubling, Rabenseifner, Bruck, binomial, pairwise, hierarchical), which keep their
// alpha-beta costs: NCCL does not run them.

import type { CollectiveOp } from '../collective.ts';
import { type NcclAlgorithm, ncclChoose, ncclLatencyTermUs, type Protocol, type TuneInput } from '../nccl/index.ts';

export type ProtocolChoice = Protocol | 'auto' | 'none';
export const PROTOCOL_CHOICES: readonly ProtocolChoice[] = ['auto', 'LL', 'LL128', 'Simple', 'none'];

/**
 * Our algorithms that NCCL runs, by NCCL's name for them. nvls and nvls-tree are costed once a schedule of that
 * name exists for the operation (COLLECTIVE_ALGORITHMS) and the spec says NVLS is available (CollectiveSpec.nvls).
 */
export const NCCL_NAME: Readonly<Record<string, NcclAlgorithm>> = {
  ring: 'ring',
  'double-binary-tree': 'tree',
  nvls: 'nvls',
  'nvls-tree': 'nvls-tree',
  sharp: 'collnet',
};
const OUR_NAME: Readonly<Record<NcclAlgorithm, string>> = {
  ring: 'ring',
  tree: 'double-binary-tree',
  nvls: 'nvls',
  'nvls-tree': 'nvls-tree',
  collnet: 'sharp',
};

/** What `algorithm: auto` falls back to where NCCL's model has nothing to choose (and with `protocol: none`). */
export const DEFAULT_ALGORITHM: Readonly<Record<CollectiveOp, string>> = {
  'all-reduce': 'ring',
  'reduce-scatter': 'ring',
  'all-gather': 'ring',
  broadcast: 'binomial',
  'all-to-all': 'pairwise',
  reduce: 'binomial',
};

/**
 * `algorithm: auto` where NCCL's model has nothing to choose: DEFAULT_ALGORITHM, but an all-to-all with several
 * of its ranks on one server runs NCCL's p2p path, which relays through the GPU on the destination's rail (pxn):
 * PXN is on by default (NVIDIA/nccl src/graph/paths.cc, NCCL_PARAM(PxnDisable, "PXN_DISABLE", 0); NCCL 2.12+),
 * and ncclTopoGetNetDev (src/graph/search.cc) at the default NCCL_P2P_PXN_LEVEL 2 ("use PXN as much as possible
 * to maximize aggregation") sends to a peer through the NIC of the local GPU with the peer's device index when
 * that GPU is reached over NVLink. With one rank per server there is no relay (pairwise stays, MPICH's).
 */
function autoFallback(x: ProtocolInput, known: (algorithm: string) => boolean): string {
  if (x.op === 'all-to-all' && x.nRanks > x.nNodes && known('pxn')) return 'pxn';
  return DEFAULT_ALGORITHM[x.op];
}

export interface ProtocolInput {
  op: CollectiveOp;
  /** An algorithm of COLLECTIVE_ALGORITHMS, or `auto`. */
  algorithm: string;
  protocol: ProtocolChoice;
  /** Per-rank buffer S (nccl-tests convention, which is NCCL's nBytes). */
  bytes: number;
  nRanks: number;
  /** Servers the ranks are on. */
  nNodes: number;
  /** A rank's NIC line rate and NVLink bandwidth per direction, bits per second. */
  nicBps: number;
  intraBps: number;
  channels: number;
  /** NICs of a server a ring's channels leave through (ringOrder: channel c on rail c - 1), >= 1. */
  ringNics: number;
  /**
   * NCCL would run NVLS on these ranks (compileCollective's ncclNvlsSupport: a GPU profile's NVSwitch, more than
   * 2 GPUs per domain): lets `auto` pick nvls or nvls-tree where registered. Named nvls and nvls-tree are costed
   * whatever it says (their schedules need an NVLS domain: hierarchical.ts nvlsUnavailable).
   */
  nvls?: boolean;
}

export interface ProtocolPlan {
  algorithm: string;
  /** Absent where the model does not apply. */
  protocol?: Protocol;
  /** NCCL's latency term (plateau included), ps. */
  latencyPs: number;
  /** Bus bandwidth kept by the protocol and algorithm (tuning.cc's refinements), <= 1. */
  efficiency: number;
}

/**
 * Candidates of `auto`: NCCL's algorithms for this collective that we have schedules for. Never CollNet (sharp):
 * NCCL runs it only with NCCL_COLLNET_ENABLE=1 (default 0, NCCL's environment variables page), so it is asked for by name.
 */
function candidates(op: CollectiveOp, known: (a: string) => boolean, nvls: boolean): NcclAlgorithm[] {
  const all: NcclAlgorithm[] = op === 'all-reduce' ? ['tree', 'ring', 'nvls', 'nvls-tree'] : ['ring', 'nvls'];
  return all.filter((a) => known(OUR_NAME[a]) && (nvls || !a.startsWith('nvls')));
}

/**
 * The algorithm, protocol, latency and efficiency of one collective. `known` says which algorithm names have
 * schedules for this operation (COLLECTIVE_ALGORITHMS).
 */
export function planProtocol(x: ProtocolInput, known: (algorithm: string) => boolean): ProtocolPlan {
  const fallback = x.algorithm === 'auto' ? autoFallback(x, known) : x.algorithm;
  const ideal: ProtocolPlan = { algorithm: fallback, latencyPs: 0, efficiency: 1 };
  if (x.protocol === 'none' || x.nRanks < 2) return ideal;
  const algos = x.algorithm === 'auto' ? candidates(x.op, known, x.nvls ?? false) : [NCCL_NAME[x.algorithm]];
  if (algos.length === 0 || algos[0] === undefined) return ideal;
  let plan: ProtocolPlan | undefined;
  let bestUs = Number.POSITIVE_INFINITY;
  // Named nvls or nvls-tree: NCCL_ALGO forces it; its model then gives it its latency (tuning.cc: NVLS intraLat,
  // NVLS_TREE intraLat + 2 log2(nNodes) interLat), which it did not while only `auto` read x.nvls.
  const nvls = (x.nvls ?? false) || x.algorithm === 'nvls' || x.algorithm === 'nvls-tree';
  // One model input per algorithm, as NCCL tunes each on its own graph (ring and tree graphs differ).
  for (const a of algos) {
    const input = tuneInput({ ...x, nvls }, a);
    const best = ncclChoose(input, x.bytes, [a], x.protocol === 'auto' ? undefined : [x.protocol]);
    if (!best || !(best.timeUs < bestUs)) continue;
    bestUs = best.timeUs;
    plan = {
      algorithm: OUR_NAME[best.algorithm],
      protocol: best.protocol,
      latencyPs: Math.round(ncclLatencyTermUs(best, x.bytes, input) * 1e6),
      efficiency: best.efficiency,
    };
  }
  return plan ?? ideal;
}

/**
 * The model's input for one algorithm. Its raw bus bandwidth is what our schedule gives a rank: on one server,
 * NVLink; across servers, a ring's channels leave every server through `ringNics` NICs (each ring edge carries
 * the ring's share, so a rank's bus bandwidth is ringNics NIC rates, at most its NVLink), and a tree sends
 * through each rank's own NIC. This is NCCL's nChannels x per-channel bandwidth of its ring and tree graphs.
 */
function tuneInput(x: ProtocolInput, a: NcclAlgorithm): TuneInput {
  // nvls-tree: every GPU of a domain sends its slice through its own NIC (nvls-tree.ts), as NCCL's NVLS tree
  // graph has one head per NIC of a node, so the domain's NICs together carry its traffic (NCCL's nChannels x
  // bwInter of that graph); tuning.cc then takes min(bwIntra, bwInter, halved past 2 nodes).
  const perDomain = Math.max(1, Math.floor(x.nRanks / Math.max(1, x.nNodes)));
  const nics = a === 'ring' ? Math.max(1, x.ringNics) : a === 'nvls-tree' ? perDomain : 1;
  // sharp: every GPU sends its buffer up and gets the result back through its own NIC (training/sharp.ts).
  const raw = a === 'collnet' ? x.nicBps : x.nNodes > 1 ? Math.min(x.intraBps, x.nicBps * nics) : x.intraBps;
  return {
    op: x.op,
    nRanks: x.nRanks,
    nNodes: x.nNodes,
    busBwGBs: raw / 8e9,
    intraBusBwGBs: x.intraBps / 8e9,
    nChannels: x.channels,
    nvls: x.nvls,
    collnet: a === 'collnet',
  };
}
