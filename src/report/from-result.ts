// What `aifabric report` reads, turned into a ReportInput: a `simulate --json` Result, a `simulate --sweep
// --json` SweepOutput, or a demo bundle (`{ report: ReportInput, ... }`). Anything else is an input error that
// names the file and the shapes it could have been.
import { isMapping } from '../base/mapping.ts';
import type { Catalog } from '../catalog/index.ts';
import { ScenarioError } from '../errors.ts';
import type { Design } from '../fabric/index.ts';
import type { OpResult, Result } from '../result/types.ts';
import { renderTopologySvg } from './diagram.ts';
import type { ReportDesign, ReportInput } from './input.ts';
import { atCurrentVersion, checkInput, demoSchema, resultSchema, sweepSchema } from './input-schema.ts';
import type { SweepOutput } from './simulate.ts';

/** How many of the busiest queues the queue chart shows. */
const QUEUE_PORTS = 6;

const EXPECTED =
  'expected the JSON of `aifabric simulate --json` (with "engine", "counters" and "flows"), of `simulate --sweep --json` (with "sweep") or of `aifabric demo --json` (with "report")';

/** Bus bandwidth per collective kind, averaged over ops of the same size (a job repeats them per iteration). */
function busbwSeries(ops: { op: OpResult; bytes: number }[]): NonNullable<ReportInput['busbw']> {
  const byLabel = new Map<string, Map<number, { sum: number; n: number }>>();
  for (const { op, bytes } of ops) {
    if (op.op === 'compute' || !(op.busbwGBps > 0)) continue;
    const label = `${op.op} ${op.algorithm}, ${op.ranks} ranks`;
    let m = byLabel.get(label);
    if (!m) {
      m = new Map();
      byLabel.set(label, m);
    }
    const acc = m.get(bytes) ?? { sum: 0, n: 0 };
    acc.sum += op.busbwGBps;
    acc.n++;
    m.set(bytes, acc);
  }
  return [...byLabel.entries()].map(([label, m]) => ({
    label,
    points: [...m.entries()].sort(([a], [b]) => a - b).map(([bytes, { sum, n }]) => ({ bytes, busbwGBps: sum / n })),
  }));
}

const simulated = (ps: number) =>
  ps >= 1e12
    ? `${(ps / 1e12).toFixed(2)} s`
    : ps >= 1e9
      ? `${(ps / 1e9).toFixed(3)} ms`
      : `${(ps / 1e6).toFixed(1)} us`;

/** A design's summary, bill of materials and diagram. */
export function reportDesign(name: string, d: Design, catalog: Catalog): ReportDesign {
  const bp = d.blueprint;
  const roles = bp.switches.map((s) => `${s.count} ${s.role} ${s.model}`).join(', ');
  return {
    name,
    summary: `${bp.topology}, ${bp.hosts.toLocaleString('en-US')} hosts at ${bp.hostRateBps / 1e9}G, ${bp.tiers} tiers: ${roles}`,
    bom: d.bom.items.map((i) => ({
      item: i.id,
      role: i.role,
      qty: i.quantity,
      unitUsd: i.unitPriceUsd,
      costUsd: i.costUsd,
      powerW: i.powerW,
    })),
    totals: {
      costUsd: d.bom.totals.costUsd,
      powerW: d.bom.totals.powerW,
      switches: d.bom.totals.switches,
      perHostUsd: d.bom.totals.costPerHostUsd,
    },
    // The diagram draws large tiers as a few switches and an ellipsis, so it stays small at any size (about
    // 21 KB and 0.1 s for 8,192 GPUs): every design gets one.
    diagramSvg: renderTopologySvg(d.fabric, catalog),
  };
}

/** The busiest sampled egress queues of a packet run (by peak), with its pause totals. */
export function queuesOf(r: Result, label: string, n = QUEUE_PORTS): NonNullable<ReportInput['queues']>[number] {
  const ports = r.ports
    .filter((p) => p.series.length > 0)
    .sort((a, b) => b.maxQueueBytes - a.maxQueueBytes)
    .slice(0, n);
  return {
    label,
    ports: ports.map((p) => ({ port: p.port, peer: p.peer, series: p.series })),
    pausedPs: r.counters.pausedPs,
    pauseFrames: r.counters.pauseFrames,
  };
}

