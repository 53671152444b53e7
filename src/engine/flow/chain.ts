// Chained repetitions of the flow engine (issue 4): a solo ring hop's repetition r + 1 starts at max(its
// repetition r sent, its stepDep's repetition r arrived), the ring's max-plus recurrence, so one chain pass runs
// down the ring for up to CHAIN_DEPTH hops with no queue event, logging each repetition, and turns a task back
// into the state and events of the repetition-by-repetition run exactly where that run would differ (a flow
// joining its links, its last repetition, the end of the run or its cut at maxTimePs). chain: false runs without
// it; the differential tests (chain.test.ts) compare both. Left out: exclusive transfers that are not next to a
// delay (an event is cheaper for them), runs with failures, and any task with more than one stepDep.
import { addItem } from './groups.ts';
import * as layout from './layout.ts';
import { bookSeries } from './paths.ts';
import { stepDepsMet, wake } from './sends.ts';
import type { FlowSim } from './state.ts';

// The layout's offsets and kinds (layout.ts) as module constants: one load each in the hot loops, where an
// imported binding costs a load and a check at every use (25% of the ring benchmark).
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
  LZ_SOLO,
  TF,
  TI,
} = layout;

// Chained repetitions (see chain()). Each chainable task has a slot (in task order, so the hops of a ring are
// neighbours in memory and a chain pass walks it forwards) of CS doubles: its record (CH: the first cache line
// is all a chain pass touches) and its log of chained repetitions, repetition r in entry r mod CHAIN_CAP. While
// a task is chained its record holds the state (next repetition, last start and arrival); ti and tf get it
// back when it is unchained.
const CH = 16;
const CH_ON = 0; // 0: the task is chained; -1: it is not
const CH_FIRST = 1; // oldest logged repetition
const CH_NEXT = 2; // next repetition (I_NEXT)
const CH_LAST_S = 3; // start (F_LAST) and arrival (F_LASTFIN) of the last started repetition
const CH_LAST_F = 4;
const CH_AUX = 5; // F_AUX and F_LAT
const CH_LAT = 6;
const CH_LIMIT = 7; // the last repetition a chain may take (repeat - 2: the last one runs as events)
const CH_PREV_S = 8; // start and arrival of the repetition before the oldest logged one
const CH_PREV_F = 9;
const CH_NEXT0 = 10; // I_NEXT when chained: starts since then are counted (bytes) when unchained
const CH_FIN_ADD = 11; // arrivals handed on and not yet on I_FIN
const CH_BYTES = 12;
const CHAIN_CAP = 16; // a power of two
const ENTRY = 3;
const E_S = 0; // start
const E_F = 1; // arrival
const E_ITEM = 2; // ITEM_*, or its queued arrival (a chain finish item): the finish is not counted yet
/** A chainable task's slot: its record, then its log. */
const CS = CH + ENTRY * CHAIN_CAP;
/** The arrival is counted (handed on to the next hop, or its queued item came). */
const ITEM_DONE = -1;
/** Not handed on nor queued yet (inside a chain pass). */
const ITEM_NEW = -2;
/** Ring hops one chain pass may run ahead (each pass ends with queue events for its last hop only). */
const CHAIN_DEPTH = 12;

/** Marks the chainable tasks (when the chain is on) and gives each its slot, unchained. */
export function initChains(sim: FlowSim): void {
  const on = sim.solos && sim.opts.chain !== false;
  const chains = on ? markChains(sim) : 0;
  sim.ch = new Float64Array(CS * chains);
  for (let k = 0; k < chains; k++) sim.ch[CS * k + CH_ON] = -1;
}

/**
 * Tasks whose repetitions may be chained (see chain()): transfers and delays in a ring-like pattern, chained
 * while they are solo or exclusive. Delays (a ring's hops inside a server, exclusive tasks on no links,
 * state.ts) are 7 of 8 hops of a ring with every rail in use, and their repetitions fall at times no other
 * task shares, so each would cost a queue event of its own. Exclusive transfers only next to a delay: on
 * their own (a ring of one GPU per server on a Clos) their repetitions share queue events, and a chain entry,
 * written now and read back many steps later, costs more memory traffic than the event (8,192-GPU ring:
 * 9.5 s -> 14 s). Off with failures (solo flows are).
 */
