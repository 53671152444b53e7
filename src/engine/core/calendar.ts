// Calendar queue (R. Brown, "Calendar queues: a fast O(1) priority queue implementation for the simulation
// event set problem", CACM 31(10), 1988) over typed arrays.
//
// Events live in a node pool (one 40-byte record per node, its fields interleaved so that a push or a pop touches
// one or two cache lines; singly linked through its next field, grown by doubling, free list reused LIFO); the buckets'
// head, tail and last-push pointers share a record too. Time is cut into buckets of `width`; an event with
// virtual bucket vb = floor(t / width) sits in bucket vb mod nbk (nbk a power of two), each bucket a list sorted
// by time and, among equal times, by insertion. A tail pointer per bucket makes the common push (latest in its
// bucket, or equal to the latest) O(1).
//
// Exact order: the queue keeps the invariant cvb <= vb(e) for every queued event e (a push below cvb moves cvb
// back). All events with the same vb share a bucket, so when the head of bucket cvb mod nbk has vb == cvb it is
// the global minimum. When a whole year of buckets holds nothing for the current year, the minimum is found by
// direct search over the bucket heads. vb is only ever computed as floor(t * inv), which is monotone in t, so
// ordering never depends on rounding; and events of equal time always share a bucket, in insertion order, so no
// sequence number is needed to keep ties first in, first out (not even when resizing, see relink). Each event
// still records its place among all pushes (`nextSeq`, which a caller may also draw from for events it keeps
// elsewhere), so that a caller merging other first-in-first-out sources with the calendar (the packet engine's
// delay lines, packet/event-set.ts) can order ties between them exactly as one queue would (`peekKey`).
//
// Resizing (Brown): the bucket count doubles when size > 2 * nbk and halves when size < nbk / 2; each resize
// re-estimates the width as 3 x the mean separation of the (up to) 25 earliest events, ignoring separations over
// twice the mean, unless that is more than 4x off the mean separation of the earliest half of the queue. Beyond Brown, the width is also re-estimated when the measured work per operation (buckets
// scanned + list nodes walked) gets high, so a workload whose time scale drifts at constant size stays O(1).
import { asDouble, checkTime, growF64 } from './heap2.ts';
import type { EventQueue } from './types.ts';

const MIN_BUCKETS = 4;
const SAMPLE = 25;
/** Times sampled across the whole queue for the broad density estimate (a sort of 255 numbers per resize). */
const SPREAD = 255;
/** Brown's estimate stands unless it is this many times off the broad one, either way. */
const BURST_RATIO = 4;
/** Re-estimate the width when operations average more than this many steps, checked every max(64, nbk) pops. */
const MAX_STEPS_PER_OP = 12;
// A node's fields, interleaved in one record of NODE doubles: time, a, b, sequence number; then as Int32 (at
// 2 x NODE x node + I_K, + I_X) the kind and the next node.
const NODE = 5;
const N_T = 0;
const N_A = 1;
const N_B = 2;
const N_S = 3;
const I_K = 8;
const I_X = 9;
// A bucket's record (BK Int32 fields): its first and last node, and the node pushed last while it is still queued.
const BK = 4;
const B_HEAD = 0;
const B_TAIL = 1;
const B_HINT = 2;

export class CalendarQueue implements EventQueue {
  /** The popped event; its time and payloads are read from a Float64Array, so they are doubles from the start. */
  t = asDouble(0);
  kind = 0;
  a = asDouble(0);
  b = asDouble(0);

  /**
   * The sequence number the next push takes: pushes are numbered 0, 1, 2, ... A caller keeping events of its own
   * (in first-in-first-out order) takes numbers from here too, so that all events share one insertion order.
   */
  nextSeq = 0;
  /** The sequence number of the earliest event, set by `peekKey`. */
  peekSeq = asDouble(0);

  private n = 0;

  // Node pool: NODE Float64 fields per node, and the Int32 view of the same buffer.
  private cap: number;
  private used = 0;
  private freeHead = -1;
  private nd: Float64Array;
  private ni: Int32Array;

