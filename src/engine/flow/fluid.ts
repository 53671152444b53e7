// A dynamic fluid network for request-level traffic (issue 5: inference). Unlike runFlow, the transfers are not
// known in advance: a request simulator starts them one at a time as its own events happen and asks when the
// next one is delivered. Each transfer is a fluid byte stream on one ECMP path at its max-min fair share.
//
//   start(now) ─► path (ECMP hash per hop, routing view) ─► on the link lists, demand += cap ─► rates at the
//   next query (max-min, solved only around over-demanded links) ─► drains at the source ─► + path latency ─►
//   onDone(tag, true)
//
// Time is integer nanoseconds (runs of hours to days; exact to 104 days in a JS number). Every event lands on a
// whole ns: a drain at the next ns after its fluid time, a delivery at the next ns after drain + latency.
//
// Rates (Bertsekas and Gallager, Data Networks, 2nd ed., 6.5.2; solved by core/maxmin.ts): a flow's cap is its path's bottleneck
// capacity; each directed link keeps the sum of the caps of its flows (its demand). A flow none of whose links
// is over-demanded runs at its cap, which is its exact max-min rate (it is alone on its cap link, and no link
// it crosses can bind it below its cap); no solve. Only the connected component (flows linked through
// over-demanded links) around something that changed is water-filled, each flow bounded by its cap; links
// that are not over-demanded cannot bind, so they are left out.
//
// Modelled: link capacity net of headers (full-MTU frames, as runFlow), ECMP paths with the packet engine's
// per-hop choice ecmpIndex(hash, 0, switch, count), path latency (per hop one frame serialized, propagation,
// the receiving switch's latency; the frame is smaller when the transfer is below one MTU), link and switch
// failures: a down link has capacity 0 (its flows stall), routing avoids it after the detection delay (live
// ECMP members, the same hash), stalled flows move keeping their remaining bytes, and a transfer whose
// destination the routing can no longer reach fails then (a new one fails at once). Recovery is the mirror.
// Not modelled: queues, loss, PFC, ECN and congestion control (a flow takes its max-min share at once, as an
// ideal congestion control would), slow start, in-order delivery across transfers of one connection.
// `contention: false` is the analytic model: every transfer runs alone at its path's bottleneck (no sharing),
// with the same paths, latency and failure handling (a down link stalls its flows until the reroute).
// Files: fluid-paths.ts (walks, latency, the message path cache), fluid-pool.ts (the flows' slots), and the
// max-min solver of a component in core/maxmin.ts.
import type { Fabric } from '../../fabric/types.ts';
import type { LinkStats } from '../../result/types.ts';
import { BinaryHeapQueue, growI32 } from '../core/heap2.ts';
import { linkStatsFromBytes } from '../core/links.ts';
import { MaxMinSolver } from '../core/maxmin.ts';
import type { NetworkConfig } from '../core/network.ts';
import { FluidPaths } from './fluid-paths.ts';
import { FlowPool, PSHIFT as POOL_SHIFT } from './fluid-pool.ts';

export interface FluidOptions {
  /** false: the analytic model, every transfer alone at its path's bottleneck. Default true. */
  contention?: boolean;
}

/** Called for each transfer delivered (ok) or given up (destination unreachable), with the time in ns. */
export type FluidDone = (tag: number, ok: boolean, timeNs: number) => void;

export interface FluidStats {
  transfersStarted: number;
  transfersDelivered: number;
  transfersFailed: number;
  /** Started and neither delivered nor failed yet (sending, on the wire, or failed and not yet reported). */
  transfersActive: number;
  bytesStarted: number;
  bytesDelivered: number;
  bytesFailed: number;
  /** Counted from the live transfers, not as a difference: started = delivered + failed + in flight. */
  bytesInFlight: number;
  /** Payload bytes carried per directed link: index 2 l is link l from its a end to b, 2 l + 1 from b to a. */
  linkBytes: Float64Array;
  /** Bytes of the messages sent (messageDelayNs: streamed tokens), outside the transfers' accounting above. */
  messageBytes: number;
  /** Most transfers sending at once. */
  peakFlows: number;
  /** Water-fillings run, and the flows they covered (the rest ran at their cap without a solve). */
  solves: number;
  solvedFlows: number;
}

