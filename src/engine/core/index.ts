// Engine core: the event queues (seeded random streams live in src/base/random.ts).
import { CalendarQueue } from './calendar.ts';
import type { EventQueue } from './types.ts';

export { CalendarQueue } from './calendar.ts';
export { BinaryHeapQueue, MAX_EVENT_TIME } from './heap2.ts';
export { QuaternaryHeapQueue } from './heap4.ts';
export type { EventQueue } from './types.ts';

/**
 * The fastest queue by bench/event-queue.ts: the calendar queue. Hold workload (pop + push at now + Exp(1 us)),
 * millions of ops/s, AMD EPYC, 2 cores, Node 20 (heap2 / heap4 / calendar):
 *   n = 10^3: 9.2 / 8.8 / 21.3;  n = 10^4: 6.6 / 6.5 / 18.8;  n = 10^5: 4.6 / 4.5 / 11.0;  n = 10^6: 1.6 / 1.5 / 1.7
 * i.e. 2.3-2.8x the heaps up to 10^5 pending events and level with them at 10^6, where all three are bound by
 * cache misses (run-to-run noise on this machine is about +-10%). The heaps stay available as the fallback for
 * time distributions a calendar handles badly.
 */
export function createEventQueue(): EventQueue {
  return new CalendarQueue();
}
