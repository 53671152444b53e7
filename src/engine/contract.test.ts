// Runs the engine contract (contract.ts) on each engine, then compares the engines on the same programs: on a
// fabric where no flow meets an ECMP choice, the analytic and flow engines agree within 2% on every collective
// and job, and the packet engine within 5% at 64 MiB (trees at NCCL's 512 KiB chunks, where DCQCN's rate cuts cost
// more: a bounded gap, contract-trees-packet.test.ts); where the flow engine's ECMP hashing collides and the
// analytic hose bound assumes balance, the flow time lies between the bound and the bound times the collision.
import { describe, expect, it } from 'vitest';
import { TREE_CHUNK_BYTES } from '../workload/training/collectives.ts';
import {
  engineContract,
  GB200,
  gpuRails,
  ONE_LEAF,
  RAILS,
  runScenario,
  SERVERS_ONE_LEAF,
  scenarioYaml,
} from './contract.ts';
import type { EngineKind } from './index.ts';

engineContract('analytic', { bytes: '1MiB' });
engineContract('flow', { bytes: '1MiB' });
// Packet level: small buffers, the semantics not the bandwidth (agreement below checks that at 64 MiB).
engineContract('packet', { bytes: '64KiB' });

const opTimes = (engine: EngineKind, yaml: string) => (runScenario(engine, yaml).result.ops ?? []).map((o) => o.timePs);
const iterTimes = (engine: EngineKind, yaml: string) =>
  (runScenario(engine, yaml).result.iterations ?? []).map((i) => i.timePs);

function expectAgree(a: number[], b: number[], tolerance: number, what: string): void {
  expect(b.length).toBe(a.length);
  expect(a.length).toBeGreaterThan(0);
  for (let i = 0; i < a.length; i++)
    expect(Math.abs(b[i] - a[i]) / a[i], `${what} [${i}]: ${a[i]} ps vs ${b[i]} ps`).toBeLessThan(tolerance);
}

const H100 = gpuRails('h100');
const FABRIC_NAMES: Record<string, string> = {
  [ONE_LEAF]: 'one leaf',
  [RAILS]: '4 servers x 8 GPUs, rail-optimized',
  [SERVERS_ONE_LEAF]: '8 servers x 4 GPUs, one leaf',
  [H100]: '4 H100 servers, rail-optimized',
  [gpuRails('h200')]: '4 H200 servers, rail-optimized',
  [gpuRails('b200')]: '4 B200 servers, rail-optimized',
  [gpuRails('a100')]: '4 A100 servers, rail-optimized',
  [GB200]: 'two GB200 NVL72 domains, rail-optimized',
};
/** Cases with a readable name; tests loop over them (it.each's $name cuts a name at 40 characters). */
const named = (cases: [string, string][]) =>
  cases.map(([fabric, item]) => ({ fabric, item, name: `${item} (${FABRIC_NAMES[fabric]})` }));

