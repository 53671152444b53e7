// The analytic engine: closed forms on the op-level DAG of a traffic program. Each collective takes its
// algorithm's alpha-beta cost (COLL-02; NCCL's tree model for double-binary-tree, COLL-03), with
//   alpha = the store-and-forward latency of one full frame over the longest path between the op's ranks
//           (serialization per hop + propagation + switch port-to-port latency; the flow engine's path latency),
//   beta  = 1 / the per-rank bandwidth of the op's traffic pattern under perfect load balance: the NIC's payload
//           rate (line rate x mtu / frame bytes), reduced where the pattern's flows out of (or into) a leaf or a
//           pod exceed its uplink capacity (the oversubscription the pattern actually meets),
//   gamma = 0 (GPU reductions run at memory bandwidth, far above the NIC's, and overlap with transfers).
// Compute ops take their given time; an op starts when its dependencies end. Plain flows (patterns, flow lists)
// get the hose-model bound: each flow's rate is its NIC's payload rate shared by the flows at its busiest end.
import type { Catalog } from '../../catalog/index.ts';
import { domainOf, indexInDomain } from '../../fabric/nvlink.ts';
import type { Fabric, LinkId, NodeId } from '../../fabric/types.ts';
import type { FlowResult, InvariantCheck, Result } from '../../result/types.ts';
import { RESULT_VERSION, zeroCounters } from '../../result/types.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { NCCL_STEPS } from '../../workload/nccl/index.ts';
import {
  OP_KIND,
  type OpIndex,
  opIndex,
  type ProgramOp,
  type TrafficProgram,
  type Transfer,
} from '../../workload/program.ts';
import { doubleTreeParents, ringOrder } from '../../workload/training/collectives.ts';
import { TWO_LEVEL } from '../../workload/training/hierarchical.ts';
import { intraOf } from '../../workload/training/job.ts';
import { type NetworkConfig, resolveNetwork } from '../core/network.ts';
import { summarizeOps } from '../core/ops.ts';
import { runStats } from '../core/run-stats.ts';
import { doubleTreeNetShape, doubleTreeShape, scheduleTimeS } from './collectives.ts';
import { HostPorts } from './host-ports.ts';
import { FLUID_ALGORITHMS, scheduleFluidPs } from './schedule-fluid.ts';
import { FLAT_ALGORITHMS, schedulePathPs } from './schedule-path.ts';
import { sharpTimeS } from './sharp.ts';
import { TREE_SIM_RANKS, treePipelineS } from './tree-pipeline.ts';
import { nvlsTreeTimeS, twoLevelTimeS } from './two-level.ts';

export interface AnalyticRunOptions {
  seed: number;
  name?: string;
}

/** Alpha (s), beta (s per payload byte) for a set of ranks, and the intra-server domain's. */
export interface OpCost {
  alphaS: number;
  betaSPerByte: number;
  /** Reduction time per byte (0 here: see the header). */
  gammaSPerByte: number;
  intraAlphaS: number;
  intraBetaSPerByte: number;
  servers: number;
  gpusPerServer: number;
  /** Network (not intra-server) per-byte time of the ranks' NICs, for rings that mix both kinds of hop. */
  netBetaSPerByte: number;
  /**
   * Rings whose channels take different rails (ringOrder): the channels, each with 1/channels of the buffer and
   * netBetaSPerByte with every channel's flows sharing the NICs and uplinks. 1 when every channel runs the same
   * ring: then they share each of its NICs and take as long as one ring of the whole buffer.
   */
  channels: number;
  /**
   * A double binary tree: the most tree edges between servers on one NIC per chunk index (doubleTreeNetShape),
   * whether any edge is an intra-server copy, each rank's server and each edge's fabric latency (tree-pipeline.ts;
   * both absent inside one server).
   */
  tree?: { netLoad: number; intra: boolean; server?: Int32Array; edgeS?: Float64Array };
}

/** The switch a host is cabled to (its first link's other end). */
function leafOf(f: Fabric, h: NodeId): NodeId {
  return f.peer(f.adjLinks[f.adjStart[h]] as LinkId, h);
}

/** Payload bytes per second a link carries with full-MTU frames. */
function payloadBps(rateBps: number, net: NetworkConfig): number {
  return (rateBps / 8) * (net.mtu / (net.mtu + net.headerBytes + net.wireOverheadBytes));
}

/** Store-and-forward latency of one full frame from src to dst along the first ECMP path (ps). */
const latencyMemo = new WeakMap<NetworkConfig, Map<number, number>>();

/** pathLatencyPs, memoized per (source leaf, destination leaf): host links of one fabric are alike. */
function hopLatencyPs(f: Fabric, net: NetworkConfig, src: NodeId, dst: NodeId): number {
  let m = latencyMemo.get(net);
  if (!m) {
    m = new Map();
    latencyMemo.set(net, m);
  }
  const key = leafOf(f, src) * f.nodes.length + leafOf(f, dst);
  let v = m.get(key);
  if (v === undefined) {
    v = pathLatencyPs(f, net, src, dst);
    m.set(key, v);
  }
  return v;
}

export function pathLatencyPs(f: Fabric, net: NetworkConfig, src: NodeId, dst: NodeId): number {
  const frame = net.mtu + net.headerBytes + net.wireOverheadBytes;
  let at = src;
  let ps = 0;
  for (let hops = 0; at !== dst; hops++) {
    if (hops > 16) throw new Error(`internal: no route from ${f.nodes[src].name} to ${f.nodes[dst].name}`);
    const link = f.routing.pick(at, dst, 0);
    ps += (frame * 8e12) / f.links[link].rateBps + net.propPs(link);
    at = f.peer(link, at);
    if (at !== dst) ps += net.switchLatencyPs(at);
  }
  return ps;
}

/** Uplink capacity (payload B/s) of each leaf, and of each pod toward the core, measured on the graph. */
const uplinkCache = new WeakMap<Fabric, { net: NetworkConfig; up: ReturnType<typeof computeUplinks> }>();
function uplinks(f: Fabric, net: NetworkConfig): { leafUp: Map<NodeId, number>; podUp: Map<number, number> } {
  const c = uplinkCache.get(f);
  if (c && c.net === net) return c.up;
  const up = computeUplinks(f, net);
  uplinkCache.set(f, { net, up });
  return up;
}

function computeUplinks(f: Fabric, net: NetworkConfig): { leafUp: Map<NodeId, number>; podUp: Map<number, number> } {
  const leafUp = new Map<NodeId, number>();
  const podUp = new Map<number, number>();
  for (const l of f.links) {
    const lo = f.nodes[l.a];
    const hi = f.nodes[l.b];
    if (lo.tier === 1 && hi.tier === 2) leafUp.set(l.a, (leafUp.get(l.a) ?? 0) + payloadBps(l.rateBps, net));
    if (lo.tier === 2 && hi.tier === 3 && lo.pod >= 0)
      podUp.set(lo.pod, (podUp.get(lo.pod) ?? 0) + payloadBps(l.rateBps, net));
  }
  return { leafUp, podUp };
}

