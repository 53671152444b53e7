// Request arrivals at border0: Poisson, Gamma renewal (a coefficient of variation), on/off (an interrupted
// Poisson process) and trace replay. A source is pulled one request at a time, so 10^6 requests cost no memory.
// Times are integer nanoseconds: a gap is drawn as a real number and the arrival clock is kept in real time, and
// only the reported instant is rounded, so rounding never accumulates (the Poisson stream stays exact).
import type { RandomStream } from '../../base/random.ts';
import type { RequestTrace } from './trace.ts';

export interface Arrival {
  timeNs: number;
  input: number;
  output: number;
}

export interface ArrivalSource {
  /** The next request, or null when the stream has ended (request count or duration reached). */
  next(): Arrival | null;
  /** What the stream is, for the result. */
  readonly describe: string;
  /** The long-run mean rate in requests per second (traces: count / span), for capacity planning. */
  readonly meanRatePerS: number;
}

export type Gap = () => number;

/** Standard normal by the polar method (two uniforms per pair; the spare is kept). */
export class Normal {
  private spare = Number.NaN;
  constructor(private readonly rng: RandomStream) {}
  next(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = Number.NaN;
      return s;
    }
    for (;;) {
      const u = 2 * this.rng.uniform() - 1;
      const v = 2 * this.rng.uniform() - 1;
      const q = u * u + v * v;
      if (q > 0 && q < 1) {
        const f = Math.sqrt((-2 * Math.log(q)) / q);
        this.spare = v * f;
        return u * f;
      }
    }
  }
}

/** Gamma(shape, scale) by Marsaglia and Tsang (2000); shape < 1 via the boost G(k) = G(k + 1) U^(1/k). */
export function gammaSampler(rng: RandomStream, shape: number, scale: number): Gap {
  const normal = new Normal(rng);
  const k = shape < 1 ? shape + 1 : shape;
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  const boost = shape < 1 ? 1 / shape : 0;
  return () => {
    let g: number;
    for (;;) {
      const x = normal.next();
      let v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      const u = rng.uniform();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        g = d * v;
        break;
      }
    }
    if (boost > 0) g *= (1 - rng.uniform()) ** boost;
    return g * scale;
  };
}

export type TokenSource = (out: Arrival) => void;

/** A renewal process: gaps from `gap` (ns, real), tokens from `tokens`, ending at a count or a time. */
class RenewalSource implements ArrivalSource {
  private t = 0;
  private n = 0;
  private readonly a: Arrival = { timeNs: 0, input: 0, output: 0 };
  constructor(
    private readonly gap: Gap,
    private readonly tokens: TokenSource,
    private readonly maxCount: number,
    private readonly endNs: number,
    readonly describe: string,
    readonly meanRatePerS: number,
  ) {}
  next(): Arrival | null {
    if (this.n >= this.maxCount) return null;
    this.t += this.gap();
    const at = Math.round(this.t);
    if (at > this.endNs) return null;
    this.n++;
    this.a.timeNs = at;
    this.tokens(this.a);
    return this.a;
  }
}

/** Poisson arrivals: exponential gaps by the exact inverse CDF (no truncation). */
export function poisson(rng: RandomStream, ratePerS: number, tokens: TokenSource, maxCount: number, endNs: number) {
  const mean = 1e9 / ratePerS;
  return new RenewalSource(() => rng.exp(mean), tokens, maxCount, endNs, `Poisson ${ratePerS}/s`, ratePerS);
}

/** Gamma renewal arrivals: gaps with mean 1/rate and the given coefficient of variation (shape 1/cv^2). */
export function gammaArrivals(
  rng: RandomStream,
  ratePerS: number,
  cv: number,
  tokens: TokenSource,
  maxCount: number,
  endNs: number,
) {
  const shape = 1 / (cv * cv);
  const g = gammaSampler(rng, shape, 1e9 / ratePerS / shape);
  return new RenewalSource(g, tokens, maxCount, endNs, `Gamma ${ratePerS}/s cv ${cv}`, ratePerS);
}

/**
 * On/off bursts (an interrupted Poisson process): exponential on periods (mean `onNs`) with Poisson arrivals at
 * `ratePerS`, and silent exponential off periods (mean `offNs`). The stream starts in an on period. Because the
 * gaps are memoryless, the time left in a period after an arrival is again exponential, so a gap is: draw an
 * arrival gap and the rest of the on period; if the arrival comes first, that is the gap; else add an off period
 * and a new on period, and draw again.
 */
export function onOff(
  rng: RandomStream,
  ratePerS: number,
  onNs: number,
  offNs: number,
  tokens: TokenSource,
  maxCount: number,
  endNs: number,
) {
  const mean = 1e9 / ratePerS;
  let onLeft = rng.exp(onNs);
  const gap = () => {
    let g = 0;
    for (;;) {
      const x = rng.exp(mean);
      if (x < onLeft) {
        onLeft -= x;
        return g + x;
      }
      g += onLeft + rng.exp(offNs);
      onLeft = rng.exp(onNs);
    }
  };
  const meanRate = (ratePerS * onNs) / (onNs + offNs);
  return new RenewalSource(
    gap,
    tokens,
    maxCount,
    endNs,
    `on/off ${ratePerS}/s, on ${onNs / 1e6} ms, off ${offNs / 1e6} ms`,
    meanRate,
  );
}

/** Trace replay: the trace's own times (from `fromNs`, for `durationNs`, `speed` times faster) and tokens. */
export function traceArrivals(
  trace: RequestTrace,
  speed: number,
  fromNs: number,
  durationNs: number,
  maxCount: number,
  endNs: number,
): ArrivalSource {
  const t = trace.timesNs;
  let i = 0;
  while (i < t.length && t[i] < fromNs) i++;
  const first = i;
  const stop = fromNs + durationNs;
  let n = 0;
  const a: Arrival = { timeNs: 0, input: 0, output: 0 };
  let last = first;
  while (last < t.length && t[last] <= stop) last++;
  const span = last - first > 1 ? (t[last - 1] - t[first]) / 1e9 / speed : 0;
  return {
    describe: `trace ${trace.name}${speed !== 1 ? ` x${speed}` : ''}`,
    meanRatePerS: span > 0 ? (last - first) / span : 0,
    next() {
      if (i >= last || n >= maxCount) return null;
      const at = Math.round((t[i] - t[first]) / speed);
      if (at > endNs) return null;
      a.timeNs = at;
      a.input = trace.inputTokens[i];
      a.output = trace.outputTokens[i];
      i++;
      n++;
      return a;
    },
  };
}

/** Tokens per request: fixed counts, or (input, output) pairs drawn uniformly from a trace's requests. */
export function fixedTokens(input: number, output: number): TokenSource {
  return (a) => {
    a.input = input;
    a.output = output;
  };
}

export function sampledTokens(rng: RandomStream, trace: RequestTrace): TokenSource {
  const n = trace.inputTokens.length;
  return (a) => {
    const i = rng.int(n);
    a.input = trace.inputTokens[i];
    a.output = trace.outputTokens[i];
  };
}
