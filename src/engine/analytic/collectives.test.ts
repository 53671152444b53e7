import { describe, expect, it } from 'vitest';
import { COLL02_ALGORITHMS, expectClose, validationCase } from '../../../test/helpers/cases.ts';
import type { NodeId } from '../../fabric/types.ts';
import { ProgramBuilder } from '../../workload/builder.ts';
import { busBandwidthFactor, type CollectiveOp, timeAtBusBandwidthS } from '../../workload/collective.ts';
import { NCCL_STEPS } from '../../workload/nccl/index.ts';
import { COLLECTIVE_ALGORITHMS, compileCollective, TREE_CHUNK_BYTES } from '../../workload/training/collectives.ts';
import { criticalPath, sentBytes } from '../../workload/training/verify.ts';
import { collectiveTimeS, SCHEDULE_TIME_S, scheduleTimeS } from './collectives.ts';

describe('nccl-tests bus bandwidth (COLL-01)', () => {
  const c = validationCase('COLL-01');
  const e = c.expect as {
    allreduce_factor: Record<string, number>;
    conversions_4GiB: Record<string, number>;
    ideal_8GiB_n8_B450GBps_ms: number;
  };
  it('all-reduce factor 2(n-1)/n', () => {
    for (const [n, f] of Object.entries(e.allreduce_factor))
      expect(busBandwidthFactor('all-reduce', Number(n))).toBeCloseTo(f, 12);
  });
  it('converts bus bandwidth to time for 4 GiB and 8 GiB buffers', () => {
    const GiB = 2 ** 30;
    expectClose(
      timeAtBusBandwidthS('all-reduce', 8, 4 * GiB, 740.64e9) * 1e3,
      e.conversions_4GiB['n8_busbw740.64_time_ms'],
      c.tolerance.value!,
      '10.148',
    );
    expectClose(
      timeAtBusBandwidthS('all-reduce', 32, 4 * GiB, 377.34e9) * 1e3,
      e.conversions_4GiB['n32_busbw377.34_time_ms'],
      c.tolerance.value!,
      '22.053',
    );
    expectClose(
      timeAtBusBandwidthS('all-reduce', 8, 8 * GiB, 450e9) * 1e3,
      e.ideal_8GiB_n8_B450GBps_ms,
      c.tolerance.value!,
      '33.405',
    );
  });
});

describe('alpha-beta-gamma costs of MPI collectives (COLL-02, Thakur, Rabenseifner and Gropp 2005)', () => {
  const c = validationCase('COLL-02');
  const s = c.setup as {
    p: number;
    n_bytes: number;
    alpha_s: number;
    beta_s_per_byte: number;
    gamma_s_per_byte: number;
  };
  const want = (c.expect as { time_ms: Record<string, number> }).time_ms;
  const ab = { alphaS: s.alpha_s, betaSPerByte: s.beta_s_per_byte, gammaSPerByte: s.gamma_s_per_byte };
  const MAP = COLL02_ALGORITHMS;
  it('covers every algorithm the case lists', () => expect(Object.keys(MAP).sort()).toEqual(Object.keys(want).sort()));
  it.each(Object.entries(MAP))('%s', (key, [op, algo]) => {
    const got = collectiveTimeS(op, algo, s.p, s.n_bytes, ab) * 1e3;
    expect(
      Math.abs(got - want[key]) / want[key],
      `${key}: got ${got} ms, expected ${want[key]} ms`,
    ).toBeLessThanOrEqual(c.tolerance.value!);
  });
  it('has no published form for an algorithm COLL-02 does not list', () => {
    expect(() => collectiveTimeS('all-reduce', 'hypercube', 8, 1e6, ab)).toThrow(
      /no published closed form for all-reduce hypercube/,
    );
    expect(() => scheduleTimeS('all-reduce', 'hypercube', 8, 1e6, ab)).toThrow(/unknown algorithm "hypercube"/);
  });
});

describe('data-parallel gradient all-reduce (TRAIN-01, ResNet-50 fp32)', () => {
  const c = validationCase('TRAIN-01');
  const s = c.setup as { params: number; bytes_per_grad: number };
  const e = c.expect as { gradient_bytes: number; allreduce_ms: Record<string, number> };
  const bytes = s.params * s.bytes_per_grad;
  it('gradient bytes and all-reduce time at the example bus bandwidths (bandwidth term)', () => {
    expect(bytes).toBe(e.gradient_bytes);
    expectClose(
      timeAtBusBandwidthS('all-reduce', 8, bytes, 450e9) * 1e3,
      e.allreduce_ms['8gpu_busbw450'],
      c.tolerance.value!,
      '0.3976',
    );
    expectClose(
      timeAtBusBandwidthS('all-reduce', 8, bytes, 365.6e9) * 1e3,
      e.allreduce_ms['8gpu_busbw365.6'],
      c.tolerance.value!,
      '0.4893',
    );
    expectClose(
      timeAtBusBandwidthS('all-reduce', 64, bytes, 47e9) * 1e3,
      e.allreduce_ms['64gpu_8nodes_busbw47'],
      c.tolerance.value!,
      '4.282',
    );
  });
});

