// The packet request network on hosts of several links (fabric.planes: 2, Alibaba HPN, SIGCOMM 2024): each slot
// sends on the port its transfer's hash picks (qp-setup.ts spreadQpPorts, as a switch picks among ECMP members and
// as the job's QPs do, planes.test.ts), so transfers of one host use both planes at once when their hashes differ
// and share one when they agree. Checked against the idle closed form of each transfer's own path.
import { describe, expect, it } from 'vitest';
import { drainDelivered as drain } from '../../../test/helpers/request-network.ts';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import { scenarioSchema } from '../../scenario/schema.ts';
import { resolveNetwork } from '../core/network.ts';
import { PacketRequestNetwork } from './request-network.ts';

const catalog = loadCatalog();
const s = scenarioSchema.parse({
  fabric: { topology: 'leaf-spine', hosts: 32, switch: 'aurcore-32x400g', border: true, planes: 2 },
  traffic: [{ pattern: 'permutation', bytes: '1MB' }],
});
const fabric = designFabric(s.fabric, catalog).fabric;
const net = resolveNetwork(s.network, fabric, catalog);
const [h1, h20] = [fabric.hosts[1], fabric.hosts[20]];
const BYTES = 4_000_000;

const make = () => new PacketRequestNetwork(fabric, net, { seed: 1, senders: [h1], border: fabric.border });

/** The port of h1 a transfer of `hash` to h20 leaves by: the first hop of its path. */
function portOf(hash: number): number {
  const n = make();
  n.start(0, h1, h20, BYTES, hash, 0);
  // h1's first RoCE slot (the top of its stack) carries it.
  return n.nics.qpPort[n.slotBase];
}

describe('packet request network on two planes', () => {
  // Two hashes whose transfers leave h1 by different ports, and two by the same (the slot's qpPort, read back).
  const hashes = Array.from({ length: 8 }, (_, i) => i + 1);
  const ports = hashes.map(portOf);
  const other = hashes.find((_, i) => ports[i] !== ports[0]);
  const same = hashes.find((_, i) => i > 0 && ports[i] === ports[0]);

  it('h1 has two links and its transfers are spread over both by their hash', () => {
    expect(fabric.adjStart[h1 + 1] - fabric.adjStart[h1]).toBe(2);
    expect(new Set(ports).size).toBe(2);
    expect(other).toBeDefined();
    expect(same).toBeDefined();
  });

  it('a transfer alone takes the closed form of its own plane (the NIC speed / 2), to the ns', () => {
    const n = make();
    n.start(0, h1, h20, BYTES, 1, 1);
    const at = drain(n).get(1) ?? 0;
    expect(at).toBe(n.unloadedDelayNs(h1, h20, BYTES, 1));
    // 4 MB at 200G of payload share 4096 / (4096 + 62 + 20): ~167 us, against ~84 us at the NIC's 400G.
    const planeNs = ((BYTES * 8) / (200e9 * (net.mtu / (net.mtu + net.headerBytes + net.wireOverheadBytes)))) * 1e9;
    expect(at / planeNs).toBeGreaterThan(1);
    expect(at / planeNs).toBeLessThan(1.01);
  });

  it('two at once on different planes each take their closed form; on one plane the pair takes twice as long', () => {
    const apart = make();
    apart.start(0, h1, h20, BYTES, 1, 1);
    apart.start(0, h1, h20, BYTES, other ?? 0, 2);
    const a = drain(apart);
    // Each alone on its port (the receiver's two ports likewise): within 1% of its own idle time (ACKs share).
    expect(Math.abs((a.get(1) ?? 0) / apart.unloadedDelayNs(h1, h20, BYTES, 1) - 1)).toBeLessThan(0.01);
    expect(Math.abs((a.get(2) ?? 0) / apart.unloadedDelayNs(h1, h20, BYTES, other ?? 0) - 1)).toBeLessThan(0.01);
    const shared = make();
    shared.start(0, h1, h20, BYTES, 1, 1);
    shared.start(0, h1, h20, BYTES, same ?? 0, 2);
    const b = drain(shared);
    // One port in round robin: both finish at about twice the serialization of one (2% for latency and ACKs).
    const last = Math.max(b.get(1) ?? 0, b.get(2) ?? 0);
    expect(Math.abs(last / (2 * shared.unloadedDelayNs(h1, h20, BYTES, 1)) - 1)).toBeLessThan(0.02);
  });
});
