// A switch's memory management unit: one shared buffer per switch, with PFC headroom reserved per ingress port
// and lossless class (PFC-02) out of it. Each lossless class (RoCE; with network.classes, every class with pfc) is
// accounted per ingress port against a dynamic XOFF threshold (alpha x free shared buffer, PFC-04) and asks pfc.ts
// for PAUSE and resume of that class (802.1Qbb pauses per priority); other classes get a dynamic threshold on
// their egress queue (alpha x free buffer) and tail drop. Each lossless ingress queue may hold a reserve before it
// counts against the shared pool (PFC-04: HPCC's switch-mmu.cc). With `network.bufferCell` every frame takes whole
// cells, as switch ASICs account their buffer. Leaves out egress-side reserves, per-port alpha and multicast.
// State is in records, one per switch and one per ingress port, each within a cache line (see port.ts on why).
import type { NetworkConfig } from '../core/network.ts';
import { PACKET_LAYOUT, type PacketPool } from './packets.ts';
import type { Pfc } from './pfc.ts';
import type { Ports } from './port.ts';
import type { Topology } from './topology.ts';

const { B_HDRM, PK, PK_BITS, PK_INGRESS } = PACKET_LAYOUT;

// A switch's record (by node id): its buffer, the shared bytes in use, the headroom and reserves set aside from
// the shared pool, and the peak of shared use.
const SW = 4;
const S_BUFFER = 0;
const S_SHARED = 1;
const S_RESERVED = 2;
const S_PEAK = 3;
// An ingress port's record (by the id of the egress port feeding it), Int32 fields: the bytes its lossless queue
// holds in the shared buffer and in headroom (whole bytes: frames and cells are integers), its headroom rounded
// down (the bytes held are whole, so `held <= cap` and `held <= floor(cap)` agree), and whether a PAUSE is in
// force upstream (pfc.ts keeps the same flag for its refresh; only this MMU sets and clears it). One 16-byte
// record, four a cache line: an arrival and a departure read one line of ingress state, where the headroom and
// the pause flag in arrays of their own cost a cache miss each once a large fabric's state outgrows the cache.
// Only lossless classes are accounted per ingress (the others are admitted against their egress queue): one
// record per ingress port and lossless class, the port's records side by side.
const IG = 4;
const G_ING = 0;
const G_HDRM = 1;
const G_CAP = 2;
const G_PAUSED = 3;

export class Mmu {
  private readonly sw: Float64Array;
  private readonly ig: Int32Array;
  /** Each ingress port's headroom (by the id of the egress port feeding it), as configured (statistics). */
  private readonly cap: Float64Array;
  /** The most each ingress queue (port x queues + class) held in its headroom. */
  private readonly maxHdrm: Float64Array;
  /** Classes per port (ports.ts queues); lossless classes; per class its lossless index + 1, or 0 (lossy). */
  readonly queues: number;
  private readonly nl: number;
  private readonly lossIdx: Uint8Array;
  /** Lossless packets dropped past the headroom (the invariant: never with enough headroom). */
  losslessOverflowDrops = 0;
  private readonly cell: number;
  private readonly reserve: number;
  private readonly alpha: number;
  private readonly pfcAlpha: number;
  private readonly resumeOffset: number;

