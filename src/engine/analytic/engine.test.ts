// The analytic engine end to end: scenarios in, ops and iterations out, against COLL-01, COLL-02 and TRAIN-01.
import { describe, expect, it } from 'vitest';
import { COLL02_ALGORITHMS, expectClose, validationCase } from '../../../test/helpers/cases.ts';
import { runYaml } from '../../../test/helpers/simulate.ts';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import type { LinkId, NodeId } from '../../fabric/types.ts';
import { parseScenario } from '../../scenario/load.ts';
import { compileTraffic } from '../../workload/compile.ts';
import { opIndex, type ProgramOp } from '../../workload/program.ts';
import { resolveNetwork } from '../core/network.ts';
import { collectiveTimeAloneS, type OpCost, opTimeS, runAnalytic } from './engine.ts';

/** One server of `gpus` GPUs whose intra domain runs at `gbps` (GB/s per direction) with no latency. */
const server = (gpus: number, gbps: number, traffic: string) => `
fabric: {topology: leaf-spine, hosts: ${gpus}, nic: 400G, switch: aurcore-32x400g, gpusPerNode: ${gpus},
         intraServer: {bandwidth: ${gbps * 8}G, latency: 0}}
traffic: [${traffic}]
`;

/** A scenario compiled and run on the analytic engine, with the network it resolved. */
function analyticRun(yaml: string) {
  const catalog = loadCatalog();
  const s = parseScenario(yaml, catalog);
  const { fabric } = designFabric(s.fabric, catalog);
  const program = compileTraffic(s, fabric);
  const r = runAnalytic(fabric, program, s, catalog, { seed: s.seed });
  return { fabric, program, r, net: resolveNetwork(s.network, fabric, catalog) };
}

// COLL-01 and TRAIN-01 are bandwidth terms ("ideal time"): ring, no protocol (protocol: none).
describe('COLL-01 by the analytic engine: nccl-tests algbw and busbw', () => {
  const e = validationCase('COLL-01').expect as {
    conversions_4GiB: Record<string, number>;
    ideal_8GiB_n8_B450GBps_ms: number;
  };
  it('8 ranks at 740.64 GB/s bus bandwidth: 4 GiB all-reduce time, and busbw = algbw x 2(n-1)/n', () => {
    const r = runYaml(
      server(8, 740.64, '{collective: all-reduce, algorithm: ring, protocol: none, bytes: 4GiB}'),
      'analytic',
    );
    const op = r.ops?.[0];
    if (!op) throw new Error('no op');
    expectClose(op.timePs / 1e9, e.conversions_4GiB['n8_busbw740.64_time_ms'], 1e-6);
    expectClose(op.busbwGBps / op.algbwGBps, 1.75, 1e-12);
    expectClose(op.busbwGBps, (740.64 * (2 ** 32 / 1e9)) / (2 ** 32 / 1e9), 1e-9);
  });
  it('8 GiB over 8 ranks at 450 GB/s', () => {
    const r = runYaml(
      server(8, 450, '{collective: all-reduce, algorithm: ring, protocol: none, bytes: 8GiB}'),
      'analytic',
    );
    expectClose((r.ops?.[0].timePs ?? 0) / 1e9, e.ideal_8GiB_n8_B450GBps_ms, 1e-6);
  });
});

describe('COLL-02 by the analytic engine: every algorithm the case lists, through the engine dispatch', () => {
  const c = validationCase('COLL-02');
  const s = c.setup as {
    p: number;
    n_bytes: number;
    alpha_s: number;
    beta_s_per_byte: number;
    gamma_s_per_byte: number;
  };
  const want = (c.expect as { time_ms: Record<string, number> }).time_ms;
  const MAP = COLL02_ALGORITHMS;
  const cost: OpCost = {
    alphaS: s.alpha_s,
    betaSPerByte: s.beta_s_per_byte,
    gammaSPerByte: s.gamma_s_per_byte,
    intraAlphaS: 0,
    intraBetaSPerByte: 0,
    servers: s.p,
    gpusPerServer: 1,
    netBetaSPerByte: s.beta_s_per_byte,
    channels: 1,
  };
  for (const [name, [op, algorithm]] of Object.entries(MAP))
    it(`${name}: ${want[name]} ms`, () => {
      const o: ProgramOp = {
        id: 0,
        kind: 'collective',
        op,
        algorithm,
        ranks: Array.from({ length: s.p }, (_, i) => i as NodeId),
        // MPICH's pairwise all-to-all comment: "n is the total amount of data a process needs to send to all
        // other processes"; an op's bytes are a rank's whole buffer, its own block included (nccl-tests' size).
        bytes: name === 'alltoall_pairwise' ? (s.n_bytes * s.p) / (s.p - 1) : s.n_bytes,
        durationPs: 0,
        deps: [],
        firstTask: 0,
        lastTask: 0,
        item: 0,
        iteration: -1,
        label: name,
      };
      const rel = c.tolerance.value ?? 1e-9;
      const got = opTimeS(o, cost) * 1e3;
      expect(Math.abs(got - want[name]) / want[name], `got ${got} ms`).toBeLessThanOrEqual(rel);
    });
});

