// Engine contract, MPICH's all-to-alls on servers of several GPUs (issue 14): the analytic engine runs pairwise and
// Bruck as the flow engine does on a non-blocking fabric (analytic/schedule-fluid.ts: the compiled steps as fluid
// streams at their max-min fair shares of the ranks' NIC links, NVLink copies as delays), so where no flow meets
// an ECMP choice (servers on one leaf) the two agree within the contract's 2%. Before, it costed them by their
// schedule's critical path (schedule-path.ts), which sees no sharing: flow/analytic 1.00-1.59 on one leaf (the
// "before" ratios below, measured then; 1.00 where latency dominates, at 1 MiB).
//
// Where it stays a bound: on rail-optimized fabrics a step between GPUs of different rails crosses the spines, and
// per-flow ECMP hashing puts several such flows on one spine link, which the hose model (NIC links only) cannot
// see. No rank set of several GPUs a server keeps every pairwise or Bruck step on its rail there (pairwise's
// steps s with s mod 8 != 0 that leave a server, and Bruck's first step from GPU 7 to the next server's GPU 0,
// change rails), so those cases assert analytic <= flow, with the measured ratio next to each.
//
// NCCL's all-to-all, pxn (auto's choice on such servers), agrees exactly (contract.test.ts).
import { describe, expect, it } from 'vitest';
import { RAILS, runScenario, SERVERS_ONE_LEAF, scenarioYaml } from './contract.ts';
import type { EngineKind } from './index.ts';

const opTime = (engine: EngineKind, yaml: string) => runScenario(engine, yaml).result.ops?.[0].timePs ?? 0;
const item = (rest: string) => `collective: all-to-all, protocol: none, algorithm: ${rest}`;
/** 2 servers of 3 GPUs on one leaf: 4 ranks put 3 on one server and 1 on the other (schedule-fluid.test.ts). */
const THREE_ONE_LEAF = 'fabric: {topology: leaf-spine, hosts: 6, nic: 400G, switch: generic-64x400g, gpusPerNode: 3}';

const ONE = '8 servers x 4 GPUs, one leaf';
const THREE = '2 servers x 3 GPUs, one leaf';
/** 4 servers of 8 GPUs of a GPU profile (fabric.gpu: its NVLink rate) on one leaf. */
const profileOneLeaf = (gpu: string) =>
  `fabric: {topology: leaf-spine, hosts: 32, nic: 400G, switch: generic-64x400g, gpusPerNode: 8, gpu: ${gpu}}`;

describe('pairwise and Bruck on servers of several GPUs, one leaf: flow within 2% of analytic', () => {
  // before: flow/analytic with the critical path, measured then. Measured now: 1.0000 on every case (the flow
  // engine's whole-picosecond clock is the only difference, at most 12 ps).
  const c = (fabric: string, name: string, rest: string, before: number) => ({ fabric, name, rest, before });
  it.each([
    c(SERVERS_ONE_LEAF, ONE, 'pairwise, bytes: 64MiB, ranks: 8', 1.252),
    c(SERVERS_ONE_LEAF, ONE, 'pairwise, bytes: 64MiB, ranks: 24', 1.075),
    c(SERVERS_ONE_LEAF, ONE, 'pairwise, bytes: 64MiB, ranks: 32', 1.055),
    c(SERVERS_ONE_LEAF, ONE, 'pairwise, bytes: 1MiB, ranks: 32', 1.0),
    c(SERVERS_ONE_LEAF, ONE, 'pairwise, bytes: 64MiB, ranks: 20, channels: 2', 1.091),
    c(SERVERS_ONE_LEAF, ONE, 'bruck, bytes: 64MiB, ranks: 12', 1.266),
    c(SERVERS_ONE_LEAF, ONE, 'bruck, bytes: 64MiB, ranks: 32', 1.178),
    c(SERVERS_ONE_LEAF, ONE, 'bruck, bytes: 1MiB, ranks: 32', 1.147),
    c(SERVERS_ONE_LEAF, ONE, 'bruck, bytes: 64MiB, ranks: 7', 1.592),
    c(SERVERS_ONE_LEAF, ONE, 'bruck, bytes: 64MiB, ranks: 24, channels: 4', 1.205),
    c(THREE_ONE_LEAF, THREE, 'pairwise, bytes: 64MiB, ranks: 4', 1.295),
    c(profileOneLeaf('h100'), '4 H100 servers, one leaf', 'pairwise, bytes: 64MiB, ranks: 32', 1.302),
    c(profileOneLeaf('b200'), '4 B200 servers, one leaf', 'bruck, bytes: 64MiB, ranks: 24', 1.421),
  ])('$name: $rest (before: flow/analytic $before)', ({ fabric, rest }) => {
    const yaml = scenarioYaml(fabric, item(rest));
    const a = opTime('analytic', yaml);
    const f = opTime('flow', yaml);
    expect(Math.abs(f - a) / a, `analytic ${a} ps, flow ${f} ps`).toBeLessThan(0.02);
  });
});

