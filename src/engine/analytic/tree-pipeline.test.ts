// The tree pipeline (tree-pipeline.ts) against schedules worked out by hand; its agreement with the flow engine
// is the contract's (contract-trees.test.ts).
import { describe, expect, it } from 'vitest';
import { treePipelineS } from './tree-pipeline.ts';

describe('tree-pipeline: double binary trees worked out by hand (no latency, 1 s a chunk at a full NIC)', () => {
  const run = (p: number, chunks: number, more: { alphaS?: number; copyS?: number; server?: number[] } = {}) =>
    treePipelineS({ p, chunks, netS: 1, copyS: more.copyS ?? 0, alphaS: more.alphaS ?? 0, server: more.server });

  it('2 ranks: 2k chunk times (chunk 0 up alone, then each down shares both NIC links with the next up)', () => {
    // Tree 0 sends up 1 -> 0 and down 0 -> 1, tree 1 the mirror: rank 1's uplink carries tree 0's up and tree 1's
    // down. Up 0 alone takes 1; down c and up c + 1 share at 1/2 (2 each); the last down alone takes 1.
    for (let k = 1; k <= 8; k++) expect(run(2, k)).toBeCloseTo(2 * k, 9);
  });
  it('2 ranks, one chunk: each of the 2 hops pays its latency once (2 + 2 alpha)', () => {
    expect(run(2, 1, { alphaS: 0.25 })).toBeCloseTo(2.5, 9);
  });
  it('8 ranks, one chunk: 2 + 2 + 1 up and as many down (a parent NIC split between two children)', () => {
    expect(run(8, 1)).toBeCloseTo(10, 9);
  });
  it('2 ranks on one server: two copies of k chunks back to back, k + 1 copies', () => {
    // Both trees' ups copy at once (copies share nothing); each down waits for its up's chunk.
    for (let k = 1; k <= 4; k++) expect(run(2, k, { copyS: 0.5, server: [0, 0] })).toBeCloseTo((k + 1) * 0.5, 9);
  });
  it('nvls-tree, 2 ranks, one chunk: reduce-scatter, up, down, all-gather (phase + 2 + phase)', () => {
    // Chunk 0 is reduced in each domain at 0.5, goes up both trees at once (1.5), down (2.5), all-gathered (3).
    expect(treePipelineS({ p: 2, chunks: 1, netS: 1, copyS: 0, alphaS: 0, phaseS: 0.5 })).toBeCloseTo(3, 9);
  });
  it('nvls-tree, phases slower than the trees: one phase per chunk sets the pace (k + 1 phases + the trip)', () => {
    // Phase 3 > period 2: chunk c is reduced at 3 (c + 1), crosses in 2, and the all-gathers run back to back
    // from the first chunk's return at 5: 5 + 3k.
    for (let k = 1; k <= 4; k++)
      expect(treePipelineS({ p: 2, chunks: k, netS: 1, copyS: 0, alphaS: 0, phaseS: 3 })).toBeCloseTo(5 + 3 * k, 9);
  });
  it('credit window of 2 chunks, latency 10: each window waits for the round trip (45, not 25 without it)', () => {
    // Tree 0: ups 1 -> 0, downs 0 -> 1 (tree 1 the mirror, on the other NIC links, at the same times). Without a
    // window the ups leave at 1, 2, 3, 4, the downs start on arrival (11) and the last arrives at 15 + 10. With
    // it, up 2 waits for down 0's arrival (22) and up 3 for down 1's (23): downs 2 and 3 arrive at 44 and 45.
    const x = { p: 2, chunks: 4, netS: 1, copyS: 0, alphaS: 10 };
    expect(treePipelineS(x)).toBeCloseTo(25, 9);
    expect(treePipelineS({ ...x, window: 2 })).toBeCloseTo(45, 9);
  });
  it('many chunks: one period (the busiest NIC link, 4 chunk copies from 4 ranks on) per chunk past 16', () => {
    expect(run(16, 40) - run(16, 30)).toBeCloseTo(40, 9);
  });
});
