// The NIC's side of a TCP connection (tcp.ts has the congestion control): making a segment (a hole first, else
// the next new one; unpaced, held to the window), the receiver's cumulative ACK with the segment's CE echoed as
// ECE, and the sender's reaction to an ACK. It works on the NIC's own per-QP arrays (nic.ts hands them over at
// construction) so a TCP task keeps one byte stream, one timer and one result row like a RoCE QP. Leaves out
// everything TCP does not share with the NIC (tcp.ts).
import type { Counters } from '../../result/types.ts';
import type { NetworkConfig } from '../core/network.ts';
import type { TaskDriver } from '../core/task-graph.ts';
import type { Clock } from './events.ts';
import { B_ECN, C_CTRL, INT_REC, type PacketPool, PK, PK_BITS, T_ACK, T_DATA } from './packets.ts';
import { ACK_EXTRA, type Ports } from './port.ts';
import { TCP_HEADER_BYTES, type TcpFlows } from './tcp.ts';
import type { Topology } from './topology.ts';

/** The elements a TCP endpoint talks to, and the NIC's timer and counters. */
export interface TcpElements {
  clock: Clock;
  pool: PacketPool;
  c: Counters;
  topo: Topology;
  ports: Ports;
  net: NetworkConfig;
  tasks: TaskDriver;
  tcp: TcpFlows;
  nic: {
    armRto(fl: number): void;
    sentPayload: number;
    moreReps: number;
    readonly qpPort: Int32Array;
    readonly ackPort: Int32Array;
  };
}

/** The NIC's per-QP arrays a TCP endpoint reads and moves (nic.ts documents each). */
export interface TcpArrays {
  sndNxt: Int32Array;
  sndUna: Int32Array;
  highSent: Int32Array;
  expected: Int32Array;
  retries: Int32Array;
  lostAtProgress: Int32Array;
  rtoArmed: Uint8Array;
  fPpr: Int32Array;
  fLastPayload: Int32Array;
  fSrc: Int32Array;
  fDst: Int32Array;
  fClass: Uint8Array;
  fPkts: Int32Array;
  fRetx: Float64Array;
  fDelivered: Float64Array;
  fEnd: Float64Array;
}

export class TcpNic {
  constructor(
    private readonly e: TcpElements,
    private readonly a: TcpArrays,
  ) {}

  /** A TCP segment: a hole to fill first (tcp.ts), else the next new one; unpaced, held to the window. */
  send(fl: number): number {
    const now = this.e.clock.now;
    const r = this.e.tcp.takeRetx(fl);
    const seq = r >= 0 ? r : this.a.sndNxt[fl];
    const payload = (seq + 1) % this.a.fPpr[fl] === 0 ? this.a.fLastPayload[fl] : this.e.net.mtu;
    if (seq === 0 && this.e.tasks.taskStartPs[fl] < 0) this.e.tasks.taskStartPs[fl] = now;
    const id = this.e.pool.alloc(
      fl,
      T_DATA,
      this.a.fClass[fl],
      seq,
      payload,
      payload + TCP_HEADER_BYTES,
      this.a.fDst[fl],
    );
    if (this.e.net.hpccOn) this.e.pool.int[id * INT_REC] = 0;
    if (r < 0) this.a.sndNxt[fl] = seq + 1;
    const fresh = seq >= this.a.highSent[fl];
    if (fresh) this.a.highSent[fl] = seq + 1;
    else {
      this.e.c.retransmittedBytes += payload;
      this.a.fRetx[fl] += payload;
    }
    this.e.tcp.onSent(fl, seq, fresh, now);
    this.e.c.dataPacketsSent++;
    this.e.nic.sentPayload += payload;
    if (!this.a.rtoArmed[fl]) this.e.nic.armRto(fl);
    return id;
  }

  /**
   * A TCP segment at its receiver (tcp.ts buffers it out of order): ACK every segment at once with the
   * cumulative ACK and the segment's CE mark as ECE. Returns the task when it completed repetitions (more in
   * `moreReps`), else -1.
   */
  receive(_h: number, fl: number, id: number, seq: number): number {
    const pool = this.e.pool;
    const o = id * PK;
    const payload = pool.payload(id);
    const ece = (pool.pk[o + PK_BITS] & B_ECN) !== 0;
    const e0 = this.a.expected[fl];
    const e = this.e.tcp.receive(fl, seq, e0);
    if (e < 0) {
      this.e.c.receiverDiscards++;
      pool.droppedPayload += payload;
    } else {
      this.e.c.deliveredBytes += payload;
      this.a.fDelivered[fl] += payload;
      this.a.expected[fl] = e;
    }
    pool.free(id);
    const ack = this.a.expected[fl];
    const a = pool.alloc(fl, T_ACK, C_CTRL, ack, 0, ACK_EXTRA + this.e.net.headerBytes, this.a.fSrc[fl]);
    if (ece) pool.pk[a * PK + PK_BITS] |= B_ECN;
    // The receiver's port for this connection (its hash's on a host of several links, as RoCE's ACKs; failover.ts).
    const p = this.e.nic.ackPort[fl];
    if (this.e.topo.linkDown[p >> 1]) pool.drop(a, 'failure');
    else this.e.ports.enqueue(p, a);
    const ppr = this.a.fPpr[fl];
    const reps = Math.floor(ack / ppr) - Math.floor(e0 / ppr);
    if (reps <= 0) return -1;
    this.e.nic.moreReps = reps - 1;
    return fl;
  }

  /** An ACK of TCP task fl: progress moves the window (tcp.ts), three duplicates start fast retransmit. */
  ack(fl: number, ack: number, ece: boolean): void {
    const una = this.a.sndUna[fl];
    if (ack > una) {
      this.a.sndUna[fl] = ack;
      this.a.retries[fl] = 0;
      this.a.lostAtProgress[fl] = this.e.pool.lostByFlow[fl];
      if (this.a.sndNxt[fl] < ack) this.a.sndNxt[fl] = ack;
      if (this.e.tcp.onNewAck(fl, ack, una, ece, this.e.clock.now)) this.a.rtoArmed[fl] = 0;
      if (ack >= this.a.fPkts[fl]) {
        this.a.fEnd[fl] = this.e.clock.now;
        this.e.tasks.done++;
        return;
      }
      if (this.a.sndNxt[fl] > ack && !this.a.rtoArmed[fl]) this.e.nic.armRto(fl);
    } else if (ack === una && this.a.highSent[fl] > una) this.e.tcp.onDupAck(fl);
    this.e.ports.tryStart(this.e.nic.qpPort[fl]);
  }
}
