// Engine core: the event queues (seeded random streams live in src/base/random.ts).
import { CalendarQueue } from './calendar.ts';
import type { EventQueue } from './types.ts';

export { CalendarQueue } from './calendar.ts';
export { BinaryHeapQueue, MAX_EVENT_TIME } from './heap2.ts';
export type { EventQueue } from './types.ts';

/**
 * The fastest queue by bench/event-queue.ts: the calendar queue. Hold workload (pop + push at now + Exp(1 us)),
 * millions of ops/s, AMD EPYC, 2 cores, Node 20 (heap2 / calendar):
 *   n = 10^3: 9.2 / 21.3;  n = 10^4: 6.6 / 18.8;  n = 10^5: 4.6 / 11.0;  n = 10^6: 1.6 / 1.7
 * i.e. 2.3-2.8x the binary heap up to 10^5 pending events and level with it at 10^6, where both are bound by
 * cache misses (run-to-run noise on this machine is about +-10%). A 4-ary heap measured in the same run was no
 * faster than the binary heap at any size (8.8 / 6.5 / 4.5 / 1.5) and was removed (issue 12). The binary heap
 * stays as the fallback for time distributions a calendar handles badly.
 */
export function createEventQueue(): EventQueue {
  return new CalendarQueue();
}
