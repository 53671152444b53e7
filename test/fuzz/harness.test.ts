// The fuzz harness's shortcuts on a result's --json text (harness.ts): the null pre-check and the determinism
// comparison without `stats` see what parsing the whole result sees, so a fuzz case that breaks either property
// still fails. Synthetic texts, as JSON.stringify writes a Result; no engine runs.
import { describe, expect, it } from 'vitest';
import { firstNull, mayHoldNull, withoutStats } from './harness.ts';

const result = (stats: object, flows: unknown[] = [{ id: 0, endPs: 5 }]) =>
  `${JSON.stringify({ version: 1, engine: 'packet', flows, invariants: [{ name: 'ok', ok: true }], stats, traffic: {} })}\n`;

describe('the fuzz harness on --json text', () => {
  it('finds every null JSON.stringify writes (NaN and Infinity among them); a string that mentions null only asks the walk', () => {
    for (const v of [null, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      for (const json of [
        result({ wallMs: 1 }, [{ id: 0, endPs: v }]),
        result({ wallMs: 1 }, [v, 1]),
        result({}, [1, v]),
      ]) {
        expect(mayHoldNull(json), json).toBe(true);
        expect(firstNull(JSON.parse(json))).not.toBeNull();
      }
    }
    const clean = result({ wallMs: 1 }, [{ id: 0, name: 'a:null', endPs: 5 }]);
    expect(mayHoldNull(result({ wallMs: 1 }))).toBe(false);
    expect(firstNull(JSON.parse(clean))).toBeNull();
  });

  it('two runs that differ only in stats compare equal; any other difference does not', () => {
    const a = result({ events: 10, wallMs: 3, eventsPerSec: 3333, peakRssMB: 90 });
    const b = result({ events: 10, wallMs: 7, eventsPerSec: 1429, peakRssMB: 91 });
    expect(withoutStats(a)).toBe(withoutStats(b));
    expect(withoutStats(a)).not.toMatch(/events|wallMs|peakRssMB/);
    expect(withoutStats(a)).toMatch(/"invariants":.*"traffic":\{\}\}\n$/);
    expect(withoutStats(result({ events: 10, wallMs: 3 }, [{ id: 0, endPs: 6 }]))).not.toBe(withoutStats(a));
    // A flow named like the key is escaped in the text: still one block cut.
    const named = result({ wallMs: 3 }, [{ id: 0, name: '"stats":{x}' }]);
    expect(withoutStats(named)).toBe(withoutStats(result({ wallMs: 9 }, [{ id: 0, name: '"stats":{x}' }])));
    expect(withoutStats(named)).not.toBe(withoutStats(result({ wallMs: 9 }, [{ id: 0, name: '"stats":{y}' }])));
    // A second `stats` key (none today): compared as parsed JSON without the top-level one.
    const twice = (w: number, inner: number) => result({ wallMs: w }, [{ id: 0, stats: { n: inner } }]);
    expect(withoutStats(twice(1, 5))).toBe(withoutStats(twice(2, 5)));
    expect(withoutStats(twice(1, 5))).not.toBe(withoutStats(twice(1, 6)));
  });
});
