// The HTML report (issue 6): one self-contained file (inline CSS and SVG, no scripts, nothing fetched) drawn from
// a ReportInput. Sections in order: notes, claims, designs (diagram and BOM), bus bandwidth with the loss sweep
// and queues, inference latency, link utilization. A section whose input is missing or empty is left out.
import type { LinkStats, Percentiles, RequestsResult } from '../result/types.ts';
import {
  barChart,
  cdfChart,
  formatBytes,
  formatNumber,
  formatPercent,
  heatMap,
  lineChart,
  niceMax,
  PALETTE,
} from './charts.ts';
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
const watts = (x: number) => `${Math.round(x).toLocaleString('en-US')} W`;
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
        `total (${d.totals.switches.toLocaleString('en-US')} switches, ${usd(d.totals.perHostUsd)} per host)`,
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

function busbwFigure(busbw: NonNullable<ReportInput['busbw']>): string {
  const svg = lineChart({
    chart: 'busbw',
    title: 'Bus bandwidth versus message size',
    x: { label: 'message size (bytes, log2 axis)', kind: 'log2', format: formatBytes },
    y: { label: 'bus bandwidth (GB/s)', min: 0 },
    series: busbw.map((s) => ({
      label: s.label,
      points: [...s.points].sort((a, b) => a.bytes - b.bytes).map((p) => [p.bytes, p.busbwGBps] as [number, number]),
    })),
  });
  return figure(
    svg,
    "Collective bus bandwidth as nccl-tests defines it: algorithm bandwidth (bytes per rank / time) times the collective's bus factor; GB/s = 10^9 bytes per second.",
  );
}

function lossFigure(loss: NonNullable<ReportInput['lossSweep']>): string {
  const svg = lineChart({
    chart: 'lossSweep',
    title: 'Iteration time versus random loss',
    x: { label: 'random loss rate (per packet, log axis; 0 left of the break)', kind: 'log10', zero: true },
    y: { label: 'iteration time (ms)', min: 0 },
    series: loss.map((s) => ({
      label: /\bPFC\b/i.test(s.label) ? s.label : `${s.label} (PFC ${s.pfc ? 'on' : 'off'})`,
      dashed: !s.pfc,
      points: [...s.points].sort((a, b) => a.loss - b.loss).map((p) => [p.loss, p.iterationMs] as [number, number]),
    })),
  });
  return figure(
    svg,
    'Solid lines: PFC on; dashed: PFC off. PFC cannot prevent injected random loss: every lost packet costs a go-back-N retransmission.',
  );
}

function queueFigure(q: NonNullable<ReportInput['queues']>[number]): string {
  const series = q.ports
    .filter((p) => p.series.length > 0)
    .map((p) => ({
      label: `${p.port} -> ${p.peer}`,
      step: true,
      markers: false,
      points: p.series.map(([t, b]) => [t / 1e6, b] as [number, number]),
    }));
  if (series.length === 0) return '';
  const svg = lineChart({
    chart: 'queues',
    title: `Queue occupancy: ${q.label}`,
    x: { label: 'time (us)', min: 0 },
    y: { label: 'queue occupancy (bytes)', min: 0, format: (v) => formatBytes(v).replace(/ B$/, '') },
    series,
  });
  const caption = `Busiest egress queues, sampled. PFC pause frames: ${q.pauseFrames.toLocaleString('en-US')}; time paused, summed over ports and classes: ${formatNumber(q.pausedPs / 1e6)} us.`;
  return figure(svg, caption);
}

const PCTS: [keyof Percentiles, string][] = [
  ['p50', 'p50'],
  ['p90', 'p90'],
  ['p99', 'p99'],
  ['p999', 'p99.9'],
];

