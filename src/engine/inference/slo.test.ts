import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../errors.ts';
import { parseSlo } from './slo.ts';

describe('SLO bounds (capacity --slo)', () => {
  it('parses comma-separated and repeated bounds, with p99.9 as p999 and times in ms', () => {
    const b = parseSlo(['p99-ttft=500ms,p99.9-latency=2s', 'mean-tpot=40ms']);
    expect(b.map((x) => [x.stat, x.metric, x.limitMs])).toEqual([
      ['p99', 'ttft', 500],
      ['p999', 'latency', 2000],
      ['mean', 'tpot', 40],
    ]);
  });

  it('names the flag and the form of a bound it cannot read', () => {
    expect(() => parseSlo(['p99-speed=1ms'])).toThrow(ScenarioError);
    expect(() => parseSlo(['p99-ttft=fast'])).toThrow(/e\.g\. p99-ttft=500ms/);
    expect(() => parseSlo([' '])).toThrow(/at least one bound/);
  });
});