describe("the analytic engine costs every schedule of the workload's algorithm table (one table, issue 12)", () => {
  /** Divisible by every rank count below, so that no block is rounded up. */
  const S = 3 * 3 * 5 * 7 * 11 * 2 ** 16;
  const PS = [2, 3, 5, 6, 8, 11, 12, 16];
  const one = { alphaS: 1, betaSPerByte: 0, gammaSPerByte: 0 };
  const perByte = { alphaS: 0, betaSPerByte: 1, gammaSPerByte: 0 };
  const pairs = (Object.entries(COLLECTIVE_ALGORITHMS) as [CollectiveOp, readonly string[]][]).flatMap(([op, algs]) =>
    algs.map((algorithm) => [op, algorithm] as const),
  );
  it('has a cost for each algorithm the workload compiles, and no other', () => {
    for (const [op, algs] of Object.entries(COLLECTIVE_ALGORITHMS) as [CollectiveOp, readonly string[]][])
      expect(Object.keys(SCHEDULE_TIME_S[op]).sort(), op).toEqual([...algs].sort());
  });
  it.each(pairs)(
    '%s %s: steps and bytes on the compiled critical path are the alpha and beta terms of its cost',
    (op, algorithm) => {
      for (const p of PS) {
        const b = new ProgramBuilder();
        // Two-level all-reduces need domains: one rank per domain, where they are the ring across domains.
        const intra = { bandwidthBps: 1e12, latencyPs: 0, serverOf: (h: NodeId) => h, nvls: true };
        const ranks = Array.from({ length: p }, (_, i) => (100 + 3 * i) as NodeId);
        const id = compileCollective(
          b,
          {
            op,
            algorithm,
            ranks,
            bytes: S,
            intra: ['hierarchical', 'nvls', 'nvls-tree'].includes(algorithm) ? intra : undefined,
            // sharp: every rank under one switch (id 1), the SCHEDULE_TIME_S entry's tree.
            sharp: (rs) => ({ parent: new Map(rs.map((h) => [h, 1 as NodeId])), root: 1 as NodeId }),
          },
          { item: 0, cls: 'roce', startPs: 0, deps: [], iteration: -1 },
        );
        const program = b.build();
        const steps = criticalPath(program, () => ({ sendTime: 0, latency: 1 }));
        const what = `${op} ${algorithm} on ${p} ranks`;
        // The trees' credit window (nvls-tree.ts windowDeps): with no send time a window of NCCL_STEPS chunks turns
        // over once a round trip, 2 hops, so the last window starts 2 (ceil(C / NCCL_STEPS) - 1) hops late.
        const C = program.transfers[0].repeat;
        const trees = algorithm === 'nvls-tree' || algorithm === 'double-binary-tree';
        const window = trees ? 2 * (Math.ceil(C / NCCL_STEPS) - 1) : 0;
        expect(steps, `${what}: steps`).toBe(scheduleTimeS(op, algorithm, p, S, one) + window);
        // sharp is pipelined in NCCL's Simple steps: its beta term at the schedule's chunk count.
        const pipe = algorithm === 'sharp' ? { chunks: Math.ceil(S / TREE_CHUNK_BYTES) } : undefined;
        const beta = scheduleTimeS(op, algorithm, p, S, perByte, pipe);
        if (algorithm === 'pxn') {
          // Every send at once: the cost's (p-1)/p S beta is each NIC's bytes, not one message's path.
          const per = [...sentBytes(b, id).fabric.values()];
          for (const x of per) expect(x / S, `${what}: bytes per rank / S`).toBeCloseTo(beta / S, 12);
        } else if (algorithm === 'double-binary-tree' || algorithm === 'nvls-tree') {
          // Pipelined in chunks: the cost's 2 n beta is the busiest rank's bandwidth bound, not one chunk's path.
          const busiest = Math.max(...sentBytes(b, id).fabric.values());
          // Chunks are rounded up to whole bytes (workload/training/collectives.ts): a byte per chunk at most.
          expect(busiest, `${what}: busiest rank's bytes`).toBeLessThanOrEqual(beta + 2 * Math.ceil(S / 2 ** 19));
        } else {
          const path = criticalPath(program, (x) => ({ sendTime: b.movedBytes(x.id), latency: 0 }));
          // sharp's chunks are rounded up to whole bytes (S is not a multiple of its 434 chunks): 1 B per chunk.
          const digits = algorithm === 'sharp' ? 6 : 12;
          expect(path / S, `${what}: bytes on the critical path / S`).toBeCloseTo(beta / S, digits);
        }
      }
    },
  );
});
