import { describe, expect, it } from 'vitest';
import { validationCase } from '../../../test/helpers/cases.ts';
import {
  NCCL_2_7_5,
  NCCL_2_20_3,
  ncclChoose,
  ncclTimeUs,
  ncclTune,
  protocolChunkBytes,
  type TuneInput,
  wireEfficiency,
} from './index.ts';

const entry = (x: TuneInput, a: string, p: string) => {
  const t = ncclTune(x).find((e) => e.algorithm === a && e.protocol === p);
  if (!t) throw new Error(`no ${a}/${p}`);
  return t;
};

describe("COLL-03 through the shared model: NCCL 2.7.5's Simple latencies (exact)", () => {
  const want = (validationCase('COLL-03').expect as { latency_us: Record<string, number> }).latency_us;
  const k = NCCL_2_7_5;
  const x = (nRanks: number, nNodes: number): TuneInput => ({
    op: 'all-reduce',
    nRanks,
    nNodes,
    busBwGBs: 50,
    nChannels: 8,
    constants: k,
  });
  it('ring, 1 node x 8 GPUs', () => {
    expect(entry(x(8, 1), 'ring', 'Simple').latencyUs).toBeCloseTo(want.ring_1node_8gpu, 9);
  });
  it('ring and tree, 16 nodes x 8 GPUs', () => {
    expect(entry(x(128, 16), 'ring', 'Simple').latencyUs).toBeCloseTo(want.ring_16node_128gpu, 9);
    expect(entry(x(128, 16), 'tree', 'Simple').latencyUs).toBeCloseTo(want.tree_16node_128gpu, 9);
  });
});

