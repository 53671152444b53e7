import { describe, expect, it } from 'vitest';
import { simulateYaml } from '../../../test/helpers/simulate.ts';
import { simulateText } from '../../report/simulate.ts';

// The RoCEv2 transport claims of issue 13 on the issue's own scenarios: DCQCN (default profile, connectx)
// without a tail, PFC incast at line rate with no timeouts, and the NIC's retransmission timer.

const fatTree = `fabric: {topology: fat-tree, hosts: 128, k: 8, nic: 100G, switch: aurcore-32x400g}
network: {mtu: 4000, pfc: true, cc: dcqcn, linkDelay: 1us, switchLatency: 0ns}`;

describe('DCQCN on the fat-tree of issue 13 (connectx profile)', () => {
  it('a 2 MB permutation on 128 hosts: slowest flow within 3x the median, no drops, no timeouts', () => {
    const r = simulateYaml(`${fatTree}\ntraffic: [{pattern: permutation, bytes: 2000000}]`, 1);
    const fct = r.flows.map((f) => f.fctPs).sort((a, b) => a - b);
    const median = fct[Math.ceil(fct.length / 2) - 1];
    // The reference ns-3 model keeps max/median near 2.5 on this scenario (issue 13); 3x is the claim.
    expect(fct.at(-1)! / median, `max ${fct.at(-1)! / 1e6} us, median ${median / 1e6} us`).toBeLessThanOrEqual(3);
    expect(r.counters.drops).toBe(0);
    expect(r.counters.timeouts).toBe(0);
  });

  it('127:1 incast of 2 MB into h0 ends within 3% of the 20.32 ms line-rate bound, no drops, no timeouts', () => {
    const r = simulateYaml(`${fatTree}\ntraffic: [{pattern: incast, receiver: h0, bytes: 2000000}]`, 1);
    // 127 x 2 MB of payload through h0's 100G link: 20.32 ms; our 82 B of framing per 4000 B add 2.05%.
    const boundPs = (127 * 2e6 * 8e12) / 100e9;
    const end = Math.max(...r.flows.map((f) => f.endPs));
    expect(end / boundPs, `last flow ends at ${end / 1e9} ms`).toBeLessThanOrEqual(1.03);
    expect(r.counters.drops).toBe(0);
    expect(r.counters.timeouts).toBe(0);
  });
});

describe("the demo's 16:1 incast (connectx profile)", () => {
  // src/demo's slice: 8 senders on each leaf of a 32-host 400G leaf-spine, 8 MB each into h0, PFC on and the
  // DCQCN paper's ECN thresholds. 16 QPs x the 1 Gb/s floor leave the port idle once they all sit there; with
  // CNPs paced per port (ConnectX min_time_between_cnps) each QP sees about 1/16 of them and is not driven there.
  const senders = [1, 2, 3, 4, 5, 6, 7, 8, 17, 18, 19, 20, 21, 22, 23, 24].map((i) => `h${i}`).join(', ');
  const demo = `fabric: {topology: leaf-spine, hosts: 32, nic: 400G, switch: aurcore-32x400g}
network: {pfc: true, cc: dcqcn, ecn: {kmin: 5KB, kmax: 200KB, pmax: 0.01}}
traffic: [{pattern: incast, senders: [${senders}], receiver: h0, bytes: 8MB}]`;

  it('ends within 10% of the 2.56 ms line-rate bound (issue 13), 0 timeouts; h0 sends at most one CNP per 4 us', () => {
    const r = simulateYaml(demo, 1);
    const boundPs = (16 * 8e6 * 8e12) / 400e9;
    const end = Math.max(...r.flows.map((f) => f.endPs));
    expect(end / boundPs, `last flow ends at ${end / 1e9} ms`).toBeLessThanOrEqual(1.1);
    expect(r.counters.timeouts).toBe(0);
    expect(r.counters.drops).toBe(0);
    // One receiving port: its CNPs are at least 4 us apart over the whole run, whichever QP they go to.
    expect(r.counters.cnps).toBeGreaterThan(0);
    expect(r.counters.cnps).toBeLessThanOrEqual(Math.floor(end / 4e6) + 1);
  });
});

describe('retransmission timer like a ConnectX QP', () => {
  // PFC only, 63 senders into one 25G host: pauses hold each QP's packets in queues for over 1 ms.
  const pfcIncast = (rto: string) => `fabric: {topology: leaf-spine, hosts: 64, nic: 25G, switch: aurcore-32x100g}
network: {mtu: 4000, pfc: true, cc: none, linkDelay: 1us, switchLatency: 0ns${rto}}
traffic: [{pattern: incast, receiver: h0, bytes: 300000}]`;

  it('a 1 ms timeout behind PFC pauses fires with nothing lost: every one is counted spurious', () => {
    const r = simulateYaml(pfcIncast(', rto: 1ms'), 1);
    expect(r.counters.drops).toBe(0);
    expect(r.counters.timeouts).toBeGreaterThan(0);
    expect(r.counters.spuriousTimeouts).toBe(r.counters.timeouts);
    expect(simulateText(r)).toMatch(
      new RegExp(`warning: ${r.counters.spuriousTimeouts} retransmission timeouts fired with nothing lost`),
    );
  });

  it('the NIC default (4.096 us x 2^20) does not fire behind the same pauses', () => {
    const r = simulateYaml(pfcIncast(''), 1);
    expect(r.counters.timeouts).toBe(0);
    expect(r.completed).toBe(true);
    expect(simulateText(r)).not.toMatch(/warning: .* retransmission timeouts/);
  });

  // h1's link fails for good at 5 us: its QP times out at T0 + 100, 300, 700 and 1500 us with back-off (T0,
  // its last progress, is before 10 us); a fixed timeout would reach its 4th by 410 us.
  const dead = `fabric: {topology: leaf-spine, hosts: 32, nic: 100G, switch: aurcore-32x100g}
network: {rto: 100us, retryCount: 3, failures: [{link: h1-leaf0, at: 5us}]}
traffic: [{flows: [{src: h1, dst: h0, bytes: 2MB}]}]`;

  it('doubles the timeout after each one without progress (3 timeouts by 1 ms, not 4)', () => {
    const r = simulateYaml(dead, 1, 1e9);
    expect(r.counters.timeouts).toBe(3);
    expect(r.counters.qpErrors).toBe(0);
  });

  it('gives up after retryCount retransmissions: the QP errors and its transfer fails; the losses make none spurious', () => {
    const r = simulateYaml(dead, 1);
    expect(r.counters.timeouts).toBe(4);
    expect(r.counters.qpErrors).toBe(1);
    expect(r.counters.spuriousTimeouts).toBe(0);
    expect(r.completed).toBe(false);
  });
});
