// A run's `stats` block as every engine reports it (Result.stats, docs/simulate.md): whole events per second and
// peak memory in whole megabytes of 10^6 bytes. The wall clock feeds only this block (docs/architecture.md,
// "Determinism"). Leaves out the wall time's rounding: whole milliseconds for the event engines, microseconds for the
// analytic engine, whose runs take a few milliseconds.
import type { RunStats } from '../../result/types.ts';

export function runStats(events: number, wallMs: number, peakRssBytes: number): RunStats {
  return {
    events,
    wallMs: Math.round(wallMs),
    eventsPerSec: wallMs > 0 ? Math.round(events / (wallMs / 1000)) : 0,
    peakRssMB: Math.round(peakRssBytes / 1e6),
  };
}
