// `fabric: {topology: custom, file: lab.yaml}`: a fabric read from a topology file instead of generated. The file is
// checked against the catalog (custom-check.ts), wired into the same immutable Fabric the generators build (ports
// handed out by the generators' allocator, media chosen by speed and length unless named), routed over every
// shortest path (shortest-paths.ts), and given a BOM, metrics and a blueprint counted from the graph.
// Leaves out: formulas (a custom fabric's bisection is its graph's max-flow, with nothing to check it against).
import { basename } from 'node:path';
import type { Catalog, SwitchModel } from '../catalog/index.ts';
import { DesignError, type InputProblem, ScenarioError } from '../errors.ts';
import type { FabricSpec } from '../scenario/schema.ts';
import { readTopologyFile } from '../scenario/topology-file.ts';
import { type Bom, billOfMaterials, countsFromFabric } from './bom.ts';
import { freeze, PortAllocator } from './build.ts';
import { type CheckedLink, type CheckedTopology, checkTopology } from './custom-check.ts';
import { chooseMedium } from './media.ts';
import { bisection, fabricMetrics, hops, type Metrics, oversubscription } from './metrics.ts';
import { shortestPathRouting } from './shortest-paths.ts';
import {
  type Blueprint,
  type Fabric,
  type FabricLink,
  type FabricNode,
  LENGTH_M,
  type LengthClass,
  type LinkId,
  type NodeId,
  type SwitchCount,
  TIER_OF,
} from './types.ts';

/** Propagation in fibre, 5 ns/m (light at about 2e8 m/s in silica): the engines' PROP_PS_PER_M, so that a link's
 * `delay` turns into the length that gives it. */
const PS_PER_M = 5000;

/** What designFabric returns (its `Design`, declared here too so that index.ts and this file import no cycle). */
export interface CustomDesign {
  fabric: Fabric;
  blueprint: Blueprint;
  bom: Bom;
  metrics: Metrics;
}

export function designCustom(spec: FabricSpec, catalog: Catalog, name: string): CustomDesign {
  if (spec.file === undefined) throw new DesignError('fabric.file', 'is required for topology custom');
  const t = readTopologyFile(spec.file);
  const problems: InputProblem[] = [];
  const checked = checkTopology(t, catalog, problems);
  if (problems.length > 0) throw new ScenarioError(problems);
  // The scenario may leave hosts out (the loader fills it from the file); a number it does give must agree.
  if (spec.hosts !== checked.hosts.length)
    throw new DesignError(
      'fabric.hosts',
      `is ${spec.hosts} but ${basename(spec.file)} lists ${checked.hosts.length} hosts; leave fabric.hosts out for a custom fabric`,
    );
  const { nodes, links } = wire(checked, catalog, problems);
  if (problems.length > 0) throw new ScenarioError(problems);
  const R = checked.hosts.length / new Set(checked.hosts.map((h) => h.server)).size;
  const fullSpec: FabricSpec = { ...spec, hosts: checked.hosts.length, gpusPerNode: R };
  const bp = customBlueprint(fullSpec, checked, nodes, links, catalog);
  const border = nodes.find((n) => n.role === 'border')?.id ?? -1;
  const fabric = freeze(fullSpec, bp, name, nodes, links, border, catalog, shortestPathRouting);
  bp.bisectionBps = bisection(fabric);
  bp.maxHops = hops(fabric).maxHops;
  bp.oversubscription = oversubscription(fabric);
  return {
    fabric,
    blueprint: bp,
    bom: billOfMaterials(countsFromFabric(fabric), catalog),
    metrics: fabricMetrics(fabric, catalog),
  };
}

/** Nodes (hosts first, grouped by server in the file's order, then switches) and links with their ports. */
function wire(t: CheckedTopology, catalog: Catalog, problems: InputProblem[]) {
  const nodes: FabricNode[] = [];
  const alloc: PortAllocator[] = [];
  const models: (SwitchModel | null)[] = [];
  const servers = [...new Set(t.hosts.map((h) => h.server))];
  const inServer = new Map<string, number>();
  for (const [s, server] of servers.entries())
    for (const h of t.hosts.filter((x) => x.server === server)) {
      const rail = inServer.get(server) ?? 0;
      inServer.set(server, rail + 1);
      nodes.push({
        id: nodes.length as NodeId,
        name: h.name,
        role: 'host',
        tier: 0,
        pod: -1,
        rail,
        server: s,
        model: h.nic.id,
      });
      alloc.push(new PortAllocator(null));
      models.push(null);
    }
  for (const s of t.switches) {
    const tier = TIER_OF[s.role];
    nodes.push({
      id: nodes.length as NodeId,
      name: s.name,
      role: s.role,
      tier,
      pod: -1,
      rail: -1,
      server: -1,
      model: s.model?.id ?? null,
    });
    alloc.push(new PortAllocator(s.model));
    models.push(s.model);
  }
  const byName = new Map(nodes.map((n) => [n.name, n]));
  // Switch-to-switch links first, as the generators take uplinks first: hosts then take the low port numbers.
  const order = [...t.links].sort((x, y) => hostEnds(x, byName) - hostEnds(y, byName) || x.index - y.index);
  const links: FabricLink[] = [];
  for (const l of order) {
    const link = wireLink(l, byName, alloc, models, catalog, t, problems);
    if (link) links.push({ ...link, id: links.length as LinkId });
  }
  return { nodes, links };
}

