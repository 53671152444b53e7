import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/index.ts';
import { DesignError } from '../errors.ts';
import { fabricSpec } from '../scenario/schema.ts';
import { designFabric } from './index.ts';
import type { Fabric, LinkId, NodeId } from './types.ts';

const catalog = loadCatalog();
const design = (spec: Record<string, unknown>) =>
  designFabric(fabricSpec(spec as Parameters<typeof fabricSpec>[0]), catalog).fabric;

/** Counted from the built graph: the border's neighbours, and a route from it to every host and back. */
function checkBorder(f: Fabric, topRole: string) {
  const b = f.border;
  expect(b).toBeGreaterThanOrEqual(0);
  expect(f.nodes[b].name).toBe('border0');
  const peers = new Set<string>();
  for (let k = f.adjStart[b]; k < f.adjStart[b + 1]; k++)
    peers.add(f.nodes[f.peer(f.adjLinks[k] as LinkId, b as NodeId)].role);
  expect([...peers]).toEqual([topRole]);
  const tops = f.nodes.filter((n) => n.role === topRole).length;
  expect(f.adjStart[b + 1] - f.adjStart[b]).toBe(tops);
  for (const h of f.hosts) {
    expect(f.routing.count(b as NodeId, h as NodeId), `border0 -> ${f.nodes[h].name}`).toBeGreaterThan(0);
    expect(f.routing.count(h as NodeId, b as NodeId), `${f.nodes[h].name} -> border0`).toBeGreaterThan(0);
  }
}

describe('fabric.border: border0 above the top tier (edge pods on the spine planes, Facebook fabric 2014)', () => {
  it('leaf-spine: one link from every spine; every host reaches it and back', () => {
    checkBorder(design({ topology: 'leaf-spine', hosts: 48, switch: 'aurcore-32x400g', border: true }), 'spine');
  });

  it('fat-tree: one link from every core', () => {
    checkBorder(design({ topology: 'fat-tree', hosts: 128, switch: 'aurcore-32x400g', k: 8, border: true }), 'core');
  });

  it('rail-optimized: one link from every spine', () => {
    checkBorder(
      design({
        topology: 'rail-optimized',
        hosts: 64,
        switch: 'aurcore-32x400g',
        gpusPerNode: 8,
        oversubscription: 2,
        border: true,
      }),
      'spine',
    );
  });

  it('absent: no border node, the same graph as before', () => {
    const f = design({ topology: 'leaf-spine', hosts: 48, switch: 'aurcore-32x400g' });
    expect(f.border).toBe(-1);
    expect(f.nodes.some((n) => n.role === 'border')).toBe(false);
  });

  it('a spine without a free port: a design error naming fabric.border', () => {
    expect(() => design({ topology: 'leaf-spine', hosts: 64, switch: 'aurcore-32x400g', border: true })).toThrow(
      DesignError,
    );
  });

  it('a path from border0 to a host goes down through the top tier only (valley-free)', () => {
    const f = design({ topology: 'leaf-spine', hosts: 48, switch: 'aurcore-32x400g', border: true });
    const dst = f.hosts[47] as NodeId;
    for (let m = 0; m < f.routing.count(f.border as NodeId, dst); m++) {
      const roles: string[] = [];
      let at = f.peer(f.routing.pick(f.border as NodeId, dst, m), f.border as NodeId);
      while (at !== dst) {
        roles.push(f.nodes[at].role);
        at = f.peer(f.routing.pick(at, dst, 0), at);
      }
      expect(roles).toEqual(['spine', 'leaf']);
    }
  });
});
