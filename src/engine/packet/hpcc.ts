// HPCC's sender (Li et al., "HPCC: High Precision Congestion Control", SIGCOMM 2019, Algorithm 1): each ACK
// echoes the INT records the switches stamped on the data packet (port.ts); the sender turns each hop's
// transmitted bytes and queue into a normalized in-flight estimate U, keeps the most loaded hop, and sets its
// window W (and its pacing rate W / T) so that U approaches eta. A reference window Wc changes once per RTT;
// the ACKs in between react at once from Wc without moving it (fast react). State lives in typed arrays indexed
// by QP. Leaves out HPCC's per-hop rates (the reference's MULTI_RATE, off in its runs), PINT, and INT's field
// widths and units (records hold exact values).
import { type HpccParams, INT_MAX_HOPS } from '../core/network.ts';
import { INT_HOP, INT_QLEN, INT_RATE, INT_REC, INT_TS, INT_TX } from './packets.ts';

export class HpccSender {
  /** Pacing rate R = W / T (bits per second) and window W (payload bytes in flight). */
  readonly rate: Float64Array;
  readonly win: Float64Array;
  /** Reference window Wc, moved once per RTT. */
  private readonly wc: Float64Array;
  /** U: the EWMA of the most loaded hop's normalized in-flight bytes (rdma-queue-pair.cc starts it at 1). */
  private readonly u: Float64Array;
  private readonly incStage: Int32Array;
  /** snd_nxt when Wc last moved; 0 until the first ACK (its INT is the first sample, nothing to compare). */
  private readonly lastUpdateSeq: Int32Array;
  /** The previous INT record per QP and hop (ts, txBytes, qlen, rate). */
  private readonly last: Float64Array;
  /** Per QP: W_AI and the window bounds (bytes), from its NIC's parameters. */
  private readonly wai: Float64Array;
  private readonly wMin: Float64Array;
  private readonly wMax: Float64Array;
  private readonly eta: number;
  private readonly maxStage: number;
  /** T in picoseconds. */
  readonly baseRttPs: number;

  /** n QPs (0 when HPCC is off: nothing is allocated and `params` is never called). */
  constructor(n: number, params: (qp: number) => HpccParams) {
    this.rate = new Float64Array(n);
    this.win = new Float64Array(n);
    this.wc = new Float64Array(n);
    this.u = new Float64Array(n).fill(1);
    this.incStage = new Int32Array(n);
    this.lastUpdateSeq = new Int32Array(n);
    this.last = new Float64Array(n * INT_MAX_HOPS * INT_HOP);
    this.wai = new Float64Array(n);
    this.wMin = new Float64Array(n);
    this.wMax = new Float64Array(n);
    const p0 = n > 0 ? params(0) : null;
    this.eta = p0?.eta ?? 1;
    this.maxStage = p0?.maxStage ?? 0;
    this.baseRttPs = p0?.baseRttPs ?? 1;
    const T = this.baseRttPs;
    for (let q = 0; q < n; q++) {
      const p = params(q);
      // A window of W bytes per T is a rate of W x 8 / T: W_init = B x T, the bandwidth-delay product.
      this.wMax[q] = (p.lineRateBps * T) / 8e12;
      this.wMin[q] = (p.minRateBps * T) / 8e12;
      this.wai[q] = (p.additiveIncreaseBps * T) / 8e12;
      this.wc[q] = this.wMax[q];
      this.win[q] = this.wMax[q];
      this.rate[q] = p.lineRateBps;
    }
  }

  /**
   * An ACK of QP q (ackSeq: the next packet the receiver expects) arrives carrying the INT record of packet
   * `id` in `rec`; sndNxt is the sender's next new packet. NewAck of Algorithm 1.
   */
  onAck(q: number, rec: Float64Array, id: number, ackSeq: number, sndNxt: number): void {
    const o = id * INT_REC;
    const hops = rec[o];
    if (this.lastUpdateSeq[q] === 0) {
      this.remember(q, rec, o, hops);
      this.lastUpdateSeq[q] = sndNxt;
      return;
    }
    if (!this.measureInflight(q, rec, o, hops)) return;
    const update = ackSeq > this.lastUpdateSeq[q];
    this.computeWind(q, update);
    if (update) this.lastUpdateSeq[q] = sndNxt;
  }

  /**
   * MeasureInflight: per hop u = txRate / B + min(qlen, last qlen) / (B T) (Algorithm 1; rdma-hw.cc
   * UpdateRateHp); the largest, weighted by its sampling interval tau <= T, feeds the EWMA U. Returns false when
   * no hop gave a sample (no INT, or a record that is not newer than the last: a changed path).
   */
  private measureInflight(q: number, rec: Float64Array, o: number, hops: number): boolean {
    const T = this.baseRttPs;
    const last = this.last;
    let umax = -1;
    let tau = 0;
    for (let i = 0; i < hops; i++) {
      const h = o + 1 + i * INT_HOP;
      const k = (q * INT_MAX_HOPS + i) * INT_HOP;
      const dt = rec[h + INT_TS] - last[k + INT_TS];
      const dBytes = rec[h + INT_TX] - last[k + INT_TX];
      if (dt > 0 && dBytes >= 0) {
        const B = rec[h + INT_RATE];
        const qlen = Math.min(rec[h + INT_QLEN], last[k + INT_QLEN]);
        const u = (dBytes * 8e12) / dt / B + (qlen * 8e12) / (B * T);
        if (u > umax) {
          umax = u;
          tau = dt;
        }
      }
      last[k + INT_TS] = rec[h + INT_TS];
      last[k + INT_TX] = rec[h + INT_TX];
      last[k + INT_QLEN] = rec[h + INT_QLEN];
      last[k + INT_RATE] = rec[h + INT_RATE];
    }
    if (umax < 0) return false;
    if (tau > T) tau = T;
    this.u[q] = (this.u[q] * (T - tau) + umax * tau) / T;
    return true;
  }

  /**
   * ComputeWind: multiplicative W = Wc / (U / eta) + W_AI when U >= eta or after maxStage additive steps, else
   * W = Wc + W_AI; the reference window moves only once per RTT (`update`). W is kept between the minimum rate
   * and line rate times T (rdma-hw.cc bounds the rate the same way).
   */
  private computeWind(q: number, update: boolean): void {
    const U = this.u[q];
    let w: number;
    let stage: number;
    if (U >= this.eta || this.incStage[q] >= this.maxStage) {
      w = this.wc[q] / (U / this.eta) + this.wai[q];
      stage = 0;
    } else {
      w = this.wc[q] + this.wai[q];
      stage = this.incStage[q] + 1;
    }
    if (w < this.wMin[q]) w = this.wMin[q];
    if (w > this.wMax[q]) w = this.wMax[q];
    if (update) {
      this.wc[q] = w;
      this.incStage[q] = stage;
    }
    this.win[q] = w;
    this.rate[q] = (w * 8e12) / this.baseRttPs;
  }

  private remember(q: number, rec: Float64Array, o: number, hops: number): void {
    for (let i = 0; i < hops; i++) {
      const h = o + 1 + i * INT_HOP;
      const k = (q * INT_MAX_HOPS + i) * INT_HOP;
      this.last[k + INT_TS] = rec[h + INT_TS];
      this.last[k + INT_TX] = rec[h + INT_TX];
      this.last[k + INT_QLEN] = rec[h + INT_QLEN];
      this.last[k + INT_RATE] = rec[h + INT_RATE];
    }
  }
}