/**
 * What opCost reads per host, leaf and pod, in typed arrays indexed by node id (pods shifted by one: -1 is "no
 * pod"), with scratch counters: a job's iteration has tens of thousands of small ops, and Maps per op dominated.
 */
class CostTables {
  readonly leaf: Int32Array;
  /** A host's NIC payload rate (B/s). */
  readonly nic: Float64Array;
  readonly server: Int32Array;
  /** A host's GPU index in its server (ringOrder sorts a server's ranks by it), -1 for none. */
  readonly rail: Int32Array;
  readonly pod1: Int32Array;
  /** Per leaf (node id): uplink payload capacity, +Infinity for none. */
  readonly leafUp: Float64Array;
  /** Per pod + 1: uplink payload capacity toward the core, +Infinity for none. */
  readonly podUp: Float64Array;
  readonly hasPodUp: boolean;
  /** Per host: flows it sends and receives in the pairs pairRate is given (0 between calls). */
  readonly outNic: Int32Array;
  readonly inNic: Int32Array;
  readonly outLeaf: Int32Array;
  readonly inLeaf: Int32Array;
  readonly outPod: Int32Array;
  readonly inPod: Int32Array;
  readonly perServer: Int32Array;
  /** Touched keys of the counters, to reset them. */
  readonly touched: Int32Array;
  /** Placement scratch (placementHash): a server's first-seen index in a rank list, -1; a host seen, 0 or 1. */
  readonly serverLabel: Int32Array;
  readonly hostSeen: Uint8Array;
  labels = new Int32Array(64);
  pairS = new Int32Array(64);
  pairD = new Int32Array(64);
  /** hopLatencyPs by (leaf index, leaf index), NaN until asked (a leaf count x leaf count table). */
  private readonly leafIndex: Int32Array;
  private readonly nLeaves: number;
  private readonly hopPs: Float64Array | undefined;

  constructor(
    readonly f: Fabric,
    readonly net: NetworkConfig,
  ) {
    const N = f.nodes.length;
    this.leaf = new Int32Array(N).fill(-1);
    this.nic = new Float64Array(N);
    this.server = new Int32Array(N);
    this.rail = new Int32Array(N);
    this.pod1 = new Int32Array(N);
    let maxServer = 0;
    let maxPod = -1;
    // "Server" is the NVLink domain from here on (a server, or several on one NVLink fabric: fabric/nvlink.ts).
    const nv = f.nvlink;
    for (const n of f.nodes) {
      this.server[n.id] = n.server < 0 ? n.server : domainOf(nv, n.server);
      this.rail[n.id] = n.server < 0 ? n.rail : indexInDomain(nv, n.server, n.rail, f.spec.gpusPerNode);
      this.pod1[n.id] = n.pod + 1;
      if (this.server[n.id] > maxServer) maxServer = this.server[n.id];
      if (n.pod > maxPod) maxPod = n.pod;
    }
    for (const h of f.hosts) {
      if (f.adjStart[h] === f.adjStart[h + 1]) continue;
      this.leaf[h] = leafOf(f, h as NodeId);
      this.nic[h] = payloadBps(f.links[f.adjLinks[f.adjStart[h]]].rateBps, net);
    }
    const { leafUp, podUp } = uplinks(f, net);
    this.leafUp = new Float64Array(N).fill(Number.POSITIVE_INFINITY);
    for (const [l, c] of leafUp) this.leafUp[l] = c;
    this.podUp = new Float64Array(maxPod + 2).fill(Number.POSITIVE_INFINITY);
    for (const [pod, c] of podUp) this.podUp[pod + 1] = c;
    this.hasPodUp = podUp.size > 0;
    this.outNic = new Int32Array(N);
    this.inNic = new Int32Array(N);
    this.outLeaf = new Int32Array(N);
    this.inLeaf = new Int32Array(N);
    this.outPod = new Int32Array(maxPod + 2);
    this.inPod = new Int32Array(maxPod + 2);
    this.perServer = new Int32Array(maxServer + 1);
    this.serverLabel = new Int32Array(maxServer + 1).fill(-1);
    this.hostSeen = new Uint8Array(N);
    this.touched = new Int32Array(Math.max(N, maxServer + 1));
    this.leafIndex = new Int32Array(N).fill(-1);
    let nLeaves = 0;
    for (const h of f.hosts) {
      const l = this.leaf[h];
      if (l >= 0 && this.leafIndex[l] < 0) this.leafIndex[l] = nLeaves++;
    }
    this.nLeaves = nLeaves;
    // At most 2,048 leaves (a 32 MB table); beyond, hopLatencyPs' own memo.
    this.hopPs = nLeaves <= 2048 ? new Float64Array(nLeaves * nLeaves).fill(Number.NaN) : undefined;
  }

  /** hopLatencyPs(src, dst), which depends only on their leaves, from the table. */
  hop(src: NodeId, dst: NodeId): number {
    const table = this.hopPs;
    if (!table) return hopLatencyPs(this.f, this.net, src, dst);
    const k = this.leafIndex[this.leaf[src]] * this.nLeaves + this.leafIndex[this.leaf[dst]];
    let v = table[k];
    if (Number.isNaN(v)) {
      v = hopLatencyPs(this.f, this.net, src, dst);
      table[k] = v;
    }
    return v;
  }

  pairs(n: number): void {
    if (this.pairS.length >= n) return;
    this.pairS = new Int32Array(2 * n);
    this.pairD = new Int32Array(2 * n);
  }
}

/**
 * Tables per fabric (immutable) and network: the same NetworkConfig, or one resolved from the same network
 * settings (`key`, the scenario's network section) with the same catalog (switch latencies), so that runs of one
 * scenario share them. Building them (a pass over every link and host, paths between leaves) and dropping them
 * again cost more than a run of a 16,000-op job.
 */
const tablesCache = new WeakMap<Fabric, { net: NetworkConfig; catalog?: Catalog; key?: string; t: CostTables }>();
function costTables(f: Fabric, net: NetworkConfig, same?: { catalog: Catalog; key: string }): CostTables {
  const c = tablesCache.get(f);
  if (c && (c.net === net || (same && c.catalog === same.catalog && c.key === same.key))) return c.t;
  const t = new CostTables(f, net);
  tablesCache.set(f, { net, catalog: same?.catalog, key: same?.key, t });
  return t;
}

/**
 * The slowest flow's rate (payload B/s) when `pairs` all send at once with perfectly balanced ECMP: each flow
 * starts at its NIC's rate (one flow per NIC; sharedPairRate shares it); a leaf (or pod) whose crossing flows
 * exceed its uplink capacity shares it equally.
 */
