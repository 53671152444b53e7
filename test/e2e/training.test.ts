// Issue 4's sensitivity claims, measured: iteration time versus random loss (PFC on and off) on the packet
// engine, and versus oversubscription on the flow engine. Each test prints its table.
import { describe, expect, it } from 'vitest';
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
