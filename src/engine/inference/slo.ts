// Latency SLO bounds as the capacity search and the demo take them (`p99-ttft=500ms`): parsing with errors that
// name the flag and the fix, and whether a run's RequestsResult meets them. A run with any failed or unfinished
// request never meets an SLO. Left out: SLOs on goodput or availability.

import { parseTimePs } from '../../base/units.ts';
import { ScenarioError } from '../../errors.ts';
import type { Percentiles, RequestsResult } from '../../result/types.ts';

export const SLO_METRICS = {
  latency: 'latencyMs',
  ttft: 'ttftMs',
  tpot: 'tpotMs',
  queue: 'queueMs',
  network: 'networkMs',
} as const;
export const SLO_STATS = { mean: 'mean', p50: 'p50', p90: 'p90', p99: 'p99', p999: 'p999', 'p99.9': 'p999' } as const;

export interface SloBound {
  /** As written, e.g. p99-ttft=500ms. */
  text: string;
  metric: keyof typeof SLO_METRICS;
  stat: keyof Percentiles;
  limitMs: number;
}

/** `p99-ttft=500ms` (several comma-separated or repeated) -> bounds. Errors name the flag and the fix. */
export function parseSlo(specs: readonly string[], field = '--slo'): SloBound[] {
  const out: SloBound[] = [];
  for (const part of specs
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const m = /^([a-z0-9.]+)-([a-z]+)=(.+)$/.exec(part);
    const stat = m ? SLO_STATS[m[1] as keyof typeof SLO_STATS] : undefined;
    const metric = m ? (m[2] as keyof typeof SLO_METRICS) : undefined;
    const ps = m ? parseTimePs(m[3]) : Number.NaN;
    if (!m || !stat || !metric || !(metric in SLO_METRICS) || !Number.isFinite(ps) || ps <= 0)
      throw new ScenarioError([
        {
          path: field,
          message: `"${part}" is not an SLO bound: write <stat>-<metric>=<time> with stat ${Object.keys(SLO_STATS).join('|')} and metric ${Object.keys(SLO_METRICS).join('|')}, e.g. p99-ttft=500ms`,
        },
      ]);
    out.push({ text: part, metric, stat: stat as keyof Percentiles, limitMs: ps / 1e9 });
  }
  if (out.length === 0)
    throw new ScenarioError([{ path: field, message: 'give at least one bound, e.g. --slo p99-ttft=500ms' }]);
  return out;
}

export function sloValue(r: RequestsResult, b: SloBound): number {
  return r[SLO_METRICS[b.metric]][b.stat];
}

/** Meets every bound, with every request completed. */
export function meetsSlo(r: RequestsResult, bounds: readonly SloBound[]): boolean {
  return r.failed === 0 && r.inFlight === 0 && bounds.every((b) => sloValue(r, b) <= b.limitMs);
}
