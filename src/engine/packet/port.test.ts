// The ports' count of switch queues holding bytes (what stats.ts's sample walks the ports for), against a count
// over every port's queue, through enqueues, departures and a failed link's flush. Real fabric, ports driven by
// hand (no event loop).
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../base/random.ts';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import { zeroCounters } from '../../result/types.ts';
import { parseScenario } from '../../scenario/load.ts';
import { resolveNetwork } from '../core/network.ts';
import { Clock } from './events.ts';
import { C_LOSSY, C_ROCE, NC, PacketPool, T_DATA } from './packets.ts';
import { Ports } from './port.ts';
import { Topology } from './topology.ts';

function build() {
  const catalog = loadCatalog();
  const s = parseScenario('fabric: {topology: leaf-spine, hosts: 4, nic: 100G, switch: aurcore-32x400g}\n', catalog);
  const f = designFabric(s.fabric, catalog).fabric;
  const net = resolveNetwork(s.network, f, catalog);
  const topo = new Topology(f, net);
  const c = zeroCounters();
  const pool = new PacketPool(c, 64);
  const ports = new Ports(new Clock(), topo, pool, net, c, createRandom(1, 'test'));
  ports.nic = { nextDataPacket: () => -1 };
  return { topo, pool, ports };
}

describe('switch ports holding bytes (the queue sampler walks only until it has seen them all)', () => {
  it('the count equals the switch ports whose queue holds bytes, after every step', () => {
    const { topo, pool, ports } = build();
    const all = Array.from({ length: topo.P }, (_, p) => p);
    const held = () => all.filter((p) => !ports.fromHost(p) && ports.queueBytes(p) > 0).length;
    const [a, b] = all.filter((p) => !ports.fromHost(p));
    const host = all.find((p) => ports.fromHost(p)) as number;
    const counts: number[] = [];
    const step = () => {
      expect(ports.queuedSwitchPorts).toBe(held());
      counts.push(held());
    };
    // Port a: one frame goes on the wire at once, two wait (RoCE and lossy); port b: two wait; a host port: one.
    for (const [p, cls] of [
      [a, C_ROCE],
      [a, C_ROCE],
      [a, C_LOSSY],
      [b, C_ROCE],
      [b, C_ROCE],
      [b, C_ROCE],
      [host, C_ROCE],
      [host, C_ROCE],
    ]) {
      ports.enqueue(p, pool.alloc(0, T_DATA, cls, 0, 1000, 1082, 1));
      step();
    }
    // Port a drains frame by frame; port b's link fails and its queues are flushed.
    for (let n = 0; n < 3; n++) {
      ports.finishTx(a);
      ports.tryStart(a);
      step();
    }
    for (let c = 0; c < NC; c++) {
      ports.takeAll(b, c);
      step();
    }
    // Enqueues: a waits with nothing (the first frame is on the wire), then holds bytes; b likewise; host ports
    // never count. Departures: a still holds its lossy frame, then is empty. Flushes: control (empty), RoCE, lossy.
    expect(counts).toEqual([0, 1, 1, 1, 2, 2, 2, 2, 2, 1, 1, 1, 0, 0]);
  });
});
