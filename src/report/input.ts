// What the HTML report draws (issue 6). `aifabric report` builds one from a simulate result, a sweep or a demo
// bundle; the demo builds it directly. Every section is optional: the report shows what it is given.
import type { FlowResult, LinkStats, PortStats, RequestsResult } from '../result/types.ts';
import type { Chart } from './charts/render.ts';

/** One claim of the seed's "comparison at a glance", with the measured evidence and a verdict. */
export interface ClaimRow {
  /** The row of the seed's table: core objective, computation process, resource requirements, traffic
   * characteristics, network demands, topology, or the switch recommendation. */
  aspect: string;
  side: 'training' | 'inference' | 'both';
  /** The seed's words. */
  claim: string;
  /** The measured number(s), as text with units. */
  evidence: string;
  /** The numbers behind the evidence (name -> value), for tests and JSON readers. */
  values: Record<string, number>;
  /** The thresholds the rule compared the values with (src/demo/claims.ts, THRESHOLDS). */
  thresholds?: Record<string, number>;
  verdict: 'supported' | 'not supported' | 'depends' | 'not decided at quick scale';
  /** The rule that decides the verdict, in words (the same rule is code next to the claim). */
  rule: string;
}

export interface ReportDesign {
  name: string;
  /** One line: topology, hosts, switches. */
  summary: string;
  /** Bill of materials rows. */
  bom: { item: string; role: string; qty: number; unitUsd: number; costUsd: number; powerW: number }[];
  totals: { costUsd: number; powerW: number; switches: number; perHostUsd: number };
  /** Inline SVG of the topology diagram (src/report/diagram.ts). */
  diagramSvg?: string;
}

export interface ReportInput {
  title: string;
  /** e.g. `aifabric 0.1.0, demo --quick, seed 1`. */
  subtitle: string;
  claims?: ClaimRow[];
  designs?: ReportDesign[];
  /** Bus bandwidth versus message size, one series per engine or fabric. */
  busbw?: { label: string; points: { bytes: number; busbwGBps: number }[] }[];
  /** Iteration time versus random loss rate, PFC on and off. */
  lossSweep?: { label: string; pfc: boolean; points: { loss: number; iterationMs: number }[] }[];
  /** Queue occupancy over time at the busiest ports (packet engine), and pause totals: one chart per run. */
  queues?: {
    label: string;
    ports: Pick<PortStats, 'port' | 'peer' | 'series'>[];
    pausedPs: number;
    pauseFrames: number;
  }[];
  /** Inference: latency CDF and percentiles per run (e.g. per fabric). */
  inference?: { label: string; requests: RequestsResult }[];
  /** Per directed link utilization, grouped by tier for the heat map. */
  links?: { label: string; links: LinkStats[] }[];
  /** Plain flows of a run (an incast, a permutation): completion time against the idle-fabric time. */
  flows?: { label: string; flows: Pick<FlowResult, 'src' | 'dst' | 'bytes' | 'fctPs' | 'idealFctPs' | 'slowdown'>[] }[];
  /** Charts built elsewhere (a stored sweep's metrics over its varied fields, src/sweep/report.ts), each a
   * vega-lite chart with a caption. */
  figures?: { chart: Chart; caption: string }[];
  /** Free-form notes printed under the title (assumptions, scale of the quick mode). */
  notes?: string[];
}
