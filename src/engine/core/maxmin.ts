// Max-min fair rates by progressive filling (Bertsekas and Gallager, Data Networks, 2nd ed., 6.5.2), the one
// solver of the flow engine (src/engine/flow/engine.ts) and the fluid network (src/engine/flow/fluid.ts).
//
//   caller: reset ─► addFlow (cap) ... ─► addLink (capacity) + linkFlow ... ─► flowLinks + flowLink ... ─► solve
//   solver: every unfrozen rate rises together; the next to stop is a link whose capacity left per unfrozen flow is
//           the least (its flows freeze at that share) or a flow reaching its cap ─► rate[j]
//
// The caller describes one problem at a time (a connected piece of flows and links, or several) in the solver's
// arrays: flows by local index j in the order added, links by the caller's own link id. Ties (a link or a cap at the
// same share) are broken by the caller's ids (flows before links, then the higher flow id, the lower link id): the
// order in which equal shares freeze changes the last bits of float sums, and results stay the same bit for bit
// whatever the order in which the caller lists a problem's flows and links. A heap of links
// keyed by their share, with lazy deletion (a share only grows as flows freeze elsewhere), and of the flows' caps,
// makes it O(incidences x log links). Nothing is allocated once the arrays have grown to the largest problem.
//
// Traffic classes (setClass; docs/simulate.md, "Traffic classes"): a flow's priority level (0 is served first)
// and its weight. Levels are solved in turn, each on the capacity the levels above left (strict priority, IEEE
// 802.1Q-2018 8.6.8: a lower class sends only when no higher one has a frame queued); within a level, weighted
// max-min (Bertsekas and Gallager 6.5.2, with shares proportional to the weights, as ETS, IEEE 802.1Qaz,
// divides a port among its classes). A problem where every flow is level 0 and weight 1 takes the unweighted
// path unchanged, bit for bit.
// Left out: demands other than a cap (an elastic flow has cap Infinity).
import { growF64, growI32, growU8 } from './heap2.ts';
import { KeyValueHeap } from './kvheap.ts';

export class MaxMinSolver {
  /** The rate of local flow j after solve(). */
  rate = new Float64Array(64);
  /** Per link id: capacity left for the unfrozen flows, their count, and the range of its flows in `lf`. */
  private readonly rem: Float64Array;
  private readonly left: Int32Array;
  private readonly lf0: Int32Array;
  private readonly lf1: Int32Array;
  /** The problem's links in the order added (the heap's first pushes). */
  private links: Int32Array = new Int32Array(64);
  private nLinks = 0;
  /** Local flow ids of each link's flows, in the caller's order. */
  private lf = new Int32Array(256);
  private nLf = 0;
  /** Per local flow: its caller's id, cap, frozen mark, and the range of its link ids in `fl`. */
  private id = new Int32Array(64);
  private cap = new Float64Array(64);
  private frozen = new Uint8Array(64);
  private fl0 = new Int32Array(64);
  private fl1 = new Int32Array(64);
  private fl = new Int32Array(256);
  private nFl = 0;
  /** Per local flow: priority level (0 first) and weight; `classed` once any differs from level 0, weight 1. */
  private level = new Int32Array(64);
  private weight = new Float64Array(64);
  private classed = false;
  private maxLevel = 0;
  /** Per link id: the weights of its unfrozen flows of the level being solved (classed problems only). */
  private wsum: Float64Array;
  private nFlows = 0;
  /** The local index of each caller's flow id added to the problem (read when a flow's cap pops). */
  private localOf = new Int32Array(64);
  /** The link being described (addLink, then its linkFlow calls) and the flow (flowLinks, then flowLink). */
  private curLink = -1;
  private curFlow = -1;
  private readonly heap = new KeyValueHeap(1024);

  /** links: the caller's link ids are 0 .. links - 1. */
  constructor(links: number) {
    this.rem = new Float64Array(links);
    this.left = new Int32Array(links);
    this.lf0 = new Int32Array(links);
    this.lf1 = new Int32Array(links);
    this.wsum = new Float64Array(links);
  }

