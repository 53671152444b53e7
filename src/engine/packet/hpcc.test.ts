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
