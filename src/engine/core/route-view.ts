// The routing view after failures are detected: the links routing believes are down, and which members of an
// ECMP group still lead to a destination over up/down paths. One copy for the packet engine, the flow engine and
// the fluid network of request traffic, which all pick "the hash's choice among the live members".
import type { Fabric, NodeId } from '../../fabric/types.ts';

export class RouteView {
  private readonly down: Uint8Array;
  private nDown = 0;
  /** reaches(n, dst) by n x N + dst, for the current view. */
  private readonly memo = new Map<number, boolean>();
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
    this.isHost = Uint8Array.from(f.nodes, (n) => (n.role === 'host' ? 1 : 0));
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
    this.memo.clear();
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

  /** How many of node's `cnt` members toward dst are usable. */
  aliveCount(node: number, dst: number, cnt: number): number {
    let alive = 0;
    for (let j = 0; j < cnt; j++)
      if (this.usable(node, this.routing.pick(node as NodeId, dst as NodeId, j), dst)) alive++;
    return alive;
  }

  /** The member index of the usable member number `k` (from 0), or -1. */
  nthAlive(node: number, dst: number, cnt: number, k: number): number {
    for (let j = 0; j < cnt; j++) {
      if (!this.usable(node, this.routing.pick(node as NodeId, dst as NodeId, j), dst)) continue;
      if (k-- === 0) return j;
    }
    return -1;
  }
}