// Event kinds.
const EV_DRAIN = 0; // a: flow slot, b: version
const EV_DELIVER = 1; // a: tag, b: bytes
const EV_FAIL = 2; // a: tag, b: bytes
const EV_LINK = 3; // a: link, b: 1 down, 0 up
const EV_ROUTE = 4; // a: link, b: 1 down, 0 up

/** A flow's hops are slots [f << PSHIFT, + fHops) (fluid-pool.ts; a local constant: hot loops read it). */
const PSHIFT = POOL_SHIFT;
/** Remaining bytes below this are rounding residue: the flow has drained. */
const SNAP_BYTES = 1e-6;
/** Fluid times within this of a whole ns are that ns (float residue of rem / rate). */
const CEIL_SLACK_NS = 1e-6;
/** A link is over-demanded when the caps of its flows exceed its capacity by more than float residue. */
const OVER = 1 + 1e-9;

export class FluidNetwork {
  private readonly contention: boolean;
  private now = 0;
  /** Events keyed (time, insertion sequence); a drain's payload is peeked for lazy invalidation. */
  private readonly q = new BinaryHeapQueue(256);
  private readonly detectNs: number;

  // Capacity per directed link d (2 l: a -> b, 2 l + 1: b -> a); paths, latency and the routing view in `paths`.
  private readonly capFull: Float64Array; // payload bytes per ns with full-MTU frames
  private readonly cap: Float64Array; // 0 while down
  private readonly paths: FluidPaths;

  // Per directed link: the list of flow hops on it, the sum of their flows' caps, marks, bytes carried.
  private readonly lHead: Int32Array;
  private readonly lCount: Int32Array;
  private readonly lDemand: Float64Array;
  private readonly lMark: Int32Array;
  private readonly lSeed: Int32Array;
  private readonly linkBytes: Float64Array;
  /** Message bytes per directed link: a message changes no rate, but its bytes cross the links. */
  private readonly messageLinkBytes: Float64Array;
  private messageBytes = 0;

  /** The flows' pool of slots (struct of arrays); a slot's hops are slots [f << PSHIFT, + fHops). */
  private readonly pool = new FlowPool();

  // Changes since the last rate computation: flows put on links, and over-demanded links a flow left.
  private newFlows = new Int32Array(64);
  private nNew = 0;
  private readonly seeds: Int32Array;
  private nSeeds = 0;
  private batch = 1;
  private stamp = 0;

  /** The max-min solver of a component (flows by slot, links by directed link id). */
  private readonly maxmin: MaxMinSolver;

  // Failures: a reroute is due once the routing view changed.
  private rerouteDue = false;
  private readonly detectAt: Float64Array; // per link: when the routing learns of its current failure
  /** Paths walked by start and reroute (PMAX hops). */
  private readonly tmp: Int32Array;

  // Counters.
  private nextId = 0;
  private active = 0;
  private peak = 0;
  private started = 0;
  private delivered = 0;
  private failed = 0;
  private bytesStarted = 0;
  private bytesDelivered = 0;
  private bytesFailed = 0;
  private wireBytes = 0; // drained, not delivered yet
  private wireCount = 0;
  private failPendingBytes = 0; // given up, not reported yet
  private failPendingCount = 0;
  private solves = 0;
  private solvedFlows = 0;
  /** A flow with a class other than level 0, weight 1 has started: components are solved with classes. */
  private classed = false;

