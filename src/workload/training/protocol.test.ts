// `algorithm: auto` (protocol.ts). For all-to-all (autoFallback): NCCL's p2p path with PXN where a server holds
// several of the ranks (NCCL_PXN_DISABLE 0 and NCCL_P2P_PXN_LEVEL 2 by default, NVIDIA/nccl src/graph/paths.cc
// and search.cc), MPICH's pairwise with one rank per server, and a named algorithm kept as named. For all-reduce:
// the tree or the ring, whichever NCCL's tuning model makes faster at the size (planProtocol).
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

/** The first op a fabric and one traffic item compile to. */
const opOf = (f: string, item: string) => {
  const s = parseScenario(`${f}\ntraffic:\n  - {${item}}\n`, catalog);
  return compileTraffic(s, designFabric(s.fabric, catalog).fabric, { catalog }).ops[0];
};

// `algorithm: auto` for an all-reduce (issue 14 item 1): NCCL's choice by its tuning model, each algorithm on its
// own inputs (protocol.ts planProtocol). On 4 servers of 8 GPUs at 1 KiB the bandwidth term is nothing and the
// latencies decide (NCCL 2.20.3 tuning.cc, by hand): tree LL 6.8 + 2 (7 x 0.6 + log2(4) x 5.0) = 35.2 us against
// ring LL 6.6 + (62 - 8) x max(0.6, 1.0) + 8 x 2.7 = 82.2 us, so the double binary tree; at 1 GiB the ring's 8 NICs
// against the tree's one make it the ring with Simple. A scenario naming the ring keeps it (NCCL_ALGO).
describe('all-reduce, algorithm auto: the double binary tree for small buffers, the ring for large ones, as NCCL', () => {
  const choice = (item: string) => {
    const op = opOf(RAILS, item);
    return [op.algorithm, op.protocol];
  };
  it.each([
    ['1 KiB', 'collective: all-reduce, bytes: 1KiB', ['double-binary-tree', 'LL']],
    ['1 GiB', 'collective: all-reduce, bytes: 1GiB', ['ring', 'Simple']],
    ['1 KiB, ring named', 'collective: all-reduce, algorithm: ring, bytes: 1KiB', ['ring', 'LL']],
    [
      '1 KiB, protocol none: the default algorithm',
      'collective: all-reduce, bytes: 1KiB, protocol: none',
      ['ring', undefined],
    ],
  ])('%s', (_, item, want) => {
    expect(choice(item)).toEqual(want);
  });
});

