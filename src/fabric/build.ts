// Fabric generators, step 2 of 2: wire a Blueprint into the immutable Fabric graph.
import type { Catalog, SwitchModel } from '../catalog/index.ts';
import { DesignError } from '../errors.ts';
import type { FabricSpec } from '../scenario/schema.ts';
import { chooseMedium } from './media.ts';
import { resolveNvlink } from './nvlink.ts';
import { buildRouting } from './routing.ts';
import { wireStorage } from './storage.ts';
import {
  type AccessAggWiring,
  type Blueprint,
  type ClosWiring,
  type DdcWiring,
  type Fabric,
  type FabricLink,
  type FabricNode,
  hasNic,
  LENGTH_M,
  type LengthClass,
  type LinkId,
  type NodeId,
  type Role,
} from './types.ts';

/** Hands out a switch's ports: uplinks from the top of the fastest groups, downlinks from the bottom. */
export class PortAllocator {
  private readonly lo: number[];
  private readonly hi: number[];
  private readonly base: number[];
  /** Partly used breakout ports, by `${group}/${rate}/${end}`: [physical, next lane, lanes]. */
  private readonly partial = new Map<string, [number, number, number]>();
  constructor(private readonly model: SwitchModel | null) {
    this.lo = model ? model.portGroups.map(() => 0) : [];
    this.hi = model ? model.portGroups.map((g) => g.count) : [];
    this.base = [];
    let b = 1;
    for (const g of model?.portGroups ?? []) {
      this.base.push(b);
      b += g.count;
    }
  }
  private next = 1;

  take(rateBps: number, end: 'down' | 'up', use: 'client' | 'fabric' | 'any' = 'any'): string {
    const m = this.model;
    if (!m) return `p${this.next++}`;
    const idx = m.portGroups.map((_, i) => i);
    const lanesOf = (i: number) => {
      const g = m.portGroups[i];
      if (use !== 'any' && g.use !== 'any' && g.use !== use) return 0;
      return g.speedBps === rateBps ? 1 : (g.breakouts.find((b) => b.speedBps === rateBps)?.lanes ?? 0);
    };
    // Uplinks: fastest native groups first. Downlinks: native groups first, then the fewest physical ports.
    const order =
      end === 'up'
        ? idx.sort((a, b) => m.portGroups[b].speedBps - m.portGroups[a].speedBps)
        : idx.sort((a, b) => {
            const la = lanesOf(a);
            const lb = lanesOf(b);
            if ((la === 1) !== (lb === 1)) return la === 1 ? -1 : 1;
            return lb - la;
          });
    for (const i of order) {
      const lanes = lanesOf(i);
      if (lanes === 0) continue;
      if (lanes === 1) {
        if (this.lo[i] >= this.hi[i]) continue;
        const p = end === 'up' ? --this.hi[i] : this.lo[i]++;
        return `eth${this.base[i] + p}`;
      }
      const key = `${i}/${rateBps}/${end}`;
      let cur = this.partial.get(key);
      if (!cur || cur[1] >= cur[2]) {
        if (this.lo[i] >= this.hi[i]) continue;
        const p = end === 'up' ? --this.hi[i] : this.lo[i]++;
        cur = [p, 0, lanes];
        this.partial.set(key, cur);
      }
      const lane = ++cur[1];
      return `eth${this.base[i] + cur[0]}/${lane}`;
    }
    throw new Error(`internal: ${m.id} ran out of ${rateBps / 1e9}G ${end} ports (blueprint and wiring disagree)`);
  }
}

class Builder {
  readonly nodes: FabricNode[] = [];
  readonly links: FabricLink[] = [];
  private readonly ports: PortAllocator[] = [];
  constructor(private readonly catalog: Catalog) {}

  node(name: string, role: Role, tier: number, model: SwitchModel | null, extra: Partial<FabricNode> = {}): NodeId {
    const id = this.nodes.length as NodeId;
    this.nodes.push({
      id,
      name,
      role,
      tier,
      pod: extra.pod ?? -1,
      rail: extra.rail ?? -1,
      server: extra.server ?? -1,
      model: extra.model !== undefined ? extra.model : (model?.id ?? null),
    });
    this.ports.push(new PortAllocator(model));
    return id;
  }

  /** A host port name is `nic{r}` (its GPU index in the server), `nic{r}p{q}` for port q of a split NIC. */
  link(
    lower: NodeId,
    upper: NodeId,
    rateBps: number,
    lengthClass: LengthClass,
    use: 'client' | 'fabric' | 'any' = 'any',
    nicPort = -1,
  ): void {
    const lo = this.nodes[lower];
    const nic = `nic${Math.max(0, lo.rail)}${nicPort >= 0 ? `p${nicPort}` : ''}`;
    const aPort = hasNic(lo.role) ? nic : this.ports[lower].take(rateBps, 'up', use);
    const bPort = this.ports[upper].take(rateBps, 'down', use);
    this.links.push({
      id: this.links.length as LinkId,
      a: lower,
      b: upper,
      aPort,
      bPort,
      rateBps,
      lengthClass,
      lengthM: LENGTH_M[lengthClass],
      medium: chooseMedium(this.catalog, rateBps, lengthClass).medium.id,
    });
  }
}