function markChains(sim: FlowSim): number {
  const { ti, stepDL, stepOut } = sim;
  for (let x = 0; x < sim.T; x++) {
    const r = TI * x;
    if (sim.ringAt[x] >= 0 || !chainKind(sim, x) || ti[r + I_STEP1] - ti[r + I_STEP0] !== 1) continue;
    const k = ti[r + I_STEP0];
    const p = stepDL[2 * k];
    const rp = TI * p;
    if (stepDL[2 * k + 1] !== 1 || p === x || !chainKind(sim, p)) continue;
    if (ti[rp + I_OUT1] - ti[rp + I_OUT0] !== 1 || stepOut[ti[rp + I_OUT0]] !== x) continue;
    if (ti[r + I_XFER] && ti[r + I_LAZY] === LZ_EXCL && !nextToDelay(sim, x, p)) continue;
    sim.chainable[x] = 1;
    sim.chainPrev[x] = p;
    sim.chainNext[p] = x;
  }
  let n = 0;
  for (let p = 0; p < sim.T; p++) {
    if (sim.chainNext[p] >= 0 && !sim.chainable[p]) sim.chainNext[p] = -1;
    if (sim.chainable[p]) sim.chainAt[p] = CS * n++;
  }
  return n;
}

/** A transfer of some bytes, or a delay of some time: the tasks a chain may take. */
function chainKind(sim: FlowSim, x: number): boolean {
  return sim.tf[TF * x + (sim.ti[TI * x + I_XFER] ? F_BYTES : F_AUX)] > 0;
}

/** Is x's stepDep p, or x's only stepOut, a delay? */
function nextToDelay(sim: FlowSim, x: number, p: number): boolean {
  const ti = sim.ti;
  const r = TI * x;
  if (!ti[TI * p + I_XFER]) return true;
  return ti[r + I_OUT1] - ti[r + I_OUT0] === 1 && !ti[TI * sim.stepOut[ti[r + I_OUT0]] + I_XFER];
}

/** Is task x chained now? */
export function chained(sim: FlowSim, x: number): boolean {
  const c = sim.chainAt[x];
  return c >= 0 && sim.ch[c + CH_ON] >= 0;
}

/** Can chainable x take its stepDep's repetition q (arriving now or later) as a chained input? */
export function canChain(sim: FlowSim, x: number, q: number): boolean {
  const c = sim.chainAt[x];
  if (sim.ch[c + CH_ON] >= 0) return sim.ch[c + CH_NEXT] === q + 1 && q + 1 <= sim.ch[c + CH_LIMIT] && room(sim, x) > 0;
  const ti = sim.ti;
  const r = TI * x;
  // The last repetition always runs as events (its finish ends the task). Repetition q started and no wake
  // is pending: the next start is max(sent, input), nothing else.
  return alone(ti[r + I_LAZY]) && q + 2 < ti[r + I_REPEAT] && ti[r + I_NEXT] === q + 1 && sim.wakeArmed[x] === 0;
}

/** Solo or exclusive (a chainable exclusive task is a delay or a transfer next to one): sent at a known time. */
function alone(lazy: number): boolean {
  return lazy === LZ_SOLO || lazy === LZ_EXCL;
}

/**
 * Chained repetitions. A solo flow keeps its rate until a flow joins one of its links, so while it is alone
 * its repetition r + 1 of a ring starts at max(repetition r sent, the stepDep's repetition r arrived) and
 * arrives one send time and one path latency later (program.ts; the max-plus recurrence of a ring). Its
 * arrival is the next hop's input: one pass runs down the ring for up to CHAIN_DEPTH hops with no queue
 * event, and only the last hop's arrivals are queued (chainFinish continues from there). A chained
 * repetition is started at once, ahead of its time, and logged: nothing reads a chained task's state before
 * its time but the next hop (chained too), and whatever must (a flow joining its links, its last
 * repetition, the end of the run) first turns it back into the state and events of the
 * repetition-by-repetition run at that time (unchainTask).
 */