  /** Starts a new problem. */
  reset(): void {
    this.nLinks = 0;
    this.nLf = 0;
    this.nFl = 0;
    this.nFlows = 0;
    this.curLink = -1;
    this.curFlow = -1;
    this.classed = false;
    this.maxLevel = 0;
  }

  /**
   * Adds the caller's flow `id` (a non-negative integer) with a cap on its rate (Infinity: none); returns its local
   * index j (0, 1, ... in order).
   */
  addFlow(id: number, cap: number): number {
    const j = this.nFlows++;
    if (j === this.cap.length) this.growFlows(2 * j);
    if (id >= this.localOf.length) this.localOf = growI32(this.localOf, Math.max(2 * this.localOf.length, id + 1));
    this.localOf[id] = j;
    this.id[j] = id;
    this.cap[j] = cap;
    this.frozen[j] = 0;
    this.fl0[j] = 0;
    this.fl1[j] = 0;
    this.level[j] = 0;
    this.weight[j] = 1;
    return j;
  }

  /** Local flow j's traffic class: its priority level (0 is served first) and its weight (> 0) in that level. */
  setClass(j: number, level: number, weight: number): void {
    this.level[j] = level;
    this.weight[j] = weight;
    if (level !== 0 || weight !== 1) this.classed = true;
    if (level > this.maxLevel) this.maxLevel = level;
  }

  /** The local index of the caller's flow `id`, added to this problem. */
  local(id: number): number {
    return this.localOf[id];
  }

  /** Adds link l with `capacity` for the problem's flows; its flows follow with linkFlow. */
  addLink(l: number, capacity: number): void {
    if (this.nLinks === this.links.length) this.links = growI32(this.links, 2 * this.nLinks);
    this.links[this.nLinks++] = l;
    this.rem[l] = capacity;
    this.left[l] = 0;
    this.lf0[l] = this.nLf;
    this.lf1[l] = this.nLf;
    this.curLink = l;
  }

  /** Local flow j crosses the link added last. */
  linkFlow(j: number): void {
    if (this.nLf === this.lf.length) this.lf = growI32(this.lf, 2 * this.nLf);
    this.lf[this.nLf++] = j;
    const l = this.curLink;
    this.lf1[l] = this.nLf;
    this.left[l]++;
  }

  /** Local flow j's links follow with flowLink (each a link of the problem, in path order). */
  flowLinks(j: number): void {
    this.fl0[j] = this.nFl;
    this.fl1[j] = this.nFl;
    this.curFlow = j;
  }

  /** Link l (added with addLink, before or after) is on the flow named last by flowLinks. */
  flowLink(l: number): void {
    if (this.nFl === this.fl.length) this.fl = growI32(this.fl, 2 * this.nFl);
    this.fl[this.nFl++] = l;
    this.fl1[this.curFlow] = this.nFl;
  }

  /** Fills rate[0 .. flows): the max-min fair rates of the problem. */
  solve(): void {
    if (this.classed) {
      for (let lv = 0; lv <= this.maxLevel; lv++) this.solveLevel(lv);
      return;
    }
    const { rem, left, heap } = this;
    heap.clear();
    for (let i = 0; i < this.nLinks; i++) {
      const l = this.links[i];
      if (left[l] > 0) heap.push(rem[l] / left[l], l);
    }
    // Flows before links of the same key (negative values): a flow at its cap stops first.
    for (let j = 0; j < this.nFlows; j++)
      if (this.cap[j] < Number.POSITIVE_INFINITY) heap.push(this.cap[j], -1 - this.id[j]);
    let unfrozen = this.nFlows;
    while (unfrozen > 0 && heap.size > 0) {
      const key = heap.topKey;
      const v = heap.topVal;
      heap.pop();
      if (v < 0) {
        const j = this.localOf[-1 - v];
        if (this.frozen[j] === 0) {
          this.freeze(j, key, -1);
          unfrozen--;
        }
        continue;
      }
      // A stale entry: the link's share grew (or it saturated) since this one was pushed.
      if (left[v] === 0 || key !== rem[v] / left[v]) continue;
      const lf = this.lf;
      for (let k = this.lf0[v], e = this.lf1[v]; k < e; k++) {
        const j = lf[k];
        if (this.frozen[j] !== 0) continue;
        this.freeze(j, key, v);
        unfrozen--;
      }
      left[v] = 0;
    }
  }

