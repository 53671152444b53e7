// The packet engine as a request network (request-network.ts): a transfer alone takes the closed-form time of its
// packets on an idle path, slots are reused and a transfer waits for a free one, and the bytes add up.
import { describe, expect, it } from 'vitest';
import { drainDelivered as drain } from '../../../test/helpers/request-network.ts';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import { scenarioSchema } from '../../scenario/schema.ts';
import { resolveNetwork } from '../core/network.ts';
import { PacketRequestNetwork } from './request-network.ts';

const catalog = loadCatalog();
const s = scenarioSchema.parse({
  fabric: { topology: 'leaf-spine', hosts: 48, switch: 'aurcore-32x400g', border: true },
  traffic: [{ pattern: 'permutation', bytes: '1MB' }],
});
const fabric = designFabric(s.fabric, catalog).fabric;
const net = resolveNetwork(s.network, fabric, catalog);
const [h1, h2, h3] = [fabric.hosts[1], fabric.hosts[2], fabric.hosts[30]];
const border = fabric.border;

const make = (slots?: number) =>
  new PacketRequestNetwork(fabric, net, { seed: 1, senders: [h1, border], border, slotsPerSender: slots });

describe('packet request network', () => {
  it('a RoCE transfer alone arrives at the closed form of its packets on the path (to the ns)', () => {
    const n = make();
    const bytes = 1_000_000;
    n.start(0, h1, h3, bytes, 7, 1);
    const at = drain(n);
    // Pipelined store and forward at 400G on every hop (request-probe.ts unloadedPs), rounded up to the ns the
    // service sees. DCQCN starts at line rate, so nothing else adds: exact.
    expect(at.get(1)).toBe(n.unloadedDelayNs(h1, h3, bytes, 7));
  });

  it('a north-south TCP transfer within the initial window (10 segments, RFC 6928) also takes the closed form', () => {
    const n = make();
    const bytes = 10 * net.mtu;
    n.start(0, border, h2, bytes, 3, 5);
    expect(drain(n).get(5)).toBe(n.unloadedDelayNs(border, h2, bytes, 3));
  });

  it('a slot is reused warm: a frame after one that opened the window takes the closed form (slow start once)', () => {
    const n = make();
    const frame = 150_528; // 37 segments: above the initial window of 10
    n.start(0, border, h2, frame, 3, 1);
    const first = drain(n).get(1) ?? 0;
    const ideal = n.unloadedDelayNs(border, h2, frame, 3);
    // Cold: two extra rounds of slow start (10, 20, then 7 segments).
    expect(first).toBeGreaterThan(ideal + 1000);
    // Drained: the connection's timers have run out too; the next frame comes 1 us later.
    const t0 = n.timeNs + 1000;
    n.advance(t0, () => {});
    n.start(t0, border, h2, frame, 3, 2);
    expect((drain(n).get(2) ?? 0) - t0).toBe(ideal);
  });

  it('two slots carry ten transfers in order at line rate; eight waited, and every byte is accounted for', () => {
    const n = make(2);
    const bytes = 1_000_000;
    for (let i = 0; i < 10; i++) n.start(0, h1, h3, bytes, 11, i);
    const at = drain(n);
    const st = n.stats();
    expect(st.waited).toBe(8);
    expect(st.transfersDelivered).toBe(10);
    expect(st.bytesDelivered).toBe(10 * bytes);
    expect(st.bytesInFlight).toBe(0);
    // The NICs' in-order payload of the slots is the transfers' bytes, counted apart.
    expect(st.slotPayloadDelivered).toBe(10 * bytes);
    expect(st.counters.deliveredBytes).toBe(10 * bytes);
    // Two QPs share h1's port in round robin, so a pair finishes together and both slots wait for their last ACK
    // while the port idles (about one RTT), then take the next pair. So the last delivery is the unloaded time of
    // all ten back to back plus at most one RTT (two one-packet trips) at each of the 4 pair boundaries. One slot
    // would idle at all 9 boundaries: 10 x 22.8 us = 228 us, past this bound (221 us).
    const last = Math.max(...at.values());
    const ideal = n.unloadedDelayNs(h1, h3, 10 * bytes, 11);
    const rtt = 2 * n.unloadedDelayNs(h1, h3, net.mtu, 11);
    expect(last).toBeGreaterThanOrEqual(ideal);
    expect(last).toBeLessThanOrEqual(ideal + 4 * rtt);
    for (let i = 2; i < 10; i++) expect(at.get(i)).toBeGreaterThanOrEqual(at.get(i - 2) ?? 0);
  });

  it('a token behind a queue waits for the bytes ahead of it, at the microsecond (the probe reads the queues)', () => {
    const n = make();
    const m = new PacketRequestNetwork(fabric, net, { seed: 1, senders: [h1, h2, border], border });
    const idle = n.messageDelayNs(0, h1, border, 80, 9);
    // Idle: one 80 B token frame with TCP headers per hop, plus propagation and switch latency.
    expect(idle).toBe(n.unloadedDelayNs(h1, border, 80, 9));
    // h1 and h2 (one leaf) each send 8 MB to border0 on the token's hash: the same uplink, 800G in and 400G out.
    m.start(0, h1, border, 8_000_000, 9, 1);
    m.start(0, h2, border, 8_000_000, 9, 2);
    m.advance(20_000, () => {});
    const busy = m.messageDelayNs(20_000, h1, border, 80, 9);
    // The uplink's lossy queue grows at most at 400G (one line's worth of excess) for the 20 us: at most 20 us of
    // wait; slow start (10 segments, doubling per ~2.5 us round trip) leaves it well above 1 us by then.
    expect(busy - idle).toBeGreaterThan(1000);
    expect(busy - idle).toBeLessThanOrEqual(20_000);
  });
});