export function chain(sim: FlowSim, x: number, q: number, at: number): void {
  chainRep(sim, x, at);
  // x's logged repetitions lo..hi are new: their arrivals still have to reach the next hop.
  let lo = q + 1;
  let hi = q + 1;
  const ch = sim.ch;
  for (let depth = 1; ; depth++) {
    // Read afresh: chainRep grows the log (a new array) when y enters the chain.
    const en = sim.ch;
    const y = sim.chainNext[x];
    const from = depth < CHAIN_DEPTH && y >= 0 ? handable(sim, x, y, lo, hi) : -1;
    const c = sim.chainAt[x];
    const base = c + CH;
    if (from < 0) {
      // The pass ends: the new arrivals are queued (chainFinish counts each and hands it on when it comes).
      for (let rep = lo; rep <= hi; rep++) {
        const e = base + ENTRY * (rep & (CHAIN_CAP - 1));
        en[e + E_ITEM] = addItem(sim, EV_FINISH, en[e + E_F], x, rep + 1);
      }
      return;
    }
    // y takes x's arrivals from..hi in order, with the queued ones it still waited for (their events
    // cancelled); each is counted as x's finish now (only y reads it).
    for (let rep = from; rep <= hi; rep++) {
      const e = base + ENTRY * (rep & (CHAIN_CAP - 1));
      const log = sim.ch;
      const it = log[e + E_ITEM];
      if (it >= 0) sim.items[4 * it + 1] = -1;
      log[e + E_ITEM] = ITEM_DONE;
      chainRep(sim, y, log[e + E_F]);
    }
    ch[c + CH_FIN_ADD] += hi - from + 1;
    x = y;
    lo = from + 1;
    hi++;
  }
}

/**
 * The first of x's repetitions that y would take now (every one from there to hi, see chain()), or -1:
 * y must be solo and waiting for x's repetition `from`, which x must still log (queued if older than lo),
 * none of them y's last repetition, and y's log must have room.
 */
function handable(sim: FlowSim, x: number, y: number, lo: number, hi: number): number {
  const ch = sim.ch;
  const cy = sim.chainAt[y];
  let from: number;
  if (ch[cy + CH_ON] >= 0) {
    from = ch[cy + CH_NEXT] - 1;
    if (hi + 1 > ch[cy + CH_LIMIT]) return -1;
  } else {
    const r = TI * y;
    const ti = sim.ti;
    if (!alone(ti[r + I_LAZY]) || hi + 3 > ti[r + I_REPEAT] || sim.wakeArmed[y] !== 0) return -1;
    from = ti[r + I_NEXT] - 1;
  }
  if (from > lo || from < ch[sim.chainAt[x] + CH_FIRST]) return -1;
  const need = hi - from + 1;
  if (need > (ch[cy + CH_ON] >= 0 ? room(sim, y) : CHAIN_CAP)) return -1;
  return from;
}

/** Free log entries of chained x, after dropping the oldest ones that are past and counted. */
function room(sim: FlowSim, x: number): number {
  const ch = sim.ch;
  const c = sim.chainAt[x];
  const next = ch[c + CH_NEXT];
  let first = ch[c + CH_FIRST];
  if (next - first < CHAIN_CAP) return CHAIN_CAP - (next - first);
  const en = sim.ch;
  const base = c + CH;
  while (first < next) {
    const e = base + ENTRY * (first & (CHAIN_CAP - 1));
    if (en[e + E_F] > sim.now || en[e + E_ITEM] !== ITEM_DONE) break;
    ch[c + CH_PREV_S] = en[e + E_S];
    ch[c + CH_PREV_F] = en[e + E_F];
    first++;
  }
  ch[c + CH_FIRST] = first;
  return CHAIN_CAP - (next - first);
}

/** Starts x's next repetition as chained, its stepDep's input arriving at `at`: as sendAlone would, logged. */
function chainRep(sim: FlowSim, x: number, at: number): void {
  const ch = sim.ch;
  const c = sim.chainAt[x];
  if (ch[c + CH_ON] < 0) enterChain(sim, x);
  const aux = ch[c + CH_AUX];
  const start = Math.max(ch[c + CH_LAST_S] + aux, at);
  // As sendAlone and scheduleFinish: sent at start + aux, one path latency on, after the QP's last arrival.
  let fin = start + aux + ch[c + CH_LAT];
  if (fin < ch[c + CH_LAST_F]) fin = ch[c + CH_LAST_F];
  const rep = ch[c + CH_NEXT];
  const e = c + CH + ENTRY * (rep & (CHAIN_CAP - 1));
  const en = sim.ch;
  en[e + E_S] = start;
  en[e + E_F] = fin;
  en[e + E_ITEM] = ITEM_NEW;
  ch[c + CH_NEXT] = rep + 1;
  ch[c + CH_LAST_S] = start;
  ch[c + CH_LAST_F] = fin;
  sim.chainedReps++;
  // Its bytes, as sendAlone books them (series.ts); undoFrom takes them back.
  if (sim.series !== null) bookSeries(sim, x, start, start + aux, ch[c + CH_BYTES]);
}

