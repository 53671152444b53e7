import { describe, expect, it } from 'vitest';
import { validationCase } from '../../../test/helpers/cases.ts';
import { invariant, jain, simulateYaml } from '../../../test/helpers/simulate.ts';
import { pauseDurationPs } from './engine.ts';

const INCAST = `
fabric: {topology: leaf-spine, hosts: 16, nic: 100G, switch: aurcore-32x100g}
network: {pfc: true, ecn: {kmin: 5KB, kmax: 200KB, pmax: 0.01}, cc: dcqcn}
traffic: [{pattern: incast, senders: [h1, h2], receiver: h0, bytes: 20MB}]
engine: packet
`;

function allInvariantsOk(r: ReturnType<typeof simulateYaml>) {
  for (const i of r.invariants) expect(i.ok, `${i.name}: ${i.detail}`).toBe(true);
}

describe('packet engine: the 2:1 incast of the issue (PFC + ECN + DCQCN)', () => {
  const r = simulateYaml(INCAST);

  it('finishes both flows with zero buffer drops and every invariant holding', () => {
    expect(r.completed).toBe(true);
    expect(r.counters.bufferDrops).toBe(0);
    expect(r.counters.drops).toBe(0);
    allInvariantsOk(r);
  });

  it('congestion is signalled: ECN marks at the receiver port and CNPs back to the senders', () => {
    expect(r.counters.ecnMarks).toBeGreaterThan(0);
    expect(r.counters.cnps).toBeGreaterThan(0);
    expect(r.ports[0].port).toMatch(/^leaf0:eth\d+$/);
    expect(r.ports[0].peer).toBe('h0');
  });

  it('the receiver link is the bottleneck: the incast takes at least 40 MB at 100G and not much longer', () => {
    const ideal = (40e6 * 8e12) / 100e9;
    expect(r.simulatedPs).toBeGreaterThan(ideal);
    expect(r.simulatedPs).toBeLessThan(ideal * 1.25);
  });

  it('gives each flow a fair share: Jain index >= 0.99 over the second half of the transfer', () => {
    const firstEnd = Math.min(...r.flows.map((f) => f.endPs));
    const lo = firstEnd / 2;
    const rates = r.flows.map((f) => {
      const p = f.progress!;
      const a = p.find(([t]) => t >= lo)!;
      const b = [...p].reverse().find(([t]) => t <= firstEnd)!;
      return (b[1] - a[1]) / (b[0] - a[0]);
    });
    const j = jain(rates);
    expect(
      j,
      `throughputs ${rates.map((x) => (x * 8).toFixed(1)).join(', ')} Gb/s... Jain ${j}`,
    ).toBeGreaterThanOrEqual(0.99);
  });

  it('is deterministic: the same seed gives the same result, all but the stats block', () => {
    const again = simulateYaml(INCAST);
    expect({ ...again, stats: null }).toEqual({ ...r, stats: null });
  });
});

describe('PFC', () => {
  const heavy = (pfc: string, cc = 'none') => `
fabric: {topology: leaf-spine, hosts: 16, nic: 100G, switch: aurcore-32x100g}
network: {pfc: ${pfc}, cc: ${cc}}
traffic: [{pattern: incast, receiver: h0, bytes: 2MB}]
`;

  it('a 15:1 incast without congestion control is lossless with PFC: pauses, no drops', () => {
    const r = simulateYaml(heavy('true'));
    expect(r.completed).toBe(true);
    expect(r.counters.pauseFrames).toBeGreaterThan(0);
    expect(r.counters.pausedPs).toBeGreaterThan(0);
    expect(r.counters.bufferDrops).toBe(0);
    allInvariantsOk(r);
  });

  it('negative control: with headroom far below PFC-02 the lossless class overflows, and it is counted', () => {
    const r = simulateYaml(heavy('{headroom: 1KB, alpha: 0.001}'));
    expect(r.counters.bufferDrops).toBeGreaterThan(0);
    expect(invariant(r, 'lossless class never drops from overflow').ok).toBe(false);
    expect(invariant(r, 'bytes conserved').ok).toBe(true);
    expect(r.completed).toBe(true);
  });

  it('with PFC off the same incast drops in the buffer and go-back-N retransmits', () => {
    const on = simulateYaml(heavy('true'));
    const off = simulateYaml(heavy('false'));
    expect(off.counters.bufferDrops).toBeGreaterThan(0);
    expect(off.counters.naks + off.counters.timeouts).toBeGreaterThan(0);
    expect(off.counters.retransmittedBytes).toBeGreaterThan(0);
    expect(off.completed).toBe(true);
    expect(Math.max(...off.flows.map((f) => f.fctPs))).toBeGreaterThan(Math.max(...on.flows.map((f) => f.fctPs)));
    expect(invariant(off, 'bytes conserved').ok).toBe(true);
  });

  it('pause quanta are 512 bit times: 65535 quanta last as PFC-01 says at every speed', () => {
    const c = validationCase('PFC-01');
    const e = c.expect as { quantum_ns: Record<string, number>; max_pause_us: Record<string, number> };
    for (const [speed, ns] of Object.entries(e.quantum_ns)) {
      const bps = Number.parseFloat(speed) * 1e9;
      expect(pauseDurationPs(1, bps) / 1e3, speed).toBeCloseTo(ns, 2);
    }
    for (const [speed, us] of Object.entries(e.max_pause_us)) {
      const bps = Number.parseFloat(speed) * 1e9;
      expect(pauseDurationPs(65535, bps) / 1e6, speed).toBeCloseTo(us, 2);
    }
  });
});

