// The few numbers a sweep prints per point and `runs ls`, `runs export --csv` and `runs report` read: enough to
// compare points at a glance; the whole result stays in the store (`runs show KEY`).
import type { Result } from '../result/types.ts';

export interface PointMetrics {
  completed: boolean;
  /** Simulated time of the run (the last event), ms. */
  simMs: number;
  /** Slowest plain flow's completion time, us (0 without plain flows). */
  maxFctUs: number;
  /** Lowest bus bandwidth over the collectives, GB/s (0 without collectives). */
  busbwGBps: number;
  drops: number;
  pauseFrames: number;
  timeouts: number;
  /** p99 request latency of the first inference service, ms (0 without one). */
  p99LatencyMs: number;
}

export const METRIC_NAMES: readonly (keyof PointMetrics)[] = [
  'completed',
  'simMs',
  'maxFctUs',
  'busbwGBps',
  'drops',
  'pauseFrames',
  'timeouts',
  'p99LatencyMs',
];

const round = (x: number, digits = 4): number => Number(x.toPrecision(digits));

export function pointMetrics(r: Result): PointMetrics {
  const fct = r.flows.reduce((m, f) => Math.max(m, f.fctPs), 0);
  const ops = (r.ops ?? []).filter((o) => o.op !== 'compute');
  return {
    completed: r.completed,
    simMs: round(r.simulatedPs / 1e9),
    maxFctUs: round(fct / 1e6),
    busbwGBps: ops.length ? round(Math.min(...ops.map((o) => o.busbwGBps))) : 0,
    drops: r.counters.drops,
    pauseFrames: r.counters.pauseFrames,
    timeouts: r.counters.timeouts,
    p99LatencyMs: round(r.requests?.[0]?.latencyMs.p99 ?? 0),
  };
}