  constructor(
    topo: Topology,
    net: NetworkConfig,
    private readonly pool: PacketPool,
    private readonly ports: Ports,
    private readonly pfc: Pfc,
  ) {
    const N = topo.N;
    const P = topo.P;
    this.sw = new Float64Array(N * SW);
    for (let n = 0; n < N; n++) this.sw[n * SW + S_BUFFER] = topo.isHost[n] ? 0 : net.bufferBytes(n);
    this.queues = ports.queues;
    this.lossIdx = new Uint8Array(16);
    const lossless = net.portClasses?.lossless ?? [0, 1, 0];
    let nl = 0;
    for (let c = 0; c < lossless.length; c++) if (net.pfc && lossless[c]) this.lossIdx[c] = ++nl;
    this.nl = Math.max(1, nl);
    this.ig = new Int32Array(P * IG * this.nl);
    this.cap = new Float64Array(P);
    this.maxHdrm = new Float64Array(P * this.queues);
    this.cell = net.cellBytes;
    this.reserve = net.pfc ? net.pfcReserve : 0;
    this.alpha = net.bufferAlpha;
    this.pfcAlpha = net.pfcAlpha;
    this.resumeOffset = net.resumeOffset;
    if (net.pfc) {
      // Headroom and the reserve are set aside at the switch the port feeds into (its ingress).
      for (let p = 0; p < P; p++) {
        const to = topo.portTo[p];
        if (topo.isHost[to]) continue;
        const cap = net.headroomBytes(p >> 1);
        this.cap[p] = cap;
        for (let l = 0; l < this.nl; l++)
          this.ig[(p * this.nl + l) * IG + G_CAP] = Math.min(Math.floor(cap), 0x7fffffff);
        this.sw[to * SW + S_RESERVED] += (cap + this.reserve) * this.nl;
      }
    }
  }

  /** Switch sw's buffer, the shared bytes in use, the peak of that, and what headroom and reserves set aside. */
  bufferBytes(sw: number): number {
    return this.sw[sw * SW + S_BUFFER];
  }

  sharedUsed(sw: number): number {
    return this.sw[sw * SW + S_SHARED];
  }

  maxShared(sw: number): number {
    return this.sw[sw * SW + S_PEAK];
  }

  hdrmReserved(sw: number): number {
    return this.sw[sw * SW + S_RESERVED];
  }

  /** The headroom for the traffic egress port p sends (at the switch it feeds). */
  hdrmCap(p: number): number {
    return this.cap[p];
  }

  /** The most ingress queue k (port x queues + class) held in its headroom. */
  peakHeadroom(k: number): number {
    return this.maxHdrm[k];
  }

  /** The most any lossless class of port p's traffic held in its headroom at the switch it feeds. */
  peakPortHeadroom(p: number): number {
    let m = 0;
    for (let c = 0; c < this.queues; c++) m = Math.max(m, this.maxHdrm[p * this.queues + c]);
    return m;
  }

  /**
   * Buffer admission of packet id arriving at switch sw on inPort, for egress port out. Lossless class with
   * PFC: per-ingress accounting against the XOFF threshold; above it the packet goes to the ingress port's
   * headroom and a PAUSE goes upstream; past the headroom it is dropped (counted: this is the negative control).
   * Returns false when the packet was dropped.
   */
  admit(sw: number, id: number, inPort: number, out: number): boolean {
    const pool = this.pool;
    const fr = this.size(id);
    const cls = pool.cls(id);
    const li = this.lossIdx[cls];
    if (li !== 0) return this.admitLossless(sw, id, inPort, fr, cls, (inPort * this.nl + li - 1) * IG);
    const s = this.sw;
    const o = sw * SW;
    const B = s[o + S_BUFFER];
    if (s[o + S_SHARED] + fr > B || this.ports.classBytes(out, cls) + fr > this.alpha * (B - s[o + S_SHARED])) {
      pool.drop(id, 'buffer');
      return false;
    }
    s[o + S_SHARED] += fr;
    if (s[o + S_SHARED] > s[o + S_PEAK]) s[o + S_PEAK] = s[o + S_SHARED];
    pool.pk[id * PK + PK_INGRESS] = -1;
    return true;
  }

