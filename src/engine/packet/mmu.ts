// A switch's memory management unit: one shared buffer per switch, with PFC headroom reserved per ingress port
// (PFC-02) out of it. The lossless class is accounted per ingress port against a dynamic XOFF threshold (alpha x
// free shared buffer, PFC-04) and asks pfc.ts for PAUSE and resume; other classes get a dynamic threshold on
// their egress queue (alpha x free buffer) and tail drop. Each lossless ingress queue may hold a reserve before it
// counts against the shared pool (PFC-04: HPCC's switch-mmu.cc). With `network.bufferCell` every frame takes whole
// cells, as switch ASICs account their buffer. Leaves out egress-side reserves, per-port alpha and multicast.
import type { NetworkConfig } from '../core/network.ts';
import { B_HDRM, C_ROCE, NC, type PacketPool, PK, PK_BITS, PK_INGRESS } from './packets.ts';
import type { Pfc } from './pfc.ts';
import type { Ports } from './port.ts';
import type { Topology } from './topology.ts';

export class Mmu {
  readonly bufferBytes: Float64Array;
  readonly sharedUsed: Float64Array;
  readonly maxShared: Float64Array;
  /** Per switch: headroom and per-queue reserves, set aside from the shared pool. */
  readonly hdrmReserved: Float64Array;
  /** Per ingress port x class: bytes held in the shared buffer and in headroom. */
  private readonly ingBytes: Float64Array;
  private readonly hdrmBytes: Float64Array;
  /** Headroom per ingress port, and the most each ingress queue held in it. */
  readonly hdrmCap: Float64Array;
  readonly maxHdrm: Float64Array;
  /** Lossless packets dropped past the headroom (the invariant: never with enough headroom). */
  losslessOverflowDrops = 0;
  private readonly pfcOn: boolean;
  private readonly cell: number;
  private readonly reserve: number;

  constructor(
    topo: Topology,
    private readonly net: NetworkConfig,
    private readonly pool: PacketPool,
    private readonly ports: Ports,
    private readonly pfc: Pfc,
  ) {
    const N = topo.N;
    const P = topo.P;
    this.bufferBytes = new Float64Array(N);
    for (let n = 0; n < N; n++) this.bufferBytes[n] = topo.isHost[n] ? 0 : net.bufferBytes(n);
    this.sharedUsed = new Float64Array(N);
    this.maxShared = new Float64Array(N);
    this.hdrmReserved = new Float64Array(N);
    this.ingBytes = new Float64Array(P * NC);
    this.hdrmBytes = new Float64Array(P * NC);
    this.hdrmCap = new Float64Array(P);
    this.maxHdrm = new Float64Array(P * NC);
    this.pfcOn = net.pfc;
    this.cell = net.cellBytes;
    this.reserve = net.pfc ? net.pfcReserve : 0;
    if (net.pfc) {
      // Headroom and the reserve are set aside at the switch the port feeds into (its ingress).
      for (let p = 0; p < P; p++) {
        const to = topo.portTo[p];
        if (topo.isHost[to]) continue;
        this.hdrmCap[p] = net.headroomBytes(p >> 1);
        this.hdrmReserved[to] += this.hdrmCap[p] + this.reserve;
      }
    }
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
    const B = this.bufferBytes[sw];
    if (this.pfcOn && cls === C_ROCE) return this.admitLossless(sw, id, inPort, fr);
    const k = out * NC + cls;
    if (this.sharedUsed[sw] + fr > B || this.ports.qBytes[k] + fr > this.net.bufferAlpha * (B - this.sharedUsed[sw])) {
      pool.drop(id, 'buffer');
      return false;
    }
    this.sharedUsed[sw] += fr;
    if (this.sharedUsed[sw] > this.maxShared[sw]) this.maxShared[sw] = this.sharedUsed[sw];
    pool.pk[id * PK + PK_INGRESS] = -1;
    return true;
  }

  private admitLossless(sw: number, id: number, inPort: number, fr: number): boolean {
    const cls = C_ROCE;
    const pool = this.pool;
    const k = inPort * NC + cls;
    const xoff = this.xoff(sw);
    const shared = this.bufferBytes[sw] - this.hdrmReserved[sw];
    // PFC-04: the bytes past the queue's reserve come from the shared pool, up to the XOFF threshold.
    const over = this.ingBytes[k] + fr - this.reserve;
    const toShared = over <= 0 ? 0 : Math.min(fr, over);
    if (this.hdrmBytes[k] === 0 && (over <= 0 || (over <= xoff && this.sharedUsed[sw] + toShared <= shared))) {
      this.ingBytes[k] += fr;
      this.sharedUsed[sw] += toShared;
      if (this.sharedUsed[sw] > this.maxShared[sw]) this.maxShared[sw] = this.sharedUsed[sw];
      pool.pk[id * PK + PK_BITS] &= ~B_HDRM;
    } else if (this.hdrmBytes[k] + fr <= this.hdrmCap[inPort]) {
      this.hdrmBytes[k] += fr;
      if (this.hdrmBytes[k] > this.maxHdrm[k]) this.maxHdrm[k] = this.hdrmBytes[k];
      pool.pk[id * PK + PK_BITS] |= B_HDRM;
    } else {
      this.losslessOverflowDrops++;
      pool.drop(id, 'buffer');
      this.pfc.pause(inPort, cls);
      return false;
    }
    const pk = pool.pk;
    pk[id * PK + PK_INGRESS] = inPort;
    if (pk[id * PK + PK_BITS] & B_HDRM || this.queueShared(k) >= xoff) this.pfc.pause(inPort, cls);
    return true;
  }

  /** XOFF threshold of every lossless ingress queue of switch sw: alpha x the free shared pool (PFC-04). */
  xoff(sw: number): number {
    const free = this.bufferBytes[sw] - this.hdrmReserved[sw] - this.sharedUsed[sw];
    return free > 0 ? free * this.net.pfcAlpha : 0;
  }

  /** Bytes an ingress queue (port x class) holds in the shared pool: past its reserve, not in headroom. */
  queueShared(k: number): number {
    return Math.max(this.ingBytes[k] - this.reserve, 0);
  }

  /** Bytes an ingress queue holds in its headroom. */
  queueHeadroom(k: number): number {
    return this.hdrmBytes[k];
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
    if (inPort < 0) {
      this.sharedUsed[sw] -= fr;
      return;
    }
    const cls = pool.cls(id);
    const k = inPort * NC + cls;
    if (pool.pk[id * PK + PK_BITS] & B_HDRM) this.hdrmBytes[k] -= fr;
    else {
      const fromShared = this.queueShared(k);
      this.ingBytes[k] -= fr;
      this.sharedUsed[sw] -= Math.min(fromShared, fr);
    }
    // PFC-04's resume rule: headroom empty, and the queue back within its reserve or resumeOffset below XOFF.
    if (!this.pfc.pauseSent[k] || this.hdrmBytes[k] > 0) return;
    const used = this.queueShared(k);
    if (used === 0 || used + this.net.resumeOffset <= this.xoff(sw)) this.pfc.resume(inPort, cls);
  }
}
