// The HTML report drawn on one of the server's threads, its module loaded on first use. Run from the sources, a
// thread loads its code through tsx's `require` hook, which cannot load vega (vega-canvas has a top-level await,
// which CommonJS has not): the report's module is then imported as ESM, after tsx's ESM hooks are registered in
// this thread (Node 20 does not pass a parent's `--import tsx` hooks to a worker thread). From dist/ it is plain
// JavaScript and none of that is needed.
import type { ReportInput } from '../report/input.ts';

const FROM_SOURCES = import.meta.url.endsWith('.ts');

let render: ((input: ReportInput) => Promise<string>) | undefined;

export async function renderReportHere(input: ReportInput): Promise<string> {
  if (!render) {
    if (FROM_SOURCES) (await import('tsx/esm/api')).register();
    render = (await import('../report/html.ts')).renderReport;
  }
  return render(input);
}
