// Issue 5: inference services on access/aggregation fabrics. Trace replay against the published trace figures,
// burstiness, oversubscription of the access layer, and failures. Numbers are printed so a reader can check them.
import { describe, expect, it } from 'vitest';
import type { RequestsResult } from '../../src/result/types.ts';
import { loadTrace } from '../../src/workload/inference/trace.ts';
import { requestsOf, runInferenceYaml } from '../helpers/simulate.ts';

const SEED_FABRIC =
  'fabric: {topology: access-aggregation, hosts: 48, nic: 25G, switch: aurcore-48x25g-8x100g, spineSwitch: aurcore-32x100g}';

function okInvariants(r: ReturnType<typeof runInferenceYaml>) {
  for (const i of r.invariants) expect(i.ok, `${i.name}: ${i.detail}`).toBe(true);
}

describe('trace replay', () => {
  // The traces' README: 19,366 and 8,819 requests; 5.53 and 2.57 per second (requests / span); mean context
  // 1,155 and 2,048 tokens (1,154.70 and 2,047.85). Checked to the printed digit.
  const published = { conv: [19366, 5.53, 1155], code: [8819, 2.57, 2048] } as const;
  for (const [name, [count, rate, ctx]] of Object.entries(published)) {
    it(`${name}: arrivals, rate and mean context equal the published figures`, () => {
      const r = runInferenceYaml(
        `${SEED_FABRIC}\ntraffic:\n  - inference: {arrivals: {trace: ${name}}, replicas: 16, network: zero}\n`,
        'analytic',
      );
      okInvariants(r);
      const q = requestsOf(r);
      console.log(
        `${name}: ${q.count} requests, ${q.arrivalRatePerS.toFixed(4)}/s over ${q.spanS.toFixed(2)} s, mean context ${q.meanInputTokens.toFixed(2)}`,
      );
      expect(q.count).toBe(count);
      expect(q.completed).toBe(count);
      expect(Math.abs(q.arrivalRatePerS - rate)).toBeLessThanOrEqual(0.005);
      expect(Math.abs(q.meanInputTokens - ctx)).toBeLessThanOrEqual(0.5);
    });
  }

  it('the bursty code trace has a worse p99 than a Poisson stream of the same mean rate on the same servers', () => {
    const p99s = (arrivals: string) =>
      [1, 2, 3, 4, 5, 6].map(
        (seed) =>
          requestsOf(
            runInferenceYaml(
              `${SEED_FABRIC}
traffic:
  - inference:
      arrivals: ${arrivals}
      requests: 8819
      tokens: {sample: code}
      replicas: 3
      balancer: power-of-two
`,
              'analytic',
              seed,
            ),
          ).latencyMs.p99,
      );
    // Same mean rate as the trace: 8,819 requests over its span.
    const trace = p99s('{trace: code}');
    const pois = p99s('{poisson: 2.56669/s}');
    const ci = (x: number[]) => {
      const m = x.reduce((a, b) => a + b, 0) / x.length;
      const sd = Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1));
      return { mean: m, half: (2.571 * sd) / Math.sqrt(x.length) }; // Student t, 5 degrees of freedom
    };
    const a = ci(trace);
    const b = ci(pois);
    console.log(
      `p99 latency over 6 seeds: code trace ${a.mean.toFixed(0)} +- ${a.half.toFixed(0)} ms, Poisson ${b.mean.toFixed(0)} +- ${b.half.toFixed(0)} ms (95% CI)`,
    );
    expect(a.mean - b.mean).toBeGreaterThan(Math.max(a.half, b.half));
    expect(a.mean - a.half).toBeGreaterThan(b.mean + b.half);
  });
});

