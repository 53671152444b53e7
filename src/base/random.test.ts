// Seeded random streams. Every statistical check uses a fixed seed, so it is deterministic; the bounds are 4
// standard errors (two-sided p ~ 6e-5 for a correct generator), so a broken generator or mapping fails them.
import { describe, expect, it } from 'vitest';
import { createRandom, streamState } from './random.ts';

const N = 100_000;
const FOUR_SIGMA = 4;

function draws(seed: number, path: (number | string)[], count: number): number[] {
  const r = createRandom(seed, ...path);
  return Array.from({ length: count }, () => r.u32());
}

describe('createRandom determinism', () => {
  it('gives the same sequence for the same (seed, path), for every method', () => {
    const x = createRandom(7, 'switch', 3, 'ecmp');
    const y = createRandom(7, 'switch', 3, 'ecmp');
    for (let i = 0; i < 1000; i++) {
      expect(x.u32()).toBe(y.u32());
      expect(x.uniform()).toBe(y.uniform());
      expect(x.int(1000)).toBe(y.int(1000));
      expect(x.int(2 ** 40)).toBe(y.int(2 ** 40));
      expect(x.exp(5)).toBe(y.exp(5));
    }
  });

  it('does not depend on which other streams exist or were drawn from', () => {
    const alone = draws(9, ['host', 1], 50);
    const noise = createRandom(9, 'host', 0);
    for (let i = 0; i < 100; i++) noise.u32();
    const after = createRandom(9, 'host', 1);
    expect(Array.from({ length: 50 }, () => after.u32())).toEqual(alone);
  });

  it('keeps its golden values (changing them changes every simulation result)', () => {
    const r = createRandom(42, 'golden');
    expect([r.u32(), r.u32(), r.u32(), r.u32()]).toEqual([3595130313, 2815983612, 1669438553, 3218146469]);
    expect(r.uniform()).toBe(0.37641624615597846);
    expect(r.int(10)).toBe(3);
    expect(r.exp(1)).toBe(0.2548538114943041);
  });
});

describe('createRandom stream independence', () => {
  const paths: [number, (number | string)[]][] = [
    [1, []],
    [2, []],
    [2 ** 32 + 1, []],
    [-1, []],
    [1.5, []],
    [1, [0]],
    [1, ['0']],
    [1, [1]],
    [1, ['a']],
    [1, ['b']],
    [1, ['ab']],
    [1, ['a', 'b']],
    [1, ['a', 'b', 0]],
    [1, ['a', 'b', 1]],
    [1, ['b', 'a']],
    [1, [0, 0]],
    [1, [2 ** 32]],
    [1, [0.5]],
    [1, ['']],
    [1, ['', '']],
    [1, ['traffic', 0]],
    [1, ['traffic', 1]],
  ];

  it('gives different sequences (and different states) for different seeds or paths', () => {
    const seqs = new Set(paths.map(([seed, path]) => draws(seed, path, 4).join(',')));
    const states = new Set(paths.map(([seed, path]) => streamState(seed, path).join(',')));
    expect(seqs.size).toBe(paths.length);
    expect(states.size).toBe(paths.length);
  });

  it('gives uncorrelated streams for neighbouring paths (|r| < 4 / sqrt(N))', () => {
    const pairs: [(number | string)[], (number | string)[]][] = [
      [
        ['flow', 0],
        ['flow', 1],
      ],
      [['a'], ['b']],
      [[0], [1]],
    ];
    for (const [p, q] of pairs) {
      const x = createRandom(11, ...p);
      const y = createRandom(11, ...q);
      let sx = 0;
      let sy = 0;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let i = 0; i < N; i++) {
        const u = x.uniform();
        const v = y.uniform();
        sx += u;
        sy += v;
        sxy += u * v;
        sxx += u * u;
        syy += v * v;
      }
      const cov = sxy / N - (sx / N) * (sy / N);
      const r = cov / Math.sqrt((sxx / N - (sx / N) ** 2) * (syy / N - (sy / N) ** 2));
      expect(Math.abs(r)).toBeLessThan(FOUR_SIGMA / Math.sqrt(N));
    }
  });

  it('rejects a non-finite seed and path elements that are neither numbers nor strings', () => {
    expect(() => createRandom(Number.NaN)).toThrow(RangeError);
    expect(() => createRandom(1, {} as unknown as string)).toThrow(TypeError);
  });
});