function inferenceSection(runs: { label: string; requests: RequestsResult }[]): string {
  const cdfSeries: { label: string; cdf: [number, number][]; color: string; dashed?: boolean }[] = [];
  runs.forEach((r, i) => {
    const color = PALETTE[i % PALETTE.length];
    if (r.requests.cdfMs.latency.length > 0)
      cdfSeries.push({ label: `${r.label}: latency`, cdf: r.requests.cdfMs.latency, color });
    if (r.requests.cdfMs.ttft.length > 0)
      cdfSeries.push({ label: `${r.label}: TTFT`, cdf: r.requests.cdfMs.ttft, color, dashed: true });
  });
  const figs: string[] = [];
  if (cdfSeries.length > 0)
    figs.push(
      figure(
        cdfChart({
          chart: 'inference-cdf',
          title: 'Request latency and time to first token (CDF)',
          x: { label: 'time (ms, log axis)' },
          series: cdfSeries,
        }),
        'Solid: end-to-end request latency; dashed: time to first token (TTFT). Over completed requests.',
      ),
    );
  const bars = (metric: 'ttftMs' | 'tpotMs', title: string, chart: string) =>
    barChart({
      chart,
      title,
      groups: PCTS.map(([, n]) => n),
      xLabel: 'percentile',
      y: {
        label: `${metric === 'ttftMs' ? 'TTFT' : 'TPOT'} (ms)`,
        format: (v) => formatNumber(Number(v.toPrecision(3))),
      },
      series: runs.map((r) => ({ label: r.label, values: PCTS.map(([k]) => r.requests[metric][k]) })),
    });
  if (runs.some((r) => r.requests.ttftMs.count > 0))
    figs.push(
      figure(
        bars('ttftMs', 'Time to first token by percentile', 'inference-ttft'),
        'TTFT: arrival to the first output token at the client.',
      ),
    );
  if (runs.some((r) => r.requests.tpotMs.count > 0))
    figs.push(
      figure(
        bars('tpotMs', 'Time per output token by percentile', 'inference-tpot'),
        'TPOT: mean time between output tokens of a request, after the first.',
      ),
    );
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
    rows.push([
      r.label,
      'token gap',
      q.tokenGapMs.count.toLocaleString('en-US'),
      '',
      ms(q.tokenGapMs.p50),
      '',
      ms(q.tokenGapMs.p99),
      '',
    ]);
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
  const summary = runs
    .map(
      (r) =>
        `${r.label}: ${r.requests.completed.toLocaleString('en-US')}/${r.requests.count.toLocaleString('en-US')} requests completed (availability ${(r.requests.availability * 100).toFixed(2)}%), throughput ${r.requests.throughputPerS.toFixed(1)}/s, goodput ${r.requests.goodputPerS.toFixed(1)}/s, ${r.requests.replicas} replicas, ${r.requests.balancer} balancing.`,
    )
    .map((s) => `<li>${esc(s)}</li>`)
    .join('');
  return `<section id="sec-inference"><h2>Inference latency</h2><div class="grid">${figs.join('')}</div><h3>Percentiles</h3>${table}<ul class="notes">${summary}</ul></section>`;
}

/** Rank of a role in the fabric's height, to order tier pairs bottom-up. */
const ROLE_RANK: Record<string, number> = {
  host: 0,
  leaf: 1,
  access: 1,
  linecard: 1,
  spine: 2,
  aggregation: 2,
  fabric: 2,
  core: 3,
  border: 3,
};

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

function linksSection(all: NonNullable<ReportInput['links']>): string {
  const figs = all
    .filter((l) => l.links.length > 0)
    .map((l) => {
      const max = niceMax(l.links.reduce((m, x) => Math.max(m, x.utilization), 0));
      const svg = heatMap({
        chart: 'links',
        title: `Link utilization: ${l.label}`,
        valueLabel: `utilization (bytes x 8 / (rate x run time))${max < 1 ? `, scale to ${formatPercent(max)}` : ''}`,
        max,
        rows: linksByTier(l.links).map((g) => ({
          label: g.tiers,
          cells: g.links.map((x) => ({ label: `${x.link} (${x.rateGbps}G)`, value: x.utilization })),
        })),
      });
      return figure(
        svg,
        'One cell per directed link that carried traffic, one row per tier pair; hover a cell for its name.',
      );
    });
  if (figs.length === 0) return '';
  return `<section id="sec-links"><h2>Link utilization</h2>${figs.join('')}</section>`;
}

/** The whole report as one HTML document. */
export function renderReport(input: ReportInput): string {
  const body: string[] = [];
  body.push(`<header><h1>${esc(input.title)}</h1>`);
  if (input.subtitle) body.push(`<p class="subtitle">${esc(input.subtitle)}</p>`);
  if (input.notes && input.notes.length > 0)
    body.push(`<ul class="notes">${input.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  body.push('</header>');
  const head = body.length;
  if (input.claims && input.claims.length > 0) body.push(claimsSection(input.claims));
  if (input.designs && input.designs.length > 0) body.push(designSection(input.designs));
  // Bus bandwidth, loss and queues side by side: each is half the page wide.
  const training: string[] = [];
  const busbw = (input.busbw ?? []).filter((s) => s.points.length > 0);
  if (busbw.length > 0) training.push(busbwFigure(busbw));
  const loss = (input.lossSweep ?? []).filter((s) => s.points.length > 0);
  if (loss.length > 0) training.push(lossFigure(loss));
  for (const q of input.queues ?? []) training.push(queueFigure(q));
  if (training.some((f) => f !== ''))
    body.push(
      `<section id="sec-network"><h2>Collectives, loss and queues</h2><div class="grid">${training.join('')}</div></section>`,
    );
  if (input.inference && input.inference.length > 0) body.push(inferenceSection(input.inference));
  if (input.links && input.links.length > 0) body.push(linksSection(input.links));
  if (input.figures && input.figures.length > 0)
    body.push(
      `<section id="sec-figures"><h2>Sweep</h2><div class="grid">${input.figures.map((f) => figure(f.svg, f.caption)).join('')}</div></section>`,
    );
  if (body.length === head) body.push('<p>Nothing to show: the input had no sections.</p>');
  body.push(
    '<footer>Made by aifabric. Self-contained: inline CSS and SVG, no scripts, nothing loaded from the network.</footer>',
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
