// The charts behind each row of the demo's claims table: for a row (aspect and side), the part of the demo
// bundle's report input its rule read (src/demo/claims.ts: which runs its values come from), drawn by the same
// builders as the HTML report (inputCharts, src/report/charts/*): one spec, the report's and the row's. The
// report's series are told apart by their labels (src/demo/run.ts, converged.ts). Rows whose values come from the
// designs alone (bisection, tiers, cost: the report's design tables) have no chart. Leaves out: the diagrams.
import type { Chart } from '../../src/report/charts/render.ts';
import type { ClaimRow, ReportInput } from '../../src/report/input.ts';
import { inputCharts } from './result-charts.ts';

type Part = (r: ReportInput) => Partial<ReportInput>;

const starts = (p: string) => (x: { label: string }) => x.label.startsWith(p);
const trainingLinks: Part = (r) => ({ links: (r.links ?? []).filter(starts('training')) });
const inferenceLinks: Part = (r) => ({ links: (r.links ?? []).filter(starts('inference')) });
/** The conversation trace's runs (alone, with the failure, dual-homed): the first three inference series. */
const serviceLatency: Part = (r) => ({
  inference: (r.inference ?? []).filter((x) => !/converged|beside the training job/.test(x.label)),
});
/** converged.yaml's three runs: the service alone, sharing fairly, at strict priority. */
const convergedLatency: Part = (r) => ({
  inference: (r.inference ?? []).filter((x) => /converged|beside the training job/.test(x.label)),
});
const incastQueues: Part = (r) => ({ queues: (r.queues ?? []).filter((q) => q.label.includes('incast')) });

/** Which parts of the report each row's rule reads, by `aspect|side`. */
const PARTS: Record<string, Part[]> = {
  'One fabric for both?|both': [convergedLatency],
  'Core objective|training': [trainingLinks],
  'Core objective|inference': [serviceLatency],
  'Computation process|training': [trainingLinks],
  'Computation process|inference': [inferenceLinks],
  'Resource requirements|inference': [serviceLatency],
  'Traffic characteristics|training': [trainingLinks],
  'Traffic characteristics|inference': [inferenceLinks],
  'Network demands|training': [(r) => ({ lossSweep: r.lossSweep }), incastQueues],
  'Network demands|inference': [serviceLatency],
  'Topology|inference': [serviceLatency],
  'Switch recommendation|training': [(r) => ({ busbw: r.busbw }), incastQueues],
};

/** The charts of one claim row, in the report's order; none for a row read from the designs alone. */
export function claimCharts(row: Pick<ClaimRow, 'aspect' | 'side'>, report: ReportInput): Chart[] {
  const picks = PARTS[`${row.aspect}|${row.side}`] ?? [];
  return picks.flatMap((p) => inputCharts({ title: report.title, subtitle: report.subtitle, ...p(report) }));
}
