// The contract every EventQueue implementation must meet; event-queue.test.ts runs it on each one.
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../base/random.ts';
import type { EventQueue } from './types.ts';

export interface Ev {
  t: number;
  seq: number;
  kind: number;
  a: number;
  b: number;
  /** A tag the caller gives at push (the packet engine's event set: pushed into a delay line, 1, or not, 0). */
  lined?: number;
}

/** Reference: stable sort by time (insertion order breaks ties). */
function referenceOrder(events: Ev[]): Ev[] {
  return [...events].sort((x, y) => x.t - y.t || x.seq - y.seq);
}

/** Reference priority queue: linear scan for the minimum (t, seq). Also the packet event set's reference. */
export class ReferenceQueue {
  private items: Ev[] = [];
  private seq = 0;

  push(t: number, kind: number, a: number, b: number, lined?: number): void {
    this.items.push(
      lined === undefined ? { t, seq: this.seq++, kind, a, b } : { t, seq: this.seq++, kind, a, b, lined },
    );
  }

  pop(): Ev | undefined {
    if (this.items.length === 0) return undefined;
    let best = 0;
    for (let i = 1; i < this.items.length; i++) {
      const e = this.items[i];
      const m = this.items[best];
      if (e.t < m.t || (e.t === m.t && e.seq < m.seq)) best = i;
    }
    const e = this.items[best];
    this.items[best] = this.items[this.items.length - 1];
    this.items.pop();
    return e;
  }

  peekTime(): number {
    let m = Number.POSITIVE_INFINITY;
    for (const e of this.items) if (e.t < m) m = e.t;
    return m;
  }

  get size(): number {
    return this.items.length;
  }
}

function drain(q: EventQueue): Ev[] {
  const out: Ev[] = [];
  let i = 0;
  while (q.size > 0) {
    const peek = q.peekTime();
    if (!q.pop()) throw new Error('pop() returned false on a non-empty queue');
    if (q.t !== peek) throw new Error(`peekTime() ${peek} but pop() gave ${q.t}`);
    out.push({ t: q.t, seq: i++, kind: q.kind, a: q.a, b: q.b });
  }
  return out;
}

// In the loops below, each check is a plain comparison and calls expect (the same assertion) only when it fails:
// an expect call costs microseconds, and these loops make about a million checks per queue.

/** Compare popped events with expected ones, by (t, kind, a, b); reports the first mismatch. */
function expectSameEvents(actual: Ev[], expected: Ev[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const x = actual[i];
    const y = expected[i];
    if (x.t !== y.t || x.kind !== y.kind || x.a !== y.a || x.b !== y.b) {
      expect({ index: i, t: x.t, kind: x.kind, a: x.a, b: x.b }).toEqual({
        index: i,
        t: y.t,
        kind: y.kind,
        a: y.a,
        b: y.b,
      });
    }
  }
}

/** Random (t, kind, a, b) with many duplicate times; `a` is a unique id. */
function randomEvents(seed: number, count: number, timeRange: number): Ev[] {
  const rng = createRandom(seed, 'event-queue-contract', count, timeRange);
  const out: Ev[] = [];
  for (let i = 0; i < count; i++) {
    out.push({ t: rng.int(timeRange), seq: i, kind: rng.int(16), a: i, b: rng.int(1 << 30) * 1024 + rng.int(1024) });
  }
  return out;
}

