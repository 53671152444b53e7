// GPU profiles (catalog/gpus.yaml) resolved into a fabric's NVLink domain (nvlink.ts), and what a ring inside one
// domain reaches with them: NCCL's usable NVLink rate, below the links' signalling rate (issue 14, item 3).
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/index.ts';
import { runScenario, scenarioYaml } from '../engine/contract.ts';
import { ScenarioError } from '../errors.ts';
import { parseScenario } from '../scenario/load.ts';
import { fabricSpec } from '../scenario/schema.ts';
import { designFabric } from './index.ts';
import { domainOf, indexInDomain } from './nvlink.ts';

const catalog = loadCatalog();
const GBps = 8e9;
const fabric = (o: Record<string, unknown>) =>
  designFabric(fabricSpec({ topology: 'rail-optimized', hosts: 144, switch: 'generic-64x400g', ...o }), catalog).fabric;

describe('GPU profiles (catalog/gpus.yaml)', () => {
  // Figures: links x NCCL's per-link payload rate (NVIDIA/nccl src/graph/topo.h: SM90_NVLINK_BW 20.6 GB/s,
  // SM100_NVLINK_BW 40.1 GB/s, SM80_NVLINK_BW 20.0 GB/s); 18 links on Hopper and Blackwell, 12 on the A100.
  it.each([
    ['h100', 8, 18 * 20.6, 8, true],
    ['h200', 8, 18 * 20.6, 8, true],
    ['b200', 8, 18 * 40.1, 8, true],
    ['gb200', 4, 18 * 40.1, 72, true],
    ['a100', 8, 12 * 20.0, 8, false],
  ] as const)(
    '%s: %d GPUs per server, %f GB/s per direction, a domain of %d GPUs, NVLS %s',
    (gpu, R, gbps, gpus, nvls) => {
      const nv = fabric({ gpu, gpusPerNode: R }).nvlink;
      expect(nv.bandwidthBps / GBps).toBeCloseTo(gbps, 6);
      expect(nv.gpus).toBe(gpus);
      expect(nv.nvls).toBe(nvls);
    },
  );

  it("NCCL's usable rate is below the links' signalling rate: 82.4% on Hopper, 80.2% on Blackwell", () => {
    for (const [id, share] of [
      ['h100', 20.6 / 25],
      ['b200', 40.1 / 50],
    ] as const) {
      const m = catalog.gpus.get(id);
      if (!m) throw new Error(id);
      expect(m.ncclLinkRateBps / m.linkRateBps).toBeCloseTo(share, 9);
    }
  });

  it('gb200: 18 trays of 4 GPUs make one domain; the next tray starts the next domain', () => {
    const f = fabric({ gpu: 'gb200', gpusPerNode: 4 });
    expect(f.nvlink.servers).toBe(18);
    expect([domainOf(f.nvlink, 0), domainOf(f.nvlink, 17), domainOf(f.nvlink, 18)]).toEqual([0, 0, 1]);
    expect(indexInDomain(f.nvlink, 17, 3, 4)).toBe(71);
  });

  it('fabric.intraServer overrides the profile; fabric.nvlinkDomain overrides its domain', () => {
    const f = fabric({ gpu: 'h100', gpusPerNode: 8, intraServer: { bandwidth: 1e12 }, nvlinkDomain: 16 });
    expect(f.nvlink.bandwidthBps).toBe(1e12);
    expect(f.nvlink.gpus).toBe(16);
    expect(f.nvlink.nvls).toBe(true);
  });

  it('without a profile the schema defaults stay: 3600G and 1 us, the server as the domain, no NVLS', () => {
    const nv = fabric({ gpusPerNode: 8 }).nvlink;
    expect([nv.bandwidthBps, nv.latencyPs, nv.gpus, nv.nvls]).toEqual([3600e9, 1e6, 8, false]);
  });

  it('a domain that is not whole servers, and an unknown GPU, name the field and the fix', () => {
    expect(() => fabric({ gpusPerNode: 8, nvlinkDomain: 12 })).toThrow(
      /fabric.nvlinkDomain: an NVLink domain of 12 GPUs is not whole servers of 8 GPUs; use a multiple/,
    );
    const bad = () => parseScenario('fabric: {hosts: 16, gpusPerNode: 8, gpu: h10}', catalog);
    expect(bad).toThrow(ScenarioError);
    expect(bad).toThrow(/fabric.gpu.*unknown GPU "h10"/);
  });
});

