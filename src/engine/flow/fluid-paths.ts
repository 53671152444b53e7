// Paths of the fluid network (fluid.ts): the walk from src to dst over the routing tables (ECMP per hop with the
// packet engine's ecmpIndex(hash, 0, switch, count), among the members the routing view believes alive once a
// failure is detected), the latency of a transfer's last byte on it, and a direct-mapped cache of message paths
// with their latency (streamed tokens of one response take the same path again and again), emptied when the
// routing view changes.
// Left out: the link lists and rates (fluid.ts) and paths longer than PMAX hops (an error).
import { type Fabric, hasNic } from '../../fabric/types.ts';
import { ecmpIndex } from '../core/ecmp.ts';
import type { NetworkConfig } from '../core/network.ts';
import { EcmpGroups, RouteView } from '../core/route-view.ts';

/** Longest path (hops) a flow may take. */
export const PMAX = 16;
/**
 * Entries of the message path cache: 2^15, so that the paths of the tokens in flight (a few thousand responses
 * streaming at once in the demo's traces) rarely share a slot (8,192 entries missed 5% of the demo's lookups).
 */
const MC_BITS = 15;
const MC_SIZE = 1 << MC_BITS;
/** Fields of a path cache record (mc): its key (src, dst, hash), hops, and the latency of the last size asked. */
const MC_REC = 8;
const R_SRC = 0;
const R_DST = 1;
const R_HASH = 2;
const R_HOPS = 3;
const R_BYTES = 4;
const R_LAT = 5;

export class FluidPaths {
  /** The routing view of failures: the fluid network sets a link's state when its failure is detected. */
  readonly view: RouteView;
  /** Scratch path (walks of the network's start and reroute, and of lookPath on a cache miss). */
  readonly tmp = new Int32Array(PMAX);
  /** What lookPath found: the path in qArr[qOff .. qOff + qN) and its latency. */
  qArr: Int32Array;
  qOff = 0;
  qN = 0;
  qLat = 0;

  // Topology, per directed link d (2 l: a -> b, 2 l + 1: b -> a) unless said otherwise.
  private readonly isHost: Uint8Array;
  private readonly switchNs: Float64Array; // per node
  private readonly linkA: Int32Array; // per link
  private readonly linkB: Int32Array;
  private readonly nsPerByte: Float64Array; // serialization
  private readonly propNs: Float64Array;
  private readonly frameExtra: number; // headers + wire overhead per frame
  private readonly mtu: number;
  /** ECMP groups memoized per (node, destination). */
  private readonly groups: EcmpGroups;
  /** Message paths, direct-mapped by (src, dst, hash), valid for the routing view of version mcVersion. */
  private mcVersion = 0;
  /**
   * One record of MC_REC per slot: src, dst, hash, hops, the bytes of the last latency asked, that latency. A
   * lookup reads one record and its path (tokens of many responses interleave, so each lookup misses the CPU
   * cache: one record instead of five arrays).
   */
  private readonly mc = new Float64Array(MC_SIZE * MC_REC).fill(-1);
  private readonly mcPath = new Int32Array(MC_SIZE * PMAX);

  constructor(f: Fabric, net: NetworkConfig) {
    const N = f.nodes.length;
    const L = f.links.length;
    const D = 2 * L;
    this.qArr = this.mcPath;
    this.groups = new EcmpGroups(f);
    this.view = new RouteView(f);
    this.isHost = new Uint8Array(N);
    this.switchNs = new Float64Array(N);
    for (const n of f.nodes) {
      this.isHost[n.id] = hasNic(n.role) ? 1 : 0;
      this.switchNs[n.id] = hasNic(n.role) || n.role === 'border' ? 0 : net.switchLatencyPs(n.id) / 1000;
    }
    this.mtu = net.mtu;
    this.frameExtra = net.headerBytes + net.wireOverheadBytes;
    this.linkA = new Int32Array(L);
    this.linkB = new Int32Array(L);
    this.nsPerByte = new Float64Array(D);
    this.propNs = new Float64Array(D);
    for (const l of f.links) {
      this.linkA[l.id] = l.a;
      this.linkB[l.id] = l.b;
      for (const d of [2 * l.id, 2 * l.id + 1]) {
        this.nsPerByte[d] = 8e9 / l.rateBps;
        this.propNs[d] = net.propPs(l.id) / 1000;
      }
    }
  }

