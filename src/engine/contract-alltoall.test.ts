// Engine contract, MPICH's all-to-alls on servers of several GPUs (issue 14): the analytic engine costs pairwise
// and Bruck by their schedule's critical path at full NIC rate, every step alone on its NICs
// (analytic/schedule-path.ts). Any run of the schedule is at least that long, so the flow engine never beats it;
// how much longer it runs is the drift (several steps' flows on one NIC, as ranks whose steps are NVLink copies
// run ahead, and on rails steps between rails hashing onto shared spine links), which no schedule order bounds:
// nothing orders the senders into one rank (schedule-path.ts). So the contract tests the lower bound, and the
// measured ratios are written next to the cases. NCCL's all-to-all, pxn (auto's choice on such servers),
// agrees exactly (contract.test.ts).
import { describe, expect, it } from 'vitest';
import { RAILS, runScenario, SERVERS_ONE_LEAF, scenarioYaml } from './contract.ts';

const opTime = (engine: 'analytic' | 'flow', yaml: string) => runScenario(engine, yaml).result.ops?.[0].timePs ?? 0;

describe('pairwise and Bruck all-to-all on servers of several GPUs: analytic (critical path) <= flow', () => {
  // [fabric, name, algorithm, ranks, measured flow/analytic]. Tolerance 0.1%: the flow engine's whole-picosecond
  // drains and rounding of the path's sums, against a bound that is otherwise exact from below.
  const c = (fabric: string, name: string, algorithm: string, ranks: number, measured: number) => ({
    fabric,
    name,
    algorithm,
    ranks,
    measured,
  });
  const ONE = '8 servers x 4 GPUs, one leaf';
  const R = '4 servers x 8 GPUs, rail-optimized';
  it.each([
    c(SERVERS_ONE_LEAF, ONE, 'pairwise', 8, 1.252),
    c(SERVERS_ONE_LEAF, ONE, 'pairwise', 24, 1.075),
    c(SERVERS_ONE_LEAF, ONE, 'bruck', 12, 1.266),
    c(SERVERS_ONE_LEAF, ONE, 'bruck', 32, 1.178),
    c(RAILS, R, 'pairwise', 12, 1.991),
    c(RAILS, R, 'pairwise', 32, 1.829),
    c(RAILS, R, 'bruck', 16, 1.43),
    c(RAILS, R, 'bruck', 32, 1.875),
  ])('$name: $algorithm, $ranks ranks (measured flow/analytic $measured)', ({ fabric, algorithm, ranks }) => {
    const yaml = scenarioYaml(
      fabric,
      `collective: all-to-all, algorithm: ${algorithm}, bytes: 64MiB, ranks: ${ranks}, protocol: none`,
    );
    const a = opTime('analytic', yaml);
    const f = opTime('flow', yaml);
    expect(f, `analytic ${a} ps, flow ${f} ps`).toBeGreaterThanOrEqual(a * 0.999);
  });
});
