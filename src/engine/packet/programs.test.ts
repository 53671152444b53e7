// The packet engine runs traffic programs as workload/program.ts defines them: dependencies, repetitions and
// delays, on hand-built programs checked against store-and-forward closed forms.
import { describe, expect, it } from 'vitest';
import { allInvariantsOk, invariant } from '../../../test/helpers/simulate.ts';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import type { Fabric, NodeId } from '../../fabric/types.ts';
import { parseScenario } from '../../scenario/load.ts';
import type { ProgramOp, TrafficProgram, Transfer } from '../../workload/program.ts';
import { runPacket } from './engine.ts';

/** 64 hosts of 100G, 16 per leaf, 16 spines: non-blocking. Latencies fixed so the closed forms can name them. */
const IDLE = {
  yaml: `
fabric: {topology: leaf-spine, hosts: 64, nic: 100G, switch: aurcore-32x100g}
network: {cc: none, switchLatency: 400ns, linkDelay: 50ns}
`,
  rateBps: 100e9,
  switchPs: 400e3,
  linkPs: 50e3,
  mtu: 4096,
  /** headerBytes + wireOverheadBytes (schema defaults). */
  framingBytes: 62 + 20,
};

function task(id: number, t: Partial<Transfer> & Pick<Transfer, 'src' | 'dst'>): Transfer {
  return {
    id,
    kind: 'transfer',
    bytes: 0,
    durationPs: 0,
    startPs: 0,
    deps: [],
    repeat: 1,
    stepDeps: [],
    stepLags: [],
    channel: 0,
    item: 0,
    cls: 'roce',
    op: -1,
    ...t,
  };
}

function op(id: number, o: Partial<ProgramOp> & Pick<ProgramOp, 'kind' | 'firstTask' | 'lastTask'>): ProgramOp {
  return { id, ranks: [], bytes: 0, durationPs: 0, deps: [], item: 0, iteration: -1, label: o.kind, ...o };
}

function runProgram(build: (f: Fabric, h: (i: number) => NodeId) => TrafficProgram, yaml = IDLE.yaml) {
  const catalog = loadCatalog();
  const s = parseScenario(yaml, catalog);
  const fabric = designFabric(s.fabric, catalog).fabric;
  const program = build(fabric, (i) => fabric.hosts[i] as NodeId);
  return { fabric, program, r: runPacket(fabric, program, s, catalog, { seed: s.seed }) };
}

/**
 * One repetition of `bytes` on an idle path of `links` equal-rate links, from its first bit sent to its last byte
 * delivered (store and forward): every frame serialized once at the source, the last frame once more per
 * further link, plus the propagation of every link and the latency of every switch.
 */
function repTimePs(bytes: number, links: number): number {
  const pkts = Math.max(1, Math.ceil(bytes / IDLE.mtu));
  const ser = (b: number) => (b * 8e12) / IDLE.rateBps;
  const last = bytes - (pkts - 1) * IDLE.mtu + IDLE.framingBytes;
  return ser(bytes + pkts * IDLE.framingBytes) + (links - 1) * (ser(last) + IDLE.switchPs) + links * IDLE.linkPs;
}

const hops = (f: Fabric, a: NodeId, b: NodeId) => f.routing.paths(a, b, 1)[0].length;

