import { describe, expect, it } from 'vitest';
import { accessAgg96 } from '../../../test/helpers/fabrics.ts';
import { allInvariantsOk } from '../../../test/helpers/simulate.ts';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import type { Fabric, NodeId } from '../../fabric/types.ts';
import { fabricSpec, networkSchema } from '../../scenario/schema.ts';
import { plainTransfer, type Transfer } from '../../workload/program.ts';
import { resolveNetwork } from '../core/network.ts';
import { runPacket } from './engine.ts';

// QP port failover on hosts of several links (failover.ts): after the detection delay a QP on a dead port
// re-hashes over its host's live ports; what it sent into the dead link is lost and go-back-N recovers it.
const catalog = loadCatalog();
const US = 1e6;
type Net = Record<string, unknown>;

const xfers = (g: Fabric, pairs: [number, number][], bytes: number): Transfer[] =>
  pairs.map(([s, d], i) => plainTransfer(i, g.hosts[s] as NodeId, g.hosts[d] as NodeId, bytes, 0, 0, 'roce'));
// 5 ms of simulated time: a stranded QP gives up by 0.7 ms (timeouts 100, 300 and 700 us after its last
// progress); without a bound the queue sampling runs on to the engine's 10 s cap.
const run = (g: Fabric, transfers: Transfer[], network: Net = {}) =>
  runPacket(g, { transfers, ops: [] }, { seed: 1, network: networkSchema.parse(network) }, catalog, {
    seed: 1,
    maxTimePs: 5e9,
  });
const completed = (r: ReturnType<typeof run>) => r.invariants.find((x) => x.name === 'every flow completed')?.ok;

const accessAgg = (dualHomed: boolean) => accessAgg96(catalog, dualHomed);
const planes = designFabric(
  fabricSpec({ topology: 'leaf-spine', hosts: 64, switch: 'aurcore-32x400g', planes: 2 }),
  catalog,
).fabric;

// Eight servers behind access0 send 300 KB each (96 us at 25G) across the fabric; access0 fails 30 us in.
// A 100 us first timeout (instead of ConnectX's 4 s default) keeps the run short; 20 us detection.
const accessFailure: Net = {
  failures: [{ switch: 'access0', at: '30us' }],
  detectionDelay: '20us',
  rto: '100us',
  retryCount: 2,
};
const accessPairs: [number, number][] = Array.from({ length: 8 }, (_, i) => [i, 90 - i]);

describe('packet engine: failover on hosts of several links', () => {
  it('dual-homed: access0 fails mid-transfer, every flow completes through access1, bytes conserved', () => {
    const g = accessAgg(true);
    const r = run(g, xfers(g, accessPairs, 300e3), accessFailure);
    allInvariantsOk(r);
    expect(r.counters.failureDrops).toBeGreaterThan(0);
    expect(r.flows?.length).toBe(8);
  });

  it('negative control: single-homed, the same failure strands the flows of the servers behind access0', () => {
    const g = accessAgg(false);
    const r = run(g, xfers(g, accessPairs, 300e3), accessFailure);
    expect(completed(r)).toBe(false);
    expect(r.counters.qpErrors).toBeGreaterThan(0);
  });

  it('dual-plane: plane 0 leaf0 fails mid-transfer, every flow completes in plane 1, bytes conserved', () => {
    // h0..h7 sit on leaf0 in plane 0; they send 1 MB each (40 us at 200G per port) to hosts on other leaves.
    const pairs: [number, number][] = Array.from({ length: 8 }, (_, i) => [i, 63 - i]);
    const r = run(planes, xfers(planes, pairs, 1e6), {
      failures: [{ switch: 'leaf0', at: '10us' }],
      detectionDelay: '20us',
      rto: '100us',
    });
    allInvariantsOk(r);
    expect(r.counters.failureDrops).toBeGreaterThan(0);
  });
});

// When traffic resumes after h0's port fails under its only QP (h0 -> h63, 1 MB, one plane port at 200G; seed 1
// puts it on h0-leaf0). The QP is not told of the failure: its port stops sending (link down), and after the
// detection delay D it moves to the live port. From there go-back-N decides:
// - the QP still had data to send (failure at 10 us, 40.8 us of sending): its next packet on the new port reaches
//   the receiver out of order, whose NAK rewinds it one round trip R later: FCT = FCT0 + D + R;
// - it had sent everything (failure at 42 us): nothing new reaches the receiver, so only its retransmission
//   timer rewinds it. The timer runs from the QP's last progress (the last ACK before the failure, about tf),
//   not from the move: with RTO > D it fires at tf + RTO (FCT = tf + RTO + R); with RTO < D it fired (and
//   rewound the QP) while the port was down, so the QP resends at the move (FCT = tf + D + R). Either way the
//   pause is max(D, RTO), not D + RTO.
// R = FCT0 - S / payload rate, the round trip of the no-failure run. Tolerance: what was on the failed hop at tf
// is lost (its propagation, leaf0's forwarding latency counted on the link, one frame in serialization) and
// the last ACK may precede tf by a frame: prop + latency + 2 frames (0.95 us, under 2% of every pause).
describe('packet engine: when traffic resumes after a host port fails', () => {
  const S = 1e6;
  const T = xfers(planes, [[0, 63]], S);
  const net = resolveNetwork(networkSchema.parse({}), planes, catalog);
  const wire = net.mtu + net.headerBytes + net.wireOverheadBytes;
  const payloadBps = (200e9 * net.mtu) / wire;
  const framePs = (wire * 8e12) / 200e9;
  const h0leaf0 = planes.links.find((l) => planes.nodes[l.a].name === 'h0' && planes.nodes[l.b].name === 'leaf0');
  const leaf0 = planes.nodes.find((n) => n.name === 'leaf0');
  const tol = net.propPs(h0leaf0?.id ?? 0) + net.switchLatencyPs(leaf0?.id ?? 0) + 2 * framePs;
  const fct0 = run(planes, T).flows?.[0]?.fctPs ?? 0;
  const R = fct0 - (S * 8e12) / payloadBps;
  const cases = [
    { name: 'more to send: the NAK, D + R', at: 10, D: 20, rto: 1000, want: fct0 + 20 * US + R, naks: 1, timeouts: 0 },
    { name: 'all sent, RTO > D: the timer', at: 42, D: 20, rto: 100, want: 142 * US + R, naks: 0, timeouts: 1 },
    { name: 'all sent, RTO < D: the move', at: 42, D: 50, rto: 20, want: 92 * US + R, naks: 0, timeouts: 1 },
  ];
  for (const c of cases)
    it(`${c.name} (failure at ${c.at} us, D ${c.D} us, RTO ${c.rto} us)`, () => {
      const r = run(planes, T, {
        failures: [{ link: 'h0-leaf0', at: `${c.at}us` }],
        detectionDelay: `${c.D}us`,
        rto: `${c.rto}us`,
      });
      allInvariantsOk(r);
      expect(tol).toBeLessThan(1 * US);
      expect(Math.abs((r.flows?.[0]?.fctPs ?? 0) - c.want)).toBeLessThanOrEqual(tol);
      expect(r.counters.naks).toBe(c.naks);
      expect(r.counters.timeouts).toBe(c.timeouts);
      expect(r.counters.failureDrops).toBeGreaterThan(0);
    });
});
