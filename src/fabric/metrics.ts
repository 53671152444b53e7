// Metrics computed from the built graph: oversubscription per role, bisection bandwidth (max-flow between
// the two halves of the hosts), hop counts, blast radius of one switch failure, and port usage.
import type { Catalog } from '../catalog/index.ts';
import { type Fabric, hasNic, type NodeId, type Role, type SwitchRoleName } from './types.ts';

export interface BlastRadius {
  role: SwitchRoleName;
  /** The worst switch of the role: most hosts cut off, then most fabric capacity. */
  switch: string;
  hostsCutOff: number;
  fabricCapacityLostBps: number;
  /** Share of all switch-to-switch capacity that goes with it. */
  fabricCapacityLostShare: number;
}

export interface Metrics {
  /** Down:up bandwidth of the worst switch of each role (roles without uplinks are left out). */
  oversubscription: Partial<Record<SwitchRoleName, number>>;
  bisectionBps: number;
  /** Links on the longest shortest host-to-host path. */
  maxHops: number;
  /** From h0: how many hosts are at each hop count (FAT-01 style). */
  hopsFromFirstHost: Record<string, number>;
  blastRadius: BlastRadius[];
  ports: PortUsage;
  /** fabric.storage: the storage nodes' NIC bandwidth in all and per GPU host; absent without storage. */
  storage?: { nodes: number; totalBps: number; perHostBps: number };
}

export interface PortUsage {
  /** Link ends on switches (logical ports, breakout lanes counted one by one). */
  switchPortsUsed: number;
  hostLinks: number;
  switchLinks: number;
  /** Per role: physical ports used and available over all switches of the role. */
  byRole: Partial<Record<SwitchRoleName, { physicalUsed: number; physicalTotal: number }>>;
  /** Switches whose used physical ports exceed their count (must be empty). */
  overCommitted: string[];
}

export function fabricMetrics(f: Fabric, catalog: Catalog): Metrics {
  return {
    oversubscription: oversubscription(f),
    bisectionBps: bisection(f),
    ...hops(f),
    blastRadius: blastRadius(f),
    ports: portUsage(f, catalog),
    ...storageMetrics(f),
  };
}

function storageMetrics(f: Fabric): { storage?: Metrics['storage'] } {
  if (f.storage.length === 0) return {};
  let total = 0;
  for (const s of f.storage)
    for (let i = f.adjStart[s]; i < f.adjStart[s + 1]; i++) total += f.links[f.adjLinks[i]].rateBps;
  return { storage: { nodes: f.storage.length, totalBps: total, perHostBps: total / Math.max(1, f.hosts.length) } };
}

/** Storage nodes and the switches they hang from: up/down routing never turns there, so host-to-host max-flow
 * leaves them out. */
function storageSide(f: Fabric): Uint8Array {
  const out = new Uint8Array(f.nodes.length);
  for (const s of f.storage) {
    out[s] = 1;
    for (let i = f.adjStart[s]; i < f.adjStart[s + 1]; i++) out[f.peer(f.adjLinks[i] as never, s as NodeId)] = 1;
  }
  return out;
}

export function oversubscription(f: Fabric): Partial<Record<SwitchRoleName, number>> {
  const down = new Float64Array(f.nodes.length);
  const up = new Float64Array(f.nodes.length);
  for (const l of f.links) {
    up[l.a] += l.rateBps;
    down[l.b] += l.rateBps;
  }
  const out: Partial<Record<SwitchRoleName, number>> = {};
  for (const n of f.nodes) {
    if (n.role === 'host' || n.role === 'border' || n.role === 'storage' || up[n.id] === 0 || down[n.id] === 0)
      continue;
    const r = down[n.id] / up[n.id];
    const role = n.role as SwitchRoleName;
    if (out[role] === undefined || r > (out[role] as number)) out[role] = r;
  }
  return out;
}

/**
 * Max-flow (Dinic) from the first half of the hosts to the second, every link full duplex (each
 * direction its own capacity). Capacities in Gb/s keep the arithmetic exact for catalog speeds.
 */
