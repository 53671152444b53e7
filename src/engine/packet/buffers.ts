// What the run reports about buffers: the PFC headroom each port's traffic has at the switch it feeds, and the
// headroom per link tier (links grouped by tier pair, rate and cable length). Reads the MMU's reservations and
// peaks at the end of the run; leaves out the shared pool's occupancy over time (the queue series show it).
import type { Fabric } from '../../fabric/types.ts';
import type { HeadroomTier } from '../../result/types.ts';
import { cableTier } from '../core/cables.ts';
import type { NetworkConfig } from '../core/network.ts';
import type { Mmu } from './mmu.ts';
import type { Topology } from './topology.ts';

/** Headroom reserved for egress port p's traffic at its receiving switch, and the most the lossless class used. */
export function portHeadroom(mmu: Mmu, p: number): { headroomBytes: number; peakHeadroomBytes: number } {
  return { headroomBytes: mmu.hdrmCap(p), peakHeadroomBytes: mmu.peakPortHeadroom(p) };
}

/** Headroom per group of links of one tier pair, rate and cable length: lower tiers first, then by rate. */
export function headroomTiers(f: Fabric, net: NetworkConfig, topo: Topology, mmu: Mmu): HeadroomTier[] {
  const groups = new Map<string, HeadroomTier>();
  const order = new Map<HeadroomTier, number>();
  for (const l of f.links) {
    const tiers = `${f.nodes[l.a].role}-${f.nodes[l.b].role}`;
    const cableM = net.lengthM(l.id);
    const key = `${tiers}/${l.rateBps}/${cableM}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        tiers,
        cable: cableTier(f, l.id),
        rateGbps: l.rateBps / 1e9,
        cableM,
        propagationNs: topo.propPs[2 * l.id] / 1e3,
        headroomBytes: 0,
        peakHeadroomBytes: 0,
        links: 0,
      };
      groups.set(key, g);
      order.set(g, f.nodes[l.a].tier);
    }
    g.links++;
    for (const p of [2 * l.id, 2 * l.id + 1]) {
      const h = portHeadroom(mmu, p);
      if (h.headroomBytes > g.headroomBytes) g.headroomBytes = h.headroomBytes;
      if (h.peakHeadroomBytes > g.peakHeadroomBytes) g.peakHeadroomBytes = h.peakHeadroomBytes;
    }
  }
  const tier = (g: HeadroomTier) => order.get(g) ?? 0;
  return [...groups.values()].sort((a, b) => tier(a) - tier(b) || a.rateGbps - b.rateGbps || a.cableM - b.cableM);
}