  constructor(
    private readonly fabric: Fabric,
    net: NetworkConfig,
    opts: FluidOptions = {},
  ) {
    this.contention = opts.contention ?? true;
    const f = fabric;
    const L = f.links.length;
    const D = 2 * L;
    this.paths = new FluidPaths(f, net);
    this.tmp = this.paths.tmp;
    const frame = net.mtu + net.headerBytes + net.wireOverheadBytes;
    this.capFull = new Float64Array(D);
    for (const l of f.links) {
      // Payload capacity with full-MTU frames: rate x mtu / (mtu + headers + wire overhead), as runFlow.
      const c = (l.rateBps / 8e9) * (net.mtu / frame);
      this.capFull[2 * l.id] = c;
      this.capFull[2 * l.id + 1] = c;
    }
    this.cap = Float64Array.from(this.capFull);
    this.lHead = new Int32Array(D).fill(-1);
    this.lCount = new Int32Array(D);
    this.lDemand = new Float64Array(D);
    this.lMark = new Int32Array(D);
    this.lSeed = new Int32Array(D);
    this.linkBytes = new Float64Array(D);
    this.messageLinkBytes = new Float64Array(D);
    this.seeds = new Int32Array(D);
    this.maxmin = new MaxMinSolver(D);
    this.detectAt = new Float64Array(L);

    this.detectNs = Math.ceil(net.detectionDelayPs / 1000);
    // A failure at a fraction of a ns takes effect at the next whole ns.
    for (const fl of net.failures)
      for (const l of fl.links) {
        this.q.push(Math.ceil(fl.atPs / 1000), EV_LINK, l, 1);
        if (fl.untilPs !== null) this.q.push(Math.ceil(fl.untilPs / 1000), EV_LINK, l, 0);
      }
  }

  // ---- public API ------------------------------------------------------------------------------------

  /**
   * Starts a transfer of `bytes` payload bytes from endpoint src to dst (node ids: hosts or fabric.border) at
   * nowNs (non-decreasing across calls; everything due before it must have been advanced). Its ECMP path is
   * chosen per hop with ecmpIndex(flowHash, 0, node, count). `tag` is handed back to onDone. Returns an id.
   * A destination the routing view cannot reach fails at once (onDone(tag, false) at the next advance).
   * `level` and `weight` are its traffic class (core/maxmin.ts setClass: level 0 is served first; a message,
   * messageDelayNs, sees the unclassed water level).
   */
  start(
    nowNs: number,
    src: number,
    dst: number,
    bytes: number,
    flowHash: number,
    tag: number,
    level = 0,
    weight = 1,
  ): number {
    this.moveTo(nowNs);
    this.started++;
    this.bytesStarted += bytes;
    const n = src === dst ? 0 : this.paths.walk(src, dst, flowHash >>> 0, this.tmp);
    if (n < 0) {
      this.failLater(tag, bytes);
      return this.nextId++;
    }
    if (bytes <= 0) {
      this.wireBytes += bytes;
      this.wireCount++;
      this.q.push(this.now + Math.ceil(this.paths.latencyNs(this.tmp, n, 0) - CEIL_SLACK_NS), EV_DELIVER, tag, bytes);
      return this.nextId++;
    }
    const f = this.alloc();
    this.pool.fSrc[f] = src;
    this.pool.fDst[f] = dst;
    this.pool.fHash[f] = flowHash >>> 0;
    this.pool.fTag[f] = tag;
    this.pool.fBytes[f] = bytes;
    this.pool.fRem[f] = bytes;
    this.pool.fRate[f] = 0;
    this.pool.fLast[f] = this.now;
    this.pool.fPB[f] = 0;
    this.pool.fLive[f] = 1;
    this.pool.fLevel[f] = level;
    this.pool.fWeight[f] = weight;
    if (level !== 0 || weight !== 1) this.classed = true;
    this.setPath(f, n);
    this.insert(f);
    if (++this.active > this.peak) this.peak = this.active;
    return this.nextId++;
  }

