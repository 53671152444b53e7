// The HTML report (issues 6 and 15): one self-contained file (inline CSS and SVG, no scripts, nothing fetched)
// drawn from a ReportInput. Sections in order: notes, claims, designs (diagram and BOM), bus bandwidth with the
// loss sweep, queues and flows, inference latency, link utilization. The charts are vega-lite specs drawn to SVG
// (./charts/); a section whose input is missing or empty is left out.

import { formatCount, formatPower, powerUnit } from '../base/units.ts';
import { TIER_OF } from '../fabric/types.ts';
import type { LinkStats, Percentiles, RequestsResult } from '../result/types.ts';
import { busbwChart } from './charts/busbw.ts';
import { cdfChart } from './charts/cdf.ts';
import { flowsChart } from './charts/flows.ts';
import { linksChart } from './charts/links.ts';
import { lossChart } from './charts/loss.ts';
import { percentileChart } from './charts/percentiles.ts';
import { queueChart } from './charts/queues.ts';
import { type Chart, renderChart } from './charts/render.ts';
import { escapeXml } from './diagram.ts';
import type { ClaimRow, ReportDesign, ReportInput } from './input.ts';

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font-family: 'DejaVu Sans', Verdana, Arial, Helvetica, sans-serif; font-size: 14px; color: #1b1b1b; background: #f6f7f9; line-height: 1.45; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 16px 48px; }
h1 { font-size: 26px; margin: 8px 0 2px; }
h2 { font-size: 19px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #d5d9e0; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.subtitle { color: #555; margin: 0 0 12px; }
.notes { margin: 8px 0 0; padding-left: 20px; color: #333; }
section { margin-bottom: 8px; }
.grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; }
figure { margin: 0; background: #fff; border: 1px solid #dde1e7; border-radius: 6px; padding: 8px; min-width: 0; }
figcaption { font-size: 13px; color: #444; padding: 4px 6px 2px; }
svg.chart { display: block; width: 100%; height: auto; }
.diagram { overflow: hidden; }
.diagram svg { display: block; width: 100%; height: auto; }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; background: #fff; font-size: 13px; width: 100%; }
th, td { border: 1px solid #dde1e7; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #eef1f5; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tfoot td { font-weight: 600; background: #f8f9fb; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.badge.supported { background: #d8f0dc; color: #1d5f2a; border: 1px solid #8cc79a; }
.badge.not-supported { background: #fbdcd9; color: #8a1c13; border: 1px solid #e39a92; }
.badge.depends { background: #fdf0cf; color: #7a5600; border: 1px solid #e3c26f; }
.rule { color: #555; font-size: 12px; }
footer { margin-top: 40px; color: #777; font-size: 12px; }
@media (max-width: 900px) { .grid { grid-template-columns: minmax(0, 1fr); } }
`;

const esc = (s: string | number) => escapeXml(String(s));
const usd = (x: number) => `$${Math.round(x).toLocaleString('en-US')}`;
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(3));

function figure(svg: string, caption: string): string {
  return `<figure>${svg}${caption ? `<figcaption>${esc(caption)}</figcaption>` : ''}</figure>`;
}

function tableHtml(head: { text: string; num?: boolean }[], rows: (string | number)[][], foot?: (string | number)[]) {
  const th = head.map((h) => `<th${h.num ? ' class="num"' : ''}>${esc(h.text)}</th>`).join('');
  const tr = (r: (string | number)[]) =>
    `<tr>${r.map((c, i) => `<td${head[i]?.num ? ' class="num"' : ''}>${esc(c)}</td>`).join('')}</tr>`;
  return `<div class="table-wrap"><table><thead><tr>${th}</tr></thead><tbody>${rows.map(tr).join('')}</tbody>${foot ? `<tfoot>${tr(foot)}</tfoot>` : ''}</table></div>`;
}

function claimsSection(claims: ClaimRow[]): string {
  const rows = claims
    .map((c) => {
      const cls = c.verdict.replace(/\s+/g, '-');
      return `<tr><td>${esc(c.aspect)}</td><td>${esc(c.side)}</td><td>${esc(c.claim)}</td><td>${esc(c.evidence)}</td><td><span class="badge ${esc(cls)}">${esc(c.verdict)}</span></td><td class="rule">${esc(c.rule)}</td></tr>`;
    })
    .join('');
  return `<section id="sec-claims"><h2>Claims and evidence</h2><div class="table-wrap"><table><thead><tr><th>aspect</th><th>side</th><th>claim</th><th>evidence</th><th>verdict</th><th>rule</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

/**
 * The topology diagram is SVG from our own renderer (src/report/diagram.ts), embedded as markup, not text.
 * Anything that could run or fetch is still stripped, so a hand-edited bundle cannot put a script in the page.
 */
export function safeSvg(svg: string): string {
  const s = svg
    .replace(/<\?xml[^>]*\?>/g, '')
    .replace(/<!DOCTYPE[^>]*>/gi, '')
    .replace(/<script[\s\S]*?<\/script\s*>/gi, '')
    .replace(/<script[^>]*\/>/gi, '')
    .replace(/<foreignObject[\s\S]*?<\/foreignObject\s*>/gi, '')
    .replace(/\son[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '')
    .replace(/(href\s*=\s*["'])\s*(javascript|https?|data):[^"']*(["'])/gi, '$1#$3')
    .trim();
  return s.startsWith('<svg') ? s : '';
}

/** Ids of an embedded SVG made unique in the page (several diagrams each have `links`, `hosts`, ...). */
export function prefixIds(svg: string, prefix: string): string {
  return svg
    .replace(/\sid="([^"]+)"/g, ` id="${prefix}$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}$1"`);
}

function designSection(designs: ReportDesign[]): string {
  const parts = designs.map((d, i) => {
    // One power unit for the whole column, the one its total needs.
    const unit = powerUnit(Math.max(d.totals.powerW, ...d.bom.map((b) => b.powerW)));
    const watts = (w: number) => formatPower(w, unit);
    const diagram = d.diagramSvg ? prefixIds(safeSvg(d.diagramSvg), `diagram${i}-`) : '';
    const bom = tableHtml(
      [
        { text: 'item' },
        { text: 'role' },
        { text: 'qty', num: true },
        { text: 'unit price', num: true },
        { text: 'cost', num: true },
        { text: 'power', num: true },
      ],
      d.bom.map((b) => [
        b.item,
        b.role,
        b.qty.toLocaleString('en-US'),
        usd(b.unitUsd),
        usd(b.costUsd),
        watts(b.powerW),
      ]),
      [
        `total (${formatCount(d.totals.switches, 'switch', 'switches')}, ${usd(d.totals.perHostUsd)} per host)`,
        '',
        '',
        '',
        usd(d.totals.costUsd),
        watts(d.totals.powerW),
      ],
    );
    return `<h3>${esc(d.name)}</h3><p class="subtitle">${esc(d.summary)}</p>${diagram ? `<figure class="diagram">${diagram}</figure>` : ''}<h3>Bill of materials</h3>${bom}`;
  });
  return `<section id="sec-designs"><h2>Designs</h2>${parts.join('')}</section>`;
}

/** Draws a chart and wraps it in a figure; ids are made unique in the page (vega numbers its clips per view). */
async function chartFigure(c: Chart | null, caption: string, ids: { n: number }): Promise<string> {
  if (!c) return '';
  const svg = prefixIds(await renderChart(c), `chart${ids.n++}-`);
  return figure(svg, caption);
}

const PCTS: [keyof Percentiles, string][] = [
  ['p50', 'p50'],
  ['p90', 'p90'],
  ['p99', 'p99'],
  ['p999', 'p99.9'],
];

type Run = { label: string; requests: RequestsResult };

async function inferenceFigures(runs: Run[], ids: { n: number }): Promise<string[]> {
  const figs: string[] = [];
  const cdf = cdfChart(
    runs.map((r) => ({ label: r.label, latency: r.requests.cdfMs.latency, ttft: r.requests.cdfMs.ttft })),
  );
  figs.push(
    await chartFigure(
      cdf,
      'Solid: end-to-end request latency; dashed: time to first token (TTFT). Over completed requests.',
      ids,
    ),
  );
  const bars = (metric: 'ttftMs' | 'tpotMs', chart: string, what: string, name: string) =>
    percentileChart({
      chart,
      title: `${name} by percentile`,
      quantity: `${what} (ms)`,
      groups: PCTS.map(([, n]) => n),
      runs: runs.map((r) => ({ label: r.label, values: PCTS.map(([k]) => r.requests[metric][k]) })),
    });
  if (runs.some((r) => r.requests.ttftMs.count > 0))
    figs.push(
      await chartFigure(
        bars('ttftMs', 'inference-ttft', 'TTFT', 'Time to first token'),
        'TTFT: arrival to the first output token at the client.',
        ids,
      ),
    );
  if (runs.some((r) => r.requests.tpotMs.count > 0))
    figs.push(
      await chartFigure(
        bars('tpotMs', 'inference-tpot', 'TPOT', 'Time per output token'),
        'TPOT: mean time between output tokens of a request, after the first.',
        ids,
      ),
    );
  return figs;
}

function percentileTables(runs: Run[]): string {
  const rows: (string | number)[][] = [];
  for (const r of runs) {
    const q = r.requests;
    const add = (what: string, p: Percentiles) =>
      rows.push([
        r.label,
        what,
        p.count.toLocaleString('en-US'),
        ms(p.mean),
        ms(p.p50),
        ms(p.p90),
        ms(p.p99),
        ms(p.p999),
      ]);
    add('latency', q.latencyMs);
    add('TTFT', q.ttftMs);
    add('TPOT', q.tpotMs);
  }
  const table = tableHtml(
    [
      { text: 'run' },
      { text: 'quantity (ms)' },
      { text: 'count', num: true },
      { text: 'mean', num: true },
      { text: 'p50', num: true },
      { text: 'p90', num: true },
      { text: 'p99', num: true },
      { text: 'p99.9', num: true },
    ],
    rows,
  );
  // The result keeps p50, p99 and their difference for the gaps between tokens (a stream's jitter), no more:
  // their own table, so no cell is left blank.
  const gaps = runs.filter((r) => r.requests.tokenGapMs.count > 0);
  const gapTable =
    gaps.length === 0
      ? ''
      : `<h3>Gaps between streamed tokens</h3>${tableHtml(
          [
            { text: 'run' },
            { text: 'gaps', num: true },
            { text: 'p50 (ms)', num: true },
            { text: 'p99 (ms)', num: true },
            { text: 'jitter: p99 - p50 (ms)', num: true },
          ],
          gaps.map((r) => {
            const g = r.requests.tokenGapMs;
            return [r.label, g.count.toLocaleString('en-US'), ms(g.p50), ms(g.p99), ms(g.jitter)];
          }),
        )}`;
  return `<h3>Percentiles</h3>${table}${gapTable}`;
}

/** One line per run; a run with faults gives its availability over the whole run and during each fault, labelled. */
function runSummary(r: Run): string {
  const q = r.requests;
  const pct2 = (x: number) => `${(x * 100).toFixed(2)}%`;
  const faults = q.faults.map(
    (f) =>
      `${pct2(f.availability)} during the fault of ${f.target} (${(f.atMs / 1000).toFixed(1)} s to ${f.untilMs >= 0 ? `${(f.untilMs / 1000).toFixed(1)} s` : 'the end'}, ${f.requests.toLocaleString('en-US')} requests)`,
  );
  const avail = `availability ${pct2(q.availability)} over the whole run${faults.length > 0 ? `, ${faults.join(', ')}` : ''}`;
  return `${r.label}: ${q.completed.toLocaleString('en-US')}/${q.count.toLocaleString('en-US')} requests completed (${avail}), throughput ${q.throughputPerS.toFixed(1)}/s, goodput ${q.goodputPerS.toFixed(1)}/s, ${formatCount(q.replicas, 'replica')}, ${q.balancer} balancing.`;
}

async function inferenceSection(runs: Run[], ids: { n: number }): Promise<string> {
  const figs = await inferenceFigures(runs, ids);
  const summary = runs.map((r) => `<li>${esc(runSummary(r))}</li>`).join('');
  return `<section id="sec-inference"><h2>Inference latency</h2><div class="grid">${figs.join('')}</div>${percentileTables(runs)}<ul class="notes">${summary}</ul></section>`;
}

/** Rank of a role in the fabric's height, to order tier pairs bottom-up. */
const ROLE_RANK: Record<string, number> = { host: 0, ...TIER_OF };

const tierRank = (t: string) =>
  t
    .split('-')
    .map((r) => ROLE_RANK[r] ?? 4)
    .reduce((a, b) => a + b, 0);

/** Links grouped by tier pair, ordered bottom-up (host-leaf, leaf-spine, spine-core). */
export function linksByTier(links: LinkStats[]): { tiers: string; links: LinkStats[] }[] {
  const m = new Map<string, LinkStats[]>();
  for (const l of links) {
    const list = m.get(l.tiers);
    if (list) list.push(l);
    else m.set(l.tiers, [l]);
  }
  return [...m.entries()]
    .sort(([a], [b]) => tierRank(a) - tierRank(b) || a.localeCompare(b))
    .map(([tiers, list]) => ({ tiers, links: list }));
}

async function linksSection(all: NonNullable<ReportInput['links']>, ids: { n: number }): Promise<string> {
  const figs: string[] = [];
  for (const l of all.filter((x) => x.links.length > 0))
    figs.push(
      await chartFigure(
        linksChart({ label: l.label, rows: linksByTier(l.links) }),
        'One cell per directed link that carried traffic, one row per tier pair; colour from 0 to 100% of line rate. Hover a cell for its name.',
        ids,
      ),
    );
  if (figs.length === 0) return '';
  return `<section id="sec-links"><h2>Link utilization</h2>${figs.join('')}</section>`;
}

async function networkSection(input: ReportInput, ids: { n: number }): Promise<string> {
  // Bus bandwidth, loss, queues and flows side by side: each is half the page wide.
  const figs: string[] = [];
  const busbw = (input.busbw ?? []).filter((s) => s.points.length > 0);
  if (busbw.length > 0)
    figs.push(
      await chartFigure(
        busbwChart(busbw),
        "Collective bus bandwidth as nccl-tests defines it: algorithm bandwidth (bytes per rank / time) times the collective's bus factor; GB/s = 10^9 bytes per second.",
        ids,
      ),
    );
  const loss = (input.lossSweep ?? []).filter((s) => s.points.length > 0);
  if (loss.length > 0)
    figs.push(
      await chartFigure(
        lossChart(loss),
        'Solid lines: PFC on; dashed: PFC off. Random loss is not congestion: PFC cannot prevent it, and every lost packet costs a go-back-N retransmission.',
        ids,
      ),
    );
  for (const q of input.queues ?? [])
    figs.push(await chartFigure(queueChart(q), 'Busiest egress queues, sampled; steps between samples.', ids));
  for (const f of input.flows ?? [])
    figs.push(
      await chartFigure(
        flowsChart(f),
        'Flow completion time (FCT): first byte sent to last byte acknowledged. Idle-fabric FCT: base RTT plus the bytes with headers at the bottleneck rate (FCT-01).',
        ids,
      ),
    );
  const shown = figs.filter((x) => x !== '');
  if (shown.length === 0) return '';
  return `<section id="sec-network"><h2>Collectives, loss, queues and flows</h2><div class="grid">${shown.join('')}</div></section>`;
}

/** The whole report as one HTML document (async: vega renders each chart asynchronously). */
export async function renderReport(input: ReportInput): Promise<string> {
  const ids = { n: 0 };
  const body: string[] = [];
  body.push(`<header><h1>${esc(input.title)}</h1>`);
  if (input.subtitle) body.push(`<p class="subtitle">${esc(input.subtitle)}</p>`);
  if (input.notes && input.notes.length > 0)
    body.push(`<ul class="notes">${input.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  body.push('</header>');
  const head = body.length;
  if (input.claims && input.claims.length > 0) body.push(claimsSection(input.claims));
  if (input.designs && input.designs.length > 0) body.push(designSection(input.designs));
  const network = await networkSection(input, ids);
  if (network) body.push(network);
  if (input.inference && input.inference.length > 0) body.push(await inferenceSection(input.inference, ids));
  if (input.links && input.links.length > 0) {
    const links = await linksSection(input.links, ids);
    if (links) body.push(links);
  }
  if (input.figures && input.figures.length > 0) {
    const figs: string[] = [];
    for (const f of input.figures) figs.push(await chartFigure(f.chart, f.caption, ids));
    body.push(`<section id="sec-figures"><h2>Sweep</h2><div class="grid">${figs.join('')}</div></section>`);
  }
  if (body.length === head) body.push('<p>Nothing to show: the input had no sections.</p>');
  body.push(
    '<footer>Made by aifabric. Self-contained: inline CSS and SVG (charts drawn with vega-lite), no scripts, nothing loaded from the network.</footer>',
  );
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(input.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body.join('\n')}
</main>
</body>
</html>
`;
}