describe('TRAIN-01 by the analytic engine: a data-parallel ResNet-50 iteration (fp32, one fused bucket)', () => {
  const c = validationCase('TRAIN-01');
  const setup = c.setup as { params: number; bytes_per_grad: number };
  const e = c.expect as { gradient_bytes: number; allreduce_ms: Record<string, number> };
  // channels: 1 where the case's 47 GB/s is one NIC per server's worth (the inter-server hop bounds the ring).
  const job = (dp: number, channels: number | 'auto' = 'auto') =>
    `{job: {params: ${setup.params}, bytesPerGrad: ${setup.bytes_per_grad}, dp: ${dp}, stepCompute: 50ms, buckets: 1, algorithm: ring, protocol: none, channels: ${channels}}}`;
  const exposedMs = (yaml: string) => {
    const r = runYaml(yaml, 'analytic');
    const it0 = r.iterations?.[0];
    if (!it0) throw new Error('no iteration');
    const grad = r.ops?.find((o) => o.op === 'all-reduce');
    expect(grad?.bytes).toBe(e.gradient_bytes);
    // T_iter = T_compute + max(0, T_allreduce - T_overlap), no overlap with one bucket after the backward pass.
    expect(it0.timePs).toBe(it0.computePs + (grad?.timePs ?? Number.NaN));
    return it0.exposedCommPs / 1e9;
  };
  it('8 GPUs at 450 and 365.6 GB/s bus bandwidth (one server)', () => {
    expectClose(exposedMs(server(8, 450, job(8))), e.allreduce_ms['8gpu_busbw450'], c.tolerance.value ?? 1e-4);
    expectClose(exposedMs(server(8, 365.6, job(8))), e.allreduce_ms['8gpu_busbw365.6'], c.tolerance.value ?? 1e-4);
  });
  it('64 GPUs on 8 servers whose 400G NICs carry 47 GB/s of payload: the inter-server hop bounds the ring', () => {
    // mtu 4700 + 300 B of headers and wire overhead: 400 Gb/s x 4700/5000 = 47 GB/s of payload. The ring's
    // per-step latency hides behind the pipeline (bandwidth term only, as the case says).
    const yaml = `
fabric: {topology: leaf-spine, hosts: 64, nic: 400G, switch: aurcore-32x400g, gpusPerNode: 8,
         intraServer: {bandwidth: 3600G, latency: 0}}
network: {mtu: 4700, headerBytes: 280, wireOverheadBytes: 20, switchLatency: 0, linkDelay: 0}
traffic: [${job(64, 1)}]
`;
    expectClose(exposedMs(yaml), e.allreduce_ms['64gpu_8nodes_busbw47'], c.tolerance.value ?? 1e-4);
  });
});

describe("the analytic engine charges NCCL's latency from the shared model (NCCL 2.20.3 tuning.cc, by hand)", () => {
  // t(S) with protocol Simple minus t(S) with protocol none is NCCL's latency term plus what the protocol's
  // efficiency adds, k S: two sizes give the latency by extrapolation to S = 0. A tree keeps its chunk count (16
  // per tree): its pipeline fill, d - 2 chunks at the protocol's efficiency too, is then a fixed share of S.
  const latencyUs = (servers: number, algorithm: string) => {
    const t = (bytes: number, protocol: string) => {
      const chunk = algorithm === 'double-binary-tree' ? `, chunk: ${bytes / 32}` : '';
      const r = runYaml(
        `fabric: {topology: leaf-spine, hosts: ${8 * servers}, nic: 400G, switch: aurcore-32x400g, gpusPerNode: 8}
traffic: [{collective: all-reduce, algorithm: ${algorithm}, bytes: ${bytes}, protocol: ${protocol}${chunk}}]`,
        'analytic',
      );
      return (r.ops?.[0].timePs ?? Number.NaN) / 1e6;
    };
    const d = (bytes: number) => t(bytes, 'Simple') - t(bytes, 'none');
    const [s1, s2] = [2 ** 20, 2 ** 24];
    return (s2 * d(s1) - s1 * d(s2)) / (s2 - s1);
  };
  it('ring on 1 node of 8 GPUs: 8.4 + 14 x 3.4 us; on 16 nodes: (8.4 + 222 x 3.4 + 32 x 14) x 1.4 (plateau)', () => {
    expect(latencyUs(1, 'ring')).toBeCloseTo(8.4 + 14 * 3.4, 4);
    expect(latencyUs(16, 'ring')).toBeCloseTo((8.4 + 222 * 3.4 + 32 * 14) * 1.4, 4);
  });
  it('tree on 16 nodes of 8: 2 (7 x 28 + 4 x 28) us', () => {
    // Within 0.5 us: the tree's time is its pipeline run (tree-pipeline.ts), whose critical path crosses NVLink
    // copies that each carry a fixed latency; which path is critical can change with S, so the extrapolation to
    // S = 0 is off by a share of those latencies.
    expect(latencyUs(16, 'double-binary-tree')).toBeCloseTo(2 * (7 * 28 + 4 * 28), 0);
  });
  it('latencyModel is gone with an error that names protocol', () => {
    expect(() =>
      runYaml(
        `fabric: {topology: leaf-spine, hosts: 16, nic: 400G, switch: aurcore-32x400g}
traffic: [{collective: all-reduce, bytes: 1MiB, latencyModel: nccl}]`,
        'analytic',
      ),
    ).toThrow(/latencyModel[\s\S]*removed[\s\S]*protocol/);
  });
});

