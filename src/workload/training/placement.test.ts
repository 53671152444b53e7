import { describe, expect, it } from 'vitest';
import { createRandom } from '../../base/random.ts';
import { loadCatalog } from '../../catalog/index.ts';
import { ScenarioError } from '../../errors.ts';
import { designFabric } from '../../fabric/index.ts';
import type { Fabric, LinkId, NodeId } from '../../fabric/types.ts';
import { fabricSpec } from '../../scenario/schema.ts';
import { ProgramBuilder } from '../builder.ts';
import { compileCollective, type IntraDomain } from './collectives.ts';
import { intraDomain, placeRanks } from './placement.ts';

const catalog = loadCatalog();
const railFabric = designFabric(
  fabricSpec({ topology: 'rail-optimized', hosts: 64, gpusPerNode: 8, nic: '400G', switch: 'aurcore-32x400g' }),
  catalog,
).fabric;
const flatFabric = designFabric(
  fabricSpec({ topology: 'leaf-spine', hosts: 32, nic: '400G', switch: 'aurcore-32x400g' }),
  catalog,
).fabric;

/** The switch a host's NIC is cabled to, read from the built graph. */
function leafOf(f: Fabric, h: NodeId): NodeId {
  return f.peer(f.adjLinks[f.adjStart[h]] as LinkId, h);
}

const intraOf = (f: Fabric) => intraDomain(f, { bandwidthBps: 3.6e12, latencyPs: 1e6 }) as IntraDomain;

describe('rank placement', () => {
  it('rail: whole servers in order, GPUs by rail, so ranks i and i + 8 share a rail leaf', () => {
    const ranks = placeRanks(railFabric, 64);
    const node = (h: NodeId) => railFabric.nodes[h];
    ranks.forEach((h, i) => {
      expect(node(h).server).toBe(Math.floor(i / 8));
      expect(node(h).rail).toBe(i % 8);
      if (i + 8 < 64) expect(leafOf(railFabric, ranks[i + 8])).toBe(leafOf(railFabric, h));
    });
    // A partial count takes whole servers first.
    expect(new Set(placeRanks(railFabric, 20).map((h) => node(h).server))).toEqual(new Set([0, 1, 2]));
  });

  it('sequential is h0, h1, ...; on one-GPU servers rail is the same', () => {
    expect(placeRanks(railFabric, 5, 'sequential')).toEqual([0, 1, 2, 3, 4].map((i) => railFabric.hosts[i]));
    expect(placeRanks(flatFabric, 32, 'rail')).toEqual(placeRanks(flatFabric, 32, 'sequential'));
  });

  it('random: distinct hosts, the same for the same seed, another for another seed', () => {
    const a = placeRanks(railFabric, 16, 'random', createRandom(1, 'placement'));
    const b = placeRanks(railFabric, 16, 'random', createRandom(1, 'placement'));
    const c = placeRanks(railFabric, 16, 'random', createRandom(2, 'placement'));
    expect(new Set(a).size).toBe(16);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (const h of a) expect(railFabric.nodes[h].role).toBe('host');
  });

  it('the intra domain exists only when servers hold several GPUs, and follows the built servers', () => {
    expect(intraDomain(flatFabric, { bandwidthBps: 1e12, latencyPs: 0 })).toBeUndefined();
    const d = intraOf(railFabric);
    const h = railFabric.hosts;
    expect(d.serverOf(h[9] as NodeId)).toBe(1);
    expect(d.railOf?.(h[9] as NodeId)).toBe(1);
  });

  it('more ranks than hosts is a scenario error on ranks', () => {
    expect(() => placeRanks(railFabric, 65, 'rail', undefined, 'traffic[0].ranks')).toThrow(ScenarioError);
    expect(() => placeRanks(railFabric, 65)).toThrow(/cannot place 65 ranks on a fabric of 64 hosts/);
  });

  it('on a rail-optimized fabric, a ring all-reduce over 8 channels crosses servers only on rail leaves and uses all 8', () => {
    const ranks = placeRanks(railFabric, 64);
    const b = new ProgramBuilder();
    compileCollective(
      b,
      { op: 'all-reduce', algorithm: 'ring', ranks, bytes: 2 ** 30, channels: 8, intra: intraOf(railFabric) },
      { item: 0, cls: 'roce', startPs: 0, deps: [], iteration: -1 },
    );
    const leaves = new Set<number>();
    for (const t of b.transfers) {
      if (t.kind !== 'transfer') continue;
      expect(leafOf(railFabric, t.src)).toBe(leafOf(railFabric, t.dst));
      leaves.add(leafOf(railFabric, t.src));
    }
    expect(leaves.size).toBe(8);
    // 8 servers x 8 channels hops between servers; all the other ring hops are NVLink copies.
    expect(b.transfers.filter((t) => t.kind === 'transfer').length).toBe(64);
  });
});
