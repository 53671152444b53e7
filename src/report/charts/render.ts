// A chart's vega-lite spec drawn to an SVG string in Node. The stages, in order:
//   1 vega-lite compiles the spec to a vega spec
//   2 vega parses it to a runtime whose expressions are ASTs (`ast: true`)
//   3 a headless View evaluates them with vega-interpreter (no eval, no Function: the same spec runs in a page
//     with a strict Content-Security-Policy) and renders SVG (no canvas, no DOM, no fonts, no network)
//   4 the SVG is tagged for the report: `class="chart"`, `data-chart`, a <title>, tooltips as <title> elements
// Text is measured with DejaVu Sans' advance widths (theme.ts), not vega's 0.8 em estimate; titles are wrapped
// before they reach vega with the same widths. Left out: interaction.
import * as vega from 'vega';
import { parse, resetSVGDefIds, type Spec, View } from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import { compile, type TopLevelSpec } from 'vega-lite';
import { textWidthPx } from './theme.ts';

// vega's hook for text measurement without a canvas (vl-convert sets it too): DejaVu Sans' advance widths,
// so axes, legends and titles take the room the browser will draw them in.
/** vega-scenegraph's text measurement hook (exported by vega, missing from its types). */
type TextItem = { fontSize?: number; fontWeight?: string | number };
const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text: string) => number } }).textMetrics;
metrics.width = (item, text) =>
  textWidthPx(String(text ?? ''), item.fontSize ?? 11, item.fontWeight === 'bold' || Number(item.fontWeight) >= 600);

/** One chart: its name (`data-chart`, also the module that built it) and its vega-lite spec. */
export interface Chart {
  chart: string;
  spec: TopLevelSpec;
}

/** A vega warning is a spec bug (a scale that cannot show its data, an unknown field): it fails the render. */
class Collect {
  readonly messages: string[] = [];
  private lvl = 2;
  level(): number;
  level(l: number): this;
  level(l?: number): number | this {
    if (l === undefined) return this.lvl;
    this.lvl = l;
    return this;
  }
  error(...a: unknown[]) {
    this.messages.push(a.map(String).join(' '));
    return this;
  }
  warn(...a: unknown[]) {
    return this.error(...a);
  }
  info() {
    return this;
  }
  debug() {
    return this;
  }
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

function titleOf(spec: TopLevelSpec): string {
  const t = (spec as { title?: string | { text?: string | string[] } }).title;
  const text = typeof t === 'string' ? t : t?.text;
  return Array.isArray(text) ? text.join(' ') : (text ?? '');
}

/** Stage 4: the report's tags on the root, and each mark's description as a hover tooltip. */
function tag(svg: string, chart: string, title: string): string {
  const root = /^<svg [^>]*width="([0-9.]+)" height="([0-9.]+)" viewBox="([^"]+)">/.exec(svg);
  if (!root) throw new Error(`vega drew no SVG root for chart ${chart}`);
  const open =
    `<svg class="chart" data-chart="${esc(chart)}" xmlns="http://www.w3.org/2000/svg" role="img" ` +
    `aria-label="${esc(title)}" width="${root[1]}" height="${root[2]}" viewBox="${root[3]}"><title>${esc(title)}</title>`;
  // Browsers show a <title> child on hover, not an aria-label (a static page has no tooltip handler), and a
  // <title> also names the item for a screen reader: a mark's label becomes its <title> (a heat map has
  // thousands of cells, so the label is not written twice).
  const body = svg
    .slice(root[0].length)
    .replace(
      /<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="[^"]*" ([^>]*?)\/>/g,
      '<path $2><title>$1</title></path>',
    );
  return open + body;
}

/** Draws a chart to SVG (stages 1-4 above). Throws on a vega warning or error. */
export async function renderChart(c: Chart): Promise<string> {
  const log = new Collect();
  // Clip and gradient ids restart at every chart: the same input gives the same SVG (the page prefixes them).
  resetSVGDefIds();
  const vgSpec: Spec = compile(c.spec, { logger: log as never }).spec;
  const view = new View(parse(vgSpec, undefined, { ast: true }), {
    renderer: 'none',
    expr: expressionInterpreter as never,
    logger: log as never,
  });
  const svg = await view.toSVG();
  view.finalize();
  if (log.messages.length > 0) throw new Error(`chart ${c.chart}: ${log.messages.join('; ')}`);
  return tag(svg, c.chart, titleOf(c.spec));
}
