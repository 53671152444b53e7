// NetBox round trip (issue 17, item 3): a generated design exported by `plan --csv` (NetBox's device, interface and
// cable import CSVs) and read back by `aifabric import netbox` is the same fabric: switch counts by role and model,
// links by tier, speed and length class, BOM totals, bisection (graph max-flow), and hosts in the same order (so
// h0..h(N-1) in a scenario's traffic still name the same GPUs). Exact equality: nothing is estimated on the way.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.ts';
import { type Design, designFabric } from '../../src/fabric/index.ts';
import { netboxCsvs } from '../../src/report/csv.ts';
import { importNetbox, topologyYaml } from '../../src/scenario/netbox-import.ts';
import { fabricSpec } from '../../src/scenario/schema.ts';
import { runMain } from './run-cli.ts';

const catalog = loadCatalog();

function roundTrip(d: Design): Design {
  const dir = mkdtempSync(join(tmpdir(), 'aifabric-nb-'));
  const csv = netboxCsvs(d.fabric, catalog);
  const t = importNetbox(
    {
      devices: { file: 'devices.csv', text: csv['netbox-devices.csv'] },
      interfaces: { file: 'interfaces.csv', text: csv['netbox-interfaces.csv'] },
      cables: { file: 'cables.csv', text: csv['netbox-cables.csv'] },
    },
    catalog,
  );
  const file = join(dir, 'topo.yaml');
  writeFileSync(file, topologyYaml(t, 'test'));
  return designFabric(fabricSpec({ topology: 'custom', file, hosts: t.hosts.length }), catalog);
}

function same(a: Design, b: Design): void {
  const roles = (d: Design) => d.blueprint.switches.map((s) => `${s.role}/${s.model} x${s.count}`).sort();
  const groups = (d: Design) =>
    d.blueprint.links.map((l) => `${l.tier} ${l.rateBps} ${l.lengthClass} x${l.count}`).sort();
  expect(roles(b)).toEqual(roles(a));
  expect(groups(b)).toEqual(groups(a));
  expect(b.fabric.links.length).toBe(a.fabric.links.length);
  expect(b.bom.totals).toEqual(a.bom.totals);
  expect(b.metrics.bisectionBps).toBe(a.metrics.bisectionBps);
  expect(b.fabric.spec.gpusPerNode).toBe(a.fabric.spec.gpusPerNode);
  const hostKey = (d: Design) =>
    Array.from(d.fabric.hosts, (h) => `${d.fabric.nodes[h].server}/${d.fabric.nodes[h].rail}`);
  expect(hostKey(b)).toEqual(hostKey(a));
}

describe('NetBox export -> import round trip', () => {
  it('leaf-spine, 64 x 400G hosts in servers of 8', () => {
    const d = designFabric(
      fabricSpec({ topology: 'leaf-spine', hosts: 64, nic: '400G', switch: 'aurcore-32x400g', gpusPerNode: 8 }),
      catalog,
    );
    same(d, roundTrip(d));
  });

  it('3-tier fat-tree, k = 8, 128 hosts (row and hall cables)', () => {
    const d = designFabric(
      fabricSpec({ topology: 'fat-tree', hosts: 128, nic: '400G', switch: 'aurcore-32x400g', k: 8 }),
      catalog,
    );
    expect(d.blueprint.tiers).toBe(3);
    same(d, roundTrip(d));
  });

  it('access/aggregation with border0, 96 x 25G hosts', () => {
    const d = designFabric(
      fabricSpec({
        topology: 'access-aggregation',
        hosts: 96,
        nic: '25G',
        switch: 'aurcore-48x25g-8x100g',
        spineSwitch: 'aurcore-32x100g',
      }),
      catalog,
    );
    const b = roundTrip(d);
    same(d, b);
    expect(b.fabric.nodes[b.fabric.border as number].name).toBe('border0');
  });

  it('the CLI writes the topology file, and a device type outside the catalog is named with the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aifabric-nb-'));
    const plan = await runMain([
      'plan',
      '--topology',
      'leaf-spine',
      '--hosts',
      '16',
      '--nic',
      '100G',
      '--switch',
      'aurcore-32x100g',
      '--csv',
      dir,
      '--json',
    ]);
    expect(plan.code).toBe(0);
    const args = [
      'import',
      'netbox',
      '--devices',
      join(dir, 'netbox-devices.csv'),
      '--interfaces',
      join(dir, 'netbox-interfaces.csv'),
      '--cables',
      join(dir, 'netbox-cables.csv'),
    ];
    const r = await runMain([...args, '-o', join(dir, 'topo.yaml'), '--json']);
    expect(r.code).toBe(0);
    // 16 x 100G hosts on one 32-port leaf (16 down, 16 up) under one spine: 2 switches, 16 + 16 links.
    expect(JSON.parse(r.stdout)).toMatchObject({ switches: 2, hosts: 16, links: 32 });
    writeFileSync(
      join(dir, 'netbox-devices.csv'),
      'name,role,manufacturer,device_type,site,status\nleaf0,Leaf,X,sx9999,aifabric,planned\n',
    );
    const bad = await runMain([...args, '-o', join(dir, 'topo2.yaml')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/netbox-devices\.csv:2: device_type: "sx9999" of leaf0 is no catalog switch id/);
  });
});
