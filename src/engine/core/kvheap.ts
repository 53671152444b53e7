// A binary min-heap of (key, value) pairs in two typed arrays: ordered by key, then by value (so ties are
// deterministic). Pushing and popping allocate nothing once it has grown. The flow engines' water-filling uses it.

export class KeyValueHeap {
  key: Float64Array;
  val: Int32Array;
  size = 0;

  constructor(capacity = 256) {
    this.key = new Float64Array(Math.max(2, capacity));
    this.val = new Int32Array(Math.max(2, capacity));
  }

  /** The smallest key (valid when size > 0), and its value. */
  get topKey(): number {
    return this.key[0];
  }

  get topVal(): number {
    return this.val[0];
  }

  clear(): void {
    this.size = 0;
  }

  push(key: number, val: number): void {
    if (this.size === this.key.length) {
      const k = new Float64Array(2 * this.size);
      k.set(this.key);
      this.key = k;
      const v = new Int32Array(2 * this.size);
      v.set(this.val);
      this.val = v;
    }
    const hk = this.key;
    const hv = this.val;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (hk[p] < key || (hk[p] === key && hv[p] <= val)) break;
      hk[i] = hk[p];
      hv[i] = hv[p];
      i = p;
    }
    hk[i] = key;
    hv[i] = val;
  }

  /** Removes the top pair. */
  pop(): void {
    const hk = this.key;
    const hv = this.val;
    const last = --this.size;
    if (last === 0) return;
    const key = hk[last];
    const val = hv[last];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      if (c + 1 < last && (hk[c + 1] < hk[c] || (hk[c + 1] === hk[c] && hv[c + 1] < hv[c]))) c++;
      if (key < hk[c] || (key === hk[c] && val <= hv[c])) break;
      hk[i] = hk[c];
      hv[i] = hv[c];
      i = c;
    }
    hk[i] = key;
    hv[i] = val;
  }
}
