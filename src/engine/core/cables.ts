// Cable length of each link for the engines: `network.cables` names a length per link tier, by the tier of the
// link's lower end (hosts, the first switch tier, the second); a tier left out keeps the length class the fabric
// chose (src/fabric/types.ts LENGTH_M). The lengths drive propagation and PFC headroom (network.ts), not the
// bill of materials, which keeps the fabric's length classes and media. The schema refuses cables beside
// network.linkDelay, which would override them.
import type { Fabric } from '../../fabric/types.ts';
import type { Scenario } from '../../scenario/schema.ts';

/** `network.cables` keys by the tier of a link's lower end (FabricNode.tier). */
const TIER_KEYS = ['host', 'leaf', 'spine'] as const;

type Network = NonNullable<Scenario['network']>;

/** The cable length (m) of each link, as a function of its id. */
export function cableLengths(n: Network, f: Fabric): (link: number) => number {
  const c = n.cables;
  if (!c) return (link) => f.links[link].lengthM;
  const byTier = TIER_KEYS.map((k) => c[k]);
  const lengths = new Float64Array(f.links.length);
  for (const l of f.links) lengths[l.id] = byTier[f.nodes[l.a].tier] ?? l.lengthM;
  return (link) => lengths[link];
}

/** The `network.cables` key of a link's tier, for reports: host, leaf or spine. */
export function cableTier(f: Fabric, link: number): string {
  return TIER_KEYS[f.nodes[f.links[link].a].tier] ?? 'spine';
}
