// The all-to-all fluid run (schedule-fluid.ts) on schedules worked out by hand; its agreement with the flow
// engine is the contract's (contract-alltoall.test.ts). Units: a NIC moves 1 byte per ps (1e12 B/s), a block is
// 1,000 B (S = p x 1,000 B), so a block alone on its NICs takes tau = 1,000 ps; an NVLink copy of a block takes
// c = 500 ps (16e12 bit/s).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../../fabric/types.ts';
import { ProgramBuilder } from '../../workload/builder.ts';
import { compileCollective } from '../../workload/training/collectives.ts';
import { scheduleFluidPs } from './schedule-fluid.ts';
import { schedulePathPs } from './schedule-path.ts';

/** Both costs (ps) of an all-to-all over ranks 0..p-1, rank i on server `server[i]`, with `alphaPs` a path. */
function costs(algorithm: string, server: number[], alphaPs: number, channels = 1, copyBps = 16e12) {
  const p = server.length;
  const b = new ProgramBuilder();
  const ranks = server.map((_, i) => i as NodeId);
  compileCollective(
    b,
    {
      op: 'all-to-all',
      algorithm,
      ranks,
      bytes: p * 1000,
      channels,
      intra: { bandwidthBps: copyBps, latencyPs: 0, serverOf: (h) => server[h] },
    },
    { item: 0, cls: 'roce', startPs: 0, deps: [], iteration: -1 },
  );
  const program = b.build();
  const t = { hop: () => alphaPs, nic: new Float64Array(p).fill(1e12) };
  const op = program.ops[0];
  return {
    fluid: scheduleFluidPs(t, program, op, 1e12, channels),
    path: schedulePathPs(t, program, op, 1e12, channels),
  };
}

describe('schedule-fluid: pairwise all-to-alls worked out by hand', () => {
  it('2 servers x 2 GPUs: 3 (tau + alpha), as the critical path (no NIC ever carries two streams)', () => {
    // Ranks 0, 1 on server A, 2, 3 on B; step s sends i -> i + s after (i, s - 1) and (i - s + 1, s - 1).
    // Step 1: copies 0 -> 1 and 2 -> 3 end at c = 500; streams 1 -> 2 and 3 -> 0 (other NICs) arrive at
    // tau + alpha = 1,100. Step 2: 0 -> 2, 1 -> 3, 2 -> 0, 3 -> 1 all wait for a step-1 stream: they start at
    // 1,100 on four distinct uplinks and downlinks and arrive at 2,200. Step 3: streams 0 -> 3 and 2 -> 1 start at
    // 2,200 and arrive at 3,300; the copies 1 -> 0 and 3 -> 2 end at 2,700. Total 3,300 ps.
    const { fluid, path } = costs('pairwise', [0, 0, 1, 1], 100);
    expect(fluid).toBeCloseTo(3300, 6);
    expect(path).toBeCloseTo(3300, 6);
  });
  it('2 channels of half the buffer at half the NIC each take as long as one channel (3,300 ps)', () => {
    // Each channel's block is 500 B at 0.5 B/ps (1,000 ps); its copy 500 B at half the NVLink rate (500 ps).
    expect(costs('pairwise', [0, 0, 1, 1], 100, 2).fluid).toBeCloseTo(3300, 6);
  });
  it('3 GPUs on server A, 1 on B: 3,500 ps, where the critical path without sharing says 3,000', () => {
    // No latency. Step 1: copies 0 -> 1 and 1 -> 2 end at 500; streams 2 -> 3 and 3 -> 0 start at 0.
    // Step 2 of rank 1 (1 -> 3) waits only for copies: it starts at 500 and shares NIC 3's downlink with step 1's
    // 2 -> 3, which had 500 B left: both at 1/2, so 2 -> 3 arrives at 1,500 (not 1,000), and 1 -> 3 has 500 B
    // left then. 3 -> 0 arrives at 1,000 alone; copy 0 -> 2 (after 3 -> 0) runs 1,000 to 1,500.
    // At 1,500: 2 -> 0 and 3 -> 1 (both after 2 -> 3) start; with 1 -> 3 they share no link: 1 -> 3 arrives at
    // 2,000, 2 -> 0 and 3 -> 1 at 2,500. Step 3: 0 -> 3 (after 2 -> 0) and 3 -> 2 (after 3 -> 1) start at 2,500
    // on distinct links and arrive at 3,500; the copies 1 -> 0 and 2 -> 1 end at 3,000. Total 3,500 ps.
    const { fluid, path } = costs('pairwise', [0, 0, 0, 1], 0);
    expect(fluid).toBeCloseTo(3500, 6);
    expect(path).toBeCloseTo(3000, 6);
  });
});

describe('schedule-fluid: properties over random placements (fast-check, seeded)', () => {
  // Each stream's rate is at most its NIC links' capacity and each task starts once its deps have arrived, so by
  // induction over the schedule no task ends before its critical-path time: fluid >= path. With one rank a server
  // there are no copies, every rank's steps move in lockstep and no NIC link ever carries two streams: fluid = path.
  const placement = fc
    .record({
      algorithm: fc.constantFrom('pairwise', 'bruck'),
      server: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 2, maxLength: 10 }),
      alphaPs: fc.integer({ min: 0, max: 2000 }),
      copyBps: fc.constantFrom(2e12, 8e12, 16e12, 64e12),
    })
    .map((x) => ({ ...x, server: x.server.slice().sort((a, b) => a - b) }));
  it('fluid >= critical path on any placement (relative 1e-9)', () => {
    fc.assert(
      fc.property(placement, ({ algorithm, server, alphaPs, copyBps }) => {
        const { fluid, path } = costs(algorithm, server, alphaPs, 1, copyBps);
        expect(fluid).toBeGreaterThanOrEqual(path * (1 - 1e-9));
      }),
      { seed: 14, numRuns: 60 },
    );
  });
  it('fluid = critical path with one rank a server (relative 1e-9)', () => {
    fc.assert(
      fc.property(placement, ({ algorithm, server, alphaPs }) => {
        const alone = server.map((_, i) => i);
        const { fluid, path } = costs(algorithm, alone, alphaPs);
        expect(Math.abs(fluid - path) / path).toBeLessThan(1e-9);
      }),
      { seed: 14, numRuns: 30 },
    );
  });
});
