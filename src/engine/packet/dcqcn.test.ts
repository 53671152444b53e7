import { describe, expect, it } from 'vitest';
import { validationCase } from '../../../test/helpers/cases.ts';
import { simulateYaml } from '../../../test/helpers/simulate.ts';
import { createRandom } from '../../base/random.ts';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import { parseScenario } from '../../scenario/load.ts';
import { DCQCN_PROFILE_VALUES, DEFAULT_DCQCN_PROFILE } from '../core/dcqcn-profiles.ts';
import { createEventQueue } from '../core/index.ts';
import { resolveDcqcn, resolveNetwork } from '../core/network.ts';
import { DcqcnNp, type DcqcnParams, DcqcnRp, ecnBeforePfc, ecnMarkProbability } from './dcqcn.ts';

const rel = (got: number, want: number, tol: number) =>
  expect(
    Math.abs(got - want) / Math.abs(want),
    `got ${got}, expected ${want} (relative tolerance ${tol})`,
  ).toBeLessThanOrEqual(tol);

function paperParams(lineRateBps: number): DcqcnParams {
  // DCQCN-01 defaults.
  const c = validationCase('DCQCN-01').expect as Record<string, number>;
  return {
    algorithm: 'paper',
    lineRateBps,
    g: c.g,
    alphaIntervalPs: c.alpha_update_interval_us * 1e6,
    rateTimerPs: c.rate_increase_timer_T_us * 1e6,
    byteCounter: c.byte_counter_B_bytes,
    fastRecoverySteps: c.fast_recovery_steps_F,
    additiveIncreaseBps: c.R_AI_mbps * 1e6,
    hyperIncreaseBps: 200e6,
    minRateBps: 100e6,
    rateDecreaseIntervalPs: 0,
    clampTargetRate: true,
  };
}

/** Drives one QP's reaction point through timer events on the engine's event queue, as the engine does. */
function driveRp(events: { cnpAt: number[]; untilPs: number; bytesPerPs?: number }) {
  const p = paperParams(40e9);
  const rp = new DcqcnRp(1, () => p);
  const q = createEventQueue();
  const log: { t: number; rc: number; rt: number; alpha: number }[] = [];
  for (const t of events.cnpAt) q.push(t, 1, 0, 0);
  let lastT = 0;
  while (q.pop() && q.t <= events.untilPs) {
    const t = q.t;
    if (events.bytesPerPs) rp.onBytesSent(0, (t - lastT) * events.bytesPerPs);
    lastT = t;
    if (q.kind === 1) {
      rp.onCnp(0);
      q.push(t + p.alphaIntervalPs, 2, 0, ++rp.alphaGen[0]);
      q.push(t + p.rateTimerPs, 3, 0, rp.rateGen[0]);
    } else if (q.kind === 2 && q.b === rp.alphaGen[0]) {
      rp.onAlphaTimer(0);
      q.push(t + p.alphaIntervalPs, 2, 0, q.b);
    } else if (q.kind === 3 && q.b === rp.rateGen[0]) {
      rp.onRateTimer(0);
      q.push(t + p.rateTimerPs, 3, 0, q.b);
    }
    log.push({ t, rc: rp.rc[0], rt: rp.rt[0], alpha: rp.alpha[0] });
  }
  return { rp, log };
}

