// Trees on the packet engine at NCCL's default chunk (512 KiB, TREE_CHUNK_BYTES) against the fluid engines (issue
// 14). Where the parents' NIC downlinks stay below DCQCN's Kmin the contract's 5% holds; where NCCL's credit window
// (8 chunks of 512 KiB per connection, nvls-tree.ts windowDeps) lets a parent's downlink queue pass Kmin, DCQCN's rate
// cuts cost a bounded gap that the same run without congestion control does not show. It leaves out the 64 KiB
// chunks (contract.test.ts), and the flow engine, which equals the analytic one on these trees (contract-trees).
import { describe, expect, it } from 'vitest';
import { TREE_CHUNK_BYTES } from '../workload/training/collectives.ts';
import { gpuRails, ONE_LEAF, runScenario, scenarioYaml } from './contract.ts';
import type { EngineKind } from './index.ts';

const H100 = gpuRails('h100');
/** DCQCN's Kmin on a 400G link: 100 KB x 400G / 25G (ECN-02, engine/core/network.ts ecn). */
const KMIN_400G = 100e3 * (400 / 25);

function run(engine: EngineKind, fabric: string, item: string, network = '') {
  const yaml = scenarioYaml(network ? `${fabric}\nnetwork: ${network}` : fabric, item);
  const r = runScenario(engine, yaml).result;
  const ops = r.ops ?? [];
  expect(ops.length, item).toBe(1);
  const peakQueue = Math.max(0, ...(r.ports ?? []).map((p) => p.maxQueueBytes));
  return { ps: ops[0].timePs, cnps: r.counters.cnps, peakQueue };
}

describe('nvls-tree at 512 KiB chunks, 64 MiB: packet within 5 percent of analytic', () => {
  it('the default chunk is 512 KiB (NCCL Simple: NCCL_BUFFSIZE 4 MiB / NCCL_STEPS 8)', () => {
    expect(TREE_CHUNK_BYTES).toBe(512 * 1024);
  });
  // 3 H100 servers, 64 MiB: packet/analytic 0.961 (369.73 / 384.71 us), no CNP (peak queue 0.92 MB). The packet
  // engine is faster: each rail's trees are chains of 3 ranks, and the NIC downlink of tree 0's root (tree 1's
  // middle rank) carries tree 1's broadcast from tree 1's root and both trees' reductions from the third rank, whose
  // uplink they share with a third stream. A switch's egress queue is FIFO, so it shares the downlink by arrival
  // rate: the lone stream took about 190 Gb/s to 95 each for the two (measured in 10 us bins), where the fluid
  // engines give each a third (max-min, what an ideal congestion control would reach). The lone stream is tree 1's
  // critical path (its broadcast feeds the last rank's all-gather), so its chunks finish sooner. With HPCC, which
  // paces senders towards their shares, it got no more than the others and the run took 1.082 x analytic.
  // 4 servers: 1.033 (443.27 / 428.99 us; 14 CNPs; 1.025 with cc none).
  it.each([
    [24, 0.961],
    [32, 1.033],
  ])('nvls-tree, 64 MiB on %i GPUs (measured %f)', (ranks) => {
    const item = `collective: all-reduce, algorithm: nvls-tree, bytes: 64MiB, ranks: ${ranks}`;
    const a = run('analytic', H100, item);
    const p = run('packet', H100, item);
    expect(Math.abs(p.ps / a.ps - 1), `${item}: analytic ${a.ps} ps, packet ${p.ps} ps`).toBeLessThan(0.05);
  });
});

describe('trees at 512 KiB chunks past Kmin: DCQCN costs a bounded gap, the network without it is within 5 percent', () => {
  // A leaf waits for nothing and sends its 8-chunk window (4 MiB per connection) at line rate, so a parent's NIC
  // downlink, fed by two or three connections, queues several MB (up to 9.8 MB on one leaf without congestion
  // control), past Kmin (1.6 MB at 400G). Each marked packet's CNP leads to a cut every 4 us while the queue stays
  // above Kmin; with alpha near 1 each cut halves the rate (a QP of the 5-rank tree went 400 -> 8 Gb/s in 130 us),
  // and the rate comes back by halves of the gap once per 300 us timer (connectx profile, docs/dcqcn.md). The QP keeps
  // that state across chunks, as NCCL's one QP per connection (net_ib IB_QPS_PER_CONNECTION 1) does on a ConnectX
  // NIC and HPCC's ns-3 model has it (rdma-hw.cc CheckRateDecreaseMlx, RateIncEventTimerMlx). Meanwhile the fluid
  // engines give each stream its share at once. So the gap is the congestion control's, not the network model's:
  // with `cc: none` the same runs are within 5%. Measured (analytic / packet / packet cc none, us): 5 ranks 3956.7 /
  // 4397.3 (1.111) / 4011.5 (1.014); 8 ranks 4042.2 / 4398.8 (1.088) / 4188.0 (1.036); nvls-tree on 4 H100 servers,
  // 128 MiB, 777.3 / 951.8 (1.225) / 806.4 (1.037), and 256 MiB (not run here: twice the events) 1461.8 / 1781.9
  // (1.219) / 1529.7 (1.046). Bounds: the measured gap plus 3 points, rounded. At 64 KiB chunks the window holds
  // 512 KiB per connection, queues stay below Kmin (1.23 MB peak for 5 ranks) and no CNP is sent.
  const c = (fabric: string, algorithm: string, ranks: number, bytes: string, bound: number) => ({
    fabric,
    item: `collective: all-reduce, algorithm: ${algorithm}, bytes: ${bytes}, ranks: ${ranks}`,
    name: `${algorithm}, ${ranks} ranks, ${bytes}`,
    bound,
  });
  it.each([
    c(ONE_LEAF, 'double-binary-tree', 5, '64MiB', 1.14),
    c(ONE_LEAF, 'double-binary-tree', 8, '64MiB', 1.12),
    c(H100, 'nvls-tree', 32, '128MiB', 1.26),
  ])('$name: analytic <= packet (5%) <= $bound x analytic; cc none within 5%', ({ fabric, item, bound }) => {
    const a = run('analytic', fabric, item);
    const p = run('packet', fabric, item);
    const none = run('packet', fabric, item, '{cc: none}');
    const what = `${item}: analytic ${a.ps} ps, packet ${p.ps} ps (${p.cnps} CNPs), cc none ${none.ps} ps`;
    // The cause: queues past Kmin and CNPs under DCQCN.
    expect(p.peakQueue, what).toBeGreaterThan(KMIN_400G);
    expect(p.cnps, what).toBeGreaterThan(0);
    // One way: never faster than the fluid engines beyond the contract's tolerance; the gap bounded.
    expect(p.ps / a.ps, what).toBeGreaterThan(0.95);
    expect(p.ps / a.ps, what).toBeLessThan(bound);
    // Without congestion control the packet engine's network (queues, FIFO, NIC round robin) agrees within 5%.
    expect(none.cnps, what).toBe(0);
    expect(Math.abs(none.ps / a.ps - 1), what).toBeLessThan(0.05);
  });
});
