import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/index.ts';
import { DesignError } from '../errors.ts';
import { type FabricSpec, fabricSpec } from '../scenario/schema.ts';
import { billOfMaterials, countsFromBlueprint, countsFromFabric, designFabric } from './index.ts';
import type { Fabric, NodeId } from './types.ts';

const catalog = loadCatalog();

const FAMILIES: [string, Partial<FabricSpec>, string][] = [
  ['leaf-spine', { topology: 'leaf-spine', hosts: 64, switch: 'aurcore-32x400g', gpusPerNode: 8 }, 'spine'],
  ['fat-tree (cores)', { topology: 'fat-tree', hosts: 64, switch: 'aurcore-32x400g' }, 'core'],
  ['rail-optimized', { topology: 'rail-optimized', hosts: 64, switch: 'aurcore-32x400g', gpusPerNode: 8 }, 'spine'],
  ['ddc', { topology: 'ddc', hosts: 64, switch: 'generic-ddc-linecard' }, 'fabric'],
  [
    'access-aggregation',
    {
      topology: 'access-aggregation',
      hosts: 96,
      nic: '25G',
      switch: 'aurcore-48x25g-8x100g',
      spineSwitch: 'aurcore-32x100g',
    },
    'aggregation',
  ],
];

const design = (s: Partial<FabricSpec>) => designFabric(fabricSpec(s as FabricSpec), catalog);

/** The switch a storage node hangs from. */
const leafOf = (f: Fabric, s: number) => f.peer(f.adjLinks[f.adjStart[s]] as never, s as NodeId);

