import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/index.ts';
import { DesignError } from '../errors.ts';
import { type FabricSpec, fabricSpec } from '../scenario/schema.ts';
import { billOfMaterials, countsFromBlueprint, countsFromFabric, designFabric } from './index.ts';
import type { Fabric, NodeId } from './types.ts';

const catalog = loadCatalog();

/** Connected components of the switches alone (hosts and the border removed): one per plane if disjoint. */
function switchComponents(f: Fabric): Int32Array {
  const comp = new Int32Array(f.nodes.length).fill(-1);
  let c = 0;
  for (const start of f.nodes) {
    if (start.role === 'host' || start.role === 'border' || comp[start.id] >= 0) continue;
    const stack = [start.id as number];
    comp[start.id] = c;
    while (stack.length > 0) {
      const u = stack.pop() as number;
      for (let i = f.adjStart[u]; i < f.adjStart[u + 1]; i++) {
        const v = f.peer(f.adjLinks[i] as never, u as NodeId);
        if (f.nodes[v].role === 'host' || f.nodes[v].role === 'border' || comp[v] >= 0) continue;
        comp[v] = c;
        stack.push(v);
      }
    }
    c++;
  }
  return comp;
}

const DUAL: [string, FabricSpec, FabricSpec][] = [
  [
    'leaf-spine 512 x 400G on aurcore-32x400g',
    fabricSpec({ topology: 'leaf-spine', hosts: 512, switch: 'aurcore-32x400g', planes: 2 }),
    fabricSpec({ topology: 'leaf-spine', hosts: 512, switch: 'aurcore-32x400g' }),
  ],
  [
    'rail-optimized 1024 x 400G on generic-64x800g',
    fabricSpec({ topology: 'rail-optimized', hosts: 1024, gpusPerNode: 8, switch: 'generic-64x800g', planes: 2 }),
    fabricSpec({ topology: 'rail-optimized', hosts: 1024, gpusPerNode: 8, switch: 'generic-64x800g' }),
  ],
];

describe.each(DUAL)('two planes: %s', (_name, s, single) => {
  const d = designFabric(s, catalog);
  const f = d.fabric;
  const comp = switchComponents(f);
  const S = 400e9;

  it('each NIC is two ports of half its speed, one into each of two disjoint planes', () => {
    expect(Math.max(...comp) + 1).toBe(2);
    for (let i = 0; i < f.hosts.length; i++) {
      const h = f.hosts[i];
      const ends: number[] = [];
      for (let j = f.adjStart[h]; j < f.adjStart[h + 1]; j++) {
        const l = f.links[f.adjLinks[j]];
        expect(l.rateBps).toBe(S / 2);
        ends.push(comp[f.peer(l.id, h as NodeId)]);
      }
      expect(ends.sort()).toEqual([0, 1]);
    }
  });

  it('bisection per GPU is the NIC speed / 2 (non-blocking: H/2 hosts x S across the cut), as with one plane', () => {
    // Closed form: a non-blocking fabric carries S from each host of one half to the other: H S / 2 in all.
    const H = f.hosts.length;
    expect(d.metrics.bisectionBps).toBe((H * S) / 2);
    expect(d.metrics.bisectionBps).toBe(designFabric(single, catalog).metrics.bisectionBps);
    expect(d.blueprint.bisectionBps).toBe(d.metrics.bisectionBps);
  });

  it('the BOM counted from the graph equals the blueprint: twice the host cables, one NIC per host', () => {
    const fromGraph = billOfMaterials(countsFromFabric(f), catalog);
    const fromBp = billOfMaterials(countsFromBlueprint(d.blueprint), catalog);
    expect(fromGraph.totals).toEqual(fromBp.totals);
    expect(fromGraph.totals.nics).toBe(f.hosts.length);
    const hostCables = fromGraph.items.filter((x) => x.role.startsWith('host-') && x.category === 'cable');
    expect(hostCables.reduce((a, x) => a + x.quantity, 0)).toBe(2 * f.hosts.length);
  });

  it('hops and oversubscription on the graph equal the blueprint', () => {
    expect(d.metrics.maxHops).toBe(d.blueprint.maxHops);
    for (const [role, v] of Object.entries(d.blueprint.oversubscription))
      expect(d.metrics.oversubscription[role as keyof typeof d.metrics.oversubscription]).toBeCloseTo(v, 9);
  });

  it('no leaf failure cuts a host off (each host has a leaf in the other plane)', () => {
    for (const b of d.metrics.blastRadius) expect(b.hostsCutOff, b.role).toBe(0);
  });

  it('every path stays in the plane of its first hop, and the host offers both planes', () => {
    const src = f.hosts[0] as NodeId;
    const dst = f.hosts[f.hosts.length - 1] as NodeId;
    expect(f.routing.count(src, dst)).toBe(2);
    const planes = new Set<number>();
    for (const p of f.routing.paths(src, dst, 5000)) {
      const seen = new Set<number>();
      let at: number = src;
      for (const l of p) {
        at = f.peer(l, at as NodeId);
        if (f.nodes[at].role !== 'host') seen.add(comp[at]);
      }
      expect(seen.size).toBe(1);
      planes.add([...seen][0]);
    }
    expect([...planes].sort()).toEqual([0, 1]);
  });
});

