// The fabric as the packet engine sees it: nodes and directed ports in flat arrays. Link l is ports 2l (from
// end a to end b) and 2l + 1 (back); a port has a rate, a propagation delay and the switch latency of the node
// it feeds. Also the physical state of each link (up or down: link.ts changes it, every element reads it).
// Leaves out routing (switch.ts reads the fabric's tables) and buffers (mmu.ts).
import { type Fabric, hasNic } from '../../fabric/types.ts';
import type { NetworkConfig } from '../core/network.ts';

/** Topology.arrival's values. */
export const A_SWITCH = 0;
export const A_HOST = 1;
export const A_REDUCE = 2;
/** Topology.sender's values: a switch port, a host's, a switch port its reduction element sends on too. */
export const S_SWITCH = 0;
export const S_HOST = 1;
export const S_ELEMENT = 2;
/** The codes above in one object, to destructure once (an imported binding costs a check at every use: packets.ts). */
export const NODE_CODES = { A_SWITCH, A_HOST, A_REDUCE, S_SWITCH, S_HOST, S_ELEMENT } as const;

export class Topology {
  readonly N: number;
  readonly P: number;
  readonly isHost: Uint8Array;
  readonly portFrom: Int32Array;
  readonly portTo: Int32Array;
  readonly psPerByte: Float64Array;
  readonly propPs: Float64Array;
  /** Forwarding latency of each node (0 at hosts). */
  readonly latencyPs: Float64Array;
  /** Each host's port onto the fabric (its first link), or -1. */
  readonly hostPort: Int32Array;
  /** Per link: 1 while failed (packets sent into it or on it are lost). */
  readonly linkDown: Uint8Array;
  /**
   * What an arriving packet meets at each node: A_SWITCH (forwarding), A_HOST (the NIC), or A_REDUCE (a switch
   * whose reduction element, reduce.ts, ends some of this run's QPs). One table, so a hop reads what it read before.
   */
  readonly arrival: Uint8Array;
  /** Who sends on each port: S_SWITCH, S_HOST, or S_ELEMENT (reduce.ts marks these before the ports are built). */
  readonly sender: Uint8Array;

  /** `nicNodes`: other nodes with a NIC (border0 when it sends and receives inference requests, request-network.ts). */
  constructor(f: Fabric, net: NetworkConfig, nicNodes: readonly number[] = []) {
    const nodes = f.nodes;
    const N = nodes.length;
    const P = 2 * f.links.length;
    this.N = N;
    this.P = P;
    this.isHost = new Uint8Array(N);
    for (const n of nodes) this.isHost[n.id] = hasNic(n.role) ? 1 : 0;
    for (const n of nicNodes) this.isHost[n] = 1;
    this.portFrom = new Int32Array(P);
    this.portTo = new Int32Array(P);
    this.psPerByte = new Float64Array(P);
    this.propPs = new Float64Array(P);
    this.hostPort = new Int32Array(N).fill(-1);
    for (const l of f.links) {
      const up = 2 * l.id;
      const down = up + 1;
      this.portFrom[up] = l.a;
      this.portTo[up] = l.b;
      this.portFrom[down] = l.b;
      this.portTo[down] = l.a;
      const ppb = 8e12 / l.rateBps;
      const prop = net.propPs(l.id);
      this.psPerByte[up] = ppb;
      this.psPerByte[down] = ppb;
      this.propPs[up] = prop;
      this.propPs[down] = prop;
      if (this.isHost[l.a] && this.hostPort[l.a] < 0) this.hostPort[l.a] = up;
      // A NIC node linked as end b (border0 hangs below the top tier): its first link's port back.
      else if (this.isHost[l.b] && this.hostPort[l.b] < 0 && nicNodes.includes(l.b)) this.hostPort[l.b] = down;
    }
    this.latencyPs = new Float64Array(N);
    for (const n of nodes) this.latencyPs[n.id] = this.isHost[n.id] ? 0 : net.switchLatencyPs(n.id);
    this.linkDown = new Uint8Array(f.links.length);
    this.arrival = this.isHost.slice();
    this.sender = Uint8Array.from(this.portFrom, (n) => this.isHost[n]);
  }

  /** The port on which `node` sends over `link`. */
  outPort(link: number, node: number): number {
    return 2 * link + (this.portFrom[2 * link] === node ? 0 : 1);
  }

  /** The rate of switch s's link to its neighbour n (a QP of s's reduction element, reduce.ts). Set-up only. */
  portRate(s: number, n: number): number {
    for (let p = 0; p < this.P; p++)
      if (this.portFrom[p] === s && this.portTo[p] === n) return 8e12 / this.psPerByte[p];
    throw new Error(`internal: nodes ${s} and ${n} are not neighbours`);
  }

  hostLineRate(h: number): number {
    return 8e12 / this.psPerByte[this.hostPort[h]];
  }
}
