// The flow engine's ring solver (issue 14): runs of exclusive ring hops and delays (the 7 of 8 hops of an
// every-rail ring that stay inside a server, and the fabric hops no other flow ever shares) solved in typed
// arrays in ring order. Such a hop's repetition r + 1 starts at max(its repetition r sent, its stepDep's
// repetition r arrived) and arrives one send time and one path latency later whatever else runs (nothing else
// touches its links), so when an input arrives a pass runs down the ring computing each hop's next
// repetitions from the hop before, ahead of their time, with no queue event: nothing reads such a hop's state
// before its time but the next hop. The event engine gets a hop back at the hops a pass cannot hand on to (a
// shared hop, a hop still waiting for an older input), at each hop's last repetition (its finish ends the
// task) and at an --until cut (no repetition starting after maxTimePs is computed). Arrivals queued for a hop
// that could not take them yet (at most PEND per hop, the rest only as events) are taken back into a later
// pass when that hop can: so the first passes of a ring all starting at once fill the triangle of early
// repetitions and later ones run down the whole run of hops. Runs of up to RUN_MAX consecutive hops whose
// send times and latencies are whole picoseconds (a server's delays and the exclusive fabric hops between
// servers) are stepped over at once while every hop of the run starts on its input: the run's output is its
// input plus the sum of its hops' send times and latencies, exact in whole numbers. Same operations in the
// same order per hop as sends.ts, so the same floating-point times; ring.test.ts and chain.test.ts compare
// with the repetition-by-repetition run. Left out: hops with several stepDeps or a lag other than 1, runs
// with failures or link series (the solver is off), and shared hops (the chain and the event engine run them).
import { addItem } from './groups.ts';
import * as layout from './layout.ts';
import type { FlowSim } from './state.ts';

const {
  EV_FINISH,
  F_AUX,
  F_BYTES,
  F_LAST,
  F_LASTFIN,
  F_LAT,
  F_PBYTES,
  F_REM,
  I_BUSY,
  I_FIN,
  I_LAZY,
  I_NEXT,
  I_OUT0,
  I_OUT1,
  I_REPEAT,
  I_STEP0,
  I_STEP1,
  I_VER,
  I_XFER,
  LZ_EXCL,
  TF,
  TI,
} = layout;

// A ring hop's slot (in task order, so a ring's hops are neighbours in memory). What a pass reads at a hop it
// runs one by one is the first 64 bytes of its record (a cache line), RF doubles in rf and the same bytes' RI
// ints in ri (two views of one buffer); a run's first slot keeps the run's sums in the second line; the rest is
// in rc, RC ints.
const RF = 16;
const R_S = 0; // start of its last started repetition (F_LAST)
const R_F = 1; // its arrival (F_LASTFIN)
const R_AUX = 2; // F_AUX: ps to send one repetition (a delay: its duration)
const R_LAT = 3; // F_LAT: path latency of the last byte (a delay: 0)
const RI = 32; // ints 0 .. 7 are the doubles above
const R_NEXT = 8; // next repetition while the solver holds the hop, else -1 (the event engine has it)
const R_LASTREP = 9; // its last repetition (I_REPEAT - 1)
const R_SUCC = 10; // slot of its only stepOut when that one is a ring hop too, else -1
const R_TAKEN = 11; // arrivals the successor took inside a pass, not yet on I_FIN
// Runs of hops stepped over at once (runs()):
const G_K = 12; // at a run's first slot: its length (2 or more), else 0
const G_STEP = 13; // at the first slot: collapsed steps since the run's other slots were last written, 0 if none
const G_OUT = 14; // at the first slot: the slot after the run's last
const G_LAST = 15; // at the first slot: the run's last slot
const G_MAX = 8; // at the first slot (a double): the largest send time of the run's hops
const G_SPAN = 9; // at the first slot (a double): the sum of its hops' send times and latencies
const RC = 8;
const R_NEXT0 = 0; // I_NEXT when the solver took the hop: the starts since are counted when it hands back
const R_TASK = 1;
const R_PLO = 2; // oldest of its queued arrivals the successor may take back (pending, PEND at most)
const R_PN = 3; // how many, repetitions R_PLO .. R_PLO + R_PN - 1
const G_HEAD = 4; // the run's first slot, for every slot of a run, else -1
/** Queued arrivals a hop keeps (time, item) to hand them on early: a power of two. */
const PEND = 4;
/**
 * Longest run stepped over at once. A run is written out slot by slot (unfold) when something reads inside it
 * or it falls out of step, and checked slot by slot once when it enters step: long runs make those dear, short
 * ones cost a step per run (an 8,192-GPU every-rail ring: about 540 hops between two hops sharing a link).
 */
