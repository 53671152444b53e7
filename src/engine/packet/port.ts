// Egress ports: per port, one FIFO per traffic class (packets linked through the pool), the scheduler that
// picks the next frame (strict priority, or control first then DWRR between RoCE and lossy at switches), ECN
// marking at dequeue, and the reaction to PFC frames (a paused class waits until its pause runs out or an XON
// comes). A host's port asks its NIC for a data packet whenever nothing is queued (the NIC makes them on
// demand). Also the port statistics (queue peak and time average, busy time, bytes on the wire). Leaves out
// what happens after serialization (link.ts) and buffer admission (mmu.ts).

import type { RandomStream } from '../../base/random.ts';
import type { Counters } from '../../result/types.ts';
import type { NetworkConfig } from '../core/network.ts';
import { ecnMarkProbability } from './dcqcn.ts';
import { type Clock, EV_PAUSE_EXPIRE, EV_TX_DONE } from './events.ts';
import { B_ECN, C_CTRL, C_LOSSY, C_ROCE, NC, type PacketPool, PK, PK_BITS, PK_NEXT } from './packets.ts';
import { pauseDurationPs } from './pfc.ts';
import type { Topology } from './topology.ts';

/** ACK: headers + AETH (4 B); CNP: headers + 16 reserved bytes (RoCEv2 annex). */
export const ACK_EXTRA = 4;
export const CNP_EXTRA = 16;

/** What a host's port needs from its NIC (nic.ts's Nics, the one implementation). */
export interface DataSource {
  /** The host's next data packet (only of class `onlyClass` when it is not 0), or -1. */
  nextDataPacket(h: number, onlyClass: number): number;
}

export class Ports {
  /** Set by the engine once the NICs exist. */
  nic!: DataSource;
  // Queues, per port x class.
  readonly qHead: Int32Array;
  readonly qTail: Int32Array;
  readonly qBytes: Float64Array;
  readonly portQBytes: Float64Array;
  readonly busy: Uint8Array;
  readonly txPkt: Int32Array;
  readonly pausedUntil: Float64Array;
  /** Start of the pause in force per port x class, or -1 (for the paused time counter). */
  readonly pauseBegin: Float64Array;
  private readonly expireArmed: Float64Array;
  // DWRR between the RoCE and lossy classes (control always first): deficit per port x class, the class
  // being served, and each class's quantum in bytes.
  private readonly deficit: Float64Array;
  private readonly drrCur: Uint8Array;
  private readonly quantum: Float64Array;
  private readonly dwrr: boolean;
  /** ECN thresholds per link (`net.ecn` allocates per call; it is read on every switch dequeue). */
  private readonly ecnOn: boolean;
  private readonly ecnKmin: Float64Array;
  private readonly ecnKmax: Float64Array;
  private readonly ecnPmax: Float64Array;
  private readonly wireOverhead: number;
  // Statistics.
  readonly maxQ: Float64Array;
  readonly qIntegral: Float64Array;
  private readonly qLastT: Float64Array;
  readonly busyPs: Float64Array;
  /** Bytes on the wire per port (frames with preamble and gap), for per-link load. */
  readonly portBytes: Float64Array;

  constructor(
    private readonly clock: Clock,
    private readonly topo: Topology,
    private readonly pool: PacketPool,
    net: NetworkConfig,
    private readonly c: Counters,
    private readonly rngEcn: RandomStream,
  ) {
    const P = topo.P;
    this.qHead = new Int32Array(P * NC).fill(-1);
    this.qTail = new Int32Array(P * NC).fill(-1);
    this.qBytes = new Float64Array(P * NC);
    this.portQBytes = new Float64Array(P);
    this.busy = new Uint8Array(P);
    this.txPkt = new Int32Array(P).fill(-1);
    this.pausedUntil = new Float64Array(P * NC);
    this.pauseBegin = new Float64Array(P * NC).fill(-1);
    this.expireArmed = new Float64Array(P).fill(-1);
    this.maxQ = new Float64Array(P);
    this.deficit = new Float64Array(P * NC);
    this.drrCur = new Uint8Array(P).fill(C_ROCE);
    // A quantum of at least one largest frame lets every visit send something.
    const frameMax = net.mtu + net.headerBytes + CNP_EXTRA;
    const wmin = Math.min(net.dwrrWeights.roce, net.dwrrWeights.lossy);
    this.quantum = Float64Array.of(
      0,
      (frameMax * net.dwrrWeights.roce) / wmin,
      (frameMax * net.dwrrWeights.lossy) / wmin,
    );
    this.dwrr = net.scheduler === 'dwrr';
    this.qIntegral = new Float64Array(P);
    this.qLastT = new Float64Array(P);
    this.busyPs = new Float64Array(P);
    this.portBytes = new Float64Array(P);
    const L = P >> 1;
    this.ecnOn = net.ecnOn;
    this.ecnKmin = new Float64Array(L);
    this.ecnKmax = new Float64Array(L);
    this.ecnPmax = new Float64Array(L);
    if (net.ecnOn)
      for (let l = 0; l < L; l++) {
        const e = net.ecn(l);
        this.ecnKmin[l] = e.kmin;
        this.ecnKmax[l] = e.kmax;
        this.ecnPmax[l] = e.pmax;
      }
    this.wireOverhead = net.wireOverheadBytes;
  }

