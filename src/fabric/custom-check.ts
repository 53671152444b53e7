// A topology file (src/scenario/topology-file.ts) checked against the catalog: names, models, NICs, roles, each
// link's ends, speeds and medium, hosts with one link each, servers of equal size. Every problem found is reported at
// once, with its file:line:col. Port counts are checked while wiring (custom.ts), where ports are handed out.
// Leaves out multi-homed hosts (issue 17, item 5).
import { closest } from '../base/suggest.ts';
import { formatRate } from '../base/units.ts';
import type { Catalog, LinkMedium, NicModel, SwitchModel } from '../catalog/index.ts';
import { DesignError, type InputProblem } from '../errors.ts';
import { msg } from '../messages.ts';
import { pathText, type ReadTopology } from '../scenario/topology-file.ts';
import { resolveNic } from './generators.ts';
import { speedsOf } from './ports.ts';
import type { Role } from './types.ts';

export interface CheckedSwitch {
  name: string;
  model: SwitchModel | null;
  role: Exclude<Role, 'host' | 'storage'>;
}
export interface CheckedHost {
  name: string;
  nic: NicModel;
  server: string;
}
export interface CheckedLink {
  a: string;
  b: string;
  rateBps: number;
  lengthM: number | undefined;
  medium: LinkMedium | undefined;
  delayPs: number | undefined;
  /** Index in the file, for errors found while wiring. */
  index: number;
}
export interface CheckedTopology {
  switches: CheckedSwitch[];
  hosts: CheckedHost[];
  links: CheckedLink[];
  where: ReadTopology['where'];
}

type Add = (path: PropertyKey[], message: string) => void;

/** Everything the file says, resolved against the catalog; a ScenarioError lists every problem. */
export function checkTopology(t: ReadTopology, catalog: Catalog, problems: InputProblem[]): CheckedTopology {
  const add: Add = (path, message) => problems.push({ path: pathText(path), message, location: t.where(path) });
  const names = new Map<string, 'switch' | 'host'>();
  const name = (kind: 'switch' | 'host', n: string, path: PropertyKey[]) => {
    if (names.has(n)) add(path, `"${n}" is already the name of a ${names.get(n)}; names must be unique`);
    names.set(n, kind);
  };
  const hostNames = new Set(t.data.hosts.map((h) => h.name));
  const switches = t.data.switches.map((s, i): CheckedSwitch => {
    name('switch', s.name, ['switches', i, 'name']);
    const attached = t.data.links.some(
      (l) => (l.a === s.name && hostNames.has(l.b)) || (l.b === s.name && hostNames.has(l.a)),
    );
    const role = s.role ?? (attached ? 'leaf' : 'spine');
    return { name: s.name, role, model: switchModel(catalog, s.model, role, ['switches', i, 'model'], add) };
  });
  const hosts = t.data.hosts.map((h, i): CheckedHost => {
    name('host', h.name, ['hosts', i, 'name']);
    return { name: h.name, nic: nicModel(catalog, h.nic, ['hosts', i, 'nic'], add), server: h.server ?? `#${h.name}` };
  });
  const links = t.data.links.map((l, i) => checkLink(l, i, names, catalog, add));
  checkHostLinks(t, hosts, links, add);
  checkLinkEnds(switches, hosts, links, add);
  return { switches, hosts, links, where: t.where };
}

function switchModel(catalog: Catalog, id: string | undefined, role: string, path: PropertyKey[], add: Add) {
  if (id === undefined) {
    if (role !== 'border') add(path, 'is required (a catalog switch id); only the border may leave it out');
    return null;
  }
  const m = catalog.switches.get(id);
  if (!m) add(path, msg.unknownModel('switch model', id, closest(id, [...catalog.switches.keys()]), 'switch models'));
  return m ?? null;
}

function nicModel(catalog: Catalog, nic: string, path: PropertyKey[], add: Add): NicModel {
  try {
    return resolveNic(catalog, nic, pathText(path));
  } catch (e) {
    if (!(e instanceof DesignError)) throw e;
    add(path, e.message.slice(e.path.length + 2));
    return { speedBps: 0 } as NicModel;
  }
}

