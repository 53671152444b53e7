// ECMP up/down routing compiled to flat typed-array tables (engines read these, never the object graph).
//
// Rule (valley-free up/down): at a node, a destination attached to it is delivered directly; a destination
// whose edge switch lies below it goes down over every child that reaches that edge; anything else goes up
// over every uplink. "Edge" switches are those endpoints attach to (leaves, access switches, line cards,
// and for the border node, the aggregation switches it hangs from).
import { enumeratePaths } from './paths.ts';
import type { Fabric, LinkId, NodeId, Routing } from './types.ts';

type PartialFabric = Omit<Fabric, 'routing'>;

const KEY = 134217728; // 2^27: link ids stay below it; edge ids times it stay below 2^53

export function buildRouting(f: PartialFabric, linkA: Int32Array, linkB: Int32Array): Routing {
  const n = f.nodes.length;
  const tier = new Int8Array(n);
  const endpoint = new Uint8Array(n);
  for (const nd of f.nodes) {
    tier[nd.id] = nd.tier;
    endpoint[nd.id] = nd.role === 'host' || nd.role === 'border' || nd.role === 'storage' ? 1 : 0;
  }
  const peer = (l: number, from: number) => (linkA[l] === from ? linkB[l] : linkA[l]);

  // Up links per node (CSR).
  const upStart = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) {
    let c = 0;
    for (let i = f.adjStart[v]; i < f.adjStart[v + 1]; i++) if (tier[peer(f.adjLinks[i], v)] > tier[v]) c++;
    upStart[v + 1] = upStart[v] + c;
  }
  const upList = new Int32Array(upStart[n]);
  for (let v = 0, k = 0; v < n; v++)
    for (let i = f.adjStart[v]; i < f.adjStart[v + 1]; i++)
      if (tier[peer(f.adjLinks[i], v)] > tier[v]) upList[k++] = f.adjLinks[i];

  // Edge switches and each endpoint's edges.
  const edgeOf = new Int32Array(n).fill(-1);
  let edges = 0;
  const attachStart = new Int32Array(n + 1);
  const attachTmp: number[] = [];
  for (let v = 0; v < n; v++) {
    if (endpoint[v]) {
      for (let i = f.adjStart[v]; i < f.adjStart[v + 1]; i++) {
        const s = peer(f.adjLinks[i], v);
        if (endpoint[s]) continue;
        if (edgeOf[s] < 0) edgeOf[s] = edges++;
        attachTmp.push(edgeOf[s]);
      }
    }
    attachStart[v + 1] = attachTmp.length;
  }
  const attachEdges = Int32Array.from(attachTmp);

  // Reach tables, bottom-up by tier: for node s, the sorted edges below it and the down links toward each.
  const reachStart = new Int32Array(n + 1);
  const edgeChunks: Int32Array[] = new Array(n);
  const offChunks: Int32Array[] = new Array(n);
  const linkChunks: Int32Array[] = new Array(n);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => tier[a] - tier[b] || a - b);
  const empty = new Int32Array(0);
  for (const s of order) {
    if (tier[s] === 0) {
      edgeChunks[s] = empty;
      offChunks[s] = Int32Array.of(0);
      linkChunks[s] = empty;
      continue;
    }
    let total = 0;
    for (let i = f.adjStart[s]; i < f.adjStart[s + 1]; i++) {
      const c = peer(f.adjLinks[i], s);
      if (tier[c] >= tier[s] || tier[c] === 0) continue;
      total += edgeChunks[c].length + (edgeOf[c] >= 0 ? 1 : 0);
    }
    const keys = new Float64Array(total);
    let k = 0;
    for (let i = f.adjStart[s]; i < f.adjStart[s + 1]; i++) {
      const l = f.adjLinks[i];
      const c = peer(l, s);
      if (tier[c] >= tier[s] || tier[c] === 0) continue;
      if (edgeOf[c] >= 0) keys[k++] = edgeOf[c] * KEY + l;
      const ce = edgeChunks[c];
      for (let j = 0; j < ce.length; j++) keys[k++] = ce[j] * KEY + l;
    }
    keys.sort();
    let uniq = 0;
    for (let j = 0; j < total; j++) if (j === 0 || Math.floor(keys[j] / KEY) !== Math.floor(keys[j - 1] / KEY)) uniq++;
    const e = new Int32Array(uniq);
    const off = new Int32Array(uniq + 1);
    const links = new Int32Array(total);
    let u = -1;
    for (let j = 0; j < total; j++) {
      const edge = Math.floor(keys[j] / KEY);
      if (u < 0 || e[u] !== edge) {
        u++;
        e[u] = edge;
        off[u] = j;
      }
      links[j] = keys[j] - edge * KEY;
    }
    off[uniq] = total;
    edgeChunks[s] = e;
    offChunks[s] = off;
    linkChunks[s] = links;
    reachStart[s + 1] = uniq;
  }

  const find = (s: number, edge: number): number => {
    const e = edgeChunks[s];
    let lo = 0;
    let hi = e.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (e[mid] === edge) return mid;
      if (e[mid] < edge) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  };

  // Resolve (at, dst) to a contiguous run of links: 0 direct, 1 down (one edge), 2 up; or -1 for a
  // destination with several edges below `at` (only the border), handled by `collect`.
  const directCount = (at: number, dst: number): number => {
    let c = 0;
    for (let i = f.adjStart[at]; i < f.adjStart[at + 1]; i++) if (peer(f.adjLinks[i], at) === dst) c++;
    return c;
  };

  const downRuns = (at: number, dst: number): number[] => {
    const runs: number[] = [];
    for (let i = attachStart[dst]; i < attachStart[dst + 1]; i++) {
      const idx = find(at, attachEdges[i]);
      if (idx >= 0) runs.push(idx);
    }
    return runs;
  };

  const nextHops = (at: NodeId, dst: NodeId): LinkId[] => {
    if (at === dst) return [];
    const out: LinkId[] = [];
    if (endpoint[at] && tier[at] === 0) {
      for (let i = f.adjStart[at]; i < f.adjStart[at + 1]; i++) out.push(f.adjLinks[i] as LinkId);
      return out;
    }
    if (directCount(at, dst) > 0) {
      for (let i = f.adjStart[at]; i < f.adjStart[at + 1]; i++)
        if (peer(f.adjLinks[i], at) === dst) out.push(f.adjLinks[i] as LinkId);
      return out;
    }
    const runs = downRuns(at, dst);
    if (runs.length > 0) {
      const seen = new Set<number>();
      for (const r of runs)
        for (let j = offChunks[at][r]; j < offChunks[at][r + 1]; j++) {
          const l = linkChunks[at][j];
          if (!seen.has(l)) {
            seen.add(l);
            out.push(l as LinkId);
          }
        }
      return out;
    }
    for (let i = upStart[at]; i < upStart[at + 1]; i++) out.push(upList[i] as LinkId);
    return out;
  };

  // The uncached resolution; `count` and `pick` below memoize it per (at, dst).
  const countSlow = (at: NodeId, dst: NodeId): number => {
    if (endpoint[at] && tier[at] === 0) return f.adjStart[at + 1] - f.adjStart[at];
    const d = directCount(at, dst);
    if (d > 0) return d;
    if (attachStart[dst + 1] - attachStart[dst] === 1) {
      const idx = find(at, attachEdges[attachStart[dst]]);
      if (idx >= 0) return offChunks[at][idx + 1] - offChunks[at][idx];
      return upStart[at + 1] - upStart[at];
    }
    return nextHops(at, dst).length;
  };

  const pickSlow = (at: NodeId, dst: NodeId, i: number): LinkId => {
    if (endpoint[at] && tier[at] === 0) return f.adjLinks[f.adjStart[at] + i] as LinkId;
    if (attachStart[dst + 1] - attachStart[dst] === 1 && directCount(at, dst) === 0) {
      const idx = find(at, attachEdges[attachStart[dst]]);
      if (idx >= 0) return linkChunks[at][offChunks[at][idx] + i] as LinkId;
      return upList[upStart[at] + i] as LinkId;
    }
    return nextHops(at, dst)[i];
  };

  // Per-(at, dst) memo for the engines' per-packet, per-hop calls: the slow path scans the adjacency and
  // binary-searches the reach table on every call (and allocates for multi-homed destinations). A resolved
  // pair is a run of links in `memoLinks`, so `count` and `pick` become one or two array reads. memoLinks
  // starts with the up lists and every node's down chunks (the runs most pairs share); only direct and
  // multi-homed destinations get their slow-path links appended. Hosts keep the direct path (already one read); the table has a row per
  // other node and a column per destination, is allocated on first use (design-only callers never pay), and
  // only for fabrics small enough to simulate per packet (at most 32 MB); larger ones use the slow path.
  const memoRow = new Int32Array(n).fill(-1);
  let rows = 0;
  for (let v = 0; v < n; v++) if (!(endpoint[v] && tier[v] === 0)) memoRow[v] = rows++;
  const memoOn = rows * n <= 1 << 22;
  // Per pair, interleaved so count and pick share a cache line: [2 key] = count + 1 (0 = not resolved
  // yet), [2 key + 1] = offset of its links in memoLinks.
  let memo: Int32Array | null = null;
  let memoLinks = new Int32Array(0);
  let memoUsed = 0;

  const chunkBase = new Int32Array(n);

  /** Resolves (at, dst) into the memo and returns the table key; the run is exactly the slow path's. */
  const resolve = (at: NodeId, dst: NodeId): number => {
    if (memo === null) {
      memo = new Int32Array(2 * rows * n);
      let total = upList.length;
      for (let v = 0; v < n; v++) total += linkChunks[v].length;
      memoLinks = new Int32Array(total + 1024);
      memoLinks.set(upList);
      memoUsed = upList.length;
      for (let v = 0; v < n; v++) {
        chunkBase[v] = memoUsed;
        memoLinks.set(linkChunks[v], memoUsed);
        memoUsed += linkChunks[v].length;
      }
    }
    const key = memoRow[at] * n + dst;
    // The shared runs: the same branch as countSlow / pickSlow for a single-homed destination.
    if (attachStart[dst + 1] - attachStart[dst] === 1 && directCount(at, dst) === 0) {
      const idx = find(at, attachEdges[attachStart[dst]]);
      const off = offChunks[at];
      if (idx >= 0) {
        memo[2 * key] = off[idx + 1] - off[idx] + 1;
        memo[2 * key + 1] = chunkBase[at] + off[idx];
      } else {
        memo[2 * key] = upStart[at + 1] - upStart[at] + 1;
        memo[2 * key + 1] = upStart[at];
      }
      return key;
    }
    const c = countSlow(at, dst);
    if (memoUsed + c > memoLinks.length) {
      const grown = new Int32Array(Math.max(2 * memoLinks.length, memoUsed + c));
      grown.set(memoLinks);
      memoLinks = grown;
    }
    for (let i = 0; i < c; i++) memoLinks[memoUsed + i] = pickSlow(at, dst, i);
    memo[2 * key + 1] = memoUsed;
    memoUsed += c;
    memo[2 * key] = c + 1;
    return key;
  };

  const count = (at: NodeId, dst: NodeId): number => {
    if (!memoOn || memoRow[at] < 0) return countSlow(at, dst);
    const key = memoRow[at] * n + dst;
    const c = memo === null ? 0 : memo[2 * key];
    if (c !== 0) return c - 1;
    const k = resolve(at, dst);
    return (memo as Int32Array)[2 * k] - 1;
  };

  const pick = (at: NodeId, dst: NodeId, i: number): LinkId => {
    if (!memoOn || memoRow[at] < 0) return pickSlow(at, dst, i);
    let key = memoRow[at] * n + dst;
    if (memo === null || memo[2 * key] === 0) key = resolve(at, dst);
    return memoLinks[(memo as Int32Array)[2 * key + 1] + i] as LinkId;
  };

  const paths = (src: NodeId, dst: NodeId, limit = 100_000): LinkId[][] =>
    enumeratePaths(src, dst, limit, nextHops, peer, 16);

  return { nextHops, count, pick, paths };
}
