import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validationCase } from '../../../test/helpers/cases.ts';
import { createRandom } from '../../base/random.ts';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import { zeroCounters } from '../../result/types.ts';
import { parseScenario } from '../../scenario/load.ts';
import { resolveNetwork } from '../core/network.ts';
import { Clock } from './events.ts';
import { Mmu } from './mmu.ts';
import { C_ROCE, NC, PacketPool, T_DATA } from './packets.ts';
import { Pfc } from './pfc.ts';
import { Ports } from './port.ts';
import { Topology } from './topology.ts';

const HPCC_CATALOG = fileURLToPath(new URL('../../../test/fixtures/catalog-hpcc/', import.meta.url));

/** The MMU of a real fabric, with its real neighbours (pool, ports, PFC), and no event loop. */
function build(network: string) {
  const catalog = loadCatalog([HPCC_CATALOG]);
  const s = parseScenario(
    `fabric: {topology: fat-tree, hosts: 320, nic: 100G, switch: hpcc-tor, spineSwitch: hpcc-agg, coreSwitch: hpcc-core, fabricSpeed: 400G}\nnetwork: ${network}\n`,
    catalog,
  );
  const f = designFabric(s.fabric, catalog).fabric;
  const net = resolveNetwork(s.network, f, catalog);
  const topo = new Topology(f, net);
  const clock = new Clock();
  const c = zeroCounters();
  const pool = new PacketPool(c, 1024);
  const ports = new Ports(clock, topo, pool, net, c, createRandom(1, 'test'));
  const pfc = new Pfc(clock, topo, net, c);
  const mmu = new Mmu(topo, net, pool, ports, pfc);
  const tor = f.nodeByName('leaf0') as number;
  const inPorts = Array.from({ length: topo.P }, (_, p) => p).filter((p) => topo.portTo[p] === tor);
  return { topo, pool, pfc, mmu, tor, inPorts };
}

describe('the MMU reproduces the HPCC ns-3 switch MMU (PFC-04)', () => {
  const pc = validationCase('PFC-04');
  const e = pc.expect as {
    headroom_bytes: { '100G_port': number; '400G_port': number };
    total_headroom: number;
    total_reserve: number;
    pfc_threshold_empty_buffer_bytes: { '100G_port_alpha_1/8': number; '400G_port_alpha_1/2': number };
  };
  // PFC-04's ToR (FAT-01: 16x100G down, 4x400G up, 1000 ns links), HPCC's third.cc: headroom 3 x rate x delay,
  // 32 MiB buffer, 4 KiB reserve and 3 KiB resume offset (switch-mmu.cc).
  const hpcc = (alpha: number) =>
    `{linkDelay: 1000ns, switchBuffer: 32MiB, pfc: {alpha: ${alpha}, headroom: 3000ns, reserve: 4KiB, resumeOffset: 3KiB}}`;
  const m = build(hpcc(1 / 8));

  it('reserves each port’s headroom and reserve at the ToR: 16 x 37,500 + 4 x 150,000 B and 20 x 4 KiB', () => {
    const { mmu, topo, inPorts, tor } = m;
    expect(inPorts.length).toBe(20);
    for (const p of inPorts) {
      const key = 8e12 / topo.psPerByte[p] === 100e9 ? '100G_port' : '400G_port';
      expect(mmu.hdrmCap(p), `port ${p}`).toBe(e.headroom_bytes[key]);
    }
    expect(inPorts.reduce((s, p) => s + mmu.hdrmCap(p), 0)).toBe(e.total_headroom);
    expect(mmu.hdrmReserved(tor)).toBe(e.total_headroom + e.total_reserve);
  });

  it('the XOFF threshold of an empty buffer is alpha x (buffer - headroom - reserve), exactly', () => {
    expect(m.mmu.xoff(m.tor)).toBe(e.pfc_threshold_empty_buffer_bytes['100G_port_alpha_1/8']);
    // HPCC halves the shift per doubling of port speed (alpha 1/2 at 400G); ours has one alpha per run.
    const m2 = build(hpcc(1 / 2));
    expect(m2.mmu.xoff(m2.tor)).toBe(e.pfc_threshold_empty_buffer_bytes['400G_port_alpha_1/2']);
  });

  it('admits, pauses, drops and resumes packet by packet as switch-mmu.cc does (pause, resume and drop rules)', () => {
    const { mmu, pool, pfc, tor } = build(hpcc(1 / 8));
    const inPort = m.topo.hostPort[0];
    const k = inPort * NC + C_ROCE;
    const frame = 1048; // HPCC's 1000 B payload + 48 B headers
    const ref = new ReferenceQueue(
      32 * 1024 * 1024 - e.total_headroom - e.total_reserve,
      e.headroom_bytes['100G_port'],
    );
    const ids: number[] = [];
    const events: string[] = [];
    // Fill past the pause, through the headroom, to two drops.
    for (let n = 1; ref.drops < 2; n++) {
      const id = pool.alloc(0, T_DATA, C_ROCE, n, frame - 48, frame, 1);
      const want = ref.admit(frame);
      const ok = mmu.admit(tor, id, inPort, 0);
      if (ok) ids.push(id);
      expect([n, ok, mmu.queueHeadroom(k), pfc.pauseSent[k] === 1]).toEqual([n, want !== 'drop', ref.hdrm, ref.paused]);
      if (want !== 'shared') events.push(`${n} ${want}`);
    }
    // Drain (headroom first, as both release it), to the resume.
    for (let left = ids.length; left > 0 && ref.paused; ) {
      mmu.release(tor, ids[--left]);
      ref.release(frame);
      expect([left, pfc.pauseSent[k] === 1]).toEqual([left, ref.paused]);
      if (!ref.paused) events.push(`resume with ${left} packets queued`);
    }
    // The story the reference tells: 3,425 frames in the shared pool, 35 in headroom (37,500 B), then drops;
    // XON once the queue's shared bytes + 3 KiB fit under the threshold again.
    expect(events.length).toBe(35 + 2 + 1);
    expect(events[0]).toBe('3426 headroom');
    expect(events.at(-1)).toBe('resume with 3422 packets queued');
  });
});

