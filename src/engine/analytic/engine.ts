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
import type { Fabric, LinkId, NodeId } from '../../fabric/types.ts';
import type { FlowResult, InvariantCheck, Result } from '../../result/types.ts';
import { RESULT_VERSION, zeroCounters } from '../../result/types.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { ProgramOp, TrafficProgram } from '../../workload/program.ts';
import { summarizeOps } from '../core/ops.ts';
import { type NetworkConfig, resolveNetwork } from '../packet/config.ts';
import { collectiveTimeS, ncclLatencyUs } from './collectives.ts';

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
 * The slowest flow's rate (payload B/s) when `pairs` all send at once with perfectly balanced ECMP: each flow
 * starts at its NIC's rate; a leaf (or pod) whose crossing flows exceed its uplink capacity shares it equally.
 */
export function patternRateBps(f: Fabric, net: NetworkConfig, pairs: [NodeId, NodeId][]): number {
  if (pairs.length === 0) return Number.POSITIVE_INFINITY;
  const { leafUp, podUp } = uplinks(f, net);
  const outLeaf = new Map<NodeId, number>();
  const inLeaf = new Map<NodeId, number>();
  const outPod = new Map<number, number>();
  const inPod = new Map<number, number>();
  let nic = Number.POSITIVE_INFINITY;
  const bump = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const [s, d] of pairs) {
    nic = Math.min(nic, payloadBps(f.links[f.adjLinks[f.adjStart[s]]].rateBps, net));
    nic = Math.min(nic, payloadBps(f.links[f.adjLinks[f.adjStart[d]]].rateBps, net));
    const ls = leafOf(f, s);
    const ld = leafOf(f, d);
    if (ls === ld) continue;
    bump(outLeaf, ls);
    bump(inLeaf, ld);
    const ps = f.nodes[ls].pod;
    const pd = f.nodes[ld].pod;
    if (ps !== pd && podUp.size > 0) {
      bump(outPod, ps);
      bump(inPod, pd);
    }
  }
  let rate = nic;
  for (const [leaf, n] of outLeaf) rate = Math.min(rate, (leafUp.get(leaf) ?? Number.POSITIVE_INFINITY) / n);
  for (const [leaf, n] of inLeaf) rate = Math.min(rate, (leafUp.get(leaf) ?? Number.POSITIVE_INFINITY) / n);
  for (const [pod, n] of outPod) rate = Math.min(rate, (podUp.get(pod) ?? Number.POSITIVE_INFINITY) / n);
  for (const [pod, n] of inPod) rate = Math.min(rate, (podUp.get(pod) ?? Number.POSITIVE_INFINITY) / n);
  return rate;
}

/** The pairs that send at once in the op's busiest step: ring edges for ring algorithms, else half-way pairs. */
function stepPairs(op: ProgramOp, ranks: NodeId[]): [NodeId, NodeId][] {
  const p = ranks.length;
  const pairs: [NodeId, NodeId][] = [];
  const shift = op.algorithm === 'ring' ? 1 : Math.floor(p / 2);
  for (let i = 0; i < p; i++) {
    const j = (i + shift) % p;
    if (j !== i) pairs.push([ranks[i], ranks[j]]);
  }
  return pairs;
}

/** Servers of the ranks, and the rank's index inside its server. */
function serverGroups(f: Fabric, ranks: NodeId[]): NodeId[][] {
  const by = new Map<number, NodeId[]>();
  for (const h of ranks) {
    const s = f.nodes[h].server;
    const g = by.get(s);
    if (g) g.push(h);
    else by.set(s, [h]);
  }
  return [...by.values()];
}

