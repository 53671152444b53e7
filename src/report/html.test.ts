import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../errors.ts';
import type { LinkStats, Percentiles, RequestsResult, Result } from '../result/types.ts';
import { zeroCounters } from '../result/types.ts';
import { reportFromResult, reportInputFromJson, reportInputFromText } from './from-result.ts';
import { linksByTier, renderReport, safeSvg } from './html.ts';
import type { ReportInput } from './input.ts';

const pct = (scale: number): Percentiles => ({
  count: 100,
  mean: 1.1 * scale,
  p50: scale,
  p90: 2 * scale,
  p99: 4 * scale,
  p999: 8 * scale,
});

function requests(scale: number): RequestsResult {
  const cdf = (m: number): [number, number][] => [0.01, 0.5, 0.9, 0.99, 1].map((p) => [p, m * (1 + 10 * p)]);
  return {
    item: 0,
    arrivals: 'poisson 10/s',
    balancer: 'round-robin',
    replicas: 4,
    count: 100,
    completed: 100,
    failed: 0,
    inFlight: 0,
    retries: 0,
    spanS: 10,
    arrivalRatePerS: 10,
    meanInputTokens: 500,
    meanOutputTokens: 100,
    latencyMs: pct(1000 * scale),
    ttftMs: pct(50 * scale),
    tpotMs: pct(20 * scale),
    queueMs: pct(5),
    queuedShare: 0.5,
    networkMs: pct(0.01),
    networkUnloadedMs: pct(0.01),
    cdfMs: { latency: cdf(1000 * scale), ttft: cdf(50 * scale) },
    tokenGapMs: { count: 1000, p50: 20, p99: 40, jitter: 20 },
    throughputPerS: 10,
    goodputPerS: 9,
    slo: { ttftMs: 500 },
    availability: 1,
    meanInSystem: 3,
    replicaUtilization: 0.6,
    faults: [],
  };
}

const link = (name: string, tiers: string, utilization: number): LinkStats => ({
  link: name,
  tiers,
  rateGbps: 400,
  bytes: 1e6,
  utilization,
});

/** Every section filled, with literal numbers. */
function fullInput(): ReportInput {
  return {
    title: 'Training <versus> inference & "friends"',
    subtitle: 'aifabric 0.1.0, unit test',
    notes: ['a note with <b>markup</b>'],
    claims: [
      {
        aspect: 'network demands',
        side: 'training',
        claim: 'needs lossless <RoCE>',
        evidence: 'iteration +40% at 1e-4 loss',
        values: { slowdown: 1.4 },
        verdict: 'supported',
        rule: 'slowdown > 1.1',
      },
      {
        aspect: 'traffic',
        side: 'inference',
        claim: 'north-south',
        evidence: '90% north-south',
        values: {},
        verdict: 'not supported',
        rule: 'share > 0.5',
      },
      { aspect: 'topology', side: 'both', claim: 'x', evidence: 'y', values: {}, verdict: 'depends', rule: 'z' },
    ],
    designs: [
      {
        name: 'leaf-spine 512',
        summary: 'leaf-spine, 512 hosts',
        bom: [{ item: 'aurcore-32x400g', role: 'leaf', qty: 32, unitUsd: 30000, costUsd: 960000, powerW: 32000 }],
        totals: { costUsd: 960000, powerW: 32000, switches: 32, perHostUsd: 1875 },
        diagramSvg:
          '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50" onload="alert(1)"><script>alert(2)</script><rect class="node" width="10" height="10"/></svg>',
      },
    ],
    busbw: [
      {
        label: 'ring',
        points: [
          { bytes: 2 ** 20, busbwGBps: 10 },
          { bytes: 2 ** 24, busbwGBps: 40 },
        ],
      },
    ],
    lossSweep: [
      { label: 'job', pfc: true, points: [0, 1e-5, 1e-4].map((loss, i) => ({ loss, iterationMs: 700 + 50 * i })) },
      { label: 'job', pfc: false, points: [0, 1e-5, 1e-4].map((loss, i) => ({ loss, iterationMs: 700 + 80 * i })) },
    ],
    queues: [
      {
        label: '2:1 incast',
        ports: [
          {
            port: 'leaf0:eth1',
            peer: 'h0',
            series: [
              [0, 0],
              [1e7, 5000],
              [2e7, 200000],
            ],
          },
        ],
        pausedPs: 12.5e6,
        pauseFrames: 42,
      },
    ],
    inference: [
      { label: 'fabric A', requests: requests(1) },
      { label: 'fabric B', requests: requests(1.5) },
    ],
    flows: [
      {
        label: '2:1 incast',
        flows: [
          { src: 'h1', dst: 'h0', bytes: 1e6, fctPs: 200e6, idealFctPs: 100e6, slowdown: 2 },
          { src: 'h2', dst: 'h0', bytes: 1e6, fctPs: 180e6, idealFctPs: 100e6, slowdown: 1.8 },
        ],
      },
    ],
    links: [
      {
        label: 'training',
        links: [
          link('leaf0 -> spine0', 'leaf-spine', 0.9),
          link('h0 -> leaf0', 'host-leaf', 0.5),
          link('spine0 -> core0', 'spine-core', 0.2),
        ],
      },
      {
        label: 'inference',
        links: [link('agg0 -> border0', 'aggregation-border', 0.1), link('h1 -> access0', 'host-access', 0.01)],
      },
    ],
  };
}