describe('loss and go-back-N', () => {
  it('injected random loss is counted as lossDrops, retransmitted, and every flow still completes', () => {
    const r = simulateYaml(`
fabric: {topology: leaf-spine, hosts: 16, nic: 100G, switch: aurcore-32x100g}
network: {loss: 0.001}
traffic: [{pattern: permutation, bytes: 4MB}]
`);
    expect(r.counters.lossDrops).toBeGreaterThan(0);
    expect(r.counters.bufferDrops).toBe(0);
    expect(r.counters.retransmittedBytes).toBeGreaterThan(0);
    expect(r.counters.receiverDiscards).toBeGreaterThan(0);
    allInvariantsOk(r);
  });
});

describe('a single flow on an idle fabric', () => {
  it('takes its standalone time: slowdown within 1% of 1 (3 tiers, ECMP, 400G)', () => {
    const r = simulateYaml(`
fabric: {topology: fat-tree, hosts: 128, nic: 400G, switch: aurcore-32x400g, k: 8}
traffic: [{flows: [{src: h0, dst: h127, bytes: 10MB}]}]
`);
    expect(r.flows[0].slowdown).toBeGreaterThanOrEqual(1);
    expect(r.flows[0].slowdown).toBeLessThan(1.01);
    allInvariantsOk(r);
  });
});

describe('failures', () => {
  const failing = (delay: string) => `
fabric: {topology: leaf-spine, hosts: 64, nic: 100G, switch: aurcore-32x100g}
network: {failures: [{switch: spine0, at: 100us}], detectionDelay: ${delay}}
traffic: [{pattern: permutation, bytes: 4MB}]
`;

  it('a spine failing mid-run: failureDrops, retransmission, reroute, every flow completes, no lossless drops', () => {
    const r = simulateYaml(failing('50us'));
    expect(r.counters.failureDrops).toBeGreaterThan(0);
    expect(r.counters.bufferDrops).toBe(0);
    expect(r.counters.retransmittedBytes).toBeGreaterThan(0);
    expect(r.completed).toBe(true);
    allInvariantsOk(r);
    // After the reroute nothing crosses spine0: its ports carry traffic only before the failure.
    for (const p of r.ports.filter((x) => x.node === 'spine0')) expect(p.utilization).toBeLessThan(0.1);
  });

  it('a longer detection delay loses more packets into the failed switch', () => {
    const fast = simulateYaml(failing('20us'));
    const slow = simulateYaml(failing('400us'));
    expect(slow.counters.failureDrops).toBeGreaterThan(fast.counters.failureDrops);
    expect(slow.completed && fast.completed).toBe(true);
  });

  it('a link that fails and recovers: its flows finish after it is back', () => {
    const r = simulateYaml(`
fabric: {topology: leaf-spine, hosts: 32, nic: 100G, switch: aurcore-32x100g}
network: {failures: [{link: h0-leaf0, at: 20us, until: 300us}]}
traffic: [{flows: [{src: h0, dst: h20, bytes: 4MB}]}]
`);
    expect(r.counters.failureDrops).toBeGreaterThan(0);
    expect(r.completed).toBe(true);
    expect(r.flows[0].endPs).toBeGreaterThan(300e6);
    allInvariantsOk(r);
  });

  it('names a link that does not exist', () => {
    expect(() =>
      simulateYaml(`
fabric: {topology: leaf-spine, hosts: 32, nic: 100G, switch: aurcore-32x100g}
network: {failures: [{link: leaf0-spine9, at: 20us}]}
traffic: [{flows: [{src: h0, dst: h20, bytes: 1MB}]}]
`),
    ).toThrow(/network.failures\[0\].link: no link between leaf0 and spine9/);
  });
});
