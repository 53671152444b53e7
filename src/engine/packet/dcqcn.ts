// DCQCN (Zhu et al., SIGCOMM 2015; CoNEXT 2016 restatement): the reaction point (per-QP rate control at
// the sender) and the notification point (CNP pacing at the receiver). State lives in typed arrays indexed
// by QP id; the engine calls these on its own events (CNP arrival, RP timer, rate timer, bytes sent). Two
// reaction points (dcqcn-profiles.ts): the paper's, and ConnectX firmware's as HPCC's ns-3 model has it
// (rdma-hw.cc, the *Mlx functions). Leaves out ConnectX's rpg_min_dec_fac bound and rate_to_set_on_first_cnp.

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
  /**
   * connectx: alpha ticks every alphaInterval from the first CNP, whether or not CNPs come; they are applied
   * lazily (at the next CNP or cut) from the anchor and the count already applied, so an idle QP costs no
   * events. `cnpInPeriod` and `cutPending` are the firmware's two CNP-arrived bits (alpha, rate decrease).
   */
  readonly anchor: Float64Array;
  readonly ticksDone: Float64Array;
  readonly cnpInPeriod: Uint8Array;
  readonly cutPending: Uint8Array;
  /** connectx: a rate-decrease check is queued. */
  readonly checkQueued: Uint8Array;
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
    this.anchor = new Float64Array(n);
    this.ticksDone = new Float64Array(n);
    this.cnpInPeriod = new Uint8Array(n);
    this.cutPending = new Uint8Array(n);
    this.checkQueued = new Uint8Array(n);
    // Line-rate start (DCQCN-01 initial_rate; rdma-hw.cc AddQueuePair m_rate = m_targetRate = line rate).
    for (let q = 0; q < n; q++) {
      const r = p(q).lineRateBps;
      this.rc[q] = r;
      this.rt[q] = r;
    }
  }

  /**
   * paper: CNP received: R_T = R_C; R_C = R_C (1 - alpha/2); alpha = (1-g) alpha + g (DCQCN-02: the cut uses
   * alpha before its update). Resets the increase stages; the engine re-arms both timers from now, so
   * alpha decays only after a full period without CNPs.
   */
  onCnp(q: number): void {
    const p = this.p(q);
    // With clamping off (a connectx option tried on the paper's algorithm), R_T holds until an increase ran.
    if (p.clampTargetRate || this.timerStage[q] !== 0 || this.byteStage[q] !== 0) this.rt[q] = this.rc[q];
    this.rc[q] = Math.max(p.minRateBps, this.rc[q] * (1 - this.alpha[q] / 2));
    this.alpha[q] = (1 - p.g) * this.alpha[q] + p.g;
    this.resetStages(q);
    this.active[q] = 1;
    this.rateGen[q]++;
    this.cuts++;
  }

  private resetStages(q: number): void {
    this.timerStage[q] = 0;
    this.byteStage[q] = 0;
    this.bytesSince[q] = 0;
  }

  /**
   * connectx: CNP received at `now` (rdma-hw.cc cnp_received_mlx). Sets both CNP-arrived bits; the first CNP
   * sets alpha to 1 and starts the alpha ticks (rate unchanged: RateOnFirstCnp 1.0). Returns the time of the
   * rate-decrease check to queue (the next point of the check grid anchored at the first CNP), or -1 when
   * one is already queued. The grid starts 1 ns after the alpha grid so a check follows a same-time tick.
   */
  onCnpConnectx(q: number, now: number): number {
    const p = this.p(q);
    if (!this.active[q]) {
      this.active[q] = 1;
      this.alpha[q] = 1;
      this.anchor[q] = now;
      this.ticksDone[q] = 0;
      this.cnpInPeriod[q] = 0;
    } else {
      this.advanceAlpha(q, now);
      this.cnpInPeriod[q] = 1;
    }
    this.cutPending[q] = 1;
    if (this.checkQueued[q]) return -1;
    this.checkQueued[q] = 1;
    const first = this.anchor[q] + 1000;
    const I = p.rateDecreaseIntervalPs;
    const k = Math.max(1, Math.floor((now - first) / I) + 1);
    return first + k * I;
  }

  /**
   * connectx: the rate-decrease check (rdma-hw.cc CheckRateDecreaseMlx). Cuts R_C by alpha/2 if a CNP came
   * since the last cut; R_T follows R_C only if an increase step ran since (CLAMP_TARGET_RATE 0) or clamping
   * is on. Returns true when it cut (the engine restarts the rate-increase timer).
   */
  onDecreaseCheck(q: number, now: number): boolean {
    this.checkQueued[q] = 0;
    if (!this.cutPending[q]) return false;
    const p = this.p(q);
    this.advanceAlpha(q, now);
    if (p.clampTargetRate || this.timerStage[q] !== 0) this.rt[q] = this.rc[q];
    this.rc[q] = Math.max(p.minRateBps, this.rc[q] * (1 - this.alpha[q] / 2));
    this.cutPending[q] = 0;
    this.resetStages(q);
    this.rateGen[q]++;
    this.cuts++;
    return true;
  }

  /**
   * connectx alpha (rdma-hw.cc UpdateAlphaMlx; DOCA dce_tcp_g/dce_tcp_rtt): at each tick alpha = (1-g) alpha,
   * plus g if a CNP came in the period. Applies the ticks up to `now`: the first carries the CNP bit, the
   * rest (no CNP in between, or this would have run) are plain decays.
   */
  advanceAlpha(q: number, now: number): void {
    const p = this.p(q);
    const due = Math.floor((now - this.anchor[q]) / p.alphaIntervalPs);
    const k = due - this.ticksDone[q];
    if (k <= 0) return;
    this.alpha[q] = (1 - p.g) * this.alpha[q] + (this.cnpInPeriod[q] ? p.g : 0);
    if (k > 1) this.alpha[q] *= (1 - p.g) ** (k - 1);
    this.cnpInPeriod[q] = 0;
    this.ticksDone[q] = due;
  }

  /** paper: alpha timer, tau' after the last CNP or the last decay: alpha = (1-g) alpha (DCQCN-02 Eq. 2). */
  onAlphaTimer(q: number): void {
    this.alpha[q] = (1 - this.p(q).g) * this.alpha[q];
  }

  /** Rate timer (every T): one timer stage and an increase step, in the order each algorithm has them. */
  onRateTimer(q: number): void {
    if (this.p(q).algorithm === 'connectx') {
      this.increaseConnectx(q);
      this.timerStage[q]++;
      return;
    }
    this.timerStage[q]++;
    this.increase(q);
  }

  /** Bytes sent by the QP; every B bytes is one byte-counter stage and an increase step (paper only). */
  onBytesSent(q: number, bytes: number): void {
    if (!this.active[q]) return;
    const B = this.p(q).byteCounter;
    if (B <= 0) return;
    this.bytesSince[q] += bytes;
    while (this.bytesSince[q] >= B) {
      this.bytesSince[q] -= B;
      this.byteStage[q]++;
      this.increase(q);
    }
  }

  /**
   * paper increase step (DCQCN-03): fast recovery while max(T, BC) <= F: R_C = (R_T + R_C)/2; hyper increase
   * when min(T, BC) > F: R_T += i R_HAI; otherwise additive: R_T += R_AI, then R_C = (R_T + R_C)/2. R_T is
   * capped at line rate (HPCC rdma-hw.cc).
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

  /**
   * connectx increase step (rdma-hw.cc RateIncEventMlx), by the stage before this timer: below F fast recovery,
   * at F one additive step (R_T += R_AI), above F hyper (R_T += R_HAI each); R_T capped at line rate, then
   * R_C = (R_T + R_C)/2.
   */
  private increaseConnectx(q: number): void {
    const p = this.p(q);
    const s = this.timerStage[q];
    const F = p.fastRecoverySteps;
    if (s >= F) {
      this.rt[q] += s === F ? p.additiveIncreaseBps : p.hyperIncreaseBps;
      if (this.rt[q] > p.lineRateBps) this.rt[q] = p.lineRateBps;
    }
    this.rc[q] = (this.rt[q] + this.rc[q]) / 2;
  }
}

