import { describe, expect, it } from 'vitest';
import type { HpccParams } from '../core/network.ts';
import { HpccSender } from './hpcc.ts';
import { INT_HOP, INT_QLEN, INT_RATE, INT_REC, INT_TS, INT_TX } from './packets.ts';

// HPCC's sender on hand-made INT records, against Algorithm 1 of the paper worked by hand.
const B = 100e9;
const T = 10e6; // 10 us in ps
const BDP = (B * T) / 8e12; // 125,000 bytes
const params = (over: Partial<HpccParams> = {}): HpccParams => ({
  lineRateBps: B,
  eta: 0.95,
  maxStage: 0,
  additiveIncreaseBps: 40e6,
  minRateBps: 100e6,
  baseRttPs: T,
  ...over,
});
const WAI = (40e6 * T) / 8e12; // 50 bytes

/** One packet's INT record with one hop: time, bytes the port sent before it, its queue. */
function record(rec: Float64Array, id: number, ts: number, tx: number, qlen: number): void {
  const o = id * INT_REC;
  rec[o] = 1;
  rec[o + 1 + INT_TS] = ts;
  rec[o + 1 + INT_TX] = tx;
  rec[o + 1 + INT_QLEN] = qlen;
  rec[o + 1 + INT_RATE] = B;
}

describe('HPCC sender (Algorithm 1 of Li et al., SIGCOMM 2019)', () => {
  it('starts at line rate with the window W_init = B x T', () => {
    const s = new HpccSender(1, () => params());
    expect(s.rate[0]).toBe(B);
    expect(s.win[0]).toBeCloseTo(BDP, 6);
  });

  it('a link at line rate with a queue of half a BDP: U = 1.5, W = W_init eta / U + W_AI', () => {
    const s = new HpccSender(1, () => params());
    const rec = new Float64Array(2 * INT_REC + INT_HOP);
    record(rec, 0, 0, 0, BDP / 2);
    s.onAck(0, rec, 0, 1, 10); // the first ACK only records the INT
    expect(s.rate[0]).toBe(B);
    // A whole T later the port sent B x T bytes and still holds BDP / 2: u = 1 + 0.5; tau = T, so U = u.
    record(rec, 1, T, BDP, BDP / 2);
    s.onAck(0, rec, 1, 11, 20);
    const w = (BDP * 0.95) / 1.5 + WAI;
    expect(s.win[0]).toBeCloseTo(w, 6);
    expect(s.rate[0]).toBeCloseTo((w * 8e12) / T, 0);
  });

  it('U is an EWMA weighted by the sampling interval: tau = T/4 moves it a quarter of the way', () => {
    const s = new HpccSender(1, () => params());
    const rec = new Float64Array(2 * INT_REC + INT_HOP);
    record(rec, 0, 0, 0, BDP);
    s.onAck(0, rec, 0, 1, 10);
    // Line rate over T/4 and a queue of one BDP: u = 1 + 1 = 2; U = 0.75 x 1 + 0.25 x 2 = 1.25 (U starts at 1).
    record(rec, 1, T / 4, BDP / 4, BDP);
    s.onAck(0, rec, 1, 11, 20);
    expect(s.win[0]).toBeCloseTo((BDP * 0.95) / 1.25 + WAI, 6);
  });

  it('fast react: ACKs within the same RTT set W from Wc without moving Wc', () => {
    const s = new HpccSender(1, () => params());
    const rec = new Float64Array(4 * INT_REC + INT_HOP);
    record(rec, 0, 0, 0, BDP);
    s.onAck(0, rec, 0, 1, 10);
    record(rec, 1, T, BDP, BDP); // U = 1 + 1 = 2
    s.onAck(0, rec, 1, 11, 20); // a new RTT: Wc = BDP x 0.95 / 2 + W_AI, lastUpdateSeq = 20
    const wc = (BDP * 0.95) / 2 + WAI;
    expect(s.win[0]).toBeCloseTo(wc, 6);
    record(rec, 2, 2 * T, 2 * BDP, BDP); // U stays 2: W = Wc x 0.95 / 2 + W_AI, Wc unchanged
    s.onAck(0, rec, 2, 12, 21);
    expect(s.win[0]).toBeCloseTo((wc * 0.95) / 2 + WAI, 6);
    record(rec, 3, 3 * T, 3 * BDP, BDP); // still seq 13 <= 20: the same W again, not compounded
    s.onAck(0, rec, 3, 13, 22);
    expect(s.win[0]).toBeCloseTo((wc * 0.95) / 2 + WAI, 6);
  });

  it('maxStage: below eta it adds W_AI per RTT for maxStage RTTs, then scales Wc by eta / U', () => {
    const s = new HpccSender(1, () => params({ maxStage: 2 }));
    const rec = new Float64Array(6 * INT_REC + INT_HOP);
    // First bring W down: a full link with a queue of 4 BDP gives U = 5.
    record(rec, 0, 0, 0, 4 * BDP);
    s.onAck(0, rec, 0, 1, 10);
    record(rec, 1, T, BDP, 4 * BDP);
    s.onAck(0, rec, 1, 11, 20);
    let wc = (BDP * 0.95) / 5 + WAI;
    expect(s.win[0]).toBeCloseTo(wc, 6);
    // Then the link at half rate and empty: U = 0.5 < eta. Two additive RTTs, then a multiplicative one.
    let tx = BDP;
    const expected = [wc + WAI, wc + 2 * WAI, ((wc + 2 * WAI) * 0.95) / 0.5 + WAI];
    for (let k = 0; k < 3; k++) {
      tx += BDP / 2;
      record(rec, 2 + k, (2 + k) * T, tx, 0);
      s.onAck(0, rec, 2 + k, 21 + 10 * k, 30 + 10 * k);
      expect(s.win[0], `RTT ${k + 1}`).toBeCloseTo(expected[k], 6);
    }
    wc = expected[2];
    expect(s.rate[0]).toBeCloseTo((wc * 8e12) / T, 0);
  });

  it('keeps the rate between the minimum rate and line rate', () => {
    const s = new HpccSender(1, () => params());
    const rec = new Float64Array(2 * INT_REC + INT_HOP);
    record(rec, 0, 0, 0, 1e9);
    s.onAck(0, rec, 0, 1, 10);
    record(rec, 1, T, BDP, 1e9); // a 1 GB queue: U = 8,001
    s.onAck(0, rec, 1, 11, 20);
    expect(s.rate[0]).toBeCloseTo(100e6, 0);
  });
});