/** Collectives on fabrics where no flow meets an ECMP choice (contract.ts: ONE_LEAF, RAILS, SERVERS_ONE_LEAF). */
const COLLECTIVES: [string, string][] = [
  ...(
    [
      ['all-reduce', 'ring'],
      ['all-reduce', 'double-binary-tree'],
      ['all-reduce', 'recursive-doubling'],
      ['all-reduce', 'rabenseifner'],
      ['reduce-scatter', 'ring'],
      ['reduce-scatter', 'recursive-halving'],
      ['all-gather', 'ring'],
      ['all-gather', 'recursive-doubling'],
      ['broadcast', 'binomial'],
      ['broadcast', 'scatter-allgather'],
      ['all-to-all', 'pairwise'],
      ['all-to-all', 'bruck'],
    ] as const
  ).flatMap(([op, a]) =>
    [5, 8, 16].map((p): [string, string] => [
      ONE_LEAF,
      `collective: ${op}, algorithm: ${a}, bytes: 64MiB, ranks: ${p}`,
    ]),
  ),
  [ONE_LEAF, 'collective: all-reduce, bytes: 64MiB, ranks: 12, channels: 4'],
  [ONE_LEAF, 'collective: all-reduce, bytes: 64MiB, chunk: 256KiB'],
  [ONE_LEAF, 'collective: all-gather, bytes: 64MiB, ranks: 6, chunk: 1MiB, channels: 2'],
  [RAILS, 'collective: all-reduce, bytes: 64MiB'],
  // The analytic engine once took one ring for 8 (issue 12): 42.4 ms where the flow engine's 8 rails take 5.3 ms.
  [RAILS, 'collective: all-reduce, bytes: 1GiB, channels: 8'],
  [RAILS, 'collective: reduce-scatter, bytes: 64MiB, ranks: 16, channels: 4'],
  [RAILS, 'collective: all-reduce, bytes: 64MiB, ranks: 24'],
  [RAILS, 'collective: all-reduce, algorithm: hierarchical, bytes: 64MiB'],
  [RAILS, 'collective: all-reduce, algorithm: hierarchical, bytes: 64MiB, channels: 4'],
  [RAILS, 'collective: all-reduce, algorithm: hierarchical, bytes: 64MiB, channels: 2, chunk: 64KiB'],
  [RAILS, 'collective: reduce-scatter, bytes: 64MiB, ranks: 16'],
  [SERVERS_ONE_LEAF, 'collective: all-gather, bytes: 64MiB'],
  // Flat algorithms over servers of several GPUs, costed by their schedule's critical path (analytic/schedule-path.ts;
  // the closed forms were 0.17-1.8x the flow engine: Rabenseifner on 4 x 8 GPUs, 2680 us against 528 us). On the
  // rails only at 32 ranks: other counts pair GPUs of different rails, whose flows cross the spines.
  ...(
    [
      ['all-reduce', 'recursive-doubling'],
      ['all-reduce', 'rabenseifner'],
      ['reduce-scatter', 'recursive-halving'],
      ['all-gather', 'recursive-doubling'],
      ['broadcast', 'binomial'],
      ['broadcast', 'scatter-allgather'],
    ] as const
  ).flatMap(([op, a]): [string, string][] => [
    [SERVERS_ONE_LEAF, `collective: ${op}, algorithm: ${a}, bytes: 64MiB`],
    [SERVERS_ONE_LEAF, `collective: ${op}, algorithm: ${a}, bytes: 64MiB, ranks: 24`],
    [RAILS, `collective: ${op}, algorithm: ${a}, bytes: 64MiB`],
  ]),
  [RAILS, 'collective: all-reduce, algorithm: rabenseifner, bytes: 64MiB, channels: 2'],
  // Issue 14: GPU profiles, NVLS and the pipelined two-level all-reduces, with servers alone and non-powers of two.
  [H100, 'collective: all-reduce, bytes: 64MiB, ranks: 8'],
  [H100, 'collective: all-reduce, bytes: 64MiB, channels: 8'],
  [gpuRails('h200'), 'collective: all-reduce, bytes: 64MiB, channels: 4'],
  [gpuRails('b200'), 'collective: all-reduce, bytes: 64MiB, ranks: 24'],
  // The catalog's A100 profile (no NVLS; nvlink.test.ts checks that nvls is refused there): 1.0006 and 1.0000.
  [gpuRails('a100'), 'collective: all-reduce, bytes: 64MiB, channels: 2'],
  [gpuRails('a100'), 'collective: all-reduce, algorithm: hierarchical, bytes: 64MiB'],
  [H100, 'collective: all-reduce, algorithm: hierarchical, bytes: 64MiB, ranks: 8, chunk: 512KiB'],
  [H100, 'collective: all-reduce, algorithm: hierarchical, bytes: 64MiB, chunk: 512KiB'],
  [H100, 'collective: all-reduce, algorithm: hierarchical, bytes: 64MiB, ranks: 24, chunk: 512KiB, channels: 2'],
  [H100, 'collective: all-reduce, algorithm: nvls, bytes: 64MiB, ranks: 8, chunk: 512KiB'],
  [H100, 'collective: all-reduce, algorithm: nvls, bytes: 64MiB'],
  [H100, 'collective: all-reduce, algorithm: nvls, bytes: 64MiB, chunk: 512KiB'],
  [H100, 'collective: all-reduce, algorithm: nvls, bytes: 64MiB, ranks: 24, chunk: 512KiB, channels: 2'],
  [GB200, 'collective: all-reduce, bytes: 64MiB, ranks: 72'],
  [GB200, 'collective: all-reduce, algorithm: nvls, bytes: 64MiB, ranks: 72'],
  [GB200, 'collective: all-reduce, algorithm: nvls, bytes: 64MiB, chunk: 512KiB'],
  [GB200, 'collective: all-reduce, algorithm: hierarchical, bytes: 64MiB, chunk: 512KiB'],
  [GB200, 'collective: all-reduce, algorithm: nvls-tree, bytes: 64MiB'],
  [H100, 'collective: all-reduce, algorithm: nvls-tree, bytes: 64MiB, ranks: 8'],
  // nvls-tree across servers agrees at 1 GiB (64 chunks per tree); at 64 MiB see the bound below.
  [H100, 'collective: all-reduce, algorithm: nvls-tree, bytes: 1GiB'],
  [H100, 'collective: all-reduce, algorithm: nvls-tree, bytes: 1GiB, ranks: 24'],
];

/**
 * NCCL's protocols forced (NCCL_PROTO): the cases above run what auto picks at 64 MiB (Simple on one leaf, LL128 on
 * the rails). LL's and LL128's efficiency is extra wire bytes on the flow engine and a divided rate in the closed
 * form (docs/simulate.md, "NCCL's cost model"): measured flow/analytic 1.0000 on one leaf, 1.0002 on the rails.
 */