export function patternRateBps(f: Fabric, net: NetworkConfig, pairs: [NodeId, NodeId][]): number {
  const t = costTables(f, net);
  t.pairs(pairs.length);
  pairs.forEach(([s, d], i) => {
    t.pairS[i] = s;
    t.pairD[i] = d;
  });
  return pairRate(t, pairs.length);
}

/**
 * pairRate where a host may send or receive several of the flows (the rings of several channels): each NIC
 * shared by its flows. A function of its own so that pairRate, on every op's path, stays as small as it was.
 */
function sharedPairRate(t: CostTables, n: number): number {
  const { nic, outNic, inNic, pairS, pairD } = t;
  for (let i = 0; i < n; i++) {
    outNic[pairS[i]]++;
    inNic[pairD[i]]++;
  }
  let rate = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    rate = Math.min(rate, nic[pairS[i]] / outNic[pairS[i]], nic[pairD[i]] / inNic[pairD[i]]);
  }
  for (let i = 0; i < n; i++) {
    outNic[pairS[i]] = 0;
    inNic[pairD[i]] = 0;
  }
  return Math.min(rate, pairRate(t, n));
}

/** patternRateBps of the first n pairs in t.pairS, t.pairD. */
function pairRate(t: CostTables, n: number): number {
  if (n === 0) return Number.POSITIVE_INFINITY;
  const { leaf, nic, pod1, outLeaf, inLeaf, outPod, inPod, touched, pairS, pairD } = t;
  let nic0 = Number.POSITIVE_INFINITY;
  let nLeaves = 0;
  let nPods = 0;
  for (let i = 0; i < n; i++) {
    const s = pairS[i];
    const d = pairD[i];
    nic0 = Math.min(nic0, nic[s]);
    nic0 = Math.min(nic0, nic[d]);
    const ls = leaf[s];
    const ld = leaf[d];
    if (ls === ld) continue;
    // Leaves and pods are counted in `touched` from both ends (leaves up, pods down) to reset them after.
    if (outLeaf[ls]++ === 0 && inLeaf[ls] === 0) touched[nLeaves++] = ls;
    if (inLeaf[ld]++ === 0 && outLeaf[ld] === 0) touched[nLeaves++] = ld;
    const ps = pod1[ls];
    const pd = pod1[ld];
    if (ps !== pd && t.hasPodUp) {
      if (outPod[ps]++ === 0 && inPod[ps] === 0) touched[touched.length - 1 - nPods++] = ps;
      if (inPod[pd]++ === 0 && outPod[pd] === 0) touched[touched.length - 1 - nPods++] = pd;
    }
  }
  let rate = nic0;
  for (let i = 0; i < nLeaves; i++) {
    const l = touched[i];
    if (outLeaf[l] > 0) rate = Math.min(rate, t.leafUp[l] / outLeaf[l]);
    if (inLeaf[l] > 0) rate = Math.min(rate, t.leafUp[l] / inLeaf[l]);
    outLeaf[l] = 0;
    inLeaf[l] = 0;
  }
  for (let i = 0; i < nPods; i++) {
    const p = touched[touched.length - 1 - i];
    if (outPod[p] > 0) rate = Math.min(rate, t.podUp[p] / outPod[p]);
    if (inPod[p] > 0) rate = Math.min(rate, t.podUp[p] / inPod[p]);
    outPod[p] = 0;
    inPod[p] = 0;
  }
  return rate;
}

/** Servers of the ranks in order of their first rank, each with its ranks in order (hierarchical). */
function serverGroups(f: Fabric, ranks: NodeId[]): NodeId[][] {
  const by = new Map<number, NodeId[]>();
  for (const h of ranks) {
    const s = domainOf(f.nvlink, f.nodes[h].server);
    const g = by.get(s);
    if (g) g.push(h);
    else by.set(s, [h]);
  }
  return [...by.values()];
}

/**
 * A double binary tree's ranks as tree-pipeline.ts reads them: each rank's server (an edge inside one is a copy)
 * and the fabric latency of each edge between servers (the flow engine's path latency, by leaf pair).
 */
function treeCost(t: CostTables, ranks: ArrayLike<number>, gpusPerServer: number): NonNullable<OpCost['tree']> {
  const p = ranks.length;
  const server = Int32Array.from(ranks, (h) => t.server[h]);
  const edgeS = new Float64Array(2 * p);
  doubleTreeParents(p).forEach((parent, tr) => {
    for (let r = 0; r < p; r++) {
      const u = parent[r];
      if (u >= 0 && server[u] !== server[r]) edgeS[tr * p + r] = t.hop(ranks[r] as NodeId, ranks[u] as NodeId) * 1e-12;
    }
  });
  const shape =
    gpusPerServer > 1 ? doubleTreeNetShape(p, (r) => server[r]) : { netLoad: doubleTreeShape(p).load, intra: false };
  return { ...shape, server, edgeS };
}

export function opCost(f: Fabric, net: NetworkConfig, op: ProgramOp, channels = 1): OpCost {
  return rankCost(f, costTables(f, net), op, op.ranks, channels);
}

/**
 * What the analytic engine reads of a collective's compiled schedule besides its op: the QP channels (a double
 * binary tree uses two per channel, one per tree) and the repetitions of its first task (a ring's steps x chunks).
 */
interface ScheduleShape {
  channels: number;
  firstRepeat: number;
  /** Tasks of the op (two-level all-reduces: chunks x phases x ranks x channels). */
  tasks: number;
}

function scheduleOf(program: TrafficProgram, op: ProgramOp): ScheduleShape {
  // compileCollective emits channel after channel, so the last task has the highest (a task per task read
  // would touch every task of the program's shapes, scattered over a heap of a million).
  const most = op.firstTask < op.lastTask ? program.transfers[op.lastTask - 1].channel : 0;
  return {
    // Trees use two QP channels per channel; nvls-tree's end with an all-gather delay on the channel itself.
    channels:
      op.algorithm === 'double-binary-tree' ||
      (op.algorithm === 'nvls-tree' && program.transfers[op.lastTask - 1]?.kind === 'transfer')
        ? (most >> 1) + 1
        : most + 1,
    firstRepeat: op.firstTask < op.lastTask ? program.transfers[op.firstTask].repeat : 1,
    // Without NCCL's latency delays at the op's end, which are no chunk's: counted, they made 16 chunks of nvls on
    // 8 GPUs read as round(264 / 16) = 17.
    tasks: op.lastTask - op.firstTask - (op.closingDelays ?? 0),
  };
}

/**
 * Pipelining chunks per step of a ring (and of each ring of hierarchical): the first task's repetitions over its
 * ring's steps (workload/training/collectives.ts: a ring task repeats steps x chunks); 1 for other algorithms.
 */
