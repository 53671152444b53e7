import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/index.ts';
import { DesignError } from '../errors.ts';
import { type FabricSpec, fabricSpec } from '../scenario/schema.ts';
import { billOfMaterials, countsFromBlueprint, countsFromFabric, designFabric, designGraph } from './index.ts';
import type { Fabric, LinkId, NodeId } from './types.ts';

const catalog = loadCatalog();
const spec = fabricSpec;

describe("the seed's switches", () => {
  it('aurcore-32x400g: at most 512 non-blocking hosts in two tiers (32 leaves, 16 spines, 102.4 Tb/s bisection)', () => {
    const d = designFabric(spec({ topology: 'leaf-spine', hosts: 512, switch: 'aurcore-32x400g' }), catalog);
    const roles = countRoles(d.fabric);
    expect(roles).toEqual({ host: 512, leaf: 32, spine: 16 });
    expect(d.metrics.bisectionBps).toBe(102.4e12);
    expect(d.metrics.oversubscription).toEqual({ leaf: 1 });
    expect(d.metrics.maxHops).toBe(4);
    // One more host does not fit two non-blocking tiers of this switch.
    expect(() =>
      designFabric(spec({ topology: 'leaf-spine', hosts: 513, switch: 'aurcore-32x400g' }), catalog),
    ).toThrow(
      /513 hosts need 33 leaves of 16 hosts, but a aurcore-32x400g spine has only 32 ports at 400G \(at most 512 hosts in two tiers\)/,
    );
  });

  it('aurcore-32x400g: 8,192 hosts in a 3-tier fat-tree with 1,280 switches', () => {
    const d = designFabric(spec({ topology: 'fat-tree', hosts: 8192, switch: 'aurcore-32x400g' }), catalog);
    const roles = countRoles(d.fabric);
    expect(roles.leaf + roles.spine + roles.core).toBe(1280);
    expect(d.bom.totals.switches).toBe(1280);
    expect(d.metrics.bisectionBps).toBe(4096 * 400e9);
  });

  it('aurcore-48x25g-8x100g as an access switch is 1.5:1 oversubscribed (48x25G down, 8x100G up)', () => {
    const d = designFabric(
      spec({ topology: 'access-aggregation', hosts: 384, nic: '25G', switch: 'aurcore-48x25g-8x100g' }),
      catalog,
    );
    expect(d.metrics.oversubscription.access).toBe(1.5);
    expect(d.blueprint.oversubscription.access).toBe(1.5);
    expect(d.fabric.nodeByName('border0')).toBeDefined();
  });
});

describe('leaf-spine spine count', () => {
  it('a 144x800G leaf with 72 uplinks gets 18 spines for 32 leaves, not 16 (even parallel links)', () => {
    const d = designFabric(
      spec({ topology: 'leaf-spine', hosts: 32 * 72, nic: '800G', switch: 'generic-144x800g' }),
      catalog,
    );
    expect(countRoles(d.fabric)).toEqual({ host: 2304, leaf: 32, spine: 18 });
    // Every leaf has the same number of links to every spine.
    const perPair = new Map<string, number>();
    for (const l of d.fabric.links) {
      const a = d.fabric.nodes[l.a];
      if (a.role !== 'leaf') continue;
      const k = `${l.a}-${l.b}`;
      perPair.set(k, (perPair.get(k) ?? 0) + 1);
    }
    expect(perPair.size).toBe(32 * 18);
    expect(new Set(perPair.values())).toEqual(new Set([4]));
  });

  it('honours an oversubscription target (3:1 puts 24 hosts and 8 uplinks on a 32-port leaf)', () => {
    const d = designFabric(
      spec({ topology: 'leaf-spine', hosts: 96, switch: 'aurcore-32x400g', oversubscription: 3 }),
      catalog,
    );
    expect(d.blueprint.wiring.kind === 'clos' && d.blueprint.wiring.hostsPerLeaf).toBe(24);
    expect(d.metrics.oversubscription.leaf).toBe(3);
  });
});

