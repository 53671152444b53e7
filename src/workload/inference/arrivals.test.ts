// Arrival processes against their closed forms. Sample sizes are in the test names; tolerances next to each check
// are about 4 standard errors of the estimate at that sample size.
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../base/random.ts';
import type { ArrivalSource } from './arrivals.ts';
import { fixedTokens, gammaArrivals, gammaSampler, onOff, poisson, traceArrivals } from './arrivals.ts';
import { parseTrace } from './trace.ts';

function gaps(src: ArrivalSource): number[] {
  const out: number[] = [];
  let prev = 0;
  for (let a = src.next(); a; a = src.next()) {
    out.push(a.timeNs - prev);
    prev = a.timeNs;
  }
  return out;
}
const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
const cv = (x: number[]) => {
  const m = mean(x);
  return Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1)) / m;
};

describe('arrivals', () => {
  it('Poisson (2e5 gaps): mean 1/lambda, CV 1, P(gap > t) = e^(-lambda t); no truncated gaps', () => {
    const g = gaps(poisson(createRandom(3, 'a'), 1000, fixedTokens(1, 1), 200_000, Number.POSITIVE_INFINITY));
    expect(g.length).toBe(200_000);
    expect(Math.abs(mean(g) / 1e6 - 1)).toBeLessThan(0.01); // mean 1 ms
    expect(Math.abs(cv(g) - 1)).toBeLessThan(0.01);
    for (const t of [1, 3, 6]) {
      const p = g.filter((x) => x > t * 1e6).length / g.length;
      expect(Math.abs(p - Math.exp(-t)) / Math.exp(-t)).toBeLessThan(t === 6 ? 0.15 : 0.03);
    }
    expect(g.reduce((a, x) => Math.max(a, x), 0)).toBeGreaterThan(8e6); // the tail goes past 8 means (P = 3.4e-4 per gap: about 67 of 2e5)
  });

  it('Gamma (2e5 gaps): the given mean and coefficient of variation, for cv above and below 1', () => {
    for (const c of [0.5, 2, 4]) {
      const g = gaps(
        gammaArrivals(createRandom(5, 'g', c), 100, c, fixedTokens(1, 1), 200_000, Number.POSITIVE_INFINITY),
      );
      expect(Math.abs(mean(g) / 1e7 - 1)).toBeLessThan(0.01 * c + 0.005);
      expect(Math.abs(cv(g) - c) / c).toBeLessThan(0.03);
    }
  });

  it('Gamma sampler (2e5 draws): shape 0.3 and 7 have mean k and variance k', () => {
    for (const k of [0.3, 7]) {
      const s = gammaSampler(createRandom(9, 'k', k), k, 1);
      const x = Array.from({ length: 200_000 }, s);
      const m = mean(x);
      const v = x.reduce((a, y) => a + (y - m) ** 2, 0) / (x.length - 1);
      expect(Math.abs(m - k) / k).toBeLessThan(0.01);
      expect(Math.abs(v - k) / k).toBeLessThan(0.03);
    }
  });

  it('on/off (2e5 arrivals): mean rate = rate x on / (on + off), gaps burstier than Poisson', () => {
    const src = onOff(createRandom(2, 'o'), 1000, 50e6, 150e6, fixedTokens(1, 1), 200_000, Number.POSITIVE_INFINITY);
    expect(src.meanRatePerS).toBe(250);
    const g = gaps(src);
    expect(Math.abs(1e9 / mean(g) / 250 - 1)).toBeLessThan(0.03);
    expect(cv(g)).toBeGreaterThan(2);
  });

  it('stops at the request count or the duration, and is deterministic per seed', () => {
    const a = gaps(poisson(createRandom(1, 'x'), 100, fixedTokens(1, 1), 50, Number.POSITIVE_INFINITY));
    const b = gaps(poisson(createRandom(1, 'x'), 100, fixedTokens(1, 1), 50, Number.POSITIVE_INFINITY));
    expect(a).toEqual(b);
    expect(a.length).toBe(50);
    const d = gaps(poisson(createRandom(1, 'x'), 100, fixedTokens(1, 1), 1e9, 1e9));
    expect(d.reduce((s, x) => s + x, 0)).toBeLessThanOrEqual(1e9);
  });

  it('trace replay: times from the first kept request, a window and a speed-up', () => {
    const t = parseTrace(
      'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-01-01 00:00:00,1,1\n2023-01-01 00:00:01,2,2\n2023-01-01 00:00:03,3,3\n2023-01-01 00:00:07,4,4',
      't',
    );
    const all: number[][] = [];
    const src = traceArrivals(t, 2, 1e9, 3e9, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
    for (let a = src.next(); a; a = src.next()) all.push([a.timeNs, a.input, a.output]);
    expect(all).toEqual([
      [0, 2, 2],
      [1e9, 3, 3],
    ]);
    expect(src.meanRatePerS).toBe(2); // 2 requests over 1 s after the speed-up
  });
});
