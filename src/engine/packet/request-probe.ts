// Path reads for the packet engine's request network (request-network.ts): the ECMP path a transfer of a given
// hash takes (the switches' own choice, switch.ts: ecmpIndex(hash, data, switch, members), among the members the
// routing view still believes usable once a failure is detected), the delay of a transfer on that path when the
// network is idle (closed form), and the delay of a streamed token read from the queues it would meet now. A token
// whose path crosses a link that is down (detected or not) is lost, and its connection resends it after its RTO
// (request-network.ts) on the path that avoids the link. Leaves out the RoCE class's share of a port under DWRR (a
// token waits behind the control and lossy classes only, strict priority for control).
import type { Fabric, NodeId } from '../../fabric/types.ts';
import { ecmpIndex } from '../core/ecmp.ts';
import type { NetworkConfig } from '../core/network.ts';
import type { RouteView } from '../core/route-view.ts';
import { C_CTRL, C_LOSSY, type PacketPool, T_DATA } from './packets.ts';
import type { Ports } from './port.ts';
import { TCP_HEADER_BYTES } from './tcp.ts';
import type { Topology } from './topology.ts';

/** Ports a path may cross: leaf-spine and fat-tree paths between NIC nodes cross at most 6. */
const MAX_HOPS = 16;

export class PathProbe {
  /** The ports of the last path walked, and their count. */
  readonly path = new Int32Array(MAX_HOPS);
  n = 0;

  constructor(
    private readonly f: Fabric,
    private readonly topo: Topology,
    private readonly ports: Ports,
    private readonly pool: PacketPool,
    private readonly net: NetworkConfig,
  ) {}

  /**
   * The egress port `node` picks toward dst for data of `hash` (a NIC of several ports picks as a switch does):
   * with `view`, among the members it believes usable (and, `avoidDown`, whose link is up now), or -1.
   */
  private next(node: number, dst: number, hash: number, view: RouteView | null, avoidDown: boolean): number {
    const r = this.f.routing;
    const cnt = r.count(node as NodeId, dst as NodeId);
    if (cnt === 0) return -1;
    if (view === null || (!view.anyDown && !avoidDown)) {
      const i = cnt > 1 ? ecmpIndex(hash, T_DATA, node, cnt) : 0;
      return this.topo.outPort(r.pick(node as NodeId, dst as NodeId, i), node);
    }
    const down = this.topo.linkDown;
    let alive = 0;
    for (let j = 0; j < cnt; j++) {
      const l = r.pick(node as NodeId, dst as NodeId, j);
      if (view.usable(node, l, dst) && !(avoidDown && down[l])) alive++;
    }
    if (alive === 0) return -1;
    let k = ecmpIndex(hash, T_DATA, node, alive);
    for (let j = 0; j < cnt; j++) {
      const l = r.pick(node as NodeId, dst as NodeId, j);
      if (!view.usable(node, l, dst) || (avoidDown && down[l])) continue;
      if (k-- === 0) return this.topo.outPort(l, node);
    }
    return -1;
  }

  /**
   * Walks src -> dst for `hash` into `path`: with `view`, as the switches route now (avoidDown: and around links
   * that are down but not yet detected); false when no path is left.
   */
  walk(src: number, dst: number, hash: number, view: RouteView | null = null, avoidDown = false): boolean {
    let node = src;
    this.n = 0;
    while (node !== dst) {
      const p = this.next(node, dst, hash, view, avoidDown);
      if (p < 0 || this.n === MAX_HOPS) return false;
      this.path[this.n++] = p;
      node = this.topo.portTo[p];
    }
    return true;
  }

  /** Does the path walked cross a link that is down now (a packet on it is lost)? */
  crossesDown(): boolean {
    for (let i = 0; i < this.n; i++) if (this.topo.linkDown[this.path[i] >> 1]) return true;
    return false;
  }

  /** Bytes on the wire of a data frame of `payload` bytes: TCP's headers north-south, RoCE's east-west. */
  wire(payload: number, tcp: boolean): number {
    return payload + (tcp ? TCP_HEADER_BYTES : this.net.headerBytes) + this.net.wireOverheadBytes;
  }

  /**
   * Idle-network delay (ps) of `bytes` on the path walked: store and forward of each packet, the packets in a
   * pipeline. The first P - 1 (full) packets leave hop j at the classic pipeline time: their frames on hops 1..j,
   * the links and switches between, and P - 2 frames at the slowest hop so far. The last (maybe short) packet
   * finishes hop j once it has come from hop j - 1 and the packet before it has left: its own frame after the
   * later of the two. Exact for one sender alone with its window open (a cold TCP connection's slow start is
   * slower).
   */
  unloadedPs(bytes: number, tcp: boolean): number {
    const mtu = this.net.mtu;
    const P = Math.max(1, Math.ceil(bytes / mtu));
    const last = this.wire(bytes - (P - 1) * mtu, tcp);
    const full = this.wire(mtu, tcp);
    let slowest = 0;
    let frames = 0; // full frames on hops 1..j and the links between (packet 1 leaving hop j)
    let tau = 0; // the last packet reaching hop j (then leaving it)
    for (let i = 0; i < this.n; i++) {
      const p = this.path[i];
      const ppb = this.topo.psPerByte[p];
      if (full * ppb > slowest) slowest = full * ppb;
      frames += full * ppb;
      const prev = P > 1 ? frames + (P - 2) * slowest : 0;
      tau = Math.max(tau, prev) + last * ppb;
      const arrive = this.ports.arrivalPs(p);
      frames += arrive;
      tau += arrive;
    }
    return tau;
  }

  /**
   * Delay (ps) of a message of `bytes` sent now on the path walked, as one lossy-class frame: on each hop it
   * waits for the frame being sent (all of it: its start is not kept) and the control and lossy bytes queued
   * ahead, then is serialized and crosses the link. It is not injected: a token of a few bytes changes no queue.
   */
  messagePs(bytes: number): number {
    const frame = this.wire(bytes, true);
    const ports = this.ports;
    let t = 0;
    for (let i = 0; i < this.n; i++) {
      const p = this.path[i];
      const ppb = this.topo.psPerByte[p];
      const tx = ports.sending(p);
      const ahead = ports.classBytes(p, C_CTRL) + ports.classBytes(p, C_LOSSY) + (tx >= 0 ? this.txFrame(tx) : 0);
      t += (ahead + frame) * ppb + ports.arrivalPs(p);
    }
    return t;
  }

  /** Frame of packet id being serialized, with the preamble and gap. */
  private txFrame(id: number): number {
    return this.pool.frame(id) + this.net.wireOverheadBytes;
  }
}
