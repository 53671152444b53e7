// Paths of the flow engine: each transfer's walk from src to dst over the routing tables (the packet engine's ECMP
// choice with the same seeded hash, among the members the routing view believes alive after a failure), its
// latency, the move to a new path after a reroute, and the bytes it carried on each link. Also which transfers
// are exclusive (no other path shares a link with theirs). Left out: paths of unequal length (up/down routing
// gives every ECMP member the same hop count), source routing and adaptive choices.
import type { LinkId, NodeId } from '../../fabric/types.ts';
import { ecmpIndex } from '../core/ecmp.ts';
import * as layout from './layout.ts';
import type { FlowSim } from './state.ts';

// The layout's offsets and kinds (layout.ts) as module constants: one load each in the hot loops, where an
// imported binding costs a load and a check at every use (25% of the ring benchmark).
const { F_AUX, F_BYTES, F_LAT, F_PBYTES, F_RATE, I_LAZY, I_PATH0, I_PATH1, I_XFER, LZ_EXCL, S_FLOW, S_LINK, TF, TI } =
  layout;

/**
 * Paths: one walk per transfer at build time gives the hop counts (fixed under up/down routing: every ECMP
 * alternative has the same length), the latency and the ideal FCT's bottleneck.
 */
export function buildPaths(sim: FlowSim): void {
  const { ti, tf, T } = sim;
  let hops = new Int32Array(Math.max(64, 4 * T));
  let nh = 0;
  for (let i = 0; i < T; i++) {
    ti[TI * i + I_PATH0] = nh;
    if (ti[TI * i + I_XFER]) {
      const n = walkPath(sim, i, sim.tmpPath);
      if (nh + n > hops.length) {
        const grown = new Int32Array(2 * hops.length + n);
        grown.set(hops);
        hops = grown;
      }
      hops.set(sim.tmpPath.subarray(0, n), nh);
      nh += n;
    }
    ti[TI * i + I_PATH1] = nh;
  }
  // The groups are rebuilt on demand if failures re-path flows; their memory is not needed meanwhile.
  sim.groups.clear();
  sim.sl = new Int32Array(4 * nh);
  for (let i = 0; i < T; i++) {
    let minCap = Number.POSITIVE_INFINITY;
    for (let s = ti[TI * i + I_PATH0]; s < ti[TI * i + I_PATH1]; s++) {
      sim.sl[4 * s + S_LINK] = hops[s];
      sim.sl[4 * s + S_FLOW] = i;
      if (sim.capFull[hops[s]] < minCap) minCap = sim.capFull[hops[s]];
    }
    tf[TF * i + F_LAT] = pathLatency(sim, i);
    sim.idealLatPs[i] = tf[TF * i + F_LAT];
    sim.idealCap[i] = minCap;
  }
}

/**
 * Walks src -> dst with the routing tables, writing directed link ids into `out`; returns the hop count.
 * A host with one link sends on it; a host with several (a NIC split over planes, a dual-homed server) and a
 * switch pick the ECMP member ecmpIndex(hash, 0, node, count), among the members the routing view believes
 * usable once any failure has been detected (the packet engine's choice for a data packet).
 */
function walkPath(sim: FlowSim, t: number, out: Int32Array): number {
  const dst = sim.dst[t];
  let at = sim.src[t];
  if (!sim.isHost[at] || !sim.isHost[dst]) return adjacentHop(sim, at, dst, sim.hash[t], out);
  let n = 0;
  const h = sim.hash[t];
  while (at !== dst) {
    let l: number;
    if (sim.isHost[at]) l = sim.routing.pick(at as NodeId, dst as NodeId, hostPort(sim, at, dst, h));
    else {
      const off = sim.groups.offset(at, dst);
      const cnt = sim.groups.links[off];
      let i = 0;
      if (sim.routeEpoch > 0) {
        i = pickAlive(sim, at, dst, cnt, h);
        // Nothing usable: stay on the hash's member (its flows wait at rate 0 until a recovery).
        if (i < 0) i = ecmpIndex(h, 0, at, cnt);
      } else if (cnt > 1) i = ecmpIndex(h, 0, at, cnt);
      l = sim.groups.links[off + 1 + i];
    }
    const up = sim.linkA[l] === at;
    out[n++] = up ? 2 * l : 2 * l + 1;
    at = up ? sim.linkB[l] : sim.linkA[l];
    if (n > 32) throw new Error(`internal: routing loop from task ${t}`);
  }
  return n;
}

/**
 * A transfer with a switch at one end (in-network reduction, workload/training/sharp.ts) crosses one link to a
 * neighbour: the hash's member of the parallel links between them (none fails over: its tree is fixed, as SHARP's).
 */
function adjacentHop(sim: FlowSim, from: number, to: number, h: number, out: Int32Array): number {
  const f = sim.f;
  let cnt = 0;
  for (let k = f.adjStart[from]; k < f.adjStart[from + 1]; k++)
    if (f.peer(f.adjLinks[k] as LinkId, from as NodeId) === to) cnt++;
  if (cnt === 0) throw new Error(`internal: ${f.nodes[from].name} and ${f.nodes[to].name} are not neighbours`);
  let i = cnt > 1 ? ecmpIndex(h, 0, from, cnt) : 0;
  for (let k = f.adjStart[from]; k < f.adjStart[from + 1]; k++) {
    const l = f.adjLinks[k];
    if (f.peer(l as LinkId, from as NodeId) !== to || i-- > 0) continue;
    out[0] = sim.linkA[l] === from ? 2 * l : 2 * l + 1;
    return 1;
  }
  return 0;
}

