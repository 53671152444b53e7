// What `aifabric simulate` prints without --json: flow completion times, counters, busiest queues, PFC headroom per link tier, invariants.
import type { HeadroomTier, OpResult, Result } from '../result/types.ts';
import { table } from './plan.ts';

/** -1 when there is no sample (no flow finished): printed as `-`, never NaN. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return -1;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i];
}

const us = (ps: number) => (ps < 0 ? '-' : `${(ps / 1e6).toFixed(ps < 1e7 ? 3 : 1)} us`);
/** A slowdown, or `-` for a flow that did not finish (the result says -1). */
const times = (x: number) => (x < 0 || !Number.isFinite(x) ? '-' : x.toFixed(2));

const gb = (x: number) => (x > 0 ? x.toFixed(2) : '-');
const ms = (ps: number) => (ps < 0 ? '-' : `${(ps / 1e9).toFixed(3)} ms`);

export interface SweepOutput {
  version: number;
  engine: string;
  scenario: string;
  seed: number;
  sweep: { bytes: number; ops: OpResult[]; completed: boolean }[];
}

/** nccl-tests' element type (its default, -d float) and reduction of each collective (-o sum where it reduces). */
const NCCL_TESTS_TYPE_BYTES = 4;
const REDUCES = new Set(['all-reduce', 'reduce-scatter', 'reduce']);
/**
 * nccl-tests' root column: the root rank of a rooted collective (its -r option, default 0; our broadcast and
 * reduce are rooted at rank 0, collectives.ts), -1 for the others (NVIDIA/nccl-tests src/common.cu, the result
 * header's "root" column).
 */
const ROOTED = new Set(['broadcast', 'reduce']);

/**
 * A bus-bandwidth sweep in nccl-tests' columns (size, count, type, redop, root, time, algbw, busbw; one
 * out-of-place set, no #wrong: nothing is computed to check), then ours (op, algorithm, ranks), and where NCCL's
 * cost model is idealised.
 */
export function sweepText(o: SweepOutput): string {
  const rows: (string | number)[][] = [];
  for (const p of o.sweep)
    for (const op of p.ops.filter((x) => x.op !== 'compute'))
      rows.push([
        p.bytes,
        Math.floor(p.bytes / NCCL_TESTS_TYPE_BYTES),
        'float',
        REDUCES.has(op.op) ? 'sum' : 'none',
        ROOTED.has(op.op) ? 0 : -1,
        (op.timePs / 1e6).toFixed(2),
        gb(op.algbwGBps),
        gb(op.busbwGBps),
        op.op,
        op.algorithm,
        op.ranks,
      ]);
  const head = [
    'size (B)',
    'count',
    'type',
    'redop',
    'root',
    'time (us)',
    'algbw (GB/s)',
    'busbw (GB/s)',
    'op',
    'algorithm',
    'ranks',
  ];
  return `# ${o.engine} engine, seed ${o.seed}: ${o.scenario}\n${table(head, rows)}\n${NCCL_MODEL_NOTE}\n`;
}

/** Where the collectives' cost model is idealised (docs/simulate.md, "NCCL's cost model"). */
export const NCCL_MODEL_NOTE =
  "# ring and tree collectives: NCCL 2.20.3's tuning model (protocol latency and efficiency); idealised: NCCL's channel count and per-channel bandwidths come from our fabric, not its graph search, and each host is one GPU with one NIC";

