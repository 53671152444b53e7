// Links: what happens to a frame once its port has serialized it. It may be lost (independent bit errors at
// rate `loss`, or Gilbert-Elliott bursts; PFC cannot prevent either), or it travels for the propagation delay
// plus the receiving switch's latency and arrives at a switch (switch.ts) or a host's NIC (nic.ts). A link can
// fail and recover: packets queued at either end, sent into it or on it are lost, and routing learns of the
// change only after the detection delay. Leaves out bit-level corruption detection and FEC.
//
// Events per hop. With no loss and no failures a frame's fate is known when its transmission starts, so its
// arrival is queued then (one event per hop, not two), and the end of a switch port's transmission needs an
// event only when someone is waiting for the port: a frame queued behind it, or a PFC pause at the switch (the
// buffer it frees may resume an ingress, at that instant). Otherwise the switch's buffer is freed lazily, when
// the switch next admits a packet (`settle`), before anyone can read it. Same times, same model; only the order
// of events at one instant may differ. With loss or failures every transmission ends with its own event.
import type { RandomStream } from '../../base/random.ts';
import type { Counters } from '../../result/types.ts';
import type { NetworkConfig } from '../core/network.ts';
import { type Clock, EV_ARRIVE, EV_ROUTE_STATE, EV_TX_DONE } from './events.ts';
import type { Mmu } from './mmu.ts';
import type { Nics } from './nic.ts';
import { NC, type PacketPool, PK, PK_NEXT, T_DATA } from './packets.ts';
import type { Pfc } from './pfc.ts';
import type { Ports, Wire } from './port.ts';
import type { Switches } from './switch.ts';
import type { Tasks } from './tasks.ts';
import type { Topology } from './topology.ts';

export class Links implements Wire {
  /** Gilbert-Elliott state per link direction (1 = bad: every data packet is lost). */
  private readonly burstBad: Uint8Array;
  private readonly loss: number;
  private readonly burst: NetworkConfig['burst'];
  private readonly detectionDelayPs: number;
  /** Arrivals queued at the start of transmission, and lazily ended transmissions (see the file's comment). */
  private readonly fold: boolean;
  /** Per node, its ports whose transmission no event ends (CSR by node), how many, and their earliest end. */
  private readonly lazyStart: Int32Array;
  private readonly lazyPorts: Int32Array;
  private readonly lazyN: Int32Array;
  private readonly lazyMin: Float64Array;
  /** Per port: 0 not in its node's list, 1 in it and ended by no event yet, 2 in it but ended already. */
  private readonly lazy: Uint8Array;

  constructor(
    private readonly clock: Clock,
    private readonly topo: Topology,
    private readonly pool: PacketPool,
    private readonly ports: Ports,
    private readonly mmu: Mmu,
    private readonly switches: Switches,
    private readonly nics: Nics,
    private readonly tasks: Tasks,
    private readonly pfc: Pfc,
    net: NetworkConfig,
    private readonly c: Counters,
    private readonly rngLoss: RandomStream,
  ) {
    this.burstBad = new Uint8Array(topo.P);
    this.loss = net.loss;
    this.burst = net.burst;
    this.detectionDelayPs = net.detectionDelayPs;
    this.fold = net.loss === 0 && net.burst === null && net.failures.length === 0;
    const P = topo.P;
    this.lazyStart = new Int32Array(topo.N + 1);
    for (let p = 0; p < P; p++) this.lazyStart[topo.portFrom[p] + 1]++;
    for (let n = 0; n < topo.N; n++) this.lazyStart[n + 1] += this.lazyStart[n];
    this.lazyPorts = new Int32Array(P);
    this.lazyN = new Int32Array(topo.N);
    this.lazyMin = new Float64Array(topo.N);
    this.lazy = new Uint8Array(P);
  }

  /** Port p starts sending packet id, its last bit out at `end` (Ports.tryStart). */
  launch(p: number, id: number, end: number): void {
    const ports = this.ports;
    if (!this.fold) {
      this.clock.q.push(end, EV_TX_DONE, p, 0);
      ports.txEvent[p] = end;
      return;
    }
    const topo = this.topo;
    this.clock.q.push(end + topo.propPs[p] + topo.latencyPs[topo.portTo[p]], EV_ARRIVE, id, p);
    const from = topo.portFrom[p];
    // A host's port always has its NIC waiting; a paused ingress may resume when this frame's buffer is freed.
    if (topo.isHost[from] || this.pfc.pausesAt[from] > 0 || ports.portQBytes[p] > 0) {
      this.clock.q.push(end, EV_TX_DONE, p, 0);
      ports.txEvent[p] = end;
      return;
    }
    const n = this.lazyN[from];
    if (this.lazy[p] === 0) {
      this.lazyPorts[this.lazyStart[from] + n] = p;
      this.lazyN[from] = n + 1;
    }
    this.lazy[p] = 1;
    if (n === 0 || end < this.lazyMin[from]) this.lazyMin[from] = end;
  }

