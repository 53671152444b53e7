import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validationCase } from '../../test/helpers/cases.ts';
import { loadCatalog } from '../catalog/index.ts';
import { fabricSpec } from '../scenario/schema.ts';
import { designFabric } from './index.ts';
import type { Fabric } from './types.ts';

const catalog = loadCatalog();

/** Counts from the built graph, not from the generator's formulas. */
function countRoles(f: Fabric) {
  const c = { hosts: 0, edge: 0, agg: 0, core: 0, switches: 0 };
  for (const n of f.nodes) {
    if (n.role === 'host') c.hosts++;
    else if (n.role === 'leaf') c.edge++;
    else if (n.role === 'spine') c.agg++;
    else if (n.role === 'core') c.core++;
    if (n.role !== 'host') c.switches++;
  }
  return c;
}

function fatTree(k: number) {
  // The smallest catalog switch with at least k ports at the host speed.
  const [sw, nic] = k <= 32 ? ['aurcore-32x400g', '400G'] : ['generic-64x400g', '400G'];
  return designFabric(
    { topology: 'fat-tree', hosts: k ** 3 / 4, nic, switch: sw, k, gpusPerNode: 1, northSouthShare: 0.25 },
    catalog,
  );
}

describe('k-ary fat-tree sizes (FAT-02, Al-Fares et al. 2008)', () => {
  const c = validationCase('FAT-02');
  const expected = c.expect as Record<string, Record<string, number>>;

  it.each([4, 8, 16, 32, 48, 64])(
    'k=%i: hosts k^3/4, k/2 edge and k/2 aggregation per pod, (k/2)^2 cores, from the graph',
    (k) => {
      const d = fatTree(k);
      const got = countRoles(d.fabric);
      expect(got.hosts).toBe(k ** 3 / 4);
      expect(got.edge).toBe((k * k) / 2);
      expect(got.agg).toBe((k * k) / 2);
      expect(got.core).toBe((k / 2) ** 2);
      expect(got.switches).toBe((5 * k * k) / 4);
      const pods = new Set(d.fabric.nodes.filter((n) => n.role === 'leaf').map((n) => n.pod));
      expect(pods.size).toBe(k);
      const e = expected[`k${k}`];
      if (e) {
        // The published figures for k = 4, 8 and 48 (exact).
        for (const [key, v] of Object.entries(e)) expect(got[key as keyof typeof got], `${key} for k=${k}`).toBe(v);
      }
    },
  );

  it('has (k/2)^2 equal-cost paths between hosts in different pods (k=8)', () => {
    const d = fatTree(8);
    const f = d.fabric;
    const src = f.hosts[0] as Fabric['border'] & number;
    const dst = f.hosts[f.hosts.length - 1] as typeof src;
    const paths = f.routing.paths(src as never, dst as never);
    expect(paths.length).toBe(16);
    for (const p of paths) expect(p.length).toBe(6);
  });

  it('reports the hop distribution from one host: 2 in the edge, 4 in the pod, 6 across pods (k=8)', () => {
    const d = fatTree(8);
    expect(d.metrics.hopsFromFirstHost).toEqual({ '2': 3, '4': 12, '6': 112 });
    expect(d.metrics.maxHops).toBe(6);
  });
});

describe("HPCC's evaluation fat-tree (FAT-01), built as a mixed-speed fat-tree", () => {
  const c = validationCase('FAT-01');
  const s = c.setup as { hosts: number; switches: { tor: number; agg: number; core: number }; links: number };
  const e = c.expect as { pairs_from_one_host: Record<string, number> };
  const cat = loadCatalog([fileURLToPath(new URL('../../test/fixtures/catalog-hpcc/', import.meta.url))]);
  const d = designFabric(
    fabricSpec({
      topology: 'fat-tree',
      hosts: s.hosts,
      nic: '100G',
      switch: 'hpcc-tor',
      spineSwitch: 'hpcc-agg',
      coreSwitch: 'hpcc-core',
      fabricSpeed: '400G',
    }),
    cat,
  );

  it('has the published sizes: 320 hosts, 20 ToR, 20 aggregation, 16 core, 480 links (counted from the graph)', () => {
    const got = countRoles(d.fabric);
    expect({ hosts: got.hosts, tor: got.edge, agg: got.agg, core: got.core, links: d.fabric.links.length }).toEqual({
      hosts: s.hosts,
      tor: s.switches.tor,
      agg: s.switches.agg,
      core: s.switches.core,
      links: s.links,
    });
  });

  it('from one host: 15 hosts 2 hops away, 48 at 4 and 256 at 6 (FAT-01 pairs_from_one_host)', () => {
    const want: Record<string, number> = {};
    for (const [k, v] of Object.entries(e.pairs_from_one_host)) want[k.split('_')[0]] = v;
    expect(d.metrics.hopsFromFirstHost).toEqual(want);
  });

  it('is non-blocking (1:1 at ToR and aggregation) with full bisection', () => {
    expect(d.metrics.oversubscription).toEqual({ leaf: 1, spine: 1 });
    expect(d.metrics.bisectionBps).toBe(160 * 100e9);
  });
});
