// Engine core: event queues and seeded random streams.
import { QuaternaryHeapQueue } from './heap4.ts';
import type { EventQueue } from './types.ts';

export { CalendarQueue } from './calendar.ts';
export { BinaryHeapQueue, MAX_EVENT_TIME } from './heap2.ts';
export { QuaternaryHeapQueue } from './heap4.ts';
export { createRandom } from './random.ts';
export type { EventQueue, RandomStream } from './types.ts';

/** The fastest queue by bench/event-queue.ts (placeholder until measured). */
export function createEventQueue(): EventQueue {
  return new QuaternaryHeapQueue();
}
