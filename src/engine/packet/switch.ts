// Switch forwarding: a packet arriving at a switch picks its egress port among the routing table's equal-cost
// members (ECMP on the flow's 5-tuple hash, per-packet spray, or adaptive: the least-loaded egress), is admitted
// by the MMU (mmu.ts) and queued at the port (port.ts). After a failure is detected, only members whose link is
// up and whose far end still reaches the destination count. Leaves out switch latency (added on the link, as
// the time from the wire to the egress queue), cut-through, and table-update delays per switch.

import type { RandomStream } from '../../base/random.ts';
import type { Fabric, NodeId } from '../../fabric/types.ts';
import { ecmpIndex, mixHash } from '../core/ecmp.ts';
import type { NetworkConfig } from '../core/network.ts';
import { RouteView } from '../core/route-view.ts';
import type { Mmu } from './mmu.ts';
import { PACKET_LAYOUT, type PacketPool } from './packets.ts';
import type { Ports } from './port.ts';
import type { Topology } from './topology.ts';

const { HOP_MAX, HOP_ONE, HOP_SHIFT, PK, PK_BITS, PK_FLOW } = PACKET_LAYOUT;

/**
 * ECMP path memo: switches per path it holds (up/down paths pass at most 5), and its largest size (entries).
 * Every hop of every packet reads it, so it is laid out for the cache: entries are 16-bit while port ids fit
 * (fabrics up to 65,534 ports: k=32 has 49,152), and a flow's data and ACK paths sit together (32 bytes, two
 * flows a cache line), NAKs' and CNPs' in a second half of the table that a lossless run hardly touches. At
 * k=32 the 8,192 flows' data and ACK paths take 256 KB, where 32-bit entries with the four types of a flow
 * side by side spread them over 1 MB (512 KB of it read).
 */
const PATH_HOPS = 8;
const PATH_MEMO_MAX = 1 << 22;
const MEMO16_PORTS = 0xfffe;

export class Switches {
  private readonly routing: Fabric['routing'];
  /** The routing view: what routing believes after the detection delay (core/route-view.ts). */
  readonly view: RouteView;
  /** Routing changes seen so far; while 0, routing is the fabric's tables. */
  private routeEpoch = 0;
  private readonly lbEcmp: boolean;
  private readonly lbSpray: boolean;
  /**
   * ECMP is a function of (flow, packet type, switch), and a packet's switches follow from its hop count, so
   * each (flow, type, hop) egress port is resolved once: port + 1, 0 = not yet. Used while no failure has
   * changed the routing view; null for spray and adaptive balancing or too many flows.
   */
  private readonly pathMemo: Uint16Array | Int32Array | null;
  /** The QPs the memo is sized for. */
  private readonly flows: number;

  constructor(
    f: Fabric,
    private readonly topo: Topology,
    private readonly pool: PacketPool,
    private readonly ports: Ports,
    private readonly mmu: Mmu,
    net: NetworkConfig,
    /** Each flow's 5-tuple hash: its UDP source port is random per QP; it picks the ECMP member. */
    private readonly fHash: Uint32Array,
    private readonly rngLb: RandomStream,
    /** false: no path memo (request-network.ts reuses QP ids for new destinations and hashes). */
    memoize = true,
  ) {
    this.routing = f.routing;
    this.view = new RouteView(f);
    this.lbEcmp = net.loadBalancing === 'ecmp';
    this.lbSpray = net.loadBalancing === 'spray';
    const F = fHash.length;
    this.flows = F;
    const entries = F * 4 * PATH_HOPS;
    this.pathMemo =
      memoize && this.lbEcmp && entries <= PATH_MEMO_MAX
        ? topo.P <= MEMO16_PORTS
          ? new Uint16Array(entries)
          : new Int32Array(entries)
        : null;
  }