describe('pairwise and Bruck on rails of 4 x 8 GPUs, steps between rails across the spines: analytic <= flow', () => {
  // measured: flow/analytic now (with the critical path before). Tolerance 0.1%: the flow engine's whole-picosecond
  // clock, against a bound that is exact from below. The gap is ECMP: the flow time changes with the seed's
  // hashes (pairwise, 32 ranks: 2,571, 2,977 and 2,725 us at seeds 1, 2, 3; analytic 1,809 us), and Bruck over
  // 16 ranks, whose flows between rails happen not to collide at seed 1, agrees.
  it.each([
    { rest: 'pairwise, bytes: 64MiB, ranks: 12', measured: '1.010 (1.991)' },
    { rest: 'pairwise, bytes: 64MiB, ranks: 32', measured: '1.422 (1.829)' },
    { rest: 'bruck, bytes: 64MiB, ranks: 16', measured: '1.000 (1.430)' },
    { rest: 'bruck, bytes: 64MiB, ranks: 32', measured: '1.395 (1.875)' },
  ])('$rest (measured flow/analytic $measured)', ({ rest }) => {
    const yaml = scenarioYaml(RAILS, item(rest));
    const a = opTime('analytic', yaml);
    const f = opTime('flow', yaml);
    expect(f, `analytic ${a} ps, flow ${f} ps`).toBeGreaterThanOrEqual(a * 0.999);
  });
});

describe('pairwise and Bruck on one leaf at 64 MiB: the packet engine', () => {
  // Without congestion control (PFC keeps the fabric lossless, each port serves its flows in turn) the packet
  // engine shares a NIC as the fluid models do: measured packet/analytic 1.0044 (pairwise, 8 ranks) and 1.0066
  // (Bruck, 12 ranks). Tolerance: the contract's 5%.
  it.each([{ rest: 'pairwise, bytes: 64MiB, ranks: 8' }, { rest: 'bruck, bytes: 64MiB, ranks: 12' }])(
    'network cc none: packet within 5 percent of analytic: $rest',
    ({ rest }) => {
      const yaml = scenarioYaml(`${SERVERS_ONE_LEAF}\nnetwork: {cc: none}`, item(rest));
      const a = opTime('analytic', yaml);
      const p = opTime('packet', yaml);
      expect(Math.abs(p - a) / a, `analytic ${a} ps, packet ${p} ps`).toBeLessThan(0.05);
    },
  );
  // With DCQCN (the default) a step that joins a NIC another step is using meets ECN marks, is cut, and climbs back
  // slowly once it has the NIC alone: packet/analytic 1.35 (pairwise, 8 ranks; Bruck over 12: 1.63). Neither
  // fluid engine models rate control (a flow gets its fair share at once), so the analytic time is a bound here.
  it('network cc dcqcn (the default): analytic <= packet (pairwise, 8 ranks; measured 1.35)', () => {
    const yaml = scenarioYaml(SERVERS_ONE_LEAF, item('pairwise, bytes: 64MiB, ranks: 8'));
    const a = opTime('analytic', yaml);
    const p = opTime('packet', yaml);
    expect(p, `analytic ${a} ps, packet ${p} ps`).toBeGreaterThanOrEqual(a);
  });
});
