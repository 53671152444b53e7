// Links: what happens to a frame once its port has serialized it. It may be lost (independent bit errors at
// rate `loss`, or Gilbert-Elliott bursts; PFC cannot prevent either), or it travels for the propagation delay
// plus the receiving switch's latency and arrives at a switch (switch.ts) or a host's NIC (nic.ts). A link can
// fail and recover: packets queued at either end, sent into it or on it are lost, and routing learns of the
// change only after the detection delay. Leaves out bit-level corruption detection and FEC.

import type { RandomStream } from '../../base/random.ts';
import type { Counters } from '../../result/types.ts';
import type { NetworkConfig } from '../core/network.ts';
import { type Clock, EVENT_KINDS } from './events.ts';
import type { Mmu } from './mmu.ts';
import type { Nics } from './nic.ts';
import { PACKET_LAYOUT, type PacketPool } from './packets.ts';
import type { Ports } from './port.ts';
import type { Reducers } from './reduce.ts';
import type { Switches } from './switch.ts';
import type { Tasks } from './tasks.ts';
import { NODE_CODES, type Topology } from './topology.ts';

const { EV_ARRIVE, EV_ROUTE_STATE } = EVENT_KINDS;
const { PK, PK_NEXT, T_DATA } = PACKET_LAYOUT;
const { A_HOST, A_SWITCH, S_ELEMENT, S_SWITCH } = NODE_CODES;

export class Links {
  /** Gilbert-Elliott state per link direction (1 = bad: every data packet is lost). */
  private readonly burstBad: Uint8Array;
  private readonly loss: number;
  private readonly burst: NetworkConfig['burst'];
  private readonly detectionDelayPs: number;
  /** The switches' reduction elements (reduce.ts), or null when no QP ends at a switch. */
  reduce: Reducers | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly topo: Topology,
    private readonly pool: PacketPool,
    private readonly ports: Ports,
    private readonly mmu: Mmu,
    private readonly switches: Switches,
    private readonly nics: Nics,
    private readonly tasks: Tasks,
    net: NetworkConfig,
    private readonly c: Counters,
    private readonly rngLoss: RandomStream,
  ) {
    this.burstBad = new Uint8Array(topo.P);
    this.loss = net.loss;
    this.burst = net.burst;
    this.detectionDelayPs = net.detectionDelayPs;
  }

  /**
   * Port p finished serializing packet id (EV_TX_DONE): the frame leaves the node onto the link. The event names the
   * packet, so that its record is read without waiting for the port's.
   */
  txDone(p: number, id: number): void {
    const ports = this.ports;
    ports.finishTx(p);
    const sender = this.topo.sender[p];
    if (sender === S_SWITCH) this.mmu.release(ports.from(p), id);
    else if (sender === S_ELEMENT) this.reduce!.leave(ports.from(p), id);
    if (this.topo.linkDown[p >> 1]) this.pool.drop(id, 'failure');
    // Injected random loss on the link (bit errors): PFC cannot prevent it.
    else if (this.loss > 0 && this.pool.type(id) === T_DATA && this.rngLoss.uniform() < this.loss) {
      this.pool.drop(id, 'loss');
    } else if (this.burst !== null && this.pool.type(id) === T_DATA && this.burstLost(p)) {
      this.pool.drop(id, 'loss');
    } else {
      const d = ports.arrivalPs(p);
      this.clock.q.pushDelayed(this.clock.now + d, d, EV_ARRIVE, id, p);
    }
    ports.tryStart(p);
  }

  /** Gilbert-Elliott step for one data packet on port p: true when it is lost. */
  private burstLost(p: number): boolean {
    const b = this.burst!;
    if (this.burstBad[p]) {
      if (this.rngLoss.uniform() < b.leave) this.burstBad[p] = 0;
      else return true;
      return false;
    }
    if (this.rngLoss.uniform() < b.enter) {
      this.burstBad[p] = 1;
      this.c.lossBursts++;
      return true;
    }
    return false;
  }

  /** Packet id reaches the far end of the link it was sent on from inPort (EV_ARRIVE). */
  deliver(id: number, inPort: number): void {
    if (this.topo.linkDown[inPort >> 1]) {
      // The link failed while the packet was on it.
      this.pool.drop(id, 'failure');
      return;
    }
    // The dense tables, not the port's record: they stay in the cache, the record of a port that sent a microsecond
    // ago does not.
    const node = this.topo.portTo[inPort];
    const at = this.topo.arrival[node];
    if (at !== A_HOST) {
      // A switch forwards, unless the packet ends at its reduction element (reduce.ts).
      if (at === A_SWITCH || this.pool.dst(id) !== node) this.switches.forward(node, id, inPort);
      else this.reduce!.receive(node, id);
      return;
    }
    const repDone = this.nics.receive(node, id);
    if (repDone >= 0) {
      this.tasks.repFinished(repDone);
      // A TCP receiver's cumulative ACK may complete several repetitions at once (tcp.ts).
      for (; this.nics.moreReps > 0; this.nics.moreReps--) this.tasks.repFinished(repDone);
    }
  }

  /** A link fails (or recovers) now; routing learns of it after the detection delay. */
  setState(link: number, down: boolean): void {
    const topo = this.topo;
    if (topo.linkDown[link] === (down ? 1 : 0)) return;
    topo.linkDown[link] = down ? 1 : 0;
    this.clock.q.push(this.clock.now + this.detectionDelayPs, EV_ROUTE_STATE, link, down ? 1 : 0);
    for (const p of [2 * link, 2 * link + 1]) {
      if (!down) {
        this.ports.tryStart(p);
        continue;
      }
      // Everything queued at either end of the failed link is lost.
      const from = topo.portFrom[p];
      for (let c = 0; c < this.ports.queues; c++) {
        let id = this.ports.takeAll(p, c);
        while (id >= 0) {
          const next = this.pool.pk[id * PK + PK_NEXT];
          if (topo.sender[p] === S_ELEMENT) this.reduce!.leave(from, id);
          else if (!topo.isHost[from]) this.mmu.release(from, id);
          this.pool.drop(id, 'failure');
          id = next;
        }
      }
    }
  }
}
