// Per directed link load for the result (flow and inference runs): entry 2 l is link l from its a end to b,
// 2 l + 1 from b to a; ports name parallel links apart.
import type { Fabric } from '../../fabric/types.ts';
import type { LinkStats } from '../../result/types.ts';

export function linkStatsFromBytes(f: Fabric, linkBytes: Float64Array, runPs: number): LinkStats[] {
  const links: LinkStats[] = [];
  for (let d = 0; d < linkBytes.length; d++) {
    const b = linkBytes[d];
    if (b <= 0) continue;
    const link = f.links[d >> 1];
    const [from, fromPort, to, toPort] =
      d & 1 ? [link.b, link.bPort, link.a, link.aPort] : [link.a, link.aPort, link.b, link.bPort];
    links.push({
      link: `${f.nodes[from].name}:${fromPort} -> ${f.nodes[to].name}:${toPort}`,
      tiers: `${f.nodes[link.a].role}-${f.nodes[link.b].role}`,
      rateGbps: link.rateBps / 1e9,
      bytes: b,
      utilization: runPs > 0 ? (b * 8e12) / (link.rateBps * runPs) : 0,
    });
  }
  return links;
}
