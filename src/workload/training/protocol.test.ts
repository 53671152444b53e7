// `algorithm: auto` for all-to-all (protocol.ts autoFallback): NCCL's p2p path with PXN where a server holds
// several of the ranks (NCCL_PXN_DISABLE 0 and NCCL_P2P_PXN_LEVEL 2 by default, NVIDIA/nccl src/graph/paths.cc
// and search.cc), MPICH's pairwise with one rank per server, and a named algorithm kept as named.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import { parseScenario } from '../../scenario/load.ts';
import { jobSchema } from '../../scenario/schema.ts';
import { compileTraffic } from '../compile.ts';
import { COLLECTIVE_ALGORITHMS } from './collectives.ts';

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

// A job's MoE dispatch and combine (job.ts, `moeAlgorithm`, default auto) take the same choice: rank r = t + tp d
// on servers of 8, so an EP group (ep consecutive d at one t) has 8 / tp of its ranks on each server.
describe('a job’s MoE all-to-all, moeAlgorithm auto: pxn where an EP group shares a server, as NCCL', () => {
  const moeAlgorithms = (job: string) => {
    const s = parseScenario(
      `${RAILS}\ntraffic:\n  - job: {params: 1e9, stepCompute: 10ms, moeBytesPerLayer: 1MiB, ${job}}\n`,
      catalog,
    );
    const ops = compileTraffic(s, designFabric(s.fabric, catalog).fabric, { catalog }).ops;
    return [...new Set(ops.filter((o) => o.label?.startsWith('MoE')).map((o) => o.algorithm))];
  };
  it.each([
    ['tp 2, ep 8: 4 ranks of a group on each of 2 servers', 'tp: 2, dp: 16, ep: 8', ['pxn']],
    ['tp 1, ep 8: a group on one server', 'tp: 1, dp: 32, ep: 8', ['pxn']],
    ['tp 8, ep 4: one rank of a group a server', 'tp: 8, dp: 4, ep: 4', ['pairwise']],
    ['forced: moeAlgorithm pairwise', 'tp: 2, dp: 16, ep: 8, moeAlgorithm: pairwise', ['pairwise']],
    ['forced: moeAlgorithm bruck', 'tp: 2, dp: 16, ep: 8, moeAlgorithm: bruck', ['bruck']],
  ])('%s', (_, job, want) => {
    expect(moeAlgorithms(job)).toEqual(want);
  });

  it('moeAlgorithm offers auto and every all-to-all schedule, and names the field when it is wrong', () => {
    expect(jobSchema.shape.moeAlgorithm.removeDefault().options).toEqual([
      'auto',
      ...COLLECTIVE_ALGORITHMS['all-to-all'],
    ]);
    expect(() => moeAlgorithms('tp: 2, dp: 16, ep: 8, moeAlgorithm: ring')).toThrow(/moeAlgorithm/);
  });
});