  /** Earliest time (ns) at which something is due (a delivery, a failure, a reroute), or Infinity. */
  nextTime(): number {
    this.flush();
    this.purge();
    return this.q.peekTime();
  }

  /**
   * Processes everything due at or before t, calling onDone for each transfer delivered (ok: its last byte
   * reached dst) or given up (ok false). onDone may start transfers at the time it is given.
   */
  advance(t: number, onDone: FluidDone): void {
    if (t < this.now) throw new RangeError(`advance(${t}): time is already ${this.now} ns`);
    const q = this.q;
    for (;;) {
      this.flush();
      this.purge();
      const te = q.peekTime();
      if (te > t) break;
      this.now = te;
      while (q.peekTime() === te) {
        q.pop();
        const kind = q.kind;
        const a = q.a;
        const b = q.b;
        if (kind === EV_DRAIN) {
          if (this.pool.fVer[a] === b && this.pool.fLive[a]) this.drain(a);
        } else if (kind === EV_DELIVER) {
          this.delivered++;
          this.bytesDelivered += b;
          this.wireBytes -= b;
          this.wireCount--;
          onDone(a, true, te);
        } else if (kind === EV_FAIL) {
          this.failed++;
          this.bytesFailed += b;
          this.failPendingBytes -= b;
          this.failPendingCount--;
          onDone(a, false, te);
        } else if (kind === EV_LINK) this.linkState(a, b === 1);
        else this.routeState(a, b === 1);
      }
      if (this.rerouteDue) this.reroute();
    }
    this.now = t;
  }

  /**
   * Delay (ns) of a message too small to matter (one streamed token, below one packet) sent now on flowHash's
   * path: the path's latency plus its serialization at the max-min share a new flow would get on each link of
   * the path now (the water level of that link with the new flow added; the smallest over the path). Creates
   * no flow. Infinity if the routing view cannot reach dst; on a link that is down but not yet detected the
   * message waits for the detection (then assumed to go on an equal path).
   */
  messageDelayNs(nowNs: number, src: number, dst: number, bytes: number, flowHash: number): number {
    if (nowNs < this.now) throw new RangeError(`messageDelayNs(${nowNs}): time is already ${this.now} ns`);
    if (src === dst) return 0;
    this.flush();
    if (!this.paths.lookPath(src, dst, flowHash >>> 0, bytes)) return Number.POSITIVE_INFINITY;
    const path = this.paths.qArr;
    const off = this.paths.qOff;
    const end = off + this.paths.qN;
    let capNew = Number.POSITIVE_INFINITY;
    let wait = 0;
    for (let i = off; i < end; i++) {
      const d = path[i];
      if (this.cap[d] === 0) wait = Math.max(wait, this.detectAt[d >> 1] - nowNs);
      else if (this.cap[d] < capNew) capNew = this.cap[d];
    }
    if (wait > 0) return Math.ceil(wait) + this.unloadedDelayNs(src, dst, bytes, flowHash);
    let rate = capNew;
    if (this.contention) for (let i = off; i < end; i++) rate = Math.min(rate, this.shareOf(path[i], capNew));
    for (let i = off; i < end; i++) this.messageLinkBytes[path[i]] += bytes;
    this.messageBytes += bytes;
    const ser = bytes > 0 ? bytes / rate : 0;
    return Math.max(Math.ceil(this.paths.qLat + ser - CEIL_SLACK_NS), 0);
  }

  /** Unloaded delay of a transfer of `bytes` on that path: what `start` gives on an idle network. */
  unloadedDelayNs(src: number, dst: number, bytes: number, flowHash: number): number {
    if (src === dst) return 0;
    if (!this.paths.lookPath(src, dst, flowHash >>> 0, bytes)) return Number.POSITIVE_INFINITY;
    let c = Number.POSITIVE_INFINITY;
    for (let i = this.paths.qOff, end = this.paths.qOff + this.paths.qN; i < end; i++)
      c = Math.min(c, this.capFull[this.paths.qArr[i]]);
    const ser = bytes > 0 ? bytes / c : 0;
    return Math.max(Math.ceil(this.paths.qLat + ser - CEIL_SLACK_NS), 0);
  }

