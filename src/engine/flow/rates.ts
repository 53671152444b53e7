// The flow engine's rates: max-min fair shares recomputed once per event time, locally. The region starts as the
// flows on links where something changed, is solved (core/maxmin.ts) with the flows outside held at their rates,
// and grows while a flow next to it loses its bottleneck (the optimality test of Bertsekas and Gallager 6.5.2);
// a closed region is looked up in region-cache.ts first. A flow alone on its links takes their bottleneck.
// Left out: congestion control dynamics (a flow takes its share at once, as an ideal one would).
import { addItem } from './groups.ts';
import * as layout from './layout.ts';
import { seedLink } from './links.ts';
import { CACHE_MIN_FLOWS } from './region-cache.ts';
import { advance, sendAlone } from './sends.ts';
import type { FlowSim } from './state.ts';

// The layout's offsets and kinds (layout.ts) as module constants: one load each in the hot loops, where an
// imported binding costs a load and a check at every use (25% of the ring benchmark).
const {
  EV_DRAIN,
  F_AUX,
  F_BYTES,
  F_RATE,
  F_REM,
  I_BUSY,
  I_LAZY,
  I_PATH0,
  I_PATH1,
  I_STAMP,
  I_VER,
  I_VISIT,
  L_COUNT,
  L_HEAD,
  L_VISIT,
  LZ_SOLO,
  S_FLOW,
  S_LINK,
  S_NEXT,
  TF,
  TI,
} = layout;

/** A link within this share of its capacity is saturated (bottleneck test of the local solve). */
const SAT_SLACK = 1e-9;
/** Local solves of one region before it is closed to whole components. */
const MAX_REGION_PASSES = 4;

/** Gives a flow a new rate (one that started or moved in this batch always gets one) and schedules its drain. */
function setRate(sim: FlowSim, t: number, rate: number): void {
  const o = TF * t;
  const r = TI * t;
  if (rate === sim.tf[o + F_RATE] && sim.ti[r + I_STAMP] !== sim.batch) return;
  advance(sim, t);
  sim.tf[o + F_RATE] = rate;
  const v = ++sim.ti[r + I_VER];
  const rm = sim.tf[o + F_REM];
  if (rm === 0) addItem(sim, EV_DRAIN, sim.now, t, v);
  else if (rate > 0) addItem(sim, EV_DRAIN, sim.now + Math.max(Math.ceil(rm / rate - 1e-6), 0), t, v);
}

/**
 * Max-min fair rates for everything that changed in this batch, solved locally. The region starts as every
 * flow on a link where something changed (a flow joined a shared link or left one, or the capacity changed);
 * it is solved with the flows outside it held at their rates, and grown until every flow around it still has
 * a bottleneck. A flow that started alone on its links just takes their bottleneck.
 */
export function recompute(sim: FlowSim): void {
  if (sim.nSingles === 0 && sim.nShared === 0 && sim.nSeedLinks === 0) return;
  sim.recomputes++;
  const stamp = ++sim.visitEpoch;
  const { ti, tf, sl, li, cap } = sim;
  for (let i = 0; i < sim.nShared; i++) {
    const t = sim.shared[i];
    if (!ti[TI * t + I_BUSY]) continue;
    for (let s = ti[TI * t + I_PATH0], e = ti[TI * t + I_PATH1]; s < e; s++) seedLink(sim, sl[4 * s + S_LINK]);
  }
  sim.nR = 0;
  for (let i = 0; i < sim.nSeedLinks; i++)
    for (let x = li[4 * sim.seedLinks[i] + L_HEAD]; x >= 0; x = sl[4 * x + S_NEXT])
      addToRegion(sim, sl[4 * x + S_FLOW], stamp);
  if (sim.nR > 0) solveRegion(sim, stamp);
  // Flows that started alone and that nothing joined since: the bottleneck of their path.
  for (let i = 0; i < sim.nSingles; i++) {
    const t = sim.singles[i];
    const r = TI * t;
    if (!ti[r + I_BUSY] || ti[r + I_VISIT] === stamp) continue;
    ti[r + I_VISIT] = stamp;
    const rate = tf[TF * t + F_AUX];
    if (sim.solos) {
      // Its drain time is known until another flow joins one of its links (endSolo): no drain event.
      tf[TF * t + F_RATE] = rate;
      tf[TF * t + F_AUX] = Math.max(Math.ceil(tf[TF * t + F_BYTES] / rate - 1e-6), 0);
      ti[r + I_LAZY] = LZ_SOLO;
      sendAlone(sim, t);
    } else setRate(sim, t, rate);
    // Capacity check, counted on its own: this flow's rate against each link it is alone on.
    for (let s = ti[r + I_PATH0], e = ti[r + I_PATH1]; s < e; s++) {
      const l = sl[4 * s + S_LINK];
      const load = li[4 * l + L_COUNT] === 1 ? layout.linkLoad(rate, cap[l]) : Number.POSITIVE_INFINITY;
      if (load > sim.maxLoad) sim.maxLoad = load;
    }
  }
  sim.nSingles = 0;
  sim.nShared = 0;
  sim.nSeedLinks = 0;
}