const PROTOCOLS_FORCED: [string, string][] = [
  [ONE_LEAF, 'collective: all-reduce, algorithm: ring, bytes: 64MiB, ranks: 8, protocol: LL'],
  [ONE_LEAF, 'collective: all-reduce, algorithm: ring, bytes: 64MiB, ranks: 6, protocol: LL128'],
  [ONE_LEAF, 'collective: all-reduce, algorithm: double-binary-tree, bytes: 64MiB, ranks: 8, protocol: LL128'],
  [RAILS, 'collective: all-reduce, algorithm: ring, bytes: 64MiB, protocol: Simple'],
  [RAILS, 'collective: all-reduce, algorithm: ring, bytes: 64MiB, protocol: LL'],
];

/** Jobs on the same fabrics. */
const JOBS: [string, string][] = [
  [ONE_LEAF, 'job: {params: 1e9, dp: 16, stepCompute: 10ms, iterations: 2}'],
  [ONE_LEAF, 'job: {params: 1e9, dp: 16, stepCompute: 10ms, buckets: 4}'],
  [RAILS, 'job: {params: 1e9, dp: 4, tp: 8, stepCompute: 10ms, tpBytesPerLayer: 16MiB, layers: 2}'],
  [RAILS, 'job: {params: 1e9, dp: 4, tp: 8, stepCompute: 10ms, channels: 4}'],
  // Pipeline sends shorter than a micro-batch's compute: no two ops share a NIC at once. Where they do (sends longer
  // than the compute between them), the flow engine shares the NIC and the op-level analytic engine, which costs
  // each op alone, does not: 1F1B on pp 4 with 32 MiB sends took 18% longer in the flow engine (issue 12).
  [ONE_LEAF, 'job: {params: 1e9, dp: 8, pp: 2, ppBytes: 4MiB, microBatches: 4, stepCompute: 10ms}'],
  [
    ONE_LEAF,
    'job: {params: 1e9, dp: 4, pp: 4, ppBytes: 4MiB, microBatches: 4, schedule: 1f1b, stepCompute: 10ms, iterations: 2}',
  ],
  [RAILS, 'job: {params: 1e9, dp: 2, tp: 8, pp: 2, ppBytes: 4MiB, microBatches: 4, schedule: 1f1b, stepCompute: 10ms}'],
  // Data parallelism over 4 H100 servers with the two-level all-reduces (issue 14).
  [H100, 'job: {params: 1e9, dp: 32, stepCompute: 10ms, algorithm: hierarchical, buckets: 2}'],
  [H100, 'job: {params: 1e9, dp: 32, stepCompute: 10ms, algorithm: nvls-tree, buckets: 2}'],
  // MoE all-to-alls as NCCL runs them: tp 2 puts 4 ranks of each EP group on a server, so moeAlgorithm auto is pxn
  // (0.1% apart when measured). Few params: with 1e9 the tp-2 DP rings, which leave their rail, took 4% longer in
  // the flow engine (17.88 ms against 17.19), a gap of the gradient rings, not of the all-to-all.
  [RAILS, 'job: {params: 1e6, dp: 16, tp: 2, ep: 8, stepCompute: 10ms, moeBytesPerLayer: 16MiB, layers: 2}'],
];

describe('engines agree on a non-blocking fabric without ECMP choices', () => {
  for (const { fabric, item, name } of named(COLLECTIVES))
    it(`flow within 2 percent of analytic: ${name}`, () => {
      const yaml = scenarioYaml(fabric, item);
      expectAgree(opTimes('analytic', yaml), opTimes('flow', yaml), 0.02, item);
    });
  for (const { fabric, item, name } of named(PROTOCOLS_FORCED))
    it(`flow within 2 percent of analytic, protocol forced: ${name}`, () => {
      const yaml = scenarioYaml(fabric, item);
      expectAgree(opTimes('analytic', yaml), opTimes('flow', yaml), 0.02, item);
    });
  for (const { fabric, item, name } of named(JOBS))
    it(`flow within 2 percent of analytic, per iteration: ${name}`, () => {
      const yaml = scenarioYaml(fabric, item);
      expectAgree(iterTimes('analytic', yaml), iterTimes('flow', yaml), 0.02, item);
    });
  for (const { fabric, item, name } of named([
    [ONE_LEAF, 'collective: all-reduce, bytes: 64MiB, ranks: 6'],
    [ONE_LEAF, 'collective: all-to-all, algorithm: pairwise, bytes: 64MiB, ranks: 4'],
    // Two-level all-reduces on H100 servers: 0.9%, 0.8% and 0% apart when measured (issue 14).
    [H100, 'collective: all-reduce, algorithm: nvls, bytes: 64MiB, ranks: 24, chunk: 2MiB'],
    [H100, 'collective: all-reduce, algorithm: hierarchical, bytes: 64MiB'],
    [H100, 'collective: all-reduce, algorithm: nvls, bytes: 64MiB, ranks: 8'],
    // With NCCL's credit window on the trees' connections (nvls-tree.ts windowDeps): 1.024 (1.19 without).
    [RAILS, 'collective: all-reduce, algorithm: double-binary-tree, bytes: 64MiB, protocol: none, chunk: 64KiB'],
  ]))
    it(`packet within 5 percent of analytic at 64 MiB: ${name}`, () => {
      const yaml = scenarioYaml(fabric, item);
      expectAgree(opTimes('analytic', yaml), opTimes('packet', yaml), 0.05, item);
    });
});