describe('DCQCN reaction point, driven through timer events (DCQCN-02, DCQCN-03)', () => {
  it('a CNP cuts R_C by alpha/2 using alpha before its update (DCQCN-02)', () => {
    const c = validationCase('DCQCN-02');
    const e = c.expect as { after_cnp: { R_T_gbps: number; R_C_gbps: number; alpha: number } };
    const { rp } = driveRp({ cnpAt: [0], untilPs: 0 });
    rel(rp.rt[0] / 1e9, e.after_cnp.R_T_gbps, c.tolerance.value!);
    rel(rp.rc[0] / 1e9, e.after_cnp.R_C_gbps, c.tolerance.value!);
    rel(rp.alpha[0], e.after_cnp.alpha, c.tolerance.value!);
  });

  it('alpha decays by (1-g) every idle period (DCQCN-02)', () => {
    const c = validationCase('DCQCN-02');
    const want = (c.expect as { alpha_after_k_idle_periods: Record<string, number> }).alpha_after_k_idle_periods;
    const tau = 55e6;
    const { log } = driveRp({ cnpAt: [0], untilPs: 512 * tau });
    for (const [key, alpha] of Object.entries(want)) {
      const k = Number.parseInt(key, 10);
      const at = log.filter((x) => x.t <= k * tau).at(-1)!;
      rel(at.alpha, alpha, c.tolerance.value!);
    }
  });

  it('five fast-recovery steps, then additive increase capped at line rate (DCQCN-03)', () => {
    const c = validationCase('DCQCN-03');
    const e = c.expect as {
      R_C_gbps_at_us: Record<string, number>;
      first_AI_step_at_330us: { R_T_gbps: number; R_C_gbps: number };
    };
    const { log } = driveRp({ cnpAt: [0], untilPs: 400e6 });
    for (const [us, rc] of Object.entries(e.R_C_gbps_at_us)) {
      const at = log.filter((x) => x.t <= Number(us) * 1e6).at(-1)!;
      rel(at.rc / 1e9, rc, c.tolerance.value!);
    }
    const ai = log.filter((x) => x.t <= 330e6).at(-1)!;
    rel(ai.rt / 1e9, e.first_AI_step_at_330us.R_T_gbps, c.tolerance.value!);
    rel(ai.rc / 1e9, e.first_AI_step_at_330us.R_C_gbps, c.tolerance.value!);
  });

  it('CNPs 50 us apart (DCQCN-04) beat the 55 us timer: R_T follows R_C down, recovery then needs AI steps (the paper tail)', () => {
    // Each CNP resets both counters and re-arms the timer and the alpha timer (DCQCN-02/03), so with CNPs every
    // 50 us neither fires: alpha stays (1-g) 1 + g = 1, each cut halves R_C, and R_T = R_C before it.
    const cnpAt = Array.from({ length: 8 }, (_, i) => i * 50e6);
    const { log } = driveRp({ cnpAt, untilPs: 350e6 + 18 * 55e6 });
    const at = (t: number) => log.filter((x) => x.t <= t).at(-1)!;
    rel(at(350e6).rc, 40e9 / 2 ** 8, 1e-9);
    rel(at(350e6).rt, 40e9 / 2 ** 7, 1e-9);
    expect(at(350e6).alpha).toBe(1);
    // Then 5 fast-recovery steps toward that R_T and AI steps of 40 Mb/s per 55 us (DCQCN-03): 18 timer events
    // after the last CNP R_T is 40G/2^7 + 13 x 40 Mb/s, 2% of line rate; line rate is (40 - 0.3) / 0.04 x 55 us
    // = 55 ms away. Without the clamp (hpcc-ns3's CLAMP_TARGET_RATE 0) R_T would still be 40G.
    rel(at(350e6 + 18 * 55e6).rt, 40e9 / 2 ** 7 + 13 * 40e6, 1e-9);
  });

  it('the byte counter cannot fire before B bytes: 2 ms at 40G, 4 ms at 20G (DCQCN-03)', () => {
    const p = paperParams(40e9);
    const rp = new DcqcnRp(1, () => p);
    rp.onCnp(0);
    const stage0 = rp.byteStage[0];
    // 20 Gb/s for just under 4 ms: no byte-counter stage yet; the last byte of the 4th ms fires it.
    rp.onBytesSent(0, (20e9 / 8) * 3.999e-3);
    expect(rp.byteStage[0]).toBe(stage0);
    rp.onBytesSent(0, (20e9 / 8) * 0.001e-3);
    expect(rp.byteStage[0]).toBe(stage0 + 1);
  });
});

describe('DCQCN notification point (DCQCN-04)', () => {
  it('at most one CNP per 50 us per flow: 20 CNPs in 1 ms of continuous marking at 40G, 1500 B frames', () => {
    const c = validationCase('DCQCN-04');
    const e = c.expect as { cnps_in_1ms: number; marked_packets_per_50us: number };
    const np = new DcqcnNp(1, 50e6);
    const gap = (1500 * 8e12) / 40e9; // one full-sized frame every 300 ns at 40G
    let cnps = 0;
    let packets = 0;
    for (let t = 0; t < 1e9; t += gap) {
      packets++;
      if (np.shouldSend(0, t)) cnps++;
    }
    expect(Math.abs(cnps - e.cnps_in_1ms)).toBeLessThanOrEqual(c.tolerance.value!);
    expect(Math.abs(packets / 20 - e.marked_packets_per_50us)).toBeLessThanOrEqual(1);
  });
});

