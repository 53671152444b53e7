import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/index.ts';
import type { DesignError } from '../errors.ts';
import { validateScenario } from '../scenario/load.ts';
import { fabricSpec } from '../scenario/schema.ts';
import { blueprint, designFabric, planDesigns } from './index.ts';
import { splitSpine } from './tiers.ts';

const catalog = loadCatalog();
const host = 400e9;

// Racks of 8 hosts on 32-port leaves, non-blocking pods, 1:7 above them (the shape of Meta's AI zones,
// Gangidi et al., SIGCOMM 2024, section 3). A spine splits its 32 ports 28 down, 4 up; a pod is 28 leaves x 8.
const meta = {
  topology: 'fat-tree' as const,
  hosts: 448,
  gpusPerNode: 8,
  switch: 'aurcore-32x400g',
  hostsPerLeaf: 8,
  oversubscription: { leaf: 1, pod: 7 },
};

describe('per-tier oversubscription', () => {
  it('splits a spine so that down:up <= the pod ratio, half and half when non-blocking', () => {
    expect(splitSpine(32)).toEqual({ down: 16, up: 16 });
    expect(splitSpine(64, 7)).toEqual({ down: 56, up: 8 });
    expect(splitSpine(32, 7)).toEqual({ down: 28, up: 4 });
  });

  it('two full pods at 1:7: bisection per GPU is the host rate / 7 (closed form), formula and graph max-flow', () => {
    const d = designFabric(fabricSpec(meta), catalog);
    // Two pods of 224 hosts, each half of the hosts is one pod: everything crosses the 1:7 tier.
    const expected = ((meta.hosts / 2) * host) / 7;
    expect(d.blueprint.bisectionBps).toBeCloseTo(expected, -3); // exact up to float rounding
    expect(d.metrics.bisectionBps).toBeCloseTo(expected, -3);
    expect(d.blueprint.oversubscription).toEqual({ leaf: 1, spine: 7 });
  });

  it('the BOM follows: spine-core capacity is the hosts capacity / 7; leaf-spine stays non-blocking', () => {
    const bp = blueprint(fabricSpec(meta), catalog);
    const tier = (t: string) => bp.links.find((l) => l.tier === t)!;
    expect(tier('spine-core').count * tier('spine-core').rateBps).toBe((meta.hosts * host) / 7);
    expect(tier('leaf-spine').count * tier('leaf-spine').rateBps).toBe(meta.hosts * host);
    const leaves = meta.hosts / meta.hostsPerLeaf;
    expect(bp.switches.find((s) => s.role === 'leaf')!.count).toBe(leaves);
  });

  it('a number and {leaf: n} build the same design', () => {
    const a = blueprint(fabricSpec({ ...meta, oversubscription: 2 }), catalog);
    const b = blueprint(fabricSpec({ ...meta, oversubscription: { leaf: 2 } }), catalog);
    expect(b.switches).toEqual(a.switches);
    expect(b.bisectionBps).toBe(a.bisectionBps);
  });

  it('a pod ratio below 1 is an input error naming fabric.oversubscription.pod', () => {
    expect(() => validateScenario({ fabric: { ...meta, oversubscription: { leaf: 1, pod: 0.5 } } }, catalog)).toThrow(
      /fabric\.oversubscription\.pod/,
    );
  });

  it('rail-optimized, 768 GPUs at pod 3: two pods of 3 units, bisection (384 x 400G) / 3 (closed form) on formula and graph', () => {
    // aurcore-32x400g: a rail leaf has 16 servers down, 16 uplinks; a spine at 3:1 takes 24 down, 8 up, so a pod
    // holds 3 units (24 leaves x 16 uplinks over 16 spines); each half of the hosts is one pod.
    const d = designFabric(
      fabricSpec({
        topology: 'rail-optimized',
        hosts: 768,
        gpusPerNode: 8,
        switch: 'aurcore-32x400g',
        oversubscription: { leaf: 1, pod: 3 },
      }),
      catalog,
    );
    const w = d.blueprint.wiring;
    expect(w.kind === 'clos' && [w.pods, w.unitsPerPod]).toEqual([2, 3]);
    expect(d.blueprint.bisectionBps).toBe((384 * host) / 3);
    expect(d.metrics.bisectionBps).toBe((384 * host) / 3);
    expect(d.metrics.oversubscription).toEqual({ leaf: 1, spine: 3 });
  });

  it('refuses a pod ratio on a rail-optimized design that fits two tiers, naming the field and the fix', () => {
    const s = fabricSpec({
      topology: 'rail-optimized',
      hosts: 512,
      gpusPerNode: 8,
      switch: 'aurcore-32x400g',
      oversubscription: { leaf: 1, pod: 3 },
    });
    expect(() => blueprint(s, catalog)).toThrow(
      /no tier above the pods to oversubscribe\); leave out oversubscription.pod/,
    );
  });

  it('refuses a pod ratio on a 2-tier topology, naming the field', () => {
    const s = fabricSpec({ ...meta, topology: 'leaf-spine' });
    expect(() => blueprint(s, catalog)).toThrow(/applies to 3-tier designs/);
    try {
      blueprint(s, catalog);
    } catch (e) {
      expect((e as DesignError).path).toBe('fabric.oversubscription.pod');
    }
  });
});