describe('RandomStream distributions (1e5 samples, 4-sigma bounds)', () => {
  it('uniform(): in [0, 1), mean 1/2 within 4 sigma (sigma = sqrt(1/12 / N)), variance 1/12', () => {
    const r = createRandom(12, 'uniform');
    let sum = 0;
    let sumSq = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < N; i++) {
      const u = r.uniform();
      sum += u;
      sumSq += u * u;
      if (u < min) min = u;
      if (u > max) max = u;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    const mean = sum / N;
    expect(Math.abs(mean - 0.5)).toBeLessThan(FOUR_SIGMA * Math.sqrt(1 / 12 / N));
    // Var(U^2) = 1/5 - 1/9 = 4/45: the second moment 1/3 within 4 sigma.
    expect(Math.abs(sumSq / N - 1 / 3)).toBeLessThan(FOUR_SIGMA * Math.sqrt(4 / 45 / N));
  });

  it('uniform(): each of 64 equal bins holds its share (chi-square, 63 df, < 120: p ~ 2e-5)', () => {
    const r = createRandom(13, 'bins');
    const bins = new Array<number>(64).fill(0);
    for (let i = 0; i < N; i++) bins[Math.floor(r.uniform() * 64)]++;
    const e = N / 64;
    const chi2 = bins.reduce((acc, o) => acc + (o - e) ** 2 / e, 0);
    expect(chi2).toBeLessThan(120);
  });

  it('exp(mean): positive and finite, mean within 4 sigma (sigma = mean / sqrt(N)), P(X > mean) = 1/e', () => {
    for (const m of [1, 2500, 1e9]) {
      const r = createRandom(14, 'exp', m);
      let sum = 0;
      let above = 0;
      let min = Number.POSITIVE_INFINITY;
      let max = 0;
      for (let i = 0; i < N; i++) {
        const x = r.exp(m);
        sum += x;
        if (x > m) above++;
        if (x < min) min = x;
        if (x > max) max = x;
      }
      expect(min).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(max)).toBe(true);
      // Inverse CDF of U in (0, 1], U a multiple of 2^-53: X <= 53 ln 2 * mean.
      expect(max).toBeLessThanOrEqual(53 * Math.LN2 * m);
      expect(Math.abs(sum / N - m)).toBeLessThan((FOUR_SIGMA * m) / Math.sqrt(N));
      const p = Math.exp(-1);
      expect(Math.abs(above / N - p)).toBeLessThan(FOUR_SIGMA * Math.sqrt((p * (1 - p)) / N));
    }
  });

  it('int(n): integers covering all of [0, n), each value near its share', () => {
    const r = createRandom(15, 'int');
    for (const n of [1, 2, 3, 7, 10, 1000, 65536, 65537, 1_000_003]) {
      const counts = new Map<number, number>();
      let bad = 0;
      let min = n;
      let max = -1;
      for (let i = 0; i < N; i++) {
        const k = r.int(n);
        if (!(Number.isInteger(k) && k >= 0 && k < n)) bad++;
        counts.set(k, (counts.get(k) ?? 0) + 1);
        if (k < min) min = k;
        if (k > max) max = k;
      }
      expect(bad).toBe(0);
      if (n <= 1000) {
        expect(counts.size).toBe(n);
        // Each count is Binomial(N, 1/n): within 4 sigma (4.5 for n = 1000, where 1000 values are checked).
        const e = N / n;
        const sd = Math.sqrt(N * (1 / n) * (1 - 1 / n));
        const k = n >= 1000 ? 4.5 : FOUR_SIGMA;
        for (const c of counts.values()) expect(Math.abs(c - e)).toBeLessThanOrEqual(k * sd);
      } else {
        // Distinct values seen: n (1 - (1 - 1/n)^N), within 1%; both ends of [0, n) reached (P(miss) ~ e^-20).
        const expected = n * (1 - (1 - 1 / n) ** N);
        expect(Math.abs(counts.size - expected)).toBeLessThan(0.01 * expected);
        expect(min).toBeLessThan((n * 20) / N);
        expect(max).toBeGreaterThanOrEqual(n - 1 - (n * 20) / N);
      }
    }
  });

  it('int(n): mean (n - 1) / 2 within 4 sigma for n = 2^40 (the 53-bit path)', () => {
    const r = createRandom(16, 'int-large');
    const n = 2 ** 40;
    let sum = 0;
    let bad = 0;
    for (let i = 0; i < N; i++) {
      const k = r.int(n);
      if (!(k >= 0 && k < n && Number.isInteger(k))) bad++;
      sum += k;
    }
    expect(bad).toBe(0);
    const sd = n / Math.sqrt(12 * N);
    expect(Math.abs(sum / N - (n - 1) / 2)).toBeLessThan(FOUR_SIGMA * sd);
  });

  it('int(n) rejects n < 1 and n > 2^53', () => {
    const r = createRandom(17);
    expect(() => r.int(0)).toThrow(RangeError);
    expect(() => r.int(-3)).toThrow(RangeError);
    expect(() => r.int(Number.NaN)).toThrow(RangeError);
    expect(() => r.int(2 ** 54)).toThrow(RangeError);
  });

  it('u32(): integers in [0, 2^32) with every bit fair within 4 sigma', () => {
    const r = createRandom(18, 'u32');
    const ones = new Array<number>(32).fill(0);
    let bad = 0;
    for (let i = 0; i < N; i++) {
      const x = r.u32();
      if (!(Number.isInteger(x) && x >= 0 && x < 2 ** 32)) bad++;
      for (let bit = 0; bit < 32; bit++) if ((x >>> bit) & 1) ones[bit]++;
    }
    expect(bad).toBe(0);
    const sd = Math.sqrt(N / 4);
    for (const c of ones) expect(Math.abs(c - N / 2)).toBeLessThan(FOUR_SIGMA * sd);
  });
});
