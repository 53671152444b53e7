import { describe, expect, it } from 'vitest';
import { accessAgg96 } from '../../../test/helpers/fabrics.ts';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import type { Fabric, NodeId } from '../../fabric/types.ts';
import { fabricSpec, networkSchema } from '../../scenario/schema.ts';
import { plainTransfer, type Transfer } from '../../workload/program.ts';
import { flowHashes } from '../core/ecmp.ts';
import { resolveNetwork } from '../core/network.ts';
import { runFlow } from './engine.ts';
import { FluidPaths } from './fluid-paths.ts';

// A connection stays in the plane its hash picks (Alibaba HPN, SIGCOMM 2024: each NIC port's traffic stays in
// its plane); the flow engine and the fluid network of request traffic both choose the host port by the hash.
const catalog = loadCatalog();
const S = 400e9;
const f: Fabric = designFabric(
  fabricSpec({ topology: 'leaf-spine', hosts: 64, switch: 'aurcore-32x400g', planes: 2 }),
  catalog,
).fabric;

function xfer(id: number, src: number, dst: number, bytes: number): Transfer {
  return plainTransfer(id, f.hosts[src] as NodeId, f.hosts[dst] as NodeId, bytes, 0, 0, 'roce');
}

/** Leaves per plane: plane p holds leaf{p L} .. leaf{p L + L - 1} (build.ts). */
const L = f.nodes.filter((n) => n.role === 'leaf').length / 2;
const planeOfLeaf = (name: string) => (Number(name.replace('leaf', '')) < L ? 0 : 1);

/** The plane (0 or 1) of the host port a directed link name leaves from, or -1 for a non-host link. */
function planeOfHostLink(name: string): number {
  const [a, b] = name.split(' -> ').map((x) => x.split(':')[0]);
  if (!/^h\d+$/.test(a)) return -1;
  return planeOfLeaf(b);
}

describe('two planes on the flow engine', () => {
  it('one connection runs at the NIC speed / 2: 100 MB of payload at 200G x mtu / frame (within 0.1%: latency)', () => {
    const r = runFlow(f, { transfers: [xfer(0, 0, 63, 100e6)], ops: [] }, { seed: 1 }, catalog, { seed: 1 });
    const net = resolveNetwork(networkSchema.parse({}), f, catalog);
    const payloadBps = ((S / 2) * net.mtu) / (net.mtu + net.headerBytes + net.wireOverheadBytes);
    const ideal = (100e6 * 8 * 1e12) / payloadBps;
    const ps = r.flows?.[0]?.fctPs ?? 0;
    expect(ps / ideal).toBeGreaterThan(1);
    expect(ps / ideal).toBeLessThan(1.001);
  });

  it('64 connections from h0 split over both ports by hash (each plane 32 +- 12: 3 sigma of Binomial(64, 1/2))', () => {
    const transfers = Array.from({ length: 64 }, (_, i) => xfer(i, 0, 1 + (i % 63), 1e6));
    const r = runFlow(f, { transfers, ops: [] }, { seed: 3 }, catalog, { seed: 3 });
    const bytes = [0, 0];
    for (const l of r.links ?? []) {
      const p = planeOfHostLink(l.link);
      if (p >= 0 && l.link.startsWith('h0:')) bytes[p] += l.bytes;
    }
    const flows0 = Math.round(bytes[0] / (bytes[0] + bytes[1]) / (1 / 64));
    expect(flows0).toBeGreaterThanOrEqual(20);
    expect(flows0).toBeLessThanOrEqual(44);
  });
});

describe('two planes in the fluid network (inference traffic)', () => {
  it('walks of 400 hashes from h0 use both planes (200 +- 30: 3 sigma of Binomial(400, 1/2))', () => {
    const paths = new FluidPaths(f, resolveNetwork(networkSchema.parse({}), f, catalog));
    const out = new Int32Array(16);
    let plane0 = 0;
    for (const h of flowHashes(7, 400)) {
      paths.walk(f.hosts[0], f.hosts[63], h, out);
      if (planeOfLeaf(f.nodes[f.links[out[0] >> 1].b].name) === 0) plane0++;
    }
    expect(plane0).toBeGreaterThanOrEqual(170);
    expect(plane0).toBeLessThanOrEqual(230);
  });
});

describe('a dual-homed server on the flow engine', () => {
  const fabricOf = (dualHomed: boolean) => accessAgg96(catalog, dualHomed);
  const g = fabricOf(true);
  const t = (id: number, src: number, dst: number): Transfer =>
    plainTransfer(id, g.hosts[src] as NodeId, g.hosts[dst] as NodeId, 100e6, 0, 0, 'roce');
  const transfers = Array.from({ length: 8 }, (_, i) => t(i, i, 90 - i));
  const bytesVia = (r: ReturnType<typeof runFlow>, sw: string) =>
    (r.links ?? [])
      .filter((l) => /^h\d+:/.test(l.link) && l.link.includes(`-> ${sw}:`))
      .reduce((a, l) => a + l.bytes, 0);

  it('spreads its flows over both access switches, and moves them to access1 when access0 fails', () => {
    const ok = runFlow(g, { transfers, ops: [] }, { seed: 1 }, catalog, { seed: 1 });
    expect(bytesVia(ok, 'access0')).toBeGreaterThan(0);
    expect(bytesVia(ok, 'access1')).toBeGreaterThan(0);
    // access0 fails 1 ms in (the flows need 32 ms at 25G): every flow still completes, through access1.
    const network = networkSchema.parse({ failures: [{ switch: 'access0', at: '1ms' }] });
    const r = runFlow(g, { transfers, ops: [] }, { seed: 1, network }, catalog, { seed: 1 });
    expect(r.invariants.every((x) => x.ok)).toBe(true);
    expect(r.flows?.length).toBe(8);
    expect(bytesVia(r, 'access1')).toBeGreaterThan(bytesVia(ok, 'access1'));
  });

  it('negative control: single-homed, the same failure strands the flows of the servers behind access0', () => {
    const one = fabricOf(false);
    const ts = transfers.map((x) => ({ ...x, src: one.hosts[x.src] as NodeId, dst: one.hosts[x.dst] as NodeId }));
    const network = networkSchema.parse({ failures: [{ switch: 'access0', at: '1ms' }] });
    const r = runFlow(one, { transfers: ts, ops: [] }, { seed: 1, network }, catalog, { seed: 1 });
    expect(r.invariants.find((x) => x.name === 'every task completed')?.ok).toBe(false);
  });
});