  /** Brings port p's time-integral of queued bytes to now. */
  touchQueue(p: number): void {
    const now = this.clock.now;
    const dt = now - this.qLastT[p];
    if (dt > 0) this.qIntegral[p] += dt * this.portQBytes[p];
    this.qLastT[p] = now;
  }

  /** Queues packet id at port p (its link is up: the caller drops what is sent into a failed link). */
  enqueue(p: number, id: number): void {
    const pk = this.pool.pk;
    const k = p * NC + ((pk[id * PK + PK_BITS] >> 2) & 3);
    this.touchQueue(p);
    if (this.qTail[k] < 0) this.qHead[k] = id;
    else pk[this.qTail[k] * PK + PK_NEXT] = id;
    this.qTail[k] = id;
    pk[id * PK + PK_NEXT] = -1;
    const fr = this.pool.frame(id);
    this.qBytes[k] += fr;
    this.portQBytes[p] += fr;
    if (this.portQBytes[p] > this.maxQ[p]) this.maxQ[p] = this.portQBytes[p];
    this.tryStart(p);
  }

  /** Starts the next transmission on a port: strict priority over classes that are not paused. */
  tryStart(p: number): void {
    const topo = this.topo;
    if (this.busy[p] || topo.linkDown[p >> 1]) return;
    const now = this.clock.now;
    // Runs several times per packet (every enqueue and every transmission end): the arrays live in locals.
    // (Not the packet pool's: nextDataPacket below may grow, i.e. replace, them.)
    const qHead = this.qHead;
    const pausedUntil = this.pausedUntil;
    let id = -1;
    let blockedUntil = Number.POSITIVE_INFINITY;
    const from = topo.portFrom[p];
    const host = topo.isHost[from];
    if (this.dwrr && !host) {
      id = this.dwrrPick(p, now);
      const k = p * NC + C_ROCE;
      if (id < 0 && qHead[k] >= 0 && pausedUntil[k] > now) blockedUntil = pausedUntil[k];
    } else
      for (let c = 0, k = p * NC; c < NC; c++, k++) {
        const head = qHead[k];
        if (head < 0) continue;
        const pu = pausedUntil[k];
        if (pu > now) {
          if (pu < blockedUntil) blockedUntil = pu;
          continue;
        }
        id = head;
        this.popHead(p, k);
        break;
      }
    if (id < 0 && host) {
      // The NIC makes data packets on demand; while the RoCE class is paused, only lossy flows may send.
      const k = p * NC + C_ROCE;
      if (pausedUntil[k] > now) {
        if (pausedUntil[k] < blockedUntil) blockedUntil = pausedUntil[k];
        id = this.nic.nextDataPacket(from, C_LOSSY);
      } else id = this.nic.nextDataPacket(from, 0);
    }
    if (id < 0) {
      if (blockedUntil < Number.POSITIVE_INFINITY && this.expireArmed[p] !== blockedUntil) {
        this.expireArmed[p] = blockedUntil;
        this.clock.q.push(blockedUntil, EV_PAUSE_EXPIRE, p, 0);
      }
      return;
    }
    if (!host && this.ecnOn) this.markEcn(p, id);
    this.busy[p] = 1;
    this.txPkt[p] = id;
    const wire = this.pool.frame(id) + this.wireOverhead;
    const ser = Math.round(wire * topo.psPerByte[p]);
    this.busyPs[p] += ser;
    this.portBytes[p] += wire;
    this.clock.q.push(now + ser, EV_TX_DONE, p, 0);
  }