const RUN_MAX = 128;

/** Finish item versions (EV_FINISH): -2 the last repetition's arrival, -(rep + 3) repetition rep handed on. */
const V_LAST = -2;
const V_OUT = -3;

/** Picks the ring hops and gives each a slot; call after markExclusive and before initChains. */
export function initRing(sim: FlowSim): void {
  const on = sim.solos && sim.opts.chain !== false && sim.series === null;
  let n = 0;
  let maxRep = 0;
  if (on)
    for (let x = 0; x < sim.T; x++)
      if (ringHop(sim, x)) {
        sim.ringAt[x] = n++;
        maxRep = Math.max(maxRep, sim.ti[TI * x + I_REPEAT]);
      }
  const buf = new ArrayBuffer(8 * RF * n);
  const rf = new Float64Array(buf);
  const ri = new Int32Array(buf);
  const rc = new Int32Array(RC * n);
  const { ti, tf, stepOut } = sim;
  for (let x = 0; x < sim.T; x++) {
    const s = sim.ringAt[x];
    if (s < 0) continue;
    const r = TI * x;
    ri[RI * s + R_NEXT] = -1;
    ri[RI * s + R_LASTREP] = ti[r + I_REPEAT] - 1;
    rc[RC * s + R_TASK] = x;
    const one = ti[r + I_OUT1] - ti[r + I_OUT0] === 1;
    ri[RI * s + R_SUCC] = one ? sim.ringAt[stepOut[ti[r + I_OUT0]]] : -1;
    rf[RF * s + R_AUX] = tf[TF * x + F_AUX];
    rf[RF * s + R_LAT] = tf[TF * x + F_LAT];
  }
  sim.rf = rf;
  sim.ri = ri;
  sim.rc = rc;
  runs(ri, rc, rf, n);
  sim.rPendT = new Float64Array(PEND * n);
  sim.rPendIt = new Int32Array(PEND * n);
  // A pass's arrivals in flight: two halves (one hop's inputs, its outputs), each PEND entries taken back
  // before at most maxRep + 1 repetitions.
  sim.rBuf = new Float64Array(n > 0 ? 2 * (PEND + maxRep + 1) : 0);
  sim.ringMaxT = sim.opts.maxTimePs ?? Number.POSITIVE_INFINITY;
}

/**
 * Runs of 2 to RUN_MAX ring slots, each the next one's stepDep, whose send times and latencies are whole ps,
 * of one repetition count, the last one handing on to a ring slot: a pass may step over such a run at once
 * (see the pass and inStep()). A chain of such slots is cut into runs from its first slot; a cycle of them (a
 * ring with no other hop) from its lowest slot; the chain's last slot, when it hands on to the event engine,
 * is left out (it runs on its own).
 */