  /** Current time (ns): the last time advanced to or started at. */
  get timeNs(): number {
    return this.now;
  }

  stats(): FluidStats {
    const linkBytes = Float64Array.from(this.linkBytes);
    let inFlight = this.wireBytes + this.failPendingBytes;
    let live = 0;
    for (let f = 0; f < this.pool.used; f++) {
      if (!this.pool.fLive[f]) continue;
      live++;
      inFlight += this.pool.fBytes[f];
      // Sent on the current path so far (the flow's state is brought to now without changing it).
      const sent = this.pool.fPB[f] + Math.min(this.pool.fRate[f] * (this.now - this.pool.fLast[f]), this.pool.fRem[f]);
      for (let s = f << PSHIFT, e = s + this.pool.fHops[f]; s < e; s++) linkBytes[this.pool.sLink[s]] += sent;
    }
    return {
      transfersStarted: this.started,
      transfersDelivered: this.delivered,
      transfersFailed: this.failed,
      transfersActive: live + this.wireCount + this.failPendingCount,
      bytesStarted: this.bytesStarted,
      bytesDelivered: this.bytesDelivered,
      bytesFailed: this.bytesFailed,
      bytesInFlight: inFlight,
      linkBytes,
      messageBytes: this.messageBytes,
      peakFlows: this.peak,
      solves: this.solves,
      solvedFlows: this.solvedFlows,
    };
  }

  /**
   * Per directed link that carried bytes, runFlow's format (`node:port -> node:port`, tiers, bytes), with the
   * utilization over [0, endNs].
   */
  linkStats(endNs: number): LinkStats[] {
    const bytes = this.stats().linkBytes;
    for (let d = 0; d < bytes.length; d++) bytes[d] += this.messageLinkBytes[d];
    return linkStatsFromBytes(this.fabric, bytes, endNs * 1000);
  }

  // ---- time --------------------------------------------------------------------------------------------

  /** Moves the clock to t (rates of the changes made at the old time are computed there first). */
  private moveTo(t: number): void {
    if (t === this.now) return;
    if (t < this.now) throw new RangeError(`time ${t} ns is before the current ${this.now} ns`);
    this.flush();
    this.purge();
    if (this.q.peekTime() < t)
      throw new Error(`events are due at ${this.q.peekTime()} ns, before ${t} ns: advance() to ${t} first`);
    this.now = t;
  }

  /** Drops stale drain events (the flow's rate changed since) from the top of the queue. */
  private purge(): void {
    const q = this.q;
    while (q.size > 0 && q.peekKind() === EV_DRAIN) {
      const f = q.peekA();
      if (this.pool.fVer[f] === q.peekB() && this.pool.fLive[f]) return;
      q.pop();
    }
  }

  private failLater(tag: number, bytes: number): void {
    this.failPendingBytes += bytes;
    this.failPendingCount++;
    this.q.push(this.now, EV_FAIL, tag, bytes);
  }

  // ---- flow pool ---------------------------------------------------------------------------------------

  private alloc(): number {
    return this.pool.alloc();
  }

  private release(f: number): void {
    this.pool.release(f);
    this.active--;
  }

  // ---- paths -------------------------------------------------------------------------------------------

  /** Gives flow f the path in tmp (n hops); f is not on any link list. */
  private setPath(f: number, n: number): void {
    const s0 = f << PSHIFT;
    for (let i = 0; i < n; i++) this.pool.sLink[s0 + i] = this.tmp[i];
    this.pool.fHops[f] = n;
    this.pool.fLat[f] = this.paths.latencyNs(this.tmp, n, this.pool.fBytes[f]);
  }

