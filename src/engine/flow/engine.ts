// The flow-level engine: an event-driven fluid model (the flow models of htsim and SimGrid). Each transfer
// repetition is a fluid byte stream on one path; while it sends, its rate is its max-min fair share of the
// links it crosses. Rates change only when the set of sending flows (or a link's state) changes.
//
//   task ready (deps, stepDeps, startPs) ─► rep starts sending ─► max-min rates (water-filling around what
//   changed) ─► drains at the source ─► + path latency ─► rep finished ─► dependents ready
//
// Modelled: the traffic program's task semantics (src/workload/program.ts), ECMP paths with the packet engine's
// seeded hash, link capacity net of headers (full-MTU packets), propagation, the store-and-forward and switch
// latency of the last packet, link failures (rate 0 on a down link, reroute after the detection delay).
// Not modelled: loss, queues and buffers, PFC, ECN and DCQCN: a flow gets its max-min share at once, as an ideal
// congestion control would give it, so every counter but deliveredBytes is zero.
//
// Speed (issue 4: a ring all-reduce on 8,192 GPUs is 134 million flow repetitions): everything a repetition
// touches lives in typed arrays indexed by task id, with each task's hot fields interleaved in one record (one
// cache line of Int32 fields, one of Float64 fields); flows that drain (or arrive, or start) at the same
// picosecond share one queue event (a group of items). Rates are recomputed once per event time, and locally:
// the flows on links where something changed are re-solved with the others held, and the region grows only
// while a flow next to it loses its bottleneck (the max-min optimality test). A flow alone on its links takes
// their bottleneck without a solve; a flow no other task's path ever shares a link with ("exclusive", most ring
// flows on a Clos) needs neither link lists nor a drain event; a flow that starts alone on its links ("solo")
// needs no drain event nor solve until another flow joins one of them (most repetitions of a training job's
// rings, whose links the job's other collectives use at other times); runs of exclusive ring hops and delays are
// computed ahead by the ring solver, a pass per input down the ring with no event (ring.ts); the repetitions of solo ring hops are
// chained down the ring by the ring's max-plus recurrence, up to CHAIN_DEPTH hops per queue event, and turned
// back into events exactly where the repetition-by-repetition run would differ (chain.ts; chain: false runs
// without, and the differential tests compare both); a pipeline whose next repetition starts as the last one
// drains keeps its place and rate; and a region that is a union of whole components is cached by a Zobrist hash
// of its flow set (collective steps repeat the same sets thousands of times; region-cache.ts).
//
// The engine is a folder of files, one idea each, over one state (state.ts, records laid out in layout.ts):
//   engine.ts  the clock, the event queue, the dispatch of popped events and the wiring (this file)
//   driver.ts  task semantics: starts, drains, finishes, dependents     sends.ts   one repetition's send
//   chain.ts   chained repetitions of solo ring hops                       links.ts   link lists, solo runs
//   ring.ts    the ring solver: exclusive ring hops and delays
//   rates.ts   local max-min recomputation (core/maxmin.ts solves)         region-cache.ts  solved closed regions
//   paths.ts   ECMP paths, latency, exclusive flows                        groups.ts  items sharing a queue event
//   failures.ts  link down/up and reroutes                                 result.ts  result and invariants
import type { Catalog } from '../../catalog/index.ts';
import type { Fabric } from '../../fabric/types.ts';
import type { Result } from '../../result/types.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { TrafficProgram } from '../../workload/program.ts';
import { resolveNetwork } from '../core/network.ts';
import { chained, initChains, lastChainedEvent, unchainTask } from './chain.ts';
import { chainFinish, drain, finish, ringFinish, tryStart } from './driver.ts';
import { linkState, routeState } from './failures.ts';
import * as layout from './layout.ts';
import { buildPaths, markExclusive } from './paths.ts';
import { recompute } from './rates.ts';
import { result } from './result.ts';
import { handBackAll, initRing, lastRingEvent } from './ring.ts';
import { type FlowRunOptions, FlowSim } from './state.ts';

// The layout's offsets and kinds (layout.ts) as module constants: one load each in the hot loops, where an
// imported binding costs a load and a check at every use (25% of the ring benchmark).
const { EV_DRAIN, EV_FINISH, EV_LINK, GROUP_KINDS, I_BUSY, I_DEPS, I_VER, OPEN_SLOTS, TI } = layout;

export type { FlowDiagnostics, FlowRunOptions } from './state.ts';