// Issue 14's options on the packet engine at 64 MiB (the contract's 5%): every rail by default (channels auto,
// protocol auto: LL128 here), channels, each GPU profile with servers of it alone and across servers (GB200: inside
// one NVL72 domain of 18 trays and across two), NVLS, non-powers of two, and NCCL's LL and LL128 forced. Measured
// packet/analytic, in order: 1.002, 1.019, 1.021, 1.000, 1.002, 1.000, 1.001, 1.008, 1.020, 1.020 (LL and LL128
// carry an ACK per data packet on the same links; the LL case keeps to 4 ranks on one leaf: on the 4 x 8 rails its
// doubled wire bytes took 26 s of CPU, at 1.021).
describe('issue 14 options on the packet engine: within 5 percent of analytic at 64 MiB', () => {
  for (const { fabric, item, name } of named([
    [RAILS, 'collective: all-reduce, bytes: 64MiB'],
    [gpuRails('h200'), 'collective: all-reduce, bytes: 64MiB, channels: 4'],
    [gpuRails('b200'), 'collective: all-reduce, bytes: 64MiB, ranks: 24'],
    [H100, 'collective: all-reduce, bytes: 64MiB, ranks: 8'],
    [GB200, 'collective: all-reduce, bytes: 64MiB'],
    [GB200, 'collective: all-reduce, bytes: 64MiB, ranks: 72'],
    [GB200, 'collective: all-reduce, algorithm: nvls, bytes: 64MiB, chunk: 512KiB'],
    [gpuRails('b200'), 'collective: all-reduce, algorithm: nvls, bytes: 64MiB, ranks: 24, chunk: 512KiB'],
    [ONE_LEAF, 'collective: all-reduce, algorithm: ring, bytes: 64MiB, ranks: 6, protocol: LL128'],
    [ONE_LEAF, 'collective: all-reduce, algorithm: ring, bytes: 64MiB, ranks: 4, protocol: LL'],
  ]))
    it(`packet within 5 percent of analytic: ${name}`, () => {
      const yaml = scenarioYaml(fabric, item);
      expectAgree(opTimes('analytic', yaml), opTimes('packet', yaml), 0.05, item);
    });
});

describe('nvls-tree across 3 and 4 H100 servers, 64 KiB chunks: packet within 5 percent of analytic from 64 MiB', () => {
  // The trees' connections have NCCL's credit window (nvls-tree.ts windowDeps, NCCL_STEPS 8). Without it a tree
  // leaf, which waits for nothing, ran ahead and crowded its parent's NIC downlink with chunks the parent could not
  // use yet, delaying the ones it could: packet/analytic 1.073 (64 MiB) and 1.289 (256 MiB) on 4 servers, outside
  // the contract's 5%. The fluid engines give each stream its fair share at once and were unchanged by the window.
  // Measured now (analytic us / packet us): 4 servers 360.9 / 376.4 (1.043) at 64 MiB, 1387.7 / 1424.3 (1.026) at
  // 256 MiB; 3 servers 290.5 / 289.9 (0.998) and 1093.4 / 1092.8 (0.999). What remains on 4 servers is about 2%
  // of ACKs (ackEvery 1) on NIC links that carry chunks both ways, and the NICs' round robin.
  it.each([
    ['64MiB', 32],
    ['64MiB', 24],
    ['256MiB', 32],
    ['256MiB', 24],
  ])('%s on %i GPUs', (bytes, ranks) => {
    const yaml = scenarioYaml(
      H100,
      `collective: all-reduce, algorithm: nvls-tree, bytes: ${bytes}, ranks: ${ranks}, chunk: 64KiB`,
    );
    expectAgree(opTimes('analytic', yaml), opTimes('packet', yaml), 0.05, `${bytes} on ${ranks}`);
  });
  // Below 64 MiB the contract asks nothing: 32 MiB on 4 servers is 1.060 (189.8 / 201.2 us), a bound of 10% here.
  it('32 MiB on 32 GPUs: within 10 percent', () => {
    const yaml = scenarioYaml(H100, 'collective: all-reduce, algorithm: nvls-tree, bytes: 32MiB, chunk: 64KiB');
    expectAgree(opTimes('analytic', yaml), opTimes('packet', yaml), 0.1, '32 MiB');
  });
});

