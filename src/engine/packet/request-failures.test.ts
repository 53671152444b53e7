// Link failures under the packet engine's request network (request-network.ts, issue 18): what is lost on a failed
// link comes back by the transport's own timer (TCP's RTO with its back-off, RFC 6298; RoCE's go-back-N timer and
// retry limit, IBTA), and a destination routing can no longer reach fails the transfers to it when routing learns
// of it (as the fluid network does, flow/fluid.ts). Times are checked against those closed forms.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import { scenarioSchema } from '../../scenario/schema.ts';
import { resolveNetwork } from '../core/network.ts';
import { PacketRequestNetwork } from './request-network.ts';
import { TcpFlows, TR_DCTCP } from './tcp.ts';

const catalog = loadCatalog();
const MS = 1e6; // ns
const FRAME = 150_528; // a real-time frame (realtime.frame): 37 segments of 4,096 B

function setup(network: object) {
  const s = scenarioSchema.parse({
    fabric: { topology: 'leaf-spine', hosts: 48, switch: 'aurcore-32x400g', border: true },
    network,
    traffic: [{ pattern: 'permutation', bytes: '1MB' }],
  });
  const fabric = designFabric(s.fabric, catalog).fabric;
  const net = resolveNetwork(s.network, fabric, catalog);
  const [h2, h30] = [fabric.hosts[2], fabric.hosts[30]];
  const n = new PacketRequestNetwork(fabric, net, { seed: 1, senders: [h30, fabric.border], border: fabric.border });
  return { n, net, h2, h30, border: fabric.border };
}

/** Runs the network until nothing is due before `until` ns, recording each tag's time and outcome. */
function drain(n: PacketRequestNetwork, until = Number.POSITIVE_INFINITY) {
  const at = new Map<number, { t: number; ok: boolean }>();
  for (let t = n.nextTime(); t <= until && t < Number.POSITIVE_INFINITY; t = n.nextTime())
    n.advance(t, (tag, ok) => {
      at.set(tag, { t, ok });
    });
  if (until < Number.POSITIVE_INFINITY && n.timeNs < until)
    n.advance(until, (tag, ok) => at.set(tag, { t: until, ok }));
  return at;
}

describe('a flapping link under TCP frames (routing never learns: detection 1 s)', () => {
  // h2's only link is down from 50 ms for X ms. A warm connection (one frame before, RTT samples of a few us) has
  // RTO = max(minRto, SRTT + 4 RTTVAR) = minRto = 10 ms (RFC 6298 2.4; minRto 10 ms, the DCTCP testbed's). A frame
  // started at t0 inside the outage loses its first window; its timer fires at t0 + R (2^k - 1), k = 1, 2, ... (the
  // back-off doubles it, rule 5.5); the first firing at or after the link's return resends it, in slow start from one
  // segment (RFC 5681 3.1): delivered within a few round trips after that firing.
  const R = 10 * MS;
  const cases = [
    { X: 5 * MS, k: 1 },
    { X: 25 * MS, k: 2 },
  ];
  for (const { X, k } of cases)
    it(`down ${X / MS} ms: delivered at t0 + R (2^${k} - 1) + slow start (t0 + R (2^k - 1) is the first after the return)`, () => {
      const a = 50 * MS;
      const { n, h2, border } = setup({
        failures: [{ link: 'h2-leaf0', at: `${a / MS}ms`, until: `${(a + X) / MS}ms` }],
        detectionDelay: '1s',
      });
      n.start(0, border, h2, FRAME, 3, 1);
      drain(n, a);
      const t0 = a + 1 * MS;
      n.advance(t0, () => {});
      n.start(t0, border, h2, FRAME, 3, 2);
      const got = drain(n).get(2);
      if (!got) throw new Error('frame 2 never came back');
      expect(got.ok).toBe(true);
      const fire = t0 + R * (2 ** k - 1);
      expect(fire).toBeGreaterThanOrEqual(a + X);
      expect(fire - R * 2 ** (k - 1)).toBeLessThan(a + X);
      // Then the 37 segments from a window of one: after one timeout slow start (RFC 3465 L = 2: 1, 3, 9, 24 a
      // round; 4 round trips of ~5 us), after two ssthresh is 2 and the window grows by one a round (9 rounds):
      // above the idle closed form by less than 10 round trips (50 us). Measured: 19.8 us and 32.8 us.
      const ideal = n.unloadedDelayNs(border, h2, FRAME, 3);
      expect(got.t - fire).toBeGreaterThanOrEqual(ideal);
      expect(got.t - fire).toBeLessThan(ideal + 50_000);
    });
});