export function simulateText(r: Result): string {
  const out: string[] = [];
  const done = r.flows.filter((f) => f.endPs >= 0);
  const fct = done.map((f) => f.fctPs).sort((a, b) => a - b);
  const sd = done.map((f) => f.slowdown).sort((a, b) => a - b);
  if (r.requests && r.requests.length > 0) return requestsText(r, out);
  out.push(
    r.flows.length > 0 || !r.ops
      ? `${r.engine} engine, seed ${r.seed}: ${done.length}/${r.flows.length} flows finished in ${us(r.simulatedPs)} simulated`
      : `${r.engine} engine, seed ${r.seed}: ${r.ops.length} ops in ${us(r.simulatedPs)} simulated`,
  );
  if (r.flows.length > 0) out.push('');
  if (r.flows.length > 0)
    out.push(
      table(
        ['flows', 'FCT p50', 'FCT p99', 'FCT max', 'slowdown p50', 'slowdown p99'],
        [
          [
            r.flows.length,
            us(percentile(fct, 0.5)),
            us(percentile(fct, 0.99)),
            us(fct[fct.length - 1] ?? -1),
            times(percentile(sd, 0.5)),
            times(percentile(sd, 0.99)),
          ],
        ],
      ),
    );
  if (r.ops && r.ops.length > 0) {
    out.push('');
    out.push(
      table(
        ['op', 'algorithm', 'ranks', 'bytes', 'start', 'time', 'algbw GB/s', 'busbw GB/s'],
        r.ops
          .slice(0, 24)
          .map((o) => [
            o.label || o.op,
            o.algorithm,
            o.ranks,
            o.bytes,
            us(o.startPs),
            us(o.timePs),
            gb(o.algbwGBps),
            gb(o.busbwGBps),
          ]),
      ),
    );
    if (r.ops.length > 24) out.push(`... ${r.ops.length - 24} more ops in --json`);
  }
  iterationsTable(r, out);
  if (r.flows.length > 0 && r.flows.length <= 16) {
    out.push('');
    out.push(
      table(
        ['flow', 'bytes', 'start', 'end', 'FCT', 'slowdown', 'retransmitted'],
        r.flows.map((f) => [
          `${f.src} -> ${f.dst}`,
          f.bytes,
          us(f.startPs),
          us(f.endPs),
          us(f.fctPs),
          times(f.slowdown),
          f.retransmittedBytes,
        ]),
      ),
    );
  }
  const c = r.counters;
  out.push('');
  out.push(
    `drops ${c.drops} (buffer ${c.bufferDrops}, loss ${c.lossDrops}, failure ${c.failureDrops}); receiver discards ${c.receiverDiscards}; pause frames ${c.pauseFrames}, paused ${us(c.pausedPs)}; ECN marks ${c.ecnMarks}, CNPs ${c.cnps}; NAKs ${c.naks}, timeouts ${c.timeouts} (spurious ${c.spuriousTimeouts}), retransmitted ${c.retransmittedBytes} B`,
  );
  if (c.spuriousTimeouts > 0)
    out.push(
      `warning: ${c.spuriousTimeouts} retransmission timeouts fired with nothing lost (packets queued behind pauses); the timeout (network.rto / ackTimeout) is shorter than the queueing delay`,
    );
  if (c.qpErrors > 0)
    out.push(`warning: ${c.qpErrors} QPs gave up after network.retryCount timeouts in a row; their transfers failed`);
  if (r.ports.length > 0) out.push('');
  if (r.ports.length > 0)
    out.push(
      table(
        ['busiest queues', 'rate', 'max queue', 'mean queue', 'utilization'],
        r.ports
          .slice(0, 5)
          .map((p) => [
            `${p.port} -> ${p.peer}`,
            `${p.rateGbps}G`,
            `${p.maxQueueBytes} B`,
            `${Math.round(p.meanQueueBytes)} B`,
            `${(p.utilization * 100).toFixed(1)}%`,
          ]),
      ),
    );
  if (r.headroom && r.headroom.length > 0) out.push('', headroomTable(r.headroom));
  out.push('');
  for (const i of r.invariants) out.push(`${i.ok ? 'ok  ' : 'FAIL'} ${i.name}: ${i.detail}`);
  out.push('');
  out.push(
    `${r.stats.events} events in ${r.stats.wallMs} ms (${r.stats.eventsPerSec} events/s), peak RSS ${r.stats.peakRssMB} MB`,
  );
  return `${out.join('\n')}\n`;
}

/** PFC headroom per link tier: what each receiving port reserves, and the most any queue used. */
function headroomTable(h: HeadroomTier[]): string {
  return table(
    ['PFC headroom per link tier', 'rate', 'cable', 'propagation', 'headroom', 'peak used', 'links'],
    h.map((t) => [
      `${t.tiers} (${t.cable})`,
      `${t.rateGbps}G`,
      `${t.cableM} m`,
      `${t.propagationNs} ns`,
      `${t.headroomBytes} B`,
      `${t.peakHeadroomBytes} B`,
      t.links,
    ]),
  );
}

