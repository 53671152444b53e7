// One repetition's send in the flow engine: whether its step dependencies hold, the start event of a task's first
// repetition, the wake at an exclusive or solo flow's send time, the send of a flow alone on its links (known at
// its start), the arrival one path latency after the last byte, and a flow's fluid progress at its rate.
// Left out: the choice of rates (rates.ts) and what a finished repetition sets off (driver.ts).
import { addItem } from './groups.ts';
import * as layout from './layout.ts';
import { bookSeries } from './paths.ts';
import type { FlowSim } from './state.ts';

// The layout's offsets and kinds (layout.ts) as module constants: one load each in the hot loops, where an
// imported binding costs a load and a check at every use (25% of the ring benchmark).
const {
  EV_DRAIN,
  EV_FINISH,
  EV_START,
  F_AUX,
  F_BYTES,
  F_LAST,
  F_LASTFIN,
  F_LAT,
  F_PBYTES,
  F_RATE,
  F_REM,
  I_BUSY,
  I_DEPS,
  I_FIN,
  I_LAZY,
  I_NEXT,
  I_REPEAT,
  I_STEP0,
  I_STEP1,
  I_VER,
  I_XFER,
  LZ_SOLO,
  TF,
  TI,
} = layout;

/** Remaining bytes below this are rounding residue: the flow has drained. */
const SNAP_BYTES = 1e-6;

/** Has every stepDep finished the repetition that repetition `rep` waits for? */
export function stepDepsMet(sim: FlowSim, t: number, rep: number): boolean {
  const ti = sim.ti;
  const dl = sim.stepDL;
  for (let k = ti[TI * t + I_STEP0], e = ti[TI * t + I_STEP1]; k < e; k++) {
    const need = rep - dl[2 * k + 1];
    if (need >= 0 && ti[TI * dl[2 * k] + I_FIN] <= need) return false;
  }
  return true;
}

/** A drain event at an exclusive flow's send time for the current repetition (once). */
export function wake(sim: FlowSim, t: number, at: number): void {
  if (sim.wakeArmed[t]) return;
  sim.wakeArmed[t] = 1;
  addItem(sim, EV_DRAIN, at, t, sim.ti[TI * t + I_VER]);
}

/** Repetition 0: every dep finished and startPs reached (else a start event at startPs). */
export function firstReady(sim: FlowSim, t: number): boolean {
  if (sim.ti[TI * t + I_DEPS] > 0) return false;
  if (sim.now >= sim.startAt[t]) return true;
  if (!sim.startArmed[t]) {
    sim.startArmed[t] = 1;
    addItem(sim, EV_START, sim.startAt[t], t, 0);
  }
  return false;
}

/** The repetition's last byte left the source at `sentAt`: it arrives one path latency later. */
export function scheduleFinish(sim: FlowSim, t: number, sentAt: number): number {
  const o = TF * t;
  let at = sentAt + sim.tf[o + F_LAT];
  if (at < sim.tf[o + F_LASTFIN]) at = sim.tf[o + F_LASTFIN];
  sim.tf[o + F_LASTFIN] = at;
  return addItem(sim, EV_FINISH, at, t, 0);
}

/**
 * An exclusive or solo flow's repetition (F_REM and F_LAST set) is sent at its bottleneck rate F_RATE in
 * F_AUX ps and arrives one path latency after that: its bytes and arrival are booked now (a solo one keeps
 * what it needs to take them back, see endSolo).
 */
export function sendAlone(sim: FlowSim, t: number): void {
  const { ti, tf } = sim;
  const r = TI * t;
  const o = TF * t;
  ti[r + I_VER]++;
  sim.wakeArmed[t] = 0;
  const solo = ti[r + I_LAZY] === LZ_SOLO;
  if (solo) {
    sim.soloPBytes[t] = tf[o + F_PBYTES];
    sim.soloLastFin[t] = tf[o + F_LASTFIN];
  }
  tf[o + F_PBYTES] += tf[o + F_BYTES];
  const sentAt = tf[o + F_LAST] + tf[o + F_AUX];
  if (sim.series !== null) bookSeries(sim, t, tf[o + F_LAST], sentAt, tf[o + F_BYTES]);
  const it = scheduleFinish(sim, t, sentAt);
  if (solo) sim.soloItem[t] = it;
  // Nothing else would call tryStart when this repetition is sent if the next one's stepDeps already hold.
  const next = ti[r + I_NEXT];
  if (next < ti[r + I_REPEAT] && stepDepsMet(sim, t, next)) wake(sim, t, sentAt);
}

/** Brings a flow's remaining bytes to `now` at its current rate. */
export function advance(sim: FlowSim, t: number): void {
  const tf = sim.tf;
  const o = TF * t;
  const dt = sim.now - tf[o + F_LAST];
  let rm = tf[o + F_REM];
  const rate = tf[o + F_RATE];
  if (dt > 0 && rate > 0) {
    let sent = rate * dt;
    if (sent > rm) sent = rm;
    rm -= sent;
    tf[o + F_PBYTES] += sent;
    if (sim.series !== null) bookSeries(sim, t, tf[o + F_LAST], sim.now, sent);
  }
  if (rm < SNAP_BYTES) {
    tf[o + F_PBYTES] += rm;
    if (sim.series !== null) bookSeries(sim, t, sim.now, sim.now, rm);
    rm = 0;
  }
  tf[o + F_REM] = rm;
  tf[o + F_LAST] = sim.now;
}

/** Is the transfer's current repetition still sending? (Exclusive flows are marked sent lazily.) */
export function sending(sim: FlowSim, t: number): boolean {
  const r = TI * t;
  if (!sim.ti[r + I_BUSY] || !sim.ti[r + I_XFER]) return false;
  return !sim.ti[r + I_LAZY] || sim.now < sim.tf[TF * t + F_LAST] + sim.tf[TF * t + F_AUX];
}