function runs(ri: Int32Array, rc: Int32Array, rf: Float64Array, n: number): void {
  const pred = new Int32Array(n).fill(-1);
  for (let s = 0; s < n; s++) {
    rc[RC * s + G_HEAD] = -1;
    if (ri[RI * s + R_SUCC] >= 0) pred[ri[RI * s + R_SUCC]] = s;
  }
  const whole = (s: number) => Number.isInteger(rf[RF * s + R_AUX]) && Number.isInteger(rf[RF * s + R_LAT]);
  const like = (a: number, b: number) => whole(b) && ri[RI * b + R_LASTREP] === ri[RI * a + R_LASTREP];
  const seen = new Uint8Array(n);
  const chain = new Int32Array(n);
  for (let round = 0; round < 2; round++)
    for (let s = 0; s < n; s++) {
      if (seen[s] || !whole(s) || (round === 0 && pred[s] >= 0 && like(s, pred[s]))) continue;
      let len = 0;
      for (let t = s; t >= 0 && !seen[t] && like(s, t); t = ri[RI * t + R_SUCC]) {
        seen[t] = 1;
        chain[len++] = t;
      }
      if (ri[RI * chain[len - 1] + R_SUCC] < 0) len--;
      for (let i = 0; i + 1 < len; i += RUN_MAX) setRun(ri, rc, rf, chain, i, Math.min(RUN_MAX, len - i));
    }
}

/** Makes chain[i .. i + k - 1] a run: its length, last slot, the slot after it, its largest send time and span. */
function setRun(ri: Int32Array, rc: Int32Array, rf: Float64Array, chain: Int32Array, i: number, k: number): void {
  const head = chain[i];
  const last = chain[i + k - 1];
  let max = 0;
  let span = 0;
  for (let j = i; j < i + k; j++) {
    const t = chain[j];
    rc[RC * t + G_HEAD] = head;
    if (rf[RF * t + R_AUX] > max) max = rf[RF * t + R_AUX];
    span += rf[RF * t + R_AUX] + rf[RF * t + R_LAT];
  }
  ri[RI * head + G_K] = k;
  ri[RI * head + G_OUT] = ri[RI * last + R_SUCC];
  ri[RI * head + G_LAST] = last;
  rf[RF * head + G_MAX] = max;
  rf[RF * head + G_SPAN] = span;
}

/**
 * Writes out the state of a run stepped over at once (the pass): each slot started repetition NEXT - 1 on its
 * input, the slot before's arrival (whole numbers: exact), arrived one send time and latency later, and each
 * handed on every step.
 */
function unfold(sim: FlowSim, head: number): void {
  const { ri, rf } = sim;
  const m = ri[RI * head + G_STEP];
  if (m === 0) return;
  let start = rf[RF * head + R_S];
  let next = ri[RI * head + R_NEXT];
  let t = head;
  for (let j = 1, k = ri[RI * head + G_K]; j < k; j++) {
    ri[RI * t + R_TAKEN] += m;
    start = start + rf[RF * t + R_AUX] + rf[RF * t + R_LAT];
    t = ri[RI * t + R_SUCC];
    next++;
    rf[RF * t + R_S] = start;
    rf[RF * t + R_F] = start + rf[RF * t + R_AUX] + rf[RF * t + R_LAT];
    ri[RI * t + R_NEXT] = next;
  }
  ri[RI * head + G_STEP] = 0;
}

/** Before slot s's own state is read or written: its run's state written out if it was stepped over. */
function unfolded(sim: FlowSim, s: number): void {
  const h = sim.rc[RC * s + G_HEAD];
  if (h >= 0 && sim.ri[RI * h + G_STEP] > 0) unfold(sim, h);
}

/**
 * May a pass step over the run starting at slot s at once, input repetition q arriving at `at` (the pass tests
 * the rest inline: at >= its last start + the run's largest send time, whole, no start after maxT, no slot at
 * its last repetition, the slot after it waiting for exactly that arrival)? Every slot j of it then starts on
 * its input, at + off_j (off_j: the send times and latencies of the slots before it), and arrives at
 * at + off_(j+1): true for all when each slot j started at most off_j after the first and arrived one send
 * time and latency after its start (at + off_j >= start + send time, and no earlier arrival comes later), so
 * the run hands on at + its span, sums of whole numbers. Here, the first time: the others in step (those
 * tests, slot j waiting for repetition q + j, compared exactly), no queued arrival kept; once stepped over,
 * they stay so.
 */