// Why HPCC's fairness at N = 8 hangs on the queue each flow's packets see (docs/dcqcn.md, "HPCC fairness"): a
// flow's window settles where W = W eta / U + W_AI, at W* = W_AI U / (U - eta), and U - eta is only
// N R_AI / B (0.32% at N = 8, R_AI = 40 Mb/s at 100G). A per-flow difference s in U moves the share by about
// s / (U - eta), so Jain >= 0.99 (coefficient of variation <= 0.1005) needs the flows' U to agree within
// 0.1005 N R_AI / B: 43 bytes of queue in the bottleneck test's 134 KB BDP.
describe("HPCC's fixed point and its sensitivity to a per-flow difference in U", () => {
  const N = 8;
  const X = (N * 40e6) / B; // U - eta at the fixed point of N equal flows
  /** Runs QP q for `rtts` RTTs on a link carrying eta B with `qlen` bytes queued: U = eta + qlen / BDP. */
  function settle(s: HpccSender, q: number, qlen: number, rtts: number): void {
    const rec = new Float64Array(INT_REC + INT_HOP);
    for (let k = 0; k <= rtts; k++) {
      // tau = T: U takes the sample u at once; ackSeq passes lastUpdateSeq: Wc moves every ACK.
      record(rec, 0, k * T, k * 0.95 * BDP, qlen);
      s.onAck(q, rec, 0, 10 * k + 1, 10 * k + 10);
    }
  }

  it('W settles at W_AI U / (U - eta): the fair share of N flows when U - eta = N R_AI / B', () => {
    const s = new HpccSender(1, () => params());
    // The contraction per RTT is eta / U = 1 - 0.34%: 6,000 RTTs leave (eta / U)^6000 ~ 2e-9 of the start.
    settle(s, 0, X * BDP, 6000);
    const U = 0.95 + X;
    expect(s.win[0]).toBeCloseTo((WAI * U) / X, 3);
    // As a share of the link: W* / BDP = (R_AI / B) U / X = U / N, N flows filling U.
    expect(s.win[0] / BDP).toBeCloseTo(U / N, 6);
  });

  it('flows whose U differ by +-0.1005 (U - eta) share the link with Jain 0.99', () => {
    const s = new HpccSender(N, () => params());
    const spread = 0.1005 * X;
    for (let q = 0; q < N; q++) settle(s, q, (X + (q % 2 ? spread : -spread)) * BDP, 6000);
    const w = Array.from(s.win);
    const sum = w.reduce((a, b) => a + b, 0);
    const jain = (sum * sum) / (N * w.reduce((a, b) => a + b * b, 0));
    // Windows W_AI (U +- spread) / (X +- spread), four of each: coefficient of variation about spread / X, so
    // Jain about 1 / (1 + 0.1005^2) = 0.99000 (the numerator's +-0.03% lifts it to 0.99007).
    const U = 0.95 + X;
    const hi = (U + spread) / (X + spread);
    const lo = (U - spread) / (X - spread);
    expect(jain).toBeCloseTo((hi + lo) ** 2 / (2 * (hi * hi + lo * lo)), 6);
    expect(jain).toBeCloseTo(0.99, 3);
  });
});