export function buildFabric(spec: FabricSpec, bp: Blueprint, catalog: Catalog, name = 'fabric'): Fabric {
  const b = new Builder(catalog);
  const R = bp.gpusPerNode;
  for (let i = 0; i < bp.hosts; i++)
    b.node(`h${i}`, 'host', 0, null, { model: bp.nic.id, server: Math.floor(i / R), rail: i % R });
  let border: NodeId | -1 = -1;
  const w = bp.wiring;
  if (w.kind === 'clos') {
    for (let p = 0; p < (w.planes ?? 1); p++) wireClos(b, bp, w, p);
    if (spec.border) border = wireClosBorder(b, w);
  } else if (w.kind === 'ddc') wireDdc(b, bp, w);
  else if (w.kind === 'access-aggregation') border = wireAccessAgg(b, bp, w);
  else throw new Error('internal: a custom fabric is built by custom.ts, not from a blueprint');
  if (bp.storage) wireStorage(b, bp.storage);
  return freeze(spec, bp, name, b.nodes, b.links, border, catalog);
}

/**
 * One plane of a Clos: its leaves, spines and cores are numbered after the previous planes' (plane p's leaf j
 * is leaf{p L + j}), its host links are port p of each NIC at the NIC speed / planes. One plane: as before.
 */
function wireClos(b: Builder, bp: Blueprint, w: ClosWiring, plane: number): void {
  const R = bp.gpusPerNode;
  const servers = bp.hosts / R;
  const planes = w.planes ?? 1;
  const nicPort = planes > 1 ? plane : -1;
  const hostRate = bp.hostRateBps / planes;
  const spineBase = plane * w.pods * w.spinesPerPod;
  const coreBase = plane * w.spinesPerPod * w.coresPerPlane;
  const leafIds: NodeId[] = [];
  for (let j = 0; j < w.leaves; j++) {
    const pod =
      w.attach === 'rail' ? Math.floor(Math.floor(j / R) / Math.max(1, w.unitsPerPod)) : Math.floor(j / w.leavesPerPod);
    leafIds.push(
      b.node(`leaf${plane * w.leaves + j}`, 'leaf', 1, w.leafModel, {
        pod: w.coreModel ? pod : w.attach === 'rail' ? Math.floor(j / R) : -1,
        rail: w.attach === 'rail' ? j % R : -1,
      }),
    );
  }
  const spineIds: NodeId[] = [];
  for (let p = 0; p < w.pods; p++)
    for (let a = 0; a < w.spinesPerPod; a++)
      spineIds.push(
        b.node(`spine${spineBase + p * w.spinesPerPod + a}`, 'spine', 2, w.spineModel, { pod: w.coreModel ? p : -1 }),
      );
  const coreIds: NodeId[] = [];
  if (w.coreModel)
    for (let c = 0; c < w.spinesPerPod * w.coresPerPlane; c++)
      coreIds.push(b.node(`core${coreBase + c}`, 'core', 3, w.coreModel, { pod: Math.floor(c / w.coresPerPlane) }));
  // Uplinks are taken first on every switch so hosts never take the ports the blueprint gave to uplinks.
  for (let j = 0; j < w.leaves; j++) {
    const pod = w.coreModel ? b.nodes[leafIds[j]].pod : 0;
    for (let a = 0; a < w.spinesPerPod; a++)
      for (let k = 0; k < w.leafSpineParallel; k++)
        b.link(leafIds[j], spineIds[pod * w.spinesPerPod + a], w.fabricRateBps, 'row');
  }
  if (w.coreModel)
    for (let p = 0; p < w.pods; p++)
      for (let a = 0; a < w.spinesPerPod; a++)
        for (let c = 0; c < w.coresPerPlane; c++)
          for (let k = 0; k < w.spineCoreParallel; k++)
            b.link(spineIds[p * w.spinesPerPod + a], coreIds[a * w.coresPerPlane + c], w.fabricRateBps, 'hall');
  const hostLen: LengthClass = w.attach === 'rail' ? 'row' : 'rack';
  if (w.attach === 'sequential') {
    for (let i = 0; i < bp.hosts; i++)
      b.link(i as NodeId, leafIds[Math.floor(i / w.hostsPerLeaf)], hostRate, hostLen, 'any', nicPort);
  } else {
    for (let s = 0; s < servers; s++) {
      const unit = Math.floor(s / w.serversPerUnit);
      for (let r = 0; r < R; r++)
        b.link((s * R + r) as NodeId, leafIds[unit * R + r], hostRate, hostLen, 'any', nicPort);
    }
  }
}

/**
 * border0 (fabric.border) above the top tier, one link from every spine (cores in 3 tiers) at the fabric rate:
 * Facebook's data center fabric brings external traffic in through edge pods attached to the spine planes
 * (A. Andreyev, "Introducing data center fabric", 2014); the border-leaf pair and its router are one node here.
 */