type FileLink = ReadTopology['data']['links'][number];

function checkLink(l: FileLink, i: number, names: Map<string, string>, catalog: Catalog, add: Add): CheckedLink {
  for (const end of ['a', 'b'] as const)
    if (!names.has(l[end]))
      add(['links', i, end], `no switch or host named "${l[end]}"${suggest(l[end], [...names.keys()])}`);
  if (l.a === l.b) add(['links', i, 'b'], `a link from "${l.a}" to itself; link two different nodes`);
  if (l.length !== undefined && l.delay !== undefined)
    add(['links', i, 'delay'], 'give a length or a delay, not both (a length sets the delay at 5 ns/m)');
  let medium: LinkMedium | undefined;
  if (l.media !== undefined) {
    medium = catalog.media.get(l.media);
    if (!medium)
      add(
        ['links', i, 'media'],
        msg.unknownModel('medium', l.media, closest(l.media, [...catalog.media.keys()]), 'media'),
      );
    else if (medium.type === 'fiber' || medium.speedBps !== l.speed)
      add(
        ['links', i, 'media'],
        `${medium.id} does not carry ${formatRate(l.speed)} (it is a ${medium.type}${medium.speedBps ? ` at ${formatRate(medium.speedBps)}` : ''}); name a cable or optic of the link's speed`,
      );
    else if (l.length !== undefined && l.length > medium.maxReachM)
      add(['links', i, 'length'], `${l.length} m is beyond the ${medium.maxReachM} m reach of ${medium.id}`);
  }
  return { a: l.a, b: l.b, rateBps: l.speed, lengthM: l.length, medium, delayPs: l.delay, index: i };
}

function suggest(name: string, all: string[]): string {
  const c = closest(name, all);
  return c ? `; did you mean "${c}"?` : '';
}

/** Each host has exactly one link, at its NIC's speed. */
function checkHostLinks(t: ReadTopology, hosts: CheckedHost[], links: CheckedLink[], add: Add): void {
  hosts.forEach((h, i) => {
    const mine = links.filter((l) => l.a === h.name || l.b === h.name);
    if (mine.length === 0) add(['hosts', i, 'name'], `host "${h.name}" has no link; link it to a switch`);
    if (mine.length > 1)
      add(
        ['links', mine[1].index],
        `host "${h.name}" has ${mine.length} links; a host has one NIC port here (dual-homing is issue 17, item 5)`,
      );
    for (const l of mine)
      if (h.nic.speedBps > 0 && l.rateBps !== h.nic.speedBps)
        add(
          ['links', l.index, 'speed'],
          `${formatRate(l.rateBps)} differs from the ${formatRate(h.nic.speedBps)} NIC of host "${h.name}" (${h.nic.id})`,
        );
  });
  const size = new Map<string, number>();
  for (const h of hosts) size.set(h.server, (size.get(h.server) ?? 0) + 1);
  const sizes = new Set(size.values());
  if (sizes.size > 1) {
    const i = t.data.hosts.findIndex((h) => h.server !== undefined);
    add(
      ['hosts', Math.max(0, i), 'server'],
      `servers hold ${[...sizes].sort((a, b) => a - b).join(', ')} hosts; every server must hold the same number (gpusPerNode)`,
    );
  }
}

/** No host-to-host link; a switch end runs the link's speed on some port of its model. */
function checkLinkEnds(switches: CheckedSwitch[], hosts: CheckedHost[], links: CheckedLink[], add: Add): void {
  const sw = new Map(switches.map((s) => [s.name, s]));
  const isHost = new Set(hosts.map((h) => h.name));
  for (const l of links) {
    if (isHost.has(l.a) && isHost.has(l.b))
      add(['links', l.index, 'b'], `links two hosts ("${l.a}", "${l.b}"); hosts attach to switches`);
    for (const end of ['a', 'b'] as const) {
      const m = sw.get(l[end])?.model;
      if (m && !speedsOf(m).includes(l.rateBps))
        add(
          ['links', l.index, 'speed'],
          `${m.id} ("${l[end]}") has no port at ${formatRate(l.rateBps)} (it runs ${speedsOf(m).map(formatRate).join(', ')})`,
        );
    }
  }
}
