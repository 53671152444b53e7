import { describe, expect, it } from 'vitest';
import { Fifo } from './fifo.ts';

describe('Fifo', () => {
  it('keeps first-in first-out order across its compactions', () => {
    const f = new Fifo();
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 200; i++) f.push(next++);
      for (let i = 0; i < 150; i++) {
        expect(f.peek()).toBe(expected);
        expect(f.shift()).toBe(expected++);
      }
    }
    expect(f.length).toBe(next - expected);
    const rest = f.drain();
    expect(rest).toEqual(Array.from({ length: next - expected }, (_, i) => expected + i));
    expect(f.length).toBe(0);
  });
});
