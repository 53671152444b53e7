// The packet engine's set of pending events: the calendar queue (core/calendar.ts) for most of them, and beside
// it delay lines for the events due a fixed delay after they are pushed: a port's end of serialization (the frame's
// bytes at the port's rate: a handful of frame sizes and rates) and a frame's arrival at the far end of its link
// (propagation plus the next node's latency). The clock never goes back, so the events of one delay come due in the
// order they were pushed, and a line is a ring buffer, not a priority queue: such an event costs an append and a take
// from memory read in order, instead of an insertion into a calendar holding every frame in flight (10^6 at k=32,
// far beyond the cache), and the calendar keeps the timers. The order is exactly that of one calendar holding every
// event: each event carries its place among all pushes (the calendar's sequence numbers), and pop takes the least
// (time, sequence) of the calendar's head and the lines' heads. A delay that finds no line (more distinct delays
// than lines), or an event earlier than its line's last, goes to the calendar, so the order holds whatever the
// caller does. Leaves out what an event means (dispatch.ts).
import { CalendarQueue } from '../core/calendar.ts';
import { asDouble, checkTime } from '../core/heap2.ts';
import type { EventQueue } from '../core/types.ts';

/** Delay lines at most: a run has a handful of distinct delays (the others go to the calendar). */
const MAX_LINES = 16;
/** Slots of the delay-to-line table (hashed on the delay's low bits, PROBES slots tried, then the calendar). */
const SLOTS = 64;
const PROBES = 4;
// A line entry: E doubles: time, sequence number, then as Int32 (at 2 x E x entry + L_A, + L_B, + L_K) a, b, kind.
const E = 4;
const L_T = 0;
const L_S = 1;
const L_A = 4;
const L_B = 5;
const L_K = 6;
const FIRST_CAPACITY = 256;

/**
 * The calendar keeps payloads as doubles (the flow engine's are byte counts): v as a small integer when it is an
 * Int32, as every payload of this engine is, else v itself (a queue's contract takes any number, -0 included).
 */
function smallInt(v: number): number {
  const i = v | 0;
  return i === v && (i !== 0 || !Object.is(v, -0)) ? i : v;
}

export class EventSet implements EventQueue {
  /**
   * The popped event. Time is a double from the start (core/heap2.ts asDouble); a and b stay small integers: the
   * packet engine's payloads (ports, packets, QPs, generations) are Int32, and a payload that is a heap number
   * reaches every element as one (a double field, then packet ids as doubles and a round of deoptimization).
   */
  t = asDouble(0);
  kind = 0;
  a = 0;
  b = 0;

  private readonly cal = new CalendarQueue();
  /** Delay to line: the delay held by each slot (-1: free) and its line. */
  private readonly slotDelay = new Float64Array(SLOTS).fill(-1);
  private readonly slotLine = new Int8Array(SLOTS);
  /** Lines in use: 0 .. lines - 1. */
  private lines = 0;
  /** Each line's ring of entries (Float64 and Int32 views of one buffer), capacity a power of two. */
  private readonly lf: Float64Array[] = [];
  private readonly li: Int32Array[] = [];
  /** Per line: the ring's first entry, entries queued, the ring's mask, the time of the last push. */
  private readonly head = new Int32Array(MAX_LINES);
  private readonly count = new Int32Array(MAX_LINES);
  private readonly mask = new Int32Array(MAX_LINES).fill(-1);
  private readonly lastT = new Float64Array(MAX_LINES);
  /** Per line, its head's time (+Infinity when empty) and sequence number. */
  private readonly headT = new Float64Array(MAX_LINES).fill(Number.POSITIVE_INFINITY);
  private readonly headS = new Float64Array(MAX_LINES);
  private lined = 0;
  /** The line whose head is the least (time, sequence), or -1 when every line is empty, and that head's key. */
  private best = -1;
  private bestT = Number.POSITIVE_INFINITY;
  private bestS = asDouble(0);
  /** The calendar's earliest (time, sequence) while `calValid`: a push can only lower it, a pop invalidates it. */
  private calValid = false;
  private calT = Number.POSITIVE_INFINITY;
  private calS = asDouble(0);

  get size(): number {
    return this.cal.size + this.lined;
  }

  push(t: number, kind: number, a: number, b: number): void {
    const cal = this.cal;
    cal.push(t, kind, a, b);
    if (this.calValid && t < this.calT) {
      this.calT = t;
      this.calS = cal.nextSeq - 1;
    }
  }

