// A log-linear histogram of non-negative integers (HDR style): exact below 2048, then 1024 sub-buckets per power
// of two, so a quantile is within 0.1% of the true value. For samples too many to keep (one per streamed token).

const SUB_BITS = 10;
const SUB = 1 << SUB_BITS; // 1024
const EXACT = SUB * 2; // values below this have their own bucket

export class LogHistogram {
  private counts = new Float64Array(EXACT + SUB * 44);
  private n = 0;
  private sum = 0;

  get count(): number {
    return this.n;
  }

  get mean(): number {
    return this.n > 0 ? this.sum / this.n : Number.NaN;
  }

  add(value: number, times = 1): void {
    const v = value < 0 ? 0 : Math.round(value);
    this.counts[LogHistogram.index(v)] += times;
    this.n += times;
    this.sum += v * times;
  }

  static index(v: number): number {
    if (v < EXACT) return v;
    if (v < 2147483648) {
      // Integer fast path: e = floor(log2 v) - SUB_BITS, v >>> e in [SUB, 2 SUB).
      const e = 21 - Math.clz32(v);
      return EXACT + (e - 1) * SUB + ((v >>> e) - SUB);
    }
    // e = floor(log2 v) - SUB_BITS >= 1; v / 2^e lies in [SUB, 2 SUB).
    const e = (v < 4294967296 ? 31 - Math.clz32(v) : Math.floor(Math.log2(v))) - SUB_BITS;
    let shift = 2 ** e;
    let sub = Math.floor(v / shift);
    let k = e;
    if (sub >= EXACT) {
      k++; // log2 rounded down too little (only possible above 2^32)
      shift *= 2;
      sub = Math.floor(v / shift);
    } else if (sub < SUB) {
      k--;
      shift /= 2;
      sub = Math.floor(v / shift);
    }
    return EXACT + (k - 1) * SUB + (sub - SUB);
  }

  /** The smallest value of bucket i (a lower bound of the values it holds). */
  static lower(i: number): number {
    if (i < EXACT) return i;
    const k = i - EXACT;
    const e = Math.floor(k / SUB) + 1;
    return (SUB + (k % SUB)) * 2 ** e;
  }

  /** The p-quantile (0 < p <= 1): the midpoint of the bucket holding the ceil(p n)-th smallest sample. */
  quantile(p: number): number {
    if (this.n === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(p * this.n));
    let seen = 0;
    const c = this.counts;
    for (let i = 0; i < c.length; i++) {
      seen += c[i];
      if (seen >= rank) {
        if (i < EXACT) return i;
        const lo = LogHistogram.lower(i);
        const hi = LogHistogram.lower(i + 1);
        return (lo + hi - 1) / 2;
      }
    }
    return Number.NaN;
  }
}