// `algorithm: auto` where the NVLink domain reduces in the switch (fabric.gpu h100: NVLS), as NCCL 2.20.3 chooses
// (NVIDIA/nccl src/graph/tuning.cc): NVLS, Simple only, on one node (latency hwLat[NVLINK][NVLS] 23 us, algBw 5/6 of
// min(bwIntra, bwInter)); NVLS_TREE on several (23 + 2 log2(nNodes) x 14 us, bwInter halved past 2 nodes); never
// where NCCL has no NVLS (no profile, a100, 2 GPUs a node: ncclNvlsInit needs more than 2).
describe('all-reduce, algorithm auto: nvls and nvls-tree where NCCL’s model picks them, only with NVLS', () => {
  const fabric = (servers: number, gpu: string, per = 8) =>
    `fabric: {topology: rail-optimized, hosts: ${servers * per}, nic: 400G, switch: aurcore-32x400g, gpusPerNode: ${per}${gpu ? `, gpu: ${gpu}` : ''}}`;
  it.each([
    // One server of 8 H100s. 1 GiB: nvls 23 + 2^30 / (1e3 x 450 x 5/6) = 2886 us against ring Simple 56 + 4772.
    // 1 MiB: nvls 25.8 us against ring LL 15 + 20.9 = 35.9 (LL's 87.7 GB/s cap x 8/14). 4 KiB: ring LL, 15.1 us.
    ['1 server, 1 GiB', fabric(1, 'h100'), '1GiB', 'nvls', 'Simple'],
    ['1 server, 1 MiB', fabric(1, 'h100'), '1MiB', 'nvls', 'Simple'],
    ['1 server, 4 KiB', fabric(1, 'h100'), '4KiB', 'ring', 'LL'],
    // Two servers: nvls-tree's 8 NICs a node, min(450, 400) x 5/6 = 333 GB/s against the ring's 400 x 16/30.
    ['2 servers, 1 GiB', fabric(2, 'h100'), '1GiB', 'nvls-tree', 'Simple'],
    ['2 servers, 1 MiB', fabric(2, 'h100'), '1MiB', 'nvls-tree', 'Simple'],
    ['2 servers, 64 KiB', fabric(2, 'h100'), '64KiB', 'double-binary-tree', 'LL'],
    // Four servers: past 2 nodes nvls-tree's bwInter is halved (200 x 5/6 = 167 GB/s against the ring's 206), so
    // the ring wins at 1 GiB and nvls-tree, with less latency, at 64 MiB.
    ['4 servers, 64 MiB', fabric(4, 'h100'), '64MiB', 'nvls-tree', 'Simple'],
    ['4 servers, 1 GiB', fabric(4, 'h100'), '1GiB', 'ring', 'Simple'],
    // No NVLS: no profile, a100 (catalog/gpus.yaml nvls false), 2 GPUs a server (nvls.cc: gpuCount <= 2).
    ['no profile, 1 server, 1 GiB', fabric(1, ''), '1GiB', 'ring', 'Simple'],
    ['a100, 1 server, 1 GiB', fabric(1, 'a100'), '1GiB', 'ring', 'Simple'],
    ['no profile, 2 servers, 1 MiB', fabric(2, ''), '1MiB', 'ring', 'LL128'],
    // 2 H100s a server, 4 MiB: NVLS_TREE's model time 51 + 50 us would beat the ring's LL128 34 + 85 us.
    ['h100 with 2 GPUs a server, 4 MiB', fabric(2, 'h100', 2), '4MiB', 'ring', 'LL128'],
    // GB200 NVL72: a domain of 18 trays (4 GPUs each) is multi-node NVLink, where 2.20.3 runs no NVLS (nvls-tree
    // otherwise); NCCL's model then takes the ring with LL128.
    [
      'gb200, two NVL72 domains of 18 trays (144 GPUs), 1 GiB',
      'fabric: {topology: rail-optimized, hosts: 144, nic: 400G, switch: generic-128x400g, gpusPerNode: 4, gpu: gb200}',
      '1GiB',
      'ring',
      'LL128',
    ],
  ])('%s', (_, f, bytes, algorithm, protocol) => {
    const op = opOf(f, `collective: all-reduce, bytes: ${bytes}`);
    expect([op.algorithm, op.protocol]).toEqual([algorithm, protocol]);
  });

  it('unequal ranks per server: auto keeps to ring and tree (the nvls schedules need equal domains)', () => {
    expect(opOf(fabric(2, 'h100'), 'collective: all-reduce, bytes: 1GiB, ranks: 12').algorithm).toBe('ring');
  });

  it('nvls and nvls-tree, auto or named, carry NCCL’s latency: 23 us, 23 + 2 log2(4) x 14 us', () => {
    for (const a of ['auto', 'nvls']) {
      const op = opOf(fabric(1, 'h100'), `collective: all-reduce, algorithm: ${a}, bytes: 1GiB`);
      expect([op.algorithm, op.protocolLatencyPs, op.protocolEfficiency]).toEqual(['nvls', 23e6, 1]);
    }
    const tree = opOf(fabric(4, 'h100'), 'collective: all-reduce, algorithm: nvls-tree, bytes: 1GiB');
    expect([tree.protocolLatencyPs, tree.protocolEfficiency]).toEqual([(23 + 2 * 2 * 14) * 1e6, 1]);
  });

  it('the latency is a delay per rank at the op’s end, which the op counts as no chunk’s (closingDelays)', () => {
    const programOf = (item: string) => {
      const s = parseScenario(`${fabric(1, 'h100')}\ntraffic:\n  - {${item}}\n`, catalog);
      return compileTraffic(s, designFabric(s.fabric, catalog).fabric, { catalog });
    };
    const p = programOf('collective: all-reduce, algorithm: nvls, bytes: 1GiB');
    const op = p.ops[0];
    expect(op.closingDelays).toBe(8);
    const closing = p.transfers.slice(op.lastTask - 8, op.lastTask);
    expect(closing.map((t) => [t.kind, t.durationPs])).toEqual(Array(8).fill(['delay', op.protocolLatencyPs]));
    expect(p.transfers[op.lastTask - 9].durationPs).not.toBe(op.protocolLatencyPs);
    // No protocol, no latency: nothing closes the op.
    expect(programOf('collective: all-reduce, algorithm: nvls, bytes: 1GiB, protocol: none').ops[0].closingDelays).toBe(
      undefined,
    );
  });
});