  armTxDone(p: number): void {
    const ports = this.ports;
    const end = ports.txEnd[p];
    if (ports.txEvent[p] === end) return;
    this.clock.q.push(end, EV_TX_DONE, p, 0);
    ports.txEvent[p] = end;
  }

  settle(node: number): void {
    const n = this.lazyN[node];
    const now = this.clock.now;
    if (n === 0 || now < this.lazyMin[node]) return;
    const s = this.lazyStart[node];
    const lazyPorts = this.lazyPorts;
    const txEnd = this.ports.txEnd;
    let kept = 0;
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const p = lazyPorts[s + i];
      if (this.lazy[p] === 1 && txEnd[p] <= now) this.endTx(p);
      if (this.lazy[p] === 2) {
        this.lazy[p] = 0;
        continue;
      }
      lazyPorts[s + kept++] = p;
      if (txEnd[p] < min) min = txEnd[p];
    }
    this.lazyN[node] = kept;
    this.lazyMin[node] = min;
  }

  /** A PFC pause began at switch node: each transmission of its ports ends with an event from now on. */
  private armAll(node: number): void {
    const s = this.lazyStart[node];
    for (let i = 0; i < this.lazyN[node]; i++)
      if (this.lazy[this.lazyPorts[s + i]] === 1) this.armTxDone(this.lazyPorts[s + i]);
  }

  /** The frame of port p is sent: the port is free and the switch's buffer held for it is freed. */
  private endTx(p: number): number {
    if (this.lazy[p] === 1) this.lazy[p] = 2;
    const id = this.ports.finishTx(p);
    const from = this.topo.portFrom[p];
    if (!this.topo.isHost[from]) this.mmu.release(from, id);
    return id;
  }

  /** Port p finished serializing its frame (EV_TX_DONE): the frame leaves the node onto the link. */
  txDone(p: number): void {
    const ports = this.ports;
    const now = this.clock.now;
    if (ports.txEvent[p] === now) ports.txEvent[p] = -1;
    if (this.fold) {
      // The arrival was queued when the transmission started; a lazy end may have come first (settle).
      if (ports.busy[p] && ports.txEnd[p] <= now) this.endTx(p);
      ports.tryStart(p);
      return;
    }
    const topo = this.topo;
    const id = this.ports.finishTx(p);
    const from = topo.portFrom[p];
    if (!topo.isHost[from]) this.mmu.release(from, id);
    const to = topo.portTo[p];
    if (topo.linkDown[p >> 1]) this.pool.drop(id, 'failure');
    // Injected random loss on the link (bit errors): PFC cannot prevent it.
    else if (this.loss > 0 && this.pool.type(id) === T_DATA && this.rngLoss.uniform() < this.loss) {
      this.pool.drop(id, 'loss');
    } else if (this.burst !== null && this.pool.type(id) === T_DATA && this.burstLost(p)) {
      this.pool.drop(id, 'loss');
    } else {
      this.clock.q.push(this.clock.now + topo.propPs[p] + topo.latencyPs[to], EV_ARRIVE, id, p);
    }
    this.ports.tryStart(p);
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
    // Its sender's buffer is freed before the packet is forwarded, or freed, here.
    if (this.lazy[inPort] === 1 && this.ports.txEnd[inPort] <= this.clock.now) this.endTx(inPort);
    if (this.topo.linkDown[inPort >> 1]) {
      // The link failed while the packet was on it.
      this.pool.drop(id, 'failure');
      return;
    }
    const node = this.topo.portTo[inPort];
    if (!this.topo.isHost[node]) {
      this.settle(node);
      this.switches.forward(node, id, inPort);
      if (this.pfc.pausesAt[node] > 0 && this.lazyN[node] > 0) this.armAll(node);
      return;
    }
    const repDone = this.nics.receive(node, id);
    if (repDone >= 0) this.tasks.repFinished(repDone);
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
      for (let c = 0; c < NC; c++) {
        let id = this.ports.takeAll(p, p * NC + c);
        while (id >= 0) {
          const next = this.pool.pk[id * PK + PK_NEXT];
          if (!topo.isHost[from]) this.mmu.release(from, id);
          this.pool.drop(id, 'failure');
          id = next;
        }
      }
    }
  }
}
