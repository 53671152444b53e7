// Egress ports: per port, one FIFO per traffic class (packets linked through the pool), the scheduler that
// picks the next frame (strict priority, or control first then DWRR between RoCE and lossy at switches), ECN
// marking at enqueue or at dequeue (network.dcqcn.markAt), HPCC's INT record stamped at dequeue, and the reaction to PFC frames (a paused class
// waits until its pause runs out or an XON comes). A host's port asks its NIC for a data packet whenever
// nothing is queued (the NIC makes them on demand). Also the port statistics (queue peak and time average, busy
// time, bytes on the wire). Leaves out what happens after serialization (link.ts) and buffer admission (mmu.ts).
//
// A port's state is one record of two cache lines (RI, RD below; one array per field cost a cache miss per field
// once k=32's 49,152 ports outgrow the cache), what it never changes is its kind's (port-kinds.ts), and what only
// PFC pauses and DWRR touch is in a cold record.

import type { RandomStream } from '../../base/random.ts';
import type { Counters } from '../../result/types.ts';
import type { NetworkConfig } from '../core/network.ts';
import { INT_MAX_HOPS } from '../core/network.ts';
import { ecnMarkProbability } from './dcqcn.ts';
import { type Clock, EV_PAUSE_EXPIRE, EV_TX_DONE } from './events.ts';
import {
  B_ECN,
  C_CTRL,
  C_LOSSY,
  C_ROCE,
  FRAME_SHIFT,
  INT_HOP,
  INT_QLEN,
  INT_RATE,
  INT_REC,
  INT_TS,
  INT_TX,
  NC,
  type PacketPool,
  PK,
  PK_BITS,
  PK_NEXT,
  T_DATA,
} from './packets.ts';
import { pauseDurationPs } from './pfc.ts';
import { K_ARRIVE, K_KMAX, K_KMIN, K_PMAX, K_PS_PER_BYTE, KD, portKinds } from './port-kinds.ts';
import { TR_DCTCP } from './tcp.ts';
import { S_ELEMENT, S_HOST, type Topology } from './topology.ts';

/** ACK: headers + AETH (4 B); CNP: headers + 16 reserved bytes (RoCEv2 annex). */
export const ACK_EXTRA = 4;
export const CNP_EXTRA = 16;

/** What a host's port needs from its NIC (nic.ts's Nics, the one implementation). */
export interface DataSource {
  /** The host's next data packet (only of class `onlyClass` when it is not 0), or -1. */
  nextDataPacket(h: number, onlyClass: number, port: number): number;
}

// The port record: RI Int32 fields, then RD Float64 fields from the fifth double, over one buffer (128 bytes a
// port). Int32: the frame in serialization (-1 when idle), flags, each class's queue (head and tail packets).
const RI = 32;
const I_TX = 0;
const I_FLAGS = 1;
const I_HEAD = 2;
const I_TAIL = I_HEAD + NC;
/**
 * I_FLAGS: topology.ts sender in the low 2 bits (FROM_HOST: a host's NIC sends on the port; FROM_ELEMENT: a switch
 * with a reduction element on it, which also makes packets on demand), the DWRR class whose turn it is (2 bits), the
 * port's kind above.
 */
const FROM_HOST = S_HOST;
const FROM_ELEMENT = S_ELEMENT;
const DRR_SHIFT = 2;
const DRR_MASK = 3 << DRR_SHIFT;
const KIND_SHIFT = 4;
// Float64: the queue and its statistics; busy time, bytes on the wire, per class the bytes queued and the pause.
const RD = 16;
const F_QBYTES = 4;
const F_QLAST = 5;
const F_QINTEGRAL = 6;
const F_MAXQ = 7;
const F_BUSY_PS = 8;
const F_WIRE_BYTES = 9;
const F_CLASS_BYTES = 10;
const F_PAUSED_UNTIL = F_CLASS_BYTES + NC;
// The cold record (CD Float64 fields): the pause-expiry event queued (its time, or -1), the start of the pause in
// force per class (or -1), the DWRR deficit per class.
const CD = 8;
const C_EXPIRE_ARMED = 0;
const C_PAUSE_BEGIN = 1;
const C_DEFICIT = C_PAUSE_BEGIN + NC;

