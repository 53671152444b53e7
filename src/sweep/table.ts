// The text a sweep prints: one row per point with its varied values, seed, status and key metrics (metrics.ts), and
// the same columns for `aifabric runs ls` and `runs export --csv`.
import type { Result } from '../result/types.ts';
import { METRIC_NAMES, pointMetrics } from './metrics.ts';

export interface TableRow {
  key: string;
  point: Record<string, unknown>;
  seed: number;
  result?: Result;
  error?: string;
}

const valueText = (v: unknown): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

function cells(r: TableRow, paths: string[]): string[] {
  const m = r.result ? pointMetrics(r.result) : null;
  return [
    r.key.slice(0, 12),
    ...paths.map((p) => valueText(r.point[p])),
    String(r.seed),
    m ? 'ok' : 'failed',
    ...METRIC_NAMES.map((n) => (m ? String(m[n]) : '')),
  ];
}

/** The varied fields of a set of rows, in the order they first appear. */
export function variedPaths(rows: readonly { point: Record<string, unknown> }[]): string[] {
  return [...new Set(rows.flatMap((r) => Object.keys(r.point)))];
}

/** Aligned columns; failed points show their error on a line of their own. */
export function rowsText(rows: readonly TableRow[]): string {
  const paths = variedPaths(rows);
  const head = ['key', ...paths, 'seed', 'status', ...METRIC_NAMES];
  const body = rows.map((r) => cells(r, paths));
  const width = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (c: string[]) =>
    `${c
      .map((x, i) => x.padEnd(width[i]))
      .join('  ')
      .trimEnd()}\n`;
  let out = line(head);
  rows.forEach((r, i) => {
    out += line(body[i]);
    if (r.error) out += `  error: ${r.error}\n`;
  });
  return out;
}

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The same columns as CSV (RFC 4180 quoting), with the full key and the error as a last column. */
export function rowsCsv(rows: readonly TableRow[]): string {
  const paths = variedPaths(rows);
  const head = ['key', ...paths, 'seed', 'status', ...METRIC_NAMES, 'error'];
  const lines = rows.map((r) =>
    [...cells(r, paths).map((c, i) => (i === 0 ? r.key : c)), r.error ?? ''].map(csvCell).join(','),
  );
  return `${[head.map(csvCell).join(','), ...lines].join('\n')}\n`;
}
