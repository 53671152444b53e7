// The routing view after failures are detected: the links routing believes are down, and which members of an
// ECMP group still lead to a destination over up/down paths. One copy for the packet engine, the flow engine and
// the fluid network of request traffic, which all pick "the hash's choice among the live members".
import { type Fabric, hasNic, type NodeId } from '../../fabric/types.ts';
import { growI32 } from './heap2.ts';

export class RouteView {
  private readonly down: Uint8Array;
  private nDown = 0;
  /** Counts the view's changes: what was computed from the view holds while it is the same. */
  version = 0;
  /** reaches(n, dst) by n x N + dst, for the current view. */
  private readonly memo = new Map<number, boolean>();
  /** The usable member indexes of the group (n, dst) by n x N + dst, for the current view. */
  private readonly aliveMemo = new Map<number, Int32Array>();
  private readonly linkA: Int32Array;
  private readonly linkB: Int32Array;
  private readonly isHost: Uint8Array;
  private readonly N: number;
  private readonly routing: Fabric['routing'];

  constructor(f: Fabric) {
    this.N = f.nodes.length;
    this.routing = f.routing;
    this.down = new Uint8Array(f.links.length);
    this.linkA = Int32Array.from(f.links, (l) => l.a);
    this.linkB = Int32Array.from(f.links, (l) => l.b);
    this.isHost = Uint8Array.from(f.nodes, (n) => (hasNic(n.role) ? 1 : 0));
  }

  /** Does routing believe some link is down? */
  get anyDown(): boolean {
    return this.nDown > 0;
  }

  /** Routing learns that a link went down (or came back); false if it already believed so. */
  set(link: number, down: boolean): boolean {
    if ((this.down[link] === 1) === down) return false;
    this.down[link] = down ? 1 : 0;
    this.nDown += down ? 1 : -1;
    this.version++;
    this.memo.clear();
    this.aliveMemo.clear();
    return true;
  }

  /** May `node` forward toward `dst` on `link`: believed up, and its far end still reaches dst. */
  usable(node: number, link: number, dst: number): boolean {
    if (this.down[link]) return false;
    return this.reaches(this.linkA[link] === node ? this.linkB[link] : this.linkA[link], dst);
  }

  /** Can `n` still deliver to `dst` over up/down paths the view believes are up (memoized per view). */
  reaches(n: number, dst: number): boolean {
    if (n === dst) return true;
    if (this.isHost[n]) return false;
    const key = n * this.N + dst;
    const hit = this.memo.get(key);
    if (hit !== undefined) return hit;
    this.memo.set(key, false);
    const cnt = this.routing.count(n as NodeId, dst as NodeId);
    let ok = false;
    for (let j = 0; j < cnt && !ok; j++) ok = this.usable(n, this.routing.pick(n as NodeId, dst as NodeId, j), dst);
    this.memo.set(key, ok);
    return ok;
  }

  /**
   * The usable member indexes of node's group toward dst, of `cnt` = routing.count(node, dst) members (every
   * caller's count), in member order; memoized per view, as a path walk asks for the same groups again and again.
   */
  private aliveMembers(node: number, dst: number, cnt: number): Int32Array {
    const key = node * this.N + dst;
    const hit = this.aliveMemo.get(key);
    if (hit !== undefined) return hit;
    let alive = 0;
    const scratch = new Int32Array(cnt);
    for (let j = 0; j < cnt; j++)
      if (this.usable(node, this.routing.pick(node as NodeId, dst as NodeId, j), dst)) scratch[alive++] = j;
    const members = scratch.slice(0, alive);
    this.aliveMemo.set(key, members);
    return members;
  }

  /** How many of node's `cnt` members toward dst are usable. */
  aliveCount(node: number, dst: number, cnt: number): number {
    return this.aliveMembers(node, dst, cnt).length;
  }

  /** The member index of the usable member number `k` (from 0), or -1. */
  nthAlive(node: number, dst: number, cnt: number, k: number): number {
    const members = this.aliveMembers(node, dst, cnt);
    return k >= 0 && k < members.length ? members[k] : -1;
  }
}

/** Largest node count squared for the dense group memo (16 MB of Int32). */
const DENSE_MAX = 4_194_304;

/**
 * ECMP groups by (node, destination), memoized: the routing tables memoize only small fabrics, and building paths
 * asks for the same groups many times. Group `off = offset(at, dst)` has links[off] members, member i being
 * links[off + 1 + i] (routing.pick's order).
 */
export class EcmpGroups {
  links = new Int32Array(1024);
  private used = 0;
  private readonly map = new Map<number, number>();
  /** at x N + dst -> offset + 1 (0: not yet), when N^2 is small enough; else the map. */
  private readonly dense: Int32Array | null;
  private readonly N: number;

  constructor(private readonly f: Fabric) {
    this.N = f.nodes.length;
    this.dense = this.N * this.N <= DENSE_MAX ? new Int32Array(this.N * this.N) : null;
  }

  offset(at: number, dst: number): number {
    const key = at * this.N + dst;
    const dense = this.dense;
    if (dense !== null) {
      const v = dense[key];
      if (v > 0) return v - 1;
    } else {
      const hit = this.map.get(key);
      if (hit !== undefined) return hit;
    }
    const cnt = this.f.routing.count(at as NodeId, dst as NodeId);
    if (cnt === 0) {
      const names = this.f.nodes;
      throw new Error(
        `no route from ${names[at]?.name ?? at} to ${names[dst]?.name ?? dst} (endpoints: hosts, border)`,
      );
    }
    if (this.used + cnt + 1 > this.links.length) this.links = growI32(this.links, 2 * this.links.length + cnt + 1);
    const off = this.used;
    this.links[off] = cnt;
    for (let i = 0; i < cnt; i++) this.links[off + 1 + i] = this.f.routing.pick(at as NodeId, dst as NodeId, i);
    this.used += cnt + 1;
    if (dense !== null) dense[key] = off + 1;
    else this.map.set(key, off);
    return off;
  }

  /** Forgets every group (and its memory); they are built again on demand. */
  clear(): void {
    this.map.clear();
    this.dense?.fill(0);
    this.links = new Int32Array(1024);
    this.used = 0;
  }
}