describe('planes and dual-homing are refused where not wired, naming the field', () => {
  it.each([
    [fabricSpec({ topology: 'fat-tree', hosts: 128, switch: 'aurcore-32x400g', planes: 2 }), 'fabric.planes'],
    [fabricSpec({ topology: 'ddc', hosts: 64, switch: 'generic-ddc-linecard', planes: 2 }), 'fabric.planes'],
    [
      fabricSpec({ topology: 'access-aggregation', hosts: 96, nic: '25G', switch: 'aurcore-48x25g-8x100g', planes: 2 }),
      'fabric.planes',
    ],
    [fabricSpec({ topology: 'leaf-spine', hosts: 64, switch: 'aurcore-32x400g', dualHomed: true }), 'fabric.dualHomed'],
  ])('%#', (s, path) => {
    let err: unknown;
    try {
      designFabric(s, catalog);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DesignError);
    expect((err as DesignError).path).toBe(path);
  });
});

describe.each([384, 100])('dual-homed access-aggregation, %i servers of 25G', (hosts) => {
  const s = (dualHomed: boolean) =>
    fabricSpec({
      topology: 'access-aggregation',
      hosts,
      nic: '25G',
      switch: 'aurcore-48x25g-8x100g',
      spineSwitch: 'aurcore-32x100g',
      dualHomed,
    });
  const d = designFabric(s(true), catalog);
  const f = d.fabric;

  it('each server has two ports at the NIC speed on two access switches of one pair (2j, 2j+1)', () => {
    for (let i = 0; i < f.hosts.length; i++) {
      const h = f.hosts[i];
      const acc: string[] = [];
      for (let j = f.adjStart[h]; j < f.adjStart[h + 1]; j++) {
        const l = f.links[f.adjLinks[j]];
        expect(l.rateBps).toBe(25e9);
        acc.push(f.nodes[f.peer(l.id, h as NodeId)].name);
      }
      const j = Math.floor(i / 48);
      expect(acc).toEqual([`access${2 * j}`, `access${2 * j + 1}`]);
    }
  });

  it('twice the access switches of single-homing; BOM, hops and bisection on the graph equal the blueprint', () => {
    const one = designFabric(s(false), catalog);
    const count = (x: typeof d) => x.blueprint.switches.find((w) => w.role === 'access')?.count ?? 0;
    expect(count(d)).toBe(2 * count(one));
    const fromGraph = billOfMaterials(countsFromFabric(f), catalog);
    expect(fromGraph.totals).toEqual(billOfMaterials(countsFromBlueprint(d.blueprint), catalog).totals);
    expect(d.metrics.maxHops).toBe(d.blueprint.maxHops);
    expect(d.metrics.bisectionBps).toBeCloseTo(d.blueprint.bisectionBps, -6);
  });

  it('no access switch failure cuts a server off (single-homed: a whole access switch of servers)', () => {
    const cut = (x: typeof d) => x.metrics.blastRadius.find((b) => b.role === 'access')?.hostsCutOff;
    expect(cut(d)).toBe(0);
    expect(cut(designFabric(s(false), catalog))).toBe(Math.min(48, hosts));
  });
});