describe('NCCL 2.20.3 tuning model, 16 nodes x 8 H100, 50 GB/s per GPU, 8 channels (tuning.cc by hand)', () => {
  const x: TuneInput = { op: 'all-reduce', nRanks: 128, nNodes: 16, busBwGBs: 50, nChannels: 8 };
  it('latencies: base + (nsteps - nInter) max(intra, 3 x netOverhead) + nInter x inter', () => {
    // nsteps 254, nInterSteps 2 x 16 = 32: Simple 8.4 + 222 x 3.4 + 32 x 14; LL 6.6 + 222 x max(0.6, 1) + 32 x 2.7.
    expect(entry(x, 'ring', 'Simple').latencyUs).toBeCloseTo(8.4 + 222 * 3.4 + 32 * 14, 9);
    expect(entry(x, 'ring', 'LL').latencyUs).toBeCloseTo(6.6 + 222 * 1.0 + 32 * 2.7, 9);
    expect(entry(x, 'ring', 'LL128').latencyUs).toBeCloseTo(14 + 222 * 1.9 + 32 * 4.0, 9);
    // Tree: base + 2 ((ppn - 1) intra + log2(nNodes) inter).
    expect(entry(x, 'tree', 'Simple').latencyUs).toBeCloseTo(2 * (7 * 28 + 4 * 28), 9);
  });
  it('bandwidths: LL x 1/4 capped at llMaxBw 19.0, LL128 x 0.92, tree x 0.92 and /2', () => {
    expect(entry(x, 'ring', 'LL').busBwGBs).toBeCloseTo(12.5, 9);
    expect(entry(x, 'ring', 'LL128').busBwGBs).toBeCloseTo(46, 9);
    expect(entry(x, 'ring', 'Simple').busBwGBs).toBeCloseTo(50, 9);
    expect(entry(x, 'ring', 'Simple').algBwGBs).toBeCloseTo((50 * 128) / 254, 9);
    expect(entry(x, 'tree', 'Simple').algBwGBs).toBeCloseTo(46 / 2, 9);
    expect(entry(x, 'tree', 'LL').busBwGBs).toBeCloseTo(46 / 3.8, 9);
    expect(entry(x, 'tree', 'LL128').busBwGBs).toBeCloseTo(46 * (120 / 128), 9);
  });
  it('time = latency (x 1.4 ring plateau) + bytes / (1000 x algBw); trees corrected by size', () => {
    const ring = entry(x, 'ring', 'Simple');
    expect(ncclTimeUs(ring, 1 << 30, x)).toBeCloseTo(ring.latencyUs * 1.4 + (1 << 30) / (1000 * ring.algBwGBs), 6);
    const tree = entry(x, 'tree', 'Simple');
    // 1 MiB: log2(2^20 / 64) = 14, Simple's factor 0.5.
    expect(ncclTimeUs(tree, 2 ** 20, x)).toBeCloseTo(tree.latencyUs + 2 ** 20 / (1000 * tree.algBwGBs * 0.5), 6);
  });
  it('choice: LL for small messages, Simple ring for large ones', () => {
    expect(ncclChoose(x, 1024)?.protocol).toBe('LL');
    const big = ncclChoose(x, 2 ** 32);
    expect([big?.algorithm, big?.protocol]).toEqual(['ring', 'Simple']);
  });
  it('negative control: all-to-all is not in the model (NCCL runs it as point-to-point sends)', () => {
    expect(ncclTune({ ...x, op: 'all-to-all' })).toEqual([]);
  });
  it('NVLS only with nvls: true, Simple only, one node; NVLS tree several nodes', () => {
    expect(ncclTune(x).some((t) => t.algorithm.startsWith('nvls'))).toBe(false);
    const multi = ncclTune({ ...x, nvls: true, intraBusBwGBs: 450 }).filter((t) => t.algorithm.startsWith('nvls'));
    expect(multi.map((t) => `${t.algorithm}/${t.protocol}`)).toEqual(['nvls-tree/Simple']);
    // bw = min(bwIntra, bwInter / 2) on more than 2 nodes, algBw = x 5/6; latency 23 + 2 x 4 x 14.
    expect(multi[0].algBwGBs).toBeCloseTo((25 * 5) / 6, 9);
    expect(multi[0].latencyUs).toBeCloseTo(23 + 2 * 4 * 14, 9);
  });
  it("CollNet (sharp) only with collnet: true, Simple only, several nodes; tuning.cc's CollNet Chain rows", () => {
    expect(ncclTune(x).some((t) => t.algorithm === 'collnet')).toBe(false);
    const c = ncclTune({ ...x, collnet: true }).filter((t) => t.algorithm === 'collnet');
    expect(c.map((t) => t.protocol)).toEqual(['Simple']);
    // baseLat 0 + hwLat[NET][CollNetChain][Simple] 30 us (a chain of one GPU: no 2 (ppn - 1) intraLat term);
    // bus bandwidth unrefined, algBw x 1/2.
    expect(c[0].latencyUs).toBeCloseTo(30, 9);
    expect(c[0].efficiency).toBe(1);
    expect(c[0].algBwGBs).toBeCloseTo(25, 9);
    expect(ncclTune({ ...x, nNodes: 1, nRanks: 8, collnet: true }).some((t) => t.algorithm === 'collnet')).toBe(false);
    // 2.7.5: baseLat[CollNet][Simple] 0 + NET CollNet Simple 10.7; "busBw *= .9".
    const old = entry({ ...x, collnet: true, constants: NCCL_2_7_5 }, 'collnet', 'Simple');
    expect(old.latencyUs).toBeCloseTo(10.7, 9);
    expect(old.efficiency).toBeCloseTo(0.9, 9);
  });
  it('release constants differ where tuning.cc changed (NET tree Simple 50 -> 28 us)', () => {
    expect(NCCL_2_7_5.hwLatUs.net.tree.Simple).toBe(50);
    expect(NCCL_2_20_3.hwLatUs.net.tree.Simple).toBe(28);
  });
});

describe('protocol line formats (device.h, init.cc)', () => {
  it('wire efficiency: LL 8 of 16 B, LL128 120 of 128 B, Simple all', () => {
    expect(wireEfficiency('LL')).toBe(0.5);
    expect(wireEfficiency('LL128')).toBe(120 / 128);
    expect(wireEfficiency('Simple')).toBe(1);
  });
  it('chunks: LL 32 KiB, LL128 576,000 B, Simple 2 MiB (4 of 8 steps of 4 MiB)', () => {
    expect(protocolChunkBytes('LL')).toBe(32 * 1024);
    expect(protocolChunkBytes('LL128')).toBe(576000);
    expect(protocolChunkBytes('Simple')).toBe(2 * 2 ** 20);
  });
});
