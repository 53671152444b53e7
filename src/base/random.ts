// Seeded random streams. A stream is named by the run's seed and a path (e.g. `createRandom(seed, 'traffic', 3)`);
// the pair is hashed (two murmur3-style 32-bit lanes, with type tags and lengths so that ('ab') != ('a', 'b') and
// (1) != ('1')) into the 128-bit state of a pure-rand xoroshiro128+ generator. Streams are thus independent of
// creation order: adding a component never shifts another component's numbers.
// The generator is advanced in place (`next()` mutates), so drawing numbers allocates nothing.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** A seeded random stream. One per component, split from the run's seed, so adding a component never shifts another's numbers. */
export interface RandomStream {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Exponential with the given mean. */
  exp(mean: number): number;
  /** Raw 32-bit unsigned integer. */
  u32(): number;
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;
/** Below this bound `int(n)` uses one 32-bit draw (multiply-shift, bias at most n / 2^32 <= 1.6e-5). */
const INT_FAST_BOUND = 65536;

const TAG_INT = 0x1f3d5b79;
const TAG_FLOAT = 0x2c4e6a88;
const TAG_STRING = 0x3a5c7e91;

const floatScratch = new Float64Array(1);
const floatWords = new Uint32Array(floatScratch.buffer);

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mixK(k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, 0x1b873593);
}

/** Two murmur3 x86 lanes fed the same words from different starting states. */
class PathHasher {
  h1: number;
  h2: number;
  words = 0;

  constructor(lo: number, hi: number) {
    this.h1 = lo | 0;
    this.h2 = (hi ^ 0x9e3779b9) | 0;
  }

  word(k: number): void {
    const m = mixK(k | 0);
    let h1 = this.h1 ^ m;
    h1 = (h1 << 13) | (h1 >>> 19);
    this.h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    let h2 = this.h2 ^ Math.imul(m, 0x27d4eb2d);
    h2 = (h2 << 17) | (h2 >>> 15);
    this.h2 = (Math.imul(h2, 9) + 0x38495ab5) | 0;
    this.words++;
  }

  number(x: number): void {
    if (Number.isInteger(x) && Math.abs(x) <= TWO_POW_53) {
      this.word(TAG_INT);
      this.word(x >>> 0); // ToUint32 is exact modulo 2^32
      this.word(Math.floor(x / TWO_POW_32) | 0);
    } else {
      floatScratch[0] = x;
      this.word(TAG_FLOAT);
      this.word(floatWords[0]);
      this.word(floatWords[1]);
    }
  }

  string(s: string): void {
    this.word(TAG_STRING);
    this.word(s.length);
    let i = 0;
    for (; i + 1 < s.length; i += 2) this.word(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
    if (i < s.length) this.word(s.charCodeAt(i));
  }

  /** Four well-mixed 32-bit words (murmur3 x86_128-style finalisation). */
  finish(): [number, number, number, number] {
    let h1 = this.h1 ^ this.words;
    let h2 = this.h2 ^ this.words;
    h1 = (h1 + h2) | 0;
    h2 = (h2 + h1) | 0;
    h1 = fmix32(h1);
    h2 = fmix32(h2);
    h1 = (h1 + h2) | 0;
    h2 = (h2 + h1) | 0;
    return [
      fmix32(h1 ^ 0x243f6a88) | 0,
      fmix32(h2 ^ 0x85a308d3) | 0,
      fmix32(h1 + 0x13198a2e) | 0,
      fmix32(h2 + 0x03707344) | 0,
    ];
  }
}

/** The 128-bit generator state derived from (seed, path); exported for tests and diagnostics. */
export function streamState(seed: number, streamPath: readonly (number | string)[]): [number, number, number, number] {
  if (!Number.isFinite(seed)) throw new RangeError(`random seed must be a finite number, got ${seed}`);
  let lo: number;
  let hi: number;
  if (Number.isInteger(seed) && Math.abs(seed) <= TWO_POW_53) {
    lo = seed >>> 0;
    hi = Math.floor(seed / TWO_POW_32) | 0;
  } else {
    floatScratch[0] = seed;
    lo = floatWords[0];
    hi = ~floatWords[1];
  }
  const h = new PathHasher(lo, hi);
  for (const p of streamPath) {
    if (typeof p === 'number') h.number(p);
    else if (typeof p === 'string') h.string(p);
    else throw new TypeError(`random stream path elements must be numbers or strings, got ${typeof p}`);
  }
  h.word(streamPath.length);
  const s = h.finish();
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1; // xoroshiro's all-zero state is a fixed point
  return s;
}

class XoroshiroStream implements RandomStream {
  private readonly g: RandomGenerator;

  constructor(state: readonly number[]) {
    this.g = xoroshiro128plusFromState(state);
  }

  /** Uniform in [0, 1): a multiple of 2^-53 built from two 32-bit draws. */
  uniform(): number {
    return uniformFloat64(this.g);
  }

  /**
   * Uniform integer in [0, n) for an integer 1 <= n <= 2^53. Small n: multiply-shift of one 32-bit draw
   * (exact since u32 * n < 2^48; bias at most n / 2^32). Large n: floor(uniform * n), which stays < n.
   */
  int(n: number): number {
    if (n <= INT_FAST_BOUND) {
      if (!(n >= 1)) throw new RangeError(`int(n) needs n >= 1, got ${n}`);
      return Math.floor(((this.g.next() >>> 0) * n) / TWO_POW_32);
    }
    if (!(n <= TWO_POW_53)) throw new RangeError(`int(n) needs n <= 2^53, got ${n}`);
    return Math.floor(uniformFloat64(this.g) * n);
  }

  /** Exponential by exact inverse CDF: -mean * ln(U) with U = 1 - uniform() in (0, 1], so never ln(0). */
  exp(mean: number): number {
    return (0 - Math.log(1 - uniformFloat64(this.g))) * mean;
  }

  u32(): number {
    return this.g.next() >>> 0;
  }
}

/**
 * A random stream for one component, derived deterministically from the run's seed and a stream path
 * (numbers and strings, e.g. `createRandom(seed, 'traffic', flowIndex)`). Same (seed, path), same sequence.
 */
export function createRandom(seed: number, ...streamPath: (number | string)[]): RandomStream {
  return new XoroshiroStream(streamState(seed, streamPath));
}
