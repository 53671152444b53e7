// A min-segment tree over replicas: the balancer's least-outstanding choice in O(log n) instead of a scan.
// Ties go to the lowest index (a deterministic choice). It holds keys only; the balancer computes them.

export class MinTree {
  private readonly size: number;
  private readonly key: Float64Array;
  private readonly idx: Int32Array;

  /** n leaves, every key 0. */
  constructor(n: number) {
    let s = 1;
    while (s < n) s *= 2;
    this.size = s;
    this.key = new Float64Array(2 * s).fill(Number.POSITIVE_INFINITY);
    this.idx = new Int32Array(2 * s).fill(-1);
    for (let i = 0; i < n; i++) {
      this.key[s + i] = 0;
      this.idx[s + i] = i;
    }
    for (let i = s - 1; i >= 1; i--) this.pull(i);
  }

  private pull(i: number): void {
    const l = 2 * i;
    const r = l + 1;
    if (this.key[r] < this.key[l]) {
      this.key[i] = this.key[r];
      this.idx[i] = this.idx[r];
    } else {
      this.key[i] = this.key[l];
      this.idx[i] = this.idx[l];
    }
  }

  set(i: number, k: number): void {
    let p = this.size + i;
    this.key[p] = k;
    for (p >>= 1; p >= 1; p >>= 1) this.pull(p);
  }

  /** The leaf with the smallest key (the lowest index among equals). */
  minIndex(): number {
    return this.idx[1];
  }

  minKey(): number {
    return this.key[1];
  }
}
