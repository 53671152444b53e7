import { describe, expect, it } from 'vitest';
import { cdf, nearestRank, sortedCopy, summarize } from './percentiles.ts';

describe('percentiles by nearest rank', () => {
  it('takes the ceil(p n)-th smallest value (1-based)', () => {
    const v = Float64Array.from({ length: 10 }, (_, i) => (i + 1) * 10);
    expect(nearestRank(v, 10, 0.5)).toBe(50);
    expect(nearestRank(v, 10, 0.51)).toBe(60);
    expect(nearestRank(v, 10, 0.99)).toBe(100);
    expect(nearestRank(v, 10, 0.001)).toBe(10);
  });

  it('summarizes in ms from ns, and an empty sample as zeros', () => {
    const s = summarize(sortedCopy(Float64Array.from([3e6, 1e6, 2e6, 0]), 3));
    expect(s).toEqual({ count: 3, mean: 2, p50: 2, p90: 3, p99: 3, p999: 3 });
    expect(summarize(new Float64Array(0)).count).toBe(0);
  });

  it('gives a CDF that ends at the maximum and never decreases', () => {
    const v = sortedCopy(
      Float64Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000) * 1e6),
      1000,
    );
    const c = cdf(v);
    expect(c.at(-1)).toEqual([1, 999]);
    for (let i = 1; i < c.length; i++) expect(c[i][1]).toBeGreaterThanOrEqual(c[i - 1][1]);
  });
});