function wireClosBorder(b: Builder, w: ClosWiring): NodeId {
  const topRole = w.coreModel ? 'core' : 'spine';
  const top = b.nodes.filter((n) => n.role === topRole).map((n) => n.id);
  const border = b.node('border0', 'border', w.coreModel ? 4 : 3, null);
  for (const t of top)
    try {
      b.link(t, border, w.fabricRateBps, 'hall');
    } catch {
      throw new DesignError(
        'fabric.border',
        `${b.nodes[t].name} has no free ${w.fabricRateBps / 1e9}G port for a link to border0; lower fabric.hosts or raise oversubscription to free one`,
      );
    }
  return border;
}

function wireDdc(b: Builder, bp: Blueprint, w: DdcWiring): void {
  const lcs: NodeId[] = [];
  for (let j = 0; j < w.linecards; j++) lcs.push(b.node(`lc${j}`, 'linecard', 1, w.linecardModel));
  const fes: NodeId[] = [];
  for (let f = 0; f < w.fabricElements; f++) fes.push(b.node(`fe${f}`, 'fabric', 2, w.fabricModel));
  for (let j = 0; j < w.linecards; j++)
    for (let f = 0; f < w.fabricElements; f++)
      for (let k = 0; k < w.parallel; k++) b.link(lcs[j], fes[f], w.fabricRateBps, 'row', 'fabric');
  for (let i = 0; i < bp.hosts; i++)
    b.link(i as NodeId, lcs[Math.floor(i / w.hostsPerLinecard)], bp.hostRateBps, 'rack', 'client');
}

function wireAccessAgg(b: Builder, bp: Blueprint, w: AccessAggWiring): NodeId {
  const acc: NodeId[] = [];
  for (let j = 0; j < w.accessSwitches; j++)
    acc.push(b.node(`access${j}`, 'access', 1, w.accessModel, { pod: Math.floor(j / w.accessPerGroup) }));
  const aggs: NodeId[] = [];
  for (let a = 0; a < w.groups * w.groupSize; a++)
    aggs.push(b.node(`agg${a}`, 'aggregation', 2, w.aggModel, { pod: Math.floor(a / w.groupSize) }));
  const border = b.node('border0', 'border', 3, null);
  for (let a = 0; a < aggs.length; a++)
    for (let k = 0; k < w.borderLinksPerAgg; k++) b.link(aggs[a], border, w.borderRateBps, 'hall');
  for (let j = 0; j < w.accessSwitches; j++) {
    const g = Math.floor(j / w.accessPerGroup);
    for (let a = 0; a < w.groupSize; a++)
      for (let k = 0; k < w.parallel; k++) b.link(acc[j], aggs[g * w.groupSize + a], w.uplinkRateBps, 'row');
  }
  if (w.dualHomed)
    for (let i = 0; i < bp.hosts; i++)
      for (let k = 0; k < 2; k++)
        b.link(i as NodeId, acc[2 * Math.floor(i / w.hostsPerAccess) + k], bp.hostRateBps, 'rack', 'any', k);
  else
    for (let i = 0; i < bp.hosts; i++)
      b.link(i as NodeId, acc[Math.floor(i / w.hostsPerAccess)], bp.hostRateBps, 'rack');
  return border;
}

/** The graph frozen into a Fabric with its adjacency and routing (up/down ECMP unless a builder passes another). */
export function freeze(
  spec: FabricSpec,
  bp: Blueprint,
  name: string,
  nodes: FabricNode[],
  links: FabricLink[],
  border: NodeId | -1,
  catalog: Catalog,
  routingOf: typeof buildRouting = buildRouting,
): Fabric {
  const n = nodes.length;
  const adjStart = new Int32Array(n + 1);
  for (const l of links) {
    adjStart[l.a + 1]++;
    adjStart[l.b + 1]++;
  }
  for (let i = 0; i < n; i++) adjStart[i + 1] += adjStart[i];
  const fill = adjStart.slice(0, n);
  const adjLinks = new Int32Array(2 * links.length);
  for (const l of links) {
    adjLinks[fill[l.a]++] = l.id;
    adjLinks[fill[l.b]++] = l.id;
  }
  const hosts = new Int32Array(bp.hosts);
  for (let i = 0; i < bp.hosts; i++) hosts[i] = i;
  const storage = Int32Array.from(nodes.filter((nd) => nd.role === 'storage').map((nd) => nd.id));
  const byName = new Map<string, NodeId>();
  for (const nd of nodes) byName.set(nd.name, nd.id);
  const linkA = new Int32Array(links.length);
  const linkB = new Int32Array(links.length);
  for (const l of links) {
    linkA[l.id] = l.a;
    linkB[l.id] = l.b;
  }
  const partial = {
    name,
    topology: bp.topology,
    spec,
    blueprint: bp,
    nvlink: resolveNvlink(spec, catalog),
    nodes: Object.freeze(nodes),
    links: Object.freeze(links),
    hosts,
    storage,
    border,
    adjStart,
    adjLinks,
    nodeByName: (s: string) => byName.get(s),
    peer: (l: LinkId, from: NodeId) => (linkA[l] === from ? linkB[l] : linkA[l]) as NodeId,
  };
  const routing = routingOf(partial, linkA, linkB);
  return Object.freeze({ ...partial, routing });
}