describe('double binary trees with one chunk, or inside one server: the exact forms (analytic/collectives.ts)', () => {
  // One chunk per tree: nothing else is in flight, so the time is the chunk's own trip: up from the deepest leaf
  // and down again, each hop at its parent's fan (2 children share its NIC: 2 chunk times; the root's one child:
  // 1), an edge inside a server one copy. 8 ranks on one leaf: 2 + 2 + 1 up and as many down, 10 chunk times,
  // which the flow engine gives to the picosecond. Inside one server every edge is a copy, a delay that shares
  // nothing: each edge sends its k chunks back to back, the last leaves the deepest leaf after k - 1 copies and
  // crosses 2d edges: (k + 2d - 1) copies (engine.ts treeS). The analytic engine runs the first through its tree
  // pipeline (tree-pipeline.ts; with 1 to 8 chunks on 2 to 64 ranks: contract-trees.test.ts), the second in closed
  // form. Measured before: flow/analytic 0.70-0.74 (two to four servers) and 1.17-1.25 (one leaf) with one chunk,
  // 1.36-2.9 in one server, 0.90 for the uneven 6-rank tree; the tolerance is 1%, for the hops' latency.
  const exact = (fabric: string, ranks: number, chunk: string) => ({
    item: `collective: all-reduce, algorithm: double-binary-tree, bytes: 64MiB, ranks: ${ranks}, protocol: none, chunk: ${chunk}`,
    fabric,
    name: `${ranks} ranks, ${chunk} chunks (${FABRIC_NAMES[fabric]})`,
  });
  for (const { fabric, item, name } of [
    exact(ONE_LEAF, 8, '32MiB'),
    exact(ONE_LEAF, 16, '32MiB'),
    exact(ONE_LEAF, 6, '32MiB'),
    exact(RAILS, 16, '32MiB'),
    exact(RAILS, 32, '32MiB'),
    exact(SERVERS_ONE_LEAF, 12, '32MiB'),
    exact(RAILS, 8, '32MiB'),
    exact(RAILS, 8, '16MiB'),
    exact(RAILS, 8, '4MiB'),
    exact(RAILS, 8, '512KiB'),
  ])
    it(`flow = analytic within 1%: ${name}`, () => {
      const yaml = scenarioYaml(fabric, item);
      expectAgree(opTimes('analytic', yaml), opTimes('flow', yaml), 0.01, item);
    });
});

/** 32 hosts on two leaves (16 each, 16 uplinks each): flows between the leaves take ECMP-hashed uplinks. */
const TWO_LEAVES = 'fabric: {topology: leaf-spine, hosts: 32, nic: 400G, switch: aurcore-32x400g}';

describe('where ECMP collides, the flow engine keeps to the analytic bound times the collision (docs/simulate.md)', () => {
  // The analytic engine assumes perfectly balanced ECMP (its hose bound); the flow engine hashes each flow onto
  // one uplink, and k flows on one uplink each get 1/k of it. So flow >= analytic, and flow <= k x analytic with
  // k the most flows (equal bytes) that one link carried.
  const collision = (r: ReturnType<typeof runScenario>['result'], bytesPerFlow: number) =>
    Math.max(...(r.links ?? []).map((l) => Math.round(l.bytes / bytesPerFlow)));
  it.each([
    ['permutation', 'pattern: permutation, bytes: 16MiB'],
    ['all-to-all', 'pattern: all-to-all, bytes: 1MiB'],
    [
      'flow list across leaves',
      'flows: [{src: h0, dst: h16, bytes: 16MiB}, {src: h1, dst: h17, bytes: 16MiB}, {src: h2, dst: h18, bytes: 16MiB}, {src: h3, dst: h19, bytes: 16MiB}]',
    ],
  ])('%s: every flow between the bound and k x the bound', (_, item) => {
    const yaml = scenarioYaml(TWO_LEAVES, item);
    const a = runScenario('analytic', yaml).result;
    const f = runScenario('flow', yaml).result;
    const k = collision(f, f.flows[0].bytes);
    expect(k).toBeGreaterThanOrEqual(1);
    expect(f.flows.length).toBe(a.flows.length);
    for (let i = 0; i < f.flows.length; i++) {
      const what = `flow ${i}: analytic ${a.flows[i].fctPs} ps, flow ${f.flows[i].fctPs} ps, k ${k}`;
      expect(f.flows[i].fctPs, what).toBeGreaterThanOrEqual(a.flows[i].fctPs * 0.999);
      expect(f.flows[i].fctPs, what).toBeLessThanOrEqual(a.flows[i].fctPs * k * 1.001);
    }
  });
  it('ring all-reduce across the leaves: between the bound and k x the bound', () => {
    const S = 64 * 2 ** 20;
    const yaml = scenarioYaml(TWO_LEAVES, 'collective: all-reduce, bytes: 64MiB, placement: random, channels: 2');
    const a = runScenario('analytic', yaml).result.ops?.[0];
    const f = runScenario('flow', yaml).result;
    const o = f.ops?.[0];
    if (!a || !o) throw new Error('no ops');
    // Every ring edge carries 2 (p-1)/p x S / channels.
    const k = collision(f, ((2 * 31) / 32) * (S / 2));
    expect(o.timePs).toBeGreaterThanOrEqual(a.timePs * 0.999);
    expect(o.timePs, `analytic ${a.timePs} ps, flow ${o.timePs} ps, k ${k}`).toBeLessThanOrEqual(a.timePs * k * 1.01);
  });
});

