import { describe, expect, it } from 'vitest';
import { createRandom } from '../../base/random.ts';
import { type Ev, eventQueueContract, ReferenceQueue } from '../core/event-queue.contract.ts';
import { EventSet } from './event-set.ts';

// Through push alone the event set is its calendar, and must meet the contract every event queue meets.
eventQueueContract('EventSet', () => new EventSet());

/**
 * A run of `steps` pops from a clock that never goes back, 600 pushes, then each pop followed by 0-2: timers through push,
 * arrivals and ends of serialization through pushDelayed with one of `delays` (times on a grid of `grid` ps, so
 * that events of the calendar and of the lines tie often). With `backwards`, some delayed pushes are earlier than
 * their line's last. Returns the popped events of both queues and the ties across the two kinds of push.
 */
function run(delays: number[], steps: number, grid: number, backwards: boolean) {
  const rnd = createRandom(7, 'event-set', delays.length, grid);
  const q = new EventSet();
  const ref = new ReferenceQueue();
  const got: Ev[] = [];
  const want: Ev[] = [];
  let now = 0;
  let id = 0;
  const pushOne = () => {
    const a = id++;
    const b = rnd.int(1000);
    if (rnd.uniform() < 0.3) {
      const t = now + grid * rnd.int(40);
      q.push(t, 1, a, b);
      ref.push(t, 1, a, b, 0);
    } else {
      const d = delays[rnd.int(delays.length)];
      const t = backwards && rnd.uniform() < 0.05 ? now + Math.floor(d / 2) : now + d;
      q.pushDelayed(t, d, 2, a, b);
      ref.push(t, 2, a, b, 1);
    }
  };
  for (let i = 0; i < 600; i++) pushOne();
  let crossTies = 0;
  // Each check calls expect (the same assertion) only when it fails: tens of thousands of expect calls cost seconds.
  for (let s = 0; s < steps && ref.size > 0; s++) {
    if (q.size !== ref.size) expect(q.size).toBe(ref.size);
    const e = ref.pop() as Ev; // ref.size > 0
    if (want.length > 0) {
      const prev = want[want.length - 1];
      if (prev.t === e.t && prev.lined !== e.lined) crossTies++;
    }
    want.push(e);
    if (q.peekTime() !== e.t) expect(q.peekTime()).toBe(e.t);
    const popped = q.pop();
    if (!popped) expect(popped).toBe(true);
    got.push({ t: q.t, seq: e.seq, kind: q.kind, a: q.a, b: q.b, lined: e.lined });
    now = q.t;
    const n = rnd.int(3);
    for (let i = 0; i < n; i++) pushOne();
  }
  return { got, want, crossTies };
}

function expectSame(got: Ev[], want: Ev[]): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (g.t !== w.t || g.kind !== w.kind || g.a !== w.a || g.b !== w.b)
      expect({ i, t: g.t, kind: g.kind, a: g.a, b: g.b }).toEqual({ i, t: w.t, kind: w.kind, a: w.a, b: w.b });
  }
}

describe('EventSet: delay lines beside the calendar', () => {
  it('pops in the order of one queue of every event, ties between lines and calendar included', () => {
    const { got, want, crossTies } = run([1000, 3000, 7000, 2000], 10_000, 1000, false);
    expectSame(got, want);
    // The test means something only if ties between a line's event and the calendar's are common.
    expect(crossTies).toBeGreaterThan(500);
  });

  it('keeps the order with more delays than lines and delays that share a slot of its table', () => {
    // 24 delays: more than the 16 lines; 64-apart delays probe past each other's slots.
    const delays = Array.from({ length: 24 }, (_, i) => 64 * (i + 1));
    const { got, want } = run(delays, 10_000, 64, false);
    expectSame(got, want);
  });

  it('keeps the order when an event is earlier than its line last (it goes to the calendar)', () => {
    const { got, want } = run([1000, 5000], 10_000, 500, true);
    expectSame(got, want);
  });

  it('grows a line past its first capacity with its events in order', () => {
    const q = new EventSet();
    for (let i = 0; i < 5000; i++) q.pushDelayed(1000 + i, 1000, 2, i, 3 * i - 7);
    for (let i = 0; i < 5000; i++) {
      const popped = q.pop();
      if (!popped || q.t !== 1000 + i || q.a !== i || q.b !== 3 * i - 7)
        expect([popped, q.t, q.a, q.b]).toEqual([true, 1000 + i, i, 3 * i - 7]);
    }
    expect(q.pop()).toBe(false);
  });
});
