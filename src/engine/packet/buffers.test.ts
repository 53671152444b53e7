import { describe, expect, it } from 'vitest';
import { allInvariantsOk, invariant, simulateYaml } from '../../../test/helpers/simulate.ts';

const run = (network: string, traffic: string) =>
  simulateYaml(`
fabric: {topology: leaf-spine, hosts: 16, nic: 100G, switch: aurcore-32x100g}
network: ${network}
traffic: [${traffic}]
`);
const hostTier = (r: ReturnType<typeof run>) => r.headroom?.find((t) => t.cable === 'host');
const ONE = '{flows: [{src: h0, dst: h1, bytes: 1MB}]}';
const INCAST = '{pattern: incast, receiver: h0, bytes: 2MB}';

describe('cable lengths per tier (network.cables)', () => {
  const short = run('{cables: {host: 0m}}', ONE);
  const long = run('{cables: {host: 100m}}', ONE);

  it('set propagation at 5 ns/m: 100 m more of host cable adds 4 x 500 ns to a flow under one leaf', () => {
    // h0 -> leaf0 -> h1 and the ACK back: four cable traversals (PFC-02's 5 ns/m).
    const extraPs = 4 * 100 * 5000;
    expect(long.flows[0].idealFctPs - short.flows[0].idealFctPs).toBe(extraPs);
    expect(long.flows[0].fctPs - short.flows[0].fctPs).toBe(extraPs);
    expect(hostTier(long)?.propagationNs).toBe(500);
  });

  it('set the headroom: 100 m more adds the round trip, 2 x 500 ns x 12.5 B/ns = 12,500 B (PFC-02)', () => {
    expect(hostTier(long)!.headroomBytes - hostTier(short)!.headroomBytes).toBe(12500);
    // Every port entry carries the headroom its receiving switch reserves: h0's uplink feeds leaf0.
    const up = long.ports.find((p) => p.node === 'h0');
    expect(up?.headroomBytes).toBe(hostTier(long)!.headroomBytes);
  });

  it('leave the other tiers at their length class (leaf-spine: row, 30 m)', () => {
    expect(long.headroom?.find((t) => t.cable === 'leaf')?.cableM).toBe(30);
  });
});

describe('PFC headroom from 1 km host cables under a 15:1 incast without congestion control (PFC-02)', () => {
  it('with the computed headroom: no drop, and the most used stays within it', () => {
    const r = run('{cc: none, cables: {host: 1km}}', INCAST);
    const t = hostTier(r)!;
    expect(r.counters.bufferDrops).toBe(0);
    expect(t.peakHeadroomBytes).toBeGreaterThan(0);
    expect(t.peakHeadroomBytes).toBeLessThanOrEqual(t.headroomBytes);
    allInvariantsOk(r);
  });

  it('negative control: at half of it (80 KB for 163,656 B) the lossless class overflows', () => {
    const r = run('{cc: none, cables: {host: 1km}, pfc: {headroom: 80KB}}', INCAST);
    expect(r.counters.bufferDrops).toBeGreaterThan(0);
    expect(invariant(r, 'lossless class never drops from overflow').ok).toBe(false);
  });
});

describe('switch buffer size (network.switchBuffer)', () => {
  it('replaces the catalog’s 16 MB: the incast queue stays within 4 MB, losslessly', () => {
    const catalog = run('{cc: none}', INCAST);
    const small = run('{cc: none, switchBuffer: 4MB}', INCAST);
    expect(catalog.ports[0].maxQueueBytes).toBeGreaterThan(4e6);
    expect(small.ports[0].maxQueueBytes).toBeLessThanOrEqual(4e6);
    expect(small.counters.bufferDrops).toBe(0);
    allInvariantsOk(small);
  });
});
