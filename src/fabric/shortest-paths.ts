// Routing for arbitrary graphs (custom fabrics): every shortest path, in hops, as an ECMP group. At each node the
// next hops toward a destination are the links to a neighbour one hop closer to it; hosts never forward. On a Clos
// graph these are exactly the up/down paths of routing.ts. Leaves out weighted costs (a slower link counts as one
// hop like any other) and policy (valley-free rules on non-Clos graphs).
//
// Tables are built per destination on first use (a BFS from it and each node's next hops in CSR form), so a run
// pays only for the endpoints its traffic reaches; `count` and `pick` are then two array reads.
import { enumeratePaths } from './paths.ts';
import type { Fabric, LinkId, NodeId, Routing } from './types.ts';

type PartialFabric = Omit<Fabric, 'routing'>;

export function shortestPathRouting(f: PartialFabric, linkA: Int32Array, linkB: Int32Array): Routing {
  const n = f.nodes.length;
  const isHost = Uint8Array.from(f.nodes, (nd) => (nd.role === 'host' ? 1 : 0));
  const peer = (l: number, from: number) => (linkA[l] === from ? linkB[l] : linkA[l]);
  const offs: (Int32Array | undefined)[] = new Array(n);
  const hops: (Int32Array | undefined)[] = new Array(n);
  const dist = new Int32Array(n);
  const queue = new Int32Array(n);

  /** BFS from `dst` (hosts other than dst are reached but not expanded) and each node's next hops toward it. */
  const build = (dst: number): void => {
    dist.fill(-1);
    dist[dst] = 0;
    let qh = 0;
    let qt = 0;
    queue[qt++] = dst;
    while (qh < qt) {
      const u = queue[qh++];
      if (u !== dst && isHost[u]) continue;
      for (let i = f.adjStart[u]; i < f.adjStart[u + 1]; i++) {
        const v = peer(f.adjLinks[i], u);
        if (dist[v] < 0) {
          dist[v] = dist[u] + 1;
          queue[qt++] = v;
        }
      }
    }
    const off = new Int32Array(n + 1);
    const ok = (u: number, v: number) => dist[u] > 0 && dist[v] === dist[u] - 1 && (v === dst || !isHost[v]);
    for (let u = 0; u < n; u++) {
      let c = 0;
      for (let i = f.adjStart[u]; i < f.adjStart[u + 1]; i++) if (ok(u, peer(f.adjLinks[i], u))) c++;
      off[u + 1] = off[u] + c;
    }
    const list = new Int32Array(off[n]);
    for (let u = 0, k = 0; u < n; u++)
      for (let i = f.adjStart[u]; i < f.adjStart[u + 1]; i++)
        if (ok(u, peer(f.adjLinks[i], u))) list[k++] = f.adjLinks[i];
    offs[dst] = off;
    hops[dst] = list;
  };

  const count = (at: NodeId, dst: NodeId): number => {
    let off = offs[dst];
    if (off === undefined) {
      build(dst);
      off = offs[dst] as Int32Array;
    }
    return off[at + 1] - off[at];
  };

  const pick = (at: NodeId, dst: NodeId, i: number): LinkId => {
    if (offs[dst] === undefined) build(dst);
    return (hops[dst] as Int32Array)[(offs[dst] as Int32Array)[at] + i] as LinkId;
  };

  const nextHops = (at: NodeId, dst: NodeId): LinkId[] => {
    const c = count(at, dst);
    const out: LinkId[] = [];
    for (let i = 0; i < c; i++) out.push(pick(at, dst, i));
    return out;
  };

  const paths = (src: NodeId, dst: NodeId, limit = 100_000): LinkId[][] =>
    enumeratePaths(src, dst, limit, nextHops, peer);

  return { nextHops, count, pick, paths };
}