describe('ECN marking probability (ECN-01)', () => {
  const c = validationCase('ECN-01');
  const e = c.expect as { p_at_queue_KB: Record<string, number>; dcqcn_defaults_p_at_102_5KB?: number };
  const s = c.setup as { Kmin_KB: number; Kmax_KB: number; Pmax: number };

  it('is RED-shaped: 0 up to Kmin, linear to Pmax at Kmax, 1 above (exact)', () => {
    for (const [kb, p] of Object.entries(e.p_at_queue_KB))
      expect(ecnMarkProbability(Number(kb) * 1000, s.Kmin_KB * 1000, s.Kmax_KB * 1000, s.Pmax), `${kb} KB`).toBeCloseTo(
        p,
        12,
      );
    expect(ecnMarkProbability(102.5e3, 5e3, 200e3, 0.01)).toBeCloseTo(0.005, 12);
  });

  it('marks 10% of 10^6 departures at a queue pinned at 1000 KB (within 3 sigma = 0.0009)', () => {
    const rng = createRandom(7, 'ecn-01');
    const prob = ecnMarkProbability(1000e3, s.Kmin_KB * 1000, s.Kmax_KB * 1000, s.Pmax);
    let marked = 0;
    const n = 1e6;
    for (let i = 0; i < n; i++) if (rng.uniform() < prob) marked++;
    expect(Math.abs(marked / n - 0.1)).toBeLessThanOrEqual(3 * Math.sqrt((0.1 * 0.9) / n));
  });
});

describe('DCQCN fixed point at packet level (DCQCN-05)', () => {
  const c = validationCase('DCQCN-05');
  const want = (c.expect as { C100G: Record<string, { q_exact_KB: number }> }).C100G;

  it.each([2, 4])(
    '%i flows into one 100G port: time-averaged queue within 35% of q* (second half of a 400 MB run)',
    (n) => {
      const senders = Array.from({ length: n }, (_, i) => `h${i + 1}`).join(', ');
      // DCQCN-01 parameters (the paper's fluid model) and ECN thresholds, 1 KB packets (1048 B frames), feedback delay well under 4 us.
      const r = simulateYaml(`
fabric: {topology: leaf-spine, hosts: 32, nic: 100G, switch: aurcore-32x100g}
network: {pfc: true, ecn: {kmin: 5KB, kmax: 200KB, pmax: 0.01}, cc: dcqcn, dcqcn: {profile: paper}, mtu: 1000, headerBytes: 48, sampleInterval: 1us}
traffic: [{pattern: incast, senders: [${senders}], receiver: h0, bytes: ${400 / n}MB}]
`);
      const port = r.ports[0];
      expect(port.peer).toBe('h0');
      // Alpha starts at 1 and decays with a 14 ms time constant: average over the second half, at steady state.
      const end = Math.min(...r.flows.map((f) => f.endPs));
      const lo = end / 2;
      const ticks = (end - lo) / 1e6;
      const mean = port.series.filter(([t]) => t >= lo && t <= end).reduce((a, [, b]) => a + b, 0) / ticks;
      const q = want[`N${n}`].q_exact_KB * 1000;
      expect(
        Math.abs(mean - q) / q,
        `mean queue ${(mean / 1e3).toFixed(2)} KB vs q* ${q / 1e3} KB`,
      ).toBeLessThanOrEqual(0.35);
    },
  );
});

