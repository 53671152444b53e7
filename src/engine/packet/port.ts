// Egress ports: per port, one FIFO per traffic class (packets linked through the pool; with network.classes the
// classes past lossy in class-queues.ts), the next frame as the scheduler (scheduler.ts) picks it, ECN marking at
// enqueue or at dequeue (network.dcqcn.markAt), HPCC's INT record stamped at dequeue, and the reaction to PFC
// frames per class (a paused class waits until its pause runs out or an XON comes). A host's port asks its NIC for
// a data packet whenever nothing is queued (the NIC makes them on demand). Also the port statistics (queue peak and
// time average, busy time, bytes on the wire). Leaves out what happens after serialization (link.ts) and buffer
// admission (mmu.ts).
//
// A port's state is one record of two cache lines (port-layout.ts), what it never changes is its kind's
// (port-kinds.ts), and what only PFC pauses and DWRR touch is in a cold record.

import type { RandomStream } from '../../base/random.ts';
import type { Counters } from '../../result/types.ts';
import type { NetworkConfig } from '../core/network.ts';
import { INT_MAX_HOPS } from '../core/network.ts';
import { ClassQueues } from './class-queues.ts';
import { ecnMarkProbability } from './dcqcn.ts';
import { type Clock, EVENT_KINDS } from './events.ts';
import { PACKET_LAYOUT, type PacketPool } from './packets.ts';
import { pauseDurationPs } from './pfc.ts';
import { KIND_LAYOUT, portKinds } from './port-kinds.ts';
import { PORT_LAYOUT } from './port-layout.ts';
import { type DataSource, Scheduler } from './scheduler.ts';
import { TR_DCTCP } from './tcp.ts';
import type { Topology } from './topology.ts';

/** ACK: headers + AETH (4 B); CNP: headers + 16 reserved bytes (RoCEv2 annex). */
export const ACK_EXTRA = 4;
export const CNP_EXTRA = 16;

