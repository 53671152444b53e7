// The web page of `aifabric serve` (issue 20) in Debian's chromium, against the real server on 127.0.0.1, port 0:
// the design form's switch counts and cost equal the library's `plan --json` for the same spec and follow the
// form as it changes; two planner designs side by side with the library's figures and a bar chart per metric;
// scenarios/incast-16.yaml on the packet engine with progress, the FCT table (equal to the library's run) and
// its charts; a longer run cancelled and stopped on the server; invalid YAML with the error at its line and an
// unknown field named; the design form used by keyboard alone, every input labelled; no console errors, nothing
// fetched from elsewhere. One browser and one server for all (the page is loaded once).
// Routes another branch adds (validate, plan files, demo, runs): a 404 from Fastify for a route this server does
// not have is excused, only for those routes; and, without /api/validate, the run route's 400 for the invalid
// YAML (the browser logs every failed request, and that refusal is what the page shows).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { loadCatalog } from '../../src/catalog/index.ts';
import type { DemoResult } from '../../src/demo/run.ts';
import { planFeasible } from '../../src/fabric/closest.ts';
import { designFabric } from '../../src/fabric/index.ts';
import { designJson, plannerJson } from '../../src/report/plan.ts';
import { fabricSpec, TOPOLOGIES } from '../../src/scenario/schema.ts';
import { checkSweep, expandSweep } from '../../src/scenario/sweep.ts';
import type { Server } from '../../src/serve/server.ts';
import type { DemoTask } from '../../src/serve/tasks.ts';
import type { PointJob, PointOutcome } from '../../src/sweep/job.ts';
import { codeHash } from '../../src/sweep/key.ts';
import { planSweep } from '../../src/sweep/plan.ts';
import { reportFromRuns } from '../../src/sweep/report.ts';
import { runPoint } from '../../src/sweep/run-point.ts';
import { runSweep } from '../../src/sweep/run-sweep.ts';
import { RunStore } from '../../src/sweep/store.ts';
import { count, simTime, usd } from '../../web/src/format.ts';
import { built, startBuiltServer } from '../helpers/built-server.ts';
import { quickDemo } from '../helpers/quick-demo.ts';
import { simulateYaml } from '../helpers/simulate.ts';
import { launchChromium } from './chromium.ts';

const INCAST = readFileSync(new URL('../../scenarios/incast-16.yaml', import.meta.url), 'utf8');
/** The same incast with 100x the bytes: about 9 million packet events, seconds of wall time, to cancel. */
const LONG = INCAST.replace('bytes: 20MB', 'bytes: 2GB');
/** Routes of the other UI branch that the page probes; absent here, each 404 is excused. */
const PROBED = ['/api/validate', '/api/plan/files', '/api/demo', '/api/runs', '/api/schema'];

let server: Server;
let browser: Browser;
let page: Page;
const errors: string[] = [];
const elsewhere: string[] = [];
let missing: string[] = [];
/** While the invalid-YAML test runs without /api/validate, the run route's 400 is the refusal the page shows. */
let refusing = false;

