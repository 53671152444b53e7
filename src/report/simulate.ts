// What `aifabric simulate` prints without --json: flow completion times, counters, busiest queues, invariants.
import type { Result } from '../result/types.ts';
import { table } from './plan.ts';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i];
}

const us = (ps: number) => (ps < 0 ? '-' : `${(ps / 1e6).toFixed(ps < 1e7 ? 3 : 1)} us`);

export function simulateText(r: Result): string {
  const out: string[] = [];
  const done = r.flows.filter((f) => f.endPs >= 0);
  const fct = done.map((f) => f.fctPs).sort((a, b) => a - b);
  const sd = done.map((f) => f.slowdown).sort((a, b) => a - b);
  out.push(
    `${r.engine} engine, seed ${r.seed}: ${done.length}/${r.flows.length} flows finished in ${us(r.simulatedPs)} simulated`,
  );
  out.push('');
  out.push(
    table(
      ['flows', 'FCT p50', 'FCT p99', 'FCT max', 'slowdown p50', 'slowdown p99'],
      [
        [
          r.flows.length,
          us(percentile(fct, 0.5)),
          us(percentile(fct, 0.99)),
          us(fct[fct.length - 1] ?? -1),
          percentile(sd, 0.5).toFixed(2),
          percentile(sd, 0.99).toFixed(2),
        ],
      ],
    ),
  );
  if (r.flows.length <= 16) {
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
          f.slowdown.toFixed(2),
          f.retransmittedBytes,
        ]),
      ),
    );
  }
  const c = r.counters;
  out.push('');
  out.push(
    `drops ${c.drops} (buffer ${c.bufferDrops}, loss ${c.lossDrops}, failure ${c.failureDrops}); receiver discards ${c.receiverDiscards}; pause frames ${c.pauseFrames}, paused ${us(c.pausedPs)}; ECN marks ${c.ecnMarks}, CNPs ${c.cnps}; NAKs ${c.naks}, timeouts ${c.timeouts}, retransmitted ${c.retransmittedBytes} B`,
  );
  out.push('');
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
  out.push('');
  for (const i of r.invariants) out.push(`${i.ok ? 'ok  ' : 'FAIL'} ${i.name}: ${i.detail}`);
  out.push('');
  out.push(
    `${r.stats.events} events in ${r.stats.wallMs} ms (${r.stats.eventsPerSec} events/s), peak RSS ${r.stats.peakRssMB} MB`,
  );
  return `${out.join('\n')}\n`;
}
