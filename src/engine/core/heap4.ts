// 4-ary min-heap event queue over typed arrays (struct of arrays): half the depth of a binary heap and the four
// children of a node are adjacent in memory. Same layout as heap2.ts: the heap arrays hold the key (time,
// sequence number) and a payload slot; the payload (kind, a, b) stays in a slot pool. Grows by doubling;
// pushing and popping allocate nothing.
import { checkTime, growF64, growI32 } from './heap2.ts';
import type { EventQueue } from './types.ts';

export class QuaternaryHeapQueue implements EventQueue {
  t = 0;
  kind = 0;
  a = 0;
  b = 0;

  private n = 0;
  private seq = 0;
  private cap: number;
  private ht: Float64Array;
  private hs: Float64Array;
  private hp: Int32Array;
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
    const slot = this.freeTop > 0 ? this.free[--this.freeTop] : this.n;
    this.pk[slot] = kind;
    this.pa[slot] = a;
    this.pb[slot] = b;
    const ht = this.ht;
    const hs = this.hs;
    const hp = this.hp;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 2;
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
    const lt = ht[last];
    const ls = hs[last];
    const lp = hp[last];
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= last) break;
      let c = first;
      let ct = ht[first];
      let cs = hs[first];
      const end = Math.min(first + 4, last);
      for (let j = first + 1; j < end; j++) {
        const jt = ht[j];
        if (jt < ct || (jt === ct && hs[j] < cs)) {
          c = j;
          ct = jt;
          cs = hs[j];
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
