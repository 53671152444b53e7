// The queues of the traffic classes past the first two (network.classes: queue 3 and up; queue 0 is control, 1
// roce, 2 lossy, all three in the port's own record, port-layout.ts), in a cold record per port apart from the
// port's two cache lines: a run without extra classes never touches it. Per port and queue: the FIFO's head and
// tail (packets linked through the pool), its bytes, the end of the PFC pause in force on it and that pause's
// start. Leaves out which queue sends (scheduler.ts) and the port's totals and statistics (port.ts).
import { NC, type PacketPool, PK, PK_NEXT } from './packets.ts';

export class ClassQueues {
  /** Queues per port in all (control, roce, lossy and the extra ones); X = nq - NC of them here. */
  readonly nq: number;
  private readonly X: number;
  readonly head: Int32Array;
  readonly tail: Int32Array;
  readonly bytes: Float64Array;
  readonly pausedUntil: Float64Array;
  readonly pauseBegin: Float64Array;

  constructor(P: number, nq: number) {
    this.nq = nq;
    const X = Math.max(0, nq - NC);
    this.X = X;
    this.head = new Int32Array(P * X).fill(-1);
    this.tail = new Int32Array(P * X).fill(-1);
    this.bytes = new Float64Array(P * X);
    this.pausedUntil = new Float64Array(P * X);
    this.pauseBegin = new Float64Array(P * X).fill(-1);
  }

  /** The record index of port p's queue c (c >= NC). */
  at(p: number, c: number): number {
    return p * this.X + c - NC;
  }

  /** Appends packet id of `frame` bytes to port p's queue c. */
  push(pool: PacketPool, p: number, c: number, id: number, frame: number): void {
    const x = this.at(p, c);
    const pk = pool.pk;
    const tail = this.tail[x];
    if (tail < 0) this.head[x] = id;
    else pk[tail * PK + PK_NEXT] = id;
    this.tail[x] = id;
    pk[id * PK + PK_NEXT] = -1;
    this.bytes[x] += frame;
  }

  /** Takes the head of port p's queue c (not empty) off it; returns it. */
  pop(pool: PacketPool, p: number, c: number): number {
    const x = this.at(p, c);
    const id = this.head[x];
    const next = pool.pk[id * PK + PK_NEXT];
    this.head[x] = next;
    if (next < 0) this.tail[x] = -1;
    this.bytes[x] -= pool.frame(id);
    return id;
  }

  /** Empties port p's queue c: its first packet (the chain linked through PK_NEXT), or -1. */
  takeAll(p: number, c: number): number {
    const x = this.at(p, c);
    const head = this.head[x];
    this.head[x] = -1;
    this.tail[x] = -1;
    this.bytes[x] = 0;
    return head;
  }
}