const m3 = (x: number) => (x >= 100 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));

/** An inference run: request counts, the latency table, throughput, availability and faults. */
/** A training job's iterations (also beside a service's requests when a scenario runs both). */
function iterationsTable(r: Result, out: string[]): void {
  if (!r.iterations || r.iterations.length === 0) return;
  out.push('');
  out.push(
    table(
      ['job', 'iteration', 'time', 'compute', 'communication', 'exposed comm'],
      r.iterations.map((i) => [i.job, i.iteration, ms(i.timePs), ms(i.computePs), ms(i.commPs), ms(i.exposedCommPs)]),
    ),
  );
}

function requestsText(r: Result, out: string[]): string {
  for (const q of r.requests ?? []) {
    out.push(
      `${r.engine} engine, seed ${r.seed}: ${q.count} requests (${q.arrivals}, ${q.arrivalRatePerS.toFixed(2)}/s over ${q.spanS.toFixed(1)} s) to ${q.replicas} replicas (${q.balancer})`,
    );
    out.push(
      `completed ${q.completed}, failed ${q.failed}, in flight ${q.inFlight}, retries ${q.retries}; availability ${(q.availability * 100).toFixed(3)}%`,
    );
    out.push('');
    const row = (name: string, p: (typeof q)['latencyMs']) => [
      name,
      p.count,
      m3(p.mean),
      m3(p.p50),
      m3(p.p90),
      m3(p.p99),
      m3(p.p999),
    ];
    out.push(
      table(
        ['ms', 'requests', 'mean', 'p50', 'p90', 'p99', 'p99.9'],
        [
          row('latency', q.latencyMs),
          row('TTFT', q.ttftMs),
          row('TPOT', q.tpotMs),
          row('queue', q.queueMs),
          row('network', q.networkMs),
          row('network (idle)', q.networkUnloadedMs),
          ...(q.kvTransferMs ? [row('KV transfer', q.kvTransferMs)] : []),
        ],
      ),
    );
    out.push('');
    out.push(
      `token gaps: p50 ${m3(q.tokenGapMs.p50)} ms, p99 ${m3(q.tokenGapMs.p99)} ms, jitter (p99 - p50) ${m3(q.tokenGapMs.jitter)} ms over ${q.tokenGapMs.count} gaps`,
    );
    const slo = Object.entries(q.slo)
      .map(([k, v]) => `${k.replace('Ms', '')} <= ${v} ms`)
      .join(', ');
    out.push(
      `throughput ${q.throughputPerS.toFixed(2)}/s, goodput ${q.goodputPerS.toFixed(2)}/s${slo ? ` (SLO ${slo})` : ' (no SLO given)'}; mean in system ${q.meanInSystem.toFixed(3)}; replica utilization ${(q.replicaUtilization * 100).toFixed(1)}%`,
    );
    if (q.faults.length > 0) {
      out.push('');
      out.push(
        table(
          [
            'fault',
            'at (ms)',
            'until (ms)',
            'requests',
            'completed',
            'failed',
            'retried',
            'availability',
            'p99 (ms)',
            'recovery (ms)',
          ],
          q.faults.map((f) => [
            f.target,
            m3(f.atMs),
            m3(f.untilMs),
            f.requests,
            f.completed,
            f.failed,
            f.retried,
            `${(f.availability * 100).toFixed(2)}%`,
            m3(f.p99LatencyMs),
            m3(f.recoveryMs),
          ]),
        ),
      );
    }
  }
  if (r.headroom && r.headroom.length > 0) out.push('', headroomTable(r.headroom));
  iterationsTable(r, out);
  out.push('');
  for (const i of r.invariants) out.push(`${i.ok ? 'ok  ' : 'FAIL'} ${i.name}: ${i.detail}`);
  out.push('');
  out.push(
    `${r.stats.events} events in ${Math.round(r.stats.wallMs)} ms (${Math.round(r.stats.eventsPerSec)} events/s), peak RSS ${Math.round(r.stats.peakRssMB)} MB`,
  );
  return `${out.join('\n')}\n`;
}