function enterChain(sim: FlowSim, x: number): void {
  const { ch, ti, tf } = sim;
  const c = sim.chainAt[x];
  const r = TI * x;
  const o = TF * x;
  ch[c + CH_ON] = 0;
  ch[c + CH_FIRST] = ti[r + I_NEXT];
  ch[c + CH_NEXT] = ti[r + I_NEXT];
  ch[c + CH_NEXT0] = ti[r + I_NEXT];
  ch[c + CH_LAST_S] = tf[o + F_LAST];
  ch[c + CH_LAST_F] = tf[o + F_LASTFIN];
  ch[c + CH_PREV_S] = tf[o + F_LAST];
  ch[c + CH_PREV_F] = tf[o + F_LASTFIN];
  ch[c + CH_AUX] = tf[o + F_AUX];
  ch[c + CH_LAT] = tf[o + F_LAT];
  ch[c + CH_LIMIT] = ti[r + I_REPEAT] - 2;
  ch[c + CH_BYTES] = tf[o + F_BYTES];
  ch[c + CH_FIN_ADD] = 0;
}

/**
 * Takes back x's logged repetitions >= rep (none started by now): their starts, their arrivals handed on
 * (counted) or queued. Returns how many.
 */
function undoFrom(sim: FlowSim, x: number, rep: number): number {
  const ch = sim.ch;
  const c = sim.chainAt[x];
  const en = sim.ch;
  const base = c + CH;
  const first = ch[c + CH_FIRST];
  let next = ch[c + CH_NEXT];
  let n = 0;
  while (next > rep) {
    if (next <= first) throw new Error(`internal: task ${x} takes back a repetition it no longer logs`);
    const e = base + ENTRY * ((next - 1) & (CHAIN_CAP - 1));
    if (en[e + E_S] <= sim.now) throw new Error(`internal: task ${x} takes back a started chained repetition`);
    const it = en[e + E_ITEM];
    if (it === ITEM_DONE) ch[c + CH_FIN_ADD]--;
    else if (it >= 0) sim.items[4 * it + 1] = -1;
    if (sim.series !== null) bookSeries(sim, x, en[e + E_S], en[e + E_S] + ch[c + CH_AUX], -ch[c + CH_BYTES]);
    next--;
    n++;
  }
  if (n > 0) {
    const p = base + ENTRY * ((next - 1) & (CHAIN_CAP - 1));
    ch[c + CH_NEXT] = next;
    ch[c + CH_LAST_S] = next > first ? en[p + E_S] : ch[c + CH_PREV_S];
    ch[c + CH_LAST_F] = next > first ? en[p + E_F] : ch[c + CH_PREV_F];
  }
  return n;
}

/** Puts a chained task's handed-on arrivals on I_FIN (and the bytes delivered). */
function flushFinishes(sim: FlowSim, x: number): void {
  const c = sim.chainAt[x];
  const n = sim.ch[c + CH_FIN_ADD];
  if (n === 0) return;
  sim.ti[TI * x + I_FIN] += n;
  sim.deliveredBytes += n * sim.ch[c + CH_BYTES];
  sim.ch[c + CH_FIN_ADD] = 0;
}

/**
 * Turns chained task x back into the state and events of the repetition-by-repetition run now: repetitions
 * not started by now are taken back (with what was chained from them down the ring), the others go to ti and
 * tf, those not arrived get their finish events, the stepDep's counted arrivals that fed taken-back ones are
 * queued again, and a pending wake is armed.
 */
