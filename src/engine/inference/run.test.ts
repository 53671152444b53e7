// The simulator's elements wired by runService, on a zero-delay network with hand-placed arrivals, so that each
// expected time follows from the models' own formulas (llm.ts: iteration times linear in tokens and batch).
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../base/random.ts';
import { inferenceSchema } from '../../scenario/schema.ts';
import type { Arrival, ArrivalSource } from '../../workload/inference/arrivals.ts';
import { ZeroNetwork } from './network.ts';
import { runService } from './run.ts';

/** Arrivals at the given times (ms), each with the same token counts. */
function arrivalsAt(ms: number[], input = 1000, output = 5): ArrivalSource {
  let i = 0;
  return {
    next: (): Arrival | null => (i < ms.length ? { timeNs: ms[i++] * 1e6, input, output } : null),
    describe: 'listed',
    meanRatePerS: 0,
  };
}

function run(service: Record<string, unknown>, arrivals: ArrivalSource) {
  const spec = inferenceSchema.parse({ arrivals: { poisson: '1/s' }, requests: 1, ...service });
  return runService({
    item: 0,
    spec,
    arrivals,
    replicaHosts: Int32Array.from({ length: spec.replicas }, (_, i) => i + 1),
    border: 0,
    network: new ZeroNetwork(),
    rngService: createRandom(1, 'service'),
    rngBalancer: createRandom(1, 'balancer'),
    hashSalt: 1,
    networkFaults: [],
    maxTimeNs: Number.POSITIVE_INFINITY,
  });
}

// Defaults (schema.ts): prefill 15 ms + 60 us per input token, decode 20 ms + 150 us per sequence.
const PREFILL_1000_MS = 15 + 0.06 * 1000;
const DECODE_1_MS = 20 + 0.15;

describe('inference service elements (zero network delay)', () => {
  it('an LLM request alone: TTFT is one prefill iteration, then one decode iteration per further token', () => {
    const r = run({ replicas: 1 }, arrivalsAt([0])).requests;
    expect(r.completed).toBe(1);
    expect(r.ttftMs.mean).toBeCloseTo(PREFILL_1000_MS, 6);
    expect(r.tpotMs.mean).toBeCloseTo(DECODE_1_MS, 6);
    expect(r.latencyMs.mean).toBeCloseTo(PREFILL_1000_MS + 4 * DECODE_1_MS, 6);
  });

  it('a request waits for KV-cache room: admitted when the one before it has finished', () => {
    const out = run({ replicas: 1, service: { llm: { kvTokens: 1500 } } }, arrivalsAt([0, 0]));
    const first = PREFILL_1000_MS + 4 * DECODE_1_MS;
    expect(out.requests.ttftMs.p99).toBeCloseTo(first + PREFILL_1000_MS, 6);
    expect(out.check.maxKvSeen).toBe(1005);
  });

  it('round-robin alternates replicas, so every second request queues behind the one before it', () => {
    const r = run(
      { replicas: 2, service: { deterministic: '10ms' }, balancer: 'round-robin' },
      arrivalsAt([0, 1, 2, 3]),
    ).requests;
    expect(r.latencyMs.p50).toBeCloseTo(10, 9);
    expect(r.latencyMs.p99).toBeCloseTo(18, 9);
    expect(r.queueMs.mean).toBeCloseTo(4, 9);
  });

  it('a replica fault fails the attempt there; it is retried elsewhere and the replica is ejected', () => {
    const out = run(
      { replicas: 2, service: { deterministic: '10ms' }, faults: [{ replica: 0, at: '5ms' }] },
      arrivalsAt([0, 6]),
    );
    const r = out.requests;
    // Request 0: replica 0 until the fault at 5 ms, then replica 1 (5..15 ms). Request 1 (6 ms) goes to replica 1
    // too, because replica 0 is ejected, and waits for it (15..25 ms): no second failure.
    expect(r.completed).toBe(2);
    expect(r.retries).toBe(1);
    expect(r.latencyMs.p50).toBeCloseTo(15, 9);
    expect(r.latencyMs.p99).toBeCloseTo(19, 9);
    expect(r.faults[0]).toMatchObject({ target: 'replica 0', requests: 2, retried: 1, recoveryMs: 0 });
  });

  it('disaggregation hands the KV cache to a decode server after the first token', () => {
    const out = run(
      { replicas: 2, disaggregation: { prefillReplicas: 1, kvBytesPerToken: 1000 } },
      arrivalsAt([0], 1000, 5),
    );
    const r = out.requests;
    expect(r.kvBytes).toBe(1000 * 1000);
    expect(r.ttftMs.mean).toBeCloseTo(PREFILL_1000_MS, 6);
    expect(r.latencyMs.mean).toBeCloseTo(PREFILL_1000_MS + 4 * DECODE_1_MS, 6);
    // The largest KV use is the decode server's (input + output); the prefill server held only the input's.
    expect(out.check.maxKvSeen).toBe(1005);
  });
});