describe('named DCQCN profiles (DCQCN-01, ECN-02)', () => {
  it('paper is the DCQCN-01 parameter set, exactly', () => {
    const e = validationCase('DCQCN-01').expect as Record<string, number>;
    const p = resolveDcqcn({ profile: 'paper' }, 40e9);
    expect(p.algorithm).toBe('paper');
    expect(p.g).toBe(e.g);
    expect(p.alphaIntervalPs).toBe(e.alpha_update_interval_us * 1e6);
    expect(p.rateTimerPs).toBe(e.rate_increase_timer_T_us * 1e6);
    expect(p.byteCounter).toBe(e.byte_counter_B_bytes);
    expect(p.fastRecoverySteps).toBe(e.fast_recovery_steps_F);
    expect(p.additiveIncreaseBps).toBe(e.R_AI_mbps * 1e6);
    expect(p.clampTargetRate).toBe(true);
    expect(DCQCN_PROFILE_VALUES.paper.cnpIntervalPs).toBe(e.cnp_min_interval_us * 1e6);
  });

  it('hpcc-ns3 is run.py --cc dcqcn at 100G, R_AI and R_HAI scaled per 25G (ECN-02)', () => {
    const e = (validationCase('ECN-02').expect as { dcqcn: Record<string, number> }).dcqcn;
    const p = resolveDcqcn({ profile: 'hpcc-ns3' }, 100e9);
    expect(p.algorithm).toBe('connectx');
    expect(p.alphaIntervalPs).toBe(e.ALPHA_RESUME_INTERVAL_us * 1e6);
    expect(p.rateDecreaseIntervalPs).toBe(e.RATE_DECREASE_INTERVAL_us * 1e6);
    expect(p.rateTimerPs).toBe(e.RP_TIMER_us * 1e6);
    expect(p.g).toBe(e.EWMA_GAIN);
    expect(p.fastRecoverySteps).toBe(e.FAST_RECOVERY_TIMES);
    expect(p.additiveIncreaseBps).toBeCloseTo(e.RATE_AI_mbps * 1e6, 3);
    expect(p.hyperIncreaseBps).toBeCloseTo(e.RATE_HAI_mbps * 1e6, 3);
    expect(p.minRateBps).toBe(e.MIN_RATE_mbps * 1e6);
    expect(p.clampTargetRate).toBe(e.CLAMP_TARGET_RATE === 1);
    // run.py: ai = 5 x bw/25, hai = 50 x bw/25 Mb/s, so 4x at 400G; an override wins over the profile.
    expect(resolveDcqcn({ profile: 'hpcc-ns3' }, 400e9).additiveIncreaseBps).toBeCloseTo(4 * e.RATE_AI_mbps * 1e6, 3);
    expect(resolveDcqcn({ profile: 'hpcc-ns3', additiveIncrease: 5e6 }, 400e9).additiveIncreaseBps).toBe(5e6);
  });

  it("connectx is hpcc-ns3's reaction point with ConnectX's notification point: one CNP per 4 us per port", () => {
    const { cnpIntervalPs, cnpScope, ...rp } = DCQCN_PROFILE_VALUES.connectx;
    const { cnpIntervalPs: _i, cnpScope: _s, ...ns3 } = DCQCN_PROFILE_VALUES['hpcc-ns3'];
    expect(rp).toEqual(ns3);
    // NVIDIA "DCQCN parameters": min_time_between_cnps 4 us, "from the port" (mstflint); ns-3 flags every ACK.
    expect(cnpIntervalPs).toBe(4e6);
    expect(cnpScope).toBe('port');
    expect(DCQCN_PROFILE_VALUES['hpcc-ns3'].cnpIntervalPs).toBe(0);
    expect(DEFAULT_DCQCN_PROFILE).toBe('connectx');
  });

  it('the default ECN thresholds are KMIN/KMAX/PMAX of run.py at 100G and 400G (ECN-02)', () => {
    const e = validationCase('ECN-02').expect as {
      KMIN_KB: Record<string, number>;
      KMAX_KB: Record<string, number>;
      PMAX: number;
    };
    const catalog = loadCatalog([]);
    const s = parseScenario('fabric: {topology: leaf-spine, hosts: 32, nic: 100G, switch: aurcore-32x400g}', catalog);
    const f = designFabric(s.fabric, catalog).fabric;
    const net = resolveNetwork(s.network, f, catalog);
    for (const gbps of [100, 400]) {
      const link = f.links.findIndex((l) => l.rateBps === gbps * 1e9);
      expect(link, `a ${gbps}G link`).toBeGreaterThanOrEqual(0);
      const t = net.ecn(link);
      expect(t.kmin).toBeCloseTo(e.KMIN_KB[`${gbps}G`] * 1000, 6);
      expect(t.kmax).toBeCloseTo(e.KMAX_KB[`${gbps}G`] * 1000, 6);
      expect(t.pmax).toBe(e.PMAX);
    }
  });
});