function inStep(sim: FlowSim, s: number, q: number): boolean {
  const { ri, rf, rc } = sim;
  if (ri[RI * s + G_STEP] > 0) return true;
  const k = ri[RI * s + G_K];
  const s0 = rf[RF * s + R_S];
  if (!Number.isInteger(s0) || rc[RC * s + R_PN] > 0) return false;
  if (rf[RF * s + R_F] > s0 + rf[RF * s + R_AUX] + rf[RF * s + R_LAT]) return false;
  let off = 0;
  for (let j = 1, p = s, t = ri[RI * s + R_SUCC]; j < k; j++, p = t, t = ri[RI * t + R_SUCC]) {
    off += rf[RF * p + R_AUX] + rf[RF * p + R_LAT];
    const st = rf[RF * t + R_S];
    if (ri[RI * t + R_NEXT] !== q + j + 1 || rc[RC * t + R_PN] > 0 || st > s0 + off) return false;
    if (rf[RF * t + R_F] > st + rf[RF * t + R_AUX] + rf[RF * t + R_LAT]) return false;
  }
  return true;
}

/**
 * An exclusive transfer or a delay (LZ_EXCL, never sharing a link) of positive send time, with one stepDep at
 * lag 1 (a ring's hop) and whole bytes (counts are booked as n x bytes when the solver hands back, exact for
 * whole numbers). Its send time being positive keeps its arrivals strictly in order.
 */
function ringHop(sim: FlowSim, x: number): boolean {
  const { ti, tf, stepDL } = sim;
  const r = TI * x;
  if (ti[r + I_LAZY] !== LZ_EXCL || !(tf[TF * x + F_AUX] > 0) || ti[r + I_REPEAT] < 2) return false;
  if (ti[r + I_XFER] && !Number.isInteger(tf[TF * x + F_BYTES])) return false;
  if (ti[r + I_STEP1] - ti[r + I_STEP0] !== 1) return false;
  const k = ti[r + I_STEP0];
  return stepDL[2 * k + 1] === 1 && stepDL[2 * k] !== x;
}

/**
 * Ring hop x's stepDep finished repetition q now (an event). Returns false when the event engine keeps x
 * (tryStart): x is not held by the solver and cannot be taken now.
 */
export function ringDeliver(sim: FlowSim, x: number, q: number): boolean {
  const s = sim.ringAt[x];
  // A run's first slot holds its own state while the run is stepped over (the pass reads it there).
  if (sim.rc[RC * s + G_HEAD] !== s) unfolded(sim, s);
  const need = needs(sim, s);
  if (need < 0) return false;
  if (need !== q || q + 1 > sim.ri[RI * s + R_LASTREP]) {
    // Past its last repetition, or frozen by the cut (a start after maxTimePs is never computed).
    if (
      sim.ri[RI * s + R_NEXT] >= 0 &&
      q + 1 <= sim.ri[RI * s + R_LASTREP] &&
      sim.ringMaxT === Number.POSITIVE_INFINITY
    )
      throw new Error(`internal: ring hop ${x} got input ${q} while waiting for ${need}`);
    return sim.ri[RI * s + R_NEXT] >= 0;
  }
  if (startOf(sim.rf, s, sim.now) > sim.ringMaxT) return sim.ri[RI * s + R_NEXT] >= 0;
  if (sim.ri[RI * s + R_NEXT] < 0) take(sim, s, x);
  sim.rBuf[0] = sim.now;
  pass(sim, s, q, 0, 1, -1);
  return true;
}

/**
 * The stepDep repetition slot s waits for: held, its next repetition's input; else, if the solver may take
 * it, the same from its task record (it started that repetition, no wake is pending, so its next start is
 * max(sent, input), and it has a next repetition); else -1.
 */
function needs(sim: FlowSim, s: number): number {
  const next = sim.ri[RI * s + R_NEXT];
  if (next >= 0) return next - 1;
  const x = sim.rc[RC * s + R_TASK];
  const r = TI * x;
  const ti = sim.ti;
  if (sim.wakeArmed[x] !== 0 || ti[r + I_NEXT] >= ti[r + I_REPEAT] || ti[r + I_NEXT] === 0) return -1;
  return ti[r + I_NEXT] - 1;
}