/** Fastify's own 404 (`Route POST:/x not found`): the server has no such route. */
async function routeMissing(path: string): Promise<boolean> {
  const method = ['/api/demo', '/api/runs', '/api/schema'].includes(path) ? 'GET' : 'POST';
  const res = await fetch(`http://127.0.0.1:${server.address.port}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: method === 'POST' ? '{}' : undefined,
  });
  const body = (await res.json().catch(() => ({}))) as { message?: string };
  return res.status === 404 && /^Route /.test(body.message ?? '');
}

function excused(m: ConsoleMessage): boolean {
  const url = m.location().url;
  const path = url ? new URL(url).pathname : '';
  const absent = missing.includes(path) || (missing.length > 0 && /^\/api\/simulate\/[^/]+\/report\.html$/.test(path));
  // The Demo page's first GET /api/demo, before a demo has finished: the route's own 404 ("no demo yet").
  if (path === '/api/demo' && /status of 404/.test(m.text())) return true;
  if (refusing && path === '/api/simulate' && /status of 400/.test(m.text())) return true;
  return /status of 404/.test(m.text()) && absent;
}

/** The run's shared `demo --quick` (test/helpers/quick-demo.ts), read once its folder is written. */
let sharedDemo: Promise<DemoResult>;

/**
 * Puts the real demo thread back (afterAll): Node keeps dist/ loaded for the files that run after this one in the
 * same worker (vitest.config.ts), such as serve-demo.test.ts, which runs the real thread.
 */
let unseedDemoThread = () => {};

/**
 * POST /api/demo's thread, seeded: the route, the run manager, the events, cancel and GET /api/demo are the
 * server's own; only the demo's thread (ServeThreads.demo) hands back the run's shared quick demo (the same JSON
 * the thread returns: what `demo --quick --json` prints) instead of running a second one (40 s on this machine),
 * posting a progress event per step as the thread does.
 */
async function seedDemoThread(): Promise<void> {
  // The class the built server uses (test/helpers/built-server.ts).
  const { ServeThreads } = await built<typeof import('../../src/serve/threads.ts')>('serve/threads.js');
  const real = ServeThreads.prototype.demo;
  unseedDemoThread = () => {
    ServeThreads.prototype.demo = real;
  };
  ServeThreads.prototype.demo = async (task: DemoTask) => {
    const demo = await sharedDemo;
    task.progress.postMessage({ kind: 'started' });
    for (const [i, s] of demo.steps.entries())
      task.progress.postMessage({ kind: 'progress', done: i, total: demo.steps.length, step: s.label });
    task.progress.close();
    return { ok: true, result: demo, wallMs: 0 };
  };
}

/**
 * A tiny sweep into a run store of its own, by the sweep code `aifabric sweep` runs (points in this thread, as a
 * sweep's worker runs each): a 2:1 incast of 20 KB per sender on the packet engine (a few hundred events a point),
 * hosts 4 and 8 by bytes 10 KB, 20 KB and "lots" (not a size: those two points fail validation and are stored
 * with their error). Returns the store's path.
 */
async function tinySweep(dir: string): Promise<string> {
  const scenario = {
    fabric: { topology: 'leaf-spine', hosts: 4, nic: '100G', switch: 'aurcore-32x100g' },
    network: { pfc: true },
    traffic: [{ pattern: 'incast', senders: ['h1', 'h2'], receiver: 'h0', bytes: '20KB' }],
    engine: 'packet',
  };
  const vary = { 'fabric.hosts': [4, 8], 'traffic[0].bytes': ['10KB', '20KB', 'lots'] };
  const sweep = checkSweep({ scenario, vary, seeds: [1] }, dir, 'tiny');
  const code = codeHash();
  const path = join(dir, 'runs.db');
  const store = new RunStore(path);
  const executor = {
    run: async (jobs: PointJob[], on: (o: PointOutcome) => void) => {
      for (const j of jobs) on(runPoint(j));
    },
    close: async () => undefined,
  };
  await runSweep(planSweep(sweep, expandSweep(sweep, loadCatalog()), code), { sweep: 'tiny', code, store, executor });
  store.close();
  return path;
}

let runsDir: string;
let runsDb: string;

beforeAll(async () => {
  runsDir = mkdtempSync(join(tmpdir(), 'aifabric-ui-runs-'));
  runsDb = await tinySweep(runsDir);
  sharedDemo = quickDemo().then((q) => {
    if (q.code !== 0) throw new Error(`the shared quick demo failed (${q.code}): ${q.stderr}`);
    return JSON.parse(readFileSync(join(q.dir, 'demo.json'), 'utf8')) as DemoResult;
  });
  // Not left unhandled while other tests run; the Demo test awaits it and fails with its error.
  sharedDemo.catch(() => undefined);
  await seedDemoThread();
  server = await startBuiltServer({ port: 0, host: '127.0.0.1', runsDb });
  missing = [];
  for (const p of PROBED) if (await routeMissing(p)) missing.push(p);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => {
    if (m.type() === 'error' && !excused(m)) errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(`http://127.0.0.1:${server.address.port}/`)) elsewhere.push(r.url());
  });
  await page.goto(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  unseedDemoThread();
  rmSync(runsDir, { recursive: true, force: true });
});

