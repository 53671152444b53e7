// Issue 4's sensitivity claims, measured: iteration time versus random loss (PFC on and off) on the packet
// engine, and versus oversubscription on the flow engine. Each test prints its table. And MoE jobs' expert
// gradients, all-reduced over their expert-data-parallel groups.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.ts';
import { designFabric } from '../../src/fabric/index.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { compileTraffic } from '../../src/workload/compile.ts';
import { runYaml } from '../helpers/simulate.ts';

const ms = (ps: number) => (ps / 1e9).toFixed(4);

describe('loss sensitivity: a data-parallel iteration versus random loss, PFC lossless and lossy (packet engine)', () => {
  const LOSS = [0, 1e-5, 1e-4, 1e-3];
  const yaml = (loss: number, pfc: boolean) => `
fabric: {topology: leaf-spine, hosts: 16, nic: 100G, switch: aurcore-32x100g}
network: {pfc: ${pfc}, cc: dcqcn, loss: ${loss}, rto: 100us}
traffic: [{job: {params: 4e6, bytesPerGrad: 4, dp: 16, stepCompute: 1ms, buckets: 1}}]
`;
  for (const pfc of [true, false])
    it(`PFC ${pfc ? 'on' : 'off'}: iteration time rises with loss; ${pfc ? 'no buffer drops' : 'loss forces retransmissions'}`, () => {
      const rows = LOSS.map((loss) => {
        const r = runYaml(yaml(loss, pfc), 'packet', 3);
        const it0 = r.iterations?.[0];
        if (!it0) throw new Error('no iteration');
        for (const i of r.invariants) expect(i.ok, `${i.name}: ${i.detail}`).toBe(true);
        return { loss, timePs: it0.timePs, c: r.counters };
      });
      console.log(
        `PFC ${pfc ? 'on' : 'off'}\nloss     iteration ms  lossDrops  bufferDrops  retransmitted B\n${rows
          .map(
            (x) =>
              `${x.loss.toExponential(0).padEnd(8)} ${ms(x.timePs).padStart(12)}  ${String(x.c.lossDrops).padStart(9)}  ${String(x.c.bufferDrops).padStart(11)}  ${x.c.retransmittedBytes}`,
          )
          .join('\n')}`,
      );
      for (let i = 1; i < rows.length; i++) expect(rows[i].timePs).toBeGreaterThanOrEqual(rows[i - 1].timePs);
      expect(rows[3].timePs).toBeGreaterThan(rows[0].timePs);
      expect(rows[0].c.lossDrops).toBe(0);
      expect(rows[3].c.lossDrops).toBeGreaterThan(0);
      expect(rows[3].c.retransmittedBytes).toBeGreaterThan(0);
      if (pfc) for (const x of rows) expect(x.c.bufferDrops).toBe(0);
    });
});

describe('oversubscription sensitivity: the same jobs on 1:1, 2:1 and 4:1 leaf-spine fabrics (flow engine)', () => {
  const fabric = (o: number) =>
    `fabric: {topology: leaf-spine, hosts: 64, nic: 400G, switch: aurcore-32x400g, oversubscription: ${o}}`;
  const run = (o: number, job: string) => {
    const r = runYaml(`${fabric(o)}\ntraffic: [{job: ${job}}]\n`, 'flow');
    const it0 = r.iterations?.[0];
    if (!it0) throw new Error('no iteration');
    const a2a = (r.ops ?? []).filter((x) => x.op === 'all-to-all');
    const a2aPs = a2a.reduce((sum, x) => sum + x.timePs, 0) / Math.max(1, a2a.length);
    return { ...it0, a2aPs };
  };
  it('ring data parallelism barely notices (one ring hop per leaf crosses the spine); MoE all-to-all slows down', () => {
    const dp = '{params: 1e9, bytesPerGrad: 2, dp: 64, stepCompute: 20ms, buckets: 4}';
    const moe =
      '{params: 1e8, bytesPerGrad: 2, dp: 64, ep: 64, layers: 2, moeBytesPerLayer: 256MiB, stepCompute: 20ms}';
    const rows = [1, 2, 4].map((o) => ({ o, dp: run(o, dp), moe: run(o, moe) }));
    console.log(
      `oversub  DP iteration ms  DP exposed comm ms  MoE iteration ms  MoE exposed comm ms  mean all-to-all ms\n${rows
        .map(
          (r) =>
            `${r.o}:1      ${ms(r.dp.timePs).padStart(15)}  ${ms(r.dp.exposedCommPs).padStart(18)}  ${ms(r.moe.timePs).padStart(16)}  ${ms(r.moe.exposedCommPs).padStart(19)}  ${ms(r.moe.a2aPs).padStart(18)}`,
        )
        .join('\n')}`,
    );
    // Ring: within 5% across oversubscription (the ring's cross-leaf hops are 1 per leaf).
    expect(rows[2].dp.timePs / rows[0].dp.timePs).toBeLessThan(1.05);
    // All-to-all: most bytes cross the spine, so each all-to-all and the exposed communication grow with it.
    expect(rows[1].moe.a2aPs).toBeGreaterThan(rows[0].moe.a2aPs * 1.1);
    expect(rows[2].moe.a2aPs).toBeGreaterThan(rows[1].moe.a2aPs * 1.1);
    expect(rows[2].moe.a2aPs).toBeGreaterThan(rows[0].moe.a2aPs * 1.4);
    expect(rows[2].moe.exposedCommPs).toBeGreaterThan(rows[1].moe.exposedCommPs);
    expect(rows[1].moe.exposedCommPs).toBeGreaterThan(rows[0].moe.exposedCommPs);
  });
});