export function unchainTask(sim: FlowSim, x: number): void {
  const { ch, ti, tf } = sim;
  const c = sim.chainAt[x];
  const r = TI * x;
  const o = TF * x;
  const now = sim.now;
  const en = sim.ch;
  const base = c + CH;
  const first = ch[c + CH_FIRST];
  let started = ch[c + CH_NEXT];
  while (started > first && en[base + ENTRY * ((started - 1) & (CHAIN_CAP - 1)) + E_S] > now) started--;
  undoFrom(sim, x, started);
  const next = ch[c + CH_NEXT];
  // The started ones, as startRep and sendAlone left them (bytes added one by one: the same float sums).
  const b = ch[c + CH_BYTES];
  const n = next - ch[c + CH_NEXT0];
  let pBytes = tf[o + F_PBYTES];
  if (n > 0) {
    ti[r + I_NEXT] = next;
    ti[r + I_VER]++;
    ti[r + I_BUSY] = 1;
    tf[o + F_REM] = b;
    tf[o + F_LAST] = ch[c + CH_LAST_S];
    tf[o + F_LASTFIN] = ch[c + CH_LAST_F];
    sim.injectedBytes += n * b;
    for (let k = 0; k < n; k++) {
      pBytes = tf[o + F_PBYTES];
      tf[o + F_PBYTES] = pBytes + b;
    }
  }
  flushFinishes(sim, x);
  // Started and not arrived: ordinary finish events (uncounted again if handed on).
  let firstOpen = next;
  for (let rep = first; rep < next; rep++) {
    const e = base + ENTRY * (rep & (CHAIN_CAP - 1));
    if (en[e + E_F] <= now) continue; // arrived (counted, or its queued item comes in this batch)
    if (firstOpen > rep) firstOpen = rep;
    const it = en[e + E_ITEM];
    if (it === ITEM_DONE) {
      ti[r + I_FIN]--;
      sim.deliveredBytes -= b;
    } else if (it >= 0) sim.items[4 * it + 1] = -1;
    const item = addItem(sim, EV_FINISH, en[e + E_F], x, 0);
    if (rep === next - 1) {
      sim.soloItem[x] = item;
      sim.soloPBytes[x] = pBytes;
      sim.soloLastFin[x] = rep > first ? en[base + ENTRY * ((rep - 1) & (CHAIN_CAP - 1)) + E_F] : ch[c + CH_PREV_F];
    }
  }
  ch[c + CH_ON] = -1;
  // Down the ring: what was chained from x's repetitions still to arrive.
  for (let y = sim.chainNext[x], rep = firstOpen + 1; y >= 0 && chained(sim, y); y = sim.chainNext[y]) {
    if (undoFrom(sim, y, rep) === 0) break;
    rep++;
  }
  // Up the ring: the stepDep's arrivals handed on to x and not there yet are queued again, uncounted.
  const p = sim.chainPrev[x];
  if (p >= 0 && chained(sim, p)) {
    const pc = sim.chainAt[p];
    flushFinishes(sim, p);
    const pb = pc + CH;
    const bp = ch[pc + CH_BYTES];
    for (let rep = ch[pc + CH_FIRST]; rep < ch[pc + CH_NEXT]; rep++) {
      const e = pb + ENTRY * (rep & (CHAIN_CAP - 1));
      if (en[e + E_F] <= now || en[e + E_ITEM] !== ITEM_DONE) continue;
      ti[TI * p + I_FIN]--;
      sim.deliveredBytes -= bp;
      en[e + E_ITEM] = addItem(sim, EV_FINISH, en[e + E_F], p, rep + 1);
    }
  }
  // The wake the repetition-by-repetition run has pending when the next repetition only waits to be sent.
  const sentAt = tf[o + F_LAST] + tf[o + F_AUX];
  if (next < ti[r + I_REPEAT] && ti[r + I_BUSY] && now < sentAt && stepDepsMet(sim, x, next)) wake(sim, x, sentAt);
}

/**
 * The run is cut at maxT with the next queue event after it: the last time at or before maxT at which the
 * repetition-by-repetition run had an event, counting the starts and arrivals that chains logged instead (a
 * chained repetition's start is its stepDep's arrival or its own send time, each an event of that run).
 */
export function lastChainedEvent(sim: FlowSim, maxT: number): number {
  let last = sim.now;
  const ch = sim.ch;
  for (let c = 0; c < ch.length; c += CS) {
    if (ch[c + CH_ON] < 0) continue;
    for (let rep = ch[c + CH_FIRST], e = ch[c + CH_NEXT]; rep < e; rep++) {
      const o = c + CH + ENTRY * (rep & (CHAIN_CAP - 1));
      if (ch[o + E_S] <= maxT && ch[o + E_S] > last) last = ch[o + E_S];
      if (ch[o + E_F] <= maxT && ch[o + E_F] > last) last = ch[o + E_F];
    }
  }
  return last;
}

/**
 * A pass's queued arrival came (repetition rep of x): counted on I_FIN (and its log entry); returns the
 * repetitions x has finished, with those handed on and not yet on I_FIN.
 */
export function countChainArrival(sim: FlowSim, x: number, rep: number): number {
  const ch = sim.ch;
  const c = sim.chainAt[x];
  let fin = ++sim.ti[TI * x + I_FIN];
  if (ch[c + CH_ON] >= 0) {
    fin += ch[c + CH_FIN_ADD];
    if (rep >= ch[c + CH_FIRST]) sim.ch[c + CH + ENTRY * (rep & (CHAIN_CAP - 1)) + E_ITEM] = ITEM_DONE;
  }
  return fin;
}
