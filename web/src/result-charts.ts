// The charts of one simulation result, built by the HTML report's own spec builders (src/report/charts/*) from
// the report's own reading of a result (reportFromResult): one spec, drawn in the report by Node and here by
// the browser. The selection follows src/report/html.ts: bus bandwidth, queues, flows, inference latency
// (CDF, TTFT and TPOT percentiles), link utilization. Leaves out: the demo's claims table and diagrams (the Demo page draws its claims).
import { busbwChart } from '../../src/report/charts/busbw.ts';
import { cdfChart } from '../../src/report/charts/cdf.ts';
import { flowsChart } from '../../src/report/charts/flows.ts';
import { linksChart } from '../../src/report/charts/links.ts';
import { lossChart } from '../../src/report/charts/loss.ts';
import { percentileChart } from '../../src/report/charts/percentiles.ts';
import { queueChart } from '../../src/report/charts/queues.ts';
import type { Chart } from '../../src/report/charts/render.ts';
import { reportFromResult } from '../../src/report/from-result.ts';
import { linksByTier } from '../../src/report/html.ts';
import type { ReportInput } from '../../src/report/input.ts';
import type { Result } from '../../src/result/types.ts';

const PCTS = [
  ['p50', 'p50'],
  ['p90', 'p90'],
  ['p99', 'p99'],
  ['p999', 'p99.9'],
] as const;

/** The charts of a report's input (a result's, or the demo bundle's `report`), in the report's order. */
export function inputCharts(input: ReportInput): Chart[] {
  const out: (Chart | null)[] = [];
  const busbw = (input.busbw ?? []).filter((s) => s.points.length > 0);
  if (busbw.length > 0) out.push(busbwChart(busbw));
  const loss = (input.lossSweep ?? []).filter((s) => s.points.length > 0);
  if (loss.length > 0) out.push(lossChart(loss));
  for (const q of input.queues ?? []) out.push(queueChart(q));
  for (const f of input.flows ?? []) out.push(flowsChart(f));
  const runs = input.inference ?? [];
  if (runs.length > 0) {
    out.push(
      cdfChart(runs.map((x) => ({ label: x.label, latency: x.requests.cdfMs.latency, ttft: x.requests.cdfMs.ttft }))),
    );
    const bars = (metric: 'ttftMs' | 'tpotMs', chart: string, what: string, name: string) =>
      runs.some((x) => x.requests[metric].count > 0)
        ? percentileChart({
            chart,
            title: `${name} by percentile`,
            quantity: `${what} (ms)`,
            groups: PCTS.map(([, n]) => n),
            runs: runs.map((x) => ({ label: x.label, values: PCTS.map(([k]) => x.requests[metric][k]) })),
          })
        : null;
    out.push(bars('ttftMs', 'inference-ttft', 'TTFT', 'Time to first token'));
    out.push(bars('tpotMs', 'inference-tpot', 'TPOT', 'Time per output token'));
  }
  for (const l of (input.links ?? []).filter((x) => x.links.length > 0))
    out.push(linksChart({ label: l.label, rows: linksByTier(l.links) }));
  return out.filter((c): c is Chart => c !== null);
}

export const resultCharts = (r: Result): Chart[] => inputCharts(reportFromResult(r));