describe('the analytic engine reuses costs by op shape and placement without changing them', () => {
  // Jobs and collectives on a k=8 fat-tree (4 GPUs a server, a server a leaf, 4 leaves a pod): gradient buckets
  // of several sizes over one ring (one placement), a hierarchical all-reduce, a double binary tree under NCCL's
  // latency model, and expert-parallel groups of 6 GPUs placed in order, whose servers are alike up to a renaming
  // (h0-h5, h12-h17: 4 GPUs on one server, 2 on the next) but that lie in one pod or in two (negative control for
  // placements keyed without leaves). The first job's MoE all-to-alls are pxn (moeAlgorithm auto: 2 ranks of a group
  // a server), the second job's are forced to pairwise, whose time depends on where the groups lie.
  const yaml = `
fabric: {topology: fat-tree, hosts: 128, nic: 400G, switch: aurcore-32x400g, k: 8, gpusPerNode: 4}
traffic:
  - job: {params: 1e9, bytesPerGrad: 2, tp: 2, dp: 64, ep: 4, layers: 2, moeBytesPerLayer: 8MiB, stepCompute: 10ms,
          buckets: 2, iterations: 2}
  - job: {params: 1e8, bytesPerGrad: 2, dp: 32, stepCompute: 5ms, buckets: 2, algorithm: hierarchical}
  - job: {params: 1e8, bytesPerGrad: 2, dp: 16, stepCompute: 5ms, buckets: 1, algorithm: rabenseifner}
  - {collective: all-reduce, algorithm: double-binary-tree, bytes: 64MiB, protocol: Simple}
  - {collective: all-gather, algorithm: ring, bytes: 16MiB, ranks: 12}
  - job: {params: 1e8, bytesPerGrad: 2, dp: 48, ep: 6, layers: 1, moeBytesPerLayer: 4MiB, stepCompute: 5ms, buckets: 3,
          moeAlgorithm: pairwise}
    placement: sequential
`;
  it('every collective takes the time opCost and opTimeS give its own ranks and schedule (no cache)', () => {
    const { fabric, program, r, net } = analyticRun(yaml);
    const collectives = program.ops.filter((op) => op.kind === 'collective');
    const idx = opIndex(program);
    const leaves = (op: ProgramOp) =>
      op.ranks.map((h) => fabric.peer(fabric.adjLinks[fabric.adjStart[h]] as LinkId, h)).join();
    const placements = new Set(Array.from(idx.shapeOp, (o) => `${program.ops[o].algorithm} ${leaves(program.ops[o])}`));
    // The caches are exercised: fewer shapes than collectives, fewer placements than shapes.
    expect(idx.shapeOp.length).toBeLessThan(collectives.length);
    expect(placements.size).toBeLessThan(idx.shapeOp.length);
    expect(new Set(collectives.map((op) => op.algorithm))).toEqual(
      new Set(['pxn', 'pairwise', 'ring', 'hierarchical', 'rabenseifner', 'double-binary-tree']),
    );
    for (const op of collectives) {
      const want = Math.round(collectiveTimeAloneS(fabric, net, program, op) * 1e12);
      expect(r.ops?.[op.id].timePs, `op ${op.id} ${op.label}`).toBe(want);
    }
  });
  it('collectives that differ only in channels or chunk get their own times (OpIndex.shape keys both)', () => {
    const rails = 'topology: rail-optimized, hosts: 32, nic: 400G, switch: aurcore-32x400g, gpusPerNode: 8';
    const leaf = 'topology: leaf-spine, hosts: 16, nic: 400G, switch: aurcore-32x400g';
    // Channels take other rails; chunks pay the hop latency once each.
    for (const [fabricLine, b] of [
      [rails, ', channels: 8'],
      [leaf, ', channels: 1, chunk: 64KiB'],
    ]) {
      const yaml = `fabric: {${fabricLine}}
traffic:
  - {collective: all-reduce, algorithm: ring, bytes: 64MiB, channels: 1}
  - {collective: all-reduce, algorithm: ring, bytes: 64MiB${b}}
`;
      const { fabric, program, r, net } = analyticRun(yaml);
      const alone = program.ops.map((op) => Math.round(collectiveTimeAloneS(fabric, net, program, op) * 1e12));
      expect(alone[1], `${b}: the schedules cost differently`).not.toBe(alone[0]);
      expect(r.ops?.map((o) => o.timePs)).toEqual(alone);
    }
  });
});