  /**
   * The path of (src, dst, hash) into qArr[qOff .. qOff + qN) with its latency for `bytes` in qLat, from the
   * path cache (walked on a miss). False if dst cannot be reached.
   */
  lookPath(src: number, dst: number, h: number, bytes: number): boolean {
    // A walk depends only on (src, dst, hash) and the routing view: the cache is emptied when the view changes
    // (a failure detected or its repair), so a hit is the path a walk would give now.
    if (this.mcVersion !== this.view.version) {
      this.mc.fill(-1);
      this.mcVersion = this.view.version;
    }
    // Streamed tokens of one response take the same path again and again: cached with its latency.
    const slot = this.pathSlot(src, dst, h);
    if (slot < 0) return false;
    this.qArr = this.mcPath;
    this.qOff = slot * PMAX;
    const r = slot * MC_REC;
    const mc = this.mc;
    this.qN = mc[r + R_HOPS];
    // The latency of the last size asked is remembered (a response's tokens are all of one size but its first).
    if (mc[r + R_BYTES] !== bytes) {
      mc[r + R_BYTES] = bytes;
      mc[r + R_LAT] = this.latencyNs(this.mcPath, mc[r + R_HOPS], bytes, slot * PMAX);
    }
    this.qLat = mc[r + R_LAT];
    return true;
  }

  /** The path cache slot of (src, dst, hash), walked and filled on a miss; -1 if dst is unreachable. */
  private pathSlot(src: number, dst: number, h: number): number {
    const slot = Math.imul(h ^ Math.imul(src, 0x9e3779b1) ^ Math.imul(dst, 0x85ebca6b), 0x27d4eb2d) >>> (32 - MC_BITS);
    const r = slot * MC_REC;
    const mc = this.mc;
    if (mc[r + R_SRC] === src && mc[r + R_DST] === dst && mc[r + R_HASH] === h) return slot;
    const n = this.walk(src, dst, h, this.tmp);
    if (n < 0) return -1;
    mc[r + R_SRC] = src;
    mc[r + R_DST] = dst;
    mc[r + R_HASH] = h;
    mc[r + R_HOPS] = n;
    mc[r + R_BYTES] = -1;
    this.mcPath.set(this.tmp.subarray(0, n), slot * PMAX);
    return slot;
  }

  /**
   * Walks src -> dst with the routing tables into `out` (directed links); returns the hop count, or -1 if the
   * routing view cannot reach dst. A host with one link sends on it; a host with several (a dual-homed server,
   * as LACP hashes a flow onto one member) and a switch pick the ECMP member ecmpIndex(hash, 0, node, count),
   * among the members the routing view believes usable once a failure has been detected (runFlow's and the
   * packet engine's choice).
   */
  walk(src: number, dst: number, hash: number, out: Int32Array): number {
    let at = src;
    let n = 0;
    const failures = this.view.anyDown;
    while (at !== dst) {
      if (n === PMAX) throw new Error(`internal: path from ${src} to ${dst} longer than ${PMAX} hops`);
      const off = this.groups.offset(at, dst);
      const cnt = this.groups.links[off];
      let i = 0;
      if (failures) {
        i = this.isHost[at] && cnt === 1 ? this.view.nthAlive(at, dst, cnt, 0) : this.pickAlive(at, dst, cnt, hash);
        if (i < 0) return -1;
      } else if (cnt > 1) i = ecmpIndex(hash, 0, at, cnt);
      const l = this.groups.links[off + 1 + i];
      const up = this.linkA[l] === at;
      out[n++] = up ? 2 * l : 2 * l + 1;
      at = up ? this.linkB[l] : this.linkA[l];
    }
    return n;
  }

  /** The hash's choice among the members the routing view believes usable, or -1 (runFlow's pickAlive). */
  private pickAlive(node: number, dst: number, cnt: number, hash: number): number {
    const alive = this.view.aliveCount(node, dst, cnt);
    return alive === 0 ? -1 : this.view.nthAlive(node, dst, cnt, ecmpIndex(hash, 0, node, alive));
  }

  /**
   * Latency of the last byte after it leaves the source: per hop one frame serialized (store and forward),
   * propagation, and the receiving switch's latency. The frame is min(bytes, mtu) plus headers and overhead.
   */
  latencyNs(path: Int32Array, n: number, bytes: number, off = 0): number {
    const frame = Math.min(bytes, this.mtu) + this.frameExtra;
    let ns = 0;
    for (let i = off; i < off + n; i++) {
      const d = path[i];
      ns += frame * this.nsPerByte[d] + this.propNs[d];
      ns += this.switchNs[d & 1 ? this.linkA[d >> 1] : this.linkB[d >> 1]];
    }
    return ns;
  }
}