function ringChunks(op: ProgramOp, c: OpCost, p: number, sc: ScheduleShape): number {
  const firstRepeat = sc.firstRepeat;
  if (op.algorithm === 'nvls-tree') return firstRepeat;
  if (TWO_LEVEL.has(op.algorithm ?? '')) {
    // One task per (rank, chunk, phase) per channel (hierarchical.ts): chunks from the op's task count.
    const R = c.gpusPerServer;
    const N = c.servers;
    const perChunk = (R > 1 ? 2 * R * N : 0) + (N > 1 ? R * N : 0);
    return perChunk > 0 ? Math.max(1, Math.round(sc.tasks / sc.channels / perChunk)) : 1;
  }
  let steps = 0;
  if (op.algorithm === 'double-binary-tree') return firstRepeat;
  if (op.algorithm === 'ring') steps = op.op === 'all-reduce' ? 2 * (p - 1) : p - 1;
  return steps > 0 ? Math.max(1, Math.round(firstRepeat / steps)) : 1;
}

/**
 * The ring of each channel as the schedule orders it (rank indices by position, ringOrder: rail-aligned, rotated
 * per channel), or undefined when every channel follows rank order (one GPU per server, uneven servers).
 */
function ringOrders(f: Fabric, ranks: ArrayLike<number>, channels: number): number[][] | undefined {
  const intra = intraOf(f);
  if (!intra) return undefined;
  const nodes = Array.from(ranks) as NodeId[];
  const orders: number[][] = [];
  let rankOrder = true;
  for (let c = 0; c < channels; c++) {
    const order = ringOrder(nodes, intra, c);
    orders.push(order);
    for (let q = 0; q < order.length && rankOrder; q++) if (order[q] !== q) rankOrder = false;
  }
  return rankOrder ? undefined : orders;
}

/** opCost with the op's ranks given apart (a view into an OpIndex). */
function rankCost(f: Fabric, t: CostTables, op: ProgramOp, ranks: ArrayLike<number>, channels: number): OpCost {
  const nv = f.nvlink;
  const server = t.server;
  const hierarchical = TWO_LEVEL.has(op.algorithm ?? '');
  const groups = hierarchical ? serverGroups(f, Array.from(ranks) as NodeId[]) : undefined;
  // Servers and the most ranks on one.
  let servers = 0;
  let gpusPerServer = Number.NEGATIVE_INFINITY;
  if (groups) {
    servers = groups.length;
    for (const g of groups) gpusPerServer = Math.max(gpusPerServer, g.length);
  } else {
    const per = t.perServer;
    for (let i = 0; i < ranks.length; i++) {
      const h = ranks[i];
      const c = ++per[server[h]];
      if (c === 1) t.touched[servers++] = server[h];
      if (c > gpusPerServer) gpusPerServer = c;
    }
    for (let i = 0; i < servers; i++) per[t.touched[i]] = 0;
  }
  // Hierarchical: the fabric carries rings of same-index GPUs across servers.
  const netRanks: ArrayLike<number> = groups ? groups.map((g) => g[0]) : ranks;
  // Rings over servers of several GPUs: the schedule's own orders, one per channel.
  const rings =
    op.algorithm === 'ring' && gpusPerServer > 1 && servers > 1 ? ringOrders(f, ranks, channels) : undefined;
  // Rings: the mean latency of the ring's fabric hops. A pipelined ring's step is bounded by the cycle's mean
  // hop time, not its slowest hop (the flow and packet engines show it: hops inside a leaf are shorter than
  // hops across the spine). Other algorithms: the longest path, below.
  let alphaPs = 0;
  let sum = 0;
  let hops = 0;
  if (rings)
    for (const order of rings) {
      const m = order.length;
      for (let i = 0; i < m; i++) {
        const a = ranks[order[i]];
        const b = ranks[order[(i + 1) % m]];
        if (server[a] !== server[b]) {
          const l = t.hop(a as NodeId, b as NodeId);
          alphaPs = Math.max(alphaPs, l);
          sum += l;
          hops++;
        }
      }
    }
  else
    for (let i = 0; i < netRanks.length; i++) {
      const a = netRanks[i];
      const b = netRanks[(i + 1) % netRanks.length];
      if (a !== b && server[a] !== server[b]) {
        const l = t.hop(a as NodeId, b as NodeId);
        alphaPs = Math.max(alphaPs, l);
        sum += l;
        hops++;
      }
    }
  if ((op.algorithm === 'ring' || hierarchical) && hops > 0) alphaPs = sum / hops;
  if (!hierarchical && op.algorithm !== 'ring' && netRanks.length > 1)
    alphaPs = Math.max(alphaPs, t.hop(netRanks[0] as NodeId, netRanks[Math.floor(netRanks.length / 2)] as NodeId));
  // pxn's fabric paths are rail-local: a rank to one on another server behind the same leaf, where there is one.
  if (op.algorithm === 'pxn')
    for (let i = 1; i < ranks.length; i++)
      if (server[ranks[i]] !== server[ranks[0]] && t.leaf[ranks[i]] === t.leaf[ranks[0]]) {
        alphaPs = t.hop(ranks[0] as NodeId, ranks[i] as NodeId);
        break;
      }
  if (servers === 1 && ranks.length > 1) {
    // Every rank in one server: the collective runs on the intra-server domain alone.
    return {
      alphaS: nv.latencyPs * 1e-12,
      betaSPerByte: 8 / nv.bandwidthBps,
      gammaSPerByte: 0,
      intraAlphaS: nv.latencyPs * 1e-12,
      intraBetaSPerByte: 8 / nv.bandwidthBps,
      servers: 1,
      gpusPerServer,
      netBetaSPerByte: 8 / nv.bandwidthBps,
      channels: 1,
      // A double binary tree inside one server: every edge an intra-server copy, none on a NIC.
      ...(op.algorithm === 'double-binary-tree' ? { tree: { netLoad: 0, intra: true } } : {}),
    };
  }
  // The pairs that send at once in the op's busiest step: hierarchical, same-index GPUs of neighbouring servers;
  // rings, ring edges; others, half-way pairs. Pairs inside a server do not cross the fabric.
  let n = 0;
  if (rings) {
    // Every channel's fabric hops at once: channels on other rails use other NICs.
    const p = ranks.length;
    t.pairs(p * rings.length);
    for (const order of rings)
      for (let q = 0; q < p; q++) {
        const a = ranks[order[q]];
        const b = ranks[order[(q + 1) % p]];
        if (server[a] === server[b]) continue;
        t.pairS[n] = a;
        t.pairD[n++] = b;
      }
  } else if (groups) {
    t.pairs(groups.length * groups[0].length);
    for (let s = 0; s < groups.length; s++)
      for (let k = 0; k < groups[0].length; k++) {
        const a = groups[s][k];
        const b = groups[(s + 1) % groups.length][k];
        if (a === b) continue;
        t.pairS[n] = a;
        t.pairD[n++] = b;
      }
  } else {
    const p = ranks.length;
    t.pairs(p);
    const shift = op.algorithm === 'ring' ? 1 : Math.floor(p / 2);
    for (let i = 0; i < p; i++) {
      const j = (i + shift) % p;
      if (j === i) continue;
      const a = ranks[i];
      const b = ranks[j];
      if ((server[a] !== server[b] || gpusPerServer === 1) && a !== b) {
        t.pairS[n] = a;
        t.pairD[n++] = b;
      }
    }
  }
  const rate = rings !== undefined && rings.length > 1 ? sharedPairRate(t, n) : pairRate(t, n);
  // An all-to-all or a double binary tree over servers of several GPUs also crosses the intra domain: the slower
  // of the two bounds (the other flat algorithms take their schedule's path, collectiveS).
  const intraRate = nv.bandwidthBps / 8;
  const rankRate = gpusPerServer > 1 && !hierarchical ? Math.min(rate, intraRate) : rate;
  const tree = op.algorithm === 'double-binary-tree' ? treeCost(t, ranks, gpusPerServer) : undefined;
  return {
    ...(tree ? { tree } : {}),
    alphaS: alphaPs * 1e-12,
    betaSPerByte: Number.isFinite(rankRate) ? 1 / rankRate : 0,
    gammaSPerByte: 0,
    intraAlphaS: nv.latencyPs * 1e-12,
    intraBetaSPerByte: 8 / nv.bandwidthBps,
    servers,
    gpusPerServer,
    netBetaSPerByte: Number.isFinite(rate) ? 1 / rate : 0,
    channels: rings ? rings.length : hierarchical ? channels : 1,
  };
}

