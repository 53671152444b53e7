// The packet pool: per packet id, a hot record of PK int32 fields (what every hop reads: 16 bytes, four records a
// cache line) and a cold one of PC fields (what only the NICs and a routing miss read), with a free list. Once a
// large fabric holds 10^5-10^6 packets in its queues, each hop's packet is a cache miss; a smaller record makes
// the set of queued packets smaller (k=32: 1.32 M packets at the peak; 42 MB as 32-byte records, 21 MB hot now).
// Elements hold the pool, never its arrays: growing replaces them.
// Dropping is here too, counted by cause (the result's bufferDrops, lossDrops, failureDrops). With HPCC each
// packet also carries in-band telemetry: per switch a record of (time, bytes sent, queue, link rate), in a side
// array that exists only then. Leaves out what a packet means to each element (queues link packets through
// PK_NEXT; switches count hops in PK_BITS) and INT's field widths (records hold exact values). The records' layouts
// are in packet-layout.ts, re-exported here.
import type { Counters } from '../../result/types.ts';
import { PACKET_LAYOUT } from './packet-layout.ts';

export * from './packet-layout.ts';

// The pool's own copies of the layout (an exported constant is read through a cell, even in its own module).
const { PK, PK_FLOW, PK_NEXT, PK_INGRESS, PK_BITS, B_LIVE, FRAME_SHIFT, FRAME_MAX, CLASS_MASK, T_DATA } = PACKET_LAYOUT;
const { PC, PC_SEQ, PC_PAYLOAD, PC_DST, INT_REC } = PACKET_LAYOUT;

export class PacketPool {
  private cap = 0;
  /** The hot and the cold records; replaced when the pool grows, so read them through the pool each time. */
  pk = new Int32Array(0);
  pc = new Int32Array(0);
  private freeHead = -1;
  /** Payload of dropped and discarded data packets (the bytes-conserved invariant). */
  droppedPayload = 0;
  /** INT records, INT_REC per packet (HPCC only, else empty); replaced when the pool grows, like `pk`. */
  int = new Float64Array(0);

  constructor(
    private readonly c: Counters,
    initialPackets: number,
  ) {
    this.grow(initialPackets);
  }

  private grow(n: number): void {
    const pk = new Int32Array(n * PK);
    pk.set(this.pk);
    this.pk = pk;
    const pc = new Int32Array(n * PC);
    pc.set(this.pc);
    this.pc = pc;
    if (this.int.length > 0) {
      const rec = new Float64Array(n * INT_REC);
      rec.set(this.int);
      this.int = rec;
    }
    for (let i = n - 1; i >= this.cap; i--) {
      pk[i * PK + PK_NEXT] = this.freeHead;
      this.freeHead = i;
    }
    this.cap = n;
  }

  /** A new packet of `type` in class `cls`, with `frame` bytes on the wire before preamble and gap. */
  alloc(flow: number, type: number, cls: number, seq: number, payload: number, frame: number, dst: number): number {
    if (!(frame > 0 && frame <= FRAME_MAX)) throw new RangeError(`internal: a frame of ${frame} bytes`);
    // By half: the free list hands out new ids in order whatever the step, and a smaller step leaves less unused
    // (k=32 peaks at 1.32 M packets: doubling made room for 2.1 M, by half for 1.8 M).
    if (this.freeHead < 0) this.grow(Math.max(64, Math.ceil(this.cap * 1.5)));
    const id = this.freeHead;
    const pk = this.pk;
    const o = id * PK;
    this.freeHead = pk[o + PK_NEXT];
    pk[o + PK_FLOW] = flow;
    pk[o + PK_NEXT] = -1;
    pk[o + PK_INGRESS] = -1;
    pk[o + PK_BITS] = type | (cls << 2) | B_LIVE | (frame << FRAME_SHIFT);
    const pc = this.pc;
    const c = id * PC;
    pc[c + PC_SEQ] = seq;
    pc[c + PC_PAYLOAD] = payload;
    pc[c + PC_DST] = dst;
    return id;
  }

  /** Gives every packet an INT record (HPCC runs). */
  enableInt(): void {
    if (this.int.length === 0) this.int = new Float64Array(this.cap * INT_REC);
  }

  /** Copies packet `from`'s INT record to packet `to` (an ACK echoes the telemetry of the data it answers). */
  copyInt(from: number, to: number): void {
    const o = from * INT_REC;
    this.int.copyWithin(to * INT_REC, o, o + INT_REC);
  }

  type(id: number): number {
    return this.pk[id * PK + PK_BITS] & 3;
  }

  cls(id: number): number {
    return (this.pk[id * PK + PK_BITS] >> 2) & CLASS_MASK;
  }

  frame(id: number): number {
    return this.pk[id * PK + PK_BITS] >>> FRAME_SHIFT;
  }

  seq(id: number): number {
    return this.pc[id * PC + PC_SEQ];
  }

  payload(id: number): number {
    return this.pc[id * PC + PC_PAYLOAD];
  }

  dst(id: number): number {
    return this.pc[id * PC + PC_DST];
  }

  free(id: number): void {
    const o = id * PK;
    this.pk[o + PK_BITS] &= ~B_LIVE;
    this.pk[o + PK_NEXT] = this.freeHead;
    this.freeHead = id;
  }

  /** Packets of each QP lost so far, any type (the NICs size it; a timeout with none lost is spurious). */
  lostByFlow: Int32Array = new Int32Array(0);

  drop(id: number, cause: 'buffer' | 'loss' | 'failure'): void {
    const fl = this.pk[id * PK + PK_FLOW];
    if (fl >= 0 && fl < this.lostByFlow.length) this.lostByFlow[fl]++;
    if (cause === 'buffer') this.c.bufferDrops++;
    else if (cause === 'loss') this.c.lossDrops++;
    else this.c.failureDrops++;
    if (this.type(id) === T_DATA) this.droppedPayload += this.payload(id);
    this.free(id);
  }

  /** Payload of the data packets still allocated (in queues or on links). */
  inFlightPayload(): number {
    let bytes = 0;
    for (let i = 0; i < this.cap; i++) {
      const bits = this.pk[i * PK + PK_BITS];
      if (bits & B_LIVE && (bits & 3) === T_DATA) bytes += this.payload(i);
    }
    return bytes;
  }
}