describe('MoE expert gradients: all-reduced over the ranks holding the same experts (issue 4)', () => {
  // 1e9 parameters, 8e8 of them in experts sharded over ep = 4: each rank all-reduces 2e8 x 2 B of dense gradient
  // over its 16 DP ranks and 8e8 x 2 / 4 B of expert gradient over the 4 ranks at its EP position.
  const yaml = (expertParams: number) => `
fabric: {topology: leaf-spine, hosts: 16, nic: 400G, switch: aurcore-32x400g}
traffic: [{job: {params: 1e9, expertParams: ${expertParams}, bytesPerGrad: 2, dp: 16, ep: 4, layers: 2, moeBytesPerLayer: 4MiB, stepCompute: 10ms, algorithm: ring, protocol: none}}]
`;
  it('groups: one dense all-reduce over all 16 DP ranks, and 4 expert all-reduces, each with one rank of every EP group', () => {
    const catalog = loadCatalog();
    const s = parseScenario(yaml(8e8), catalog);
    const f = designFabric(s.fabric, catalog).fabric;
    const ops = compileTraffic(s, f).ops;
    const dense = ops.filter((o) => o.label.startsWith('gradient bucket'));
    const expert = ops.filter((o) => o.label.startsWith('expert gradient bucket'));
    const a2a = ops.filter((o) => o.op === 'all-to-all');
    expect(dense.map((o) => [o.ranks.length, o.bytes])).toEqual([[16, 4e8]]);
    expect(expert.map((o) => [o.ranks.length, o.bytes])).toEqual(Array(4).fill([4, 4e8]));
    // Together the expert groups hold every rank once, and each meets every EP group (all-to-all group) once.
    expect(expert.flatMap((o) => [...o.ranks]).sort((a, b) => a - b)).toEqual(
      [...dense[0].ranks].sort((a, b) => a - b),
    );
    // The first all-to-all: one op per EP group, 4 groups of 4.
    const epGroups = a2a.slice(0, 4);
    expect(epGroups.map((o) => [o.label, o.ranks.length])).toEqual(Array(4).fill([a2a[0].label, 4]));
    for (const e of expert)
      for (const g of epGroups) expect(e.ranks.filter((r) => g.ranks.includes(r)).length, `${e.label}`).toBe(1);
    // expertParams larger than params is an error that names the field.
    expect(() => compileTraffic(parseScenario(yaml(2e9), catalog), f)).toThrow(
      /expertParams = 2000000000 is more than params/,
    );
  });
  it('flow engine: the split gradient all-reduces take the ring closed form times of their groups and bytes (2%)', () => {
    const grad = (r: ReturnType<typeof runYaml>, prefix: string) =>
      (r.ops ?? []).filter((o) => o.label.startsWith(prefix)).map((o) => o.timePs);
    const whole = grad(runYaml(yaml(0), 'flow'), 'gradient bucket');
    const split = runYaml(yaml(8e8), 'flow');
    const dense = grad(split, 'gradient bucket');
    const expert = grad(split, 'expert gradient bucket');
    expect(whole.length).toBe(1);
    // Ring all-reduce t = 2 (p-1)/p n beta (+ alpha terms, small here): dense 16 ranks 4e8 B, expert 4 ranks
    // 4e8 B, against all of it (2e9 B) over 16 ranks.
    const ring = (p: number, n: number) => (2 * (p - 1) * n) / p;
    const rows = [
      ['dense', dense[0] / whole[0], ring(16, 4e8) / ring(16, 2e9)],
      ...expert.map((t, i) => [`expert ${i}`, t / whole[0], ring(4, 4e8) / ring(16, 2e9)] as const),
    ] as const;
    console.log(
      rows
        .map(([n, got, want]) => `${n}: ${got.toFixed(4)} of the unsplit all-reduce (closed form ${want.toFixed(4)})`)
        .join('\n'),
    );
    expect(expert.length).toBe(4);
    for (const [n, got, want] of rows) expect(Math.abs(got - want) / want, String(n)).toBeLessThan(0.02);
  });
});