/**
 * PFC-04's rules for one lossless ingress queue alone on its switch, written out from switch-mmu.cc
 * (CheckIngressAdmission, UpdateIngressAdmission, CheckShouldPause/Resume, RemoveFromIngressAdmission) with
 * its 4 KiB reserve and 3 KiB resume offset. One difference: the threshold divides exactly where HPCC shifts
 * (>> 3), which moves a decision only when a queue sits within a byte of it.
 */
class ReferenceQueue {
  ingress = 0;
  hdrm = 0;
  shared = 0;
  paused = false;
  drops = 0;
  constructor(
    private readonly pool: number,
    private readonly headroom: number,
    private readonly reserve = 4096,
    private readonly resumeOffset = 3072,
  ) {}
  private threshold(): number {
    return (this.pool - this.shared) / 8;
  }
  private used(): number {
    return Math.max(0, this.ingress - this.reserve);
  }
  admit(size: number): 'shared' | 'headroom' | 'drop' {
    if (size + this.hdrm > this.headroom && size + this.used() > this.threshold()) {
      this.drops++;
      return 'drop';
    }
    const next = this.ingress + size;
    let where: 'shared' | 'headroom' = 'shared';
    if (next > this.reserve && next - this.reserve > this.threshold()) {
      this.hdrm += size;
      where = 'headroom';
    } else {
      this.ingress += size;
      this.shared += Math.max(0, Math.min(size, next - this.reserve));
    }
    if (!this.paused && (this.hdrm > 0 || this.used() >= this.threshold())) this.paused = true;
    return where;
  }
  release(size: number): void {
    const fromHdrm = Math.min(this.hdrm, size);
    this.shared -= Math.min(size - fromHdrm, this.used());
    this.hdrm -= fromHdrm;
    this.ingress -= size - fromHdrm;
    const u = this.used();
    if (this.paused && this.hdrm === 0 && (u === 0 || u + this.resumeOffset <= this.threshold())) this.paused = false;
  }
}

describe('cell-based accounting (network.bufferCell)', () => {
  it('a 1,048 B frame takes 6 cells of 208 B in the shared pool, and gives them back', () => {
    const { mmu, pool, tor, topo } = build('{bufferCell: 208}');
    const id = pool.alloc(0, T_DATA, C_ROCE, 0, 1000, 1048, 1);
    expect(mmu.admit(tor, id, topo.hostPort[0], 0)).toBe(true);
    expect(mmu.sharedUsed(tor)).toBe(6 * 208);
    mmu.release(tor, id);
    expect(mmu.sharedUsed(tor)).toBe(0);
  });
});
