// 1,000 property-based cases through the CLI with a fixed seed (test/fuzz/run.ts says what is generated and
// checked; `npm run fuzz` runs 10,000). A failure prints its seed, run index and the case; `npm run fuzz --
// --seed S --runs N` replays and shrinks it.
import { describe, expect, it } from 'vitest';
import { fuzz, summaryText } from './run.ts';

describe('property-based fuzzing', () => {
  it('1,000 valid and near-valid scenarios: accepted with every invariant and no NaN, or rejected naming the field', async () => {
    const s = await fuzz({ numRuns: 1000, seed: 20261206, maxShrinks: 0 });
    const text = summaryText(s);
    expect(s.runs).toBe(1000);
    // Both halves were exercised: the generators are not producing only rejections or only acceptances.
    expect(s.accepted).toBeGreaterThan(300);
    expect(s.rejected).toBeGreaterThan(200);
    expect(s.failures, text).toEqual([]);
    // A hang guard, not a speed check: ~20 s alone on 2 cores, but over 120 s (the suite's default) at load 15.
  }, 600_000);
});