  /**
   * Queues an event due at t, `delay` after now (a and b Int32 payloads): on the delay line of `delay`, or in the
   * calendar when no line is free for it or t is earlier than the line's last event.
   */
  pushDelayed(t: number, delay: number, kind: number, a: number, b: number): void {
    const line = this.lineOf(delay);
    if (line < 0 || t < this.lastT[line]) {
      this.push(t, kind, a, b);
      return;
    }
    checkTime(t);
    const n = this.count[line];
    if (n > this.mask[line]) this.growLine(line);
    const seq = this.cal.nextSeq++;
    const i = (this.head[line] + n) & this.mask[line];
    const f = this.lf[line];
    const x = this.li[line];
    f[E * i + L_T] = t;
    f[E * i + L_S] = seq;
    x[2 * E * i + L_A] = a;
    x[2 * E * i + L_B] = b;
    x[2 * E * i + L_K] = kind;
    this.count[line] = n + 1;
    this.lastT[line] = t;
    this.lined++;
    if (n > 0) return;
    this.headT[line] = t;
    this.headS[line] = seq;
    // A new event has the largest sequence number: it leads only when strictly earlier.
    if (t < this.bestT) {
      this.best = line;
      this.bestT = t;
      this.bestS = seq;
    }
  }

  pop(): boolean {
    const cal = this.cal;
    if (!this.calValid) {
      this.calT = cal.peekKey();
      this.calS = cal.peekSeq;
      this.calValid = true;
    }
    const l = this.best;
    if (l >= 0 && (this.bestT < this.calT || (this.bestT === this.calT && this.bestS < this.calS))) {
      this.takeHead(l);
      return true;
    }
    if (!cal.pop()) return false;
    this.t = cal.t;
    this.kind = cal.kind;
    this.a = smallInt(cal.a);
    this.b = smallInt(cal.b);
    this.calValid = false;
    return true;
  }

  peekTime(): number {
    return Math.min(this.cal.peekTime(), this.bestT);
  }

  clear(): void {
    this.cal.clear();
    this.calValid = false;
    this.head.fill(0);
    this.count.fill(0);
    this.lastT.fill(0);
    this.headT.fill(Number.POSITIVE_INFINITY);
    this.lined = 0;
    this.best = -1;
    this.bestT = Number.POSITIVE_INFINITY;
  }

  /** The line of events `delay` after their push (a new one while lines are free), or -1. */
  private lineOf(delay: number): number {
    const h = delay | 0;
    for (let k = 0; k < PROBES; k++) {
      const s = (h + k) & (SLOTS - 1);
      const d = this.slotDelay[s];
      if (d === delay) return this.slotLine[s];
      if (d >= 0) continue;
      if (this.lines === MAX_LINES) return -1;
      const line = this.lines++;
      this.slotDelay[s] = delay;
      this.slotLine[s] = line;
      this.lf.push(new Float64Array(0));
      this.li.push(new Int32Array(0));
      return line;
    }
    return -1;
  }

  /** Pops line l's head into t, kind, a, b; then finds the line that leads now. */
  private takeHead(l: number): void {
    const h = this.head[l];
    const f = this.lf[l];
    const x = this.li[l];
    this.t = f[E * h + L_T];
    this.a = x[2 * E * h + L_A];
    this.b = x[2 * E * h + L_B];
    this.kind = x[2 * E * h + L_K];
    const next = (h + 1) & this.mask[l];
    this.head[l] = next;
    this.lined--;
    const left = --this.count[l];
    if (left > 0) {
      this.headT[l] = f[E * next + L_T];
      this.headS[l] = f[E * next + L_S];
    } else this.headT[l] = Number.POSITIVE_INFINITY;
    let best = -1;
    let bt = Number.POSITIVE_INFINITY;
    let bs = 0;
    const headT = this.headT;
    const headS = this.headS;
    for (let i = 0; i < this.lines; i++) {
      const t = headT[i];
      if (t < bt || (t === bt && t < Number.POSITIVE_INFINITY && headS[i] < bs)) {
        best = i;
        bt = t;
        bs = headS[i];
      }
    }
    this.best = best;
    this.bestT = bt;
    this.bestS = bs;
  }

  /** Doubles line l's ring, its entries moved to the front in order. */
  private growLine(l: number): void {
    const cap = this.mask[l] + 1;
    const next = Math.max(FIRST_CAPACITY, 2 * cap);
    const f = new Float64Array(E * next);
    const old = this.lf[l];
    const h = this.head[l];
    f.set(old.subarray(E * h, E * cap), 0);
    f.set(old.subarray(0, E * h), E * (cap - h));
    this.lf[l] = f;
    this.li[l] = new Int32Array(f.buffer);
    this.head[l] = 0;
    this.mask[l] = next - 1;
  }
}