export function opCost(f: Fabric, net: NetworkConfig, op: ProgramOp): OpCost {
  const ranks = op.ranks;
  const intra = f.spec.intraServer;
  const groups = serverGroups(f, ranks);
  const gpusPerServer = Math.max(...groups.map((g) => g.length));
  const hierarchical = op.algorithm === 'hierarchical';
  // Hierarchical: the fabric carries rings of same-index GPUs across servers.
  const netRanks = hierarchical ? groups.map((g) => g[0]) : ranks;
  // Rings: the mean latency of the ring's fabric hops. A pipelined ring's step is bounded by the cycle's mean
  // hop time, not its slowest hop (the flow and packet engines show it: hops inside a leaf are shorter than
  // hops across the spine). Other algorithms: the longest path, below.
  let alphaPs = 0;
  let sum = 0;
  let hops = 0;
  for (let i = 0; i < netRanks.length; i++) {
    const a = netRanks[i];
    const b = netRanks[(i + 1) % netRanks.length];
    if (a !== b && f.nodes[a].server !== f.nodes[b].server) {
      const l = hopLatencyPs(f, net, a, b);
      alphaPs = Math.max(alphaPs, l);
      sum += l;
      hops++;
    }
  }
  if ((op.algorithm === 'ring' || hierarchical) && hops > 0) alphaPs = sum / hops;
  if (!hierarchical && op.algorithm !== 'ring' && netRanks.length > 1)
    alphaPs = Math.max(alphaPs, hopLatencyPs(f, net, netRanks[0], netRanks[Math.floor(netRanks.length / 2)]));
  if (groups.length === 1 && ranks.length > 1) {
    // Every rank in one server: the collective runs on the intra-server domain alone.
    return {
      alphaS: (intra?.latency ?? 1e6) * 1e-12,
      betaSPerByte: 8 / (intra?.bandwidth ?? 3600e9),
      gammaSPerByte: 0,
      intraAlphaS: (intra?.latency ?? 1e6) * 1e-12,
      intraBetaSPerByte: 8 / (intra?.bandwidth ?? 3600e9),
      servers: 1,
      gpusPerServer,
      netBetaSPerByte: 8 / (intra?.bandwidth ?? 3600e9),
    };
  }
  const pairs = hierarchical
    ? groups.flatMap((_, s) =>
        groups[0].map((_, k): [NodeId, NodeId] => [groups[s][k], groups[(s + 1) % groups.length][k]]),
      )
    : stepPairs(op, ranks).filter(([a, b]) => f.nodes[a].server !== f.nodes[b].server || gpusPerServer === 1);
  const rate = patternRateBps(
    f,
    net,
    pairs.filter(([a, b]) => a !== b),
  );
  // A flat algorithm over servers of several GPUs also crosses the intra domain: the slower of the two bounds.
  const intraRate = (intra?.bandwidth ?? 3600e9) / 8;
  const rankRate = gpusPerServer > 1 && !hierarchical ? Math.min(rate, intraRate) : rate;
  return {
    alphaS: alphaPs * 1e-12,
    betaSPerByte: Number.isFinite(rankRate) ? 1 / rankRate : 0,
    gammaSPerByte: 0,
    intraAlphaS: (intra?.latency ?? 1e6) * 1e-12,
    intraBetaSPerByte: 8 / (intra?.bandwidth ?? 3600e9),
    servers: groups.length,
    gpusPerServer,
    netBetaSPerByte: Number.isFinite(rate) ? 1 / rate : 0,
  };
}

