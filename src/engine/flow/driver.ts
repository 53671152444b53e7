// The flow engine's task driver: the traffic program's semantics (src/workload/program.ts) over the task records.
// A repetition starts when its deps and stepDeps hold and startPs is reached, sends (alone, solo, exclusive or on
// shared links), drains, and finishes one path latency later; its finish hands its stepOuts their input (chained
// when they can be, chain.ts) and the task's last finish readies its dependents.
// Left out: the rates (rates.ts) and everything about time order (engine.ts's queue).
import { canChain, chain, chained, countChainArrival, unchainTask } from './chain.ts';
import { addItem } from './groups.ts';
import * as layout from './layout.ts';
import { insertFlow, removeFlow } from './links.ts';
import { bookSeries, pathMoved, setPath } from './paths.ts';
import { ringArrived, ringCame, ringDeliver, ringQueued } from './ring.ts';
import { firstReady, scheduleFinish, sendAlone, stepDepsMet, wake } from './sends.ts';
import type { FlowSim } from './state.ts';

// The layout's offsets and kinds (layout.ts) as module constants: one load each in the hot loops, where an
// imported binding costs a load and a check at every use (25% of the ring benchmark).
const {
  EV_DRAIN,
  F_AUX,
  F_BYTES,
  F_LAST,
  F_PBYTES,
  F_RATE,
  F_REM,
  I_BUSY,
  I_DEPS,
  I_FIN,
  I_LAZY,
  I_NEXT,
  I_OUT0,
  I_OUT1,
  I_REPEAT,
  I_VER,
  I_XFER,
  LZ_EXCL,
  LZ_NONE,
  LZ_SENT,
  LZ_SOLO,
  TF,
  TI,
} = layout;

/** Starts the task's next repetition if program.ts's conditions hold now. */
export function tryStart(sim: FlowSim, t: number): void {
  // Loops only over repetitions of zero bytes, which are sent as soon as they start.
  while (mayStart(sim, t) && startRep(sim, t));
}

/** May the task's next repetition start now? (Small, so the hot callers inline it.) */
function mayStart(sim: FlowSim, t: number): boolean {
  const ti = sim.ti;
  const r = TI * t;
  const rep = ti[r + I_NEXT];
  if (rep >= ti[r + I_REPEAT] || (ti[r + I_BUSY] && !ti[r + I_LAZY])) return false;
  if (rep === 0 && !firstReady(sim, t)) return false;
  if (!stepDepsMet(sim, t, rep)) return false;
  if (ti[r + I_BUSY]) {
    // An exclusive or solo flow still sending (wake it when it is sent) or sent since (mark it now).
    const sentAt = sim.tf[TF * t + F_LAST] + sim.tf[TF * t + F_AUX];
    if (sim.now < sentAt) {
      wake(sim, t, sentAt);
      return false;
    }
    ti[r + I_BUSY] = 0;
  }
  return true;
}

/** Starts the next repetition (mayStart said yes); true if it was sent at once (zero bytes). */
function startRep(sim: FlowSim, t: number): boolean {
  const ti = sim.ti;
  const r = TI * t;
  const rep = ti[r + I_NEXT];
  ti[r + I_NEXT] = rep + 1;
  if (rep === 0) sim.firstStart[t] = sim.now;
  const tf = sim.tf;
  if (!ti[r + I_XFER]) {
    startDelay(sim, t, rep);
    return false;
  }
  const b = tf[TF * t + F_BYTES];
  sim.injectedBytes += b;
  if (sim.routeEpoch > 0 && sim.pathEpoch[t] !== sim.routeEpoch && pathMoved(sim, t)) setPath(sim, t);
  if (b === 0) {
    // Nothing to send: sent at once, it arrives one path latency later; the next repetition may follow.
    scheduleFinish(sim, t, sim.now);
    return true;
  }
  ti[r + I_BUSY] = 1;
  const o = TF * t;
  tf[o + F_REM] = b;
  tf[o + F_LAST] = sim.now;
  const lz = ti[r + I_LAZY];
  if (lz === LZ_EXCL) {
    // Alone for good: sendAlone without the solo bookkeeping, inline (an 8,192-GPU ring is 134 million).
    ti[r + I_VER]++;
    sim.wakeArmed[t] = 0;
    tf[o + F_PBYTES] += b;
    const sentAt = sim.now + tf[o + F_AUX];
    if (sim.series !== null) bookSeries(sim, t, sim.now, sentAt, b);
    const it = scheduleFinish(sim, t, sentAt);
    if (sim.ringAt[t] >= 0) ringQueued(sim, t, rep, it);
    if (rep + 1 < ti[r + I_REPEAT] && stepDepsMet(sim, t, rep + 1)) wake(sim, t, sentAt);
    return false;
  }
  if (lz === LZ_SOLO) {
    // Still alone on the links it holds: sent at its bottleneck rate.
    sendAlone(sim, t);
    return false;
  }
  if (lz === LZ_SENT) {
    ti[r + I_LAZY] = LZ_NONE;
    ti[r + I_VER]++;
    sim.wakeArmed[t] = 0;
  }
  tf[o + F_RATE] = 0;
  insertFlow(sim, t);
  return false;
}

/**
 * A delay's repetition (LZ_EXCL, state.ts): as an exclusive transfer's, it is done F_AUX ps on (finish event,
 * no path latency), and it is marked done lazily: the next repetition starts then if its stepDeps already hold
 * (a wake) or when they come.
 */
