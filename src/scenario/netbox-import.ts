// `aifabric import netbox`: NetBox's bulk-import CSVs (devices, interfaces, cables: the columns `plan --csv` writes,
// as NetBox's import forms name them) read back into a topology file for `fabric: {topology: custom}`. Device types
// map to catalog switch ids; a device of role GPU Server is a server whose cabled ports are its hosts (NIC by the
// interface speed); the device of role Border is the border. Leaves out what the topology format has no field for:
// sites, racks, port names (the builder hands ports out again) and cable types (media are chosen by speed and
// length, as for generated fabrics).
import { closest } from '../base/suggest.ts';
import { formatRate } from '../base/units.ts';
import type { Catalog } from '../catalog/index.ts';
import { type InputProblem, ScenarioError } from '../errors.ts';

/** NetBox device roles as `plan --csv` writes them (src/report/csv.ts), to topology roles. */
const ROLE: Record<string, string> = {
  leaf: 'leaf',
  spine: 'spine',
  core: 'core',
  access: 'access',
  aggregation: 'aggregation',
  'ddc line card': 'linecard',
  'ddc fabric element': 'fabric',
  border: 'border',
};
const SERVER_ROLE = 'gpu server';

/** RFC 4180 CSV: quoted fields with doubled quotes, commas and newlines inside quotes. Rows as header-keyed maps. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      if (row.some((x) => x !== '')) rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  row.push(cell);
  if (row.some((x) => x !== '')) rows.push(row);
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries((head ?? []).map((h, k) => [h.trim(), (r[k] ?? '').trim()])));
}

export interface NetboxFiles {
  devices: { file: string; text: string };
  interfaces: { file: string; text: string };
  cables: { file: string; text: string };
}

interface Imported {
  switches: { name: string; model?: string; role: string }[];
  hosts: { name: string; nic: string; server: string }[];
  links: { a: string; b: string; speed: string; length?: string }[];
}

const LENGTH_UNIT_M: Record<string, number> = { m: 1, cm: 0.01, km: 1000, ft: 0.3048, in: 0.0254 };

function need(rows: Record<string, string>[], cols: string[], file: string, problems: InputProblem[]): boolean {
  const missing = cols.filter((c) => rows.length > 0 && !(c in rows[0]));
  for (const c of missing) problems.push({ path: file, message: `has no column "${c}" (NetBox's import columns)` });
  return missing.length === 0;
}

/** The topology the three CSVs describe; every problem found is reported at once, with its file and row. */
export function importNetbox(files: NetboxFiles, catalog: Catalog): Imported {
  const problems: InputProblem[] = [];
  const devices = parseCsv(files.devices.text);
  const ifaces = parseCsv(files.interfaces.text);
  const cables = parseCsv(files.cables.text);
  const ok =
    need(devices, ['name', 'role', 'device_type'], files.devices.file, problems) &&
    need(ifaces, ['device', 'name', 'speed'], files.interfaces.file, problems) &&
    need(cables, ['side_a_device', 'side_a_name', 'side_b_device', 'side_b_name'], files.cables.file, problems);
  if (!ok) throw new ScenarioError(problems);
  const at = (f: { file: string }, i: number) => `${f.file}:${i + 2}`;
  const kind = new Map<string, 'server' | 'switch'>();
  const switches: Imported['switches'] = [];
  for (const [i, d] of devices.entries()) {
    const role = d.role.toLowerCase();
    const mapped = ROLE[role];
    if (role === SERVER_ROLE) kind.set(d.name, 'server');
    else if (!mapped)
      problems.push({
        path: 'role',
        location: at(files.devices, i),
        message: `"${d.role}" is not a role aifabric maps (${Object.keys(ROLE).join(', ')}, GPU Server)`,
      });
    else {
      kind.set(d.name, 'switch');
      const known = catalog.switches.has(d.device_type);
      // The border is no catalog switch unless its type names one (plan --csv writes border-router).
      switches.push(
        mapped === 'border' && !known
          ? { name: d.name, role: mapped }
          : { name: d.name, model: d.device_type, role: mapped },
      );
      if (!known && mapped !== 'border') {
        const near = closest(d.device_type, [...catalog.switches.keys()]);
        problems.push({
          path: 'device_type',
          location: at(files.devices, i),
          message: `"${d.device_type}" of ${d.name} is no catalog switch id${near ? ` (did you mean ${near}?)` : ''}; add the model with --catalog FILE`,
        });
      }
    }
  }
  const speed = new Map<string, number>();
  for (const r of ifaces) speed.set(`${r.device}\u0000${r.name}`, Number(r.speed) * 1000);
  const { hosts, links } = cableLinks(cables, kind, speed, files, problems);
  if (problems.length > 0) throw new ScenarioError(problems);
  return { switches, hosts, links };
}