describe('RoCE east-west through a link that stays down: the QP gives up, the transfer fails, the slot is reused', () => {
  it('fails at t0 + rto (2^(retryCount + 1) - 1) (IBTA retry exceeded), and the next transfer takes the closed form', () => {
    // rto 100 us, 3 retries: timeouts at t0 + 100, 300, 700 us resend; the fourth, at t0 + 1.5 ms, is the error.
    const a = 1 * MS;
    const { n, h2, h30 } = setup({
      failures: [{ link: 'h2-leaf0', at: '1ms', until: '5ms' }],
      detectionDelay: '1s',
      rto: '100us',
      retryCount: 3,
    });
    const t0 = a + 1000;
    n.advance(t0, () => {});
    n.start(t0, h30, h2, 1_000_000, 7, 1);
    const got = drain(n, 6 * MS).get(1);
    expect(got).toEqual({ t: t0 + 100_000 * (2 ** 4 - 1), ok: false });
    expect(n.stats().counters.qpErrors).toBe(1);
    // The link is back: a new transfer on the same (halted) slot starts past everything it sent, at line rate.
    const t1 = n.timeNs;
    n.start(t1, h30, h2, 1_000_000, 7, 2);
    const next = drain(n, 1000 * MS).get(2);
    expect(next).toEqual({ t: t1 + n.unloadedDelayNs(h30, h2, 1_000_000, 7), ok: true });
    const st = n.stats();
    expect(st.transfersFailed).toBe(1);
    expect(st.bytesFailed).toBe(1_000_000);
    expect(st.bytesDelivered).toBe(1_000_000);
    expect(st.bytesInFlight).toBe(0);
    // What the failed transfer got through before the link went (nothing: it started after) is counted apart.
    expect(st.slotPayloadDelivered - st.failedPartBytes).toBe(1_000_000);
  });
});

describe('a destination routing can no longer reach (h2 cut off for good, detection 1 ms)', () => {
  it('transfers to it fail when routing learns of it, new ones at once; others are not touched', () => {
    const a = 10 * MS;
    const D = 1 * MS;
    const { n, h2, h30, border } = setup({ failures: [{ link: 'h2-leaf0', at: '10ms' }], detectionDelay: '1ms' });
    const at = new Map<number, { t: number; ok: boolean }>();
    const run = (until: number) => {
      for (const [k, v] of drain(n, until)) at.set(k, v);
    };
    // Frame 1 is partly through when h2's link fails (4 us in; alone it takes 5.4 us); frame 2 starts after.
    n.advance(a - 4000, () => {});
    n.start(a - 4000, border, h2, FRAME, 3, 1);
    run(a + 100_000);
    n.start(a + 100_000, border, h2, FRAME, 3, 2);
    n.start(a + 100_000, border, h30, FRAME, 5, 3);
    run(a + D + 5000);
    n.start(a + D + 5000, border, h2, FRAME, 3, 4);
    run(a + D + 1 * MS);
    expect(at.get(1)).toEqual({ t: a + D, ok: false });
    expect(at.get(2)).toEqual({ t: a + D, ok: false });
    expect(at.get(3)?.ok).toBe(true);
    expect(at.get(4)).toEqual({ t: a + D + 5000, ok: false });
    const st = n.stats();
    expect(st.transfersFailed).toBe(3);
    expect(st.bytesStarted).toBe(st.bytesDelivered + st.bytesFailed + st.bytesInFlight);
    expect(st.failedPartBytes).toBeGreaterThan(0);
    expect(st.slotPayloadDelivered - st.failedPartBytes).toBe(st.bytesDelivered);
  });
});

describe('TCP back-off ceiling', () => {
  it('a connection without an RTT sample backs off 1, 2, 4 ... 64 s, then stays at 120 s (Linux TCP_RTO_MAX)', () => {
    const { net } = setup({});
    const z = () => new Int32Array(1);
    const tcp = new TcpFlows(Uint8Array.of(TR_DCTCP), net.tcp, net.mtu, z(), z(), z());
    const s = [0, 1, 6, 7, 15].map((r) => tcp.backedOffPs(0, r) / 1e12);
    expect(s).toEqual([1, 2, 64, 120, 120]);
  });
});