/**
 * Closed-form time (s) of a collective op with its cost parameters. A ring cut into `chunks` per step makes
 * steps x chunks pipelined repetitions of x / chunks: each pays the hop latency, so alpha counts chunks times.
 * A double binary tree takes its chunks per tree (0: the many-chunk limit, no pipeline fill).
 */
export function opTimeS(op: ProgramOp, c: OpCost, p = op.ranks.length, chunks = 1): number {
  const n = op.bytes;
  const k = op.algorithm === 'ring' ? chunks : 1;
  const abg = { alphaS: c.alphaS * k, betaSPerByte: c.betaSPerByte, gammaSPerByte: c.gammaSPerByte };
  const name = op.op ?? 'all-reduce';
  const alg = op.algorithm ?? 'ring';
  if (alg === 'hierarchical' || alg === 'nvls' || alg === 'nvls-tree') {
    // Intra-domain reduce-scatter, all-reduce per rail across domains, intra-domain all-gather, pipelined by chunk.
    const two = {
      R: c.gpusPerServer,
      N: c.servers,
      chunks,
      channels: c.channels,
      intraAlphaS: c.intraAlphaS,
      intraBetaSPerByte: c.intraBetaSPerByte,
      netAlphaS: c.alphaS,
      netBetaSPerByte: c.betaSPerByte,
    };
    return alg === 'nvls-tree' ? nvlsTreeTimeS(n, two, doubleTreeShape(c.servers)) : twoLevelTimeS(alg, n, two);
  }
  if (alg === 'ring' && c.servers > 1 && c.gpusPerServer > 1 && name !== 'all-to-all' && name !== 'broadcast') {
    // A ring over servers of g GPUs: one hop in g crosses the fabric, the others the intra domain. A pipelined
    // ring's step is bounded by its slowest hop's sending time and by the cycle's mean hop time (latency
    // included): the cycle ratio of the ring's step dependencies. Uniform hops give back alpha + x beta.
    // Each of C channels moves x / C per step; an intra-server copy of x / C runs at 1 / C of the GPU's
    // bandwidth (intraCopyPs), so it takes x intraBeta whatever C.
    const steps = (name === 'all-reduce' ? 2 * (p - 1) : p - 1) * k;
    const x = n / p / k;
    const xc = x / c.channels;
    const q = c.servers / p;
    const netHop = c.alphaS + xc * c.netBetaSPerByte;
    const intraHop = c.intraAlphaS + x * c.intraBetaSPerByte;
    const step = Math.max(xc * c.netBetaSPerByte, x * c.intraBetaSPerByte, q * netHop + (1 - q) * intraHop);
    return steps * step;
  }
  if (alg === 'pxn' && c.gpusPerServer > 1) return pxnOnServersS(p, n, c);
  if (alg === 'double-binary-tree' && c.tree && chunks > 0) return treeS(p, n, c, c.tree, chunks);
  return scheduleTimeS(name, alg, p, n, abg);
}

/**
 * The double binary tree with its chunks per tree, as the flow engine runs it (tree-pipeline.ts: the chunks'
 * fair shares of the ranks' NICs, copies inside a server as delays, each edge's fabric latency). Inside one
 * server every edge is a copy, a delay that shares nothing, so each edge moves its chunks back to back (period:
 * one copy) and the last chunk leaves the deepest leaf after k - 1 copies and crosses the 2d edges up to the
 * root and down again, one copy each: (k + 2d - 1) copies, exactly.
 */
function treeS(p: number, n: number, c: OpCost, tree: NonNullable<OpCost['tree']>, chunks: number): number {
  const h = n / 2 / chunks;
  const copyS = c.intraAlphaS + h * c.intraBetaSPerByte;
  if (tree.netLoad === 0) return (chunks + 2 * doubleTreeShape(p).depth - 1) * copyS;
  // One GPU a server: its rank's bandwidth (betaSPerByte); several: the NIC's, copies apart.
  const beta = c.gpusPerServer > 1 ? c.netBetaSPerByte : c.betaSPerByte;
  if (p <= TREE_SIM_RANKS)
    return treePipelineS({
      p,
      chunks,
      server: tree.server,
      netS: h * beta,
      copyS,
      alphaS: c.alphaS,
      edgeS: tree.edgeS,
      window: NCCL_STEPS,
    });
  // Past the simulated sizes, the pipeline in full flow: a period per chunk (the busiest NIC's chunk copies, or a
  // copy) and the deepest tree's fill, which fits many chunks (doubleBinaryTreeS, collectives.ts).
  const { depth } = doubleTreeShape(p);
  const tau = Math.max(tree.netLoad * h * beta, tree.intra ? copyS : 0);
  return (chunks + Math.max(depth - 2, 0)) * tau + 2 * depth * c.alphaS;
}

/**
 * NCCL's all-to-all with PXN (workload/training/collectives.ts) over N servers of g GPUs: every send at once, a
 * block for another server first copied to the local GPU on the destination's rail. Each NIC sends the blocks of
 * its server's g GPUs for its rail on the N - 1 other servers, W = g (N - 1) S / p = (p - g) / p S, and receives
 * as much. Its own D = (N - 1) S / p start at once; the relayed rest after one copy (copies are delays: they share
 * nothing and all run at once). Work-conserving at equal shares, the NIC is busy from 0 unless its own blocks run
 * out before the copies end: T = alpha + max(W, copy B + W - D) / B, alpha one fabric path's latency. On one
 * server, only the copies. Rail-local: nothing crosses a spine on rail-optimized fabrics (no ECMP choice).
 */