function startDelay(sim: FlowSim, t: number, rep: number): void {
  const ti = sim.ti;
  const r = TI * t;
  ti[r + I_BUSY] = 1;
  ti[r + I_VER]++;
  sim.wakeArmed[t] = 0;
  sim.tf[TF * t + F_LAST] = sim.now;
  const doneAt = sim.now + sim.tf[TF * t + F_AUX];
  const it = scheduleFinish(sim, t, doneAt);
  if (sim.ringAt[t] >= 0) ringQueued(sim, t, rep, it);
  if (rep + 1 < ti[r + I_REPEAT] && stepDepsMet(sim, t, rep + 1)) wake(sim, t, doneAt);
}

/** The repetition's last byte has left the source. */
export function drain(sim: FlowSim, t: number): void {
  const tf = sim.tf;
  const o = TF * t;
  const r = TI * t;
  sim.ti[r + I_BUSY] = 0;
  if (sim.ti[r + I_LAZY]) {
    // Woken at its send time: bytes were counted and the arrival scheduled when it started.
    sim.wakeArmed[t] = 0;
  } else {
    tf[o + F_PBYTES] += tf[o + F_REM];
    if (sim.series !== null) bookSeries(sim, t, tf[o + F_LAST], sim.now, tf[o + F_REM]);
    tf[o + F_REM] = 0;
    sim.ti[r + I_VER]++;
    scheduleFinish(sim, t, sim.now);
    // The next repetition starts at once on the same path (a pipeline in full flow): the set of sending
    // flows does not change, so the flow keeps its place on the links and its rate, and nothing is solved.
    if (
      tf[o + F_RATE] > 0 &&
      tf[o + F_BYTES] > 0 &&
      (sim.routeEpoch === 0 || sim.pathEpoch[t] === sim.routeEpoch) &&
      mayStart(sim, t)
    ) {
      restartInPlace(sim, t);
      return;
    }
    tf[o + F_RATE] = 0;
    removeFlow(sim, t);
  }
  tryStart(sim, t);
}

/** drain's shortcut: the next repetition (mayStart said yes) of a flow that stays on its links at its rate. */
function restartInPlace(sim: FlowSim, t: number): void {
  const ti = sim.ti;
  const tf = sim.tf;
  const r = TI * t;
  const o = TF * t;
  ti[r + I_NEXT]++;
  ti[r + I_BUSY] = 1;
  const b = tf[o + F_BYTES];
  sim.injectedBytes += b;
  tf[o + F_REM] = b;
  tf[o + F_LAST] = sim.now;
  const rate = tf[o + F_RATE];
  addItem(sim, EV_DRAIN, sim.now + Math.max(Math.ceil(b / rate - 1e-6), 0), t, ++ti[r + I_VER]);
}

/** A repetition finished: delivered at dst (transfer; a delay delivers no bytes) or its time is up (delay). */
export function finish(sim: FlowSim, t: number): void {
  const ti = sim.ti;
  const r = TI * t;
  const fin = ++ti[r + I_FIN];
  sim.deliveredBytes += sim.tf[TF * t + F_BYTES];
  if (sim.ringAt[t] >= 0) ringArrived(sim, t, fin - 1);
  if (fin === ti[r + I_REPEAT]) taskDone(sim, t);
  for (let k = ti[r + I_OUT0], e = ti[r + I_OUT1]; k < e; k++) deliver(sim, sim.stepOut[k], fin - 1);
}

/**
 * Task k's stepDep finished repetition `rep` now. A ring hop takes it in the ring solver (ring.ts), a chainable
 * task as a chained input (chain()); otherwise (or once they cannot) it runs repetition by repetition (tryStart).
 */
function deliver(sim: FlowSim, k: number, rep: number): void {
  if (sim.ringAt[k] >= 0 && ringDeliver(sim, k, rep)) return;
  if (sim.chainable[k]) {
    if (canChain(sim, k, rep)) {
      chain(sim, k, rep, sim.now);
      return;
    }
    if (chained(sim, k)) unchainTask(sim, k);
  }
  tryStart(sim, k);
}

/** A pass's queued arrival came (repetition rep of x): it is counted and handed on. */
export function chainFinish(sim: FlowSim, x: number, rep: number): void {
  const ti = sim.ti;
  const r = TI * x;
  const fin = countChainArrival(sim, x, rep);
  if (fin >= ti[r + I_REPEAT]) throw new Error(`internal: task ${x} finished its last repetition in a chain`);
  sim.deliveredBytes += sim.tf[TF * x + F_BYTES];
  for (let k = ti[r + I_OUT0], e = ti[r + I_OUT1]; k < e; k++) deliver(sim, sim.stepOut[k], rep);
}

/** A ring hop's finish item came (ring.ts): its last repetition is finished here, another one delivered. */
export function ringFinish(sim: FlowSim, x: number, v: number): void {
  const rep = ringCame(sim, x, v);
  if (rep < 0) {
    finish(sim, x);
    return;
  }
  const ti = sim.ti;
  for (let k = ti[TI * x + I_OUT0], e = ti[TI * x + I_OUT1]; k < e; k++) deliver(sim, sim.stepOut[k], rep);
}

function taskDone(sim: FlowSim, t: number): void {
  sim.endAt[t] = sim.now;
  sim.doneTasks++;
  for (let k = sim.depOutStart[t], e = sim.depOutStart[t + 1]; k < e; k++) {
    const d = sim.depOut[k];
    if (--sim.ti[TI * d + I_DEPS] === 0) tryStart(sim, d);
  }
}
