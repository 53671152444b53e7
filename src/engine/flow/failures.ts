// Link failures in the flow engine: a link that goes down has capacity 0 (its flows stop) until it comes back;
// the routing view learns of it after the detection delay, and every sending flow is re-pathed then (the others
// when they next start). Left out: loss of the bytes in flight (a fluid model has none).
import * as layout from './layout.ts';
import { insertFlow, removeFlow, seedLink } from './links.ts';
import { pathMoved, setPath } from './paths.ts';
import { advance } from './sends.ts';
import type { FlowSim } from './state.ts';

// The layout's offsets and kinds (layout.ts) as module constants: one load each in the hot loops, where an
// imported binding costs a load and a check at every use (25% of the ring benchmark).
const { EV_ROUTE, I_BUSY, I_XFER, L_COUNT, TI } = layout;

/** A link goes down (capacity 0: its flows stop) or comes back; routing learns after the detection delay. */
export function linkState(sim: FlowSim, link: number, down: boolean): void {
  if ((sim.cap[2 * link] === 0) === down) return;
  sim.cache.clear();
  for (const d of [2 * link, 2 * link + 1]) {
    sim.cap[d] = down ? 0 : sim.capFull[d];
    if (sim.li[4 * d + L_COUNT] > 0) seedLink(sim, d);
  }
  sim.q.push(sim.now + sim.net.detectionDelayPs, EV_ROUTE, link, down ? 1 : 0);
}

/** The routing view changes: every sending flow is re-pathed now, the others when they next start. */
export function routeState(sim: FlowSim, link: number, down: boolean): void {
  sim.view.set(link, down);
  sim.routeEpoch++;
  sim.cache.clear();
  for (let t = 0; t < sim.T; t++) {
    if (!sim.ti[TI * t + I_XFER] || !sim.ti[TI * t + I_BUSY] || !pathMoved(sim, t)) continue;
    advance(sim, t);
    removeFlow(sim, t);
    setPath(sim, t);
    insertFlow(sim, t);
  }
}