/** Polls what the page shows (vitest's default gives up after 1 s; a run's first progress can take longer). */
const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });

const text = (testId: string) => page.getByTestId(testId).textContent();

describe('the web page in headless chromium', () => {
  it('is served from 127.0.0.1 and takes the token out of the address bar', async () => {
    expect(server.address.host).toBe('127.0.0.1');
    expect(page.url()).not.toContain('token');
    // The design form offers the generated topologies, as the scenario schema lists them.
    const options = await page.locator('select[name=topology] option').allTextContents();
    expect(options).toEqual([...TOPOLOGIES]);
  });

  it('Design: a 512-host leaf-spine of aurcore-32x400g shows the switch counts and cost of plan --json, and follows the form', async () => {
    const catalog = loadCatalog();
    const plan = (hosts: number) =>
      designJson(designFabric(fabricSpec({ topology: 'leaf-spine', hosts, switch: 'aurcore-32x400g' }), catalog));
    await page.selectOption('select[name=topology]', 'leaf-spine');
    await page.selectOption('select[name=switch]', 'aurcore-32x400g');
    await page.selectOption('select[name=nic]', 'nic-400g');
    await page.fill('input[name=gpusPerNode]', '1');
    await page.fill('input[name=oversubscription]', '1');
    for (const hosts of [128, 512]) {
      await page.fill('input[name=hosts]', String(hosts));
      const want = plan(hosts);
      await poll(() => text('total-cost')).toBe(usd(want.bom.totals.costUsd));
      await poll(() => text('design-status')).toBe('up to date');
      for (const [role, n] of Object.entries(want.switchesByRole))
        expect(await text(`switches-${role}`)).toBe(String(n));
    }
    expect(await page.locator('[data-testid^=switches-]').count()).toBe(2);
    // The diagram: drawn by the server for this spec where it has /api/plan/files (its last spine is named), else
    // the page says the part is missing.
    if (missing.includes('/api/plan/files'))
      await poll(() => page.locator('main').textContent()).toContain('not available on this server');
    else await poll(() => page.locator('figure.diagram svg').textContent()).toContain('spine15');
  });

  it('Design form by keyboard alone: Tab reaches every input in order, each has a label, typing updates the design', async () => {
    const controls = page.locator('form[aria-label="fabric design"] :is(input, select)');
    // Page-side types: the project's TypeScript has no DOM library (report.test.ts says the same).
    type Control = { name: string; labels: ArrayLike<{ textContent: string | null }> | null };
    const names = await controls.evaluateAll((els) => els.map((e) => (e as unknown as Control).name));
    const labels = await controls.evaluateAll((els) =>
      els.map((e) =>
        Array.from((e as unknown as Control).labels ?? [])
          .map((l) => l.textContent?.trim() ?? '')
          .join(' '),
      ),
    );
    expect(names).toEqual(['topology', 'hosts', 'gpusPerNode', 'nic', 'switch', 'oversubscription']);
    for (const l of labels) expect(l.length).toBeGreaterThan(2);
    await page.focus('a[aria-current=page]');
    const reached: string[] = [];
    for (let i = 0; i < 12 && reached.length < names.length; i++) {
      await page.keyboard.press('Tab');
      const name = await page.evaluate('document.activeElement && document.activeElement.name');
      if (typeof name === 'string' && names.includes(name) && !reached.includes(name)) reached.push(name);
    }
    expect(reached).toEqual(names);
    // Keys only: back to the hosts field, a new count, and the page follows.
    await page.focus('input[name=hosts]');
    await page.keyboard.press('Control+a');
    await page.keyboard.type('256');
    const want = designJson(
      designFabric(fabricSpec({ topology: 'leaf-spine', hosts: 256, switch: 'aurcore-32x400g' }), loadCatalog()),
    );
    await poll(() => text('total-cost')).toBe(usd(want.bom.totals.costUsd));
  });

  it('Planner: two designs side by side with the ranking of the library and a bar chart per metric', async () => {
    await page.click('a[href="#/planner"]');
    await page.waitForSelector('tr[data-rank="2"] input[type=checkbox]');
    const want = plannerJson(
      planFeasible(fabricSpec({ hosts: 2048, gpusPerNode: 8, nic: 'nic-400g' }), loadCatalog()),
      15,
    );
    await page.check('input[aria-label="compare design 1"]');
    await page.check('input[aria-label="compare design 2"]');
    const row = page.locator('[data-testid=comparison] tr[data-metric=cost-per-host] td');
    expect(await row.allTextContents()).toEqual([
      'Cost per host',
      usd(want.designs[0].costPerHostUsd),
      usd(want.designs[1].costPerHostUsd),
    ]);
    await poll(() => page.locator('[data-testid=comparison] .chart svg .mark-rect path').count()).toBe(12);
  });

  it('Simulate: incast-16 on the packet engine shows progress, then the FCT table of the library run and its charts', async () => {
    await page.click('a[href="#/simulate"]');
    await page.fill('textarea[name=yaml]', INCAST);
    await page.selectOption('select[name=engine]', 'packet');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=run-progress]');
    await page.waitForSelector('[data-testid=fct-table] tbody tr');
    expect(await page.getByTestId('run-progress').getAttribute('data-phase')).toBe('done');
    expect(await text('run-progress')).toMatch(/simulated [0-9.]+ (us|ms)/);
    const want = simulateYaml(INCAST);
    // The packet engine's event count is the seeded model's, the same in the server's thread and here.
    expect(await text('run-progress')).toContain(`${count(want.stats.events)} events`);
    const rows = await page
      .locator('[data-testid=fct-table] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows.map((r) => [r[1], r[2], r[4]])).toEqual(want.flows.map((f) => [f.src, f.dst, simTime(f.fctPs)]));
    await expect
      .poll(() => page.locator('[data-testid=run-result] .chart[data-chart=flows] svg .role-mark path').count())
      .toBeGreaterThan(0);
    expect(await page.locator('[data-testid=run-result] .chart svg').count()).toBeGreaterThanOrEqual(2);
  });

  it('Simulate: a longer run is cancelled from the page and stops on the server', async () => {
    await page.fill('textarea[name=yaml]', LONG);
    await page.click('button[type=submit]');
    const progress = page.getByTestId('run-progress');
    await poll(() => progress.getAttribute('data-phase')).toBe('running');
    // Live progress before the cancel: simulated time and events simulated so far, as the worker posts them.
    await poll(() => progress.textContent()).toMatch(/simulated [0-9.]+ (us|ms).* [0-9,]+ events/);
    const id = (await progress.getAttribute('data-run')) ?? '';
    await page.getByRole('button', { name: 'Cancel' }).click();
    await poll(() => progress.getAttribute('data-phase')).toBe('cancelled');
    expect(server.runs.state(id)).toBe('cancelled');
    expect(server.runs.active).toBe(0);
    expect(await page.locator('[data-testid=run-result]').count()).toBe(0);
  });

  it('Simulate: invalid YAML shows the error at its line; an unknown field is named at its line', async () => {
    refusing = missing.includes('/api/validate');
    const broken = 'version: 1\nfabric: { topology: leaf-spine, hosts: 16, nic: 100G }\ntraffic: : bad\n';
    const at = parseDocument(broken, { prettyErrors: true }).errors[0].linePos?.[0].line;
    expect(at).toBe(3);
    await page.fill('textarea[name=yaml]', broken);
    await page.click('button[type=submit]');
    await poll(() => text('yaml-errors')).toMatch(new RegExp(`line ${at}\\b`));
    expect(await page.locator('.gutter .bad').allTextContents()).toEqual([`${at}\n`]);
    const unknown = INCAST.replace('{ pfc: true,', '{ pfc: true, bogusField: 3,');
    expect(unknown).toContain('bogusField');
    const line = unknown.split('\n').findIndex((l) => l.includes('bogusField')) + 1;
    await page.fill('textarea[name=yaml]', unknown);
    await page.click('button[type=submit]');
    await poll(() => text('yaml-errors')).toMatch(new RegExp(`line ${line}\\b.*bogusField`, 's'));
    refusing = false;
  });

  it("Simulate: the editor offers the schema's field names at the cursor where the server has /api/schema", async () => {
    await page.fill('textarea[name=yaml]', 'version: 1\nfabric:\n  ho');
    const offered = page.locator('fieldset.completions button');
    if (missing.includes('/api/schema')) {
      await page.waitForTimeout(300);
      expect(await offered.count()).toBe(0);
      return;
    }
    await poll(() => offered.allTextContents()).toEqual(['hosts', 'hostsPerLeaf']);
    await offered.first().click();
    expect(await page.inputValue('textarea[name=yaml]')).toBe('version: 1\nfabric:\n  hosts: ');
  });

  it("Demo: the quick demo run from the page shows the library's verdicts; a row opens its values, thresholds and charts", async () => {
    const want = await sharedDemo;
    await page.click('a[href="#/demo"]');
    await page.getByRole('button', { name: 'Run the quick demo' }).click();
    await poll(() => page.getByTestId('demo-progress').getAttribute('data-phase')).toBe('done');
    const rows = page.locator('table[aria-label="claims and verdicts"] > tbody > tr');
    await poll(() => rows.count()).toBe(want.claims.length);
    const got = await rows.evaluateAll((trs) =>
      trs.map((tr) => [tr.getAttribute('data-claim'), tr.querySelector('[data-testid=verdict]')?.textContent]),
    );
    expect(got).toEqual(want.claims.map((c) => [`${c.aspect}|${c.side}`, c.verdict]));
    // The training side's network demands: its rule reads the loss sweep and the incast (values, thresholds).
    const claim = want.claims.find((c) => c.aspect === 'Network demands' && c.side === 'training');
    if (!claim) throw new Error('the demo has no training network-demands row');
    const row = page.locator(`tr[data-claim="Network demands|training"]`);
    await row.locator('summary').click();
    const table = (id: string) =>
      row
        .getByTestId(id)
        .locator('tr')
        .evaluateAll((trs) =>
          trs.map((tr) => [tr.querySelector('th')?.textContent, tr.querySelector('td')?.textContent]),
        );
    const entries = (o: Record<string, number>) => Object.entries(o).map(([k, v]) => [k, String(v)]);
    expect(await table('values')).toEqual(entries(claim.values));
    expect(await table('thresholds')).toEqual(entries(claim.thresholds ?? {}));
    expect(await row.locator('summary').textContent()).toBe(claim.evidence);
    await poll(() => row.locator('.chart svg .role-mark path').count()).toBeGreaterThan(0);
    const charts = await row.locator('.chart').evaluateAll((els) => els.map((e) => e.getAttribute('data-chart')));
    expect(charts).toEqual(['lossSweep', 'queues']);
  }, 180_000);

  it('Runs: the run store of a tiny sweep, filtered by status, with the charts of aifabric runs report', async () => {
    const store = new RunStore(runsDb, { readonly: true });
    const stored = store.list();
    store.close();
    const want = reportFromRuns(stored);
    const failed = stored.filter((r) => r.result === undefined).length;
    expect([stored.length, failed]).toEqual([6, 2]);
    await page.click('a[href="#/runs"]');
    const rows = page.locator('table[aria-label="stored runs"] > tbody > tr');
    await poll(() => rows.count()).toBe(6);
    const charts = page.locator('[data-testid=sweep-charts] .chart');
    await poll(() => charts.evaluateAll((els) => els.map((e) => e.getAttribute('data-chart')))).toEqual(
      (want.figures ?? []).map((f) => f.chart.chart),
    );
    await poll(() => page.locator('[data-testid=sweep-charts] .chart svg .role-mark path').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=sweep-charts] h2').textContent()).toBe(want.title);
    await page.selectOption('select[name=status]', 'failed');
    await poll(() => rows.count()).toBe(failed);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-status')))).toEqual([
      'failed',
      'failed',
    ]);
    // Failed runs are not drawn (as runs report): no charts for them.
    expect(await page.locator('[data-testid=sweep-charts]').count()).toBe(0);
  });

  it('loaded nothing from elsewhere and logged no console errors', () => {
    expect(elsewhere).toEqual([]);
    expect(errors).toEqual([]);
  });
});
