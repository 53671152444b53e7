// Port failover on hosts of several links (a NIC split over planes, a dual-homed server): when routing learns
// of a link's state (EV_ROUTE_STATE, the detection delay after the change, link.ts), each QP on such a host
// takes the hash's choice among its host's live links, as a switch re-hashes over its live ECMP members and the
// flow engine re-paths its flows (flow/paths.ts hostPort); the receiver's ACK port likewise. The QP itself is
// not told: what it sent into the dead link is lost and go-back-N recovers it (a NAK when newer data reaches
// the receiver on the new port, else the retransmission timer, which runs on from the QP's last progress), as
// a ConnectX bond remaps a QP's port affinity without touching its transport state. Built only when some host
// has several links, so single-homed fabrics pay nothing. Leaves out TCP tasks (they send on the first port).
import type { Fabric, NodeId } from '../../fabric/types.ts';
import { ecmpIndex } from '../core/ecmp.ts';
import type { RouteView } from '../core/route-view.ts';
import type { Nics } from './nic.ts';
import { T_ACK, T_DATA } from './packets.ts';
import type { Ports } from './port.ts';
import type { Topology } from './topology.ts';

export class HostFailover {
  /** QPs moved to another port so far (tests read it). */
  moves = 0;

  constructor(
    private readonly f: Fabric,
    private readonly topo: Topology,
    private readonly nics: Nics,
    private readonly ports: Ports,
    private readonly hashes: Uint32Array,
    private readonly view: RouteView,
  ) {}

  /** A failover is needed only when some host has several links. */
  static needed(f: Fabric, topo: Topology): boolean {
    for (let h = 0; h < topo.N; h++) if (topo.isHost[h] && f.adjStart[h + 1] - f.adjStart[h] > 1) return true;
    return false;
  }

  /** Routing's view changed: every unfinished QP on a host of several links re-hashes over the live ones. */
  repath(): void {
    const { fSrc, fDst, fEnd } = this.nics;
    for (let i = 0; i < fSrc.length; i++) {
      // A QP with a switch end (reduce.ts) keeps its link: its aggregation tree is fixed.
      if (fSrc[i] === fDst[i] || fEnd[i] >= 0 || !this.topo.isHost[fSrc[i]] || !this.topo.isHost[fDst[i]]) continue;
      this.repathQp(i);
    }
  }

  /**
   * QP i (between two NIC nodes) takes the hash's choice among its ends' live links, for its data and its ACKs:
   * at a route change, or when request-network.ts gives a pooled QP a new destination.
   */
  repathQp(i: number): void {
    const { nics, f } = this;
    const { qpPort, ackPort } = nics;
    const src = nics.fSrc[i];
    const dst = nics.fDst[i];
    if (f.adjStart[src + 1] - f.adjStart[src] > 1) {
      const p = this.pick(src, dst, this.hashes[i], T_DATA, qpPort[i]);
      if (p !== qpPort[i]) {
        qpPort[i] = p;
        this.moves++;
        this.ports.tryStart(p);
      }
    }
    if (f.adjStart[dst + 1] - f.adjStart[dst] > 1) ackPort[i] = this.pick(dst, src, this.hashes[i], T_ACK, ackPort[i]);
  }

  /** The hash's choice among from's live links toward `to` (switch.ts pickIndex), or `cur` when none is live. */
  private pick(from: number, to: number, h: number, type: number, cur: number): number {
    const r = this.f.routing;
    const cnt = r.count(from as NodeId, to as NodeId);
    const alive = this.view.aliveCount(from, to, cnt);
    if (alive === 0) return cur;
    const j = this.view.nthAlive(from, to, cnt, ecmpIndex(h, type, from, alive));
    return this.topo.outPort(r.pick(from as NodeId, to as NodeId, j), from);
  }
}
