// Groups of task items sharing one queue event in the flow engine: items (task, version) due at the same
// picosecond of the same kind (drain, finish, start) join one group, a pooled singly linked list, so that one
// queue entry serves them all. engine.ts pops and runs a group; a cancelled item has version -1.
// Left out: the order of items across groups of one time (groups run in the queue's order).
import { growI32 } from '../core/heap2.ts';
import * as layout from './layout.ts';
import type { FlowSim } from './state.ts';

// The layout's offsets and kinds (layout.ts) as module constants: one load each in the hot loops, where an
// imported binding costs a load and a check at every use (25% of the ring benchmark).
const { OPEN_SLOTS } = layout;

export function addItem(sim: FlowSim, kind: number, t: number, task: number, ver: number): number {
  let g = -1;
  for (let k = kind * OPEN_SLOTS, e = k + OPEN_SLOTS; k < e; k++)
    if (sim.openT[k] === t) {
      g = sim.openG[k];
      break;
    }
  if (g < 0) g = openGroup(sim, kind, t);
  let it = sim.itFree;
  if (it >= 0) sim.itFree = sim.items[4 * it + 2];
  else {
    if (4 * sim.itUsed === sim.items.length) {
      const grown = new Int32Array(2 * sim.items.length);
      grown.set(sim.items);
      sim.items = grown;
    }
    it = sim.itUsed++;
  }
  const items = sim.items;
  items[4 * it] = task;
  items[4 * it + 1] = ver;
  items[4 * it + 2] = -1;
  const tail = sim.grTail[g];
  if (tail < 0) sim.grHead[g] = it;
  else items[4 * tail + 2] = it;
  sim.grTail[g] = it;
  return it;
}

function openGroup(sim: FlowSim, kind: number, t: number): number {
  let g = sim.grFree;
  if (g >= 0) sim.grFree = sim.grHead[g];
  else {
    if (sim.grUsed === sim.grHead.length) {
      const n = 2 * sim.grHead.length;
      sim.grHead = growI32(sim.grHead, n);
      sim.grTail = growI32(sim.grTail, n);
    }
    g = sim.grUsed++;
  }
  sim.grHead[g] = -1;
  sim.grTail[g] = -1;
  sim.q.push(t, kind, g, 0);
  const k = kind * OPEN_SLOTS + sim.openNext[kind];
  sim.openNext[kind] = (sim.openNext[kind] + 1) % OPEN_SLOTS;
  sim.openT[k] = t;
  sim.openG[k] = g;
  return g;
}