function pxnOnServersS(p: number, n: number, c: OpCost): number {
  const g = c.gpusPerServer;
  const copyS = c.intraAlphaS + (n / p) * c.intraBetaSPerByte;
  if (c.servers <= 1) return copyS;
  const beta = c.netBetaSPerByte;
  const W = ((p - g) / p) * n;
  const D = ((c.servers - 1) / p) * n;
  return c.alphaS + Math.max(W * beta, copyS + (W - D) * beta);
}

/**
 * Time (s) of a collective with its cost parameters and schedule: a flat algorithm over servers of several GPUs
 * by its schedule's critical path (schedule-path.ts), every other by its closed form (opTimeS).
 */
function collectiveS(t: CostTables, program: TrafficProgram, op: ProgramOp, cost: OpCost, sc: ScheduleShape): number {
  const p = op.ranks.length;
  // NCCL's protocol (workload/nccl): its latency once, its efficiency on every byte, as the schedule carries them.
  const eff = op.protocolEfficiency ?? 1;
  const latencyS = (op.protocolLatencyPs ?? 0) * 1e-12;
  if (op.algorithm === 'sharp') {
    const unit = Math.ceil(op.bytes / sc.channels / sc.firstRepeat);
    const shape = {
      chunks: sc.firstRepeat,
      channels: sc.channels,
      chunkWireBytes: eff < 1 ? Math.ceil(unit / eff) : unit,
    };
    return latencyS + sharpTimeS(t.f, t.net, op.ranks, shape);
  }
  const c = eff < 1 ? derated(cost, eff) : cost;
  return latencyS + scheduleS(t, program, op, c, sc, p);
}

/** An OpCost with every per-byte time divided by a protocol's efficiency. */
function derated(c: OpCost, eff: number): OpCost {
  return {
    ...c,
    betaSPerByte: c.betaSPerByte / eff,
    intraBetaSPerByte: c.intraBetaSPerByte / eff,
    netBetaSPerByte: c.netBetaSPerByte / eff,
  };
}

function scheduleS(t: CostTables, program: TrafficProgram, op: ProgramOp, c: OpCost, sc: ScheduleShape, p: number) {
  if (c.servers > 1 && c.gpusPerServer > 1 && FLAT_ALGORITHMS.has(op.algorithm ?? '')) {
    const rate = c.netBetaSPerByte > 0 ? 1 / c.netBetaSPerByte : Number.POSITIVE_INFINITY;
    const run = FLUID_ALGORITHMS.has(op.algorithm ?? '') ? scheduleFluidPs : schedulePathPs;
    return run(t, program, op, rate, sc.channels) * 1e-12;
  }
  return opTimeS(op, c, p, ringChunks(op, c, p, sc));
}

/** A collective's time (s) costed alone, without the placement and shape caches (tests compare runs with it). */
export function collectiveTimeAloneS(f: Fabric, net: NetworkConfig, program: TrafficProgram, op: ProgramOp): number {
  const sc = scheduleOf(program, op);
  const t = costTables(f, net);
  return collectiveS(t, program, op, rankCost(f, t, op, op.ranks, sc.channels), sc);
}

/**
 * Placement of a rank list, for OpCost reuse: rankCost reads ranks only through each rank's leaf (hop latencies
 * by leaf pair, uplinks of leaves and their pods), NIC rate and server (ranks per server, same-server tests), and
 * host identity (a rank paired with itself). Writes each rank's server label (servers numbered in order of first
 * appearance) into t.labels and returns a hash of leaves and labels, or -1 when a host repeats or has no
 * server (not reused).
 */
function placementHash(t: CostTables, ranks: Int32Array): number {
  const { server, serverLabel, hostSeen, leaf } = t;
  if (t.labels.length < ranks.length) t.labels = new Int32Array(2 * ranks.length);
  const labels = t.labels;
  let servers = 0;
  let repeats = false;
  // FNV-1a (32-bit) over the leaf and the server label of each rank.
  let h = 0x811c9dc5;
  for (let i = 0; i < ranks.length; i++) {
    const r = ranks[i];
    const sv = server[r];
    if (hostSeen[r] || sv < 0) repeats = true;
    hostSeen[r] = 1;
    if (sv >= 0 && serverLabel[sv] < 0) serverLabel[sv] = servers++;
    labels[i] = sv >= 0 ? serverLabel[sv] : -1;
    h = Math.imul(h ^ leaf[r], 0x01000193);
    h = Math.imul(h ^ labels[i], 0x01000193);
  }
  for (let i = 0; i < ranks.length; i++) {
    hostSeen[ranks[i]] = 0;
    if (server[ranks[i]] >= 0) serverLabel[server[ranks[i]]] = -1;
  }
  return repeats ? -1 : h >>> 0;
}

/** A placement: its id, first rank list, the server labels placementHash gave it, algorithm and schedule shape. */
interface Placement {
  id: number;
  ranks: Int32Array;
  labels: Int32Array;
  algorithm: string;
  schedule: ScheduleShape;
}

/**
 * Whether `ranks` (labels in t.labels) under `algorithm` and schedule shape `sc` has placement p: rank by rank,
 * leaf, NIC, label and, for rings, rail (which orders a ring inside a server, ringOrder; other algorithms' costs
 * do not read it, and telling the rails of a job's expert groups apart made 8 times the classes).
 */
function samePlacement(t: CostTables, p: Placement, ranks: Int32Array, algorithm: string, sc: ScheduleShape): boolean {
  if (p.ranks.length !== ranks.length || p.algorithm !== algorithm) return false;
  if (p.schedule.channels !== sc.channels || p.schedule.firstRepeat !== sc.firstRepeat) return false;
  if (TWO_LEVEL.has(algorithm) && p.schedule.tasks !== sc.tasks) return false;
  const { leaf, nic, labels, rail } = t;
  const rails = algorithm === 'ring';
  for (let i = 0; i < ranks.length; i++) {
    const a = p.ranks[i];
    const b = ranks[i];
    if (leaf[a] !== leaf[b] || nic[a] !== nic[b] || p.labels[i] !== labels[i]) return false;
    if (rails && rail[a] !== rail[b]) return false;
  }
  return true;
}

/** Shapes grouped by placement (one OpCost each) and by placement and scalars (one time each). */
interface ShapeClasses {
  /** Per shape: its placement and its (placement, scalars) class. */
  placement: Int32Array;
  timeClass: Int32Array;
  /** The first shape of each placement, of each time class. */
  placementShape: Int32Array;
  timeShape: Int32Array;
  /** Each placement's schedule shape. */
  schedules: ScheduleShape[];
}