function addToRegion(sim: FlowSim, g: number, stamp: number): void {
  if (sim.ti[TI * g + I_VISIT] === stamp) return;
  sim.ti[TI * g + I_VISIT] = stamp;
  sim.compFlows[sim.nR++] = g;
}

/**
 * Solves the region (compFlows[0 .. nR), marked with `stamp`) and applies its rates. A region that no outside
 * flow touches is a union of whole components: its solution depends on its flow set alone and is cached.
 */
function solveRegion(sim: FlowSim, stamp: number): void {
  const { ti, tf, sl, li, cap, wRem, wRate } = sim;
  const { zob1, zob2 } = sim.cache;
  const region = sim.compFlows;
  const links = sim.compLinks;
  let nl = 0;
  let closed = true;
  let fromCache = false;
  for (let passes = 1; ; passes++) {
    // A region that keeps growing ring by ring is solved as its whole component(s) at once.
    // With traffic classes the region is its whole components at once: regionHolds tests unweighted max-min.
    if (passes === MAX_REGION_PASSES || (passes === 1 && sim.classed)) closeRegion(sim, stamp);
    // The region's links, each with the capacity the flows outside it leave.
    const pass = ++sim.passEpoch;
    const n = sim.nR;
    nl = 0;
    closed = true;
    let h1 = 0;
    let h2 = 0;
    for (let i = 0; i < n; i++) {
      const t = region[i];
      h1 ^= zob1[t];
      h2 ^= zob2[t];
      for (let s = ti[TI * t + I_PATH0], e = ti[TI * t + I_PATH1]; s < e; s++) {
        const l = sl[4 * s + S_LINK];
        if (li[4 * l + L_VISIT] === pass) continue;
        li[4 * l + L_VISIT] = pass;
        links[nl++] = l;
        let rest = cap[l];
        for (let x = li[4 * l + L_HEAD]; x >= 0; x = sl[4 * x + S_NEXT]) {
          const g = sl[4 * x + S_FLOW];
          if (ti[TI * g + I_VISIT] !== stamp) {
            rest -= tf[TF * g + F_RATE];
            closed = false;
          }
        }
        wRem[l] = Math.max(rest, 0);
      }
    }
    if (closed) {
      const cached = n >= CACHE_MIN_FLOWS ? sim.cache.find(h1, h2, n) : -1;
      if (cached >= 0) {
        sim.cache.apply(cached, wRate);
        fromCache = true;
      } else {
        waterFill(sim, nl, stamp, pass);
        if (n >= CACHE_MIN_FLOWS) sim.cache.store(h1, h2, n, region, wRate);
      }
      break;
    }
    waterFill(sim, nl, stamp, pass);
    if (regionHolds(sim, nl, stamp, pass)) break;
  }
  for (let i = 0; i < sim.nR; i++) setRate(sim, region[i], wRate[region[i]]);
  // The same flows on the same links get the same rates, which were checked against capacity when solved.
  if (fromCache) return;
  // Capacity check, counted on its own: the rates now on each link of the region against its capacity.
  for (let i = 0; i < nl; i++) {
    const l = links[i];
    let sum = 0;
    for (let x = li[4 * l + L_HEAD]; x >= 0; x = sl[4 * x + S_NEXT]) sum += tf[TF * sl[4 * x + S_FLOW] + F_RATE];
    const load = layout.linkLoad(sum, cap[l]);
    if (load > sim.maxLoad) sim.maxLoad = load;
  }
}

/** Adds every flow linked to the region through shared links (its whole connected components). */
function closeRegion(sim: FlowSim, stamp: number): void {
  const { ti, sl, li } = sim;
  const pass = ++sim.passEpoch;
  for (let i = 0; i < sim.nR; i++) {
    const t = sim.compFlows[i];
    for (let s = ti[TI * t + I_PATH0], e = ti[TI * t + I_PATH1]; s < e; s++) {
      const l = sl[4 * s + S_LINK];
      if (li[4 * l + L_VISIT] === pass) continue;
      li[4 * l + L_VISIT] = pass;
      for (let x = li[4 * l + L_HEAD]; x >= 0; x = sl[4 * x + S_NEXT]) addToRegion(sim, sl[4 * x + S_FLOW], stamp);
    }
  }
}

/**
 * Max-min fair rates (core/maxmin.ts, progressive filling) of the region's flows over the capacities the flows
 * outside leave (wRem), into wRate. One problem per connected piece of the region (flows linked by shared
 * links): a region is often many small independent pieces (the channels of one rank pair), and a heap over all
 * of them costs a log factor.
 */