describe('oversubscription of the access layer (48x25G down, 8x100G up: 1.5:1)', () => {
  // 48 servers under one access switch send 10 MB responses up its 8 x 100G uplinks. The load is the response
  // bytes per second over the uplinks' 800 Gb/s. A server serves one request at a time (4 ms), so it never sends
  // two responses at once below saturation: only the uplinks can be shared.
  // At 95% the uplinks' queues grow through the whole run (no steady state: the ratio is 3.8 after 2,000 requests,
  // 6.3 after 5,000, 8.2 after 10,000, 9.6 after 20,000), so its first 5,000 requests show it more than doubles
  // the latency three times over, for a fifth of the CPU of 20,000 (1.2 s against 5.4 s). The points below
  // saturation, whose 5% bounds are statistical, keep 20,000 requests.
  const at = (load: number): RequestsResult => {
    const perS = (load * 800e9) / (10e6 * 8);
    const r = runInferenceYaml(`${SEED_FABRIC}
traffic:
  - inference:
      arrivals: {poisson: ${perS}/s}
      requests: ${load >= 0.9 ? 5000 : 20000}
      replicas: 48
      balancer: round-robin
      service: {deterministic: 4ms}
      bytes: {request: 2KB, response: 10MB}
`);
    okInvariants(r);
    return requestsOf(r);
  };
  // Per uplink this is close to an M/M/4 processor-sharing queue (ECMP hashes each flow onto one of the 8 uplinks,
  // each carries 4 flows at 25G): mean slowdown about 1 + C(4, 4 rho) / (4 (1 - rho)) with Erlang C, i.e. 1.007 at
  // 25%, 1.031 at 40%, 1.051 at 45% and 1.087 at 50% of the uplink capacity. So ECMP collisions alone cross 5%
  // just below half load; the 5% bound is asserted at 25% and 40% and the 45% and 50% figures are printed.
  it('network latency stays within 5% of the unloaded value at 25% and 40% of the uplink capacity, and at least doubles at 95%', () => {
    const rows = [0.25, 0.4, 0.45, 0.5, 0.95].map((load) => {
      const q = at(load);
      return {
        load,
        network: q.networkMs.mean,
        unloaded: q.networkUnloadedMs.mean,
        ratio: q.networkMs.mean / q.networkUnloadedMs.mean,
      };
    });
    console.table(rows);
    expect(rows[0].ratio).toBeLessThan(1.05);
    expect(rows[1].ratio).toBeLessThan(1.05);
    expect(rows[4].ratio).toBeGreaterThanOrEqual(2);
    // Monotonic in the load.
    for (let i = 1; i < rows.length; i++) expect(rows[i].ratio).toBeGreaterThan(rows[i - 1].ratio);
  });
});

describe('failures', () => {
  it('a replica fails and comes back: every request is completed, retried or counted failed; the window is reported', () => {
    const r = runInferenceYaml(`${SEED_FABRIC}
traffic:
  - inference:
      arrivals: {poisson: 40/s}
      duration: 20s
      tokens: {input: 500, output: 50}
      replicas: 8
      retries: 1
      ejectFor: 2s
      faults: [{replica: 0, at: 5s, until: 10s}]
`);
    okInvariants(r);
    const q = requestsOf(r);
    const f = q.faults[0];
    console.log('replica fault:', f, `overall availability ${q.availability}`);
    expect(q.count).toBe(q.completed + q.failed + q.inFlight);
    expect(q.inFlight).toBe(0);
    expect(q.retries).toBeGreaterThan(0);
    expect(f.target).toBe('replica 0');
    expect(f.atMs).toBe(5000);
    expect(f.untilMs).toBe(10000);
    expect(f.requests).toBeGreaterThan(0);
    expect(f.retried).toBeGreaterThan(0);
    expect(f.recoveryMs).toBeGreaterThanOrEqual(0);
    expect(f.recoveryMs).toBeLessThanOrEqual(5000 + 2000); // down 5 s; a last probe can fail as ejection ends
    // Requests in decode when the replica died had streamed tokens already: they fail (no silent loss).
    expect(q.failed).toBeGreaterThan(0);
    expect(f.availability).toBeLessThan(1);
    expect(f.p99LatencyMs).toBeGreaterThan(0);
  });

  it('an access switch fails: its servers become unreachable, requests are retried elsewhere or fail, none vanish', () => {
    const r = runInferenceYaml(`
fabric: {topology: access-aggregation, hosts: 96, nic: 25G, switch: aurcore-48x25g-8x100g, spineSwitch: aurcore-32x100g}
network: {failures: [{switch: access0, at: 5s}], detectionDelay: 50ms}
traffic:
  - inference:
      arrivals: {poisson: 40/s}
      duration: 15s
      tokens: {input: 500, output: 50}
      replicas: 8
      retries: 2
`);
    okInvariants(r);
    const q = requestsOf(r);
    const f = q.faults.find((x) => x.target === 'switch access0');
    console.log('access switch fault:', f, `overall availability ${q.availability}`);
    expect(f).toBeDefined();
    expect(q.count).toBe(q.completed + q.failed + q.inFlight);
    expect(q.inFlight).toBe(0);
    expect(q.retries + q.failed).toBeGreaterThan(0);
    expect(f?.availability).toBeGreaterThan(0.5);
    expect(f?.recoveryMs).toBeGreaterThan(0);
  });
});

