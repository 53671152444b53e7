// `aifabric import netbox`: reads the three CSVs, maps them onto the catalog, checks the result as a custom fabric
// (so a file that would not design is refused here, with the reason) and writes the topology file.

import { resolve } from 'node:path';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import { importNetbox, topologyYaml } from '../../scenario/netbox-import.ts';
import { readInputText } from '../../scenario/read-input.ts';
import { fabricSpec } from '../../scenario/schema.ts';
import { writeFilesAtomically } from '../output.ts';

export interface ImportOptions {
  devices: string;
  interfaces: string;
  cables: string;
  output: string;
  catalog?: string[];
  json?: boolean;
}

function read(file: string, flag: string): { file: string; text: string } {
  return { file, text: readInputText(file, flag) };
}

export function importNetboxFiles(opts: ImportOptions): void {
  const catalog = loadCatalog((opts.catalog ?? []).map((f) => resolve(f)));
  const files = {
    devices: read(opts.devices, '--devices'),
    interfaces: read(opts.interfaces, '--interfaces'),
    cables: read(opts.cables, '--cables'),
  };
  const t = importNetbox(files, catalog);
  const yaml = topologyYaml(t, [opts.devices, opts.interfaces, opts.cables].join(', '));
  writeFilesAtomically([{ path: opts.output, content: yaml }], '--output');
  // Designed once from the written file: ports, speeds and media checked as `plan` would, errors at file:line:col.
  const d = designFabric(
    fabricSpec({ topology: 'custom', file: resolve(opts.output), hosts: t.hosts.length }),
    catalog,
  );
  const summary = {
    output: opts.output,
    switches: t.switches.length,
    hosts: t.hosts.length,
    links: t.links.length,
    bisectionBps: d.metrics.bisectionBps,
    costUsd: d.bom.totals.costUsd,
  };
  process.stdout.write(
    opts.json
      ? `${JSON.stringify(summary)}\n`
      : `wrote ${opts.output}: ${summary.switches} switches, ${summary.hosts} hosts, ${summary.links} links (use it as fabric: {topology: custom, file: ${opts.output}})\n`,
  );
}