function waterFill(sim: FlowSim, nl: number, stamp: number, pass: number): void {
  const { ti, sl, li, wRem, wRate } = sim;
  const mm = sim.maxmin;
  const queue = sim.pieceFlows;
  let k = 0;
  for (let i = 0; i < sim.nR; i++) {
    const f = sim.compFlows[i];
    if (sim.pieceMark[f] === pass) continue;
    sim.pieceMark[f] = pass;
    mm.reset();
    let head = 0;
    let tail = 0;
    queue[tail++] = f;
    mm.addFlow(f, Number.POSITIVE_INFINITY);
    if (sim.classed) mm.setClass(0, sim.tLevel[f], sim.tWeight[f]);
    while (head < tail) {
      const g = queue[head];
      mm.flowLinks(head++);
      for (let s = ti[TI * g + I_PATH0], e = ti[TI * g + I_PATH1]; s < e; s++) {
        const l = sl[4 * s + S_LINK];
        mm.flowLink(l);
        if (sim.pieceLinkMark[l] === pass) continue;
        sim.pieceLinkMark[l] = pass;
        k++;
        mm.addLink(l, wRem[l]);
        for (let x = li[4 * l + L_HEAD]; x >= 0; x = sl[4 * x + S_NEXT]) {
          const h = sl[4 * x + S_FLOW];
          if (ti[TI * h + I_VISIT] !== stamp) continue;
          if (sim.pieceMark[h] !== pass) {
            sim.pieceMark[h] = pass;
            queue[tail++] = h;
            const j = mm.addFlow(h, Number.POSITIVE_INFINITY);
            if (sim.classed) mm.setClass(j, sim.tLevel[h], sim.tWeight[h]);
            mm.linkFlow(j);
          } else mm.linkFlow(mm.local(h));
        }
      }
    }
    mm.solve();
    const rate = mm.rate;
    for (let j = 0; j < tail; j++) wRate[queue[j]] = rate[j];
  }
  if (k !== nl) throw new Error(`internal: region pieces cover ${k} of ${nl} links`);
}

/**
 * Max-min fairness holds iff every flow has a bottleneck: a saturated link on which no flow gets more
 * (Bertsekas and Gallager 6.5.2). Flows away from the region's links keep theirs; this checks the flows on
 * them with the region's new rates and adds to the region each flow that lost its bottleneck, and each
 * outside flow that gets more than a region flow on that flow's saturated links. True if none was added.
 */
function regionHolds(sim: FlowSim, nl: number, stamp: number, pass: number): boolean {
  const { ti, tf, sl, li, wRate, vLoad, vMax } = sim;
  const links = sim.compLinks;
  const region = sim.compFlows;
  for (let i = 0; i < nl; i++) {
    const l = links[i];
    let load = 0;
    let max = 0;
    for (let x = li[4 * l + L_HEAD]; x >= 0; x = sl[4 * x + S_NEXT]) {
      const g = sl[4 * x + S_FLOW];
      const r = ti[TI * g + I_VISIT] === stamp ? wRate[g] : tf[TF * g + F_RATE];
      load += r;
      if (r > max) max = r;
    }
    vLoad[l] = load;
    vMax[l] = max;
  }
  const n0 = sim.nR;
  for (let i = 0; i < nl; i++)
    for (let x = li[4 * links[i] + L_HEAD]; x >= 0; x = sl[4 * x + S_NEXT]) {
      const g = sl[4 * x + S_FLOW];
      if (ti[TI * g + I_VISIT] === stamp || sim.checked[g] === pass) continue;
      sim.checked[g] = pass;
      if (!hasBottleneck(sim, g, stamp, pass)) addToRegion(sim, g, stamp);
    }
  for (let i = 0; i < n0; i++) {
    const f = region[i];
    if (hasBottleneck(sim, f, stamp, pass)) continue;
    const rf = wRate[f];
    for (let s = ti[TI * f + I_PATH0], e = ti[TI * f + I_PATH1]; s < e; s++) {
      const l = sl[4 * s + S_LINK];
      if (!saturated(vLoad[l], sim.cap[l])) continue;
      for (let x = li[4 * l + L_HEAD]; x >= 0; x = sl[4 * x + S_NEXT]) {
        const g = sl[4 * x + S_FLOW];
        if (ti[TI * g + I_VISIT] !== stamp && tf[TF * g + F_RATE] > rf) addToRegion(sim, g, stamp);
      }
    }
  }
  return sim.nR === n0;
}

function saturated(load: number, c: number): boolean {
  return load >= c * (1 - SAT_SLACK);
}

/** Does the flow have a saturated link on which no flow gets more (rates: the region's new ones)? */
function hasBottleneck(sim: FlowSim, g: number, stamp: number, pass: number): boolean {
  const { ti, tf, sl, li } = sim;
  const rg = ti[TI * g + I_VISIT] === stamp ? sim.wRate[g] : tf[TF * g + F_RATE];
  for (let s = ti[TI * g + I_PATH0], e = ti[TI * g + I_PATH1]; s < e; s++) {
    const l = sl[4 * s + S_LINK];
    let load = 0;
    let max = 0;
    if (li[4 * l + L_VISIT] === pass) {
      load = sim.vLoad[l];
      max = sim.vMax[l];
    } else
      for (let x = li[4 * l + L_HEAD]; x >= 0; x = sl[4 * x + S_NEXT]) {
        const r = tf[TF * sl[4 * x + S_FLOW] + F_RATE];
        load += r;
        if (r > max) max = r;
      }
    if (saturated(load, sim.cap[l]) && rg >= max * (1 - SAT_SLACK)) return true;
  }
  return false;
}
