// The sweep charts of `aifabric runs report` (issue 19): what a reader must not be misled by.
import { describe, expect, it } from 'vitest';
import { renderChart } from './render.ts';
import { sweepHeatChart, sweepLineChart } from './sweep.ts';

const values = (spec: unknown) => (spec as { data: { values: Record<string, unknown>[] } }).data.values;

describe('sweep charts (runs report)', () => {
  it('two combinations with the same means are drawn once under a joined label, with a note', async () => {
    const pts = [1e6, 4e6, 16e6].flatMap((x) =>
      ['pfc=true', 'pfc=false'].map((series) => ({ x, series, mean: x / 1e4, lo: x / 1e4, hi: x / 1e4 })),
    );
    const c = sweepLineChart({ title: 't', xLabel: 'bytes', yLabel: 'max FCT (us)', points: pts });
    const drawn = new Set(values(c.spec).map((v) => v.series));
    expect([...drawn]).toEqual(['pfc=true and pfc=false (the same)']);
    expect(JSON.stringify((c.spec as { title: unknown }).title)).toMatch(/coincide at every point/);
    expect(await renderChart(c)).toMatch(/^<svg/);
  });

  it('combinations that differ stay separate lines, each with its seeds as an error bar', () => {
    const pts = [1, 2].flatMap((x) => [
      { x, series: 'a', mean: x, lo: x - 0.5, hi: x + 0.5 },
      { x, series: 'b', mean: 3 * x, lo: 3 * x, hi: 3 * x },
    ]);
    const c = sweepLineChart({ title: 't', xLabel: 'x', yLabel: 'y (ms)', points: pts });
    expect(new Set(values(c.spec).map((v) => v.series))).toEqual(new Set(['a', 'b']));
    expect(values(c.spec).find((v) => v.series === 'a' && v.x === 1)).toMatchObject({ lo: 0.5, hi: 1.5 });
  });

  it('the heat map keeps the rows in the order the sweep gave them, not sorted as text', () => {
    const rows = ['1000000', '4000000', '16000000'];
    const c = sweepHeatChart({
      title: 't',
      rowLabel: 'bytes',
      colLabel: 'pfc',
      valueLabel: 'max FCT (us)',
      cells: rows.map((row, i) => ({ row, col: 'true', value: i + 1 })),
    });
    const y = (c.spec as { encoding: { y: { sort: string[] } } }).encoding.y;
    expect(y.sort).toEqual(rows);
  });
});