/** The solver takes x from the event engine: its last start and arrival from the task record. */
function take(sim: FlowSim, s: number, x: number): void {
  const { ri, rf, rc } = sim;
  const next = sim.ti[TI * x + I_NEXT];
  ri[RI * s + R_NEXT] = next;
  rc[RC * s + R_NEXT0] = next;
  ri[RI * s + R_TAKEN] = 0;
  rf[RF * s + R_S] = sim.tf[TF * x + F_LAST];
  rf[RF * s + R_F] = sim.tf[TF * x + F_LASTFIN];
}

/** When slot s would start its next repetition with its input arriving at `at`: max(sent, input). */
function startOf(rf: Float64Array, s: number, at: number): number {
  const sent = rf[RF * s + R_S] + rf[RF * s + R_AUX];
  if (at > sent) return at;
  return sent;
}

/**
 * The pass: slot s (held, waiting for its stepDep's repetition q) takes repetitions q .. q + len - 1 arriving
 * at rBuf[off ..] (pred's arrivals when pred >= 0, not counted yet), starts one repetition for each as
 * startRep, sendAlone and scheduleFinish would (start, sent at start + aux, arrival one path latency on, never
 * before the last one), and hands its arrivals on to the next hop while that one can take them, with the
 * queued arrivals it still waits for (their events cancelled); else they are queued.
 */
function pass(sim: FlowSim, s: number, q: number, off: number, len: number, pred: number): void {
  const { rf, ri, rc, rBuf } = sim;
  const maxT = sim.ringMaxT;
  const half = rBuf.length >> 1;
  let reps = 0;
  for (;;) {
    if (len === 1) {
      // One arrival in hand (a pass down hops already in step): each hop starts one repetition and the next
      // takes its arrival while it waits for exactly that one; anything else (the cut, a last repetition, a
      // hop not held or behind) is left to the general step below, which redoes this hop.
      let at = rBuf[off];
      for (;;) {
        const k = ri[RI * s + G_K];
        if (k > 0) {
          const g = RF * s;
          const span = rf[g + G_SPAN];
          const z = ri[RI * s + G_OUT];
          if (
            at >= rf[g + R_S] + rf[g + G_MAX] &&
            Number.isInteger(at) &&
            at + span <= maxT &&
            q + k < ri[RI * s + R_LASTREP] &&
            ri[RI * z + R_NEXT] === q + k + 1 &&
            inStep(sim, s, q)
          ) {
            // The whole run at once: its first slot's state written, the others' when read (unfold).
            rf[g + R_S] = at;
            rf[g + R_F] = at + rf[g + R_AUX] + rf[g + R_LAT];
            ri[RI * s + R_NEXT] = q + 2;
            ri[RI * s + G_STEP]++;
            sim.ringCollapsed++;
            if (pred >= 0) ri[RI * pred + R_TAKEN]++;
            reps += k;
            pred = ri[RI * s + G_LAST];
            s = z;
            q += k;
            at += span;
            continue;
          }
          unfold(sim, s);
        }
        const f = RF * s;
        const o = RI * s;
        const aux = rf[f + R_AUX];
        const sent = rf[f + R_S] + aux;
        let st = sent;
        if (at > st) st = at;
        const rep = q + 1;
        const z = ri[o + R_SUCC];
        if (st > maxT || rep >= ri[o + R_LASTREP] || z < 0 || ri[RI * z + R_NEXT] !== rep + 1) break;
        let fin = st + aux + rf[f + R_LAT];
        const last = rf[f + R_F];
        if (fin < last) fin = last;
        rf[f + R_S] = st;
        rf[f + R_F] = fin;
        ri[o + R_NEXT] = rep + 1;
        if (pred >= 0) ri[RI * pred + R_TAKEN]++;
        reps++;
        pred = s;
        s = z;
        q = rep;
        at = fin;
      }
      rBuf[off] = at;
    }
    unfolded(sim, s);
    const f = RF * s;
    const o = RI * s;
    const c = RC * s;
    const aux = rf[f + R_AUX];
    const lat = rf[f + R_LAT];
    const lastRep = ri[o + R_LASTREP];
    let start = rf[f + R_S];
    let fin = rf[f + R_F];
    // Outputs go to the other half, PEND entries in, leaving room for queued arrivals taken back before them.
    const out = off < half ? half + PEND : PEND;
    let n = 0;
    let used = 0;
    while (used < len && q + used + 1 <= lastRep) {
      const sent = start + aux;
      const at = rBuf[off + used];
      let st = sent;
      if (at > st) st = at;
      if (st > maxT) break;
      start = st;
      const arr = st + aux + lat;
      if (arr > fin) fin = arr;
      rBuf[out + n++] = fin;
      used++;
    }
    rf[f + R_S] = start;
    rf[f + R_F] = fin;
    ri[o + R_NEXT] = q + used + 1;
    reps += used;
    // pred's arrivals taken are counted when pred hands back; the others are queued as events.
    if (pred >= 0) {
      ri[RI * pred + R_TAKEN] += used;
      if (used < len) queueOut(sim, pred, q + used, off + used, len - used, false);
    }
    const lo = q + 1;
    if (n > 0 && lo + n - 1 === lastRep) {
      // The last repetition: its arrival ends the task (an event), and no stepOut repetition waits for it.
      addItem(sim, EV_FINISH, rBuf[out + n - 1], rc[c + R_TASK], V_LAST);
      n--;
    }
    if (n === 0) break;
    const z = ri[o + R_SUCC];
    const need = z >= 0 ? needs(sim, z) : -1;
    let from = lo;
    if (need >= 0 && need < lo && rc[c + R_PN] > 0 && rc[c + R_PLO] === need && need + rc[c + R_PN] === lo) from = need;
    if (need !== from || startOf(rf, z, from === lo ? rBuf[out] : sim.rPendT[PEND * s + (from & (PEND - 1))]) > maxT) {
      queueOut(sim, s, lo, out, n, z >= 0);
      break;
    }
    // z takes the queued arrivals from..lo-1 back (events cancelled, counted now) and then lo..lo+n-1.
    const k = lo - from;
    if (k > 0) takeBack(sim, s, from, k, out - k);
    if (ri[RI * z + R_NEXT] < 0) take(sim, z, rc[RC * z + R_TASK]);
    pred = s;
    s = z;
    q = from;
    off = out - k;
    len = n + k;
  }
  sim.ringReps += reps;
}

