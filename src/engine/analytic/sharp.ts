// The closed form of the in-network all-reduce (workload/training/sharp.ts: SHARP's aggregation tree, every rank
// sending its buffer up once and receiving the result down once, chunk by chunk). Every directed link of the tree
// carries one task of each channel, so a chunk crosses edge e in tau_e = channels x wire chunk / the link's payload
// rate, plus the hop's latency l_e (one frame serialized, propagation, the far switch's port-to-port latency, as
// the flow engine's path latency). Pipelined over C chunks, the last chunk reaches the last rank after
//   T = (C - 1) max_e tau_e + max_i sum_{e up from i} (tau_e + l_e) + max_j sum_{e down to j} (tau_e + l_e):
// the first chunk climbs the slowest branch, comes down the slowest one, and each further chunk adds the slowest
// edge's time (a pipeline's period). Exact with equal links; left out: the switch's own reduction time.

import type { Fabric, LinkId, NodeId } from '../../fabric/types.ts';
import { sharpTree } from '../../workload/training/sharp.ts';
import type { NetworkConfig } from '../core/network.ts';

export interface SharpShape {
  /** Chunks per channel, channels, and the wire bytes of one chunk of one channel. */
  chunks: number;
  channels: number;
  chunkWireBytes: number;
}

/** The link between two neighbours (the first of parallel ones: they have equal rates in generated fabrics). */
function linkBetween(f: Fabric, u: NodeId, v: NodeId): LinkId {
  for (let k = f.adjStart[u]; k < f.adjStart[u + 1]; k++) {
    const l = f.adjLinks[k] as LinkId;
    if (f.peer(l, u) === v) return l;
  }
  throw new Error(`internal: ${f.nodes[u].name} and ${f.nodes[v].name} are not neighbours`);
}

/** Time (s) of the in-network all-reduce over `ranks` (the tree compile built; its switches were checked there). */
export function sharpTimeS(f: Fabric, net: NetworkConfig, ranks: readonly NodeId[], s: SharpShape): number {
  const tree = sharpTree(f, ranks, () => true, 'algorithm');
  const frame = net.mtu + net.headerBytes + net.wireOverheadBytes;
  // Per edge (child v -> parent u): a chunk's time on it, and the hop latency up (to u) and down (to v).
  const edge = (v: NodeId, u: NodeId) => {
    const l = linkBetween(f, v, u);
    const rate = f.links[l].rateBps;
    const tauPs = (s.channels * s.chunkWireBytes * 8e12 * frame) / (rate * net.mtu);
    const hopPs = (frame * 8e12) / rate + net.propPs(l);
    const sw = (n: NodeId) => (f.nodes[n].role === 'host' ? 0 : net.switchLatencyPs(n));
    return { tauPs, upPs: tauPs + hopPs + sw(u), downPs: tauPs + hopPs + sw(v) };
  };
  let tauMax = 0;
  let upMax = 0;
  let downMax = 0;
  for (const h of ranks) {
    let up = 0;
    let down = 0;
    for (let v = h, u = tree.parent.get(h); u !== undefined; v = u, u = tree.parent.get(u)) {
      const e = edge(v, u);
      tauMax = Math.max(tauMax, e.tauPs);
      up += e.upPs;
      down += e.downPs;
    }
    upMax = Math.max(upMax, up);
    downMax = Math.max(downMax, down);
  }
  return ((s.chunks - 1) * tauMax + upMax + downMax) * 1e-12;
}
