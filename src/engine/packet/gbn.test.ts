import { describe, expect, it } from 'vitest';
import { validationCase } from '../../../test/helpers/cases.ts';
import { frameErrorProbability, gbnUtilization } from './gbn.ts';

describe('go-back-N utilization, closed form (GBN-01, GBN-02)', () => {
  it('reproduces the textbook T1 example: 1.544 Mb/s, 3000 km, 250 B frames, BER 1e-4, window 30 (absolute 0.001)', () => {
    const c = validationCase('GBN-01');
    const s = c.setup as {
      link_bps: number;
      distance_km: number;
      prop_ns_per_m: number;
      frame_bytes: number;
      ber: number;
      window_N: number;
    };
    const e = c.expect as { p_frame: number; t_fr_s: number; t_pr_s: number; U: number };
    const p = frameErrorProbability(s.frame_bytes, s.ber);
    const tFr = (s.frame_bytes * 8) / s.link_bps;
    const tPr = s.distance_km * 1000 * s.prop_ns_per_m * 1e-9;
    expect(Math.abs(p - e.p_frame)).toBeLessThanOrEqual(1e-4);
    expect(Math.abs(tFr - e.t_fr_s)).toBeLessThanOrEqual(1e-6);
    expect(tPr).toBeCloseTo(e.t_pr_s, 9);
    expect(Math.abs(gbnUtilization(tFr, tPr, p, s.window_N) - e.U)).toBeLessThanOrEqual(c.tolerance.value!);
  });

  it('a window short of the round trip stalls: the small-window branch is below the large-window one', () => {
    const c = validationCase('GBN-01');
    const s = c.setup as { link_bps: number; frame_bytes: number; ber: number };
    const tFr = (s.frame_bytes * 8) / s.link_bps;
    const p = frameErrorProbability(s.frame_bytes, s.ber);
    // N = 5 covers 5 tFr of a 2 tPr + tFr = 24 tFr round trip: at most 5/24 of the link even without errors.
    const u5 = gbnUtilization(tFr, 0.015, p, 5);
    expect(u5).toBeLessThan(gbnUtilization(tFr, 0.015, p, 30));
    expect(u5).toBeLessThanOrEqual((5 * tFr) / (0.03 + tFr));
  });

  it('gives the GBN-02 utilizations at 100G data-centre RTT (relative 5%)', () => {
    const c = validationCase('GBN-02');
    const s = c.setup as { rate_gbps: number; frame_bytes: number; rtt_ns: number };
    const want = (c.expect as { utilization_at_loss: Record<string, number> }).utilization_at_loss;
    const tFr = (s.frame_bytes * 8) / (s.rate_gbps * 1e9);
    // The case's RTT includes one frame time: 2 tPr = rtt - tFr; the window covers the BDP.
    const tPr = (s.rtt_ns * 1e-9 - tFr) / 2;
    for (const [key, u] of Object.entries(want)) {
      const got = gbnUtilization(tFr, tPr, Number(key), 1e9);
      expect(Math.abs(got - u) / u, `loss ${key}: ${got} vs ${u}`).toBeLessThanOrEqual(c.tolerance.value!);
    }
  });
});
