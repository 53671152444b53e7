// Draws a chart's vega-lite spec in the page: the same specs the HTML report draws (src/report/charts/*), compiled
// by vega-lite and run by a vega View whose expressions are evaluated by vega-interpreter (parsed with
// `ast: true`), so nothing calls eval or Function and the page runs under `default-src 'self'`. SVG renderer,
// as the report. Leaves out: tooltips beyond vega's own.
import { useEffect, useRef, useState } from 'react';
import { parse, View } from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import { compile } from 'vega-lite';
import type { Chart } from '../../src/report/charts/render.ts';

export function VegaChart({ chart, caption }: { chart: Chart; caption?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let view: View | undefined;
    try {
      const runtime = parse(compile(chart.spec).spec, undefined, { ast: true });
      view = new View(runtime, { renderer: 'svg', container: el, hover: true, expr: expressionInterpreter as never });
      view.runAsync().catch((e: Error) => setError(e.message));
    } catch (e) {
      setError((e as Error).message);
    }
    return () => {
      view?.finalize();
    };
  }, [chart]);
  return (
    <figure className="chart-figure">
      <div ref={ref} className="chart" data-chart={chart.chart} />
      {error ? (
        <p role="alert">
          chart {chart.chart}: {error}
        </p>
      ) : null}
      {caption ? <figcaption>{caption}</figcaption> : null}
    </figure>
  );
}
