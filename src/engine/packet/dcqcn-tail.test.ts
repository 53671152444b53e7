// The `paper` profile's permutation tail, explained in closed form: every flow past 3x the median ends when the
// paper's rate recovery (DCQCN-03) from its state at its last CNP says it must. After that CNP nothing slows it
// again: timer steps every T = 55 us, F = 5 fast-recovery steps R_C = (R_T + R_C)/2, then R_T += R_AI (40 Mb/s)
// each step; the byte counter (B = 10 MB) never fires for 2 MB flows. With R_T clamped near the floor by a train of
// CNPs 50 us apart (DCQCN-04 < T), the M bytes left take about F T + sqrt(2 M T / R_AI): 0.5 MB -> 3.2 ms.
// It runs the k=8 permutation itself (about 4 s): the tail is that scenario's.
import { describe, expect, it } from 'vitest';
import { built } from '../../../test/helpers/built-server.ts';
import { simulateYaml } from '../../../test/helpers/simulate.ts';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import { parseScenario } from '../../scenario/load.ts';
import { DCQCN_PROFILE_VALUES } from '../core/dcqcn-profiles.ts';
import { resolveNetwork } from '../core/network.ts';

// simulateYaml runs the built library (test/helpers/simulate.ts): the hook goes on its NIC class.
const { Nics } = await built<typeof import('./nic.ts')>('engine/packet/nic.js');

const PERMUTATION = `
fabric: {topology: fat-tree, hosts: 128, k: 8, nic: 100G, switch: aurcore-32x400g}
network: {mtu: 4000, pfc: true, cc: dcqcn, linkDelay: 1us, switchLatency: 0ns, dcqcn: {profile: paper}}
traffic: [{pattern: permutation, bytes: 2000000}]
engine: packet
`;

/** A QP's state right after a CNP cut it: time, R_C, R_T, packets already sent, packets in all. */
interface Cut {
  t: number;
  rc: number;
  rt: number;
  sent: number;
  pkts: number;
}

/** Runs the scenario and records, per QP, its state after its last CNP (read from the NIC, nothing changed). */
function runRecordingCuts(yaml: string) {
  type Hooked = { cnpArrived(fl: number, now: number): void };
  type Inside = { rp: { rc: Float64Array; rt: Float64Array }; sndNxt: Int32Array; fPkts: Int32Array };
  const proto = Nics.prototype as unknown as Hooked;
  const original = proto.cnpArrived;
  const last = new Map<number, Cut>();
  proto.cnpArrived = function (this: Hooked, fl: number, now: number) {
    original.call(this, fl, now);
    const n = this as unknown as Inside;
    last.set(fl, { t: now, rc: n.rp.rc[fl], rt: n.rp.rt[fl], sent: n.sndNxt[fl], pkts: n.fPkts[fl] });
  };
  try {
    return { r: simulateYaml(yaml, 1), last };
  } finally {
    proto.cnpArrived = original;
  }
}

/** DCQCN-03 from a cut, undisturbed: when the unsent packets (of `wireBits` each) are out, and the rate then. */
function recoveryEnd(c: Cut, wireBits: number, lineBps: number): { endPs: number; rateBps: number } {
  const p = DCQCN_PROFILE_VALUES.paper;
  const T = p.rateTimerPs;
  let rc = c.rc;
  let rt = c.rt;
  let t = c.t;
  let left = (c.pkts - c.sent) * wireBits;
  for (let n = 1; ; n++) {
    const bits = (rc * T) / 1e12;
    if (bits >= left) return { endPs: t + (left / rc) * 1e12, rateBps: rc };
    left -= bits;
    t += T;
    if (n > p.fastRecoverySteps) rt = Math.min(lineBps, rt + p.additiveIncreaseBps);
    rc = Math.min(lineBps, (rt + rc) / 2);
  }
}

describe('the paper profile tail is its rate recovery after the last CNP (DCQCN-03, DCQCN-04)', () => {
  it('k=8 permutation: each flow past 3x the median ends as the recovery from its last cut predicts', () => {
    const { r, last } = runRecordingCuts(PERMUTATION);
    const catalog = loadCatalog();
    const s = parseScenario(PERMUTATION, catalog);
    const net = resolveNetwork(s.network, designFabric(s.fabric, catalog).fabric, catalog);
    const wireBits = (net.mtu + net.headerBytes + net.wireOverheadBytes) * 8;
    // The longest host-to-host round trip on an idle fabric: the last packet's flight and its ACK.
    const rttPs = net.hpcc(100e9).baseRttPs;
    const fct = r.flows.map((f) => f.fctPs).sort((a, b) => a - b);
    const median = (fct[63] + fct[64]) / 2;
    const tail = r.flows.map((f, i) => ({ f, i })).filter(({ f }) => f.fctPs > 3 * median);
    expect(tail.length, 'the paper profile still has a tail past 3x the median').toBeGreaterThan(0);
    for (const { f, i } of tail) {
      const cut = last.get(i);
      expect(cut, `flow ${i} was cut`).toBeDefined();
      if (!cut) continue;
      expect(cut.pkts - cut.sent, 'the byte counter (10 MB) cannot fire').toBeLessThan(10e6 / net.mtu);
      const { endPs, rateBps } = recoveryEnd(cut, wireBits, 100e9);
      // The model sends continuously; the NIC sends whole packets, the last one's delivery and ACK take up to one
      // round trip, and a packet paced at the old rate may straddle each rate change it sees at the cut and at the
      // end: 0 <= end - predicted <= RTT + 2 packet times at the final rate.
      const slack = rttPs + (2 * wireBits * 1e12) / rateBps;
      const msg = `flow ${i}: ends ${(f.endPs / 1e6).toFixed(0)} us, predicted ${(endPs / 1e6).toFixed(0)} us from its cut at ${(cut.t / 1e6).toFixed(0)} us (R_T ${(cut.rt / 1e9).toFixed(3)} Gb/s, ${cut.pkts - cut.sent} packets unsent)`;
      expect(f.endPs - endPs, msg).toBeGreaterThanOrEqual(0);
      expect(f.endPs - endPs, msg).toBeLessThanOrEqual(slack);
    }
  });
});