export function bisection(f: Fabric): number {
  const H = f.hosts.length;
  if (H < 2) return 0;
  const n = f.nodes.length + 2;
  const S = n - 2;
  const T = n - 1;
  const half = Math.floor(H / 2);
  const m = 4 * f.links.length + 2 * H;
  const head = new Int32Array(n).fill(-1);
  const next = new Int32Array(m);
  const to = new Int32Array(m);
  const cap = new Float64Array(m);
  let e = 0;
  const arc = (u: number, v: number, c: number) => {
    to[e] = v;
    cap[e] = c;
    next[e] = head[u];
    head[u] = e++;
    to[e] = u;
    cap[e] = 0;
    next[e] = head[v];
    head[v] = e++;
  };
  const INF = 1e18;
  const aside = storageSide(f);
  for (const l of f.links) {
    if (aside[l.a] || aside[l.b]) continue;
    const g = l.rateBps / 1e9;
    arc(l.a, l.b, g);
    arc(l.b, l.a, g);
  }
  for (let i = 0; i < H; i++) {
    if (i < half) arc(S, f.hosts[i], INF);
    else if (i < 2 * half) arc(f.hosts[i], T, INF);
  }
  const level = new Int32Array(n);
  const it = new Int32Array(n);
  const queue = new Int32Array(n);
  let flow = 0;
  const bfs = (): boolean => {
    level.fill(-1);
    level[S] = 0;
    let qh = 0;
    let qt = 0;
    queue[qt++] = S;
    while (qh < qt) {
      const u = queue[qh++];
      for (let a = head[u]; a !== -1; a = next[a]) {
        if (cap[a] > 1e-9 && level[to[a]] < 0) {
          level[to[a]] = level[u] + 1;
          queue[qt++] = to[a];
        }
      }
    }
    return level[T] >= 0;
  };
  // Iterative DFS with current-arc pointers.
  const stackNode = new Int32Array(n);
  const stackArc = new Int32Array(n);
  const dfs = (): number => {
    let total = 0;
    for (;;) {
      let depth = 0;
      stackNode[0] = S;
      let found = false;
      while (depth >= 0) {
        const u = stackNode[depth];
        if (u === T) {
          found = true;
          break;
        }
        let advanced = false;
        for (; it[u] !== -1; it[u] = next[it[u]]) {
          const a = it[u];
          const v = to[a];
          if (cap[a] > 1e-9 && level[v] === level[u] + 1) {
            stackArc[depth] = a;
            stackNode[++depth] = v;
            advanced = true;
            break;
          }
        }
        if (!advanced) {
          level[u] = -1;
          depth--;
          if (depth >= 0) it[stackNode[depth]] = next[it[stackNode[depth]]];
        }
      }
      if (!found) return total;
      let push = INF;
      for (let d = 0; d < depth; d++) push = Math.min(push, cap[stackArc[d]]);
      for (let d = 0; d < depth; d++) {
        cap[stackArc[d]] -= push;
        cap[stackArc[d] ^ 1] += push;
      }
      total += push;
    }
  };
  while (bfs()) {
    for (let u = 0; u < n; u++) it[u] = head[u];
    flow += dfs();
  }
  return Math.round(flow * 1e3) * 1e6;
}

/** BFS over switches from h0 and from the last host; hosts and the border are not transit for this count. */
export function hops(f: Fabric): { maxHops: number; hopsFromFirstHost: Record<string, number> } {
  const n = f.nodes.length;
  const dist = new Int32Array(n);
  const queue = new Int32Array(n);
  const run = (src: number) => {
    dist.fill(-1);
    dist[src] = 0;
    let qh = 0;
    let qt = 0;
    queue[qt++] = src;
    while (qh < qt) {
      const u = queue[qh++];
      if (u !== src && f.nodes[u].role === 'host') continue;
      for (let i = f.adjStart[u]; i < f.adjStart[u + 1]; i++) {
        const v = f.peer(f.adjLinks[i] as never, u as NodeId);
        if (dist[v] < 0) {
          dist[v] = dist[u] + 1;
          queue[qt++] = v;
        }
      }
    }
    let max = 0;
    const hist: Record<string, number> = {};
    for (let i = 0; i < f.hosts.length; i++) {
      const h = f.hosts[i];
      if (h === src) continue;
      max = Math.max(max, dist[h]);
      hist[String(dist[h])] = (hist[String(dist[h])] ?? 0) + 1;
    }
    return { max, hist };
  };
  if (f.hosts.length < 2) return { maxHops: 0, hopsFromFirstHost: {} };
  const a = run(f.hosts[0]);
  const b = run(f.hosts[f.hosts.length - 1]);
  return { maxHops: Math.max(a.max, b.max), hopsFromFirstHost: a.hist };
}

