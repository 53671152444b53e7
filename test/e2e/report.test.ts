// `aifabric report` through the real CLI on real `simulate --json` outputs (issue 6).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { smallInference } from '../helpers/scenarios.ts';
import { runMain } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'aifabric-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Items vega drew for data: the paths and texts inside its `role-mark` groups (not axes, legends, titles). */
function items(svg: string): number {
  let n = 0;
  // An empty mark (a layer whose filter kept nothing) is a self-closing <g .../>.
  for (const g of svg.matchAll(/class="mark-\w+ role-mark[^"]*"[^>]*[^/]>([\s\S]*?)<\/g>/g))
    n += (g[1].match(/<(path|text) /g) ?? []).length;
  return n;
}

/** Each chart of a page with how many items it drew. */
function charts(html: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of html.matchAll(/<svg class="chart" data-chart="([^"]*)"[\s\S]*?<\/svg>/g))
    m.set(c[1], (m.get(c[1]) ?? 0) + items(c[0]));
  return m;
}

/** A page's text as a reader sees it (tags gone: a wrapped chart subtitle joins again). */
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

async function simulateTo(file: string, args: string[]): Promise<string> {
  const r = await runMain(['simulate', ...args, '--json']);
  expect(r.code, r.stderr).toBe(0);
  const out = join(dir, file);
  writeFileSync(out, r.stdout);
  return out;
}

const INFERENCE = smallInference('300s');

describe('aifabric report', () => {
  it('a packet-engine incast result gives the queue chart (pause totals in its subtitle), the flows and the link heat map', async () => {
    const json = await simulateTo('incast.json', ['scenarios/incast-16.yaml']);
    const out = join(dir, 'nested', 'incast.html');
    const r = await runMain(['report', json, '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*incast\.html \(\d+ KB\)\n$/);
    const html = readFileSync(out, 'utf8');
    const c = charts(html);
    expect([...c.keys()]).toEqual(['queues', 'flows', 'links']);
    for (const [name, n] of c) expect(n, name).toBeGreaterThan(0);
    expect(html).toContain('leaf0:eth1 -&gt; h0');
    expect(textOf(html)).toMatch(/PFC pause frames \d+, time paused/);
    // Issue 15: an incast's report shows its flows' completion times against the idle-fabric time.
    expect(textOf(html)).toMatch(/Flow completion times: incast-16 \(packet engine\)/);
    expect(html).toContain('<title>aifabric report: incast-16</title>');
    // Written atomically: nothing but the report is left in the folder.
    expect(readdirSync(join(dir, 'nested'))).toEqual(['incast.html']);
  });

  it('inference results give the latency CDF, the TTFT and TPOT bars and the percentile table', async () => {
    const yaml = join(dir, 'inference.yaml');
    writeFileSync(yaml, INFERENCE);
    const json = await simulateTo('inference.json', [yaml]);
    const out = join(dir, 'inference.html');
    expect((await runMain(['report', json, '--output', out])).code).toBe(0);
    const html = readFileSync(out, 'utf8');
    const c = charts(html);
    for (const name of ['inference-cdf', 'inference-ttft', 'inference-tpot', 'links'])
      expect(c.get(name), name).toBeGreaterThan(0);
    expect(html).toMatch(/<td>TTFT<\/td><td class="num">[0-9,]+<\/td>/);
    expect(html).toContain('access-aggregation');
    // The shipped inference scenario (the Azure trace replayed onto 128 replicas) on the fast analytic engine.
    const big = await simulateTo('inference-384.json', ['scenarios/inference.yaml', '--engine', 'analytic']);
    const bigOut = join(dir, 'inference-384.html');
    expect((await runMain(['report', big, '-o', bigOut])).code).toBe(0);
    const bigHtml = readFileSync(bigOut, 'utf8');
    expect(bigHtml).toContain('<title>aifabric report: inference-384</title>');
    expect(charts(bigHtml).get('inference-cdf')).toBeGreaterThan(0);
  });

  it('a --sweep output gives the bus bandwidth curve with one point per size', async () => {
    const json = await simulateTo('sweep.json', [
      'scenarios/allreduce-64.yaml',
      '--engine',
      'analytic',
      '--sweep',
      'bytes=1MiB..16MiB',
    ]);
    const out = join(dir, 'sweep.html');
    expect((await runMain(['report', json, '-o', out])).code).toBe(0);
    const html = readFileSync(out, 'utf8');
    // One line through the five sizes and a point at each.
    expect(charts(html).get('busbw')).toBe(5 + 1);
    for (const t of ['1 MiB', '16 MiB']) expect(html).toContain(`>${t}<`);
  });

  it('a demo bundle ({report: ReportInput}) is drawn as it is', async () => {
    const json = join(dir, 'bundle.json');
    writeFileSync(
      json,
      JSON.stringify({
        version: 1,
        report: {
          title: 'bundle <title>',
          subtitle: 'demo',
          lossSweep: [
            {
              label: 'job',
              pfc: true,
              points: [
                { loss: 0, iterationMs: 1 },
                { loss: 1e-4, iterationMs: 2 },
              ],
            },
          ],
        },
      }),
    );
    const out = join(dir, 'bundle.html');
    expect((await runMain(['report', json, '-o', out])).code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<h1>bundle &lt;title&gt;</h1>');
    expect(charts(html).get('lossSweep')).toBeGreaterThan(0);
  });

  it('bad JSON, an unknown shape or a missing file: exit 1, one line naming the file and what was expected, no output', async () => {
    const cases: [string, string | null, RegExp][] = [
      [
        'broken.json',
        '{"version": 1,',
        /^error: .*broken\.json: is not valid JSON \(.+\); expected the JSON of `aifabric simulate --json`/,
      ],
      [
        'other.json',
        '{"name": "x", "hosts": 4}',
        /^error: .*other\.json: has keys "name", "hosts"; expected the JSON of `aifabric simulate --json` \(with "engine", "counters" and "flows"\), of `simulate --sweep --json` \(with "sweep"\) or of `aifabric demo --json` \(with "report"\)$/,
      ],
      ['number.json', '42', /^error: .*number\.json: is a number; expected/],
      ['missing.json', null, /^error: .*missing\.json: cannot read: no such file$/],
    ];
    for (const [name, content, message] of cases) {
      const file = join(dir, name);
      if (content !== null) writeFileSync(file, content);
      const out = join(dir, `${name}.html`);
      const r = await runMain(['report', file, '-o', out]);
      expect(r.code, name).toBe(1);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(existsSync(out)).toBe(false);
    }
  });
});