// In-network reduction (workload/training/sharp.ts) on switches whose catalog model has inNetworkReduction: the
// example catalog's NVIDIA Quantum-2 (catalog/examples/quantum-2.yaml). Every directed link of the aggregation tree
// carries one task, so nothing shares a link and the closed form (analytic/sharp.ts) is exact on equal links.
describe('sharp: in-network all-reduce on SHARP switches (analytic vs flow; the closed form; the errors)', () => {
  const QUANTUM_2 = [new URL('../../catalog/examples/quantum-2.yaml', import.meta.url).pathname];
  const LEAF = 'fabric: {topology: leaf-spine, hosts: 16, nic: 400G, switch: nvidia-qm9700}';
  const TWO_TIER =
    'fabric: {topology: leaf-spine, hosts: 64, nic: 400G, switch: nvidia-qm9700, spineSwitch: nvidia-qm9700, oversubscription: 1}';
  const RAILS_Q2 = 'fabric: {topology: rail-optimized, hosts: 32, nic: 400G, switch: nvidia-qm9700, gpusPerNode: 8}';
  const item = (bytes: string) => `collective: all-reduce, algorithm: sharp, bytes: ${bytes}`;
  const run = (engine: EngineKind, fabric: string, bytes: string) =>
    runScenario(engine, scenarioYaml(fabric, item(bytes)), QUANTUM_2).result;
  for (const [name, fabric] of [
    ['one leaf of 16', LEAF],
    ['64 hosts on 4 leaves and spines', TWO_TIER],
    ['4 servers x 8 GPUs, rail-optimized', RAILS_Q2],
  ] as const)
    for (const bytes of ['1MiB', '64MiB'])
      it(`${name}, ${bytes}: analytic and flow within 2%`, () => {
        const a = (run('analytic', fabric, bytes).ops ?? []).map((o) => o.timePs);
        const f = (run('flow', fabric, bytes).ops ?? []).map((o) => o.timePs);
        expectAgree(a, f, 0.02, `sharp ${name} ${bytes}`);
      });
  it("one leaf, 64 MiB: (C + 1) chunk times + 2 hops + CollNet's 30 us; each NIC carries S up and S down", () => {
    const r = run('flow', LEAF, '64MiB');
    // 128 chunks of 512 KiB (NCCL's Simple step, TREE_CHUNK_BYTES); a chunk's time at the 400G payload rate with
    // 4,096 B frames of 4,096 + 84 B on the wire; a hop: one frame, propagation (2.5 m, 5 ns/m), the far switch's
    // 330 ns when it is the leaf; tuning.cc's hwLat[NET][CollNetChain][Simple] 30 us once.
    const C = (64 * 2 ** 20) / TREE_CHUNK_BYTES;
    const frame = 4096 + 84;
    const tauPs = ((TREE_CHUNK_BYTES * frame) / 4096 / 50e9) * 1e12;
    const hopPs = ((frame * 8) / 400e9) * 1e12 + 2.5 * 5000;
    const want = (C + 1) * tauPs + 2 * hopPs + 330e3 + 30e6;
    expect(Math.abs((r.ops?.[0].timePs ?? 0) / want - 1)).toBeLessThan(0.001);
    const hostLinks = (r.links ?? []).filter((l) => l.tiers === 'host-leaf');
    expect(hostLinks.length).toBe(32);
    for (const l of hostLinks) expect(l.bytes).toBe(64 * 2 ** 20);
  });
  it('switches without inNetworkReduction: an error naming the switch and the fix', () => {
    expect(() => runScenario('flow', scenarioYaml(ONE_LEAF, item('1MiB')))).toThrow(
      /sharp needs switches that reduce in the network.*leaf\d+ is aurcore-32x400g.*inNetworkReduction|inNetworkReduction.*aurcore-32x400g/,
    );
  });
  // The packet engine's reduction elements (packet/reduce.ts) stream: a packet moves up once its peers from every
  // child arrived, where the closed form's pipeline counts one 512 KiB chunk per tree edge; and every data packet
  // there is answered by an ACK (ackEvery 1) on the same links, 86 of every 4,264 bytes on the wire (2.0%). The
  // two differences partly cancel, well inside the contract's 5%.
  const LEAF_8 = 'fabric: {topology: leaf-spine, hosts: 8, nic: 400G, switch: nvidia-qm9700}';
  const TWO_TIER_8 =
    'fabric: {topology: leaf-spine, hosts: 8, hostsPerLeaf: 4, nic: 400G, switch: nvidia-qm9700, spineSwitch: nvidia-qm9700, oversubscription: 1}';
  const S = 64 * 2 ** 20;
  const P = S / 4096;
  // Wire bytes of a 4,096 B data frame (62 B of headers, 20 B preamble and gap) and of its ACK (4 B AETH).
  const DATA_WIRE = 4096 + 62 + 20;
  const ACK_WIRE = 4 + 62 + 20;
  for (const [name, fabric, tiers] of [
    ['one leaf of 8', LEAF_8, 1],
    ['8 hosts on 2 leaves and spines', TWO_TIER_8, 2],
  ] as const)
    it(`${name}, 64 MiB: packet within 5% of analytic; each host link carries S up and S down; no drop`, () => {
      const a = run('analytic', fabric, '64MiB');
      const p = run('packet', fabric, '64MiB');
      expectAgree(
        (a.ops ?? []).map((o) => o.timePs),
        (p.ops ?? []).map((o) => o.timePs),
        0.05,
        `sharp packet ${name}`,
      );
      // Streaming at the host links' rate with an ACK per packet, after CollNet's 30 us (tuning.cc): the first
      // packet's trip up and the last one's down add per tree edge a frame, propagation and the switch's 330 ns
      // twice (arrival, and the reduction's time at the switch it leaves): under 1.5 us per edge each way.
      const want = 30e6 + (P * (DATA_WIRE + ACK_WIRE) * 8e12) / 400e9;
      const got = p.ops?.[0].timePs ?? 0;
      expect(got - want, `packet ${got} ps, streaming bound ${want} ps`).toBeGreaterThan(0);
      expect(got - want).toBeLessThan(2 * tiers * 1.5e6);
      // Each rank's NIC sends its buffer up once and receives the result once: per directed host link S of data
      // and the ACKs of S the other way, nothing resent.
      const hostLinks = (p.links ?? []).filter((l) => l.tiers === 'host-leaf');
      expect(hostLinks.length).toBe(16);
      for (const l of hostLinks) expect(l.bytes).toBe(P * (DATA_WIRE + ACK_WIRE));
      expect(p.counters.retransmittedBytes).toBe(0);
      expect(p.counters.bufferDrops + p.counters.lossDrops + p.counters.failureDrops).toBe(0);
      expect(p.counters.deliveredBytes).toBe(S * 8 * 2 + (tiers === 2 ? S * 2 * 2 : 0));
      for (const inv of p.invariants) expect(inv.ok, `${inv.name}: ${inv.detail}`).toBe(true);
    });
  // The element's QPs are RoCE traffic like any: beside a 3:1 incast into one rank's leaf port (24 MB), DCQCN marks
  // and CNPs act and PFC keeps it lossless. At that port the element takes turns with the queue of forwarded packets
  // (port.ts elementTurn: one sender beside the switch's queue, as a host NIC is beside its ACKs), where the flow
  // engine gives it one share of four (max-min per flow): the packet op ends after the element's half of the port
  // (its bound while DCQCN leaves it the line rate) and well before the flow engine's time (5% of it, the contract's
  // tolerance: an element that yielded to the queue ended with the port's whole load, the flow time).
  it('beside a 3:1 incast into a rank (two tiers): ECN and CNPs act, nothing dropped, its turns at the port', () => {
    const y = `${scenarioYaml(TWO_TIER_8, item('8MiB'), 'pattern: incast, senders: [h4, h5, h6], receiver: h0, bytes: 8MB')}`;
    const p = runScenario('packet', y, QUANTUM_2).result;
    const f = runScenario('flow', y, QUANTUM_2).result;
    const half = 30e6 + ((8 * 2 ** 20) / 4096) * (2 * DATA_WIRE + ACK_WIRE) * (8e12 / 400e9);
    const got = p.ops?.[0].timePs ?? 0;
    const flow = f.ops?.[0].timePs ?? 0;
    expect(got, `packet ${got} ps, half the port ${half} ps`).toBeGreaterThan(half);
    expect(got, `packet ${got} ps, flow ${flow} ps`).toBeLessThan(0.95 * flow);
    expect(p.counters.ecnMarks).toBeGreaterThan(0);
    expect(p.counters.cnps).toBeGreaterThan(0);
    expect(p.counters.bufferDrops + p.counters.lossDrops + p.counters.failureDrops).toBe(0);
    for (const inv of p.invariants) expect(inv.ok, `${inv.name}: ${inv.detail}`).toBe(true);
  });
  // In a job, an element QP also waits for the previous all-reduce's last tasks on its switch (the builder's
  // rank-local rule, a switch being an end): the element sends what it reduced only once the driver allows it.
  it('a data-parallel job: every iteration ends, each all-reduce no faster than streaming allows', () => {
    const y = scenarioYaml(
      TWO_TIER_8,
      'job: {params: 2e6, dp: 8, stepCompute: 100us, iterations: 3, algorithm: sharp, protocol: Simple}',
    );
    const { result: p, program } = runScenario('packet', y, QUANTUM_2);
    expect(p.iterations?.length).toBe(3);
    for (const inv of p.invariants) expect(inv.ok, `${inv.name}: ${inv.detail}`).toBe(true);
    const sharpOps = program.ops.filter((o) => o.algorithm === 'sharp');
    expect(sharpOps.length).toBeGreaterThan(0);
    for (const o of sharpOps) {
      const pk = Math.ceil(o.bytes / 4096);
      const floor = 30e6 + (pk * (DATA_WIRE + ACK_WIRE) * 8e12) / 400e9;
      expect(p.ops?.[o.id].timePs ?? 0).toBeGreaterThan(floor);
    }
  });
  // A tree link down for 40 us (the tree does not move, as in the flow engine): what was on it or sent into it is
  // lost and each edge's go-back-N QP resends it from what its element reduced, so the op still ends, later.
  it('a tree link fails for 40 us: packets lost and resent, every task done, later than without', () => {
    const failing = `${TWO_TIER_8}\nnetwork: {failures: [{link: leaf0-spine0, at: 20us, until: 60us}]}`;
    const p = runScenario('packet', scenarioYaml(failing, item('4MiB')), QUANTUM_2).result;
    const clean = runScenario('packet', scenarioYaml(TWO_TIER_8, item('4MiB')), QUANTUM_2).result;
    expect(p.counters.failureDrops).toBeGreaterThan(0);
    expect(p.counters.retransmittedBytes).toBeGreaterThan(0);
    expect(p.counters.qpErrors).toBe(0);
    for (const inv of p.invariants) expect(inv.ok, `${inv.name}: ${inv.detail}`).toBe(true);
    expect(p.ops?.[0].timePs ?? 0).toBeGreaterThan(clean.ops?.[0].timePs ?? 0);
  });
  it('the packet engine refuses HPCC with it, naming the field and the fix', () => {
    expect(() =>
      runScenario('packet', scenarioYaml(`${LEAF_8}\nnetwork: {cc: hpcc}`, item('64KiB')), QUANTUM_2),
    ).toThrow(/network.cc.*set network.cc to dcqcn or none/);
  });
});