const { EV_PAUSE_EXPIRE, EV_TX_DONE } = EVENT_KINDS;
const { B_ECN, C_CTRL, C_ROCE, CLASS_MASK, FRAME_SHIFT, NC, PK, PK_BITS, PK_NEXT, T_DATA } = PACKET_LAYOUT;
const { INT_HOP, INT_QLEN, INT_RATE, INT_REC, INT_TS, INT_TX } = PACKET_LAYOUT;
const { K_ARRIVE, K_KMAX, K_KMIN, K_PMAX, K_PS_PER_BYTE, KD } = KIND_LAYOUT;
const {
  RI,
  I_TX,
  I_FLAGS,
  I_HEAD,
  I_TAIL,
  FROM_HOST,
  FROM_ELEMENT,
  DRR_SHIFT,
  KIND_SHIFT,
  RD,
  F_QBYTES,
  F_QLAST,
  F_QINTEGRAL,
  F_MAXQ,
  F_BUSY_PS,
  F_WIRE_BYTES,
  F_CLASS_BYTES,
  F_PAUSED_UNTIL,
  CD,
  C_EXPIRE_ARMED,
  C_PAUSE_BEGIN,
  C_ELEMENT_TURN,
} = PORT_LAYOUT;

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
  /** The scheduler (scheduler.ts), and whether switch ports use DWRR (else strict priority). */
  private readonly sched: Scheduler;
  private readonly dwrr: boolean;
  /** network.classes: the queues of classes past lossy (class-queues.ts), else null; queues per port in all. */
  private readonly xq: ClassQueues | null;
  readonly queues: number;
  /** Per queue, a bit: the classes marked at DCTCP's K. */
  private readonly dctcpMask: number;
  private readonly ecnOn: boolean;
  /** ECN decided as a packet joins a switch queue (the DCQCN paper's CP), else as it leaves. */
  private readonly markAtEnqueue: boolean;
  /** DCTCP's K per link for the lossy classes (empty: no task runs DCTCP), and whether any class is marked. */
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
    const quantum = Float64Array.of(
      0,
      (frameMax * net.dwrrWeights.roce) / wmin,
      (frameMax * net.dwrrWeights.lossy) / wmin,
    );
    this.sched = new Scheduler(r32, r64, this.cold, pool, quantum);
    this.dwrr = net.scheduler === 'dwrr';
    const pc = net.portClasses;
    this.queues = pc ? pc.names.length : NC;
    this.xq = pc ? new ClassQueues(P, this.queues) : null;
    // Without classes the RoCE queue is the lossless one; DCTCP marks the lossy classes (pfc false).
    const lossless: readonly number[] = pc ? [...pc.lossless] : [0, 1, 0];
    if (pc && this.xq) this.sched.serveClasses(this.xq, pc, P, frameMax, net.pfc);
    this.ecnOn = net.ecnOn;
    this.markAtEnqueue = net.ecnMarkAtEnqueue;
    this.wireOverhead = net.wireOverheadBytes;
    this.intOn = net.hpccOn;
    this.dctcpK = transports.includes(TR_DCTCP)
      ? Float64Array.from({ length: P >> 1 }, (_, l) => net.tcp.kBytes(l))
      : new Float64Array(0);
    this.markOn = net.ecnOn || this.dctcpK.length > 0;
    this.dctcpMask =
      this.dctcpK.length === 0 ? 0 : lossless.reduce((m: number, x, q) => (q > C_CTRL && !x ? m | (1 << q) : m), 0);
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
    if (cls < NC) return this.r64[p * RD + F_CLASS_BYTES + cls];
    const xq = this.xq as ClassQueues;
    return xq.bytes[xq.at(p, cls)];
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
      for (let c = 0; c < this.queues; c++) {
        const begin = this.pauseBegin(p, c);
        if (begin >= 0) ps += Math.min(T, this.sched.pausedUntil(p, c)) - begin;
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
    const cls = (pk[id * PK + PK_BITS] >> 2) & CLASS_MASK;
    const i = p * RI;
    const d = p * RD;
    // The paper's CP marks an arriving packet on the queue it finds (before it joins).
    if (this.markAtEnqueue && this.ecnOn && (r32[i + I_FLAGS] & FROM_HOST) === 0 && !this.dctcpMarked(id))
      this.markEcn(p, id);
    this.touchQueue(p);
    const fr = pk[id * PK + PK_BITS] >>> FRAME_SHIFT;
    if (cls < NC) {
      const tail = r32[i + I_TAIL + cls];
      if (tail < 0) r32[i + I_HEAD + cls] = id;
      else pk[tail * PK + PK_NEXT] = id;
      r32[i + I_TAIL + cls] = id;
      pk[id * PK + PK_NEXT] = -1;
      r64[d + F_CLASS_BYTES + cls] += fr;
    } else (this.xq as ClassQueues).push(this.pool, p, cls, id, fr);
    const q = r64[d + F_QBYTES] + fr;
    r64[d + F_QBYTES] = q;
    if (q === fr && (r32[i + I_FLAGS] & FROM_HOST) === 0) this.queuedSwitchPorts++;
    if (q > r64[d + F_MAXQ]) r64[d + F_MAXQ] = q;
    this.tryStart(p);
  }

  /** Starts the next transmission on a port: the class the scheduler picks, else a packet the NIC makes now. */
  tryStart(p: number): void {
    const r32 = this.r32;
    const r64 = this.r64;
    const i = p * RI;
    const d = p * RD;
    // A switch port with nothing queued has nothing to send and no pause to wait for: the common case after a frame
    // leaves a port (k=16 permutation: 3.16 M of the 3.77 M starts that found nothing).
    if (r32[i + I_TX] >= 0 || (r64[d + F_QBYTES] === 0 && (r32[i + I_FLAGS] & (FROM_HOST | FROM_ELEMENT)) === 0))
      return;
    if (this.topo.linkDown[p >> 1]) return;
    const now = this.clock.now;
    let id = -1;
    const host = (r32[i + I_FLAGS] & FROM_HOST) !== 0;
    const sched = this.sched;
    const c = this.xq !== null ? sched.classed(p, now) : this.dwrr && !host ? sched.dwrr(p, now) : sched.strict(p, now);
    let blockedUntil = sched.blockedUntil;
    if (c > C_CTRL && (r32[i + I_FLAGS] & FROM_ELEMENT) !== 0) id = this.elementTurn(p, c);
    if (id < 0 && c >= 0) id = this.popHead(p, c);
    if (id < 0 && (r32[i + I_FLAGS] & (FROM_HOST | FROM_ELEMENT)) !== 0) {
      // The NIC (or reduction element) makes data packets on demand; while RoCE is paused, only lossy flows may send.
      const from = this.topo.portFrom[p];
      if (this.xq !== null) {
        id = sched.demand(this.nic, p, from, now);
        if (sched.blockedUntil < blockedUntil) blockedUntil = sched.blockedUntil;
      } else {
        const pu = r64[d + F_PAUSED_UNTIL + C_ROCE];
        if (pu > now) {
          if (pu < blockedUntil) blockedUntil = pu;
          id = this.nic.nextDataPacket(from, 1 << C_ROCE, p);
        } else id = this.nic.nextDataPacket(from, 0, p);
      }
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
    this.clock.q.pushDelayed(now + ser, ser, EV_TX_DONE, p, id);
  }

  /** Whether this packet is marked by DCTCP's threshold (a lossy class when a task runs DCTCP). */
  private dctcpMarked(id: number): boolean {
    return this.dctcpMask !== 0 && ((this.dctcpMask >> this.pool.cls(id)) & 1) !== 0;
  }

  /**
   * ECN marking of a packet at a switch's egress, on the bytes of its class queued without it: as it departs
   * (ECN-01, HPCC's ns-3 switch) or as it arrives (the DCQCN paper's CP).
   */
  private markEcn(p: number, id: number): void {
    const cls = this.pool.cls(id);
    if (cls === C_CTRL) return;
    const queued = cls < NC ? this.r64[p * RD + F_CLASS_BYTES + cls] : this.classBytes(p, cls);
    if (((this.dctcpMask >> cls) & 1) !== 0) {
      // DCTCP (SIGCOMM 2010 Sec. 3.1): mark when the instantaneous queue exceeds K; no randomness.
      if (queued > this.dctcpK[p >> 1]) this.mark(id);
      return;
    }
    if (!this.ecnOn) return;
    const k = (this.r32[p * RI + I_FLAGS] >> KIND_SHIFT) * KD;
    const kinds = this.kinds;
    const prob = ecnMarkProbability(queued, kinds[k + K_KMIN], kinds[k + K_KMAX], kinds[k + K_PMAX]);
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
  private popHead(p: number, c: number): number {
    const r32 = this.r32;
    const r64 = this.r64;
    const pk = this.pool.pk;
    const i = p * RI;
    const d = p * RD;
    let id: number;
    if (c < NC) {
      id = r32[i + I_HEAD + c];
      const next = pk[id * PK + PK_NEXT];
      r32[i + I_HEAD + c] = next;
      if (next < 0) r32[i + I_TAIL + c] = -1;
      r64[d + F_CLASS_BYTES + c] -= pk[id * PK + PK_BITS] >>> FRAME_SHIFT;
    } else id = (this.xq as ClassQueues).pop(this.pool, p, c);
    this.touchQueue(p);
    const fr = pk[id * PK + PK_BITS] >>> FRAME_SHIFT;
    const q = r64[d + F_QBYTES] - fr;
    r64[d + F_QBYTES] = q;
    if (q === 0 && (r32[i + I_FLAGS] & FROM_HOST) === 0) this.queuedSwitchPorts--;
    return id;
  }

  /**
   * At a reduction element's port (reduce.ts), the element is one more sender in class c: it and the forwarded
   * packets of the class take turns (round robin between the switch's inputs, as its crossbar arbitrates them), the
   * element's frame counting against the class's DWRR deficit in place of the head's. Its packet, or -1 (the
   * forwarded packets' turn, or the element has none of class c now).
   */
  private elementTurn(p: number, c: number): number {
    const t = p * CD + C_ELEMENT_TURN;
    if (this.cold[t] !== 0) {
      this.cold[t] = 0;
      return -1;
    }
    const id = this.nic.nextDataPacket(this.topo.portFrom[p], ~(1 << c), p);
    if (id >= 0) this.cold[t] = 1;
    return id;
  }

  /** Serialization on port p ended: the port is free. */
  finishTx(p: number): void {
    this.r32[p * RI + I_TX] = -1;
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
    if (c >= NC) {
      this.touchQueue(p);
      const queued = r64[d + F_QBYTES] > 0;
      r64[d + F_QBYTES] -= this.classBytes(p, c);
      if (queued && r64[d + F_QBYTES] === 0 && (r32[i + I_FLAGS] & FROM_HOST) === 0) this.queuedSwitchPorts--;
      return (this.xq as ClassQueues).takeAll(p, c);
    }
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

  /** A PFC frame arrives at the port it pauses (quanta > 0) or resumes (quanta 0) one class of (802.1Qbb). */
  pfcFrame(port: number, b: number): void {
    const cls = Math.floor(b / 65536);
    const quanta = b % 65536;
    const now = this.clock.now;
    const begin = this.pauseBegin(port, cls);
    if (quanta === 0) {
      if (begin >= 0) this.c.pausedPs += now - begin;
      this.setPause(port, cls, -1, now);
      this.tryStart(port);
      return;
    }
    const pausePs = pauseDurationPs(quanta, 8e12 / this.topo.psPerByte[port]);
    this.setPause(port, cls, begin < 0 ? now : begin, now + pausePs);
    this.clock.q.push(now + pausePs, EV_PAUSE_EXPIRE, port, 0);
  }

  pauseExpire(port: number): void {
    const now = this.clock.now;
    const e = port * CD + C_EXPIRE_ARMED;
    if (this.cold[e] === now) this.cold[e] = -1;
    for (let c = 0; c < this.queues; c++) {
      const until = this.sched.pausedUntil(port, c);
      const begin = this.pauseBegin(port, c);
      if (begin >= 0 && until <= now) {
        this.c.pausedPs += until - begin;
        this.setPause(port, c, -1, until);
      }
    }
    this.tryStart(port);
  }

  /** The start of the pause in force on port p's class c, or -1. */
  private pauseBegin(p: number, c: number): number {
    if (c < NC) return this.cold[p * CD + C_PAUSE_BEGIN + c];
    const xq = this.xq as ClassQueues;
    return xq.pauseBegin[xq.at(p, c)];
  }

  /** Sets the pause of port p's class c: its start (-1: none in force) and its end. */
  private setPause(p: number, c: number, begin: number, until: number): void {
    if (c < NC) {
      this.cold[p * CD + C_PAUSE_BEGIN + c] = begin;
      this.r64[p * RD + F_PAUSED_UNTIL + c] = until;
      return;
    }
    const xq = this.xq as ClassQueues;
    xq.pauseBegin[xq.at(p, c)] = begin;
    xq.pausedUntil[xq.at(p, c)] = until;
  }
}