  private samePath(f: number, n: number): boolean {
    if (n !== this.pool.fHops[f]) return false;
    const s0 = f << PSHIFT;
    for (let i = 0; i < n; i++) if (this.pool.sLink[s0 + i] !== this.tmp[i]) return false;
    return true;
  }

  /** Adds the bytes sent on the current path to its links. */
  private flushBytes(f: number): void {
    const b = this.pool.fPB[f];
    if (b === 0) return;
    for (let s = f << PSHIFT, e = s + this.pool.fHops[f]; s < e; s++) this.linkBytes[this.pool.sLink[s]] += b;
    this.pool.fPB[f] = 0;
  }

  // ---- link lists --------------------------------------------------------------------------------------

  /** Puts a flow on its links with its cap (the bottleneck of its path now); its rate is set at the next flush. */
  private insert(f: number): void {
    const { sLink, sNext, sPrev } = this.pool;
    const { lHead, cap } = this;
    const s0 = f << PSHIFT;
    const e = s0 + this.pool.fHops[f];
    let c = Number.POSITIVE_INFINITY;
    for (let s = s0; s < e; s++) if (cap[sLink[s]] < c) c = cap[sLink[s]];
    this.pool.fCap[f] = c;
    for (let s = s0; s < e; s++) {
      const l = sLink[s];
      const h = lHead[l];
      sNext[s] = h;
      sPrev[s] = -1;
      if (h >= 0) sPrev[h] = s;
      lHead[l] = s;
      this.lCount[l]++;
      this.lDemand[l] += c;
    }
    this.pool.fFresh[f] = 1;
    if (this.nNew === this.newFlows.length) this.newFlows = growI32(this.newFlows, 2 * this.nNew);
    this.newFlows[this.nNew++] = f;
  }

  /** Takes a flow off its links; links it left that were over-demanded need their component re-solved. */
  private remove(f: number): void {
    const { sLink, sNext, sPrev } = this.pool;
    const { lHead, lCount, lDemand } = this;
    const c = this.pool.fCap[f];
    for (let s = f << PSHIFT, e = s + this.pool.fHops[f]; s < e; s++) {
      const l = sLink[s];
      const p = sPrev[s];
      const nx = sNext[s];
      if (p >= 0) sNext[p] = nx;
      else lHead[l] = nx;
      if (nx >= 0) sPrev[nx] = p;
      const wasOver = lDemand[l] > this.cap[l] * OVER;
      // Back to exactly 0 when empty, so float residue of the sums never outlives the flows.
      lDemand[l] = --lCount[l] === 0 ? 0 : lDemand[l] - c;
      if (wasOver && lCount[l] > 0 && this.contention && this.lSeed[l] !== this.batch) {
        this.lSeed[l] = this.batch;
        this.seeds[this.nSeeds++] = l;
      }
    }
  }

  // ---- rates -------------------------------------------------------------------------------------------

  /** Brings a flow's remaining bytes to now at its current rate. */
  private advanceFlow(f: number): void {
    const dt = this.now - this.pool.fLast[f];
    let rm = this.pool.fRem[f];
    const r = this.pool.fRate[f];
    if (dt > 0 && r > 0) {
      const sent = Math.min(r * dt, rm);
      rm -= sent;
      this.pool.fPB[f] += sent;
    }
    if (rm < SNAP_BYTES) {
      this.pool.fPB[f] += rm;
      rm = 0;
    }
    this.pool.fRem[f] = rm;
    this.pool.fLast[f] = this.now;
  }