export class Ports {
  /** Set by the engine once the NICs exist. */
  nic!: DataSource;
  /** Switch ports holding bytes (whole bytes: an emptied queue is exactly 0), for stats.ts's sample. */
  queuedSwitchPorts = 0;
  /** The port records (RI, RD), two views of one buffer. */
  private readonly r32: Int32Array;
  private readonly r64: Float64Array;
  /** The port kinds (KD fields each), the cold records (CD fields per port). */
  private readonly kinds: Float64Array;
  private readonly cold: Float64Array;
  // DWRR between the RoCE and lossy classes (control always first): each class's quantum in bytes.
  private readonly quantum: Float64Array;
  private readonly dwrr: boolean;
  private readonly ecnOn: boolean;
  /** ECN decided as a packet joins a switch queue (the DCQCN paper's CP), else as it leaves. */
  private readonly markAtEnqueue: boolean;
  /** DCTCP's K per link for the lossy class (empty: no task runs DCTCP), and whether any class is marked. */
  private readonly dctcpK: Float64Array;
  private readonly markOn: boolean;
  private readonly wireOverhead: number;
  /** HPCC: switches stamp an INT record on each data packet they send. */
  private readonly intOn: boolean;

  constructor(
    private readonly clock: Clock,
    private readonly topo: Topology,
    private readonly pool: PacketPool,
    net: NetworkConfig,
    private readonly c: Counters,
    private readonly rngEcn: RandomStream,
    transports: Uint8Array = new Uint8Array(0),
  ) {
    const P = topo.P;
    const r64 = new Float64Array(P * RD);
    const r32 = new Int32Array(r64.buffer);
    this.r32 = r32;
    this.r64 = r64;
    const { kind, kinds } = portKinds(topo, net);
    this.kinds = kinds;
    this.cold = new Float64Array(P * CD);
    for (let p = 0; p < P; p++) {
      const i = p * RI;
      r32[i + I_TX] = -1;
      r32[i + I_FLAGS] = topo.sender[p] | (C_ROCE << DRR_SHIFT) | (kind[p] << KIND_SHIFT);
      for (let c = 0; c < NC; c++) {
        r32[i + I_HEAD + c] = -1;
        r32[i + I_TAIL + c] = -1;
        this.cold[p * CD + C_PAUSE_BEGIN + c] = -1;
      }
      this.cold[p * CD + C_EXPIRE_ARMED] = -1;
    }
    // A quantum of at least one largest frame lets every visit send something.
    const frameMax = net.mtu + net.headerBytes + CNP_EXTRA + net.intBytes(INT_MAX_HOPS);
    const wmin = Math.min(net.dwrrWeights.roce, net.dwrrWeights.lossy);
    this.quantum = Float64Array.of(
      0,
      (frameMax * net.dwrrWeights.roce) / wmin,
      (frameMax * net.dwrrWeights.lossy) / wmin,
    );
    this.dwrr = net.scheduler === 'dwrr';
    this.ecnOn = net.ecnOn;
    this.markAtEnqueue = net.ecnMarkAtEnqueue;
    this.wireOverhead = net.wireOverheadBytes;
    this.intOn = net.hpccOn;
    this.dctcpK = transports.includes(TR_DCTCP)
      ? Float64Array.from({ length: P >> 1 }, (_, l) => net.tcp.kBytes(l))
      : new Float64Array(0);
    this.markOn = net.ecnOn || this.dctcpK.length > 0;
  }

  // ---- what other elements read -----------------------------------------------------------------

  /** The node port p sends from. */
  from(p: number): number {
    return this.topo.portFrom[p];
  }

