// Link utilization as a heat map: one cell per directed link that carried traffic, one row per tier pair
// (bottom-up: host links first), long rows wrapped. The colour scale is absolute, 0 to 100% of line rate, so a
// lightly loaded fabric looks pale instead of being stretched to look busy. Left out: time (utilization is the
// mean over the run).
import { formatPercent } from '../../base/units.ts';
import type { LinkStats } from '../../result/types.ts';
import type { Chart } from './render.ts';
import { CONFIG, title } from './theme.ts';

/** ColorBrewer YlOrRd stops, idle (pale) to saturated (dark red). */
export const HEAT = ['#ffffcc', '#fed976', '#fd8d3c', '#e31a1c', '#800026'];
/** Cells per line of a row, and the plot width they fill (8 px a cell: whole pixels keep the SVG short). */
const COLS = 128;
const WIDTH = COLS * 8;
const CELL_H = 16;

export interface LinkRows {
  label: string;
  rows: { tiers: string; links: LinkStats[] }[];
}

export function linksChart(o: LinkRows): Chart | null {
  const cells: { col: number; row: string; u: number; link: string }[] = [];
  const order: string[] = [];
  for (const r of o.rows) {
    const mean = r.links.reduce((s, l) => s + l.utilization, 0) / Math.max(1, r.links.length);
    const head = `${r.tiers} · ${r.links.length.toLocaleString('en-US')} links · mean ${formatPercent(mean)}`;
    r.links.forEach((l, i) => {
      const line = Math.floor(i / COLS);
      const row =
        line === 0 ? head : `${r.tiers} · links ${line * COLS + 1}-${Math.min(r.links.length, (line + 1) * COLS)}`;
      if (i % COLS === 0) order.push(row);
      cells.push({
        col: i % COLS,
        row,
        u: l.utilization,
        link: `${l.link} (${l.rateGbps}G): ${formatPercent(l.utilization)}`,
      });
    });
  }
  if (cells.length === 0) return null;
  const cols = Math.min(COLS, Math.max(...cells.map((c) => c.col)) + 1);
  return {
    chart: 'links',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: title(`Link utilization: ${o.label}`, [], WIDTH),
      width: (WIDTH / COLS) * cols,
      height: { step: CELL_H },
      config: { ...CONFIG, scale: { bandPaddingInner: 0.12 } },
      data: { values: cells },
      mark: { type: 'rect' },
      encoding: {
        x: {
          field: 'col',
          type: 'ordinal',
          axis: null,
          scale: { domain: Array.from({ length: cols }, (_, i) => i), paddingInner: 0.12, paddingOuter: 0 },
        },
        y: {
          field: 'row',
          type: 'ordinal',
          title: null,
          sort: order,
          axis: { labelFontSize: 12, ticks: false, domain: false },
        },
        color: {
          field: 'u',
          type: 'quantitative',
          title: 'utilization (bytes x 8 / (line rate x run time))',
          scale: { domain: [0, 1], range: HEAT, clamp: true },
          legend: {
            orient: 'bottom',
            direction: 'horizontal',
            gradientLength: 360,
            values: [0, 0.25, 0.5, 0.75, 1],
            format: '.0%',
          },
        },
        description: { field: 'link' },
      },
    } as never,
  };
}