/**
 * Slot s's queued arrivals from .. from + k - 1 (all it keeps) taken back into rBuf[at ..], their events
 * cancelled: the next hop takes them in this pass (counted with the others it takes, on R_TAKEN).
 */
function takeBack(sim: FlowSim, s: number, from: number, k: number, at: number): void {
  for (let i = 0; i < k; i++) {
    const e = PEND * s + ((from + i) & (PEND - 1));
    sim.rBuf[at + i] = sim.rPendT[e];
    sim.items[4 * sim.rPendIt[e] + 1] = -1;
  }
  sim.rc[RC * s + R_PN] = 0;
}

/**
 * Queues slot s's arrivals of repetitions rep .. rep + n - 1 (times in rBuf[off ..]) as events; kept (to be
 * taken back by a later pass) when its stepOut is a ring hop and they follow the ones kept.
 */
function queueOut(sim: FlowSim, s: number, rep: number, off: number, n: number, keep: boolean): void {
  const x = sim.rc[RC * s + R_TASK];
  for (let i = 0; i < n; i++) {
    const it = addItem(sim, EV_FINISH, sim.rBuf[off + i], x, V_OUT - (rep + i));
    if (keep) keepPending(sim, s, rep + i, sim.rBuf[off + i], it);
  }
}

/** Keeps a queued arrival (repetition rep at `at`, item it) of slot s if it follows the ones kept and there is room. */
function keepPending(sim: FlowSim, s: number, rep: number, at: number, it: number): void {
  const rc = sim.rc;
  const c = RC * s;
  const pn = rc[c + R_PN];
  if (pn === 0) rc[c + R_PLO] = rep;
  else if (pn === PEND || rc[c + R_PLO] + pn !== rep) return;
  rc[c + R_PN] = pn + 1;
  sim.rPendT[PEND * s + (rep & (PEND - 1))] = at;
  sim.rPendIt[PEND * s + (rep & (PEND - 1))] = it;
}