  /** Port p is a host's (its sender is a host's NIC). */
  fromHost(p: number): boolean {
    return (this.r32[p * RI + I_FLAGS] & FROM_HOST) !== 0;
  }

  /** From the end of serialization on port p to the frame's arrival: propagation plus the next node's latency. */
  arrivalPs(p: number): number {
    return this.kinds[(this.r32[p * RI + I_FLAGS] >> KIND_SHIFT) * KD + K_ARRIVE];
  }

  /** The packet port p is serializing, or -1 when it is idle. */
  sending(p: number): number {
    return this.r32[p * RI + I_TX];
  }

  /** Bytes queued at port p, in all classes and in class `cls`. */
  queueBytes(p: number): number {
    return this.r64[p * RD + F_QBYTES];
  }

  classBytes(p: number, cls: number): number {
    return this.r64[p * RD + F_CLASS_BYTES + cls];
  }

  /** Statistics of port p: peak queue, time integral of the queue (bytes x ps), busy time, bytes on the wire. */
  maxQueue(p: number): number {
    return this.r64[p * RD + F_MAXQ];
  }

  queueIntegral(p: number): number {
    return this.r64[p * RD + F_QINTEGRAL];
  }

  busyPs(p: number): number {
    return this.r64[p * RD + F_BUSY_PS];
  }

  wireBytes(p: number): number {
    return this.r64[p * RD + F_WIRE_BYTES];
  }

  /** Paused time of the pauses still in force at time T (the run's end closes them). */
  openPausePs(T: number): number {
    let ps = 0;
    for (let p = 0; p < this.topo.P; p++)
      for (let c = 0; c < NC; c++) {
        const begin = this.cold[p * CD + C_PAUSE_BEGIN + c];
        if (begin >= 0) ps += Math.min(T, this.r64[p * RD + F_PAUSED_UNTIL + c]) - begin;
      }
    return ps;
  }

  // ---- queues and the scheduler -----------------------------------------------------------------

  /** Brings port p's time-integral of queued bytes to now. */
  touchQueue(p: number): void {
    const r64 = this.r64;
    const d = p * RD;
    const now = this.clock.now;
    const dt = now - r64[d + F_QLAST];
    if (dt > 0) r64[d + F_QINTEGRAL] += dt * r64[d + F_QBYTES];
    r64[d + F_QLAST] = now;
  }

  /** Queues packet id at port p (its link is up: the caller drops what is sent into a failed link). */
  enqueue(p: number, id: number): void {
    const pk = this.pool.pk;
    const r32 = this.r32;
    const r64 = this.r64;
    const cls = (pk[id * PK + PK_BITS] >> 2) & 3;
    const i = p * RI;
    const d = p * RD;
    // The paper's CP marks an arriving packet on the queue it finds (before it joins).
    if (this.markAtEnqueue && this.ecnOn && (r32[i + I_FLAGS] & FROM_HOST) === 0 && !this.dctcpMarked(id))
      this.markEcn(p, id);
    this.touchQueue(p);
    const tail = r32[i + I_TAIL + cls];
    if (tail < 0) r32[i + I_HEAD + cls] = id;
    else pk[tail * PK + PK_NEXT] = id;
    r32[i + I_TAIL + cls] = id;
    pk[id * PK + PK_NEXT] = -1;
    const fr = pk[id * PK + PK_BITS] >>> FRAME_SHIFT;
    r64[d + F_CLASS_BYTES + cls] += fr;
    const q = r64[d + F_QBYTES] + fr;
    r64[d + F_QBYTES] = q;
    if (q === fr && (r32[i + I_FLAGS] & FROM_HOST) === 0) this.queuedSwitchPorts++;
    if (q > r64[d + F_MAXQ]) r64[d + F_MAXQ] = q;
    this.tryStart(p);
  }

