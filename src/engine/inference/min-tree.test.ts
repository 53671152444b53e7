import { describe, expect, it } from 'vitest';
import { MinTree } from './min-tree.ts';

describe('MinTree (the least-outstanding choice)', () => {
  it('finds the smallest key, the lowest index among equals, after every update (against a scan)', () => {
    const n = 13;
    const t = new MinTree(n);
    const keys = new Array<number>(n).fill(0);
    let x = 7;
    for (let step = 0; step < 500; step++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const i = x % n;
      keys[i] = (x >> 8) % 5;
      t.set(i, keys[i]);
      const min = Math.min(...keys);
      expect(t.minKey()).toBe(min);
      expect(t.minIndex()).toBe(keys.indexOf(min));
    }
  });

  it('never picks a padding leaf of a tree whose size is not a power of two', () => {
    const t = new MinTree(3);
    for (let i = 0; i < 3; i++) t.set(i, 1e9);
    expect(t.minIndex()).toBe(0);
    expect(t.minKey()).toBe(1e9);
  });
});
