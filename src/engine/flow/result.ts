// The flow engine's result: per-flow times and ideal FCTs, link statistics, traffic split, ops and iterations,
// counters and invariants, each counted on its own. Left out: the counters of loss, queues and PFC (always zero
// in a fluid model) and per-port statistics.
import { type FlowResult, type InvariantCheck, RESULT_VERSION, type Result, zeroCounters } from '../../result/types.ts';
import { linkStatsFromBytes } from '../core/links.ts';
import { opTimesFromTasks, summarizeOps } from '../core/ops.ts';
import { runStats } from '../core/run-stats.ts';
import * as layout from './layout.ts';
import { bookSeries, flushPathBytes } from './paths.ts';
import { advance, sending } from './sends.ts';
import type { FlowSim } from './state.ts';

// The layout's offsets and kinds (layout.ts) as module constants: one load each in the hot loops, where an
// imported binding costs a load and a check at every use (25% of the ring benchmark).
const { F_AUX, F_BYTES, F_LAST, F_PBYTES, F_RATE, F_REM, I_FIN, I_LAZY, I_NEXT, I_REPEAT, I_XFER, TF, TI } = layout;

/** Capacity check slack: rates come out of float sums. */
const CAP_SLACK = 1e-9;

export function result(sim: FlowSim, wallMs: number, peakRss: number): Result {
  const f = sim.f;
  const T = sim.now;
  const { ti, tf } = sim;
  const tasks = sim.program.transfers;
  for (let t = 0; t < sim.T; t++) {
    if (sending(sim, t)) {
      if (ti[TI * t + I_LAZY]) {
        // Counted whole at its start: take back what it had not sent yet.
        const o = TF * t;
        const unsent = Math.max(tf[o + F_REM] - tf[o + F_RATE] * (sim.now - tf[o + F_LAST]), 0);
        tf[o + F_PBYTES] -= unsent;
        if (sim.series !== null) bookSeries(sim, t, sim.now, tf[o + F_LAST] + tf[o + F_AUX], -unsent);
      } else advance(sim, t);
    }
    flushPathBytes(sim, t);
  }
  const flows: FlowResult[] = [];
  for (let t = 0; t < sim.T; t++) {
    const task = tasks[t];
    if (task.kind !== 'transfer' || task.op !== -1) continue;
    const start = sim.firstStart[t];
    const end = sim.endAt[t];
    const fct = end >= 0 && start >= 0 ? end - start : -1;
    const total = tf[TF * t + F_BYTES] * ti[TI * t + I_REPEAT];
    const ideal = sim.idealLatPs[t] + (total > 0 ? total / sim.idealCap[t] : 0);
    flows.push({
      id: t,
      src: f.nodes[sim.src[t]].name,
      dst: f.nodes[sim.dst[t]].name,
      bytes: total,
      startPs: start,
      endPs: end,
      fctPs: fct,
      idealFctPs: ideal,
      slowdown: fct >= 0 && ideal > 0 ? Math.max(1, fct / ideal) : -1,
      retransmittedBytes: 0,
    });
  }
  const links = linkStatsFromBytes(f, sim.linkBytes, T);
  let eastWest = 0;
  let northSouth = 0;
  for (let t = 0; t < sim.T; t++) {
    if (!ti[TI * t + I_XFER]) continue;
    const b = tf[TF * t + F_BYTES] * ti[TI * t + I_FIN];
    // North-south: bytes between a host and anything outside the hosts (border0, storage nodes).
    if (f.nodes[sim.src[t]].role !== 'host' || f.nodes[sim.dst[t]].role !== 'host') northSouth += b;
    else eastWest += b;
  }
  const { startPs, endPs } = opTimesFromTasks(sim.program, sim.firstStart, sim.endAt);
  const { ops, iterations } = summarizeOps(sim.program, startPs, endPs);
  // Task events: repetitions started, drained (transfers that sent bytes) and finished.
  let taskEvents = 0;
  for (let t = 0; t < sim.T; t++) {
    const r = TI * t;
    const drained = ti[r + I_XFER] && tf[TF * t + F_BYTES] > 0 ? ti[r + I_NEXT] - (sending(sim, t) ? 1 : 0) : 0;
    taskEvents += ti[r + I_NEXT] + drained + ti[r + I_FIN];
  }
  const events = sim.recomputes + taskEvents;
  return {
    version: RESULT_VERSION,
    engine: 'flow',
    scenario: sim.opts.name ?? 'scenario',
    seed: sim.opts.seed,
    simulatedPs: T,
    completed: sim.doneTasks === sim.T,
    flows,
    ...(sim.program.ops.length > 0 ? { ops, iterations } : {}),
    links,
    ...(sim.series !== null ? { linkSeries: sim.series.result(f) } : {}),
    traffic: {
      eastWestBytes: eastWest,
      northSouthBytes: northSouth,
      eastWestShare: eastWest + northSouth > 0 ? eastWest / (eastWest + northSouth) : 0,
    },
    counters: { ...zeroCounters(), deliveredBytes: sim.deliveredBytes },
    ports: [],
    invariants: invariants(sim),
    stats: runStats(events, wallMs, peakRss),
  };
}

/** Each invariant is counted on its own, not derived from the others. */
function invariants(sim: FlowSim): InvariantCheck[] {
  const { ti, tf } = sim;
  // In flight: repetitions started and not delivered yet (still sending, or drained and on the wire).
  let inFlight = 0;
  let unfinished = 0;
  for (let t = 0; t < sim.T; t++) {
    const r = TI * t;
    if (ti[r + I_XFER]) inFlight += tf[TF * t + F_BYTES] * (ti[r + I_NEXT] - ti[r + I_FIN]);
    if (ti[r + I_FIN] < ti[r + I_REPEAT]) unfinished++;
  }
  const balance = sim.injectedBytes - sim.deliveredBytes - inFlight;
  return [
    {
      name: 'bytes conserved',
      ok: Math.abs(balance) <= 1e-9 * Math.max(1, sim.injectedBytes),
      detail: `injected ${sim.injectedBytes} = delivered ${sim.deliveredBytes} + in flight ${inFlight}`,
    },
    {
      name: 'no link above its capacity',
      ok: sim.maxLoad <= 1 + CAP_SLACK,
      detail: `highest load over every rate recomputation: ${sim.maxLoad} of capacity`,
    },
    {
      name: 'time never runs backwards',
      ok: sim.timeBackwards === 0,
      detail: `${sim.timeBackwards} events earlier than the clock`,
    },
    {
      name: 'every task completed',
      ok: unfinished === 0,
      detail: `${sim.T - unfinished} of ${sim.T} tasks finished by t=${sim.now} ps`,
    },
  ];
}