  /** Starts the next transmission on a port: strict priority over classes that are not paused. */
  tryStart(p: number): void {
    const r32 = this.r32;
    const r64 = this.r64;
    const i = p * RI;
    if (r32[i + I_TX] >= 0 || this.topo.linkDown[p >> 1]) return;
    const d = p * RD;
    const now = this.clock.now;
    let id = -1;
    let blockedUntil = Number.POSITIVE_INFINITY;
    const host = (r32[i + I_FLAGS] & FROM_HOST) !== 0;
    if (this.dwrr && !host) {
      id = this.dwrrPick(p, now);
      const pu = r64[d + F_PAUSED_UNTIL + C_ROCE];
      if (id < 0 && r32[i + I_HEAD + C_ROCE] >= 0 && pu > now) blockedUntil = pu;
    } else
      for (let c = 0; c < NC; c++) {
        const head = r32[i + I_HEAD + c];
        if (head < 0) continue;
        const pu = r64[d + F_PAUSED_UNTIL + c];
        if (pu > now) {
          if (pu < blockedUntil) blockedUntil = pu;
          continue;
        }
        id = head;
        this.popHead(p, c);
        break;
      }
    if (id < 0 && (r32[i + I_FLAGS] & (FROM_HOST | FROM_ELEMENT)) !== 0) {
      // The NIC (or reduction element) makes data packets on demand; while RoCE is paused, only lossy flows may send.
      const from = this.topo.portFrom[p];
      const pu = r64[d + F_PAUSED_UNTIL + C_ROCE];
      if (pu > now) {
        if (pu < blockedUntil) blockedUntil = pu;
        id = this.nic.nextDataPacket(from, C_LOSSY, p);
      } else id = this.nic.nextDataPacket(from, 0, p);
    }
    if (id < 0) {
      const e = p * CD + C_EXPIRE_ARMED;
      if (blockedUntil < Number.POSITIVE_INFINITY && this.cold[e] !== blockedUntil) {
        this.cold[e] = blockedUntil;
        this.clock.q.push(blockedUntil, EV_PAUSE_EXPIRE, p, 0);
      }
      return;
    }
    // DCTCP's lossy-class marking stays at dequeue (its K is on the instantaneous queue) whatever RoCE's markAt says.
    if (!host && this.markOn && (!this.markAtEnqueue || this.dctcpMarked(id))) this.markEcn(p, id);
    if (this.intOn && !host) this.stampInt(p, id, now);
    r32[i + I_TX] = id;
    const wire = (this.pool.pk[id * PK + PK_BITS] >>> FRAME_SHIFT) + this.wireOverhead;
    const ser = Math.round(wire * this.kinds[(r32[i + I_FLAGS] >> KIND_SHIFT) * KD + K_PS_PER_BYTE]);
    r64[d + F_BUSY_PS] += ser;
    r64[d + F_WIRE_BYTES] += wire;
    this.clock.q.pushDelayed(now + ser, ser, EV_TX_DONE, p, 0);
  }

  /**
   * ECN marking of a packet at a switch's egress, on the bytes of its class queued without it: as it departs
   * (ECN-01, HPCC's ns-3 switch) or as it arrives (the DCQCN paper's CP).
   */
  /** Whether this packet is marked by DCTCP's threshold (the lossy class when a task runs DCTCP). */
  private dctcpMarked(id: number): boolean {
    return this.dctcpK.length > 0 && this.pool.cls(id) === C_LOSSY;
  }

  private markEcn(p: number, id: number): void {
    const cls = this.pool.cls(id);
    if (cls === C_CTRL) return;
    const r64 = this.r64;
    const d = p * RD;
    if (cls === C_LOSSY && this.dctcpK.length > 0) {
      // DCTCP (SIGCOMM 2010 Sec. 3.1): mark when the instantaneous queue exceeds K; no randomness.
      if (r64[d + F_CLASS_BYTES + cls] > this.dctcpK[p >> 1]) this.mark(id);
      return;
    }
    if (!this.ecnOn) return;
    const k = (this.r32[p * RI + I_FLAGS] >> KIND_SHIFT) * KD;
    const kinds = this.kinds;
    const prob = ecnMarkProbability(
      r64[d + F_CLASS_BYTES + cls],
      kinds[k + K_KMIN],
      kinds[k + K_KMAX],
      kinds[k + K_PMAX],
    );
    if (prob > 0 && (prob >= 1 || this.rngEcn.uniform() < prob)) this.mark(id);
  }