describe('fabric.storage in every generator', () => {
  for (const [name, s, top] of FAMILIES)
    describe(name, () => {
      const d = design({ ...s, storage: { nodes: 5 } });
      const f = d.fabric;
      it('stor0..stor4 outside the hosts, alternating over a storage leaf pair', () => {
        expect(f.storage.length).toBe(5);
        expect(f.hosts.length).toBe(s.hosts);
        expect(Array.from(f.storage, (n) => f.nodes[n].name)).toEqual(['stor0', 'stor1', 'stor2', 'stor3', 'stor4']);
        const leaves = Array.from(f.storage, (n) => f.nodes[leafOf(f, n)].name);
        expect(leaves).toEqual(['sleaf0', 'sleaf1', 'sleaf0', 'sleaf1', 'sleaf0']);
      });
      it(`each storage leaf links to every ${top} switch, the same number of times`, () => {
        const tops = f.nodes.filter((n) => n.role === top).map((n) => n.id);
        for (const leaf of ['sleaf0', 'sleaf1']) {
          const id = f.nodeByName(leaf) as NodeId;
          const per = new Map<number, number>();
          for (let i = f.adjStart[id]; i < f.adjStart[id + 1]; i++) {
            const p = f.peer(f.adjLinks[i] as never, id);
            if (f.nodes[p].role === top) per.set(p, (per.get(p) ?? 0) + 1);
          }
          expect([...per.keys()].sort((a, b) => a - b)).toEqual(tops);
          expect(new Set(per.values()).size).toBe(1);
        }
      });
      it('every host reaches every storage node, both ways, over up/down paths through switches only', () => {
        for (const h of [f.hosts[0], f.hosts[f.hosts.length - 1]])
          for (const st of f.storage)
            for (const [a, b] of [
              [h, st],
              [st, h],
            ]) {
              const paths = f.routing.paths(a as NodeId, b as NodeId, 4);
              expect(paths.length).toBeGreaterThan(0);
              for (const p of paths)
                for (const l of p.slice(0, -1)) {
                  const ends = [f.links[l].a, f.links[l].b].map((n) => f.nodes[n].role);
                  expect(ends.filter((r) => r === 'host' || r === 'storage').length).toBeLessThanOrEqual(1);
                }
            }
      });
      it('the BOM counted from the graph equals the BOM from the blueprint, with the storage NICs and cables', () => {
        const fromGraph = billOfMaterials(countsFromFabric(f), catalog);
        const fromBp = billOfMaterials(countsFromBlueprint(d.blueprint), catalog);
        expect(fromGraph.totals).toEqual(fromBp.totals);
        const nics = fromGraph.items.filter((i) => i.category === 'nic').reduce((a, i) => a + i.quantity, 0);
        expect(nics).toBe((s.hosts ?? 0) + 5);
        expect(fromGraph.items.some((i) => i.role.startsWith('storage-'))).toBe(true);
      });
      it('metrics: the storage NICs add up; host-to-host bisection is the family formula (storage is no shortcut)', () => {
        const rate = f.links[f.adjLinks[f.adjStart[f.storage[0]]]].rateBps;
        expect(d.metrics.storage).toEqual({ nodes: 5, totalBps: 5 * rate, perHostBps: (5 * rate) / f.hosts.length });
        expect(d.metrics.bisectionBps).toBeCloseTo(d.blueprint.bisectionBps, -6);
        expect(d.metrics.ports.overCommitted).toEqual([]);
      });
    });

  it('without fabric.storage a design has no storage node, leaf or metric (results stay as they were)', () => {
    const d = design(FAMILIES[0][1]);
    expect(d.fabric.storage.length).toBe(0);
    expect(d.fabric.nodes.some((n) => n.role === 'storage' || n.name.startsWith('sleaf'))).toBe(false);
    expect(d.metrics.storage).toBeUndefined();
  });

  it('the pair takes spine ports like two more leaves: 480 hosts and the pair fill the 512-port Clos of 32x400G', () => {
    const d = design({ topology: 'leaf-spine', hosts: 480, switch: 'aurcore-32x400g', storage: { nodes: 8 } });
    const leaves = d.fabric.nodes.filter((n) => n.role === 'leaf').length;
    expect(leaves).toBe(32);
    expect(d.fabric.nodes.filter((n) => n.role === 'spine').length).toBe(16);
    expect(d.metrics.ports.overCommitted).toEqual([]);
  });

  /** The first and last hosts reach every storage node both ways, and the graph's BOM is the blueprint's. */
  const reachAndBom = (d: ReturnType<typeof design>) => {
    const f = d.fabric;
    for (const h of [f.hosts[0], f.hosts[f.hosts.length - 1]])
      for (const st of f.storage) {
        expect(f.routing.paths(h as NodeId, st as NodeId, 4).length).toBeGreaterThan(0);
        expect(f.routing.paths(st as NodeId, h as NodeId, 4).length).toBeGreaterThan(0);
      }
    const fromGraph = billOfMaterials(countsFromFabric(f), catalog);
    expect(fromGraph.totals).toEqual(billOfMaterials(countsFromBlueprint(d.blueprint), catalog).totals);
    expect(d.metrics.ports.overCommitted).toEqual([]);
  };

  it('on 2 planes (HPN): a storage leaf pair per plane under its own spines, each storage NIC split over the planes', () => {
    const d = design({
      topology: 'leaf-spine',
      hosts: 64,
      switch: 'aurcore-32x400g',
      gpusPerNode: 8,
      planes: 2,
      storage: { nodes: 5 },
    });
    const f = d.fabric;
    const spines = f.nodes.filter((n) => n.role === 'spine').map((n) => n.id);
    const half = spines.length / 2;
    // sleaf0/1 under plane 0's spines only, sleaf2/3 under plane 1's.
    for (const [leaf, plane] of [
      ['sleaf0', 0],
      ['sleaf1', 0],
      ['sleaf2', 1],
      ['sleaf3', 1],
    ] as const) {
      const id = f.nodeByName(leaf) as NodeId;
      const up = new Set<number>();
      for (let i = f.adjStart[id]; i < f.adjStart[id + 1]; i++) {
        const p = f.peer(f.adjLinks[i] as never, id);
        if (f.nodes[p].role === 'spine') up.add(p);
      }
      expect([...up].sort((a, b) => a - b)).toEqual(spines.slice(plane * half, (plane + 1) * half));
    }
    // stor i: port p (200G, half the 400G NIC) on plane p's leaf i mod 2.
    for (let i = 0; i < 5; i++) {
      const n = f.storage[i];
      const ends: string[] = [];
      for (let k = f.adjStart[n]; k < f.adjStart[n + 1]; k++) {
        const l = f.links[f.adjLinks[k]];
        expect(l.rateBps).toBe(200e9);
        ends.push(f.nodes[f.peer(f.adjLinks[k] as never, n as NodeId)].name);
      }
      expect(ends.sort()).toEqual([`sleaf${i % 2}`, `sleaf${2 + (i % 2)}`]);
    }
    expect(d.metrics.storage?.totalBps).toBe(5 * 400e9);
    reachAndBom(d);
  });

  it('on dual-homed access/aggregation: the aggregation switches keep a port per storage leaf', () => {
    const spec = {
      topology: 'access-aggregation',
      hosts: 384,
      nic: '25G',
      switch: 'aurcore-48x25g-8x100g',
      spineSwitch: 'aurcore-32x100g',
      dualHomed: true,
    } as const;
    // Without storage the 6 aggregation switches' 32 ports are all taken (24 access uplinks, 8 to border0).
    const aggs = (d: ReturnType<typeof design>) => d.fabric.nodes.filter((n) => n.role === 'aggregation').length;
    expect(aggs(design(spec))).toBe(6);
    const d = design({ ...spec, storage: { nodes: 32 } });
    // With the pair reserved, 22 ports per switch are left for 16 access switches x 8 uplinks: 8 switches.
    expect(aggs(d)).toBe(8);
    expect(d.fabric.storage.length).toBe(32);
    reachAndBom(d);
  });

  it('a custom fabric lists its storage in its file: fabric.storage there is a DesignError naming the field', () => {
    expect(() => design({ topology: 'custom', file: 'x.yaml', hosts: 2, storage: { nodes: 2 } })).toThrow(
      /fabric\.storage.*custom/,
    );
  });

  it('a top tier without spare ports is a DesignError naming fabric.storage', () => {
    const full = { topology: 'leaf-spine', hosts: 512, switch: 'aurcore-32x400g', storage: { nodes: 2 } } as const;
    expect(() => design(full)).toThrow(DesignError);
    expect(() => design(full)).toThrow(/storage leaves \(fabric\.storage\)/);
  });
});