describe('ConnectX reaction point (hpcc-ns3: rdma-hw.cc *Mlx, DCQCN-02 notes)', () => {
  const p = resolveDcqcn({ profile: 'hpcc-ns3' }, 100e9);
  const fresh = () => new DcqcnRp(1, () => p);

  it('the first CNP sets alpha to 1 and keeps the rate; the check 4 us later halves it (same 50% as DCQCN-02)', () => {
    const rp = fresh();
    const at = rp.onCnpConnectx(0, 0);
    expect(at).toBe(p.rateDecreaseIntervalPs + 1000);
    expect(rp.rc[0]).toBe(100e9);
    expect(rp.onCnpConnectx(0, 1.5e6)).toBe(-1); // one check queued at a time
    expect(rp.onDecreaseCheck(0, at)).toBe(true);
    // Alpha ticks at 1, 2, 3, 4 us: the one at 2 us follows the second CNP and adds g, the others decay.
    const g = p.g;
    const alpha = ((1 - g) ** 2 + g) * (1 - g) ** 2;
    expect(rp.alpha[0]).toBeCloseTo(alpha, 12);
    expect(rp.rc[0]).toBeCloseTo(100e9 * (1 - alpha / 2), 0);
    expect(rp.rt[0]).toBe(100e9);
  });

  it('alpha decays by (1-g) per idle microsecond, applied lazily', () => {
    const rp = fresh();
    rp.onCnpConnectx(0, 0);
    rp.advanceAlpha(0, 256e6);
    expect(rp.alpha[0]).toBeCloseTo((1 - p.g) ** 256, 12);
  });

  it('R_T is not clamped by cuts in a row, only after an increase step (CLAMP_TARGET_RATE 0)', () => {
    const rp = fresh();
    let t = 0;
    for (let i = 0; i < 3; i++) {
      const at = rp.onCnpConnectx(0, t);
      rp.onDecreaseCheck(0, at);
      t = at;
    }
    expect(rp.rt[0]).toBe(100e9);
    const cut = rp.rc[0];
    // Stage 0 < F = 1: fast recovery halfway to R_T; stage 1 = F: R_T + R_AI (capped); then hyper steps.
    rp.onRateTimer(0);
    expect(rp.rc[0]).toBeCloseTo((cut + 100e9) / 2, 0);
    const rc1 = rp.rc[0];
    const at = rp.onCnpConnectx(0, t + 1e6);
    rp.onDecreaseCheck(0, at);
    expect(rp.rt[0]).toBe(rc1);
    rp.onRateTimer(0);
    rp.onRateTimer(0);
    expect(rp.rt[0]).toBeCloseTo(rc1 + p.additiveIncreaseBps, 0);
    rp.onRateTimer(0);
    expect(rp.rt[0]).toBeCloseTo(rc1 + p.additiveIncreaseBps + p.hyperIncreaseBps, 0);
  });
});

describe('ECN before PFC on a shared buffer (ECN-03)', () => {
  it("reproduces the paper's Trident II numbers (relative 0.001)", () => {
    const c = validationCase('ECN-03');
    const s = c.setup as { B_bytes: number; n_ports: number; priorities: number; t_flight_bytes: number; beta: number };
    const e = c.expect as {
      t_PFC_static_max_bytes: number;
      t_ECN_dynamic_max_bytes: number;
      t_ECN_static_max_bytes: number;
    };
    const got = ecnBeforePfc({
      bufferBytes: s.B_bytes,
      ports: s.n_ports,
      priorities: s.priorities,
      flightBytes: s.t_flight_bytes,
      beta: s.beta,
    });
    rel(got.pfcStaticMax, e.t_PFC_static_max_bytes, c.tolerance.value!);
    rel(got.ecnDynamicMax, e.t_ECN_dynamic_max_bytes, c.tolerance.value!);
    rel(got.ecnStaticMax, e.t_ECN_static_max_bytes, c.tolerance.value!);
  });
});