  private mark(id: number): void {
    const pk = this.pool.pk;
    const o = id * PK + PK_BITS;
    if (!(pk[o] & B_ECN)) this.c.ecnMarks++;
    pk[o] |= B_ECN;
  }

  /**
   * HPCC's INT at a switch egress as the data packet starts on the wire (switch-node.cc SwitchNotifyDequeue):
   * the time, the bytes this port sent before it (with preamble and gap, so a busy link counts at its full
   * rate), the bytes still queued at the port, and the link rate. Past INT_MAX_HOPS switches nothing is added.
   */
  private stampInt(p: number, id: number, now: number): void {
    const pool = this.pool;
    if (pool.type(id) !== T_DATA) return;
    const rec = pool.int;
    const o = id * INT_REC;
    const hop = rec[o];
    if (hop >= INT_MAX_HOPS) return;
    const h = o + 1 + hop * INT_HOP;
    const d = p * RD;
    rec[h + INT_TS] = now;
    rec[h + INT_TX] = this.r64[d + F_WIRE_BYTES];
    rec[h + INT_QLEN] = this.r64[d + F_QBYTES];
    rec[h + INT_RATE] = 8e12 / this.topo.psPerByte[p];
    rec[o] = hop + 1;
  }

  /** Removes the head of port p's queue of class c. */
  private popHead(p: number, c: number): void {
    const r32 = this.r32;
    const r64 = this.r64;
    const pk = this.pool.pk;
    const i = p * RI;
    const d = p * RD;
    const id = r32[i + I_HEAD + c];
    const next = pk[id * PK + PK_NEXT];
    r32[i + I_HEAD + c] = next;
    if (next < 0) r32[i + I_TAIL + c] = -1;
    this.touchQueue(p);
    const fr = pk[id * PK + PK_BITS] >>> FRAME_SHIFT;
    r64[d + F_CLASS_BYTES + c] -= fr;
    const q = r64[d + F_QBYTES] - fr;
    r64[d + F_QBYTES] = q;
    if (q === 0 && (r32[i + I_FLAGS] & FROM_HOST) === 0) this.queuedSwitchPorts--;
  }

  /**
   * Deficit weighted round robin (Shreedhar and Varghese 1995) between the RoCE and lossy classes; control
   * packets go first. A class keeps the port while its deficit covers its head packet; then the other
   * class gets its quantum. Returns the packet to send, or -1.
   */
  private dwrrPick(p: number, now: number): number {
    const r32 = this.r32;
    const r64 = this.r64;
    const i = p * RI;
    const d = p * RD;
    const cold = this.cold;
    const e = p * CD;
    const ctrl = r32[i + I_HEAD + C_CTRL];
    if (ctrl >= 0 && r64[d + F_PAUSED_UNTIL + C_CTRL] <= now) {
      this.popHead(p, C_CTRL);
      return ctrl;
    }
    let cur = (r32[i + I_FLAGS] & DRR_MASK) >> DRR_SHIFT;
    for (let n = 0; n < 4; n++) {
      const head = r32[i + I_HEAD + cur];
      const eligible = head >= 0 && r64[d + F_PAUSED_UNTIL + cur] <= now;
      if (eligible && cold[e + C_DEFICIT + cur] >= this.pool.frame(head)) {
        cold[e + C_DEFICIT + cur] -= this.pool.frame(head);
        r32[i + I_FLAGS] = (r32[i + I_FLAGS] & ~DRR_MASK) | (cur << DRR_SHIFT);
        this.popHead(p, cur);
        return head;
      }
      if (head < 0) cold[e + C_DEFICIT + cur] = 0;
      const other = cur === C_ROCE ? C_LOSSY : C_ROCE;
      if (r32[i + I_HEAD + other] >= 0 && r64[d + F_PAUSED_UNTIL + other] <= now) {
        cold[e + C_DEFICIT + other] += this.quantum[other];
        cur = other;
      } else if (eligible) cold[e + C_DEFICIT + cur] += this.quantum[cur];
      else break;
    }
    r32[i + I_FLAGS] = (r32[i + I_FLAGS] & ~DRR_MASK) | (cur << DRR_SHIFT);
    return -1;
  }