  /** Gives a flow a new rate (a fresh one always) and schedules its drain. */
  private setRate(f: number, rate: number): void {
    if (rate === this.pool.fRate[f] && !this.pool.fFresh[f]) return;
    this.pool.fFresh[f] = 0;
    this.advanceFlow(f);
    this.pool.fRate[f] = rate;
    const v = ++this.pool.fVer[f];
    const rm = this.pool.fRem[f];
    if (rm > 0 && !(rate > 0)) return; // stalled: no drain until its rate comes back
    const dt = rm > 0 ? rm / rate : 0;
    this.pool.fT0[f] = this.now;
    this.pool.fDt[f] = dt;
    this.q.push(this.now + Math.max(Math.ceil(dt - CEIL_SLACK_NS), 0), EV_DRAIN, f, v);
  }

  /** Does the flow cross a link whose flows' caps add up to more than its capacity? */
  private touchesOver(f: number): boolean {
    for (let s = f << PSHIFT, e = s + this.pool.fHops[f]; s < e; s++) {
      const l = this.pool.sLink[s];
      if (this.lDemand[l] > this.cap[l] * OVER) return true;
    }
    return false;
  }

  /**
   * Rates for what changed since the last call: a new flow on links that are not over-demanded takes its cap;
   * otherwise the component of over-demanded links around it (or around a link a flow left) is water-filled.
   */
  private flush(): void {
    if (this.nNew === 0 && this.nSeeds === 0) return;
    const stamp = ++this.stamp;
    const { fMark, fLive } = this.pool;
    for (let i = 0; i < this.nNew; i++) {
      const f = this.newFlows[i];
      if (!fLive[f] || fMark[f] === stamp) continue;
      if (this.contention && this.touchesOver(f)) this.solveFrom(f, stamp);
      else {
        fMark[f] = stamp;
        this.setRate(f, this.pool.fCap[f]);
      }
    }
    for (let i = 0; i < this.nSeeds; i++)
      for (let x = this.lHead[this.seeds[i]]; x >= 0; x = this.pool.sNext[x]) {
        const g = x >> PSHIFT;
        if (fMark[g] === stamp) continue;
        if (this.touchesOver(g)) this.solveFrom(g, stamp);
        else {
          fMark[g] = stamp;
          this.setRate(g, this.pool.fCap[g]);
        }
      }
    this.nNew = 0;
    this.nSeeds = 0;
    this.batch++;
  }

  /**
   * Water-fills the component of f: flows linked through over-demanded links (marked with `stamp`), each bounded
   * by its cap, with the engines' one max-min solver (core/maxmin.ts). Only over-demanded links can bind.
   */
  private solveFrom(f: number, stamp: number): void {
    const { fMark, sLink, sNext, fCap } = this.pool;
    const { lMark, lHead, cap, lDemand } = this;
    const mm = this.maxmin;
    const compF = this.pool.compF;
    mm.reset();
    let nf = 0;
    fMark[f] = stamp;
    compF[nf++] = f;
    mm.addFlow(f, fCap[f]);
    const classed = this.classed;
    const { fLevel, fWeight } = this.pool;
    if (classed) mm.setClass(0, fLevel[f], fWeight[f]);
    for (let i = 0; i < nf; i++) {
      const g = compF[i];
      mm.flowLinks(i);
      for (let s = g << PSHIFT, e = s + this.pool.fHops[g]; s < e; s++) {
        const l = sLink[s];
        if (!(lDemand[l] > cap[l] * OVER)) continue;
        mm.flowLink(l);
        if (lMark[l] === stamp) continue;
        lMark[l] = stamp;
        mm.addLink(l, cap[l]);
        for (let x = lHead[l]; x >= 0; x = sNext[x]) {
          const h = x >> PSHIFT;
          if (fMark[h] !== stamp) {
            fMark[h] = stamp;
            compF[nf++] = h;
            const j = mm.addFlow(h, fCap[h]);
            if (classed) mm.setClass(j, fLevel[h], fWeight[h]);
            mm.linkFlow(j);
          } else mm.linkFlow(mm.local(h));
        }
      }
    }
    this.solves++;
    this.solvedFlows += nf;
    mm.solve();
    const rate = mm.rate;
    for (let i = 0; i < nf; i++) this.setRate(compF[i], rate[i]);
  }