/** A `simulate --json` result: links, busiest queues with pause totals, inference requests, collective busbw. */
export function reportFromResult(r: Result): ReportInput {
  const notes: string[] = [];
  const c = r.counters;
  notes.push(
    `${r.completed ? 'Completed' : 'Stopped before completing'} after ${simulated(r.simulatedPs)} simulated; ${r.flows.length} flows${r.ops ? `, ${r.ops.length} ops` : ''}${r.requests ? `, ${r.requests.reduce((s, q) => s + q.count, 0)} requests` : ''}.`,
  );
  notes.push(
    `Drops ${c.drops} (buffer ${c.bufferDrops}, loss ${c.lossDrops}, failure ${c.failureDrops}); PFC pause frames ${c.pauseFrames}; ECN marks ${c.ecnMarks}, CNPs ${c.cnps}; retransmitted ${c.retransmittedBytes} bytes.`,
  );
  const failed = r.invariants.filter((i) => !i.ok);
  notes.push(
    failed.length === 0
      ? `All ${r.invariants.length} invariant checks hold.`
      : `Invariant checks that FAILED: ${failed.map((i) => `${i.name} (${i.detail})`).join('; ')}.`,
  );
  const input: ReportInput = {
    title: `aifabric report: ${r.scenario}`,
    subtitle: `${r.engine} engine, seed ${r.seed}`,
    notes,
  };
  const busbw = busbwSeries((r.ops ?? []).map((op) => ({ op, bytes: op.bytes })));
  if (busbw.length > 0) input.busbw = busbw;
  const queues = queuesOf(r, r.scenario);
  if (queues.ports.length > 0) input.queues = [queues];
  if (r.requests && r.requests.length > 0)
    input.inference = r.requests.map((q) => ({
      label: r.requests!.length === 1 ? q.arrivals : `item ${q.item}: ${q.arrivals}`,
      requests: q,
    }));
  // Plain flows (not the transfers of collectives or requests, which have their own charts).
  if (r.flows.length > 0 && !r.ops && !r.requests)
    input.flows = [
      {
        label: `${r.scenario} (${r.engine} engine)`,
        flows: r.flows.map((f) => ({
          src: f.src,
          dst: f.dst,
          bytes: f.bytes,
          fctPs: f.endPs >= 0 ? f.fctPs : -1,
          idealFctPs: f.idealFctPs,
          slowdown: f.slowdown,
        })),
      },
    ];
  if (r.links && r.links.length > 0) input.links = [{ label: `${r.scenario} (${r.engine} engine)`, links: r.links }];
  return input;
}

/** A `simulate --sweep --json` output: one bus-bandwidth curve per collective kind. */
export function reportFromSweep(o: SweepOutput): ReportInput {
  const incomplete = o.sweep.filter((p) => !p.completed).length;
  return {
    title: `aifabric report: ${o.scenario}`,
    subtitle: `${o.engine} engine, seed ${o.seed}, sweep of ${o.sweep.length} sizes`,
    notes: incomplete > 0 ? [`${incomplete} sizes did not complete and are left out.`] : [],
    busbw: busbwSeries(o.sweep.filter((p) => p.completed).flatMap((p) => p.ops.map((op) => ({ op, bytes: op.bytes })))),
  };
}

/** Decides what a parsed JSON value is and builds the report input from it. `file` names it in errors. */
export function reportInputFromJson(value: unknown, file: string): ReportInput {
  const bad = (what: string) => new ScenarioError([{ path: file, message: `${what}; ${EXPECTED}` }]);
  if (!isMapping(value))
    throw bad(`is ${Array.isArray(value) ? 'an array' : `a ${value === null ? 'null' : typeof value}`}`);
  if ('report' in value) {
    const rep = value.report;
    if (!isMapping(rep) || typeof rep.title !== 'string')
      throw bad('has a "report" that is not a report input (an object with a "title")');
    const bundle = atCurrentVersion(value, 'demo bundle', file);
    checkInput(demoSchema, bundle, 'demo bundle', file);
    return bundle.report as ReportInput;
  }
  if (Array.isArray(value.sweep)) {
    const sweep = checkInput(sweepSchema, atCurrentVersion(value, 'sweep', file), 'sweep', file);
    return reportFromSweep(sweep as unknown as SweepOutput);
  }
  if (typeof value.engine === 'string' && isMapping(value.counters) && Array.isArray(value.flows)) {
    const r = checkInput(resultSchema, atCurrentVersion(value, 'result', file), 'result', file);
    return reportFromResult(r as unknown as Result);
  }
  const keys = Object.keys(value).slice(0, 6);
  throw bad(`has ${keys.length > 0 ? `keys ${keys.map((k) => `"${k}"`).join(', ')}` : 'no keys'}`);
}

/** Parses a file's text as JSON and builds the report input (errors name the file). */
export function reportInputFromText(text: string, file: string): ReportInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError([{ path: file, message: `is not valid JSON (${(e as Error).message}); ${EXPECTED}` }]);
  }
  return reportInputFromJson(value, file);
}
