// Pipeline parallelism: GPipe and 1F1B schedules. With uniform stages both take (M + P - 1)(f + b) per iteration
// (the pipeline bubble is the same; 1F1B only holds fewer activations), and 1F1B interleaves as Megatron does.
import { describe, expect, it } from 'vitest';
import type { OpResult, Result } from '../../src/result/types.ts';
import { runYaml } from '../helpers/simulate.ts';

const P = 4;
const M = 8;
const STEP_MS = 80; // compute per GPU per iteration, split over stages and micro-batches
const job = (schedule: string) => `
fabric: {topology: leaf-spine, hosts: 16, nic: 400G, switch: aurcore-32x400g}
traffic: [{job: {params: 1e6, bytesPerGrad: 2, dp: 2, pp: ${P}, microBatches: ${M}, stepCompute: ${STEP_MS}ms, backwardShare: 0.5, ppBytes: 64KB, schedule: ${schedule}}}]
`;

const start = (r: Result, label: string): number => {
  const op = (r.ops ?? []).find((o: OpResult) => o.label === label);
  if (!op) throw new Error(`no op ${label}`);
  return op.startPs;
};

describe('pipeline schedules (flow engine)', () => {
  const f = STEP_MS / 2 / P / M; // ms per micro-batch and stage, forward; backward the same
  const closed = (M + P - 1) * 2 * f;
  const runs = { gpipe: runYaml(job('gpipe'), 'flow', 1), '1f1b': runYaml(job('1f1b'), 'flow', 1) };

  it('both take (M + P - 1)(f + b) per iteration within 0.5% (64 KB sends and a 0.5 MB gradient sync on top)', () => {
    for (const [name, r] of Object.entries(runs)) {
      const t = (r.iterations?.[0]?.timePs ?? 0) / 1e9;
      console.log(`${name}: iteration ${t.toFixed(4)} ms, closed form ${closed.toFixed(4)} ms`);
      expect(r.completed).toBe(true);
      expect(Math.abs(t - closed) / closed).toBeLessThan(0.005);
    }
  });

  it('GPipe runs every forward before any backward; 1F1B warms up P - s - 1 forwards, then alternates', () => {
    const g = runs.gpipe;
    const o = runs['1f1b'];
    const lbl = (dir: string, m: number, s: number) => `${dir} mb${m} s${s} part 1/1`;
    // GPipe: the last stage finishes all forwards before its first backward.
    expect(start(g, lbl('forward', M - 1, P - 1))).toBeLessThan(start(g, lbl('backward', 0, P - 1)));
    // 1F1B: the last stage goes straight from F0 to B0, before F1.
    expect(start(o, lbl('backward', 0, P - 1))).toBeLessThan(start(o, lbl('forward', 1, P - 1)));
    // Stage 0: F0..F(P-2) warm up, then F(P-1), B0, F(P), B1, ...
    expect(start(o, lbl('forward', P - 1, 0))).toBeLessThan(start(o, lbl('backward', 0, 0)));
    expect(start(o, lbl('backward', 0, 0))).toBeLessThan(start(o, lbl('forward', P, 0)));
    expect(start(o, lbl('forward', P, 0))).toBeLessThan(start(o, lbl('backward', 1, 0)));
  });
});
