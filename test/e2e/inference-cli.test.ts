// `aifabric simulate` and `aifabric capacity` on inference scenarios, through the real CLI.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CapacityResult } from '../../src/engine/inference/capacity.ts';
import type { Result } from '../../src/result/types.ts';
import { smallInference } from '../helpers/scenarios.ts';
import { requestsOf, runInferenceYaml } from '../helpers/simulate.ts';
import { runCli, runMain } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'aifabric-inference-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SMALL = smallInference('600s');

describe('aifabric simulate with an inference item', () => {
  it('prints the latency table and the invariants; --json has the requests block of the issue', async () => {
    const file = join(dir, 'small.yaml');
    writeFileSync(file, SMALL);
    const text = await runMain(['simulate', file]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^flow engine, seed 3: \d+ requests \(trace code/);
    for (const row of ['latency', 'TTFT', 'TPOT', 'queue', 'network'])
      expect(text.stdout).toMatch(new RegExp(`\\n${row} `));
    expect(text.stdout).toMatch(/jitter \(p99 - p50\)/);
    expect(text.stdout).toMatch(/goodput [0-9.]+\/s \(SLO ttft <= 2000 ms\)/);
    expect(text.stdout).not.toMatch(/FAIL/);
    const json = await runMain(['simulate', file, '--json']);
    const r = JSON.parse(json.stdout) as Result;
    const q = requestsOf(r);
    for (const k of ['latencyMs', 'ttftMs', 'tpotMs', 'queueMs', 'networkMs'] as const)
      for (const p of ['mean', 'p50', 'p90', 'p99', 'p999'] as const) expect(Number.isFinite(q[k][p])).toBe(true);
    expect(q.count).toBe(q.completed + q.failed + q.inFlight);
    expect(q.tokenGapMs.jitter).toBeCloseTo(q.tokenGapMs.p99 - q.tokenGapMs.p50, 9);
    expect(r.traffic?.northSouthBytes).toBeGreaterThan(0);
    expect(r.links?.some((l) => l.tiers === 'access-aggregation')).toBe(true);
    // Same seed, same numbers (all but wall time), in a new process too.
    const again = JSON.parse(runCli(['simulate', file, '--json']).stdout) as Result;
    expect(requestsOf(again)).toEqual(q);
    // The analytic engine runs the same scenario without contention.
    const a = JSON.parse((await runMain(['simulate', file, '--json', '--engine', 'analytic'])).stdout) as Result;
    expect(a.engine).toBe('analytic');
    expect(requestsOf(a).count).toBe(q.count);
  });
});

describe('aifabric capacity', () => {
  it('finds the fewest replicas meeting the SLO (one fewer misses it) and the cheapest design that meets it', async () => {
    const yaml = `
fabric: {topology: access-aggregation, hosts: 48, nic: 25G, switch: aurcore-48x25g-8x100g, spineSwitch: aurcore-32x100g}
traffic:
  - inference:
      arrivals: {poisson: 12/s}
      requests: 3000
      tokens: {sample: conv}
      replicas: 1
`;
    const file = join(dir, 'cap.yaml');
    writeFileSync(file, yaml);
    const r = await runMain(['capacity', file, '--slo', 'p99-ttft=400ms', '--json']);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout) as CapacityResult;
    console.log(
      `capacity: ${c.replicas} replicas, ${c.design.switch} / ${c.design.spineSwitch}, $${Math.round(c.costPer1kRpsUsd)} per 1,000 requests/s, ${c.steps.length} simulations`,
    );
    const p99 = (n: number) => requestsOf(runInferenceYaml(yaml.replace('replicas: 1', `replicas: ${n}`))).ttftMs.p99;
    expect(p99(c.replicas)).toBeLessThanOrEqual(400);
    expect(p99(c.replicas - 1)).toBeGreaterThan(400);
    expect(c.values['p99-ttft']).toBeLessThanOrEqual(400);
    expect(c.costPer1kRpsUsd).toBeCloseTo(c.design.costUsd / (c.throughputPerS / 1000), 6);
    const text = await runMain(['capacity', file, '--slo', 'p99-ttft=400ms']);
    expect(text.stdout).toMatch(new RegExp(`fewest replicas: ${c.replicas}; cheapest design that meets the SLO`));
    expect(text.stdout).toMatch(/network cost per 1,000 requests\/s: \$[0-9,]+/);
  });
});