/** The event engine queued ring hop x's arrival of repetition rep (startRep, startDelay): kept for a pass to take back. */
export function ringQueued(sim: FlowSim, x: number, rep: number, it: number): void {
  const s = sim.ringAt[x];
  if (sim.ri[RI * s + R_SUCC] >= 0) keepPending(sim, s, rep, sim.tf[TF * x + F_LASTFIN], it);
}

/** Ring hop x's queued arrival of repetition rep came: no longer kept. */
export function ringArrived(sim: FlowSim, x: number, rep: number): void {
  const c = RC * sim.ringAt[x];
  const rc = sim.rc;
  if (rc[c + R_PN] > 0 && rc[c + R_PLO] === rep) {
    rc[c + R_PLO]++;
    rc[c + R_PN]--;
  }
}

/**
 * A ring hop's finish item came (driver.ts ringFinish): its last repetition, handed back to the event engine
 * (returns -1: finish it as the event engine finishes one), or repetition rep queued: counted, returns rep
 * (to deliver to its stepOuts).
 */
export function ringCame(sim: FlowSim, x: number, v: number): number {
  if (v === V_LAST) {
    handBack(sim, sim.ringAt[x]);
    return -1;
  }
  const rep = V_OUT - v;
  ringArrived(sim, x, rep);
  sim.ti[TI * x + I_FIN]++;
  sim.deliveredBytes += sim.tf[TF * x + F_BYTES];
  return rep;
}

/**
 * Hands slot s back to the event engine at its state now: its starts on I_NEXT and their bytes (whole
 * numbers: n x bytes is the sum one by one), its last start and arrival, the arrivals its successor took on
 * I_FIN. Every start it holds is at or before now (its last repetition's arrival, the end of the run, or the
 * cut: none after maxTimePs is computed), as is every arrival taken.
 */
function handBack(sim: FlowSim, s: number): void {
  unfolded(sim, s);
  const { ri, rf, rc, ti, tf } = sim;
  const o = RI * s;
  const c = RC * s;
  const x = rc[c + R_TASK];
  const r = TI * x;
  const f = TF * x;
  const next = ri[o + R_NEXT];
  const n = next - rc[c + R_NEXT0];
  const b = tf[f + F_BYTES];
  if (n > 0) {
    ti[r + I_NEXT] = next;
    ti[r + I_VER]++;
    ti[r + I_BUSY] = 1;
    tf[f + F_REM] = b;
    tf[f + F_LAST] = rf[RF * s + R_S];
    tf[f + F_LASTFIN] = rf[RF * s + R_F];
    sim.injectedBytes += n * b;
    tf[f + F_PBYTES] += n * b;
  }
  const taken = ri[o + R_TAKEN];
  ti[r + I_FIN] += taken;
  sim.deliveredBytes += taken * b;
  ri[o + R_TAKEN] = 0;
  ri[o + R_NEXT] = -1;
}

/** Hands every held hop back (the run ended or was cut). */
export function handBackAll(sim: FlowSim): void {
  unfoldAll(sim);
  for (let s = 0, n = sim.ri.length / RI; s < n; s++) if (sim.ri[RI * s + R_NEXT] >= 0) handBack(sim, s);
}

/** The latest start the solver computed (all at or before maxTimePs): an event time of the repetition-by-repetition run. */
export function lastRingEvent(sim: FlowSim): number {
  unfoldAll(sim);
  let last = Number.NEGATIVE_INFINITY;
  for (let s = 0, n = sim.ri.length / RI; s < n; s++)
    if (sim.ri[RI * s + R_NEXT] >= 0 && sim.rf[RF * s + R_S] > last) last = sim.rf[RF * s + R_S];
  return last;
}

function unfoldAll(sim: FlowSim): void {
  for (let s = 0, n = sim.ri.length / RI; s < n; s++) if (sim.ri[RI * s + G_K] > 0) unfold(sim, s);
}
