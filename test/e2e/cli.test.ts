// The real CLI on the happy paths: what a user (or a script) gets back.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, runMain } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'aifabric-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('aifabric CLI', () => {
  it('--help lists the commands', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['plan', 'catalog', 'schema', 'demo']) expect(r.stdout).toMatch(new RegExp(`\\n\\s+${c}\\b`));
  });

  it('catalog lists every switch; catalog show prints one with its price source', () => {
    const r = runCli(['catalog']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/aurcore-48x25g-8x100g\s+48x25G \+ 8x100G/);
    // GPU profiles (catalog/gpus.yaml): 18 NVLink 4 links at NCCL's 20.6 GB/s each on an H100.
    expect(r.stdout).toMatch(/h100\s+4\s+18\s+200Gb\/s\s+164.8Gb\/s\s+2.966Tb\/s\s+server\s+yes/);
    const s = runCli(['catalog', 'show', 'aurcore-32x400g', '--json']);
    expect(s.code).toBe(0);
    const j = JSON.parse(s.stdout);
    expect(j.id).toBe('aurcore-32x400g');
    expect(j.features).toEqual(expect.arrayContaining(['rocev2', 'pfc', 'ecn']));
    const bad = runCli(['catalog', 'show', 'aurcore-32x40g']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('error: id: unknown catalog entry "aurcore-32x40g" (did you mean aurcore-32x400g?)');
  });

  it('schema prints a JSON Schema of the scenario', async () => {
    const r = await runMain(['schema']);
    const j = JSON.parse(r.stdout);
    expect(j.$schema).toMatch(/json-schema/);
    expect(j.properties.fabric.properties.topology.enum).toContain('fat-tree');
  });

  it('plan --json prints the documented object for the seed training fabric', async () => {
    const r = await runMain([
      'plan',
      '--topology',
      'leaf-spine',
      '--hosts',
      '512',
      '--nic',
      '400G',
      '--switch',
      'aurcore-32x400g',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.version).toBe(1);
    expect(j.topology).toBe('leaf-spine');
    expect(j.hosts).toBe(512);
    expect(j.tiers).toBe(2);
    expect(j.switchesByRole).toEqual({ leaf: 32, spine: 16 });
    expect(j.linksByTier).toEqual({ 'host-leaf': 512, 'leaf-spine': 512 });
    expect(j.bom.totals.switches).toBe(48);
    expect(j.bom.totals.costUsd).toBeGreaterThan(0);
    expect(j.bom.totals.powerW).toBeGreaterThan(0);
    expect(j.metrics.oversubscription).toEqual({ leaf: 1 });
    expect(j.metrics.bisectionGbps).toBe(102400);
    expect(j.metrics.maxHops).toBe(4);
  });

  it('plan takes a scenario file and flags override it (3:1 oversubscription)', async () => {
    const r = await runMain(['plan', 'scenarios/training-512.yaml', '--oversubscription', '3:1', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.metrics.oversubscription.leaf).toBe(3);
    expect(j.switchesByRole.leaf).toBe(Math.ceil(512 / 24));
  });

  it('plan --csv writes the cabling plan and NetBox CSVs, --svg the diagram', async () => {
    const out = join(dir, 'inf');
    const svg = join(dir, 'inf.svg');
    const r = await runMain(['plan', 'scenarios/inference.yaml', '--csv', out, '--svg', svg]);
    expect(r.code).toBe(0);
    const cabling = readFileSync(join(out, 'cabling.csv'), 'utf8').trim().split('\n');
    expect(cabling[0]).toBe('cable_id,a_device,a_port,z_device,z_port,speed,medium,medium_type,length_m');
    const j = JSON.parse((await runMain(['plan', 'scenarios/inference.yaml', '--json'])).stdout);
    const links = Object.values(j.linksByTier as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(cabling.length - 1).toBe(links);
    expect(cabling.some((l) => /^C\d+,access0,eth5[56],agg0,eth\d+,100G,aoc-100g,aoc,30$/.test(l))).toBe(true);
    expect(cabling.some((l) => /^C\d+,srv0,nic0,access0,eth1,25G,dac-25g,dac,2.5$/.test(l))).toBe(true);
    const devices = readFileSync(join(out, 'netbox-devices.csv'), 'utf8').split('\n');
    expect(devices[0]).toBe('name,role,manufacturer,device_type,site,status');
    expect(devices.some((l) => l.startsWith('border0,Border,'))).toBe(true);
    const cables = readFileSync(join(out, 'netbox-cables.csv'), 'utf8').trim().split('\n');
    expect(cables[0]).toMatch(
      /^side_a_device,side_a_type,side_a_name,side_b_device,side_b_type,side_b_name,type,status/,
    );
    expect(cables.length - 1).toBe(links);
    const ifaces = readFileSync(join(out, 'netbox-interfaces.csv'), 'utf8').trim().split('\n');
    expect(ifaces.length - 1).toBe(2 * links);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });

  it('plan without a topology runs the planner and says why families were rejected', async () => {
    const r = await runMain(['plan', '--hosts', '100000', '--gpus-per-node', '8', '--nic', '400G', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.designs.length).toBeGreaterThan(0);
    expect(j.designs[0].rank).toBe(1);
    expect(j.rejectedFamilies.map((f: { topology: string }) => f.topology)).toContain('leaf-spine');
    const t = await runMain(['plan', '--hosts', '100000', '--gpus-per-node', '8', '--nic', '400G']);
    expect(t.stdout).toMatch(/rejected leaf-spine:/);
  });
});