/** Closed-form time (s) of a collective op with its cost parameters. */
export function opTimeS(op: ProgramOp, c: OpCost): number {
  const p = op.ranks.length;
  const n = op.bytes;
  const abg = { alphaS: c.alphaS, betaSPerByte: c.betaSPerByte, gammaSPerByte: c.gammaSPerByte };
  const name = op.op ?? 'all-reduce';
  const alg = op.algorithm ?? 'ring';
  if (op.latencyModel === 'nccl' && name === 'all-reduce' && (alg === 'ring' || alg === 'double-binary-tree')) {
    // COLL-03: NCCL's tuning model, t = latency(ring | tree, ranks, nodes) + the bandwidth term.
    const noAlpha = { ...c, alphaS: 0, intraAlphaS: 0 };
    const lat = ncclLatencyUs(alg === 'ring' ? 'ring' : 'tree', p, c.servers) * 1e-6;
    return lat + opTimeS({ ...op, latencyModel: 'alpha' }, noAlpha);
  }
  if (alg === 'double-binary-tree') {
    // NCCL's tree model (COLL-03): algBw = busBw / 2, latency 2 log2 p steps: t = 2 lg p alpha + 2 n beta.
    return 2 * Math.ceil(Math.log2(p)) * c.alphaS + 2 * n * c.betaSPerByte + n * c.gammaSPerByte;
  }
  if (alg === 'hierarchical') {
    // Reduce-scatter inside each server (ring over the intra domain), all-reduce of n/g across servers on every
    // rail at once (ring), all-gather inside the server.
    const g = c.gpusPerServer;
    const m = c.servers;
    const intra = { alphaS: c.intraAlphaS, betaSPerByte: c.intraBetaSPerByte, gammaSPerByte: c.gammaSPerByte };
    return (
      collectiveTimeS('reduce-scatter', 'ring', g, n, intra) +
      collectiveTimeS('all-reduce', 'ring', m, n / g, abg) +
      collectiveTimeS('all-gather', 'ring', g, n, intra)
    );
  }
  if (alg === 'ring' && c.servers > 1 && c.gpusPerServer > 1 && name !== 'all-to-all' && name !== 'broadcast') {
    // A ring over servers of g GPUs: one hop in g crosses the fabric, the others the intra domain. A pipelined
    // ring's step is bounded by its slowest hop's sending time and by the cycle's mean hop time (latency
    // included): the cycle ratio of the ring's step dependencies. Uniform hops give back alpha + x beta.
    const steps = name === 'all-reduce' ? 2 * (p - 1) : p - 1;
    const x = n / p;
    const q = c.servers / p;
    const netHop = c.alphaS + x * c.netBetaSPerByte;
    const intraHop = c.intraAlphaS + x * c.intraBetaSPerByte;
    const step = Math.max(x * c.netBetaSPerByte, x * c.intraBetaSPerByte, q * netHop + (1 - q) * intraHop);
    return steps * step;
  }
  return collectiveTimeS(name, alg, p, n, abg);
}

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
  const start = new Float64Array(nOps);
  const end = new Float64Array(nOps);
  let depsOk = true;
  for (let o = 0; o < nOps; o++) {
    const op = program.ops[o];
    let s = op.firstTask < op.lastTask ? program.transfers[op.firstTask].startPs : 0;
    for (const d of op.deps) {
      if (d >= o) depsOk = false;
      s = Math.max(s, end[d]);
    }
    let dur = 0;
    if (op.kind === 'compute') dur = op.durationPs;
    else if (op.kind === 'collective') dur = Math.round(opTimeS(op, opCost(fabric, net, op)) * 1e12);
    start[o] = s;
    end[o] = s + dur;
  }
  const { ops, iterations } = summarizeOps(program, start, end);

  // Plain flows: the hose-model bound at both ends.
  // Plain flows are the tasks outside every op; skip the scan when the ops cover every task (large jobs).
  let inOps = 0;
  for (const op of program.ops) inOps += op.lastTask - op.firstTask;
  const plain =
    inOps === program.transfers.length ? [] : program.transfers.filter((t) => t.op === -1 && t.kind === 'transfer');
  const out = new Map<NodeId, number>();
  const inn = new Map<NodeId, number>();
  for (const t of plain) {
    out.set(t.src, (out.get(t.src) ?? 0) + 1);
    inn.set(t.dst, (inn.get(t.dst) ?? 0) + 1);
  }
  const flows: FlowResult[] = plain.map((t) => {
    const nicOf = (h: NodeId) => payloadBps(fabric.links[fabric.adjLinks[fabric.adjStart[h]]].rateBps, net);
    const ideal = Math.min(nicOf(t.src), nicOf(t.dst));
    const rate = Math.min(nicOf(t.src) / (out.get(t.src) ?? 1), nicOf(t.dst) / (inn.get(t.dst) ?? 1));
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
      ok: ops.every((o) => Number.isFinite(o.timePs) && o.timePs >= 0),
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
    stats: {
      events: nOps + flows.length,
      wallMs: Math.round(wallMs * 1000) / 1000,
      eventsPerSec: wallMs > 0 ? Math.round(((nOps + flows.length) / wallMs) * 1000) : 0,
      peakRssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
    },
  };
}
