import { describe, expect, it } from 'vitest';
import { CalendarQueue } from './calendar.ts';
import { eventQueueContract } from './event-queue.contract.ts';
import { BinaryHeapQueue } from './heap2.ts';
import { createEventQueue } from './index.ts';

// Tiny initial capacities so every test also exercises growth.
eventQueueContract('BinaryHeapQueue', () => new BinaryHeapQueue(2));
eventQueueContract('CalendarQueue', () => new CalendarQueue(2));
eventQueueContract('createEventQueue()', () => createEventQueue());

describe('CalendarQueue resizing', () => {
  it('grows and shrinks its bucket array with the queue size and re-estimates the width', () => {
    const q = new CalendarQueue(2);
    for (let i = 0; i < 10_000; i++) q.push(i * 1000, 0, i, 0);
    const grown = q.calendarShape;
    expect(grown.buckets).toBeGreaterThanOrEqual(10_000 / 2);
    expect(grown.buckets).toBeLessThanOrEqual(10_000);
    // 25 earliest events are 1000 ps apart: width = 3 x 1000.
    expect(grown.width).toBe(3000);
    for (let i = 0; i < 9_990; i++) q.pop();
    expect(q.calendarShape.buckets).toBeLessThanOrEqual(32);
    expect(q.size).toBe(10);
  });
});
