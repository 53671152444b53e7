// The packet engine's port scheduler with network.classes (issue 18), on one congested port: two senders into h0,
// each class lossless (PFC, no congestion control) so that both keep the port saturated. Against the closed forms
// of DWRR (Shreedhar and Varghese 1995: backlogged queues share the line rate in proportion to their quanta, here
// their ETS weights) and strict priority (IEEE 802.1Q-2018 8.6.8: the higher class takes the whole line rate).
import { describe, expect, it } from 'vitest';
import { allInvariantsOk, simulateYaml } from '../../../test/helpers/simulate.ts';

const BYTES = 16e6;
// The payload rate of the 100G port into h0: frames of mtu 4000 + 62 header bytes + 20 on the wire (preamble, gap).
const PAYLOAD_BPS = 100e9 * (4000 / (4000 + 62 + 20));

function run(gold: string, bronze: string) {
  return simulateYaml(`
fabric: {topology: leaf-spine, hosts: 16, nic: 100G, switch: aurcore-32x100g}
network:
  mtu: 4000
  pfc: true
  cc: none
  classes:
    gold: ${gold}
    bronze: ${bronze}
traffic:
  - {pattern: incast, senders: [h1], receiver: h0, bytes: ${BYTES}, class: gold}
  - {pattern: incast, senders: [h2], receiver: h0, bytes: ${BYTES}, class: bronze}
engine: packet
`);
}

/** Each flow's share of the port's payload rate while both send: gold's bytes over gold's time. */
function shares(r: ReturnType<typeof run>) {
  allInvariantsOk(r);
  expect(r.counters.drops).toBe(0);
  const [gold, bronze] = r.flows;
  const goldShare = (BYTES * 8e12) / (gold.endPs - gold.startPs) / PAYLOAD_BPS;
  // Work-conserving: both flows' bytes leave at the full payload rate.
  const busy = (2 * BYTES * 8e12) / PAYLOAD_BPS / (bronze.endPs - Math.min(gold.startPs, bronze.startPs));
  return { goldShare, busy };
}

describe('port scheduler with traffic classes (packet engine, one congested 100G port)', () => {
  it('DWRR within a priority level: weights 3:1 give 75% and 25% of the line rate (within 1%), PFC per class', () => {
    const r = run('{priority: 2, weight: 3, pfc: true}', '{priority: 2, weight: 1, pfc: true}');
    const { goldShare, busy } = shares(r);
    // Measured: 0.7488 and 0.9995 (weights 1:1 give 0.4993: the share follows the weights).
    expect(Math.abs(goldShare - 0.75)).toBeLessThan(0.0075);
    expect(Math.abs(busy - 1)).toBeLessThan(0.01);
    // Each lossless class is paused on its own ingress (802.1Qbb per priority): pauses, and nothing dropped.
    expect(r.counters.pauseFrames).toBeGreaterThan(0);
    expect(r.counters.bufferDrops).toBe(0);
  });

  it('strict priority across levels: the higher class takes the whole line rate (within 1%), then the lower', () => {
    const { goldShare, busy } = shares(
      run('{priority: 5, weight: 1, pfc: true}', '{priority: 2, weight: 1, pfc: true}'),
    );
    // Measured: 0.9991 and 0.9993.
    expect(Math.abs(goldShare - 1)).toBeLessThan(0.01);
    expect(Math.abs(busy - 1)).toBeLessThan(0.01);
  });
});