/**
 * 1a. Shape classes of a program on a fabric. Shapes of one placement (placementHash: same algorithm, leaves, NIC
 * rates and servers up to a renaming) share one OpCost, and those with the same scalars too (OpIndex.shapeScalars)
 * one time: the 2,048 expert-parallel groups of the 16,384-GPU MoE job lie on 256 sets of servers. Reuse changes
 * no value: rankCost of two such rank lists makes the same steps on the same numbers, and the hop table, filled
 * per leaf pair on first use, already holds every pair the class's first list asked for. Equal NIC payload rates
 * are equal link rates under any network settings, so the classes depend on the program and the fabric only and
 * are kept per program (as the cost tables per fabric).
 */
const classesCache = new WeakMap<OpIndex, { fabric: Fabric; c: ShapeClasses }>();
function shapeClasses(fabric: Fabric, t: CostTables, program: TrafficProgram, idx: OpIndex): ShapeClasses {
  const cached = classesCache.get(idx);
  if (cached && cached.fabric === fabric) return cached.c;
  const n = idx.shapeOp.length;
  const placement = new Int32Array(n);
  const timeClass = new Int32Array(n);
  const placementShape: number[] = [];
  const timeShape: number[] = [];
  const placements = new Map<number, Placement[]>();
  const schedules: ScheduleShape[] = [];
  const times = new Map<number, number>();
  let nScalars = 0;
  for (let sh = 0; sh < n; sh++) nScalars = Math.max(nScalars, idx.shapeScalars[sh] + 1);
  for (let sh = 0; sh < n; sh++) {
    const o = idx.shapeOp[sh];
    const ranks = idx.ranks.subarray(idx.rankStart[o], idx.rankStart[o + 1]);
    const algorithm = idx.algorithm[o];
    const schedule = scheduleOf(program, program.ops[o]);
    const h = placementHash(t, ranks);
    const known = h >= 0 ? placements.get(h) : undefined;
    let p = known?.find((x) => samePlacement(t, x, ranks, algorithm, schedule));
    if (!p) {
      p = { id: placementShape.length, ranks, labels: t.labels.slice(0, ranks.length), algorithm, schedule };
      placementShape.push(sh);
      schedules.push(schedule);
      if (known) known.push(p);
      else if (h >= 0) placements.set(h, [p]);
    }
    placement[sh] = p.id;
    const key = p.id * nScalars + idx.shapeScalars[sh];
    let k = times.get(key);
    if (k === undefined) {
      k = timeShape.length;
      timeShape.push(sh);
      times.set(key, k);
    }
    timeClass[sh] = k;
  }
  const c = {
    placement,
    timeClass,
    placementShape: Int32Array.from(placementShape),
    timeShape: Int32Array.from(timeShape),
    schedules,
  };
  classesCache.set(idx, { fabric, c });
  return c;
}

/**
 * 1. The time (ps) of each collective shape (OpIndex.shape): an OpCost per placement, a time per time class (from
 * their first shape's first op, in order of shapes, as the hop table's first use must be), copied to each shape.
 * A loop of its own (as is 2.), so that the JIT optimizes it whole from the first run.
 */
function shapeTimesPs(fabric: Fabric, t: CostTables, program: TrafficProgram, idx: OpIndex): Float64Array {
  const c = shapeClasses(fabric, t, program, idx);
  const ranksOf = (sh: number) => {
    const o = idx.shapeOp[sh];
    return idx.ranks.subarray(idx.rankStart[o], idx.rankStart[o + 1]);
  };
  const costs: OpCost[] = [];
  for (let p = 0; p < c.placementShape.length; p++) {
    const sh = c.placementShape[p];
    costs.push(rankCost(fabric, t, program.ops[idx.shapeOp[sh]], ranksOf(sh), c.schedules[p].channels));
  }
  const times = new Float64Array(c.timeShape.length);
  for (let k = 0; k < times.length; k++) {
    const sh = c.timeShape[k];
    const op = program.ops[idx.shapeOp[sh]];
    times[k] = Math.round(collectiveS(t, program, op, costs[c.placement[sh]], c.schedules[c.placement[sh]]) * 1e12);
  }
  const out = new Float64Array(idx.shapeOp.length);
  for (let sh = 0; sh < out.length; sh++) out[sh] = times[c.timeClass[sh]];
  return out;
}

/**
 * 1b. The time (ps) of each op of plain transfers (a pipeline job's sends between stages), 0 for other ops: the
 * critical path of its tasks after the op starts, a transfer taking its path latency and `repeat` x bytes at the
 * hose rate (its NIC's payload rate shared by the op's transfers at its busier end, as plain flows below), a
 * delay `repeat` x its duration. Deps on tasks of other ops are the op's deps (2.).
 */
function flowOpsPs(t: CostTables, program: TrafficProgram, idx: OpIndex, ports: HostPorts | null): Float64Array {
  const FLOWS = OP_KIND.flows;
  let out = NO_FLOW_OPS;
  for (let o = 0; o < idx.kind.length; o++)
    if (idx.kind[o] === FLOWS) {
      if (out === NO_FLOW_OPS) out = new Float64Array(idx.kind.length);
      out[o] = taskPathPs(t, program, program.ops[o], ports);
    }
  return out;
}

/** flowOpsPs of a program without such ops: opTimesPs reads it only at ops of kind flows. */
const NO_FLOW_OPS = new Float64Array(0);

function taskPathPs(t: CostTables, program: TrafficProgram, op: ProgramOp, ports: HostPorts | null): number {
  const { firstTask: a, lastTask: z } = op;
  const tasks = program.transfers;
  // Each end's key: its host, or on hosts of several links N + the link its hash's path takes (host-ports.ts).
  const N = t.f.nodes.length;
  const outNic = ports === null ? t.outNic : new Int32Array(N + t.f.links.length);
  const inNic = ports === null ? t.inNic : new Int32Array(N + t.f.links.length);
  const sKey = new Int32Array(z - a);
  const dKey = new Int32Array(z - a);
  const e = new Int32Array(2);
  for (let k = a; k < z; k++) {
    const task = tasks[k];
    if (task.kind !== 'transfer') continue;
    if (ports !== null) ports.ends(task.id, task.src, task.dst, e);
    sKey[k - a] = ports === null ? task.src : N + e[0];
    dKey[k - a] = ports === null ? task.dst : N + e[1];
    outNic[sKey[k - a]]++;
    inNic[dKey[k - a]]++;
  }
  const rateOf = (key: number) => (key < N ? t.nic[key] : payloadBps(t.f.links[key - N].rateBps, t.net));
  const end = new Float64Array(z - a);
  let last = 0;
  for (let k = a; k < z; k++) {
    const task = tasks[k];
    let s = 0;
    for (const d of task.deps) if (d >= a) s = Math.max(s, end[d - a]);
    if (task.kind === 'delay') end[k - a] = s + task.durationPs * task.repeat;
    else {
      const sk = sKey[k - a];
      const dk = dKey[k - a];
      const rate = Math.min(rateOf(sk) / outNic[sk], rateOf(dk) / inNic[dk]);
      end[k - a] = s + Math.round(t.hop(task.src, task.dst) + ((task.repeat * task.bytes) / rate) * 1e12);
    }
    last = Math.max(last, end[k - a]);
  }
  for (let k = a; k < z; k++) {
    outNic[sKey[k - a]] = 0;
    inNic[dKey[k - a]] = 0;
  }
  return last;
}

