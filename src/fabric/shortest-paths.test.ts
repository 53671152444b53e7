// Shortest-path ECMP (custom fabrics) against the up/down routing of the generators: on a Clos graph every shortest
// path is an up/down path and back, so the two must give the same next-hop sets at every node toward every endpoint
// (issue 17: "all shortest paths as ECMP groups; up/down on Clos-like graphs as today").
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/index.ts';
import { fabricSpec } from '../scenario/schema.ts';
import { designFabric } from './index.ts';
import { shortestPathRouting } from './shortest-paths.ts';
import type { Fabric, NodeId } from './types.ts';

const catalog = loadCatalog();

function compare(f: Fabric): number {
  const linkA = Int32Array.from(f.links, (l) => l.a);
  const linkB = Int32Array.from(f.links, (l) => l.b);
  const sp = shortestPathRouting(f, linkA, linkB);
  const dsts = [...f.hosts, ...(f.border === -1 ? [] : [f.border])];
  let pairs = 0;
  for (const dst of dsts)
    for (const nd of f.nodes) {
      if (nd.id === dst) continue;
      const want = [...f.routing.nextHops(nd.id, dst as NodeId)].sort((x, y) => x - y);
      const got = [...sp.nextHops(nd.id, dst as NodeId)].sort((x, y) => x - y);
      // Hosts never forward: the up/down table gives a host its uplinks toward anything; only its own traffic uses them.
      if (nd.role === 'host') continue;
      expect(got, `${nd.name} -> ${f.nodes[dst].name}`).toEqual(want);
      pairs++;
    }
  return pairs;
}

describe('shortest-path routing equals up/down on generated Clos fabrics', () => {
  it('2-tier leaf-spine, 3-tier fat-tree, access-aggregation with border0', () => {
    const specs = [
      { topology: 'leaf-spine', hosts: 64, nic: '100G', switch: 'aurcore-32x100g' },
      { topology: 'fat-tree', hosts: 128, nic: '400G', switch: 'aurcore-32x400g', k: 8 },
      {
        topology: 'access-aggregation',
        hosts: 96,
        nic: '25G',
        switch: 'aurcore-48x25g-8x100g',
        spineSwitch: 'aurcore-32x100g',
      },
    ] as const;
    for (const s of specs) expect(compare(designFabric(fabricSpec(s), catalog).fabric)).toBeGreaterThan(100);
  });
});