/**
 * Notification point: at most one CNP per key per interval. The key is the flow (DCQCN-04) or, for ConnectX, the
 * receiving port: its min_time_between_cnps spaces CNPs from the port over all QPs (dcqcn-profiles.ts).
 */
export class DcqcnNp {
  readonly lastCnp: Float64Array;
  constructor(
    n: number,
    readonly intervalPs: number,
  ) {
    this.lastCnp = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  }
  /** A CE-marked packet with key q (flow or receiving host) arrived at time t: true when a CNP is sent now. */
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

/**
 * ECN before PFC on a shared-buffer switch (DCQCN SIGCOMM'15 buffer settings; ECN-03): with B bytes of buffer,
 * n ports, `priorities` lossless classes each holding t_flight of headroom, the static PFC threshold may be at
 * most (B - 8 n t_flight) / (8 n); with a dynamic threshold of factor beta, ECN must mark below
 * beta (B - 8 n t_flight) / (8 n (beta + 1)) to act before PFC; a static ECN threshold below t_PFC / n.
 * Uses `priorities` where the paper writes 8.
 */
export function ecnBeforePfc(o: {
  bufferBytes: number;
  ports: number;
  priorities: number;
  flightBytes: number;
  beta: number;
}): { pfcStaticMax: number; ecnDynamicMax: number; ecnStaticMax: number } {
  const shared = o.bufferBytes - o.priorities * o.ports * o.flightBytes;
  const pfcStaticMax = shared / (o.priorities * o.ports);
  return {
    pfcStaticMax,
    ecnDynamicMax: (o.beta * shared) / (o.priorities * o.ports * (o.beta + 1)),
    ecnStaticMax: pfcStaticMax / o.ports,
  };
}
