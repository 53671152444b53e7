// The HTML report in a real browser (issues 6 and 15): headless Debian chromium through playwright-core. A report
// with every section, from small real runs, must load with no console or page errors, draw marks in every chart,
// fetch nothing, and fit 1280 px without horizontal scrolling; every chart's title must fit inside the chart,
// every quantitative axis must name its unit, and no series may lie hidden under another unless the chart says
// so in a note (measured on the drawn paths, checks.ts). Leaves a full-page screenshot in test/artifacts/.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.ts';
import type { DemoResult } from '../../src/demo/run.ts';
import { designFabric } from '../../src/fabric/index.ts';
import { renderChart } from '../../src/report/charts/render.ts';
import { reportDesign, reportFromResult } from '../../src/report/from-result.ts';
import { renderReport } from '../../src/report/html.ts';
import type { ReportDesign, ReportInput } from '../../src/report/input.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { quickDemo } from '../helpers/quick-demo.ts';
import { smallInference } from '../helpers/scenarios.ts';
import { runInferenceYaml, runYaml, simulateYaml } from '../helpers/simulate.ts';
import { CHART_CHECKS, type ChartCheck } from './checks.ts';
import { CHROMIUM, FLAGS, haveChromium } from './chromium.ts';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'aifabric-browser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const INCAST = `
name: incast-16
fabric: { topology: leaf-spine, hosts: 16, nic: 100G, switch: aurcore-32x100g }
network: { pfc: true, ecn: { kmin: 5KB, kmax: 200KB, pmax: 0.01 }, cc: dcqcn }
traffic: [{ pattern: incast, senders: [h1, h2, h3], receiver: h0, bytes: 2MB }]
`;

const INFERENCE = smallInference('300s');

const allReduce = (bytes: string) => `
fabric: { topology: leaf-spine, hosts: 16, nic: 400G, switch: aurcore-32x400g }
traffic: [{ collective: all-reduce, algorithm: ring, bytes: ${bytes} }]
`;

/** A report with every section, from small real runs (the loss sweep is literal: it takes minutes to run). */
function fullReport(): ReportInput {
  const catalog = loadCatalog();
  const d = designFabric(parseScenario(INCAST, catalog).fabric, catalog, 'incast-16');
  const design: ReportDesign = reportDesign('leaf-spine, 16 hosts', d, catalog);
  const incast = reportFromResult(simulateYaml(INCAST));
  const inference = runInferenceYaml(INFERENCE, 'flow');
  const busbw = ['analytic', 'flow'].map((engine) => ({
    label: `all-reduce ring, 16 GPUs, ${engine} engine`,
    points: ['1MiB', '4MiB', '16MiB', '64MiB'].map((b) => {
      const op = runYaml(allReduce(b), engine as 'analytic' | 'flow').ops!.find((o) => o.op === 'all-reduce')!;
      return { bytes: op.bytes, busbwGBps: op.busbwGBps };
    }),
  }));
  return {
    title: 'aifabric report <browser test>',
    subtitle: 'every section, small real runs',
    notes: ['The loss sweep is literal data.'],
    claims: [
      {
        aspect: 'network demands',
        side: 'training',
        claim: 'lossless fabric',
        evidence: 'iteration +20% at 1e-4',
        values: {},
        verdict: 'supported',
        rule: 'slowdown > 1.1',
      },
      {
        aspect: 'traffic',
        side: 'inference',
        claim: 'north-south',
        evidence: '60%',
        values: {},
        verdict: 'depends',
        rule: 'r',
      },
      { aspect: 'topology', side: 'both', claim: 'x', evidence: 'y', values: {}, verdict: 'not supported', rule: 'r' },
    ],
    designs: [design],
    busbw,
    lossSweep: [
      {
        label: 'DP job',
        pfc: true,
        points: [0, 1e-5, 1e-4, 1e-3].map((loss, i) => ({ loss, iterationMs: 650 + 20 * i * i })),
      },
      {
        label: 'DP job',
        pfc: false,
        points: [0, 1e-5, 1e-4, 1e-3].map((loss, i) => ({ loss, iterationMs: 640 + 40 * i * i })),
      },
    ],
    queues: incast.queues,
    flows: incast.flows,
    inference: [{ label: 'code trace, 4 replicas', requests: inference.requests![0] }],
    links: [...(incast.links ?? []), { label: 'inference', links: inference.links ?? [] }],
  };
}

/** Opens a report file in chromium and checks it: no errors, nothing fetched, marks in every chart, fits 1280 px. */
async function openAndCheck(
  file: string,
  shot: string,
  diagrams: number,
  badges: number,
  expected: string[],
): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    const url = pathToFileURL(file).href;
    await page.goto(url, { waitUntil: 'load' });
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);

    const charts = await page.$$eval('svg.chart', (els) =>
      els.map((e) => {
        // vega draws each datum as an item inside a `role-mark` group.
        const marks = [...e.querySelectorAll('.role-mark > path, .role-mark > text')];
        const box = e.getBoundingClientRect();
        // A mark is drawn if it has an area (a line's bounding box has a width or a height).
        const drawn = marks.filter((m) => {
          const b = m.getBoundingClientRect();
          return b.width > 0 || b.height > 0;
        }).length;
        return { chart: e.getAttribute('data-chart'), marks: marks.length, drawn, width: box.width };
      }),
    );
    expect(new Set(charts.map((c) => c.chart))).toEqual(new Set(expected));
    for (const c of charts) {
      expect(c.marks, `${c.chart} marks`).toBeGreaterThan(0);
      expect(c.drawn, `${c.chart} drawn marks`).toBeGreaterThan(0);
      // Readable: a half-width chart is still at least 500 px wide at 1280.
      expect(c.width, `${c.chart} width`).toBeGreaterThan(500);
    }
    expectReadable(await page.evaluate<ChartCheck[]>(CHART_CHECKS));
    expect(await page.locator('.diagram svg').count()).toBe(diagrams);
    expect(await page.locator('.badge').count()).toBe(badges);

    // A string: the project's TypeScript has no DOM library, the page does.
    const { scrollWidth, clientWidth } = await page.evaluate<{ scrollWidth: number; clientWidth: number }>(
      '({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })',
    );
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    expect(clientWidth).toBeLessThanOrEqual(1280);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, shot), fullPage: true });
    expect(existsSync(join(ARTIFACTS, shot))).toBe(true);
  } finally {
    await browser.close();
  }
}

/** Titles inside their chart, a unit on every quantitative axis, no series hidden without a note. */
function expectReadable(checks: ChartCheck[]): void {
  expect(checks.length).toBeGreaterThan(0);
  for (const c of checks) {
    expect(c.titleLines, `${c.chart}: a title`).toBeGreaterThan(0);
    expect(c.titleOverflowPx, `${c.chart}: title "${c.title}" overflows the chart by`).toBeLessThanOrEqual(0.5);
    for (const a of c.axes.filter((x) => !x.discrete))
      expect(a.title, `${c.chart}: axis "${a.title}" names its unit in parentheses`).toMatch(UNIT);
    if (c.hidden.length > 0)
      expect(c.notes, `${c.chart}: ${c.hidden.join('; ')} hidden without a note`).toMatch(/coincide|inside it/);
  }
}

/** An axis title's unit: `(GB/s)`, `(ms, log axis)`, `(bytes, log2 axis)`, `(%)`, `(per packet, symlog axis)`. */
const UNIT = /\((bytes|ms|us|s|GB\/s|Gb\/s|%|per packet|x)\b|\(%\)|\(.*\bx\b.*\)/;

/** Opens an SVG page of hand-made charts and returns their checks (the negative controls). */
async function checkCharts(svgs: string[]): Promise<ChartCheck[]> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.setContent(`<!DOCTYPE html><html><body style="width:600px">${svgs.join('')}</body></html>`);
    return await page.evaluate<ChartCheck[]>(CHART_CHECKS);
  } finally {
    await browser.close();
  }
}

const bare = (chart: string, title: string, rows: object[], extra: object = {}) => ({
  chart,
  spec: {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 400,
    height: 200,
    data: { values: rows },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: 'size (bytes)' },
      y: { field: 'y', type: 'quantitative', title: 'speed' },
      color: { field: 's', type: 'nominal' },
    },
    ...extra,
  } as never,
});

describe('the chart checks catch what a reader saw (negative controls)', () => {
  it('a title wider than its chart, an axis without a unit and a line hidden under another are all caught', async () => {
    if (!haveChromium)
      throw new Error(`no chromium at ${CHROMIUM}: .ci/run must install it (apt-get install chromium)`);
    const same = [1, 2, 3].flatMap((x) => ['a', 'b'].map((s) => ({ x, y: x * 2, s })));
    const apart = [1, 2, 3].flatMap((x) => ['a', 'b'].map((s) => ({ x, y: s === 'a' ? x : x * 3, s })));
    const long = 'Queue occupancy: gradient all-reduce of the 32-GPU slice (ring, lossless run), PFC on, clipped';
    const [hidden, clipped, fine] = await checkCharts([
      await renderChart(bare('hidden', 'two lines, one hidden', same)),
      // vega sizes the view to fit a title; a fixed-size view with a long title clips it, as the old report did.
      await renderChart(
        bare('clipped', long, apart, { autosize: { type: 'none' }, title: { text: long, anchor: 'middle' } }),
      ),
      await renderChart(bare('fine', 'two lines apart', apart)),
    ]);
    expect(hidden.hidden.length).toBeGreaterThan(0);
    expect(hidden.notes).not.toMatch(/coincide|inside it/);
    expect(clipped.titleOverflowPx).toBeGreaterThan(10);
    expect(fine.hidden).toEqual([]);
    expect(fine.titleOverflowPx).toBeLessThanOrEqual(0.5);
    expect(fine.axes.find((a) => a.title === 'speed')?.title).not.toMatch(UNIT);
    expect(fine.axes.find((a) => a.title === 'size (bytes)')?.title).toMatch(UNIT);
  }, 60_000);
});

describe('the HTML report in headless chromium', () => {
  it('loads without errors, every chart draws marks, nothing is fetched, and it fits 1280 px', async () => {
    if (!haveChromium)
      throw new Error(`no chromium at ${CHROMIUM}: .ci/run must install it (apt-get install chromium)`);
    const input = fullReport();
    const file = join(dir, 'report.html');
    writeFileSync(file, await renderReport(input));
    await openAndCheck(file, 'report.png', 1, 3, [
      'busbw',
      'lossSweep',
      'queues',
      'flows',
      'inference-cdf',
      'inference-ttft',
      'inference-tpot',
      'links',
    ]);
  });
  it("the demo's own report (--quick): the same checks, a badge per claim, the drawable designs' diagrams", async () => {
    if (!haveChromium)
      throw new Error(`no chromium at ${CHROMIUM}: .ci/run must install it (apt-get install chromium)`);
    // The report `aifabric demo --quick` wrote (renderReport of the demo's report), from the run's shared quick
    // demo (test/helpers/quick-demo.ts) rather than a demo of its own.
    const q = await quickDemo();
    expect(q.code, q.stderr).toBe(0);
    const demo = JSON.parse(readFileSync(join(q.dir, 'demo.json'), 'utf8')) as DemoResult;
    const file = join(q.dir, 'report.html');
    // Diagrams: every design, the 8,192-GPU one too (issue 15).
    const charts = ['busbw', 'lossSweep', 'queues', 'inference-cdf', 'inference-ttft', 'inference-tpot', 'links'];
    await openAndCheck(file, 'demo-report.png', demo.report.designs?.length ?? 0, demo.claims.length, charts);
  }, 300_000);
});