export function eventQueueContract(name: string, make: () => EventQueue): void {
  describe(`EventQueue contract: ${name}`, () => {
    it('is empty when new: size 0, peekTime() = Infinity, pop() = false', () => {
      const q = make();
      expect(q.size).toBe(0);
      expect(q.peekTime()).toBe(Number.POSITIVE_INFINITY);
      expect(q.pop()).toBe(false);
      expect(q.size).toBe(0);
    });

    it('pops in time order and carries kind, a and b', () => {
      const q = make();
      const times = [50, 10, 40, 0, 30, 20, 70, 60, 5, 1_000_000_007];
      times.forEach((t, i) => {
        q.push(t, i, t * 2 + 1, -i);
      });
      expect(q.size).toBe(times.length);
      expect(q.peekTime()).toBe(0);
      const got: number[] = [];
      while (q.pop()) {
        const i = times.indexOf(q.t);
        expect(q.kind).toBe(i);
        expect(q.a).toBe(q.t * 2 + 1);
        expect(q.b).toBe(-i);
        got.push(q.t);
      }
      expect(got).toEqual([...times].sort((x, y) => x - y));
      expect(q.size).toBe(0);
      expect(q.peekTime()).toBe(Number.POSITIVE_INFINITY);
    });

    it('is FIFO among equal times', () => {
      const q = make();
      const n = 3000;
      for (let i = 0; i < n; i++) q.push(i % 3 === 0 ? 7 : i % 3 === 1 ? 3 : 5, 0, i, 0);
      const seen = { 3: -1, 5: -1, 7: -1 } as Record<number, number>;
      let last = -1;
      let count = 0;
      while (q.pop()) {
        if (!(q.t >= last)) expect(q.t).toBeGreaterThanOrEqual(last);
        if (!(q.a > seen[q.t])) expect(q.a).toBeGreaterThan(seen[q.t]);
        seen[q.t] = q.a;
        last = q.t;
        count++;
      }
      expect(count).toBe(n);
    });

    it('keeps FIFO order for equal times pushed across interleaved pops', () => {
      const q = make();
      const ref = new ReferenceQueue();
      let id = 0;
      for (let round = 0; round < 200; round++) {
        for (let j = 0; j < 5; j++) {
          const t = 1000 + (round % 7);
          q.push(t, 1, id, 0);
          ref.push(t, 1, id, 0);
          id++;
        }
        for (let j = 0; j < 3; j++) {
          const e = ref.pop()!;
          const popped = q.pop();
          if (!popped) expect(popped).toBe(true);
          if (q.t !== e.t || q.a !== e.a) expect([q.t, q.a]).toEqual([e.t, e.a]);
        }
      }
      expectSameEvents(drain(q), drain(refAsQueue(ref)));
    });

    it('matches a reference sort on 20,000 random events (fixed seed)', () => {
      for (const range of [50, 1_000_000, 2 ** 40]) {
        const events = randomEvents(1, 20_000, range);
        const q = make();
        for (const e of events) q.push(e.t, e.kind, e.a, e.b);
        expect(q.size).toBe(events.length);
        expectSameEvents(drain(q), referenceOrder(events));
      }
    });

    it('matches a reference queue under random interleaved push/pop, including pushes into the past', () => {
      const rng = createRandom(2, 'event-queue-contract', 'interleaved');
      const q = make();
      const ref = new ReferenceQueue();
      let id = 0;
      for (let op = 0; op < 30_000; op++) {
        // Phases of growth and shrinkage so resizing happens in both directions.
        const pushBias = Math.floor(op / 5000) % 2 === 0 ? 0.7 : 0.3;
        if (rng.uniform() < pushBias) {
          const base = ref.size > 0 && rng.uniform() < 0.8 ? ref.peekTime() : 0;
          const t = base + rng.int(rng.uniform() < 0.1 ? 10 : 100_000);
          q.push(t, id & 7, id, t);
          ref.push(t, id & 7, id, t);
          id++;
        } else {
          const e = ref.pop();
          const popped = q.pop();
          if (popped !== (e !== undefined)) expect(popped).toBe(e !== undefined);
          if (e && (q.t !== e.t || q.kind !== e.kind || q.a !== e.a || q.b !== e.b))
            expect([q.t, q.kind, q.a, q.b]).toEqual([e.t, e.kind, e.a, e.b]);
        }
        if (q.size !== ref.size) expect(q.size).toBe(ref.size);
        if (op % 97 === 0 && q.peekTime() !== ref.peekTime()) expect(q.peekTime()).toBe(ref.peekTime());
      }
      expectSameEvents(drain(q), drain(refAsQueue(ref)));
    });

    it('matches a reference queue under the hold workload (exponential increments)', () => {
      const rng = createRandom(3, 'event-queue-contract', 'hold');
      for (const mean of [1, 1000, 1e9]) {
        const q = make();
        const ref = new ReferenceQueue();
        for (let i = 0; i < 1000; i++) {
          const t = Math.round(rng.exp(mean));
          q.push(t, 0, i, 0);
          ref.push(t, 0, i, 0);
        }
        for (let i = 0; i < 20_000; i++) {
          const e = ref.pop()!;
          const popped = q.pop();
          if (!popped) expect(popped).toBe(true);
          if (q.t !== e.t || q.a !== e.a) expect([i, q.t, q.a]).toEqual([i, e.t, e.a]);
          const t = e.t + Math.round(rng.exp(mean));
          q.push(t, 0, 1000 + i, 0);
          ref.push(t, 0, 1000 + i, 0);
        }
      }
    });

    it('handles skewed and bimodal time distributions', () => {
      const rng = createRandom(4, 'event-queue-contract', 'skewed');
      const events: Ev[] = [];
      for (let i = 0; i < 10_000; i++) {
        const r = rng.uniform();
        const t = r < 0.45 ? rng.int(100) : r < 0.9 ? 1e12 + rng.int(100) : r < 0.99 ? rng.int(2 ** 45) : 2 ** 52;
        events.push({ t, seq: i, kind: 0, a: i, b: 0 });
      }
      const q = make();
      for (const e of events) q.push(e.t, e.kind, e.a, e.b);
      expectSameEvents(drain(q), referenceOrder(events));
    });

    it('grows past its initial capacity, also with freed slots reused', () => {
      const q = make();
      const n = 100_000;
      const events = randomEvents(5, n, 1_000_000_000);
      for (let i = 0; i < n / 2; i++) q.push(events[i].t, events[i].kind, events[i].a, events[i].b);
      // Pop a quarter, then push the rest: slots are recycled while the queue keeps growing.
      const popped: Ev[] = [];
      for (let i = 0; i < n / 4; i++) {
        const ok = q.pop();
        if (!ok) expect(ok).toBe(true);
        popped.push({ t: q.t, seq: 0, kind: q.kind, a: q.a, b: q.b });
      }
      expectSameEvents(popped, referenceOrder(events.slice(0, n / 2)).slice(0, n / 4));
      const lastPopped = popped[popped.length - 1].t;
      const rest = events.slice(n / 2).map((e) => ({ ...e, t: lastPopped + e.t }));
      for (const e of rest) q.push(e.t, e.kind, e.a, e.b);
      expect(q.size).toBe(n / 2 + n / 2 - n / 4);
      const remaining = referenceOrder(events.slice(0, n / 2)).slice(n / 4);
      expectSameEvents(drain(q), referenceOrder([...remaining, ...rest]));
    });

    it('clear() empties the queue, which then works as new', () => {
      const q = make();
      for (let i = 0; i < 5000; i++) q.push(1e6 - i, 1, i, 2);
      expect(q.size).toBe(5000);
      q.clear();
      expect(q.size).toBe(0);
      expect(q.peekTime()).toBe(Number.POSITIVE_INFINITY);
      expect(q.pop()).toBe(false);
      const events = randomEvents(6, 3000, 500);
      for (const e of events) q.push(e.t, e.kind, e.a, e.b);
      expect(q.peekTime()).toBe(Math.min(...events.map((e) => e.t)));
      expectSameEvents(drain(q), referenceOrder(events));
      expect(q.peekTime()).toBe(Number.POSITIVE_INFINITY);
    });

    it('orders times up to 2^52 exactly, and payloads up to 2^53', () => {
      const q = make();
      const big = 2 ** 52;
      const times = [big, big - 1, 0, big - 2, 1, 2 ** 40, big, big - 1, 2 ** 52 - 2 ** 20, 3];
      times.forEach((t, i) => {
        q.push(t, i, 2 ** 53 - i, -(2 ** 53) + i);
      });
      const events = times.map((t, i) => ({ t, seq: i, kind: i, a: 2 ** 53 - i, b: -(2 ** 53) + i }));
      expectSameEvents(drain(q), referenceOrder(events));
      // Dense times near 2^52: adjacent integers must stay distinct and ordered.
      const dense = randomEvents(7, 5000, 1000).map((e) => ({ ...e, t: big - 500 + e.t }));
      for (const e of dense) q.push(e.t, e.kind, e.a, e.b);
      expectSameEvents(drain(q), referenceOrder(dense));
    });

    it('rejects times that are negative, not a number, or beyond 2^53', () => {
      const q = make();
      expect(() => q.push(-1, 0, 0, 0)).toThrow(RangeError);
      expect(() => q.push(Number.NaN, 0, 0, 0)).toThrow(RangeError);
      expect(() => q.push(2 ** 53 + 2, 0, 0, 0)).toThrow(RangeError);
      expect(() => q.push(Number.POSITIVE_INFINITY, 0, 0, 0)).toThrow(RangeError);
      expect(q.size).toBe(0);
    });
  });
}

/** Adapts the reference queue for drain(). */
function refAsQueue(ref: ReferenceQueue): EventQueue {
  const q = {
    t: 0,
    kind: 0,
    a: 0,
    b: 0,
    get size() {
      return ref.size;
    },
    push: (t: number, kind: number, a: number, b: number) => ref.push(t, kind, a, b),
    pop(): boolean {
      const e = ref.pop();
      if (!e) return false;
      q.t = e.t;
      q.kind = e.kind;
      q.a = e.a;
      q.b = e.b;
      return true;
    },
    peekTime: () => ref.peekTime(),
    clear() {
      while (ref.pop());
    },
  };
  return q;
}
