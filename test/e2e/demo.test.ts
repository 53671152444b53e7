// Issue 6: `aifabric demo --quick` measures every claim of the seed's comparison table; changing an input that
// matters (PFC off on the training fabric) changes the number and, where the rule says so, the verdict.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claims } from '../../src/demo/claims.ts';
import type { DemoResult } from '../../src/demo/run.ts';
import { escapeXml } from '../../src/report/diagram.ts';
import { runYaml } from '../helpers/simulate.ts';
import { runCli, runMain } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'aifabric-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ASPECTS = [
  'Core objective',
  'Computation process',
  'Resource requirements',
  'Traffic characteristics',
  'Network demands',
  'Topology',
  'Switch recommendation',
];

let base: DemoResult;
let text: string;
// One run of the built command (it finds the built-in scenarios from dist/) gives the text on stdout and the
// result in demo.json, which is what --json prints (the --no-pfc run below checks that).
beforeAll(() => {
  const r = runCli(['demo', '--quick', '-o', join(dir, 'on')]);
  expect(r.code, r.stderr).toBe(0);
  text = r.stdout;
  base = JSON.parse(readFileSync(join(dir, 'on', 'demo.json'), 'utf8')) as DemoResult;
}, 120_000);

describe('aifabric demo --quick', () => {
  it('has every row of the seed table for both sides, each with a number and a verdict', () => {
    for (const aspect of ASPECTS)
      for (const side of ['training', 'inference']) {
        const row = base.claims.find((c) => c.aspect === aspect && c.side === side);
        expect(row, `${aspect} / ${side}`).toBeDefined();
        if (!row) continue;
        expect(row.evidence).toMatch(/[0-9]/);
        expect(Object.keys(row.values).length).toBeGreaterThan(0);
        for (const v of Object.values(row.values)) expect(Number.isFinite(v)).toBe(true);
        expect(['supported', 'not supported', 'depends']).toContain(row.verdict);
        expect(row.rule).toMatch(/^supported if /);
      }
  });

  it('decides each verdict by its rule from the evidence (recomputing gives the same rows)', () => {
    expect(claims(base.evidence)).toEqual(base.claims);
  });

  it('takes its numbers from the simulations: the training iteration matches a separate run of the same job', () => {
    const r = runYaml(
      `fabric: {topology: leaf-spine, hosts: 64, nic: 400G, switch: aurcore-32x400g, gpusPerNode: 8}
network: {pfc: true, cc: dcqcn, loss: 0, rto: 100us, ecn: {kmin: 5KB, kmax: 200KB, pmax: 0.01}}
traffic: [{job: {params: 7e9, bytesPerGrad: 2, dp: 64, stepCompute: 600ms, buckets: 8, iterations: 2}}]
`,
      'flow',
      1,
    );
    expect(base.evidence.training.iterationMs).toBeCloseTo((r.iterations?.[1]?.timePs ?? 0) / 1e9, 9);
    expect(base.evidence.training.eastWestShare).toBe(1);
    expect(base.evidence.inference.northSouthShare).toBe(1);
  });

  it('prints the claims with evidence and verdicts, and the path of a self-contained report', () => {
    for (const aspect of ASPECTS) expect(text).toMatch(new RegExp(`\\n${aspect}\\n`));
    expect(text).toMatch(/measured: /);
    expect(text).toMatch(/verdict: {2}(supported|NOT supported|depends) \(supported if /);
    const path = /report: (.+)\n/.exec(text)?.[1] ?? '';
    expect(path).toBe(join(dir, 'on', 'report.html'));
    const html = readFileSync(path, 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="http|url\(http/); // nothing fetched from the network
    for (const c of base.claims) expect(html).toContain(escapeXml(c.rule));
    expect(existsSync(join(dir, 'on', 'demo.json'))).toBe(true);
  });
});

describe('aifabric demo --quick --no-pfc', () => {
  it('changes the incast drops of the configured fabric and flips the training switch verdict', async () => {
    const r = await runMain(['demo', '--quick', '--no-pfc', '-o', join(dir, 'off'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(dir, 'off', 'demo.json'), 'utf8'));
    const off = JSON.parse(r.stdout) as DemoResult;
    const row = (d: DemoResult) => d.claims.find((c) => c.aspect === 'Switch recommendation' && c.side === 'training');
    console.log('PFC on :', row(base)?.evidence, '->', row(base)?.verdict);
    console.log('PFC off:', row(off)?.evidence, '->', row(off)?.verdict);
    expect(row(base)?.values.incastDropsConfigured).toBe(0);
    expect(row(off)?.values.incastDropsConfigured).toBeGreaterThan(0);
    expect(row(base)?.verdict).toBe('supported');
    expect(row(off)?.verdict).toBe('not supported');
    // The comparison of PFC on and off itself does not depend on the configuration.
    const nd = (d: DemoResult) => d.claims.find((c) => c.aspect === 'Network demands' && c.side === 'training');
    expect(nd(off)?.values).toEqual(nd(base)?.values);
  });

  it('each rule moves with its evidence: a verdict changes when its number crosses the threshold', () => {
    const e = structuredClone(base.evidence);
    const verdict = (aspect: string, side: string) =>
      claims(e).find((c) => c.aspect === aspect && c.side === side)?.verdict;
    e.training.eastWestShare = 0.5;
    expect(verdict('Traffic characteristics', 'training')).toBe('not supported');
    e.inference.arrivalPeakToMean = 3;
    expect(verdict('Traffic characteristics', 'inference')).toBe('depends');
    e.inference.p99TtftMs = e.inference.sloTtftMs + 1;
    expect(verdict('Core objective', 'inference')).toBe('not supported');
    e.training.largeTopology = 'access-aggregation';
    expect(verdict('Topology', 'training')).toBe('not supported');
  });
});

describe('docs/demo.md', () => {
  it('states the rule of every claim exactly as the code decides it', () => {
    const doc = readFileSync(new URL('../../docs/demo.md', import.meta.url), 'utf8');
    for (const c of base.claims) expect(doc).toContain(`| ${c.aspect} | ${c.side} | ${c.claim} | ${c.rule} |`);
  });
});