function hostEnds(l: CheckedLink, byName: Map<string, FabricNode>): number {
  return (byName.get(l.a)?.role === 'host' ? 1 : 0) + (byName.get(l.b)?.role === 'host' ? 1 : 0);
}

function wireLink(
  l: CheckedLink,
  byName: Map<string, FabricNode>,
  alloc: PortAllocator[],
  models: (SwitchModel | null)[],
  catalog: Catalog,
  t: CheckedTopology,
  problems: InputProblem[],
): Omit<FabricLink, 'id'> | null {
  const x = byName.get(l.a) as FabricNode;
  const y = byName.get(l.b) as FabricNode;
  const [lo, hi] = y.tier < x.tier ? [y, x] : [x, y];
  const lengthM = l.lengthM ?? (l.delayPs !== undefined ? l.delayPs / PS_PER_M : undefined);
  const lengthClass: LengthClass =
    lengthM !== undefined ? classOf(lengthM) : lo.role === 'host' ? 'rack' : hi.tier >= 3 ? 'hall' : 'row';
  const ports: string[] = [];
  for (const [node, end] of [
    [lo, 'up'],
    [hi, 'down'],
  ] as const) {
    if (node.role === 'host') ports.push(`nic${node.rail}`);
    else
      try {
        ports.push(alloc[node.id].take(l.rateBps, end));
      } catch {
        const m = models[node.id] as SwitchModel;
        problems.push({
          path: `links[${l.index}]`,
          location: t.where(['links', l.index]),
          message: `"${node.name}" (${m.id}) has no free port left at ${l.rateBps / 1e9}G for this link; use fewer links on it or a larger model`,
        });
        return null;
      }
  }
  let medium = l.medium?.id;
  if (!medium)
    try {
      medium = chooseMedium(catalog, l.rateBps, lengthClass).medium.id;
    } catch (e) {
      if (!(e instanceof DesignError)) throw e;
      problems.push({
        path: `links[${l.index}].speed`,
        location: t.where(['links', l.index, 'speed']),
        message: e.message.slice(e.path.length + 2),
      });
      return null;
    }
  return {
    a: lo.id,
    b: hi.id,
    aPort: ports[0],
    bPort: ports[1],
    rateBps: l.rateBps,
    lengthClass,
    lengthM: lengthM ?? LENGTH_M[lengthClass],
    medium,
  };
}

/** The shortest length class a cable fits (media are chosen by class; its exact length sets its delay). */
function classOf(m: number): LengthClass {
  return m <= LENGTH_M.rack ? 'rack' : m <= LENGTH_M.row ? 'row' : 'hall';
}

function customBlueprint(
  spec: FabricSpec,
  t: CheckedTopology,
  nodes: FabricNode[],
  links: FabricLink[],
  catalog: Catalog,
): Blueprint {
  const counts = new Map<string, SwitchCount>();
  const used = new Map<number, Set<string>>();
  for (const l of links)
    for (const [n, p] of [
      [l.a, l.aPort],
      [l.b, l.bPort],
    ] as const) {
      const s = used.get(n) ?? new Set<string>();
      s.add(p.split('/')[0]);
      used.set(n, s);
    }
  for (const n of nodes) {
    if (n.role === 'host' || n.role === 'border' || n.role === 'storage' || !n.model) continue;
    const m = catalog.switches.get(n.model) as SwitchModel;
    const free = m.portGroups.reduce((s, g) => s + g.count, 0) - (used.get(n.id)?.size ?? 0);
    const k = `${n.role}/${n.model}`;
    const c = counts.get(k) ?? { role: n.role, model: n.model, count: 0, unusedPorts: 0 };
    c.count++;
    c.unusedPorts = Math.max(c.unusedPorts, free);
    counts.set(k, c);
  }
  const groups = new Map<string, Blueprint['links'][number]>();
  for (const l of links) {
    const tier = `${nodes[l.a].role}-${nodes[l.b].role}`;
    const k = `${tier}/${l.rateBps}/${l.lengthClass}`;
    const g = groups.get(k) ?? { tier, count: 0, rateBps: l.rateBps, lengthClass: l.lengthClass };
    g.count++;
    groups.set(k, g);
  }
  const hostLink = links.find((l) => nodes[l.a].role === 'host');
  return {
    topology: 'custom',
    hosts: spec.hosts,
    gpusPerNode: spec.gpusPerNode,
    nic: t.hosts[0].nic,
    hostRateBps: hostLink?.rateBps ?? t.hosts[0].nic.speedBps,
    tiers: Math.max(1, ...t.switches.filter((s) => s.role !== 'border').map((s) => TIER_OF[s.role])),
    switches: [...counts.values()],
    links: [...groups.values()],
    oversubscription: {},
    bisectionBps: 0,
    maxHops: 0,
    notes: [
      `custom fabric from ${basename(spec.file as string)}: ${t.switches.length} switches, ${t.hosts.length} hosts, ${links.length} links; routing: every shortest path as an ECMP group`,
    ],
    wiring: { kind: 'custom', file: spec.file as string },
  };
}
