// The fluid network's pool of flow slots (struct of arrays): a flow's state in typed arrays indexed by its slot,
// and its path's hops as slots [f << PSHIFT, + fHops) of the hop arrays (its link and its place in that link's
// list). Slots are reused (a free list); the arrays double when full, so the network holds the pool, never one of
// its arrays across a start. Left out: what the fields mean to the model (fluid.ts).
import { growF64, growI32, growU8, growU32 } from '../core/heap2.ts';
import { PMAX } from './fluid-paths.ts';

/** log2 of the hop slots per flow: room for a path of PMAX hops. */
export const PSHIFT = 4;
if (1 << PSHIFT < PMAX) throw new Error(`internal: ${1 << PSHIFT} hop slots per flow, paths of up to ${PMAX} hops`);

export class FlowPool {
  size = 0;
  used = 0;
  freeTop = 0;
  free = new Int32Array(0);
  fRem = new Float64Array(0);
  fRate = new Float64Array(0);
  fLast = new Float64Array(0);
  fCap = new Float64Array(0);
  fBytes = new Float64Array(0);
  fLat = new Float64Array(0); // path latency, ns (fractional)
  fPB = new Float64Array(0); // bytes sent on the current path, not yet added to its links
  fTag = new Float64Array(0);
  fT0 = new Float64Array(0); // drain scheduled at fT0 + fDt (fluid time) under the current rate
  fDt = new Float64Array(0);
  fVer = new Int32Array(0);
  fHops = new Int32Array(0);
  fMark = new Int32Array(0);
  fSrc = new Int32Array(0);
  fDst = new Int32Array(0);
  fHash = new Uint32Array(0);
  fLive = new Uint8Array(0);
  /** Traffic class of the flow: priority level (0 first) and weight (core/maxmin.ts setClass). */
  fLevel = new Int32Array(0);
  fWeight = new Float64Array(0);
  fFresh = new Uint8Array(0);
  sLink = new Int32Array(0);
  sNext = new Int32Array(0);
  sPrev = new Int32Array(0);
  scratch = new Int32Array(0);
  compF = new Int32Array(0);

  constructor() {
    this.grow(256);
  }

  alloc(): number {
    if (this.freeTop > 0) return this.free[--this.freeTop];
    if (this.used === this.size) this.grow(2 * this.size);
    return this.used++;
  }

  release(f: number): void {
    this.fLive[f] = 0;
    this.fVer[f]++;
    this.free[this.freeTop++] = f;
  }

  private grow(n: number): void {
    const g64 = (x: Float64Array) => growF64(x, n);
    const g32 = (x: Int32Array) => growI32(x, n);
    this.fRem = g64(this.fRem);
    this.fRate = g64(this.fRate);
    this.fLast = g64(this.fLast);
    this.fCap = g64(this.fCap);
    this.fBytes = g64(this.fBytes);
    this.fLat = g64(this.fLat);
    this.fPB = g64(this.fPB);
    this.fTag = g64(this.fTag);
    this.fT0 = g64(this.fT0);
    this.fDt = g64(this.fDt);
    this.fVer = g32(this.fVer);
    this.fLevel = g32(this.fLevel);
    this.fWeight = g64(this.fWeight);
    this.fHops = g32(this.fHops);
    this.fMark = g32(this.fMark);
    this.fSrc = g32(this.fSrc);
    this.fDst = g32(this.fDst);
    this.free = g32(this.free);
    this.scratch = g32(this.scratch);
    this.compF = g32(this.compF);
    this.fHash = growU32(this.fHash, n);
    this.fLive = growU8(this.fLive, n);
    this.fFresh = growU8(this.fFresh, n);
    this.sLink = growI32(this.sLink, n << PSHIFT);
    this.sNext = growI32(this.sNext, n << PSHIFT);
    this.sPrev = growI32(this.sPrev, n << PSHIFT);
    this.size = n;
  }
}