  /**
   * Weighted progressive filling of the flows of one priority level on what the levels above left: the level
   * rises as t, a flow's rate as weight x t; a link stops at t = capacity left / weights of its unfrozen flows,
   * a flow at t = cap / weight. A saturated link keeps nothing for the levels below.
   */
  private solveLevel(lv: number): void {
    const { rem, left, wsum, heap, lf, level, weight } = this;
    heap.clear();
    let unfrozen = 0;
    for (let i = 0; i < this.nLinks; i++) {
      const l = this.links[i];
      let n = 0;
      let w = 0;
      for (let k = this.lf0[l], e = this.lf1[l]; k < e; k++) {
        const j = lf[k];
        if (level[j] !== lv || this.frozen[j] !== 0) continue;
        n++;
        w += weight[j];
      }
      left[l] = n;
      wsum[l] = w;
      if (n > 0) heap.push(rem[l] / w, l);
    }
    for (let j = 0; j < this.nFlows; j++) {
      if (level[j] !== lv) continue;
      unfrozen++;
      if (this.cap[j] < Number.POSITIVE_INFINITY) heap.push(this.cap[j] / weight[j], -1 - this.id[j]);
    }
    while (unfrozen > 0 && heap.size > 0) {
      const key = heap.topKey;
      const v = heap.topVal;
      heap.pop();
      if (v < 0) {
        const j = this.localOf[-1 - v];
        if (this.frozen[j] === 0) {
          this.freezeWeighted(j, key * weight[j], -1);
          unfrozen--;
        }
        continue;
      }
      if (left[v] === 0 || key !== rem[v] / wsum[v]) continue;
      for (let k = this.lf0[v], e = this.lf1[v]; k < e; k++) {
        const j = lf[k];
        if (level[j] !== lv || this.frozen[j] !== 0) continue;
        this.freezeWeighted(j, key * weight[j], v);
        unfrozen--;
      }
      left[v] = 0;
      rem[v] = 0;
    }
  }

  /** As freeze, for a classed problem: its other links lose its rate and its weight. */
  private freezeWeighted(j: number, rate: number, at: number): void {
    const { rem, left, wsum, fl } = this;
    this.frozen[j] = 1;
    this.rate[j] = rate;
    for (let k = this.fl0[j], e = this.fl1[j]; k < e; k++) {
      const l = fl[k];
      if (l === at) continue;
      rem[l] = Math.max(rem[l] - rate, 0);
      wsum[l] -= this.weight[j];
      if (--left[l] > 0) this.heap.push(rem[l] / wsum[l], l);
    }
  }

  /** Flow j stops at `rate`: its other links (all but `at`) have that much less for their unfrozen flows. */
  private freeze(j: number, rate: number, at: number): void {
    const { rem, left, fl } = this;
    this.frozen[j] = 1;
    this.rate[j] = rate;
    for (let k = this.fl0[j], e = this.fl1[j]; k < e; k++) {
      const l = fl[k];
      if (l === at) continue;
      const rest = Math.max(rem[l] - rate, 0);
      rem[l] = rest;
      if (--left[l] > 0) this.heap.push(rest / left[l], l);
    }
  }

  private growFlows(n: number): void {
    this.rate = growF64(this.rate, n);
    this.id = growI32(this.id, n);
    this.cap = growF64(this.cap, n);
    this.frozen = growU8(this.frozen, n);
    this.fl0 = growI32(this.fl0, n);
    this.fl1 = growI32(this.fl1, n);
    this.level = growI32(this.level, n);
    this.weight = growF64(this.weight, n);
  }
}