  // Calendar: BK Int32 fields per bucket.
  private nbk = MIN_BUCKETS;
  private mask = MIN_BUCKETS - 1;
  private bk: Int32Array;
  /** Doubles from the start (heap2.ts asDouble): the first fractional width comes well into a packet run. */
  private width = asDouble(1);
  private inv = asDouble(1);
  /** Current virtual bucket and its index (cidx === cvb mod nbk). */
  private cvb = 0;
  private cidx = 0;
  private growAt = 2 * MIN_BUCKETS;
  private shrinkAt = -1;

  // Work accounting for width re-estimation.
  private steps = 0;
  private ops = 0;

  private readonly sample = new Int32Array(SAMPLE);
  private readonly spread = new Float64Array(SPREAD);

  constructor(initialCapacity = 1024) {
    const cap = Math.max(2, Math.ceil(initialCapacity));
    this.cap = cap;
    this.nd = new Float64Array(NODE * cap);
    this.ni = new Int32Array(this.nd.buffer);
    this.bk = new Int32Array(BK * MIN_BUCKETS).fill(-1);
  }

  get size(): number {
    return this.n;
  }

  /** Current bucket width and count (for tests and diagnostics). */
  get calendarShape(): { buckets: number; width: number } {
    return { buckets: this.nbk, width: this.width };
  }

  push(t: number, kind: number, a: number, b: number): void {
    checkTime(t);
    let node = this.freeHead;
    if (node >= 0) {
      this.freeHead = this.ni[2 * NODE * node + I_X];
    } else {
      if (this.used === this.cap) this.grow();
      node = this.used++;
    }
    const nd = this.nd;
    const ni = this.ni;
    const o = NODE * node;
    nd[o + N_T] = t;
    nd[o + N_A] = a;
    nd[o + N_B] = b;
    nd[o + N_S] = this.nextSeq++;
    ni[2 * o + I_K] = kind;
    const vb = Math.floor(t * this.inv);
    if (this.n === 0 || vb < this.cvb) {
      this.cvb = vb;
      this.cidx = vb & this.mask;
    }
    // Insert after every event with time <= t (ties: first in, first out).
    const bk = this.bk;
    const r = BK * (vb & this.mask);
    const tl = bk[r + B_TAIL];
    if (tl < 0) {
      bk[r + B_HEAD] = node;
      bk[r + B_TAIL] = node;
      ni[2 * o + I_X] = -1;
    } else if (nd[NODE * tl + N_T] <= t) {
      ni[2 * NODE * tl + I_X] = node;
      bk[r + B_TAIL] = node;
      ni[2 * o + I_X] = -1;
    } else {
      // Ties and near-ties arrive in bursts: start from the bucket's last insertion when it is not later.
      const hint = bk[r + B_HINT];
      let prev = -1;
      let cur = bk[r + B_HEAD];
      if (hint >= 0 && nd[NODE * hint + N_T] <= t) {
        prev = hint;
        cur = ni[2 * NODE * hint + I_X];
      }
      let steps = 0;
      while (nd[NODE * cur + N_T] <= t) {
        prev = cur;
        cur = ni[2 * NODE * cur + I_X];
        steps++;
      }
      this.steps += steps;
      ni[2 * o + I_X] = cur;
      if (prev < 0) bk[r + B_HEAD] = node;
      else ni[2 * NODE * prev + I_X] = node;
    }
    bk[r + B_HINT] = node;
    if (++this.n > this.growAt) this.resize(this.nbk * 2);
  }

  pop(): boolean {
    if (this.n === 0) return false;
    const h = this.locate();
    const r = BK * this.cidx;
    const bk = this.bk;
    const nd = this.nd;
    const ni = this.ni;
    const o = NODE * h;
    const next = ni[2 * o + I_X];
    bk[r + B_HEAD] = next;
    if (next < 0) bk[r + B_TAIL] = -1;
    if (bk[r + B_HINT] === h) bk[r + B_HINT] = -1;
    this.t = nd[o + N_T];
    this.kind = ni[2 * o + I_K];
    this.a = nd[o + N_A];
    this.b = nd[o + N_B];
    ni[2 * o + I_X] = this.freeHead;
    this.freeHead = h;
    this.n--;
    if (this.n < this.shrinkAt) {
      this.resize(this.nbk >> 1);
    } else if (++this.ops >= this.nbk && this.ops >= 64) {
      if (this.steps > MAX_STEPS_PER_OP * this.ops) this.resize(this.nbk);
      else this.steps = this.ops = 0;
    }
    return true;
  }