const FABRICS: [string, FabricSpec][] = [
  ['leaf-spine 512 x aurcore-32x400g', spec({ topology: 'leaf-spine', hosts: 512, switch: 'aurcore-32x400g' })],
  [
    'leaf-spine 200 x 100G (partial leaf)',
    spec({ topology: 'leaf-spine', hosts: 200, nic: '100G', switch: 'aurcore-32x100g' }),
  ],
  [
    'leaf-spine 2:1 on 64x800G with 400G hosts',
    spec({ topology: 'leaf-spine', hosts: 2048, switch: 'generic-64x800g', oversubscription: 2 }),
  ],
  ['fat-tree k=8', spec({ topology: 'fat-tree', hosts: 128, switch: 'aurcore-32x400g', k: 8 })],
  ['fat-tree 8192 x aurcore-32x400g', spec({ topology: 'fat-tree', hosts: 8192, switch: 'aurcore-32x400g' })],
  ['fat-tree partial (3 pods)', spec({ topology: 'fat-tree', hosts: 700, switch: 'aurcore-32x400g' })],
  [
    'rail-optimized 1024 GPUs, 2 tiers',
    spec({ topology: 'rail-optimized', hosts: 1024, gpusPerNode: 8, switch: 'generic-64x800g' }),
  ],
  [
    'rail-optimized 8192 GPUs, 3 tiers',
    spec({ topology: 'rail-optimized', hosts: 8192, gpusPerNode: 8, switch: 'aurcore-32x400g' }),
  ],
  ['ddc 512', spec({ topology: 'ddc', hosts: 512, switch: 'generic-ddc-linecard' })],
  [
    'access-aggregation 384 x 25G',
    spec({ topology: 'access-aggregation', hosts: 384, nic: '25G', switch: 'aurcore-48x25g-8x100g' }),
  ],
  [
    'access-aggregation 2400 x 25G (several groups)',
    spec({ topology: 'access-aggregation', hosts: 2400, nic: '25G', switch: 'aurcore-48x25g-8x100g' }),
  ],
];

describe.each(FABRICS)('invariants of %s', (_name, s) => {
  const d = designFabric(s, catalog);
  const f = d.fabric;

  it('ports used = 2 x switch-switch links + host links, and no switch uses more ports than it has', () => {
    const p = d.metrics.ports;
    const hostLinks = f.links.filter((l) => f.nodes[l.a].role === 'host').length;
    const switchLinks = f.links.filter((l) => f.nodes[l.a].role !== 'host' && f.nodes[l.b].role !== 'border').length;
    const borderLinks = f.links.length - hostLinks - switchLinks;
    expect(p.switchPortsUsed).toBe(2 * switchLinks + hostLinks + borderLinks);
    expect(p.overCommitted).toEqual([]);
    for (const [, r] of Object.entries(p.byRole)) expect(r.physicalUsed).toBeLessThanOrEqual(r.physicalTotal);
    // No two links share a port on one switch (expect called only for one that does: tens of thousands of link ends).
    const used = new Set<string>();
    for (const l of f.links) {
      for (const [n, port] of [
        [l.a, l.aPort],
        [l.b, l.bPort],
      ] as const) {
        const key = `${n}/${port}`;
        if (used.has(key)) expect(used.has(key), `port ${key} used twice`).toBe(false);
        used.add(key);
      }
    }
  });

  it('the BOM counted from the graph equals the BOM from the blueprint', () => {
    const fromGraph = billOfMaterials(countsFromFabric(f), catalog);
    const fromBp = billOfMaterials(countsFromBlueprint(d.blueprint), catalog);
    expect(fromGraph.totals).toEqual(fromBp.totals);
    expect(fromGraph.items.map((i) => [i.id, i.role, i.quantity])).toEqual(
      fromBp.items.map((i) => [i.id, i.role, i.quantity]),
    );
  });

  it('the bisection max-flow on the graph equals the family formula', () => {
    expect(d.metrics.bisectionBps).toBeCloseTo(d.blueprint.bisectionBps, -6);
  });

  it('the longest host-to-host path counted on the graph equals the blueprint', () => {
    expect(d.metrics.maxHops).toBe(d.blueprint.maxHops);
  });

  it('the oversubscription measured on the graph equals the blueprint', () => {
    for (const [role, v] of Object.entries(d.blueprint.oversubscription))
      expect(d.metrics.oversubscription[role as keyof typeof d.metrics.oversubscription], role).toBeCloseTo(v, 9);
  });

  it('routes every sampled pair over valid up/down paths no longer than maxHops', () => {
    const H = f.hosts.length;
    const targets = [1, Math.floor(H / 3), H - 1].filter((t) => t > 0 && t < H);
    const endpoints: number[] = [...targets.map((t) => f.hosts[t])];
    if (f.border !== -1) endpoints.push(f.border);
    for (const dst of endpoints) {
      const paths = f.routing.paths(f.hosts[0] as NodeId, dst as NodeId, 2000);
      expect(paths.length).toBeGreaterThan(0);
      // Up to 2,000 paths each, hop by hop: expect is called only for a check that fails.
      const maxHops = f.border !== -1 ? d.metrics.maxHops + 1 : d.metrics.maxHops;
      for (const p of paths) {
        if (p.length > maxHops) expect(p.length).toBeLessThanOrEqual(maxHops);
        expectValidPath(f, f.hosts[0], dst, p);
      }
      expect(f.routing.count(f.hosts[0] as NodeId, dst as NodeId)).toBe(1);
    }
  });
});

