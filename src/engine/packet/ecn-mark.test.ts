// Where a switch decides the ECN mark (network.dcqcn.markAt): on the queue an arriving packet finds (the DCQCN
// paper's CP) or on the queue left behind a departing one (HPCC's ns-3 switch, ECN-01). One switch egress port
// with a real fabric's ports and packet pool, driven by hand (no event loop).
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../base/random.ts';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import { zeroCounters } from '../../result/types.ts';
import { parseScenario } from '../../scenario/load.ts';
import { resolveNetwork } from '../core/network.ts';
import { Clock } from './events.ts';
import { B_ECN, C_ROCE, PacketPool, PK, PK_BITS, T_DATA } from './packets.ts';
import { Ports } from './port.ts';
import { Topology } from './topology.ts';

const FRAME = 4082;

function build(dcqcn: string) {
  const catalog = loadCatalog();
  // Kmin = Kmax = 1.5 frames, Pmax 1: a packet is marked exactly when more than 1.5 frames of its class are queued.
  const s = parseScenario(
    `fabric: {topology: leaf-spine, hosts: 4, nic: 100G, switch: aurcore-32x400g}\nnetwork: {ecn: {kmin: ${1.5 * FRAME}B, kmax: ${1.5 * FRAME}B, pmax: 1}, dcqcn: ${dcqcn}}\n`,
    catalog,
  );
  const f = designFabric(s.fabric, catalog).fabric;
  const net = resolveNetwork(s.network, f, catalog);
  const topo = new Topology(f, net);
  const clock = new Clock();
  const c = zeroCounters();
  const pool = new PacketPool(c, 64);
  const ports = new Ports(clock, topo, pool, net, c, createRandom(1, 'test'));
  ports.nic = { nextDataPacket: () => -1 };
  // A switch egress port: its sender is not a host.
  const p = Array.from({ length: topo.P }, (_, i) => i).find((i) => !topo.isHost[topo.portFrom[i]]) as number;
  return { net, pool, ports, p };
}

/** Four frames arrive back to back at an idle port, then leave one by one: which of them carry CE. */
function marks(dcqcn: string): boolean[] {
  const { pool, ports, p } = build(dcqcn);
  const ids = [0, 1, 2, 3].map((n) => {
    const id = pool.alloc(0, T_DATA, C_ROCE, n, FRAME - 82, FRAME, 1);
    ports.enqueue(p, id);
    return id;
  });
  // The first went on the wire at once; each finished transmission lets the next one start.
  for (let n = 0; n < 3; n++) {
    ports.finishTx(p);
    ports.tryStart(p);
  }
  return ids.map((id) => (pool.pk[id * PK + PK_BITS] & B_ECN) !== 0);
}

describe('ECN marking at enqueue or at dequeue (network.dcqcn.markAt)', () => {
  it('the paper profile marks at enqueue, the ConnectX profiles at dequeue; markAt overrides either', () => {
    expect(build('{profile: paper}').net.ecnMarkAtEnqueue).toBe(true);
    expect(build('{profile: connectx}').net.ecnMarkAtEnqueue).toBe(false);
    expect(build('{profile: hpcc-ns3}').net.ecnMarkAtEnqueue).toBe(false);
    expect(build('{profile: paper, markAt: dequeue}').net.ecnMarkAtEnqueue).toBe(false);
    expect(build('{profile: connectx, markAt: enqueue}').net.ecnMarkAtEnqueue).toBe(true);
  });

  it('at enqueue the last arrival is marked: it found 2 frames queued (the first is already on the wire)', () => {
    // Queued ahead of each arrival: 0 (idle port), 0 (frame 0 left the queue for the wire), 1 frame, 2 frames.
    expect(marks('{markAt: enqueue}')).toEqual([false, false, false, true]);
  });

  it('at dequeue the first waiting frame is marked: it leaves 2 frames behind it (ECN-01)', () => {
    // Queued behind each departure: 0 (frame 0 left at once), 2 frames, 1 frame, 0.
    expect(marks('{markAt: dequeue}')).toEqual([false, true, false, false]);
  });
});