  peekTime(): number {
    return this.n > 0 ? this.nd[NODE * this.locate() + N_T] : Number.POSITIVE_INFINITY;
  }

  /** The earliest event's time (+Infinity when empty), its sequence number left in `peekSeq`. */
  peekKey(): number {
    if (this.n === 0) return Number.POSITIVE_INFINITY;
    const o = NODE * this.locate();
    this.peekSeq = this.nd[o + N_S];
    return this.nd[o + N_T];
  }

  clear(): void {
    this.n = 0;
    this.used = 0;
    this.freeHead = -1;
    this.bk.fill(-1);
    this.cvb = 0;
    this.cidx = 0;
    this.steps = this.ops = 0;
  }

  /** Node of the earliest event (queue must be non-empty); leaves cvb/cidx on its bucket. */
  private locate(): number {
    const bk = this.bk;
    const nd = this.nd;
    const inv = this.inv;
    const mask = this.mask;
    const nbk = this.nbk;
    // vb(x) <= cvb  <=>  x * inv < cvb + 1 (cvb + 1 is an exact integer).
    let top = this.cvb + 1;
    let idx = this.cidx;
    for (let k = 0; k < nbk; k++) {
      const h = bk[BK * idx + B_HEAD];
      if (h >= 0 && nd[NODE * h + N_T] * inv < top) {
        this.cvb = top - 1;
        this.cidx = idx;
        this.steps += k;
        return h;
      }
      top++;
      idx = (idx + 1) & mask;
    }
    this.steps += 2 * nbk;
    return this.directSearch();
  }