  /** Packet id arrived at switch `node` on `inPort`: route, admit, queue (or drop). */
  forward(node: number, id: number, inPort: number): void {
    const pk = this.pool.pk;
    const o = id * PK;
    const bits = pk[o + PK_BITS];
    const hop = (bits >>> HOP_SHIFT) & HOP_MAX;
    if (hop < HOP_MAX) pk[o + PK_BITS] = bits + HOP_ONE;
    const memo = this.pathMemo;
    let out: number;
    if (memo !== null && this.routeEpoch === 0 && hop < PATH_HOPS) {
      // Types 0 and 1 (data, ACK) of a flow side by side; 2 and 3 (NAK, CNP) in the table's second half.
      const key = ((((bits & 2) >> 1) * this.flows + pk[o + PK_FLOW]) * 2 + (bits & 1)) * PATH_HOPS + hop;
      out = memo[key] - 1;
      if (out < 0) {
        out = this.route(node, id);
        memo[key] = out + 1;
      }
    } else {
      out = this.route(node, id);
      if (out < 0) {
        this.pool.drop(id, 'failure');
        return;
      }
    }
    if (!this.mmu.admit(node, id, inPort, out)) return;
    if (this.topo.linkDown[out >> 1]) {
      // Sent into a failed link the routing view has not learned of yet: lost.
      this.mmu.release(node, id);
      this.pool.drop(id, 'failure');
    } else this.ports.enqueue(out, id);
  }

  /** Routing learns of a link's state (after the detection delay). */
  routeState(link: number, down: boolean): void {
    this.view.set(link, down);
    this.routeEpoch++;
  }

  /** The egress port of packet `id` at switch `node`, or -1 when no live path reaches its destination. */
  private route(node: number, id: number): number {
    const dst = this.pool.dst(id);
    const cnt = this.routing.count(node as NodeId, dst as NodeId);
    let i = 0;
    if (this.routeEpoch > 0) {
      i = this.pickAlive(node, dst, cnt, id);
      if (i < 0) return -1;
    } else if (cnt > 1) i = this.pickIndex(node, dst, cnt, id, -1);
    const link = this.routing.pick(node as NodeId, dst as NodeId, i);
    return this.topo.outPort(link, node);
  }

  /** ECMP, spray or adaptive choice among `cnt` candidates; with `alive` >= 0 only among the live ones. */
  private pickIndex(node: number, dst: number, cnt: number, id: number, alive: number): number {
    const n = alive >= 0 ? alive : cnt;
    let want: number;
    if (this.lbEcmp) want = ecmpIndex(this.fHash[this.pool.pk[id * PK + PK_FLOW]], this.pool.type(id), node, n);
    else if (this.lbSpray) want = this.rngLb.int(n);
    else return this.pickAdaptive(node, dst, cnt, id, alive);
    return alive < 0 ? want : this.view.nthAlive(node, dst, cnt, want);
  }

  /** Adaptive: the least-loaded egress among the candidates (ties: the hash's choice). */
  private pickAdaptive(node: number, dst: number, cnt: number, id: number, alive: number): number {
    const ports = this.ports;
    const start = mixHash(this.fHash[this.pool.pk[id * PK + PK_FLOW]], node) % cnt;
    let best = Number.POSITIVE_INFINITY;
    let bestI = -1;
    for (let j = 0; j < cnt; j++) {
      const cand = (start + j) % cnt;
      const l = this.routing.pick(node as NodeId, dst as NodeId, cand);
      if (alive >= 0 && !this.view.usable(node, l, dst)) continue;
      const op = this.topo.outPort(l, node);
      const tx = ports.sending(op);
      const load = ports.queueBytes(op) + (tx >= 0 ? this.pool.frame(tx) : 0);
      if (load < best) {
        best = load;
        bestI = cand;
      }
    }
    return bestI;
  }

  /** After a detected failure: choose among candidates whose link is up and whose far end still reaches dst. */
  private pickAlive(node: number, dst: number, cnt: number, id: number): number {
    const alive = this.view.aliveCount(node, dst, cnt);
    return alive === 0 ? -1 : this.pickIndex(node, dst, cnt, id, alive);
  }
}