/** Each `<svg class="chart" ...>...</svg>` of a page, with its data-chart name and how many marks it drew. */
function charts(html: string): { chart: string; marks: number }[] {
  return [...html.matchAll(/<svg class="chart" data-chart="([^"]*)"[\s\S]*?<\/svg>/g)].map((m) => ({
    chart: m[1],
    // vega draws each datum as an item (a path, a line's path, a text) inside a `role-mark` group.
    // (An empty mark, a layer whose filter kept nothing, is a self-closing <g .../>.)
    marks: [...m[0].matchAll(/role-mark[^"]*"[^>]*[^/]>([\s\S]*?)<\/g>/g)].reduce(
      (n, g) => n + (g[1].match(/<(path|text) /g) ?? []).length,
      0,
    ),
  }));
}

/** A page's text as a reader sees it: tags gone, whitespace collapsed (wrapped chart titles join again). */
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('renderReport (HTML report, issue 6)', () => {
  it('draws every chart of a full input, each with marks', async () => {
    const html = await renderReport(fullInput());
    const cs = charts(html);
    expect(cs.map((c) => c.chart)).toEqual([
      'busbw',
      'lossSweep',
      'queues',
      'flows',
      'inference-cdf',
      'inference-ttft',
      'inference-tpot',
      'links',
      'links',
    ]);
    for (const c of cs) expect(c.marks, c.chart).toBeGreaterThan(0);
    // Sections, the claims table with one badge per verdict, the BOM.
    for (const id of ['claims', 'designs', 'network', 'inference', 'links'])
      expect(html).toContain(`<section id="sec-${id}">`);
    expect(html).toContain('<span class="badge supported">supported</span>');
    expect(html).toContain('<span class="badge not-supported">not supported</span>');
    expect(html).toContain('<span class="badge depends">depends</span>');
    expect(html).toContain('$960,000');
    // The pause totals are in the queue chart's subtitle; the BOM's power column is in one unit (kW here).
    expect(textOf(html)).toMatch(/PFC pause frames 42, time paused \(summed over ports and classes\) 12\.5 us/);
    expect(html).toContain('<td class="num">32.0 kW</td>');
    // Self-contained: no external resource, no script.
    expect(html).not.toMatch(/<script|<link |src="http|href="http|@import/);
  });

  it('escapes text and strips scripts and event handlers from an embedded diagram', async () => {
    const html = await renderReport(fullInput());
    expect(html).toContain('<title>Training &lt;versus&gt; inference &amp; &quot;friends&quot;</title>');
    expect(html).toContain('a note with &lt;b&gt;markup&lt;/b&gt;');
    expect(html).toContain('needs lossless &lt;RoCE&gt;');
    expect(html).not.toContain('<b>markup');
    expect(html).not.toContain('alert(');
    expect(html).toContain('<rect class="node"');
    expect(safeSvg('<p>not svg</p>')).toBe('');
    expect(safeSvg('<svg><a href="javascript:alert(1)">x</a></svg>')).not.toContain('javascript:');
  });

  it('an empty input gives a valid page with no sections', async () => {
    const html = await renderReport({ title: 'empty', subtitle: '' });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).not.toContain('<section');
    expect(html).not.toContain('<svg');
    expect(html).toContain('Nothing to show');
    // Sections present but empty are skipped too.
    const empty = await renderReport({
      title: 't',
      subtitle: 's',
      busbw: [{ label: 'x', points: [] }],
      lossSweep: [],
      queues: [{ label: 'q', ports: [{ port: 'p', peer: 'h', series: [] }], pausedPs: 0, pauseFrames: 0 }],
      inference: [],
      links: [{ label: 'l', links: [] }],
      claims: [],
      designs: [],
    });
    expect(empty).not.toContain('<section');
  });

  it('token gaps have their own table with no blank cell; availability is labelled overall and per fault', async () => {
    const input = fullInput();
    const faulty = requests(1);
    faulty.availability = 0.99;
    faulty.faults = [
      {
        target: 'switch access0',
        atMs: 75000,
        untilMs: 235500,
        requests: 100,
        completed: 97,
        failed: 3,
        retried: 2,
        availability: 0.97,
        p99LatencyMs: 1,
        recoveryMs: 1,
      },
    ];
    input.inference = [{ label: 'with a failure', requests: faulty }];
    const html = await renderReport(input);
    const inference = html.slice(html.indexOf('<section id="sec-inference">'));
    expect(inference).not.toMatch(/<td class="num"><\/td>/);
    expect(html).toContain('<th class="num">jitter: p99 - p50 (ms)</th>');
    expect(textOf(html)).toContain(
      'availability 99.00% over the whole run, 97.00% during the fault of switch access0 (75.0 s to 235.5 s, 100 requests)',
    );
  });

  it('link tiers are ordered bottom-up', () => {
    const tiers = linksByTier(fullInput().links![0].links).map((g) => g.tiers);
    expect(tiers).toEqual(['host-leaf', 'leaf-spine', 'spine-core']);
  });
});

