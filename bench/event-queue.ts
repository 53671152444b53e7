// Event-queue benchmark: the classic "hold" workload (pop the earliest event, push one at now + an exponential
// increment) at a steady size of 10^3..10^6 pending events, for each implementation in src/engine/core.
// Prints one JSON line per (implementation, size): {"name","figure" (ops/s, one op = one pop + one push),"unit",
// "machine"}. Run: `node --import tsx bench/event-queue.ts`. Takes about 30 s.
import { cpus } from 'node:os';
import { pathToFileURL } from 'node:url';
import { createRandom } from '../src/base/random.ts';
import { CalendarQueue } from '../src/engine/core/calendar.ts';
import { BinaryHeapQueue } from '../src/engine/core/heap2.ts';
import type { EventQueue } from '../src/engine/core/types.ts';

export interface EventQueueBenchResult {
  name: string;
  figure: number;
  unit: 'ops/s';
  machine: { cpu: string; cores: number };
}

export interface EventQueueBenchOptions {
  sizes?: number[];
  /** Length of one timed run; the figure is the median of `runs` runs. */
  runMs?: number;
  runs?: number;
  /** Print JSON lines to stdout (default true). */
  print?: boolean;
}

const IMPLS: { name: string; make: () => EventQueue }[] = [
  { name: 'heap2', make: () => new BinaryHeapQueue() },
  { name: 'calendar', make: () => new CalendarQueue() },
];

/** Mean increment: 1 us in picoseconds; increments are rounded to integer ps like engine times. */
const MEAN_INCREMENT_PS = 1e6;
const TABLE_BITS = 16;

type HoldLoop = (q: EventQueue, inc: Float64Array, start: number, ops: number) => number;

// The loop is compiled once per implementation (`new Function` gives each its own type feedback), so every
// queue is measured from a monomorphic call site, as in an engine that uses one queue class.
function makeHoldLoop(): HoldLoop {
  return new Function(
    'q',
    'inc',
    'start',
    'ops',
    `const mask = inc.length - 1;
    let j = start;
    for (let i = 0; i < ops; i++) {
      q.pop();
      q.push(q.t + inc[j], q.kind, q.a, q.b);
      j = (j + 1) & mask;
    }
    return j;`,
  ) as HoldLoop;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function runEventQueueBench(options: EventQueueBenchOptions = {}): EventQueueBenchResult[] {
  const sizes = options.sizes ?? [1e3, 1e4, 1e5, 1e6];
  const runMs = options.runMs ?? 300;
  const runs = options.runs ?? 3;
  const print = options.print ?? true;
  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length };

  const rng = createRandom(1, 'bench', 'event-queue');
  const inc = new Float64Array(1 << TABLE_BITS);
  for (let i = 0; i < inc.length; i++) inc[i] = Math.round(rng.exp(MEAN_INCREMENT_PS));

  const results: EventQueueBenchResult[] = [];
  for (const impl of IMPLS) {
    const hold = makeHoldLoop();
    for (const n of sizes) {
      const q = impl.make();
      for (let i = 0; i < n; i++) q.push(Math.round(rng.exp(MEAN_INCREMENT_PS)), 1, i, 0);
      // Warm up (JIT, and the hold model's steady-state time distribution).
      let j = hold(q, inc, 0, Math.max(n, 200_000));
      const rates: number[] = [];
      let batch = 10_000;
      for (let r = 0; r < runs; r++) {
        let ops = 0;
        const t0 = performance.now();
        let elapsed = 0;
        do {
          j = hold(q, inc, j, batch);
          ops += batch;
          elapsed = performance.now() - t0;
        } while (elapsed < runMs);
        rates.push((ops / elapsed) * 1000);
        batch = Math.max(10_000, Math.round(ops / 20));
      }
      if (q.size !== n) throw new Error(`hold changed the queue size: ${q.size} != ${n}`);
      const out: EventQueueBenchResult = {
        name: `event-queue hold ${impl.name} n=${n}`,
        figure: Math.round(median(rates)),
        unit: 'ops/s',
        machine,
      };
      results.push(out);
      if (print) process.stdout.write(`${JSON.stringify(out)}\n`);
    }
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) runEventQueueBench();
