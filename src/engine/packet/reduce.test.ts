// A switch's reduction element (reduce.ts) on a port it shares with forwarded traffic of its class: a SHARP
// all-reduce of 4 ranks on one leaf, and a long RoCE flow from another host into rank h0, both lossless, no
// congestion control (PFC holds the flow's packets queued at the leaf's port to h0 all along). The element and
// the forwarded queue take turns at the port, so the element's result reaches h0 at half the port's data rate.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../contract.ts';

const QUANTUM_2 = [new URL('../../../catalog/examples/quantum-2.yaml', import.meta.url).pathname];
const S = 8 * 2 ** 20;
const P = S / 4096;
// Wire bytes of a 4,096 B data frame (62 B of headers, 20 B preamble and gap) and of an ACK (4 B AETH).
const DATA_WIRE = 4096 + 62 + 20;
const ACK_WIRE = 4 + 62 + 20;

describe('a reduction element shares its port with forwarded packets of its class', () => {
  it('SHARP beside a forwarded flow into h0: the result gets half the port (closed form, within 2%)', () => {
    const y = `
fabric: {topology: leaf-spine, hosts: 8, nic: 400G, switch: nvidia-qm9700}
network: {pfc: true, cc: none}
traffic:
  - {collective: all-reduce, algorithm: sharp, bytes: ${S}, ranks: 4}
  - {pattern: incast, senders: [h7], receiver: h0, bytes: 64MB}
`;
    const { result: r } = runScenario('packet', y, QUANTUM_2);
    for (const inv of r.invariants) expect(inv.ok, `${inv.name}: ${inv.detail}`).toBe(true);
    expect(r.counters.bufferDrops).toBe(0);
    // The port to h0 carries, per packet of the result, one of the flow's frames beside it (turns) and the ACK of
    // h0's own packet up (control goes first): P (2 data + 1 ACK) frames at 400G, after CollNet's 30 us
    // (tuning.cc hwLat). Yielding instead (the element sending only when the queue is empty) leaves it the
    // flow's 64 MB to wait for: over 1.3 ms.
    const want = 30e6 + (P * (2 * DATA_WIRE + ACK_WIRE) * 8e12) / 400e9;
    const got = r.ops?.[0].timePs ?? 0;
    expect(Math.abs(got / want - 1), `sharp op ${got} ps, closed form ${want} ps`).toBeLessThan(0.02);
  });
});