  private admitLossless(sw: number, id: number, inPort: number, fr: number, cls: number, g: number): boolean {
    const pool = this.pool;
    const s = this.sw;
    const ig = this.ig;
    const o = sw * SW;
    const xoff = this.xoff(sw);
    const shared = s[o + S_BUFFER] - s[o + S_RESERVED];
    // PFC-04: the bytes past the queue's reserve come from the shared pool, up to the XOFF threshold.
    const over = ig[g + G_ING] + fr - this.reserve;
    const toShared = over <= 0 ? 0 : Math.min(fr, over);
    const pk = pool.pk;
    if (ig[g + G_HDRM] === 0 && (over <= 0 || (over <= xoff && s[o + S_SHARED] + toShared <= shared))) {
      ig[g + G_ING] += fr;
      s[o + S_SHARED] += toShared;
      if (s[o + S_SHARED] > s[o + S_PEAK]) s[o + S_PEAK] = s[o + S_SHARED];
      pk[id * PK + PK_BITS] &= ~B_HDRM;
    } else if (ig[g + G_HDRM] + fr <= ig[g + G_CAP]) {
      const h = ig[g + G_HDRM] + fr;
      ig[g + G_HDRM] = h;
      const k = inPort * this.queues + cls;
      if (h > this.maxHdrm[k]) this.maxHdrm[k] = h;
      pk[id * PK + PK_BITS] |= B_HDRM;
    } else {
      this.losslessOverflowDrops++;
      pool.drop(id, 'buffer');
      this.pause(g, inPort, cls);
      return false;
    }
    pk[id * PK + PK_INGRESS] = inPort;
    if (pk[id * PK + PK_BITS] & B_HDRM || this.shared(g) >= xoff) this.pause(g, inPort, cls);
    return true;
  }

  /** XOFF for the lossless queue of ingress record g (port inPort), unless a PAUSE is already in force. */
  private pause(g: number, inPort: number, cls: number): void {
    if (this.ig[g + G_PAUSED]) return;
    this.ig[g + G_PAUSED] = 1;
    this.pfc.pause(inPort, cls);
  }

  /** XOFF threshold of every lossless ingress queue of switch sw: alpha x the free shared pool (PFC-04). */
  xoff(sw: number): number {
    const o = sw * SW;
    const free = this.sw[o + S_BUFFER] - this.sw[o + S_RESERVED] - this.sw[o + S_SHARED];
    return free > 0 ? free * this.pfcAlpha : 0;
  }

  /** Bytes an ingress queue (port x queues + class) holds in its headroom. */
  queueHeadroom(k: number): number {
    const p = Math.floor(k / this.queues);
    const li = this.lossIdx[k - p * this.queues];
    return li !== 0 ? this.ig[(p * this.nl + li - 1) * IG + G_HDRM] : 0;
  }

  /** Bytes the lossless queue of ingress record g holds in the shared pool: past its reserve, not in headroom. */
  private shared(g: number): number {
    return Math.max(this.ig[g + G_ING] - this.reserve, 0);
  }

  /** The bytes packet id takes in the buffer: its frame, in whole cells when the buffer counts cells. */
  private size(id: number): number {
    const fr = this.pool.frame(id);
    const cell = this.cell;
    return cell > 0 ? Math.ceil(fr / cell) * cell : fr;
  }

  /** A packet leaves switch sw: its buffer (shared or headroom) is freed; PFC may resume the ingress. */
  release(sw: number, id: number): void {
    const pool = this.pool;
    const fr = this.size(id);
    const inPort = pool.pk[id * PK + PK_INGRESS];
    const o = sw * SW;
    if (inPort < 0) {
      this.sw[o + S_SHARED] -= fr;
      return;
    }
    // Only lossless packets carry their ingress.
    const cls = pool.cls(id);
    const ig = this.ig;
    const g = (inPort * this.nl + this.lossIdx[cls] - 1) * IG;
    if (pool.pk[id * PK + PK_BITS] & B_HDRM) ig[g + G_HDRM] -= fr;
    else {
      const fromShared = this.shared(g);
      ig[g + G_ING] -= fr;
      this.sw[o + S_SHARED] -= Math.min(fromShared, fr);
    }
    // PFC-04's resume rule: headroom empty, and the queue back within its reserve or resumeOffset below XOFF.
    if (!ig[g + G_PAUSED] || ig[g + G_HDRM] > 0) return;
    const used = this.shared(g);
    if (used === 0 || used + this.resumeOffset <= this.xoff(sw)) {
      ig[g + G_PAUSED] = 0;
      this.pfc.resume(inPort, cls);
    }
  }
}