// NCCL's all-to-all with PXN (workload/training/collectives.ts pxn; analytic engine.ts pxnOnServersS): every send
// at once, a block for another server copied first to the local GPU on its destination's rail. Each NIC carries
// W = (p - g)/p S each way, its own (N - 1) S/p from time 0 and the relayed rest after one copy, so the closed
// form is alpha + max(W, copy x B + W - (N - 1) S/p) / B: work-conserving NICs at equal shares, rail-local paths.
// Measured flow/analytic 1.0000 on every case below (1 and 64 MiB), packet/analytic 1.020 at 64 MiB; tolerances
// are the contract's (2%, 5%). MPICH's pairwise and Bruck agree on one leaf too (analytic/schedule-fluid.ts runs
// their drifting steps on the NICs, contract-alltoall.test.ts); on rails their flows between rails cross the
// spines and meet ECMP collisions the hose model does not see (flow/analytic 1.00-1.42, docs/simulate.md).
describe('all-to-all pxn (NCCL with PXN) on servers of several GPUs: analytic, flow and packet agree', () => {
  const pxnCases = named([
    [SERVERS_ONE_LEAF, 'collective: all-to-all, algorithm: pxn, bytes: 64MiB, ranks: 8'],
    [SERVERS_ONE_LEAF, 'collective: all-to-all, algorithm: pxn, bytes: 1MiB, ranks: 32'],
    [SERVERS_ONE_LEAF, 'collective: all-to-all, algorithm: pxn, bytes: 64MiB, ranks: 32'],
    [RAILS, 'collective: all-to-all, algorithm: pxn, bytes: 64MiB, ranks: 16'],
    [RAILS, 'collective: all-to-all, algorithm: pxn, bytes: 1MiB, ranks: 32'],
    [RAILS, 'collective: all-to-all, algorithm: pxn, bytes: 64MiB, ranks: 8'],
    [H100, 'collective: all-to-all, algorithm: pxn, bytes: 64MiB, ranks: 32'],
    [ONE_LEAF, 'collective: all-to-all, algorithm: pxn, bytes: 64MiB, ranks: 8'],
  ]);
  for (const { fabric, item, name } of pxnCases)
    it(`analytic vs flow within 2%: ${name}`, () => {
      const yaml = scenarioYaml(fabric, item);
      expectAgree(opTimes('analytic', yaml), opTimes('flow', yaml), 0.02, item);
    });
  for (const { fabric, item, name } of pxnCases.filter(
    (c) => c.item.includes('64MiB') && !c.item.includes('ranks: 32'),
  ))
    it(`analytic vs packet within 5% at 64 MiB: ${name}`, () => {
      const yaml = scenarioYaml(fabric, item);
      expectAgree(opTimes('analytic', yaml), opTimes('packet', yaml), 0.05, item);
    });
  it('on rails nothing crosses a spine (PXN keeps every fabric hop on its rail leaf); pairwise does', () => {
    const spine = (algorithm: string) => {
      const yaml = scenarioYaml(RAILS, `collective: all-to-all, algorithm: ${algorithm}, bytes: 1MiB`);
      return (runScenario('flow', yaml).result.links ?? []).filter((l) => l.tiers === 'leaf-spine' && l.bytes > 0);
    };
    expect(spine('pxn')).toEqual([]);
    expect(spine('pairwise').length).toBeGreaterThan(0);
  });
});