  /** Serialization on port p ended: the port is free; returns the packet that was sent. */
  finishTx(p: number): number {
    const i = p * RI + I_TX;
    const id = this.r32[i];
    this.r32[i] = -1;
    return id;
  }

  /**
   * Empties port p's queue of class c (its link failed): returns the first packet of the chain (linked through
   * PK_NEXT), for the caller to release and drop.
   */
  takeAll(p: number, c: number): number {
    const r32 = this.r32;
    const r64 = this.r64;
    const i = p * RI;
    const d = p * RD;
    const head = r32[i + I_HEAD + c];
    this.touchQueue(p);
    const pk = this.pool.pk;
    const queued = r64[d + F_QBYTES] > 0;
    for (let id = head; id >= 0; id = pk[id * PK + PK_NEXT]) {
      r64[d + F_CLASS_BYTES + c] -= this.pool.frame(id);
      r64[d + F_QBYTES] -= this.pool.frame(id);
    }
    if (queued && r64[d + F_QBYTES] === 0 && (r32[i + I_FLAGS] & FROM_HOST) === 0) this.queuedSwitchPorts--;
    r32[i + I_HEAD + c] = -1;
    r32[i + I_TAIL + c] = -1;
    return head;
  }

  // ---- PFC at the sending port ------------------------------------------------------------------

  /** A PFC frame arrives at the port it pauses (quanta > 0) or resumes (quanta 0). */
  pfcFrame(port: number, b: number): void {
    const cls = Math.floor(b / 65536);
    const quanta = b % 65536;
    const r64 = this.r64;
    const d = port * RD;
    const cold = this.cold;
    const e = port * CD;
    const now = this.clock.now;
    if (quanta === 0) {
      if (cold[e + C_PAUSE_BEGIN + cls] >= 0) {
        this.c.pausedPs += now - cold[e + C_PAUSE_BEGIN + cls];
        cold[e + C_PAUSE_BEGIN + cls] = -1;
      }
      r64[d + F_PAUSED_UNTIL + cls] = now;
      this.tryStart(port);
      return;
    }
    const pausePs = pauseDurationPs(quanta, 8e12 / this.topo.psPerByte[port]);
    if (cold[e + C_PAUSE_BEGIN + cls] < 0) cold[e + C_PAUSE_BEGIN + cls] = now;
    r64[d + F_PAUSED_UNTIL + cls] = now + pausePs;
    this.clock.q.push(now + pausePs, EV_PAUSE_EXPIRE, port, 0);
  }

  pauseExpire(port: number): void {
    const r64 = this.r64;
    const d = port * RD;
    const cold = this.cold;
    const e = port * CD;
    const now = this.clock.now;
    if (cold[e + C_EXPIRE_ARMED] === now) cold[e + C_EXPIRE_ARMED] = -1;
    for (let c = 0; c < NC; c++) {
      const until = r64[d + F_PAUSED_UNTIL + c];
      if (cold[e + C_PAUSE_BEGIN + c] >= 0 && until <= now) {
        this.c.pausedPs += until - cold[e + C_PAUSE_BEGIN + c];
        cold[e + C_PAUSE_BEGIN + c] = -1;
      }
    }
    this.tryStart(port);
  }
}
