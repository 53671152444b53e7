// Each failure the fuzzer found, as the smallest case that showed it, checked through the CLI in this process.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../e2e/run-cli.ts';

async function simulate(yaml: string, ...args: string[]) {
  const file = join(tmpdir(), `aifabric-regression-${process.pid}.yaml`);
  writeFileSync(file, yaml);
  return runMain(['simulate', file, ...args]);
}

const INFERENCE = (service: string) => `fabric: {topology: leaf-spine, hosts: 4, nic: 400G, switch: aurcore-32x400g}
traffic:
  - inference: {arrivals: {poisson: 2000/s}, requests: 4, replicas: 4, network: zero, ${service}}
`;

describe('fuzz regressions', () => {
  it('a service time of 1e308 is rejected naming the field (was: internal error, event time out of range)', async () => {
    const r = await simulate(INFERENCE('service: {deterministic: 1e308}'), '--engine', 'analytic');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/:\d+:\d+: traffic\[0\]\.inference\.service\.deterministic: 1e\+308 is out of range/);
  });

  it('maxBatch 1e15 is refused naming the field (was: internal error, invalid typed array length)', async () => {
    const r = await simulate(INFERENCE('service: {llm: {maxBatch: 1e15}}'), '--engine', 'analytic');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /traffic\[0\]\.inference\.service\.llm\.maxBatch: 1000000000000000 slots .*\(--max-memory\)/,
    );
  });

  it('a transfer longer than the event clock is refused naming its item (was: internal error in the flow engine)', async () => {
    const r = await simulate(
      `fabric: {topology: leaf-spine, hosts: 4, nic: 100G, switch: aurcore-32x100g}
traffic: [{flows: [{src: h0, dst: h1, bytes: 1e15}]}]
`,
      '--engine',
      'flow',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/traffic\[0\]: a transfer of this item takes about 22\.2 hours .*\(2\^53 ps/);
  });

  it('a fabric whose design alone exceeds --max-memory is refused before it is built (was: 20 s of design, then a compile of 10^12 flows that never ended)', async () => {
    const r = await simulate(
      `fabric: {topology: access-aggregation, hosts: 1000000, nic: 25G, switch: aurcore-48x25g-8x100g, spineSwitch: aurcore-32x100g}
traffic: [{pattern: all-to-all, bytes: 1KB}]
`,
      '--engine',
      'analytic',
      '--max-memory',
      '512MB',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/:1:\d+: fabric\.hosts: 1000000 hosts need about 2\.05 GB .*use at most 250000/);
  });

  it('a program past the tasks --max-memory allows stops compiling, naming its item (was: all-to-all compiled without bound)', async () => {
    const r = await simulate(
      `fabric: {topology: leaf-spine, hosts: 64, nic: 100G, switch: aurcore-32x100g}
traffic: [{pattern: permutation, bytes: 1KB}, {pattern: all-to-all, bytes: 1KB}]
`,
      '--engine',
      'analytic',
      '--max-memory',
      '1MB',
    );
    expect(r.code).toBe(1);
    // 1 MB / 1 KB per compiled task (guard.ts): 976 tasks; the permutation's 64 fit, the all-to-all's 4,032 do not.
    expect(r.stderr).toMatch(/:2:\d+: traffic\[1\]: compiles to more than 976 tasks, more than --max-memory allows/);
  });

  it('tokens.input 1e12 is rejected naming the field (was: internal error, a negative prefill time from a 32-bit wrap)', async () => {
    const r = await simulate(
      INFERENCE('service: {llm: {maxBatch: 8}}').replace('network: zero,', 'network: zero, tokens: {input: 1e12},'),
      '--engine',
      'analytic',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /:\d+:\d+: traffic\[0\]\.inference\.tokens\.input: 1000000000000 is out of range: .* the nearest valid value is 2147483647/,
    );
  });

  it('a job whose compute outlasts --until ends unfinished with exit 0 on the flow engine (was: exit 4, its "every task completed" taken for a bug)', async () => {
    const r = await simulate(
      `fabric: {topology: leaf-spine, hosts: 4, nic: 400G, switch: aurcore-32x400g}
traffic: [{job: {params: 10000, dp: 2, stepCompute: 1000000000000000}}]
`,
      '--engine',
      'flow',
      '--json',
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const res = JSON.parse(r.stdout) as { completed: boolean; invariants: { name: string; ok: boolean }[] };
    expect(res.completed).toBe(false);
    expect(res.invariants.find((i) => !i.ok)?.name).toBe('every task completed');
  });

  it('retries: 2^31 is rejected naming the field (was: V8 aborted the process growing an array of attempts)', async () => {
    const r = await simulate(
      INFERENCE('service: {exponential: 1ms}').replace('network: zero,', 'network: zero, retries: 2147483648,'),
      '--engine',
      'analytic',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/traffic\[0\]\.inference\.retries: 2147483648 is out of range: .* from 0 to 100/);
  });

  it('a Poisson rate of 1e-12/s is rejected naming the field (was: internal error, an arrival past the clock)', async () => {
    const r = await simulate(
      INFERENCE('service: {exponential: 1ms}').replace('poisson: 2000/s', 'poisson: 1e-12'),
      '--engine',
      'analytic',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /traffic\[0\]\.inference\.arrivals\.poisson: 1e-12 is out of range: must be at least 0\.001/,
    );
  });

  it('a fractional MTU is taken in whole bytes, as "4096.5B" is (was: exit 4, bytes conserved broken on the packet engine)', async () => {
    const r = await simulate(
      `fabric: {topology: leaf-spine, hosts: 4, nic: 400G, switch: aurcore-32x400g}
network: {mtu: 4096.5}
traffic: [{collective: broadcast, algorithm: binomial, ranks: 3, bytes: 64KB, chunk: 4KB}]
`,
      '--engine',
      'packet',
      '--json',
    );
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout) as { invariants: { name: string; ok: boolean; detail: string }[] };
    expect(res.invariants.find((i) => i.name === 'bytes conserved')?.ok).toBe(true);
  });

  it('requests: 1e15 is refused naming the field (was: V8 aborted the process growing an array)', async () => {
    const r = await simulate(INFERENCE('service: {exponential: 1ms}').replace('requests: 4', 'requests: 1e15'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /traffic\[0\]\.inference\.requests: 1000000000000000 requests need about .*\(--max-memory\)/,
    );
  });
});
