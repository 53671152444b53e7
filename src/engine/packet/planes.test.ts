import { describe, expect, it } from 'vitest';
import { allInvariantsOk } from '../../../test/helpers/simulate.ts';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import { fabricSpec, networkSchema } from '../../scenario/schema.ts';
import { plainTransfer, type Transfer } from '../../workload/program.ts';
import { resolveNetwork } from '../core/network.ts';
import { runFlow } from '../flow/engine.ts';
import { runPacket } from './engine.ts';

// A NIC split over two planes (fabric.planes: 2, Alibaba HPN, SIGCOMM 2024): each QP sends on the port its flow
// hash picks, as the flow engine's path walk does, and each port round-robins over its own QPs.
const catalog = loadCatalog();
const S = 400e9;
const f = designFabric(
  fabricSpec({ topology: 'leaf-spine', hosts: 64, switch: 'aurcore-32x400g', planes: 2 }),
  catalog,
).fabric;
const xfer = (id: number, src: number, dst: number, bytes: number): Transfer =>
  plainTransfer(id, f.hosts[src] as never, f.hosts[dst] as never, bytes, 0, 0, 'roce');
const run = (engine: 'packet' | 'flow', transfers: Transfer[]) =>
  (engine === 'packet' ? runPacket : runFlow)(f, { transfers, ops: [] }, { seed: 1 }, catalog, { seed: 1 });

describe('two planes on the packet engine', () => {
  it('one QP runs at the NIC speed / 2: 20 MB at 200G x mtu / frame (within 1%: the path latency)', () => {
    const r = run('packet', [xfer(0, 0, 63, 20e6)]);
    allInvariantsOk(r);
    const net = resolveNetwork(networkSchema.parse({}), f, catalog);
    const payloadBps = ((S / 2) * net.mtu) / (net.mtu + net.headerBytes + net.wireOverheadBytes);
    const ratio = (r.flows?.[0]?.fctPs ?? 0) / ((20e6 * 8 * 1e12) / payloadBps);
    expect(ratio).toBeGreaterThan(1);
    expect(ratio).toBeLessThan(1.01);
  });

  it("four QPs of h0 take the flow engine's ports: each one's time within 2% of the flow engine's", () => {
    const transfers = [40, 41, 42, 43].map((d, i) => xfer(i, 0, d, 4e6));
    const p = run('packet', transfers);
    const fl = run('flow', transfers);
    allInvariantsOk(p);
    const times = (r: typeof p) => (r.flows ?? []).map((x) => x.fctPs);
    // Seed 1 puts one QP alone on one port (about 4 MB / 200G) and three on the other (three times as long):
    // both ports carry traffic at once.
    const fast = Math.min(...times(fl));
    expect(Math.max(...times(fl)) / fast).toBeGreaterThan(2.5);
    for (const [i, t] of times(p).entries()) expect(Math.abs(t / times(fl)[i] - 1), `flow ${i}`).toBeLessThan(0.02);
  });
});