  /** The minimum over all bucket heads (events of one time share a bucket); moves the current bucket there. */
  private directSearch(): number {
    const bk = this.bk;
    const nd = this.nd;
    let best = -1;
    let bt = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.nbk; i++) {
      const h = bk[BK * i + B_HEAD];
      if (h >= 0 && nd[NODE * h + N_T] < bt) {
        best = h;
        bt = nd[NODE * h + N_T];
      }
    }
    const vb = Math.floor(bt * this.inv);
    this.cvb = vb;
    this.cidx = vb & this.mask;
    return best;
  }

  /**
   * Insert an existing node when rebuilding: after the events of its time already there, or (`first`) before
   * them. Events of one time come from one old bucket, in order, so appending keeps their order; the earliest
   * events, taken out first, go back in reverse order ahead of their ties.
   */
  private relink(node: number, first: boolean): void {
    const nd = this.nd;
    const ni = this.ni;
    const bk = this.bk;
    const t = nd[NODE * node + N_T];
    const r = BK * (Math.floor(t * this.inv) & this.mask);
    const tl = bk[r + B_TAIL];
    if (tl < 0) {
      bk[r + B_HEAD] = node;
      bk[r + B_TAIL] = node;
      ni[2 * NODE * node + I_X] = -1;
    } else if (first ? nd[NODE * tl + N_T] < t : nd[NODE * tl + N_T] <= t) {
      ni[2 * NODE * tl + I_X] = node;
      bk[r + B_TAIL] = node;
      ni[2 * NODE * node + I_X] = -1;
    } else {
      let prev = -1;
      let cur = bk[r + B_HEAD];
      while (first ? nd[NODE * cur + N_T] < t : nd[NODE * cur + N_T] <= t) {
        prev = cur;
        cur = ni[2 * NODE * cur + I_X];
      }
      ni[2 * NODE * node + I_X] = cur;
      if (prev < 0) bk[r + B_HEAD] = node;
      else ni[2 * NODE * prev + I_X] = node;
    }
  }

  private resize(newBuckets: number): void {
    const nd = this.nd;
    const ni = this.ni;
    // Take the earliest events out (nodes stay allocated) to estimate the separation near the front.
    const count = Math.min(this.n, SAMPLE);
    const sample = this.sample;
    for (let i = 0; i < count; i++) {
      const h = this.locate();
      const r = BK * this.cidx;
      const next = ni[2 * NODE * h + I_X];
      this.bk[r + B_HEAD] = next;
      if (next < 0) this.bk[r + B_TAIL] = -1;
      sample[i] = h;
    }
    const old = this.bk;
    const oldBuckets = this.nbk;
    let maxT = count > 0 ? nd[NODE * sample[count - 1] + N_T] : 0;
    for (let i = 0; i < oldBuckets; i++) {
      const tl = old[BK * i + B_TAIL];
      if (tl >= 0 && nd[NODE * tl + N_T] > maxT) maxT = nd[NODE * tl + N_T];
    }

    let width = 0;
    if (count >= 2) {
      const mean = (nd[NODE * sample[count - 1] + N_T] - nd[NODE * sample[0] + N_T]) / (count - 1);
      let sum = 0;
      let m = 0;
      for (let i = 1; i < count; i++) {
        const d = nd[NODE * sample[i] + N_T] - nd[NODE * sample[i - 1] + N_T];
        if (d <= 2 * mean) {
          sum += d;
          m++;
        }
      }
      if (m > 0) width = (3 * sum) / m;
      // All sampled events tied: fall back to the mean separation over the whole span.
      if (!(width > 0) && this.n > 1) width = (3 * (maxT - nd[NODE * sample[0] + N_T])) / this.n;
    }
    // The 25 earliest events can mislead: in a fabric running in lock-step they are a burst of near-ties (width
    // far too small: every bucket holds several years), or a lull (far too large: buckets of thousands). When
    // Brown's estimate and the density of the whole front half disagree by more than BURST_RATIO, the broad one wins.
    const broad = count >= 2 ? this.broadWidth(old, oldBuckets, nd[NODE * sample[0] + N_T]) : 0;
    if (broad > 0 && (!(width > 0) || width * BURST_RATIO < broad || broad * BURST_RATIO < width)) width = broad;
    if (!(width > 0)) width = this.width;
    width = Math.max(1, width);

    this.nbk = newBuckets;
    this.mask = newBuckets - 1;
    this.bk = new Int32Array(BK * newBuckets).fill(-1);
    this.width = width;
    this.inv = 1 / width;
    // Each old list is sorted, so most nodes append at a tail.
    for (let i = 0; i < oldBuckets; i++) {
      let h = old[BK * i + B_HEAD];
      while (h >= 0) {
        const next = ni[2 * NODE * h + I_X];
        this.relink(h, false);
        h = next;
      }
    }
    // The sampled events are the earliest: in reverse order each goes to the head of its bucket.
    for (let i = count - 1; i >= 0; i--) this.relink(sample[i], true);
    if (this.n > 0) this.directSearch();
    this.growAt = 2 * newBuckets;
    this.shrinkAt = newBuckets > MIN_BUCKETS ? newBuckets >> 1 : -1;
    this.steps = this.ops = 0;
  }

  /**
   * 3 x the mean separation of the earliest half of the queue: (median time - earliest time) / (n / 2). The
   * median comes from every k-th node of the old lists, a systematic sample of up to SPREAD times over the whole
   * queue. Far-future timers (DCQCN, RTO) sit above the median and do not widen it. 0 for small queues.
   */
  private broadWidth(bk: Int32Array, buckets: number, t0: number): number {
    const nd = this.nd;
    const ni = this.ni;
    const left = this.n - Math.min(this.n, SAMPLE);
    if (left < SPREAD) return 0;
    const stride = Math.floor(left / SPREAD);
    const spread = this.spread;
    let m = 0;
    let i = 0;
    for (let b = 0; b < buckets && m < SPREAD; b++)
      for (let h = bk[BK * b + B_HEAD]; h >= 0 && m < SPREAD; h = ni[2 * NODE * h + I_X])
        if (i++ % stride === 0) spread[m++] = nd[NODE * h + N_T];
    const sorted = spread.subarray(0, m).sort();
    return (3 * (sorted[m >> 1] - t0)) / (this.n / 2);
  }

  private grow(): void {
    const cap = this.cap * 2;
    this.nd = growF64(this.nd, NODE * cap);
    this.ni = new Int32Array(this.nd.buffer);
    this.cap = cap;
  }
}