/**
 * The last byte's latency after it leaves the source: at every hop one full frame serialized (store and
 * forward) plus propagation, plus each switch's port-to-port latency. Rounded up to a whole picosecond.
 */
function pathLatency(sim: FlowSim, t: number): number {
  let ps = 0;
  for (let s = sim.ti[TI * t + I_PATH0]; s < sim.ti[TI * t + I_PATH1]; s++) {
    const d = sim.sl[4 * s + S_LINK];
    ps += sim.hopPs[d];
    ps += sim.switchPs[d & 1 ? sim.linkA[d >> 1] : sim.linkB[d >> 1]];
  }
  return Math.ceil(ps);
}

/** A host's port for a flow: its only link, else the hash's choice (among the live ones after a failure). */
function hostPort(sim: FlowSim, at: number, dst: number, h: number): number {
  const cnt = sim.routing.count(at as NodeId, dst as NodeId);
  if (cnt < 2) return 0;
  const i = sim.routeEpoch > 0 ? pickAlive(sim, at, dst, cnt, h) : -1;
  return i < 0 ? ecmpIndex(h, 0, at, cnt) : i;
}

/** The hash's choice among the members the routing view believes usable, or -1. */
function pickAlive(sim: FlowSim, node: number, dst: number, cnt: number, h: number): number {
  const alive = sim.view.aliveCount(node, dst, cnt);
  return alive === 0 ? -1 : sim.view.nthAlive(node, dst, cnt, ecmpIndex(h, 0, node, alive));
}

/** Moves a flow (not on the link lists) to the path in tmpPath; bytes sent so far stay counted on the old one. */
export function setPath(sim: FlowSim, t: number): void {
  flushPathBytes(sim, t);
  const s0 = sim.ti[TI * t + I_PATH0];
  const n = sim.ti[TI * t + I_PATH1] - s0;
  for (let h = 0; h < n; h++) sim.sl[4 * (s0 + h) + S_LINK] = sim.tmpPath[h];
  sim.tf[TF * t + F_LAT] = pathLatency(sim, t);
}

/** Walks the flow's path in the current routing view into tmpPath: true if it differs from the flow's path. */
export function pathMoved(sim: FlowSim, t: number): boolean {
  sim.pathEpoch[t] = sim.routeEpoch;
  const n = walkPath(sim, t, sim.tmpPath);
  const s0 = sim.ti[TI * t + I_PATH0];
  if (n !== sim.ti[TI * t + I_PATH1] - s0) throw new Error(`internal: task ${t}'s path changed length`);
  for (let h = 0; h < n; h++) if (sim.sl[4 * (s0 + h) + S_LINK] !== sim.tmpPath[h]) return true;
  return false;
}

/** Books `bytes` of task t, sent at a constant rate over [t0, t1], on its path's links' series (series.ts). */
export function bookSeries(sim: FlowSim, t: number, t0: number, t1: number, bytes: number): void {
  const rec = sim.series;
  if (rec === null) return;
  for (let s = sim.ti[TI * t + I_PATH0], e = sim.ti[TI * t + I_PATH1]; s < e; s++)
    rec.add(sim.sl[4 * s + S_LINK], t0, t1, bytes);
}

export function flushPathBytes(sim: FlowSim, t: number): void {
  const b = sim.tf[TF * t + F_PBYTES];
  if (b === 0) return;
  for (let s = sim.ti[TI * t + I_PATH0]; s < sim.ti[TI * t + I_PATH1]; s++) sim.linkBytes[sim.sl[4 * s + S_LINK]] += b;
  sim.tf[TF * t + F_PBYTES] = 0;
}

/**
 * A transfer whose links no other transfer's path uses always runs alone at its path's bottleneck, so each
 * repetition's send time is known when it starts: it needs no link lists, no recomputation and no drain
 * event (its arrival is scheduled at once; it is marked sent lazily, or woken at its send time only when its
 * next repetition could start then). Ring collectives on a Clos are mostly such flows. Paths change only
 * after failures, so a run with failures has none.
 */
export function markExclusive(sim: FlowSim): void {
  if (sim.net.failures.length > 0) return;
  const { ti, tf, sl, cap } = sim;
  const users = new Int32Array(sim.D);
  for (let t = 0; t < sim.T; t++) {
    if (tf[TF * t + F_BYTES] === 0) continue;
    for (let s = ti[TI * t + I_PATH0]; s < ti[TI * t + I_PATH1]; s++) users[sl[4 * s + S_LINK]]++;
  }
  for (let t = 0; t < sim.T; t++) {
    const r = TI * t;
    if (!ti[r + I_XFER] || tf[TF * t + F_BYTES] === 0) continue;
    let alone = true;
    let minCap = Number.POSITIVE_INFINITY;
    for (let s = ti[r + I_PATH0]; s < ti[r + I_PATH1]; s++) {
      const l = sl[4 * s + S_LINK];
      if (users[l] !== 1) alone = false;
      if (cap[l] < minCap) minCap = cap[l];
    }
    if (!alone) continue;
    ti[r + I_LAZY] = LZ_EXCL;
    tf[TF * t + F_RATE] = minCap;
    tf[TF * t + F_AUX] = Math.max(Math.ceil(tf[TF * t + F_BYTES] / minCap - 1e-6), 0);
    // Capacity check for these flows, once: the bottleneck rate against each of the links.
    for (let s = ti[r + I_PATH0]; s < ti[r + I_PATH1]; s++) {
      const load = layout.linkLoad(minCap, cap[sl[4 * s + S_LINK]]);
      if (load > sim.maxLoad) sim.maxLoad = load;
    }
  }
}
