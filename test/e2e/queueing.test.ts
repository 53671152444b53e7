// Issue 5: the inference simulator against queueing theory (validation/cases.json ), with the
// network delay set to zero. The cases are dimensionless; they run at a millisecond time scale (lambda = 8 per ms
// stands for 8 per unit). Each run has 10^6 requests. Tolerances are the cases' own: means within 2%, tails
// within 5% (Q-01, Q-02) or 2% (Q-03). Little's law is checked as an invariant of every run: the time-average
// number in system (integrated from the count) against the sum of the times in system.
import { describe, expect, it } from 'vitest';
import { validationCase } from '../helpers/cases.ts';
import { invariant, requestsOf, runInferenceYaml } from '../helpers/simulate.ts';

const N = 1_000_000;

function mmc(service: string, replicas: number, lambdaPerMs: number) {
  const r = runInferenceYaml(`
fabric: {topology: access-aggregation, hosts: 48, nic: 25G, switch: aurcore-48x25g-8x100g, spineSwitch: aurcore-32x100g}
traffic:
  - inference:
      arrivals: {poisson: ${lambdaPerMs}/ms}
      requests: ${N}
      replicas: ${replicas}
      service: {${service}}
      balancer: shared-queue
      network: zero
`);
  for (const i of r.invariants) expect(i.ok, `${i.name}: ${i.detail}`).toBe(true);
  const q = requestsOf(r);
  expect(q.completed).toBe(N);
  return {
    q,
    little: invariant(r, "Little's law: time-average number in system = arrival rate x mean time in system"),
  };
}

const rel = (got: number, want: number) => Math.abs(got - want) / want;

describe('queueing checks (network delay zero, 10^6 requests each)', () => {
  it('Q-01: M/M/1 at rho 0.8: W, Wq, L and the tails of T and Wq', () => {
    const c = validationCase('Q-01');
    const A = (c.expect as { A: Record<string, number> }).A;
    const setup = (c.setup as { A: { lambda: number; mu: number } }).A;
    const { q } = mmc(`exponential: ${1 / setup.mu}ms`, 1, setup.lambda);
    const got = {
      W: q.latencyMs.mean,
      Wq: q.queueMs.mean,
      L: q.meanInSystem,
      T_p50: q.latencyMs.p50,
      T_p99: q.latencyMs.p99,
      Wq_p99: q.queueMs.p99,
    };
    console.log('Q-01 A (M/M/1, 10^6 requests):', got, 'expected', A);
    expect(rel(got.W, A.W)).toBeLessThan(0.02);
    expect(rel(got.Wq, A.Wq)).toBeLessThan(0.02);
    expect(rel(got.L, A.L)).toBeLessThan(0.02); // time-average of the count
    expect(rel(got.T_p50, A.T_p50)).toBeLessThan(0.05);
    expect(rel(got.T_p99, A.T_p99)).toBeLessThan(0.05);
    expect(rel(got.Wq_p99, A.Wq_p99)).toBeLessThan(0.05);
  });

  it('Q-01 B: lambda 16, mu 20 per hour gives Wq 12 and W 15 minutes (run as per ms)', () => {
    const c = validationCase('Q-01');
    const B = (c.expect as { B: Record<string, number> }).B;
    const { q } = mmc('exponential: 0.05ms', 1, 16);
    // 1 ms of the run stands for 1 hour: minutes = ms x 60.
    console.log(
      `Q-01 B (10^6 requests): Wq ${(q.queueMs.mean * 60).toFixed(3)} min, W ${(q.latencyMs.mean * 60).toFixed(3)} min`,
    );
    expect(rel(q.queueMs.mean * 60, B.Wq_min)).toBeLessThan(0.02);
    expect(rel(q.latencyMs.mean * 60, B.W_min)).toBeLessThan(0.02);
  });

  it('Q-02: M/D/1 at rho 0.8 (Pollaczek-Khinchine mean, computed tail)', () => {
    const c = validationCase('Q-02');
    const e = c.expect as Record<string, number>;
    const setup = c.setup as { lambda: number; D: number };
    const { q } = mmc(`deterministic: ${setup.D}ms`, 1, setup.lambda);
    const got = {
      W: q.latencyMs.mean,
      Wq: q.queueMs.mean,
      L: q.meanInSystem,
      Wq_p90: q.queueMs.p90,
      Wq_p99: q.queueMs.p99,
      T_p99: q.latencyMs.p99,
    };
    console.log('Q-02 (M/D/1, 10^6 requests):', got, 'expected', e);
    expect(rel(got.W, e.W)).toBeLessThan(0.02);
    expect(rel(got.Wq, e.Wq)).toBeLessThan(0.02);
    expect(rel(got.L, e.L)).toBeLessThan(0.02);
    expect(rel(got.Wq_p90, e.Wq_p90)).toBeLessThan(0.05);
    expect(rel(got.Wq_p99, e.Wq_p99)).toBeLessThan(0.05);
    expect(rel(got.T_p99, e.T_p99)).toBeLessThan(0.05);
  });

  it('Q-03: M/M/c (Erlang C) with one shared queue: P(wait), Wq, W and the tail', () => {
    const c = validationCase('Q-03');
    const setup = c.setup as Record<'A' | 'B', { c: number; lambda: number; mu: number }>;
    const want = c.expect as Record<'A' | 'B', Record<string, number>>;
    for (const k of ['A', 'B'] as const) {
      const s = setup[k];
      const { q } = mmc(`exponential: ${1 / s.mu}ms`, s.c, s.lambda);
      const got = { P_wait: q.queuedShare, Wq: q.queueMs.mean, W: q.latencyMs.mean, T_p99: q.latencyMs.p99 };
      console.log(`Q-03 ${k} (M/M/${s.c}, 10^6 requests):`, got, 'expected', want[k]);
      expect(rel(got.P_wait, want[k].P_wait)).toBeLessThan(0.02);
      expect(rel(got.Wq, want[k].Wq)).toBeLessThan(0.02);
      expect(rel(got.W, want[k].W)).toBeLessThan(0.02);
      if (want[k].T_p99 !== undefined) expect(rel(got.T_p99, want[k].T_p99)).toBeLessThan(0.02);
    }
  });
});