export function runFlow(
  fabric: Fabric,
  program: TrafficProgram,
  scenario: Pick<Scenario, 'network' | 'seed'>,
  catalog: Catalog,
  opts: FlowRunOptions,
): Result {
  // Wall time counts the setup too (paths for every transfer): on large programs it is a fair share.
  const wall0 = performance.now();
  const sim = new FlowSim(fabric, program, resolveNetwork(scenario.network, fabric, catalog), opts);
  buildPaths(sim);
  markExclusive(sim);
  initRing(sim);
  initChains(sim);
  return run(sim, wall0);
}

/** Runs the event loop to the end (or maxTimePs) and returns the result. */
function run(sim: FlowSim, wall0: number): Result {
  let peakRss = process.memoryUsage.rss();
  const maxT = sim.opts.maxTimePs ?? Number.POSITIVE_INFINITY;
  for (const fl of sim.net.failures)
    for (const l of fl.links) {
      sim.q.push(fl.atPs, EV_LINK, l, 1);
      if (fl.untilPs !== null) sim.q.push(fl.untilPs, EV_LINK, l, 0);
    }
  for (let t = 0; t < sim.T; t++) if (sim.ti[TI * t + I_DEPS] === 0) tryStart(sim, t);
  recompute(sim);
  const q = sim.q;
  let batches = 0;
  while (q.size > 0) {
    const t = q.peekTime();
    if (t > maxT) {
      // Cut: the clock stops where the repetition-by-repetition run's last event was (chains logged some).
      if (sim.ch.length > 0) sim.now = lastChainedEvent(sim, maxT);
      if (sim.ri.length > 0) sim.now = Math.max(sim.now, lastRingEvent(sim));
      break;
    }
    if (t < sim.now) sim.timeBackwards++;
    sim.now = t;
    sim.batch++;
    while (q.size > 0 && q.peekTime() === t) {
      q.pop();
      const kind = q.kind;
      if (kind < GROUP_KINDS) runGroup(sim, kind, q.a);
      else if (kind === EV_LINK) linkState(sim, q.a, q.b === 1);
      else routeState(sim, q.a, q.b === 1);
    }
    recompute(sim);
    if ((++batches & 4095) === 0) {
      // The resident set less often: reading it costs tens of microseconds of CPU (every 4,096 batches it was
      // 1.5% of the 8,192-GPU every-rail ring, 5.3 million batches).
      if ((batches & 65535) === 0) {
        const rss = process.memoryUsage.rss();
        if (rss > peakRss) peakRss = rss;
      }
      sim.opts.onProgress?.(sim.doneTasks, sim.T, sim.now);
    }
  }
  if (sim.ch.length > 0) for (let t = 0; t < sim.T; t++) if (chained(sim, t)) unchainTask(sim, t);
  handBackAll(sim);
  if (sim.opts.diagnostics) {
    sim.opts.diagnostics.chainedRepetitions = sim.chainedReps;
    sim.opts.diagnostics.ringRepetitions = sim.ringReps;
    sim.opts.diagnostics.ringCollapsed = sim.ringCollapsed;
  }
  sim.opts.onProgress?.(sim.doneTasks, sim.T, sim.now);
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) peakRss = rss;
  return result(sim, performance.now() - wall0, peakRss);
}

/** Runs a popped group, closed first so that items added at this same time form a new one. */
function runGroup(sim: FlowSim, kind: number, g: number): void {
  for (let k = kind * OPEN_SLOTS, e = k + OPEN_SLOTS; k < e; k++) if (sim.openG[k] === g) sim.openT[k] = -1;
  // The item array may grow (be replaced) while a group runs: read it afresh for every item.
  let it = sim.grHead[g];
  while (it >= 0) {
    const o = 4 * it;
    const task = sim.items[o];
    const v = sim.items[o + 1];
    const next = sim.items[o + 2];
    sim.items[o + 2] = sim.itFree;
    sim.itFree = it;
    if (kind === EV_DRAIN) {
      const r = TI * task;
      if (sim.ti[r + I_VER] === v && sim.ti[r + I_BUSY]) drain(sim, task);
    } else if (kind === EV_FINISH) {
      if (v === 0) finish(sim, task);
      else if (v > 0) chainFinish(sim, task, v - 1);
      else if (v < -1) ringFinish(sim, task, v);
    } else {
      sim.startArmed[task] = 0;
      tryStart(sim, task);
    }
    it = next;
  }
  sim.grHead[g] = sim.grFree;
  sim.grFree = g;
}