function cableLinks(
  cables: Record<string, string>[],
  kind: Map<string, 'server' | 'switch'>,
  speed: Map<string, number>,
  files: NetboxFiles,
  problems: InputProblem[],
) {
  const hostOf = new Map<string, { name: string; nic: string; server: string }>();
  const links: Imported['links'] = [];
  cables.forEach((c, i) => {
    const loc = `${files.cables.file}:${i + 2}`;
    const ends = [
      [c.side_a_device, c.side_a_name],
      [c.side_b_device, c.side_b_name],
    ];
    const rates = ends.map(([d, p]) => speed.get(`${d}\u0000${p}`));
    for (const [k, [d, p]] of ends.entries()) {
      if (!kind.has(d))
        problems.push({
          path: `side_${'ab'[k]}_device`,
          location: loc,
          message: `no device "${d}" in ${files.devices.file}`,
        });
      else if (rates[k] === undefined || !(rates[k] > 0))
        problems.push({
          path: `side_${'ab'[k]}_name`,
          location: loc,
          message: `no interface "${p}" of ${d} with a speed in ${files.interfaces.file}`,
        });
    }
    if (rates[0] !== undefined && rates[1] !== undefined && rates[0] !== rates[1])
      problems.push({
        path: 'speed',
        location: loc,
        message: `the two ends run ${formatRate(rates[0])} and ${formatRate(rates[1])}`,
      });
    const rate = rates[0] ?? 0;
    const names = ends.map(([d, p]) => {
      if (kind.get(d) !== 'server') return d;
      const name = `${d}-${p}`;
      if (!hostOf.has(name)) hostOf.set(name, { name, nic: formatRate(rate), server: d });
      return name;
    });
    const unit = LENGTH_UNIT_M[(c.length_unit || 'm').toLowerCase()];
    const len = c.length ? Number(c.length) * (unit ?? Number.NaN) : undefined;
    if (len !== undefined && !(len > 0))
      problems.push({
        path: 'length',
        location: loc,
        message: `"${c.length} ${c.length_unit}" is not a cable length (units m, cm, km, ft, in)`,
      });
    links.push({ a: names[0], b: names[1], speed: formatRate(rate), ...(len && len > 0 ? { length: `${len}m` } : {}) });
  });
  return { hosts: orderHosts([...hostOf.values()], kind), links };
}

/** Servers in the devices file's order, each server's ports in natural order (nic2 before nic10): for a fabric
 * exported by `plan --csv`, the order of its hosts h0..h(N-1). */
function orderHosts(hosts: Imported['hosts'], kind: Map<string, 'server' | 'switch'>): Imported['hosts'] {
  const rank = new Map([...kind.keys()].map((d, i) => [d, i]));
  return hosts.sort(
    (x, y) =>
      (rank.get(x.server) ?? 0) - (rank.get(y.server) ?? 0) || x.name.localeCompare(y.name, 'en', { numeric: true }),
  );
}

const list = (key: string, items: string[]) =>
  items.length ? [`${key}:`, ...items.map((x) => `  - ${x}`)] : [`${key}: []`];

/** The topology file's YAML, one entry per line (short, diffable). */
export function topologyYaml(t: Imported, source: string): string {
  const flow = (o: Record<string, string | undefined>) =>
    `{ ${Object.entries(o)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
      .join(', ')} }`;
  return [
    `# Imported from NetBox CSVs (${source}) by \`aifabric import netbox\`. Format: docs/topology.md.`,
    'version: 1',
    ...list('switches', t.switches.map(flow)),
    ...list('hosts', t.hosts.map(flow)),
    ...list('links', t.links.map(flow)),
    '',
  ].join('\n');
}
