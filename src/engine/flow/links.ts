// The flow engine's link lists: each directed link's list of the flows sending on it (path slots linked through
// the link record), a flow joining them (alone on every link: a "single" needing no solve) or leaving them, and
// the end of a solo run when another flow joins one of its links. Links a flow left while others stay are seeds
// of the next rate recomputation. Left out: per-link queues (the model is fluid).
import { chained, unchainTask } from './chain.ts';
import { addItem } from './groups.ts';
import * as layout from './layout.ts';
import { bookSeries } from './paths.ts';
import type { FlowSim } from './state.ts';

// The layout's offsets and kinds (layout.ts) as module constants: one load each in the hot loops, where an
// imported binding costs a load and a check at every use (25% of the ring benchmark).
const {
  EV_DRAIN,
  F_BYTES,
  F_AUX,
  F_LAST,
  F_LASTFIN,
  F_PBYTES,
  I_LAZY,
  I_PATH0,
  I_PATH1,
  I_STAMP,
  I_VER,
  L_COUNT,
  L_HEAD,
  L_SEED,
  LZ_NONE,
  LZ_SENT,
  LZ_SOLO,
  S_FLOW,
  S_LINK,
  S_NEXT,
  S_PREV,
  TF,
  TI,
} = layout;

/** Puts a flow on its links' lists; a flow alone on every link is a "single" (no solve needed). */
export function insertFlow(sim: FlowSim, t: number): void {
  const { sl, li, cap } = sim;
  const r = TI * t;
  let alone = true;
  let minCap = Number.POSITIVE_INFINITY;
  for (let s = sim.ti[r + I_PATH0], e = sim.ti[r + I_PATH1]; s < e; s++) {
    const o = 4 * s;
    const l = sl[o + S_LINK];
    const lo = 4 * l;
    let h = li[lo + L_HEAD];
    // A solo flow is alone on its links: it is the head, and this flow ends its solo run.
    if (h >= 0 && sim.ti[TI * sl[4 * h + S_FLOW] + I_LAZY] === LZ_SOLO) {
      endSolo(sim, sl[4 * h + S_FLOW]);
      h = li[lo + L_HEAD];
    }
    sl[o + S_NEXT] = h;
    sl[o + S_PREV] = -1;
    if (h >= 0) {
      sl[4 * h + S_PREV] = s;
      alone = false;
    }
    li[lo + L_HEAD] = s;
    li[lo + L_COUNT]++;
    if (cap[l] < minCap) minCap = cap[l];
  }
  sim.ti[r + I_STAMP] = sim.batch;
  if (alone) {
    sim.tf[TF * t + F_AUX] = minCap;
    sim.singles[sim.nSingles++] = t;
  } else sim.shared[sim.nShared++] = t;
}

/**
 * A flow joins a link of solo flow g. Sent already: g leaves its links (as its drain would have taken it off
 * them). Still sending: g becomes an ordinary flow, as if it had been given its rate by a solve: its arrival
 * is taken back (with the bookkeeping done for it) and a drain event is due at its send time.
 */
function endSolo(sim: FlowSim, g: number): void {
  if (chained(sim, g)) unchainTask(sim, g);
  const { ti, tf } = sim;
  const r = TI * g;
  const o = TF * g;
  const sentAt = tf[o + F_LAST] + tf[o + F_AUX];
  if (sim.now >= sentAt) {
    ti[r + I_LAZY] = LZ_SENT;
    removeFlow(sim, g);
    return;
  }
  ti[r + I_LAZY] = LZ_NONE;
  // Its whole repetition was booked at its start: taken back, as from F_PBYTES.
  if (sim.series !== null) bookSeries(sim, g, tf[o + F_LAST], sentAt, -tf[o + F_BYTES]);
  sim.items[4 * sim.soloItem[g] + 1] = -1; // cancelled (runGroup skips it)
  tf[o + F_LASTFIN] = sim.soloLastFin[g];
  tf[o + F_PBYTES] = sim.soloPBytes[g];
  sim.wakeArmed[g] = 0;
  addItem(sim, EV_DRAIN, sentAt, g, ++ti[r + I_VER]);
}

export function removeFlow(sim: FlowSim, t: number): void {
  const { sl, li } = sim;
  const r = TI * t;
  for (let s = sim.ti[r + I_PATH0], e = sim.ti[r + I_PATH1]; s < e; s++) {
    const o = 4 * s;
    const lo = 4 * sl[o + S_LINK];
    const p = sl[o + S_PREV];
    const n = sl[o + S_NEXT];
    if (p >= 0) sl[4 * p + S_NEXT] = n;
    else li[lo + L_HEAD] = n;
    if (n >= 0) sl[4 * n + S_PREV] = p;
    if (--li[lo + L_COUNT] > 0) seedLink(sim, lo >> 2);
  }
}

export function seedLink(sim: FlowSim, l: number): void {
  if (sim.li[4 * l + L_SEED] === sim.batch) return;
  sim.li[4 * l + L_SEED] = sim.batch;
  sim.seedLinks[sim.nSeedLinks++] = l;
}
