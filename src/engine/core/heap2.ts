// Binary min-heap event queue over typed arrays (struct of arrays). The heap arrays hold only the key
// (time, sequence number) and a slot index; the payload (kind, a, b) stays put in a slot pool, so a sift moves
// three numbers per level instead of five. Everything grows by doubling; pushing and popping allocate nothing.
// Also what the event queues share: the time check, growing a Float64Array, and asDouble (a double field's first
// value).
import type { EventQueue } from './types.ts';

/** Largest accepted event time (picoseconds): integers are exact up to here. */
export const MAX_EVENT_TIME = 2 ** 53;

export function checkTime(t: number): void {
  if (!(t >= 0 && t <= MAX_EVENT_TIME)) throw new RangeError(`event time must be in [0, 2^53], got ${t}`);
}

/**
 * x (a whole number) as a heap number, for the first value of a field that will hold doubles. V8 gives a field the
 * representation of the first value stored in it: a field that held small integers (Smis) and later a fraction or a
 * heap number changes representation, which gives every object of its class a new hidden class and deoptimizes each
 * optimized function that read one. In a packet run that came mid-run (the calendar's first fractional bucket
 * width) and cost a round of recompiling the hot path (issue 12). Arithmetic with a fraction gives a heap number
 * even when the result is whole (a load from a Float64Array does not always: the load's first miss gives a Smi).
 */
export function asDouble(x: number): number {
  return x + 0.5 - 0.5;
}

export class BinaryHeapQueue implements EventQueue {
  /** The popped event; time and payloads come from Float64Arrays (asDouble above). */
  t = asDouble(0);
  kind = 0;
  a = asDouble(0);
  b = asDouble(0);

  private n = 0;
  private seq = 0;
  private cap: number;
  /** Heap order: time, insertion sequence, payload slot. */
  private ht: Float64Array;
  private hs: Float64Array;
  private hp: Int32Array;
  /** Payload pool by slot, and the stack of free slots (slots >= n + freeTop have never been used). */
  private pk: Int32Array;
  private pa: Float64Array;
  private pb: Float64Array;
  private free: Int32Array;
  private freeTop = 0;

  constructor(initialCapacity = 1024) {
    const cap = Math.max(2, Math.ceil(initialCapacity));
    this.cap = cap;
    this.ht = new Float64Array(cap);
    this.hs = new Float64Array(cap);
    this.hp = new Int32Array(cap);
    this.pk = new Int32Array(cap);
    this.pa = new Float64Array(cap);
    this.pb = new Float64Array(cap);
    this.free = new Int32Array(cap);
  }

  get size(): number {
    return this.n;
  }

  push(t: number, kind: number, a: number, b: number): void {
    checkTime(t);
    if (this.n === this.cap) this.grow();
    // Live slots + free slots = slots ever used; with no free slot, the slots in use are exactly 0..n-1.
    const slot = this.freeTop > 0 ? this.free[--this.freeTop] : this.n;
    this.pk[slot] = kind;
    this.pa[slot] = a;
    this.pb[slot] = b;
    const ht = this.ht;
    const hs = this.hs;
    const hp = this.hp;
    let i = this.n++;
    // The new sequence number is the largest, so an equal-time parent stays above.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = ht[p];
      if (pt <= t) break;
      ht[i] = pt;
      hs[i] = hs[p];
      hp[i] = hp[p];
      i = p;
    }
    ht[i] = t;
    hs[i] = this.seq++;
    hp[i] = slot;
  }

  pop(): boolean {
    const n = this.n;
    if (n === 0) return false;
    const ht = this.ht;
    const hs = this.hs;
    const hp = this.hp;
    const slot = hp[0];
    this.t = ht[0];
    this.kind = this.pk[slot];
    this.a = this.pa[slot];
    this.b = this.pb[slot];
    this.free[this.freeTop++] = slot;
    const last = n - 1;
    this.n = last;
    if (last === 0) return true;
    // Sift the last element down from the root.
    const lt = ht[last];
    const ls = hs[last];
    const lp = hp[last];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      let ct = ht[c];
      let cs = hs[c];
      const r = c + 1;
      if (r < last) {
        const rt = ht[r];
        if (rt < ct || (rt === ct && hs[r] < cs)) {
          c = r;
          ct = rt;
          cs = hs[r];
        }
      }
      if (lt < ct || (lt === ct && ls < cs)) break;
      ht[i] = ct;
      hs[i] = cs;
      hp[i] = hp[c];
      i = c;
    }
    ht[i] = lt;
    hs[i] = ls;
    hp[i] = lp;
    return true;
  }

  peekTime(): number {
    return this.n > 0 ? this.ht[0] : Number.POSITIVE_INFINITY;
  }

  /** The earliest event's payload without popping it (valid when size > 0): for lazy invalidation. */
  peekKind(): number {
    return this.pk[this.hp[0]];
  }

  peekA(): number {
    return this.pa[this.hp[0]];
  }

  peekB(): number {
    return this.pb[this.hp[0]];
  }

  clear(): void {
    this.n = 0;
    this.freeTop = 0;
    this.seq = 0;
  }

  private grow(): void {
    const cap = this.cap * 2;
    this.ht = growF64(this.ht, cap);
    this.hs = growF64(this.hs, cap);
    this.hp = growI32(this.hp, cap);
    this.pk = growI32(this.pk, cap);
    this.pa = growF64(this.pa, cap);
    this.pb = growF64(this.pb, cap);
    this.free = growI32(this.free, cap);
    this.cap = cap;
  }
}

/** A copy of `a` in a new array of length `cap` (>= a.length). */
export function growF64(a: Float64Array, cap: number): Float64Array<ArrayBuffer> {
  const r = new Float64Array(cap);
  r.set(a);
  return r;
}

export function growI32(a: Int32Array, cap: number): Int32Array<ArrayBuffer> {
  const r = new Int32Array(cap);
  r.set(a);
  return r;
}

export function growU32(a: Uint32Array, cap: number): Uint32Array<ArrayBuffer> {
  const r = new Uint32Array(cap);
  r.set(a);
  return r;
}

export function growU8(a: Uint8Array, cap: number): Uint8Array<ArrayBuffer> {
  const r = new Uint8Array(cap);
  r.set(a);
  return r;
}