function result(over: Partial<Result> = {}): Result {
  return {
    version: 1,
    engine: 'packet',
    scenario: 'unit',
    seed: 1,
    simulatedPs: 1e9,
    completed: true,
    flows: [],
    counters: { ...zeroCounters(), pauseFrames: 3, pausedPs: 2e6 },
    ports: [
      {
        port: 'a',
        node: 'leaf0',
        peer: 'h0',
        rateGbps: 100,
        maxQueueBytes: 10,
        meanQueueBytes: 1,
        utilization: 0.1,
        series: [[0, 10]],
        headroomBytes: 0,
        peakHeadroomBytes: 0,
      },
      {
        port: 'b',
        node: 'leaf0',
        peer: 'h1',
        rateGbps: 100,
        maxQueueBytes: 99,
        meanQueueBytes: 1,
        utilization: 0.1,
        series: [[0, 99]],
        headroomBytes: 0,
        peakHeadroomBytes: 0,
      },
      {
        port: 'c',
        node: 'leaf0',
        peer: 'h2',
        rateGbps: 100,
        maxQueueBytes: 500,
        meanQueueBytes: 1,
        utilization: 0.1,
        series: [],
        headroomBytes: 0,
        peakHeadroomBytes: 0,
      },
    ],
    invariants: [{ name: 'bytes conserved', ok: true, detail: '' }],
    stats: { events: 1, wallMs: 1, eventsPerSec: 1, peakRssMB: 1 },
    ...over,
  };
}

describe('report adapters (what `aifabric report` reads)', () => {
  it('a result: busiest sampled queues first with the pause totals; ops become busbw points per collective', () => {
    const op = (bytes: number, busbwGBps: number, op = 'all-reduce') => ({
      id: 0,
      op,
      algorithm: 'ring',
      label: '',
      ranks: 8,
      bytes,
      startPs: 0,
      endPs: 1,
      timePs: 1,
      algbwGBps: 1,
      busbwGBps,
      iteration: 0,
    });
    const input = reportFromResult(
      result({
        ops: [op(1024, 10), op(1024, 20), op(4096, 30), op(0, 0, 'compute')],
        links: [link('x', 'host-leaf', 0.3)],
      }),
    );
    expect(input.queues?.[0]?.ports.map((p) => p.port)).toEqual(['b', 'a']);
    expect(input.queues?.[0]?.pauseFrames).toBe(3);
    expect(input.queues?.[0]?.pausedPs).toBe(2e6);
    expect(input.busbw).toEqual([
      {
        label: 'all-reduce ring, 8 ranks',
        points: [
          { bytes: 1024, busbwGBps: 15 },
          { bytes: 4096, busbwGBps: 30 },
        ],
      },
    ]);
    expect(input.links?.[0].links).toHaveLength(1);
    expect(input.inference).toBeUndefined();
    expect(reportFromResult(result({ requests: [requests(1)] })).inference?.[0].requests.count).toBe(100);
  });

  it('detects a sweep, a demo bundle and a result; anything else is an error naming the file and the shapes', () => {
    const sweep = reportInputFromJson({ version: 1, engine: 'analytic', scenario: 's', seed: 1, sweep: [] }, 'f.json');
    expect(sweep.busbw).toEqual([]);
    const bundle = fullInput();
    expect(reportInputFromJson({ version: 1, report: bundle, claims: [] }, 'demo.json')).toBe(bundle);
    expect(reportInputFromText(JSON.stringify(result()), 'r.json').title).toBe('aifabric report: unit');
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ScenarioError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(err(() => reportInputFromText('{"a": 1}', 'x.json'))).toMatch(
      /^x\.json: has keys "a"; expected the JSON of/,
    );
    expect(err(() => reportInputFromText('[1]', 'x.json'))).toMatch(/^x\.json: is an array; expected/);
    expect(err(() => reportInputFromText('{', 'x.json'))).toMatch(/^x\.json: is not valid JSON \(.*\); expected/);
    expect(err(() => reportInputFromJson({ report: 3 }, 'x.json'))).toMatch(/"report" that is not a report input/);
    for (const m of [err(() => reportInputFromText('{', 'x.json'))]) expect(m.split('\n')).toHaveLength(1);
  });
});
