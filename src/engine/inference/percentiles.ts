// Exact order statistics of a run's per-request times (latency, TTFT, TPOT, queueing, network): every value is
// kept and sorted once, and quantiles are taken by nearest rank. Per-token gaps are too many to keep: they go to
// a LogHistogram (src/engine/core/histogram.ts) instead.

/** The probabilities of a reported CDF: every percent, then the far tail. */
const CDF_P = [...Array.from({ length: 99 }, (_, i) => (i + 1) / 100), 0.995, 0.999, 0.9999, 1];

/** The p-quantile (0 < p <= 1) of the first n values of an ascending array, by nearest rank. */
export function nearestRank(sorted: ArrayLike<number>, n: number, p: number): number {
  return sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))];
}

/** The first n values, sorted ascending (a copy). */
export function sortedCopy(values: Float64Array, n: number): Float64Array {
  return values.slice(0, n).sort();
}

/** An empirical CDF of an ascending array as [p, value x scale] at CDF_P. */
export function cdf(sorted: Float64Array, scale = 1e-6): [number, number][] {
  const n = sorted.length;
  return n === 0 ? [] : CDF_P.map((p) => [p, nearestRank(sorted, n, p) * scale]);
}

/** Exact order statistics of an ascending array: mean and the p-quantiles (nearest rank), in ms. */
export function summarize(sorted: Float64Array, scale = 1e-6) {
  const n = sorted.length;
  if (n === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  const q = (p: number) => nearestRank(sorted, n, p) * scale;
  return { count: n, mean: (sum / n) * scale, p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999) };
}