export function blastRadius(f: Fabric): BlastRadius[] {
  let fabricTotal = 0;
  const hostLinks = new Map<number, number>();
  for (const l of f.links) {
    if (f.nodes[l.a].role === 'host') hostLinks.set(l.a, (hostLinks.get(l.a) ?? 0) + 1);
    else if (f.nodes[l.a].role !== 'storage') fabricTotal += l.rateBps;
  }
  const best = new Map<Role, BlastRadius>();
  for (const n of f.nodes) {
    if (n.role === 'host' || n.role === 'border' || n.role === 'storage') continue;
    let cut = 0;
    let lost = 0;
    for (let i = f.adjStart[n.id]; i < f.adjStart[n.id + 1]; i++) {
      const l = f.links[f.adjLinks[i]];
      const other = l.a === n.id ? l.b : l.a;
      if (f.nodes[other].role === 'host') {
        // Cut off if every link of the host ends on this switch.
        let onThis = 0;
        for (let j = f.adjStart[other]; j < f.adjStart[other + 1]; j++)
          if (f.peer(f.adjLinks[j] as never, other) === n.id) onThis++;
        if (onThis === hostLinks.get(other)) cut++;
      } else if (f.nodes[other].role !== 'storage') lost += l.rateBps;
    }
    const prev = best.get(n.role);
    if (!prev || cut > prev.hostsCutOff || (cut === prev.hostsCutOff && lost > prev.fabricCapacityLostBps))
      best.set(n.role, {
        role: n.role as SwitchRoleName,
        switch: n.name,
        hostsCutOff: cut,
        fabricCapacityLostBps: lost,
        fabricCapacityLostShare: fabricTotal ? lost / fabricTotal : 0,
      });
  }
  return [...best.values()];
}

export function portUsage(f: Fabric, catalog: Catalog): PortUsage {
  let switchPortsUsed = 0;
  let hostLinks = 0;
  let switchLinks = 0;
  const physical = new Map<number, Set<string>>();
  const use = (node: number, port: string) => {
    const nd = f.nodes[node];
    if (hasNic(nd.role) || nd.role === 'border') return;
    switchPortsUsed++;
    let s = physical.get(node);
    if (!s) {
      s = new Set();
      physical.set(node, s);
    }
    s.add(port.split('/')[0]);
  };
  for (const l of f.links) {
    if (hasNic(f.nodes[l.a].role)) hostLinks++;
    else switchLinks++;
    use(l.a, l.aPort);
    use(l.b, l.bPort);
  }
  const byRole: PortUsage['byRole'] = {};
  const over: string[] = [];
  for (const n of f.nodes) {
    if (hasNic(n.role) || n.role === 'border' || !n.model) continue;
    const m = catalog.switches.get(n.model);
    const total = m ? m.portGroups.reduce((s, g) => s + g.count, 0) : 0;
    const used = physical.get(n.id)?.size ?? 0;
    const r = n.role as SwitchRoleName;
    const e = byRole[r] ?? { physicalUsed: 0, physicalTotal: 0 };
    e.physicalUsed += used;
    e.physicalTotal += total;
    byRole[r] = e;
    if (used > total) over.push(n.name);
  }
  return { switchPortsUsed, hostLinks, switchLinks, byRole, overCommitted: over };
}