/** The full, non-blocking Clos designs of the list: the ones whose tiers must each carry every host's rate. */
const FULL_NON_BLOCKING = FABRICS.filter(([, s]) => {
  const bp = designFabric(s, catalog).blueprint;
  const w = bp.wiring;
  return (
    w.kind === 'clos' &&
    s.hosts % (w.hostsPerLeaf * w.leavesPerPod) === 0 &&
    Object.values(bp.oversubscription).every((x) => x === 1)
  );
});

describe.each(FULL_NON_BLOCKING)('%s, a full non-blocking Clos', (_name, s) => {
  it('has as many links per tier as hosts (as much capacity, where uplinks are faster)', () => {
    const d = designFabric(s, catalog);
    const f = d.fabric;
    const perTier = new Map<string, { n: number; bps: number; rate: number }>();
    for (const l of f.links) {
      const t = `${f.nodes[l.a].role}-${f.nodes[l.b].role}`;
      const e = perTier.get(t) ?? { n: 0, bps: 0, rate: l.rateBps };
      e.n++;
      e.bps += l.rateBps;
      perTier.set(t, e);
    }
    expect(perTier.size).toBe(d.blueprint.tiers);
    for (const [tier, e] of perTier) {
      expect(e.bps, tier).toBe(f.hosts.length * d.blueprint.hostRateBps);
      if (e.rate === d.blueprint.hostRateBps) expect(e.n, tier).toBe(f.hosts.length);
    }
  });
});

it('the list holds full non-blocking Clos designs of every Clos family', () => {
  expect(FULL_NON_BLOCKING.map(([n]) => n)).toEqual([
    'leaf-spine 512 x aurcore-32x400g',
    'fat-tree k=8',
    'fat-tree 8192 x aurcore-32x400g',
    'rail-optimized 1024 GPUs, 2 tiers',
    'rail-optimized 8192 GPUs, 3 tiers',
  ]);
});

function expectValidPath(f: Fabric, src: number, dst: number, p: readonly LinkId[]): void {
  let at = src;
  let goingDown = false;
  for (const l of p) {
    const next = f.peer(l, at as NodeId);
    const up = f.nodes[next].tier > f.nodes[at].tier;
    if (goingDown && up) expect(up, 'valley-free: no up after down').toBe(false);
    if (!up) goingDown = true;
    at = next;
  }
  if (at !== dst) expect(at).toBe(dst);
}

function countRoles(f: Fabric): Record<string, number> {
  const c: Record<string, number> = {};
  for (const n of f.nodes) c[n.role] = (c[n.role] ?? 0) + 1;
  return c;
}

describe('impossible designs name the constraint', () => {
  it.each([
    [
      spec({ topology: 'fat-tree', hosts: 8193, switch: 'aurcore-32x400g' }),
      /8193 hosts need 33 pods of 256, but a k=32 fat-tree has at most 32 pods/,
    ],
    [spec({ topology: 'fat-tree', hosts: 16, switch: 'aurcore-32x400g', k: 34 }), /k=34 needs 34 ports at 400G/],
    [
      spec({ topology: 'leaf-spine', hosts: 64, nic: '800G', switch: 'aurcore-32x400g' }),
      /has no port that runs at 800G/,
    ],
    [
      spec({ topology: 'rail-optimized', hosts: 64, switch: 'aurcore-32x400g' }),
      /rail-optimized needs servers of at least 2 GPUs/,
    ],
    [spec({ topology: 'leaf-spine', hosts: 64, switch: 'generic-ddc-fabric' }), /not made for the leaf role/],
    [spec({ topology: 'ddc', hosts: 5000, switch: 'generic-ddc-linecard' }), /need 139 line cards/],
  ])('%#', (s, re) => {
    expect(() => designFabric(s, catalog)).toThrow(DesignError);
    expect(() => designFabric(s, catalog)).toThrow(re);
  });
});

describe('designGraph (the graph without the BOM and metrics, for simulate)', () => {
  it.each([
    ['leaf-spine', spec({ topology: 'leaf-spine', hosts: 64, switch: 'aurcore-32x400g' })],
    ['fat-tree k=8', spec({ topology: 'fat-tree', hosts: 128, nic: '100G', switch: 'aurcore-32x400g', k: 8 })],
  ])('%s: the same graph as designFabric', (_name, s) => {
    const g = designGraph(s, catalog, 'x');
    const f = designFabric(s, catalog, 'x').fabric;
    // The data alike; the functions (name lookup, routing) are closures of each build, compared by what they give.
    const data = (x: Fabric) =>
      Object.fromEntries(Object.entries(x).filter(([k, v]) => k !== 'routing' && typeof v !== 'function'));
    expect(data(g)).toEqual(data(f));
    const h0 = f.hosts[0] as NodeId;
    for (const h of f.hosts) {
      const dst = h as NodeId;
      expect(g.routing.paths(h0, dst)).toEqual(f.routing.paths(h0, dst));
      expect(g.nodeByName(f.nodes[dst].name)).toBe(dst);
    }
  });
});
