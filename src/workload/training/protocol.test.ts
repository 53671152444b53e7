// `algorithm: auto` for all-to-all (protocol.ts autoFallback): NCCL's p2p path with PXN where a server holds
// several of the ranks (NCCL_PXN_DISABLE 0 and NCCL_P2P_PXN_LEVEL 2 by default, NVIDIA/nccl src/graph/paths.cc
// and search.cc), MPICH's pairwise with one rank per server, and a named algorithm kept as named.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import { parseScenario } from '../../scenario/load.ts';
import { compileTraffic } from '../compile.ts';

const catalog = loadCatalog();
const algorithmOf = (fabric: string, item: string) => {
  const s = parseScenario(`${fabric}\ntraffic:\n  - {${item}}\n`, catalog);
  return compileTraffic(s, designFabric(s.fabric, catalog).fabric, { catalog }).ops[0].algorithm;
};
const RAILS = 'fabric: {topology: rail-optimized, hosts: 32, nic: 400G, switch: aurcore-32x400g, gpusPerNode: 8}';
const SERVERS = 'fabric: {topology: leaf-spine, hosts: 32, nic: 400G, switch: generic-64x400g, gpusPerNode: 4}';
const ONE_GPU = 'fabric: {topology: leaf-spine, hosts: 16, nic: 400G, switch: aurcore-32x400g}';

describe('all-to-all, algorithm auto: pxn on servers of several GPUs, pairwise with one GPU a server', () => {
  it.each([
    ['4 servers x 8 GPUs, rail-optimized', RAILS, 'collective: all-to-all, bytes: 1MiB', 'pxn'],
    ['8 servers x 4 GPUs, 12 ranks', SERVERS, 'collective: all-to-all, bytes: 1MiB, ranks: 12', 'pxn'],
    ['one server of 4 GPUs', SERVERS, 'collective: all-to-all, bytes: 1MiB, ranks: 4', 'pxn'],
    ['protocol none', RAILS, 'collective: all-to-all, bytes: 1MiB, protocol: none', 'pxn'],
    ['one GPU a server', ONE_GPU, 'collective: all-to-all, bytes: 1MiB', 'pairwise'],
    ['named pairwise on servers', RAILS, 'collective: all-to-all, algorithm: pairwise, bytes: 1MiB', 'pairwise'],
  ])('%s', (_, fabric, item, want) => {
    expect(algorithmOf(fabric, item)).toBe(want);
  });
});