  /** ECN marking when a data packet departs a switch queue (ECN-01: egress bytes of its class at dequeue). */
  private markEcn(p: number, id: number): void {
    const cls = this.pool.cls(id);
    if (cls === C_CTRL) return;
    const l = p >> 1;
    const prob = ecnMarkProbability(this.qBytes[p * NC + cls], this.ecnKmin[l], this.ecnKmax[l], this.ecnPmax[l]);
    if (prob > 0 && (prob >= 1 || this.rngEcn.uniform() < prob)) {
      const pk = this.pool.pk;
      const o = id * PK + PK_BITS;
      if (!(pk[o] & B_ECN)) this.c.ecnMarks++;
      pk[o] |= B_ECN;
    }
  }

  /** Removes the head of queue k (port p, class k % NC). */
  private popHead(p: number, k: number): void {
    const id = this.qHead[k];
    const next = this.pool.pk[id * PK + PK_NEXT];
    this.qHead[k] = next;
    if (next < 0) this.qTail[k] = -1;
    this.touchQueue(p);
    const fr = this.pool.frame(id);
    this.qBytes[k] -= fr;
    this.portQBytes[p] -= fr;
  }

  /**
   * Deficit weighted round robin (Shreedhar and Varghese 1995) between the RoCE and lossy classes; control
   * packets go first. A class keeps the port while its deficit covers its head packet; then the other
   * class gets its quantum. Returns the packet to send, or -1.
   */
  private dwrrPick(p: number, now: number): number {
    const k0 = p * NC;
    if (this.qHead[k0] >= 0 && this.pausedUntil[k0] <= now) {
      const id = this.qHead[k0];
      this.popHead(p, k0);
      return id;
    }
    let cur = this.drrCur[p];
    for (let i = 0; i < 4; i++) {
      const k = k0 + cur;
      const head = this.qHead[k];
      const eligible = head >= 0 && this.pausedUntil[k] <= now;
      if (eligible && this.deficit[k] >= this.pool.frame(head)) {
        this.deficit[k] -= this.pool.frame(head);
        this.drrCur[p] = cur;
        this.popHead(p, k);
        return head;
      }
      if (head < 0) this.deficit[k] = 0;
      const other = cur === C_ROCE ? C_LOSSY : C_ROCE;
      const ko = k0 + other;
      if (this.qHead[ko] >= 0 && this.pausedUntil[ko] <= now) {
        this.deficit[ko] += this.quantum[other];
        cur = other;
      } else if (eligible) this.deficit[k] += this.quantum[cur];
      else break;
    }
    this.drrCur[p] = cur;
    return -1;
  }

  /** Serialization on port p ended: the port is free; returns the packet that was sent. */
  finishTx(p: number): number {
    const id = this.txPkt[p];
    this.busy[p] = 0;
    this.txPkt[p] = -1;
    return id;
  }

  /**
   * Empties queue k of port p (its link failed): returns the first packet of the chain (linked through
   * PK_NEXT), for the caller to release and drop.
   */
  takeAll(p: number, k: number): number {
    const head = this.qHead[k];
    this.touchQueue(p);
    const pk = this.pool.pk;
    for (let id = head; id >= 0; id = pk[id * PK + PK_NEXT]) {
      this.qBytes[k] -= this.pool.frame(id);
      this.portQBytes[p] -= this.pool.frame(id);
    }
    this.qHead[k] = -1;
    this.qTail[k] = -1;
    return head;
  }

  /** A PFC frame arrives at the port it pauses (quanta > 0) or resumes (quanta 0). */
  pfcFrame(port: number, b: number): void {
    const cls = Math.floor(b / 65536);
    const quanta = b % 65536;
    const k = port * NC + cls;
    const now = this.clock.now;
    if (quanta === 0) {
      if (this.pauseBegin[k] >= 0) {
        this.c.pausedPs += now - this.pauseBegin[k];
        this.pauseBegin[k] = -1;
      }
      this.pausedUntil[k] = now;
      this.tryStart(port);
      return;
    }
    const pausePs = pauseDurationPs(quanta, 8e12 / this.topo.psPerByte[port]);
    if (this.pauseBegin[k] < 0) this.pauseBegin[k] = now;
    this.pausedUntil[k] = now + pausePs;
    this.clock.q.push(this.pausedUntil[k], EV_PAUSE_EXPIRE, port, 0);
  }

  pauseExpire(port: number): void {
    const now = this.clock.now;
    if (this.expireArmed[port] === now) this.expireArmed[port] = -1;
    for (let c = 0; c < NC; c++) {
      const k = port * NC + c;
      if (this.pauseBegin[k] >= 0 && this.pausedUntil[k] <= now) {
        this.c.pausedPs += this.pausedUntil[k] - this.pauseBegin[k];
        this.pauseBegin[k] = -1;
      }
    }
    this.tryStart(port);
  }
}