  /** The max-min share a new flow of cap `capNew` would get on link d alone: its water level with the flow added. */
  private shareOf(d: number, capNew: number): number {
    const c = this.cap[d];
    if (this.lDemand[d] + capNew <= c * OVER) return capNew;
    // x = (C - sum of the rates below x) / (1 + flows at or above x): rises monotonically to the fixed point.
    let x = c / (this.lCount[d] + 1);
    for (let it = 0; it <= this.lCount[d] + 1; it++) {
      let below = 0;
      let above = 1;
      for (let s = this.lHead[d]; s >= 0; s = this.pool.sNext[s]) {
        const r = this.pool.fRate[s >> PSHIFT];
        if (r < x) below += r;
        else above++;
      }
      const y = (c - below) / above;
      if (y <= x) break;
      x = y;
    }
    return Math.min(x, capNew);
  }

  // ---- flow life ---------------------------------------------------------------------------------------

  /** The flow's last byte has left the source: it leaves its links and is delivered one path latency later. */
  private drain(f: number): void {
    this.advanceFlow(f);
    this.pool.fPB[f] += this.pool.fRem[f];
    this.pool.fRem[f] = 0;
    this.flushBytes(f);
    this.remove(f);
    const bytes = this.pool.fBytes[f];
    // From the fluid drain time, so the delivery is the closed form rounded up once.
    const at = this.pool.fT0[f] + Math.max(Math.ceil(this.pool.fDt[f] + this.pool.fLat[f] - CEIL_SLACK_NS), 0);
    this.wireBytes += bytes;
    this.wireCount++;
    this.q.push(Math.max(at, this.now), EV_DELIVER, this.pool.fTag[f], bytes);
    this.release(f);
  }

  // ---- failures ----------------------------------------------------------------------------------------

  /** A link goes down (capacity 0: its flows stall) or comes back; routing learns after the detection delay. */
  private linkState(link: number, down: boolean): void {
    if ((this.cap[2 * link] === 0) === down) return;
    let n = 0;
    const stamp = ++this.stamp;
    for (let d = 2 * link; d <= 2 * link + 1; d++) {
      this.cap[d] = down ? 0 : this.capFull[d];
      for (let x = this.lHead[d]; x >= 0; x = this.pool.sNext[x]) {
        const f = x >> PSHIFT;
        if (this.pool.fMark[f] === stamp) continue;
        this.pool.fMark[f] = stamp;
        this.pool.scratch[n++] = f;
      }
    }
    // Their caps change: back on the links with the new one (the others on those links are re-solved).
    for (let i = 0; i < n; i++) {
      const f = this.pool.scratch[i];
      this.advanceFlow(f);
      this.remove(f);
      this.insert(f);
    }
    if (down) this.detectAt[link] = this.now + this.detectNs;
    this.q.push(this.now + this.detectNs, EV_ROUTE, link, down ? 1 : 0);
  }

  private routeState(link: number, down: boolean): void {
    if (this.paths.view.set(link, down)) this.rerouteDue = true;
  }

  /** The routing view changed: every sending flow takes its path in the new view, or fails if dst is gone. */
  private reroute(): void {
    this.rerouteDue = false;
    const end = this.pool.used;
    for (let f = 0; f < end; f++) {
      if (!this.pool.fLive[f]) continue;
      const n = this.paths.walk(this.pool.fSrc[f], this.pool.fDst[f], this.pool.fHash[f], this.tmp);
      if (n >= 0 && this.samePath(f, n)) continue;
      this.advanceFlow(f);
      this.flushBytes(f);
      this.remove(f);
      if (n < 0) {
        this.failLater(this.pool.fTag[f], this.pool.fBytes[f]);
        this.release(f);
        continue;
      }
      this.setPath(f, n);
      this.insert(f);
    }
  }
}
