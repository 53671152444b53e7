// DCQCN (Zhu et al., SIGCOMM 2015; CoNEXT 2016 restatement): the reaction point (per-QP rate control at
// the sender) and the notification point (CNP pacing at the receiver). State lives in typed arrays indexed
// by QP id; the engine calls these on its own events (CNP arrival, alpha timer, rate timer, bytes sent).

import type { DcqcnParams } from '../core/network.ts';

export type { DcqcnParams };

/** Per-QP reaction point state (struct of arrays). */
export class DcqcnRp {
  readonly rc: Float64Array;
  readonly rt: Float64Array;
  readonly alpha: Float64Array;
  /** Timer and byte-counter stages since the last cut. */
  readonly timerStage: Int32Array;
  readonly byteStage: Int32Array;
  readonly bytesSince: Float64Array;
  /** Has this QP ever been cut (timers run only after the first cut: line-rate start). */
  readonly active: Uint8Array;
  /** Generation counters: a timer event carries the generation it was armed in; stale ones are ignored. */
  readonly rateGen: Int32Array;
  readonly alphaGen: Int32Array;
  cuts = 0;

  constructor(
    readonly n: number,
    readonly p: (qp: number) => DcqcnParams,
  ) {
    this.rc = new Float64Array(n);
    this.rt = new Float64Array(n);
    this.alpha = new Float64Array(n).fill(1);
    this.timerStage = new Int32Array(n);
    this.byteStage = new Int32Array(n);
    this.bytesSince = new Float64Array(n);
    this.active = new Uint8Array(n);
    this.rateGen = new Int32Array(n);
    this.alphaGen = new Int32Array(n);
    for (let q = 0; q < n; q++) {
      const r = p(q).lineRateBps;
      this.rc[q] = r;
      this.rt[q] = r;
    }
  }

  /**
   * CNP received: R_T = R_C; R_C = R_C (1 - alpha/2); alpha = (1-g) alpha + g (DCQCN-02: the cut uses
   * alpha before its update). Resets the increase stages; the engine re-arms both timers from now, so
   * alpha decays only after a full period without CNPs.
   */
  onCnp(q: number): void {
    const p = this.p(q);
    this.rt[q] = this.rc[q];
    this.rc[q] = Math.max(p.minRateBps, this.rc[q] * (1 - this.alpha[q] / 2));
    this.alpha[q] = (1 - p.g) * this.alpha[q] + p.g;
    this.timerStage[q] = 0;
    this.byteStage[q] = 0;
    this.bytesSince[q] = 0;
    this.active[q] = 1;
    this.rateGen[q]++;
    this.cuts++;
  }

  /** Alpha timer, tau' after the last CNP or the last decay: alpha = (1-g) alpha (DCQCN-02 Eq. 2). */
  onAlphaTimer(q: number): void {
    this.alpha[q] = (1 - this.p(q).g) * this.alpha[q];
  }

  /** Rate timer (every T): one timer stage, then an increase step. */
  onRateTimer(q: number): void {
    this.timerStage[q]++;
    this.increase(q);
  }

  /** Bytes sent by the QP; every B bytes is one byte-counter stage and an increase step. */
  onBytesSent(q: number, bytes: number): void {
    if (!this.active[q]) return;
    const B = this.p(q).byteCounter;
    this.bytesSince[q] += bytes;
    while (this.bytesSince[q] >= B) {
      this.bytesSince[q] -= B;
      this.byteStage[q]++;
      this.increase(q);
    }
  }

  /**
   * Increase step (DCQCN-03): fast recovery while max(T, BC) <= F: R_C = (R_T + R_C)/2; hyper increase when
   * min(T, BC) > F: R_T += i R_HAI; otherwise additive: R_T += R_AI, then R_C = (R_T + R_C)/2. R_T is capped
   * at line rate (HPCC rdma-hw.cc).
   */
  private increase(q: number): void {
    const p = this.p(q);
    const T = this.timerStage[q];
    const BC = this.byteStage[q];
    const F = p.fastRecoverySteps;
    if (Math.max(T, BC) > F) {
      if (Math.min(T, BC) > F) this.rt[q] += (Math.min(T, BC) - F) * p.hyperIncreaseBps;
      else this.rt[q] += p.additiveIncreaseBps;
      if (this.rt[q] > p.lineRateBps) this.rt[q] = p.lineRateBps;
    }
    this.rc[q] = (this.rt[q] + this.rc[q]) / 2;
    if (this.rc[q] > p.lineRateBps) this.rc[q] = p.lineRateBps;
  }
}

/** Notification point: at most one CNP per flow per interval (DCQCN-04). */
export class DcqcnNp {
  readonly lastCnp: Float64Array;
  constructor(
    n: number,
    readonly intervalPs: number,
  ) {
    this.lastCnp = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  }
  /** A CE-marked packet of flow q arrived at time t: true when a CNP is to be sent now. */
  shouldSend(q: number, t: number): boolean {
    if (t - this.lastCnp[q] < this.intervalPs) return false;
    this.lastCnp[q] = t;
    return true;
  }
}

/** RED-style marking probability at an egress queue (ECN-01): 0 below Kmin, linear to Pmax at Kmax, 1 above. */
export function ecnMarkProbability(queueBytes: number, kmin: number, kmax: number, pmax: number): number {
  if (queueBytes <= kmin) return 0;
  if (queueBytes > kmax) return 1;
  if (kmax === kmin) return 1;
  return ((queueBytes - kmin) / (kmax - kmin)) * pmax;
}