describe('a ring inside one H100 server reaches NCCL’s NVLink rate, not the links’ signalling rate', () => {
  // 1 GiB ring all-reduce on the 8 GPUs of one server: 14 steps of S/8 at 370.8 GB/s plus 14 x 1 us of copy
  // latency (0.3% of 5.07 ms), so bus bandwidth within 1% of 370.8 GB/s, where 450 GB/s (18 x 25) was before.
  // `protocol: none` isolates the link rate: NCCL's protocol efficiency and latency are tested in workload/nccl.
  const yaml = scenarioYaml(
    'fabric: {topology: rail-optimized, hosts: 32, nic: 400G, switch: aurcore-32x400g, gpusPerNode: 8, gpu: h100}',
    'collective: all-reduce, bytes: 1GiB, ranks: 8, protocol: none',
  );
  it.each(['analytic', 'flow'] as const)('%s: bus bandwidth 370.8 GB/s within 1%%', (engine) => {
    const op = runScenario(engine, yaml).result.ops?.[0];
    if (!op) throw new Error('no op');
    expect(Math.abs(op.busbwGBps / 370.8 - 1)).toBeLessThan(0.01);
    expect(op.busbwGBps).toBeLessThan(370.8);
  });
});

describe('gb200: an NVLink domain that spans servers', () => {
  it('a ring over the 72 GPUs of 18 trays moves no byte on the fabric; over 144 GPUs (two domains) it does', () => {
    const f =
      'fabric: {topology: rail-optimized, hosts: 144, nic: 400G, switch: generic-64x400g, gpusPerNode: 4, gpu: gb200}';
    const fabricBytes = (ranks: number) =>
      (
        runScenario('flow', scenarioYaml(f, `collective: all-reduce, bytes: 64MiB, ranks: ${ranks}`)).result.links ?? []
      ).filter((l) => l.bytes > 0).length;
    expect(fabricBytes(72)).toBe(0);
    // Negative control: two domains, and the ring's two hops between them cross the fabric.
    expect(fabricBytes(144)).toBeGreaterThan(0);
  });
});

describe('NVLS inside one H100 server (NVLink SHARP: the switch reduces and multicasts)', () => {
  const fabric = 'fabric: {topology: rail-optimized, hosts: 32, nic: 400G, switch: aurcore-32x400g, gpusPerNode: 8}';
  it('a chunk of B bytes per GPU loads each direction of its NVLink with B (1 + 1/8); C chunks pipeline in C + 1 phases', () => {
    // Reduce-scatter then all-gather per chunk, side by side on the duplex link (workload/training/hierarchical.ts):
    // (C + 1) x (1 us + B (1 + 1/R) / 370.8 GB/s), B = S / C; C = (S / 8) / chunk = 16; plus NCCL's latency of
    // NVLS on one node, 23 us (NCCL 2.20.3 tuning.cc hwLat[NVLINK][NVLS][Simple]), charged once.
    const S = 64 * 2 ** 20;
    const C = 16;
    const phasePs = 1e6 + Math.round(((S / C) * (9 / 8) * 8 * 1e12) / (18 * 164.8e9));
    const yaml = scenarioYaml(
      fabric.replace('gpusPerNode: 8', 'gpusPerNode: 8, gpu: h100'),
      'collective: all-reduce, algorithm: nvls, bytes: 64MiB, ranks: 8, chunk: 512KiB',
    );
    for (const engine of ['analytic', 'flow'] as const) {
      const op = runScenario(engine, yaml).result.ops?.[0];
      // Within a picosecond per phase: the flow engine runs whole-picosecond delays, the analytic engine does not round.
      expect(Math.abs((op?.timePs ?? 0) - (C + 1) * phasePs - 23e6), engine).toBeLessThanOrEqual(C + 1);
    }
  });
  it('needs a profile whose switches reduce: the A100 (second-generation NVSwitch) has none', () => {
    const run = (gpu: string, algorithm: string) =>
      runScenario(
        'analytic',
        scenarioYaml(
          fabric.replace('gpusPerNode: 8', `gpusPerNode: 8, gpu: ${gpu}`),
          `collective: all-reduce, algorithm: ${algorithm}, bytes: 1MiB`,
        ),
      );
    for (const algorithm of ['nvls', 'nvls-tree']) {
      expect(() => run('a100', algorithm)).toThrow(/traffic\[0\].algorithm.*NVLink SHARP.*set fabric.gpu to h100/);
      expect(() => run('h100', algorithm)).not.toThrow();
    }
  });
});