/** 2. Op start and end times (ps): an op starts when its deps have ended. False if an op depends on a later one. */
function opTimesPs(
  idx: OpIndex,
  shapePs: Float64Array,
  flowsPs: Float64Array,
  start: Float64Array,
  end: Float64Array,
): boolean {
  const { kind, shape, depStart, deps, durationPs } = idx;
  // Locals: an imported object's property per op costs a getter call under some loaders (tsx).
  const COMPUTE = OP_KIND.compute;
  const COLLECTIVE = OP_KIND.collective;
  let depsOk = true;
  for (let o = 0; o < start.length; o++) {
    let s = idx.startPs[o];
    for (let k = depStart[o], e = depStart[o + 1]; k < e; k++) {
      const d = deps[k];
      if (d >= o) depsOk = false;
      s = Math.max(s, end[d]);
    }
    const k = kind[o];
    start[o] = s;
    end[o] = s + (k === COMPUTE ? durationPs[o] : k === COLLECTIVE ? shapePs[shape[o]] : flowsPs[o]);
  }
  return depsOk;
}

/**
 * Each plain flow's hose-model rate and its rate alone (payload B/s): its NIC shared by the plain flows at each
 * end, or on hosts of several links the port its hash's path takes (host-ports.ts), as on the other engines.
 */
function hoseRates(
  f: Fabric,
  net: NetworkConfig,
  plain: readonly Transfer[],
  ports: HostPorts | null,
): { rate: Float64Array; ideal: Float64Array } {
  const N = f.nodes.length;
  const key = new Int32Array(2 * plain.length);
  const e = new Int32Array(2);
  const out = new Map<number, number>();
  const inn = new Map<number, number>();
  plain.forEach((t, i) => {
    if (ports !== null) ports.ends(t.id, t.src, t.dst, e);
    key[2 * i] = ports === null ? t.src : N + e[0];
    key[2 * i + 1] = ports === null ? t.dst : N + e[1];
    out.set(key[2 * i], (out.get(key[2 * i]) ?? 0) + 1);
    inn.set(key[2 * i + 1], (inn.get(key[2 * i + 1]) ?? 0) + 1);
  });
  const bps = (k: number) =>
    payloadBps(k < N ? f.links[f.adjLinks[f.adjStart[k]]].rateBps : f.links[k - N].rateBps, net);
  const rate = new Float64Array(plain.length);
  const ideal = new Float64Array(plain.length);
  for (let i = 0; i < plain.length; i++) {
    const s = key[2 * i];
    const d = key[2 * i + 1];
    ideal[i] = Math.min(bps(s), bps(d));
    rate[i] = Math.min(bps(s) / (out.get(s) ?? 1), bps(d) / (inn.get(d) ?? 1));
  }
  return { rate, ideal };
}

/**
 * Runs a traffic program: 1. a time per collective shape and per op of plain transfers, 2. op times along the DAG, 3. per-op and per-iteration
 * results (summarizeOps), 4. plain flows by the hose model.
 */
export function runAnalytic(
  fabric: Fabric,
  program: TrafficProgram,
  scenario: Pick<Scenario, 'network' | 'seed'>,
  catalog: Catalog,
  opts: AnalyticRunOptions,
): Result {
  const t0 = performance.now();
  const net = resolveNetwork(scenario.network, fabric, catalog);
  const nOps = program.ops.length;
  const idx = opIndex(program);
  const tables = costTables(fabric, net, { catalog, key: JSON.stringify(scenario.network ?? null) });
  const shapePs = shapeTimesPs(fabric, tables, program, idx);
  const start = new Float64Array(nOps);
  const end = new Float64Array(nOps);
  const ports = HostPorts.of(fabric, opts.seed, program.transfers.length);
  const flowsPs = flowOpsPs(tables, program, idx, ports);
  const depsOk = opTimesPs(idx, shapePs, flowsPs, start, end);
  const { ops, iterations } = summarizeOps(program, start, end);
  // Each op's timePs as summarizeOps reports it, checked on the arrays rather than on the OpResults.
  let timesOk = true;
  for (let o = 0; o < nOps; o++) {
    const timePs = start[o] >= 0 && end[o] >= 0 ? end[o] - start[o] : -1;
    if (!(Number.isFinite(timePs) && timePs >= 0)) timesOk = false;
  }

  // Plain flows: the hose-model bound at both ends.
  const plain =
    idx.opTasks === program.transfers.length
      ? []
      : program.transfers.filter((t) => t.op === -1 && t.kind === 'transfer');
  const { rate: rates, ideal: ideals } = hoseRates(fabric, net, plain, ports);
  const flows: FlowResult[] = plain.map((t, i) => {
    const ideal = ideals[i];
    const rate = rates[i];
    const lat = pathLatencyPs(fabric, net, t.src, t.dst);
    const fctPs = Math.round(lat + (t.bytes / rate) * 1e12);
    const idealFctPs = Math.round(lat + (t.bytes / ideal) * 1e12);
    return {
      id: t.id,
      src: fabric.nodes[t.src].name,
      dst: fabric.nodes[t.dst].name,
      bytes: t.bytes,
      startPs: t.startPs,
      endPs: t.startPs + fctPs,
      fctPs,
      idealFctPs,
      slowdown: fctPs / idealFctPs,
      retransmittedBytes: 0,
    };
  });
  let simulatedPs = 0;
  for (let o = 0; o < nOps; o++) simulatedPs = Math.max(simulatedPs, end[o]);
  for (const fl of flows) simulatedPs = Math.max(simulatedPs, fl.endPs);

  const invariants: InvariantCheck[] = [
    {
      name: 'ops in dependency order',
      ok: depsOk,
      detail: depsOk ? `${nOps} ops, every dependency before its op` : 'an op depends on a later op',
    },
    {
      name: 'op times finite and non-negative',
      ok: timesOk,
      detail: `${ops.length} ops`,
    },
  ];
  const wallMs = performance.now() - t0;
  return {
    version: RESULT_VERSION,
    engine: 'analytic',
    scenario: opts.name ?? '',
    seed: opts.seed,
    simulatedPs,
    completed: true,
    flows,
    ...(nOps > 0 ? { ops, iterations } : {}),
    counters: zeroCounters(),
    ports: [],
    invariants,
    // Its wall time to the microsecond: a run takes a few milliseconds.
    stats: {
      ...runStats(nOps + flows.length, wallMs, process.memoryUsage.rss()),
      wallMs: Math.round(wallMs * 1000) / 1000,
    },
  };
}
