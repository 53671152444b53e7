// Cabling plan and NetBox import CSVs from a built Fabric.

import { formatRate } from '../base/units.ts';
import type { Catalog } from '../catalog/index.ts';
import type { Fabric, FabricNode } from '../fabric/types.ts';

function csvRow(cells: (string | number)[]): string {
  return cells
    .map((c) => {
      const s = String(c);
      return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',');
}

/** A host's physical device is its server (`srv{n}`); its port is the NIC (`nic{r}`). */
function deviceName(n: FabricNode): string {
  return n.role === 'host' ? `srv${n.server}` : n.name;
}

/** One row per cable: A-end device/port, Z-end device/port, speed, medium. */
export function cablingCsv(f: Fabric, catalog: Catalog): string {
  const lines = [
    csvRow(['cable_id', 'a_device', 'a_port', 'z_device', 'z_port', 'speed', 'medium', 'medium_type', 'length_m']),
  ];
  for (const l of f.links) {
    const m = catalog.media.get(l.medium);
    lines.push(
      csvRow([
        `C${l.id + 1}`,
        deviceName(f.nodes[l.a]),
        l.aPort,
        deviceName(f.nodes[l.b]),
        l.bPort,
        formatRate(l.rateBps),
        l.medium,
        m?.type ?? '',
        l.lengthM,
      ]),
    );
  }
  return `${lines.join('\n')}\n`;
}

const NETBOX_ROLE: Record<string, string> = {
  host: 'GPU Server',
  leaf: 'Leaf',
  spine: 'Spine',
  core: 'Core',
  access: 'Access',
  aggregation: 'Aggregation',
  linecard: 'DDC Line Card',
  fabric: 'DDC Fabric Element',
  border: 'Border',
  storage: 'Storage',
};

/** NetBox interface type slugs by speed (dcim.choices InterfaceTypeChoices). */
function netboxIfType(rateBps: number): string {
  switch (rateBps) {
    case 800e9:
      return '800gbase-x-osfp';
    case 400e9:
      return '400gbase-x-qsfpdd';
    case 200e9:
      return '200gbase-x-qsfp56';
    case 100e9:
      return '100gbase-x-qsfp28';
    case 50e9:
      return '50gbase-x-sfp56';
    case 25e9:
      return '25gbase-x-sfp28';
    case 10e9:
      return '10gbase-x-sfpp';
    default:
      return 'other';
  }
}

function netboxCableType(m: { type: string; fiber?: string } | undefined): string {
  if (m?.type === 'dac') return 'dac-passive';
  if (m?.type === 'aoc') return 'aoc';
  return m?.fiber === 'mmf' ? 'mmf' : 'smf';
}

export interface NetboxCsvs {
  'netbox-devices.csv': string;
  'netbox-interfaces.csv': string;
  'netbox-cables.csv': string;
}

/** CSVs for NetBox's bulk import (devices, then interfaces, then cables), site `aifabric`. */
export function netboxCsvs(f: Fabric, catalog: Catalog, site = 'aifabric'): NetboxCsvs {
  const devices = [csvRow(['name', 'role', 'manufacturer', 'device_type', 'site', 'status'])];
  const seen = new Set<string>();
  for (const n of f.nodes) {
    const name = deviceName(n);
    if (seen.has(name)) continue;
    seen.add(name);
    const sw = n.model ? catalog.switches.get(n.model) : undefined;
    const manufacturer = sw?.vendor ?? (n.role === 'host' ? 'Generic' : 'Generic');
    const type = sw
      ? sw.id
      : n.role === 'host'
        ? `gpu-server-${f.blueprint.gpusPerNode}gpu`
        : n.role === 'storage'
          ? 'storage-node'
          : 'border-router';
    devices.push(csvRow([name, NETBOX_ROLE[n.role], manufacturer, type, site, 'planned']));
  }
  const ifaces = [csvRow(['device', 'name', 'type', 'speed', 'enabled'])];
  const cables = [
    csvRow([
      'side_a_device',
      'side_a_type',
      'side_a_name',
      'side_b_device',
      'side_b_type',
      'side_b_name',
      'type',
      'status',
      'length',
      'length_unit',
      'label',
    ]),
  ];
  for (const l of f.links) {
    const a = deviceName(f.nodes[l.a]);
    const b = deviceName(f.nodes[l.b]);
    // NetBox speed is in kbps.
    ifaces.push(csvRow([a, l.aPort, netboxIfType(l.rateBps), l.rateBps / 1000, 'true']));
    ifaces.push(csvRow([b, l.bPort, netboxIfType(l.rateBps), l.rateBps / 1000, 'true']));
    cables.push(
      csvRow([
        a,
        'dcim.interface',
        l.aPort,
        b,
        'dcim.interface',
        l.bPort,
        netboxCableType(catalog.media.get(l.medium)),
        'planned',
        l.lengthM,
        'm',
        `C${l.id + 1}`,
      ]),
    );
  }
  return {
    'netbox-devices.csv': `${devices.join('\n')}\n`,
    'netbox-interfaces.csv': `${ifaces.join('\n')}\n`,
    'netbox-cables.csv': `${cables.join('\n')}\n`,
  };
}
