// The flow engine's cache of solved closed regions. A closed region (a union of whole connected components of the
// flows sharing links) has max-min rates that depend on its flow set alone while paths and capacities stay put, and
// collective steps repeat the same sets thousands of times: a region is known by a Zobrist hash (Zobrist 1970) of
// its flows, two 32-bit words and its size (a false match is about 2^-64 likely), and its rates are reused.
// Left out: open regions (their rates depend on the flows held around them) and anything after a failure (the
// engine clears the cache whenever a capacity or a path changes).
import { mixHash } from '../core/ecmp.ts';

/** Closed regions (unions of whole components) of at least this many flows are cached by their flow set. */
export const CACHE_MIN_FLOWS = 8;
const CACHE_ENTRIES = 8;

export class RegionCache {
  /** Per task: its two Zobrist words (a region's key is the xor over its flows). */
  readonly zob1: Int32Array;
  readonly zob2: Int32Array;
  // Entries (replaced round robin): key, flows and their rates. Entries keep their buffers (grown when too
  // small): allocating per solve promoted garbage into a heap of a million tasks.
  private readonly key1 = new Int32Array(CACHE_ENTRIES);
  private readonly key2 = new Int32Array(CACHE_ENTRIES);
  private readonly len = new Int32Array(CACHE_ENTRIES);
  private readonly flows: Int32Array[] = Array.from({ length: CACHE_ENTRIES }, () => new Int32Array(CACHE_MIN_FLOWS));
  private readonly rates: Float64Array[] = Array.from(
    { length: CACHE_ENTRIES },
    () => new Float64Array(CACHE_MIN_FLOWS),
  );
  private used = 0;
  private next = 0;

  constructor(tasks: number) {
    this.zob1 = new Int32Array(tasks);
    this.zob2 = new Int32Array(tasks);
    for (let i = 0; i < tasks; i++) {
      this.zob1[i] = mixHash(i, 0x5a17);
      this.zob2[i] = mixHash(i, 0x2b3c);
    }
  }

  /** The entry of the region with key (h1, h2) and n flows, or -1. */
  find(h1: number, h2: number, n: number): number {
    for (let i = 0; i < this.used; i++) if (this.key1[i] === h1 && this.key2[i] === h2 && this.len[i] === n) return i;
    return -1;
  }

  /** Writes entry i's rates into rate[flow] for each of its flows. */
  apply(i: number, rate: Float64Array): void {
    const fl = this.flows[i];
    const rt = this.rates[i];
    for (let k = 0, e = this.len[i]; k < e; k++) rate[fl[k]] = rt[k];
  }

  /** Stores the region flows[0 .. n) with their rates rate[flow] under key (h1, h2). */
  store(h1: number, h2: number, n: number, flows: Int32Array, rate: Float64Array): void {
    const i = this.used < CACHE_ENTRIES ? this.used++ : this.next;
    this.next = (i + 1) % CACHE_ENTRIES;
    if (this.flows[i].length < n) {
      this.flows[i] = new Int32Array(2 * n);
      this.rates[i] = new Float64Array(2 * n);
    }
    const fl = this.flows[i];
    const rt = this.rates[i];
    for (let k = 0; k < n; k++) {
      fl[k] = flows[k];
      rt[k] = rate[fl[k]];
    }
    this.key1[i] = h1;
    this.key2[i] = h2;
    this.len[i] = n;
  }

  /** Forgets every entry (a capacity or a path changed). */
  clear(): void {
    this.used = 0;
    this.next = 0;
  }
}