describe('prefill/decode disaggregation', () => {
  const yaml = (dis: string) => `
fabric: {topology: access-aggregation, hosts: 96, nic: 25G, switch: aurcore-48x25g-8x100g, spineSwitch: aurcore-32x100g}
traffic:
  - inference:
      arrivals: {trace: conv, duration: 300s}
      replicas: 8
${dis}`;
  it('moves each KV cache east-west at the NIC rate, and removes prefill stalls from the token gaps', () => {
    const split = runInferenceYaml(
      yaml('      disaggregation: {prefillReplicas: 3, kvBytesPerToken: 320KiB}'),
      'analytic',
    );
    const joint = runInferenceYaml(yaml(''), 'analytic');
    okInvariants(split);
    const q = requestsOf(split);
    const j = requestsOf(joint);
    expect(q.completed).toBe(q.count);
    // Every request's input KV crosses the fabric once: east-west bytes = sum of input tokens x 320 KiB.
    const kv = q.meanInputTokens * q.count * 327_680;
    expect(Math.abs((q.kvBytes ?? 0) - kv) / kv).toBeLessThan(1e-9);
    expect(split.traffic?.eastWestBytes).toBe(q.kvBytes);
    // Without contention a KV transfer takes bytes / (25 Gb/s x payload share of a 4096 B frame) + path latency
    // (a few us): the mean within 0.1%.
    const rate = (25e9 / 8) * (4096 / (4096 + 62 + 20));
    const want = (q.meanInputTokens * 327_680) / rate / 1e-3;
    console.log(
      `disaggregated: KV transfer mean ${q.kvTransferMs?.mean.toFixed(2)} ms (closed form ${want.toFixed(2)} ms); token-gap jitter ${q.tokenGapMs.jitter.toFixed(2)} ms vs ${j.tokenGapMs.jitter.toFixed(2)} ms colocated; TTFT p99 ${q.ttftMs.p99.toFixed(1)} vs ${j.ttftMs.p99.toFixed(1)} ms`,
    );
    expect(Math.abs((q.kvTransferMs?.mean ?? 0) - want) / want).toBeLessThan(1e-3);
    expect(q.tokenGapMs.jitter).toBeLessThan(j.tokenGapMs.jitter / 4);
  });
});

describe('KV-cache limit', () => {
  it('a request larger than a replica KV cache fails at once, without a retry or an ejection; the rest complete', () => {
    const r = runInferenceYaml(`${SEED_FABRIC}
traffic:
  - inference:
      arrivals: {trace: conv, duration: 120s}
      replicas: 4
      service: {llm: {kvTokens: 4000}}
`);
    okInvariants(r);
    const q = requestsOf(r);
    // Trace requests whose input + output tokens exceed 4,000 cannot be served anywhere: exactly those fail.
    const t = loadTrace('conv');
    let big = 0;
    for (let i = 0; i < t.timesNs.length && t.timesNs[i] <= 120e9; i++)
      if (t.inputTokens[i] + t.outputTokens[i] > 4000) big++;
    expect(big).toBeGreaterThan(0);
    expect(q.failed).toBe(big);
    expect(q.retries).toBe(0);
    expect(q.completed + q.failed).toBe(q.count);
  });
});