describe('traffic programs: dependencies, repetitions and delays (program.ts semantics)', () => {
  it('each repetition is packetized on its own: its last packet is short, and every byte arrives once', () => {
    const { r } = runProgram((_, h) => ({
      transfers: [task(0, { src: h(0), dst: h(20), bytes: 10_000, repeat: 3 })],
      ops: [],
    }));
    // 10,000 B = 4096 + 4096 + 1808 per repetition.
    expect(r.counters.dataPacketsSent).toBe(9);
    expect(r.counters.deliveredBytes).toBe(30_000);
    expect(r.flows[0].bytes).toBe(30_000);
    allInvariantsOk(r);
  });

  it.each([
    [4, 64, 4e6],
    [8, 128, 8e6 + 8 * 1000],
  ])(
    'ring all-reduce of %i ranks on an idle non-blocking leaf-spine takes 2(p-1) x one step of S/p (issue 4: within 5%%)',
    (p, hosts, S) => {
      // One rank per leaf: every step's p flows cross the spines without sharing a link.
      const yaml = IDLE.yaml.replace('hosts: 64', `hosts: ${hosts}`);
      const { fabric, r } = runProgram((_, h) => {
        const rank = (i: number) => h(((i + p) % p) * 16);
        // Task i: rank i -> i+1, 2(p-1) steps of S/p; step r forwards what arrived from rank i-1 at step r-1.
        const transfers = Array.from({ length: p }, (_, i) =>
          task(i, {
            src: rank(i),
            dst: rank(i + 1),
            bytes: S / p,
            repeat: 2 * (p - 1),
            stepDeps: [(i - 1 + p) % p],
            stepLags: [1],
            op: 0,
          }),
        );
        const ranks = Array.from({ length: p }, (_, i) => rank(i));
        return {
          transfers,
          ops: [
            op(0, {
              kind: 'collective',
              op: 'all-reduce',
              algorithm: 'ring',
              ranks,
              bytes: S,
              firstTask: 0,
              lastTask: p,
            }),
          ],
        };
      }, yaml);
      const links = hops(fabric, fabric.hosts[0] as NodeId, fabric.hosts[16] as NodeId);
      expect(links).toBe(4);
      const want = 2 * (p - 1) * repTimePs(S / p, links);
      const got = r.ops![0].timePs;
      expect(Math.abs(got - want) / want, `ring all-reduce ${got} ps, closed form ${want} ps`).toBeLessThan(0.05);
      // Collective tasks are summarized in ops, not listed as flows.
      expect(r.flows).toHaveLength(0);
      expect(r.ops![0].busbwGBps).toBeCloseTo((r.ops![0].algbwGBps * 2 * (p - 1)) / p, 9);
      expect(r.completed).toBe(true);
      allInvariantsOk(r);
    },
  );

  it('a lag-0 chain pipelines: 3 stages of 8 chunks take (8 + 3 - 1) chunk times plus 3 path latencies (within 5%)', () => {
    const R = 8;
    const chunk = 256e3;
    const { fabric, r } = runProgram((_, h) => ({
      transfers: [0, 1, 2].map((i) =>
        task(i, {
          src: h(16 * i),
          dst: h(16 * (i + 1)),
          bytes: chunk,
          repeat: R,
          stepDeps: i > 0 ? [i - 1] : [],
          stepLags: i > 0 ? [0] : [],
          op: 0,
        }),
      ),
      ops: [
        op(0, { kind: 'collective', op: 'broadcast', algorithm: 'chain', bytes: R * chunk, firstTask: 0, lastTask: 3 }),
      ],
    }));
    // Stage j sends chunk r once it holds it: F(j, r) = max(F(j-1, r), F(j, r-1) - L) + X + L with X the chunk's
    // serialization and L the rest of a repetition's time, so the last chunk lands at (R + 2) X + 3 L.
    const links = hops(fabric, fabric.hosts[0] as NodeId, fabric.hosts[16] as NodeId);
    const X = ((chunk + Math.ceil(chunk / IDLE.mtu) * IDLE.framingBytes) * 8e12) / IDLE.rateBps;
    const L = repTimePs(chunk, links) - X;
    const want = (R + 2) * X + 3 * L;
    const got = r.ops![0].timePs;
    expect(Math.abs(got - want) / want, `chain ${got} ps, closed form ${want} ps`).toBeLessThan(0.05);
    // Without the pipelining it would take 3 x 8 chunk times.
    expect(got).toBeLessThan(0.5 * 3 * R * X);
    allInvariantsOk(r);
  });

  it('a compute delay releases its dependent transfer when it ends; the flow starts then and runs standalone', () => {
    const { r } = runProgram((_, h) => ({
      transfers: [
        task(0, { kind: 'delay', src: h(0), dst: h(0), durationPs: 10e6, repeat: 2 }),
        task(1, { src: h(0), dst: h(40), bytes: 1e6, deps: [0] }),
      ],
      ops: [],
    }));
    expect(r.flows).toHaveLength(1);
    const f = r.flows[0];
    expect(f.startPs).toBe(20e6);
    expect(f.slowdown).toBeLessThan(1.01);
    expect(invariant(r, 'every flow completed').detail).toMatch(/^2 of 2 tasks finished/);
    allInvariantsOk(r);
  });

  it('ops and iterations: compute, then an all-reduce, then compute: the iteration adds them up', () => {
    const S = 2e6;
    const { fabric, r } = runProgram((_, h) => ({
      transfers: [
        task(0, { kind: 'delay', src: h(0), dst: h(0), durationPs: 30e6, op: 0 }),
        task(1, { kind: 'delay', src: h(16), dst: h(16), durationPs: 30e6, op: 0 }),
        task(2, { src: h(0), dst: h(16), bytes: S / 2, repeat: 2, stepDeps: [3], stepLags: [1], deps: [0, 1], op: 1 }),
        task(3, { src: h(16), dst: h(0), bytes: S / 2, repeat: 2, stepDeps: [2], stepLags: [1], deps: [0, 1], op: 1 }),
        task(4, { kind: 'delay', src: h(0), dst: h(0), durationPs: 5e6, deps: [2, 3], op: 2 }),
      ],
      ops: [
        op(0, { kind: 'compute', firstTask: 0, lastTask: 2, iteration: 0, durationPs: 30e6 }),
        op(1, {
          kind: 'collective',
          op: 'all-reduce',
          algorithm: 'ring',
          ranks: [h(0), h(16)],
          bytes: S,
          firstTask: 2,
          lastTask: 4,
          deps: [0],
          iteration: 0,
        }),
        op(2, { kind: 'compute', firstTask: 4, lastTask: 5, deps: [1], iteration: 0, durationPs: 5e6 }),
      ],
    }));
    const [c0, ar, c1] = r.ops!;
    expect(c0.startPs).toBe(0);
    expect(c0.endPs).toBe(30e6);
    expect(ar.startPs).toBe(30e6);
    const step = repTimePs(S / 2, hops(fabric, fabric.hosts[0] as NodeId, fabric.hosts[16] as NodeId));
    expect(Math.abs(ar.timePs - 2 * step) / (2 * step)).toBeLessThan(0.05);
    // The last compute starts the moment the last byte of the all-reduce is delivered at its host.
    expect(c1.startPs).toBe(ar.endPs);
    expect(c1.timePs).toBe(5e6);
    const it0 = r.iterations![0];
    expect(it0.timePs).toBe(35e6 + ar.timePs);
    expect(it0.computePs).toBe(35e6);
    expect(it0.commPs).toBe(ar.timePs);
    expect(it0.exposedCommPs).toBe(ar.timePs);
    allInvariantsOk(r);
  });

  it('with ACKs every 8 packets a gated sender is still acknowledged at each repetition end: no timeouts', () => {
    const { r } = runProgram(
      (_, h) => ({
        transfers: [
          task(0, { src: h(0), dst: h(16), bytes: 10_000, repeat: 4, stepDeps: [1], stepLags: [1] }),
          task(1, { src: h(16), dst: h(0), bytes: 10_000, repeat: 4, stepDeps: [0], stepLags: [1] }),
        ],
        ops: [],
      }),
      IDLE.yaml.replace('cc: none', 'cc: none, ackEvery: 8'),
    );
    expect(r.counters.timeouts).toBe(0);
    expect(r.simulatedPs).toBeLessThan(100e6);
    allInvariantsOk(r);
  });

  it('reports per-link load by tier and the east-west share of the traffic', () => {
    const { r } = runProgram((_, h) => ({
      transfers: [task(0, { src: h(0), dst: h(20), bytes: 1e6 }), task(1, { src: h(1), dst: h(2), bytes: 1e6 })],
      ops: [],
    }));
    const links = r.links!;
    const up = links.find((l) => l.link === 'h0 -> leaf0')!;
    expect(up.tiers).toBe('host-leaf');
    // 1 MB in 245 frames, plus nothing else in this direction (ACKs of h0's flow go the other way).
    expect(up.bytes).toBe(1e6 + 245 * IDLE.framingBytes);
    expect(links.some((l) => l.tiers === 'leaf-spine' && l.bytes > 1e6)).toBe(true);
    // Only h0's flow crosses the spines: its data up and down one spine, its ACKs (hashed on their own) up and
    // down another; h1 -> h2 stays under leaf0.
    expect(links.filter((l) => l.tiers === 'leaf-spine').length).toBe(4);
    expect(links.filter((l) => l.link.startsWith('h2 ')).map((l) => l.bytes)).toEqual([245 * (4 + IDLE.framingBytes)]);
    for (const l of links) expect(l.utilization).toBeLessThanOrEqual(1);
    expect(r.traffic).toEqual({ eastWestBytes: 2e6, northSouthBytes: 0, eastWestShare: 1 });
  });
});