describe('hostsPerLeaf', () => {
  const ls = { topology: 'leaf-spine' as const, hosts: 256, switch: 'aurcore-32x400g', gpusPerNode: 8 };

  it('leaf-spine: racks of 16 hosts, 16 uplinks non-blocking, 8 at 2:1', () => {
    const one = blueprint(fabricSpec({ ...ls, hostsPerLeaf: 16 }), catalog);
    expect(one.switches.find((s) => s.role === 'leaf')!.count).toBe(16);
    expect(one.oversubscription.leaf).toBe(1);
    const two = blueprint(fabricSpec({ ...ls, hostsPerLeaf: 16, oversubscription: 2 }), catalog);
    expect(two.links.find((l) => l.tier === 'leaf-spine')!.count).toBe(16 * 8);
  });

  it('refuses hosts plus uplinks beyond the ports: 24 hosts + 24 uplinks on 32 ports', () => {
    expect(() => blueprint(fabricSpec({ ...ls, hostsPerLeaf: 24 }), catalog)).toThrow(
      /24 hosts at 400G and the 24 uplinks at 400G a 1:1 leaf needs do not fit .*\(at most 16 hosts/,
    );
  });

  it('refuses it where the topology fixes it, and a size that splits a server', () => {
    expect(() =>
      blueprint(
        fabricSpec({ ...ls, topology: 'rail-optimized', switch: 'generic-64x800g', hostsPerLeaf: 16 }),
        catalog,
      ),
    ).toThrow(/not used by topology rail-optimized: .*nodesPerUnit/);
    expect(() => blueprint(fabricSpec({ ...ls, hostsPerLeaf: 12 }), catalog)).toThrow(/not a multiple of gpusPerNode/);
  });
});

describe('planner with a rack size and a pod ratio', () => {
  it('keeps designs with racks of 8 and at most 1:7 above the pods, at a bisection of N/2 x host / 7', () => {
    const r = planDesigns(fabricSpec({ ...meta, topology: undefined, switch: undefined }), catalog);
    expect(r.feasible.length).toBeGreaterThan(0);
    for (const c of r.feasible) {
      expect(c.topology).toBe('fat-tree');
      expect(c.blueprint.oversubscription.spine).toBeLessThanOrEqual(7);
      expect(c.blueprint.bisectionBps).toBeGreaterThanOrEqual(((meta.hosts / 2) * host) / 7);
    }
    expect(r.familiesRejected.map((f) => f.topology)).toContain('leaf-spine');
  });
});
