import { describe, expect, it } from 'vitest';
import { createRandom } from '../../base/random.ts';
import { LogHistogram } from './histogram.ts';

describe('LogHistogram', () => {
  it('every value falls in its bucket (exact below 2048, then 1024 buckets per power of two, past 2^32)', () => {
    const rng = createRandom(1, 'h');
    // Every value is checked; expect (the same assertion, naming the value) is called only for one outside its
    // bucket: 200,000 expect calls cost seconds.
    for (let i = 0; i < 200_000; i++) {
      const v = i < 5000 ? i : Math.floor(Math.exp(rng.uniform() * 45));
      const k = LogHistogram.index(v);
      if (!(LogHistogram.lower(k) <= v && v < LogHistogram.lower(k + 1)))
        expect({ v, lower: LogHistogram.lower(k), next: LogHistogram.lower(k + 1) }).toBe('v in [lower, next)');
    }
  });

  it('quantiles of 1e5 lognormal samples are within 0.1% of the exact order statistics; the mean is exact', () => {
    const rng = createRandom(2, 'h');
    const h = new LogHistogram();
    const xs: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      const v = Math.round(
        Math.exp(10 + 2 * Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform())),
      );
      xs.push(v);
      h.add(v);
    }
    xs.sort((a, b) => a - b);
    for (const p of [0.5, 0.9, 0.99, 0.999]) {
      const exact = xs[Math.ceil(p * xs.length) - 1];
      expect(Math.abs(h.quantile(p) - exact) / exact).toBeLessThan(1e-3);
    }
    expect(h.mean).toBeCloseTo(xs.reduce((a, b) => a + b, 0) / xs.length, 6);
    expect(h.count).toBe(100_000);
  });
});
