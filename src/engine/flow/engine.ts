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
// rings, whose links the job's other collectives use at other times); the repetitions of solo ring hops are
// chained down the ring by the ring's max-plus recurrence, up to CHAIN_DEPTH hops per queue event, and turned
// back into events exactly where the repetition-by-repetition run would differ (see chain(); chain: false runs
// without, and the differential tests compare both); a pipeline whose next repetition starts as the last one
// drains keeps its place and rate; and a region that is a union of whole components is cached by a Zobrist hash
// of its flow set (collective steps repeat the same sets thousands of times; region-cache.ts).
import type { Catalog } from '../../catalog/index.ts';
import type { Fabric, NodeId } from '../../fabric/types.ts';
import type { FlowResult, InvariantCheck, Result } from '../../result/types.ts';
import { RESULT_VERSION, zeroCounters } from '../../result/types.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { TrafficProgram } from '../../workload/program.ts';
import { CalendarQueue } from '../core/calendar.ts';
import { ecmpIndex, flowHashes } from '../core/ecmp.ts';
import { linkStatsFromBytes } from '../core/links.ts';
import { MaxMinSolver } from '../core/maxmin.ts';
import { type NetworkConfig, resolveNetwork } from '../core/network.ts';
import { opTimesFromTasks, summarizeOps } from '../core/ops.ts';
import { EcmpGroups, RouteView } from '../core/route-view.ts';
import { CACHE_MIN_FLOWS, RegionCache } from './region-cache.ts';

export interface FlowRunOptions {
  seed: number;
  /** Stop after this much simulated time even if tasks are unfinished. */
  maxTimePs?: number;
  onProgress?: (doneTasks: number, totalTasks: number, nowPs: number) => void;
  name?: string;
  /**
   * Chain the repetitions of solo ring-like flows (see FlowSim.chain; default true). false runs every
   * repetition as its own events, with the same results: the differential tests compare the two.
   */
  chain?: boolean;
  /** Filled in by the run when given (tests: the chain took part). */
  diagnostics?: FlowDiagnostics;
}

export interface FlowDiagnostics {
  /** Repetitions computed by a chain pass rather than started by an event. */
  chainedRepetitions: number;
}

// Queue event kinds. The first three carry a group of task items, all due at the event's time.
const EV_DRAIN = 0;
const EV_FINISH = 1;
const EV_START = 2;
const EV_LINK = 3;
const EV_ROUTE = 4;
const GROUP_KINDS = 3;
const OPEN_SLOTS = 4;

// A task's Int32 record (stride TI): one cache line.
const TI = 16;
const I_NEXT = 0; // next repetition to start
const I_REPEAT = 1;
const I_BUSY = 2; // a transfer's repetition is sending, or a delay's is running
const I_FIN = 3; // repetitions finished
const I_STEP0 = 4; // stepDeps as [dep, lag] pairs in `stepDL`, pairs [I_STEP0, I_STEP1)
const I_STEP1 = 5;
const I_OUT0 = 6; // tasks that list this one in stepDeps: stepOut[I_OUT0 .. I_OUT1)
const I_OUT1 = 7;
const I_PATH0 = 8; // path slots [I_PATH0, I_PATH1)
const I_PATH1 = 9;
const I_VER = 10; // bumped at every rate change: drain items of older versions are stale
const I_STAMP = 11; // batch in which the flow started or moved (it needs a rate whatever the old one was)
const I_VISIT = 12; // recomputation whose region (or singles pass) holds the flow
const I_XFER = 13; // 1 transfer, 0 delay
const I_DEPS = 14; // deps not finished yet
const I_LAZY = 15; // LZ_*: how the current repetition's send is tracked (see markExclusive and makeSolo)

// Flows whose send time is known when they start (I_LAZY): no drain event, the arrival is scheduled at once and
// the flow is marked sent lazily (I_BUSY stays set until something asks after its send time).
const LZ_NONE = 0;
/** No other task's path shares a link with this one, ever. */
const LZ_EXCL = 1;
/** Alone on its links now ("solo"): on the link lists, so that a flow joining a link can end the solo run. */
const LZ_SOLO = 2;
/** A solo repetition that was sent and taken off its links (by a flow that joined one of them). */
const LZ_SENT = 3;

// A task's Float64 record (stride TF): one cache line.
const TF = 8;
const F_REM = 0; // bytes left to send at F_LAST
const F_RATE = 1; // payload bytes per ps
const F_LAST = 2;
const F_PBYTES = 3; // bytes sent on the current path, not yet added to its links
const F_BYTES = 4; // bytes per repetition
const F_LAT = 5; // path latency of the last byte
const F_LASTFIN = 6; // latest scheduled arrival (repetitions of one QP arrive in order)
const F_AUX = 7; // a flow that started alone: its path's bottleneck; an exclusive or solo one: ps to send a repetition

// A path slot (stride 4): the directed link and the flow's place in that link's list of sending flows.
const S_LINK = 0;
const S_NEXT = 1;
const S_PREV = 2;
const S_FLOW = 3;

// A directed link's Int32 record (stride 4): 2 l is a -> b (up), 2 l + 1 is b -> a.
const L_HEAD = 0;
const L_COUNT = 1; // flows sending on it
const L_SEED = 2; // batch in which a flow left it
const L_VISIT = 3;

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

/** Remaining bytes below this are rounding residue: the flow has drained. */
const SNAP_BYTES = 1e-6;
/** Capacity check slack: rates come out of float sums. */
const CAP_SLACK = 1e-9;
/** A link within this share of its capacity is saturated (bottleneck test of the local solve). */
const SAT_SLACK = 1e-9;
/** Local solves of one region before it is closed to whole components. */
const MAX_REGION_PASSES = 4;

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
  return sim.run(wall0);
}

class FlowSim {
  private readonly q = new CalendarQueue(256);
  private now = 0;
  /** One per distinct event time processed (stamps "started in this batch"). */
  private batch = 1;
  private recomputes = 0;
  private timeBackwards = 0;

  // Topology.
  private readonly D: number;
  private readonly isHost: Uint8Array;
  private readonly linkA: Int32Array;
  private readonly linkB: Int32Array;
  private readonly capFull: Float64Array;
  /** Current capacity (0 while the link is down), payload bytes per ps. */
  private readonly cap: Float64Array;
  /** Per hop of a path: one full frame serialized plus propagation. */
  private readonly hopPs: Float64Array;
  private readonly switchPs: Float64Array;
  private readonly routing: Fabric['routing'];

  // Tasks: hot fields in records, the rest in plain arrays.
  private readonly T: number;
  private readonly ti: Int32Array;
  private readonly tf: Float64Array;
  private readonly stepDL: Int32Array;
  private readonly stepOut: Int32Array;
  private readonly depOutStart: Int32Array;
  private readonly depOut: Int32Array;
  private readonly dur: Float64Array;
  private readonly startAt: Float64Array;
  private readonly src: Int32Array;
  private readonly dst: Int32Array;
  private readonly hash: Uint32Array;
  private readonly startArmed: Uint8Array;
  private readonly firstStart: Float64Array;
  private readonly endAt: Float64Array;
  private readonly idealLatPs: Float64Array;
  private readonly idealCap: Float64Array;
  private readonly wRate: Float64Array;
  /** Solved closed regions by their flow set. */
  private readonly cache: RegionCache;
  /** Routing epoch of each task's path. */
  private readonly pathEpoch: Int32Array;
  private readonly wakeArmed: Uint8Array;
  /** Solo flows (LZ_SOLO) are off while failures can change capacities and paths (as exclusive ones are). */
  private readonly solos: boolean;
  /** A solo repetition's arrival item, and the F_LASTFIN and F_PBYTES it had before (to undo if it ends early). */
  private readonly soloItem: Int32Array;
  private readonly soloLastFin: Float64Array;
  private readonly soloPBytes: Float64Array;
  private doneTasks = 0;
  /**
   * Chained repetitions. chainable[x]: x has a single stepDep p (lag 1), a transfer whose only stepOut is x,
   * so x's repetition r + 1 starts at max(x's repetition r sent, p's repetition r arrived) unless a flow joins
   * x's links. chainNext[x]: x's only stepOut if that one is chainable, else -1.
   */
  private readonly chainable: Uint8Array;
  private readonly chainNext: Int32Array;
  private readonly chainPrev: Int32Array;
  /** Slots of the chainable tasks (see CS), or empty with the chain off. */
  private readonly ch: Float64Array;
  /** A chainable task's slot offset in ch (CS x its rank among chainable tasks), else -1. */
  private readonly chainAt: Int32Array;
  private chainedReps = 0;

  // Paths and links.
  private readonly sl: Int32Array;
  private readonly li: Int32Array;
  private readonly linkBytes: Float64Array;
  private readonly wRem: Float64Array;
  private maxLoad = 0;

  // Per batch: flows that started alone on their links, flows that started (or moved) onto shared links, and
  // links a flow left while others stay on them.
  private readonly singles: Int32Array;
  private nSingles = 0;
  private readonly shared: Int32Array;
  private nShared = 0;
  private readonly seedLinks: Int32Array;
  private nSeedLinks = 0;
  private visitEpoch = 0;
  /** Stamps of the local solve's passes (link marks, pieces, flows checked). */
  private passEpoch = 0;
  private nR = 0;
  private readonly checked: Int32Array;
  private readonly pieceMark: Int32Array;
  private readonly pieceFlows: Int32Array;
  private readonly pieceLinkMark: Int32Array;
  private readonly vLoad: Float64Array;
  private readonly vMax: Float64Array;
  // The region being solved (its flows and links) and the water-filling heap.
  private readonly compFlows: Int32Array;
  private readonly compLinks: Int32Array;
  private readonly maxmin: MaxMinSolver;

  // Groups of items (task, version) sharing one queue event: pooled singly linked lists.
  /** Items as records of 4: task, version, next item, unused. */
  private items = new Int32Array(4 * 1024);
  private itFree = -1;
  private itUsed = 0;
  private grHead = new Int32Array(256);
  private grTail = new Int32Array(256);
  private grFree = -1;
  private grUsed = 0;
  /**
   * Per group kind, the last few groups opened and not yet popped, (time, group) in OPEN_SLOTS slots: items
   * due at one of those times join its group. More distinct times in flight than slots only means several
   * groups (queue events) at one time, which run in the same batch.
   */
  private readonly openT = new Float64Array(GROUP_KINDS * OPEN_SLOTS).fill(-1);
  private readonly openG = new Int32Array(GROUP_KINDS * OPEN_SLOTS);
  private readonly openNext = new Int32Array(GROUP_KINDS);

  // Failures: the physical state is `cap`; the routing view follows after the detection delay.
  private readonly view: RouteView;
  private routeEpoch = 0;
  private readonly tmpPath = new Int32Array(64);
  /** ECMP groups by (switch, destination) while paths are built. */
  private readonly groups: EcmpGroups;

  // Byte accounting, each counted where it happens.
  private injectedBytes = 0;
  private deliveredBytes = 0;

  constructor(
    private readonly f: Fabric,
    private readonly program: TrafficProgram,
    private readonly net: NetworkConfig,
    private readonly opts: FlowRunOptions,
  ) {
    const N = f.nodes.length;
    const L = f.links.length;
    const D = 2 * L;
    this.D = D;
    this.routing = f.routing;
    this.isHost = new Uint8Array(N);
    this.switchPs = new Float64Array(N);
    for (const n of f.nodes) {
      this.isHost[n.id] = n.role === 'host' ? 1 : 0;
      this.switchPs[n.id] = n.role === 'host' || n.role === 'border' ? 0 : net.switchLatencyPs(n.id);
    }
    this.linkA = new Int32Array(L);
    this.linkB = new Int32Array(L);
    this.capFull = new Float64Array(D);
    this.hopPs = new Float64Array(D);
    // Payload capacity with full-MTU packets: rate x mtu / (mtu + headers + wire overhead).
    const frame = net.mtu + net.headerBytes + net.wireOverheadBytes;
    for (const l of f.links) {
      this.linkA[l.id] = l.a;
      this.linkB[l.id] = l.b;
      const c = (l.rateBps / 8e12) * (net.mtu / frame);
      const hop = (frame * 8e12) / l.rateBps + net.propPs(l.id);
      for (const d of [2 * l.id, 2 * l.id + 1]) {
        this.capFull[d] = c;
        this.hopPs[d] = hop;
      }
    }
    this.cap = Float64Array.from(this.capFull);
    this.li = new Int32Array(4 * D);
    for (let d = 0; d < D; d++) this.li[4 * d + L_HEAD] = -1;
    this.linkBytes = new Float64Array(D);
    this.wRem = new Float64Array(D);
    this.vLoad = new Float64Array(D);
    this.vMax = new Float64Array(D);
    this.maxmin = new MaxMinSolver(D);
    this.pieceLinkMark = new Int32Array(D);
    this.seedLinks = new Int32Array(Math.max(16, D));
    this.compLinks = new Int32Array(Math.max(16, D));
    this.view = new RouteView(f);
    this.groups = new EcmpGroups(f);

    const tasks = program.transfers;
    const T = tasks.length;
    this.T = T;
    const ti = new Int32Array(TI * T);
    const tf = new Float64Array(TF * T);
    this.ti = ti;
    this.tf = tf;
    this.dur = new Float64Array(T);
    this.startAt = new Float64Array(T);
    this.src = new Int32Array(T);
    this.dst = new Int32Array(T);
    this.startArmed = new Uint8Array(T);
    this.firstStart = new Float64Array(T).fill(-1);
    this.endAt = new Float64Array(T).fill(-1);
    this.idealLatPs = new Float64Array(T);
    this.idealCap = new Float64Array(T);
    this.cache = new RegionCache(T);
    this.checked = new Int32Array(T);
    this.pieceMark = new Int32Array(T);
    this.pieceFlows = new Int32Array(Math.max(16, T));
    this.wRate = new Float64Array(T);
    this.pathEpoch = new Int32Array(T);
    this.wakeArmed = new Uint8Array(T);
    this.solos = net.failures.length === 0;
    this.soloItem = new Int32Array(T);
    this.soloLastFin = new Float64Array(T);
    this.soloPBytes = new Float64Array(T);
    this.chainable = new Uint8Array(T);
    this.chainNext = new Int32Array(T).fill(-1);
    this.chainPrev = new Int32Array(T).fill(-1);
    this.chainAt = new Int32Array(T).fill(-1);
    this.singles = new Int32Array(Math.max(16, T));
    this.shared = new Int32Array(Math.max(16, T));
    this.compFlows = new Int32Array(Math.max(16, T));
    // One seeded 5-tuple hash per QP, the packet engine's: both engines put a flow on the same path.
    this.hash = flowHashes(opts.seed, T);

    const depOutStart = new Int32Array(T + 1);
    const stepOutStart = new Int32Array(T + 1);
    let steps = 0;
    for (let i = 0; i < T; i++) {
      const t = tasks[i];
      if (t.id !== i) throw new Error(`internal: task ${i} has id ${t.id}`);
      const r = TI * i;
      ti[r + I_REPEAT] = t.repeat;
      ti[r + I_XFER] = t.kind === 'transfer' ? 1 : 0;
      ti[r + I_DEPS] = t.deps.length;
      ti[r + I_STEP0] = steps;
      steps += t.stepDeps.length;
      ti[r + I_STEP1] = steps;
      tf[TF * i + F_BYTES] = t.kind === 'transfer' ? t.bytes : 0;
      this.dur[i] = t.kind === 'delay' ? Math.ceil(t.durationPs) : 0;
      this.startAt[i] = Math.ceil(t.startPs);
      this.src[i] = t.src;
      this.dst[i] = t.dst;
      for (const d of t.deps) depOutStart[d + 1]++;
      for (const d of t.stepDeps) stepOutStart[d + 1]++;
    }
    for (let i = 0; i < T; i++) {
      depOutStart[i + 1] += depOutStart[i];
      stepOutStart[i + 1] += stepOutStart[i];
    }
    this.depOutStart = depOutStart.slice();
    this.depOut = new Int32Array(depOutStart[T]);
    this.stepOut = new Int32Array(stepOutStart[T]);
    this.stepDL = new Int32Array(2 * steps);
    for (let i = 0; i < T; i++) {
      ti[TI * i + I_OUT0] = stepOutStart[i];
      ti[TI * i + I_OUT1] = stepOutStart[i + 1];
    }
    for (let i = 0; i < T; i++) {
      const t = tasks[i];
      for (const d of t.deps) this.depOut[depOutStart[d]++] = i;
      for (let k = 0; k < t.stepDeps.length; k++) {
        const d = t.stepDeps[k];
        this.stepOut[stepOutStart[d]++] = i;
        const p = ti[TI * i + I_STEP0] + k;
        this.stepDL[2 * p] = d;
        this.stepDL[2 * p + 1] = t.stepLags[k] ?? 0;
      }
    }

    // Paths: one walk per transfer at build time gives the hop counts (fixed under up/down routing: every
    // ECMP alternative has the same length), the latency and the ideal FCT's bottleneck.
    let hops = new Int32Array(Math.max(64, 4 * T));
    let nh = 0;
    for (let i = 0; i < T; i++) {
      ti[TI * i + I_PATH0] = nh;
      if (ti[TI * i + I_XFER]) {
        const n = this.walkPath(i, this.tmpPath);
        if (nh + n > hops.length) {
          const grown = new Int32Array(2 * hops.length + n);
          grown.set(hops);
          hops = grown;
        }
        hops.set(this.tmpPath.subarray(0, n), nh);
        nh += n;
      }
      ti[TI * i + I_PATH1] = nh;
    }
    // The groups are rebuilt on demand if failures re-path flows; their memory is not needed meanwhile.
    this.groups.clear();
    this.sl = new Int32Array(4 * nh);
    for (let i = 0; i < T; i++) {
      let minCap = Number.POSITIVE_INFINITY;
      for (let s = ti[TI * i + I_PATH0]; s < ti[TI * i + I_PATH1]; s++) {
        this.sl[4 * s + S_LINK] = hops[s];
        this.sl[4 * s + S_FLOW] = i;
        if (this.capFull[hops[s]] < minCap) minCap = this.capFull[hops[s]];
      }
      tf[TF * i + F_LAT] = this.pathLatency(i);
      this.idealLatPs[i] = tf[TF * i + F_LAT];
      this.idealCap[i] = minCap;
    }
    this.markExclusive();
    const chains = this.solos && opts.maxTimePs === undefined && opts.chain !== false ? this.markChains() : 0;
    this.ch = new Float64Array(CS * chains);
    for (let k = 0; k < chains; k++) this.ch[CS * k + CH_ON] = -1;
  }

  /**
   * Tasks whose repetitions may be chained (see chain()): transfers in a ring-like pattern, chained while they
   * are solo. Not exclusive ones: their repetition already costs one event on a small hot record, and a chain
   * entry, written now and read back many steps later, costs more memory traffic than the event (8,192-GPU
   * ring: 9.5 s -> 14 s). Off with failures (solo flows are) and with maxTimePs (the run would stop between
   * chained repetitions).
   */
  private markChains(): number {
    const { ti, tf, stepDL, stepOut } = this;
    for (let x = 0; x < this.T; x++) {
      const r = TI * x;
      if (!ti[r + I_XFER] || ti[r + I_LAZY] === LZ_EXCL || tf[TF * x + F_BYTES] === 0) continue;
      if (ti[r + I_STEP1] - ti[r + I_STEP0] !== 1) continue;
      const k = ti[r + I_STEP0];
      const p = stepDL[2 * k];
      const rp = TI * p;
      if (stepDL[2 * k + 1] !== 1 || p === x || !ti[rp + I_XFER] || tf[TF * p + F_BYTES] === 0) continue;
      if (ti[rp + I_OUT1] - ti[rp + I_OUT0] !== 1 || stepOut[ti[rp + I_OUT0]] !== x) continue;
      this.chainable[x] = 1;
      this.chainPrev[x] = p;
      this.chainNext[p] = x;
    }
    let n = 0;
    for (let p = 0; p < this.T; p++) {
      if (this.chainNext[p] >= 0 && !this.chainable[p]) this.chainNext[p] = -1;
      if (this.chainable[p]) this.chainAt[p] = CS * n++;
    }
    return n;
  }

  /** Is task x chained now? */
  private chained(x: number): boolean {
    const c = this.chainAt[x];
    return c >= 0 && this.ch[c + CH_ON] >= 0;
  }

  /**
   * A transfer whose links no other transfer's path uses always runs alone at its path's bottleneck, so each
   * repetition's send time is known when it starts: it needs no link lists, no recomputation and no drain
   * event (its arrival is scheduled at once; it is marked sent lazily, or woken at its send time only when its
   * next repetition could start then). Ring collectives on a Clos are mostly such flows. Paths change only
   * after failures, so a run with failures has none.
   */
  private markExclusive(): void {
    if (this.net.failures.length > 0) return;
    const { ti, tf, sl, cap } = this;
    const users = new Int32Array(this.D);
    for (let t = 0; t < this.T; t++) {
      if (tf[TF * t + F_BYTES] === 0) continue;
      for (let s = ti[TI * t + I_PATH0]; s < ti[TI * t + I_PATH1]; s++) users[sl[4 * s + S_LINK]]++;
    }
    for (let t = 0; t < this.T; t++) {
      const r = TI * t;
      if (!ti[r + I_XFER] || tf[TF * t + F_BYTES] === 0) continue;
      let alone = true;
      let minCap = Number.POSITIVE_INFINITY;
      for (let s = ti[r + I_PATH0]; s < ti[r + I_PATH1]; s++) {
        const l = sl[4 * s + S_LINK];
        if (users[l] !== 1) alone = false;
        if (cap[l] < minCap) minCap = cap[l];
      }
      if (!alone) continue;
      ti[r + I_LAZY] = LZ_EXCL;
      tf[TF * t + F_RATE] = minCap;
      tf[TF * t + F_AUX] = Math.max(Math.ceil(tf[TF * t + F_BYTES] / minCap - 1e-6), 0);
      // Capacity check for these flows, once: the bottleneck rate against each of the links.
      for (let s = ti[r + I_PATH0]; s < ti[r + I_PATH1]; s++) {
        const load = this.load(minCap, cap[sl[4 * s + S_LINK]]);
        if (load > this.maxLoad) this.maxLoad = load;
      }
    }
  }

  // ---- paths -------------------------------------------------------------------------------------

  /**
   * Walks src -> dst with the routing tables, writing directed link ids into `out`; returns the hop count.
   * A host sends on its first link (as the packet engine's NIC does); a switch picks the ECMP member
   * ecmpIndex(hash, 0, node, count), among the members the routing view believes usable once any failure
   * has been detected (the packet engine's choice for a data packet).
   */
  private walkPath(t: number, out: Int32Array): number {
    const dst = this.dst[t];
    let at = this.src[t];
    let n = 0;
    const h = this.hash[t];
    while (at !== dst) {
      let l: number;
      if (this.isHost[at]) l = this.routing.pick(at as NodeId, dst as NodeId, 0);
      else {
        const off = this.groups.offset(at, dst);
        const cnt = this.groups.links[off];
        let i = 0;
        if (this.routeEpoch > 0) {
          i = this.pickAlive(at, dst, cnt, h);
          // Nothing usable: stay on the hash's member (its flows wait at rate 0 until a recovery).
          if (i < 0) i = ecmpIndex(h, 0, at, cnt);
        } else if (cnt > 1) i = ecmpIndex(h, 0, at, cnt);
        l = this.groups.links[off + 1 + i];
      }
      const up = this.linkA[l] === at;
      out[n++] = up ? 2 * l : 2 * l + 1;
      at = up ? this.linkB[l] : this.linkA[l];
      if (n > 32) throw new Error(`internal: routing loop from task ${t}`);
    }
    return n;
  }

  /**
   * The last byte's latency after it leaves the source: at every hop one full frame serialized (store and
   * forward) plus propagation, plus each switch's port-to-port latency. Rounded up to a whole picosecond.
   */
  private pathLatency(t: number): number {
    let ps = 0;
    for (let s = this.ti[TI * t + I_PATH0]; s < this.ti[TI * t + I_PATH1]; s++) {
      const d = this.sl[4 * s + S_LINK];
      ps += this.hopPs[d];
      ps += this.switchPs[d & 1 ? this.linkA[d >> 1] : this.linkB[d >> 1]];
    }
    return Math.ceil(ps);
  }

  /** The hash's choice among the members the routing view believes usable, or -1. */
  private pickAlive(node: number, dst: number, cnt: number, h: number): number {
    const alive = this.view.aliveCount(node, dst, cnt);
    return alive === 0 ? -1 : this.view.nthAlive(node, dst, cnt, ecmpIndex(h, 0, node, alive));
  }

  /** Moves a flow (not on the link lists) to the path in tmpPath; bytes sent so far stay counted on the old one. */
  private setPath(t: number): void {
    this.flushPathBytes(t);
    const s0 = this.ti[TI * t + I_PATH0];
    const n = this.ti[TI * t + I_PATH1] - s0;
    for (let h = 0; h < n; h++) this.sl[4 * (s0 + h) + S_LINK] = this.tmpPath[h];
    this.tf[TF * t + F_LAT] = this.pathLatency(t);
  }

  /** Walks the flow's path in the current routing view into tmpPath: true if it differs from the flow's path. */
  private pathMoved(t: number): boolean {
    this.pathEpoch[t] = this.routeEpoch;
    const n = this.walkPath(t, this.tmpPath);
    const s0 = this.ti[TI * t + I_PATH0];
    if (n !== this.ti[TI * t + I_PATH1] - s0) throw new Error(`internal: task ${t}'s path changed length`);
    for (let h = 0; h < n; h++) if (this.sl[4 * (s0 + h) + S_LINK] !== this.tmpPath[h]) return true;
    return false;
  }

  private flushPathBytes(t: number): void {
    const b = this.tf[TF * t + F_PBYTES];
    if (b === 0) return;
    for (let s = this.ti[TI * t + I_PATH0]; s < this.ti[TI * t + I_PATH1]; s++)
      this.linkBytes[this.sl[4 * s + S_LINK]] += b;
    this.tf[TF * t + F_PBYTES] = 0;
  }

  // ---- link lists -----------------------------------------------------------------------------------

  /** Puts a flow on its links' lists; a flow alone on every link is a "single" (no solve needed). */
  private insertFlow(t: number): void {
    const { sl, li, cap } = this;
    const r = TI * t;
    let alone = true;
    let minCap = Number.POSITIVE_INFINITY;
    for (let s = this.ti[r + I_PATH0], e = this.ti[r + I_PATH1]; s < e; s++) {
      const o = 4 * s;
      const l = sl[o + S_LINK];
      const lo = 4 * l;
      let h = li[lo + L_HEAD];
      // A solo flow is alone on its links: it is the head, and this flow ends its solo run.
      if (h >= 0 && this.ti[TI * sl[4 * h + S_FLOW] + I_LAZY] === LZ_SOLO) {
        this.endSolo(sl[4 * h + S_FLOW]);
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
    this.ti[r + I_STAMP] = this.batch;
    if (alone) {
      this.tf[TF * t + F_AUX] = minCap;
      this.singles[this.nSingles++] = t;
    } else this.shared[this.nShared++] = t;
  }

  /**
   * A flow joins a link of solo flow g. Sent already: g leaves its links (as its drain would have taken it off
   * them). Still sending: g becomes an ordinary flow, as if it had been given its rate by a solve: its arrival
   * is taken back (with the bookkeeping done for it) and a drain event is due at its send time.
   */
  private endSolo(g: number): void {
    if (this.chained(g)) this.unchainTask(g);
    const { ti, tf } = this;
    const r = TI * g;
    const o = TF * g;
    const sentAt = tf[o + F_LAST] + tf[o + F_AUX];
    if (this.now >= sentAt) {
      ti[r + I_LAZY] = LZ_SENT;
      this.removeFlow(g);
      return;
    }
    ti[r + I_LAZY] = LZ_NONE;
    this.items[4 * this.soloItem[g] + 1] = -1; // cancelled (runGroup skips it)
    tf[o + F_LASTFIN] = this.soloLastFin[g];
    tf[o + F_PBYTES] = this.soloPBytes[g];
    this.wakeArmed[g] = 0;
    this.addItem(EV_DRAIN, sentAt, g, ++ti[r + I_VER]);
  }

  private removeFlow(t: number): void {
    const { sl, li } = this;
    const r = TI * t;
    for (let s = this.ti[r + I_PATH0], e = this.ti[r + I_PATH1]; s < e; s++) {
      const o = 4 * s;
      const lo = 4 * sl[o + S_LINK];
      const p = sl[o + S_PREV];
      const n = sl[o + S_NEXT];
      if (p >= 0) sl[4 * p + S_NEXT] = n;
      else li[lo + L_HEAD] = n;
      if (n >= 0) sl[4 * n + S_PREV] = p;
      if (--li[lo + L_COUNT] > 0) this.seedLink(lo >> 2);
    }
  }

  private seedLink(l: number): void {
    if (this.li[4 * l + L_SEED] === this.batch) return;
    this.li[4 * l + L_SEED] = this.batch;
    this.seedLinks[this.nSeedLinks++] = l;
  }

  // ---- groups of items at one time -----------------------------------------------------------------

  private addItem(kind: number, t: number, task: number, ver: number): number {
    let g = -1;
    for (let k = kind * OPEN_SLOTS, e = k + OPEN_SLOTS; k < e; k++)
      if (this.openT[k] === t) {
        g = this.openG[k];
        break;
      }
    if (g < 0) g = this.openGroup(kind, t);
    let it = this.itFree;
    if (it >= 0) this.itFree = this.items[4 * it + 2];
    else {
      if (4 * this.itUsed === this.items.length) {
        const grown = new Int32Array(2 * this.items.length);
        grown.set(this.items);
        this.items = grown;
      }
      it = this.itUsed++;
    }
    const items = this.items;
    items[4 * it] = task;
    items[4 * it + 1] = ver;
    items[4 * it + 2] = -1;
    const tail = this.grTail[g];
    if (tail < 0) this.grHead[g] = it;
    else items[4 * tail + 2] = it;
    this.grTail[g] = it;
    return it;
  }

  private openGroup(kind: number, t: number): number {
    let g = this.grFree;
    if (g >= 0) this.grFree = this.grHead[g];
    else {
      if (this.grUsed === this.grHead.length) {
        const n = 2 * this.grHead.length;
        const h = new Int32Array(n);
        h.set(this.grHead);
        this.grHead = h;
        const tl = new Int32Array(n);
        tl.set(this.grTail);
        this.grTail = tl;
      }
      g = this.grUsed++;
    }
    this.grHead[g] = -1;
    this.grTail[g] = -1;
    this.q.push(t, kind, g, 0);
    const k = kind * OPEN_SLOTS + this.openNext[kind];
    this.openNext[kind] = (this.openNext[kind] + 1) % OPEN_SLOTS;
    this.openT[k] = t;
    this.openG[k] = g;
    return g;
  }

  /** Runs a popped group, closed first so that items added at this same time form a new one. */
  private runGroup(kind: number, g: number): void {
    for (let k = kind * OPEN_SLOTS, e = k + OPEN_SLOTS; k < e; k++) if (this.openG[k] === g) this.openT[k] = -1;
    // The item array may grow (be replaced) while a group runs: read it afresh for every item.
    let it = this.grHead[g];
    while (it >= 0) {
      const o = 4 * it;
      const task = this.items[o];
      const v = this.items[o + 1];
      const next = this.items[o + 2];
      this.items[o + 2] = this.itFree;
      this.itFree = it;
      if (kind === EV_DRAIN) {
        const r = TI * task;
        if (this.ti[r + I_VER] === v && this.ti[r + I_BUSY]) this.drain(task);
      } else if (kind === EV_FINISH) {
        if (v === 0) this.finish(task);
        else if (v > 0) this.chainFinish(task, v - 1);
      } else {
        this.startArmed[task] = 0;
        this.tryStart(task);
      }
      it = next;
    }
    this.grHead[g] = this.grFree;
    this.grFree = g;
  }

  // ---- tasks -----------------------------------------------------------------------------------------

  /** Starts the task's next repetition if program.ts's conditions hold now. */
  private tryStart(t: number): void {
    // Loops only over repetitions of zero bytes, which are sent as soon as they start.
    while (this.mayStart(t) && this.startRep(t));
  }

  /** May the task's next repetition start now? (Small, so the hot callers inline it.) */
  private mayStart(t: number): boolean {
    const ti = this.ti;
    const r = TI * t;
    const rep = ti[r + I_NEXT];
    if (rep >= ti[r + I_REPEAT] || (ti[r + I_BUSY] && !ti[r + I_LAZY])) return false;
    if (rep === 0 && !this.firstReady(t)) return false;
    if (!this.stepDepsMet(t, rep)) return false;
    if (ti[r + I_BUSY]) {
      // An exclusive or solo flow still sending (wake it when it is sent) or sent since (mark it now).
      const sentAt = this.tf[TF * t + F_LAST] + this.tf[TF * t + F_AUX];
      if (this.now < sentAt) {
        this.wake(t, sentAt);
        return false;
      }
      ti[r + I_BUSY] = 0;
    }
    return true;
  }

  /** Has every stepDep finished the repetition that repetition `rep` waits for? */
  private stepDepsMet(t: number, rep: number): boolean {
    const ti = this.ti;
    const dl = this.stepDL;
    for (let k = ti[TI * t + I_STEP0], e = ti[TI * t + I_STEP1]; k < e; k++) {
      const need = rep - dl[2 * k + 1];
      if (need >= 0 && ti[TI * dl[2 * k] + I_FIN] <= need) return false;
    }
    return true;
  }

  /** A drain event at an exclusive flow's send time for the current repetition (once). */
  private wake(t: number, at: number): void {
    if (this.wakeArmed[t]) return;
    this.wakeArmed[t] = 1;
    this.addItem(EV_DRAIN, at, t, this.ti[TI * t + I_VER]);
  }

  /** Starts the next repetition (mayStart said yes); true if it was sent at once (zero bytes). */
  private startRep(t: number): boolean {
    const ti = this.ti;
    const r = TI * t;
    const rep = ti[r + I_NEXT];
    ti[r + I_NEXT] = rep + 1;
    if (rep === 0) this.firstStart[t] = this.now;
    if (!ti[r + I_XFER]) {
      ti[r + I_BUSY] = 1;
      this.addItem(EV_FINISH, this.now + this.dur[t], t, 0);
      return false;
    }
    const tf = this.tf;
    const b = tf[TF * t + F_BYTES];
    this.injectedBytes += b;
    if (this.routeEpoch > 0 && this.pathEpoch[t] !== this.routeEpoch && this.pathMoved(t)) this.setPath(t);
    if (b === 0) {
      // Nothing to send: sent at once, it arrives one path latency later; the next repetition may follow.
      this.scheduleFinish(t, this.now);
      return true;
    }
    ti[r + I_BUSY] = 1;
    const o = TF * t;
    tf[o + F_REM] = b;
    tf[o + F_LAST] = this.now;
    const lz = ti[r + I_LAZY];
    if (lz === LZ_EXCL) {
      // Alone for good: sendAlone without the solo bookkeeping, inline (an 8,192-GPU ring is 134 million).
      ti[r + I_VER]++;
      this.wakeArmed[t] = 0;
      tf[o + F_PBYTES] += b;
      const sentAt = this.now + tf[o + F_AUX];
      this.scheduleFinish(t, sentAt);
      if (rep + 1 < ti[r + I_REPEAT] && this.stepDepsMet(t, rep + 1)) this.wake(t, sentAt);
      return false;
    }
    if (lz === LZ_SOLO) {
      // Still alone on the links it holds: sent at its bottleneck rate.
      this.sendAlone(t);
      return false;
    }
    if (lz === LZ_SENT) {
      ti[r + I_LAZY] = LZ_NONE;
      ti[r + I_VER]++;
      this.wakeArmed[t] = 0;
    }
    tf[o + F_RATE] = 0;
    this.insertFlow(t);
    return false;
  }

  /**
   * An exclusive or solo flow's repetition (F_REM and F_LAST set) is sent at its bottleneck rate F_RATE in
   * F_AUX ps and arrives one path latency after that: its bytes and arrival are booked now (a solo one keeps
   * what it needs to take them back, see endSolo).
   */
  private sendAlone(t: number): void {
    const { ti, tf } = this;
    const r = TI * t;
    const o = TF * t;
    ti[r + I_VER]++;
    this.wakeArmed[t] = 0;
    const solo = ti[r + I_LAZY] === LZ_SOLO;
    if (solo) {
      this.soloPBytes[t] = tf[o + F_PBYTES];
      this.soloLastFin[t] = tf[o + F_LASTFIN];
    }
    tf[o + F_PBYTES] += tf[o + F_BYTES];
    const sentAt = tf[o + F_LAST] + tf[o + F_AUX];
    const it = this.scheduleFinish(t, sentAt);
    if (solo) this.soloItem[t] = it;
    // Nothing else would call tryStart when this repetition is sent if the next one's stepDeps already hold.
    const next = ti[r + I_NEXT];
    if (next < ti[r + I_REPEAT] && this.stepDepsMet(t, next)) this.wake(t, sentAt);
  }

  /** Repetition 0: every dep finished and startPs reached (else a start event at startPs). */
  private firstReady(t: number): boolean {
    if (this.ti[TI * t + I_DEPS] > 0) return false;
    if (this.now >= this.startAt[t]) return true;
    if (!this.startArmed[t]) {
      this.startArmed[t] = 1;
      this.addItem(EV_START, this.startAt[t], t, 0);
    }
    return false;
  }

  /** The repetition's last byte left the source at `sentAt`: it arrives one path latency later. */
  private scheduleFinish(t: number, sentAt: number): number {
    const o = TF * t;
    let at = sentAt + this.tf[o + F_LAT];
    if (at < this.tf[o + F_LASTFIN]) at = this.tf[o + F_LASTFIN];
    this.tf[o + F_LASTFIN] = at;
    return this.addItem(EV_FINISH, at, t, 0);
  }

  /** The repetition's last byte has left the source. */
  private drain(t: number): void {
    const tf = this.tf;
    const o = TF * t;
    const r = TI * t;
    this.ti[r + I_BUSY] = 0;
    if (this.ti[r + I_LAZY]) {
      // Woken at its send time: bytes were counted and the arrival scheduled when it started.
      this.wakeArmed[t] = 0;
    } else {
      tf[o + F_PBYTES] += tf[o + F_REM];
      tf[o + F_REM] = 0;
      this.ti[r + I_VER]++;
      this.scheduleFinish(t, this.now);
      // The next repetition starts at once on the same path (a pipeline in full flow): the set of sending
      // flows does not change, so the flow keeps its place on the links and its rate, and nothing is solved.
      if (
        tf[o + F_RATE] > 0 &&
        tf[o + F_BYTES] > 0 &&
        (this.routeEpoch === 0 || this.pathEpoch[t] === this.routeEpoch) &&
        this.mayStart(t)
      ) {
        this.restartInPlace(t);
        return;
      }
      tf[o + F_RATE] = 0;
      this.removeFlow(t);
    }
    this.tryStart(t);
  }

  /** drain's shortcut: the next repetition (mayStart said yes) of a flow that stays on its links at its rate. */
  private restartInPlace(t: number): void {
    const ti = this.ti;
    const tf = this.tf;
    const r = TI * t;
    const o = TF * t;
    ti[r + I_NEXT]++;
    ti[r + I_BUSY] = 1;
    const b = tf[o + F_BYTES];
    this.injectedBytes += b;
    tf[o + F_REM] = b;
    tf[o + F_LAST] = this.now;
    const rate = tf[o + F_RATE];
    this.addItem(EV_DRAIN, this.now + Math.max(Math.ceil(b / rate - 1e-6), 0), t, ++ti[r + I_VER]);
  }

  /** Is the transfer's current repetition still sending? (Exclusive flows are marked sent lazily.) */
  private sending(t: number): boolean {
    const r = TI * t;
    if (!this.ti[r + I_BUSY] || !this.ti[r + I_XFER]) return false;
    return !this.ti[r + I_LAZY] || this.now < this.tf[TF * t + F_LAST] + this.tf[TF * t + F_AUX];
  }

  /** A repetition finished: delivered at dst (transfer) or its time is up (delay). */
  private finish(t: number): void {
    const ti = this.ti;
    const r = TI * t;
    const fin = ++ti[r + I_FIN];
    const xfer = ti[r + I_XFER];
    if (xfer) this.deliveredBytes += this.tf[TF * t + F_BYTES];
    else ti[r + I_BUSY] = 0;
    if (fin === ti[r + I_REPEAT]) this.taskDone(t);
    for (let k = ti[r + I_OUT0], e = ti[r + I_OUT1]; k < e; k++) this.deliver(this.stepOut[k], fin - 1);
    if (!xfer) this.tryStart(t);
  }

  // ---- chained repetitions ------------------------------------------------------------------------------

  /**
   * Task k's stepDep finished repetition `rep` now. A chainable task takes it as a chained input (chain());
   * otherwise (or once it cannot) it runs repetition by repetition (tryStart).
   */
  private deliver(k: number, rep: number): void {
    if (this.chainable[k]) {
      if (this.canChain(k, rep)) {
        this.chain(k, rep, this.now);
        return;
      }
      if (this.chained(k)) this.unchainTask(k);
    }
    this.tryStart(k);
  }

  /** Can chainable x take its stepDep's repetition q (arriving now or later) as a chained input? */
  private canChain(x: number, q: number): boolean {
    const c = this.chainAt[x];
    if (this.ch[c + CH_ON] >= 0)
      return this.ch[c + CH_NEXT] === q + 1 && q + 1 <= this.ch[c + CH_LIMIT] && this.room(x) > 0;
    const ti = this.ti;
    const r = TI * x;
    // The last repetition always runs as events (its finish ends the task). Repetition q started and no wake
    // is pending: the next start is max(sent, input), nothing else.
    return (
      ti[r + I_LAZY] === LZ_SOLO && q + 2 < ti[r + I_REPEAT] && ti[r + I_NEXT] === q + 1 && this.wakeArmed[x] === 0
    );
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
  private chain(x: number, q: number, at: number): void {
    this.chainRep(x, at);
    // x's logged repetitions lo..hi are new: their arrivals still have to reach the next hop.
    let lo = q + 1;
    let hi = q + 1;
    const ch = this.ch;
    for (let depth = 1; ; depth++) {
      // Read afresh: chainRep grows the log (a new array) when y enters the chain.
      const en = this.ch;
      const y = this.chainNext[x];
      const from = depth < CHAIN_DEPTH && y >= 0 ? this.handable(x, y, lo, hi) : -1;
      const c = this.chainAt[x];
      const base = c + CH;
      if (from < 0) {
        // The pass ends: the new arrivals are queued (chainFinish counts each and hands it on when it comes).
        for (let rep = lo; rep <= hi; rep++) {
          const e = base + ENTRY * (rep & (CHAIN_CAP - 1));
          en[e + E_ITEM] = this.addItem(EV_FINISH, en[e + E_F], x, rep + 1);
        }
        return;
      }
      // y takes x's arrivals from..hi in order, with the queued ones it still waited for (their events
      // cancelled); each is counted as x's finish now (only y reads it).
      for (let rep = from; rep <= hi; rep++) {
        const e = base + ENTRY * (rep & (CHAIN_CAP - 1));
        const log = this.ch;
        const it = log[e + E_ITEM];
        if (it >= 0) this.items[4 * it + 1] = -1;
        log[e + E_ITEM] = ITEM_DONE;
        this.chainRep(y, log[e + E_F]);
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
  private handable(x: number, y: number, lo: number, hi: number): number {
    const ch = this.ch;
    const cy = this.chainAt[y];
    let from: number;
    if (ch[cy + CH_ON] >= 0) {
      from = ch[cy + CH_NEXT] - 1;
      if (hi + 1 > ch[cy + CH_LIMIT]) return -1;
    } else {
      const r = TI * y;
      const ti = this.ti;
      if (ti[r + I_LAZY] !== LZ_SOLO || hi + 3 > ti[r + I_REPEAT] || this.wakeArmed[y] !== 0) return -1;
      from = ti[r + I_NEXT] - 1;
    }
    if (from > lo || from < ch[this.chainAt[x] + CH_FIRST]) return -1;
    const need = hi - from + 1;
    if (need > (ch[cy + CH_ON] >= 0 ? this.room(y) : CHAIN_CAP)) return -1;
    return from;
  }

  /** Free log entries of chained x, after dropping the oldest ones that are past and counted. */
  private room(x: number): number {
    const ch = this.ch;
    const c = this.chainAt[x];
    const next = ch[c + CH_NEXT];
    let first = ch[c + CH_FIRST];
    if (next - first < CHAIN_CAP) return CHAIN_CAP - (next - first);
    const en = this.ch;
    const base = c + CH;
    while (first < next) {
      const e = base + ENTRY * (first & (CHAIN_CAP - 1));
      if (en[e + E_F] > this.now || en[e + E_ITEM] !== ITEM_DONE) break;
      ch[c + CH_PREV_S] = en[e + E_S];
      ch[c + CH_PREV_F] = en[e + E_F];
      first++;
    }
    ch[c + CH_FIRST] = first;
    return CHAIN_CAP - (next - first);
  }

  /** Starts x's next repetition as chained, its stepDep's input arriving at `at`: as sendAlone would, logged. */
  private chainRep(x: number, at: number): void {
    const ch = this.ch;
    const c = this.chainAt[x];
    if (ch[c + CH_ON] < 0) this.enterChain(x);
    const aux = ch[c + CH_AUX];
    const start = Math.max(ch[c + CH_LAST_S] + aux, at);
    // As sendAlone and scheduleFinish: sent at start + aux, one path latency on, after the QP's last arrival.
    let fin = start + aux + ch[c + CH_LAT];
    if (fin < ch[c + CH_LAST_F]) fin = ch[c + CH_LAST_F];
    const rep = ch[c + CH_NEXT];
    const e = c + CH + ENTRY * (rep & (CHAIN_CAP - 1));
    const en = this.ch;
    en[e + E_S] = start;
    en[e + E_F] = fin;
    en[e + E_ITEM] = ITEM_NEW;
    ch[c + CH_NEXT] = rep + 1;
    ch[c + CH_LAST_S] = start;
    ch[c + CH_LAST_F] = fin;
    this.chainedReps++;
  }

  private enterChain(x: number): void {
    const { ch, ti, tf } = this;
    const c = this.chainAt[x];
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

  /** A pass's queued arrival came (repetition rep of x): it is counted and handed on. */
  private chainFinish(x: number, rep: number): void {
    const { ch, ti } = this;
    const c = this.chainAt[x];
    const r = TI * x;
    let fin = ++ti[r + I_FIN];
    if (ch[c + CH_ON] >= 0) {
      fin += ch[c + CH_FIN_ADD];
      if (rep >= ch[c + CH_FIRST]) this.ch[c + CH + ENTRY * (rep & (CHAIN_CAP - 1)) + E_ITEM] = ITEM_DONE;
    }
    if (fin >= ti[r + I_REPEAT]) throw new Error(`internal: task ${x} finished its last repetition in a chain`);
    this.deliveredBytes += this.tf[TF * x + F_BYTES];
    for (let k = ti[r + I_OUT0], e = ti[r + I_OUT1]; k < e; k++) this.deliver(this.stepOut[k], rep);
  }

  /**
   * Takes back x's logged repetitions >= rep (none started by now): their starts, their arrivals handed on
   * (counted) or queued. Returns how many.
   */
  private undoFrom(x: number, rep: number): number {
    const ch = this.ch;
    const c = this.chainAt[x];
    const en = this.ch;
    const base = c + CH;
    const first = ch[c + CH_FIRST];
    let next = ch[c + CH_NEXT];
    let n = 0;
    while (next > rep) {
      if (next <= first) throw new Error(`internal: task ${x} takes back a repetition it no longer logs`);
      const e = base + ENTRY * ((next - 1) & (CHAIN_CAP - 1));
      if (en[e + E_S] <= this.now) throw new Error(`internal: task ${x} takes back a started chained repetition`);
      const it = en[e + E_ITEM];
      if (it === ITEM_DONE) ch[c + CH_FIN_ADD]--;
      else if (it >= 0) this.items[4 * it + 1] = -1;
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
  private flushFinishes(x: number): void {
    const c = this.chainAt[x];
    const n = this.ch[c + CH_FIN_ADD];
    if (n === 0) return;
    this.ti[TI * x + I_FIN] += n;
    this.deliveredBytes += n * this.ch[c + CH_BYTES];
    this.ch[c + CH_FIN_ADD] = 0;
  }

  /**
   * Turns chained task x back into the state and events of the repetition-by-repetition run now: repetitions
   * not started by now are taken back (with what was chained from them down the ring), the others go to ti and
   * tf, those not arrived get their finish events, the stepDep's counted arrivals that fed taken-back ones are
   * queued again, and a pending wake is armed.
   */
  private unchainTask(x: number): void {
    const { ch, ti, tf } = this;
    const c = this.chainAt[x];
    const r = TI * x;
    const o = TF * x;
    const now = this.now;
    const en = this.ch;
    const base = c + CH;
    const first = ch[c + CH_FIRST];
    let started = ch[c + CH_NEXT];
    while (started > first && en[base + ENTRY * ((started - 1) & (CHAIN_CAP - 1)) + E_S] > now) started--;
    this.undoFrom(x, started);
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
      this.injectedBytes += n * b;
      for (let k = 0; k < n; k++) {
        pBytes = tf[o + F_PBYTES];
        tf[o + F_PBYTES] = pBytes + b;
      }
    }
    this.flushFinishes(x);
    // Started and not arrived: ordinary finish events (uncounted again if handed on).
    let firstOpen = next;
    for (let rep = first; rep < next; rep++) {
      const e = base + ENTRY * (rep & (CHAIN_CAP - 1));
      if (en[e + E_F] <= now) continue; // arrived (counted, or its queued item comes in this batch)
      if (firstOpen > rep) firstOpen = rep;
      const it = en[e + E_ITEM];
      if (it === ITEM_DONE) {
        ti[r + I_FIN]--;
        this.deliveredBytes -= b;
      } else if (it >= 0) this.items[4 * it + 1] = -1;
      const item = this.addItem(EV_FINISH, en[e + E_F], x, 0);
      if (rep === next - 1) {
        this.soloItem[x] = item;
        this.soloPBytes[x] = pBytes;
        this.soloLastFin[x] = rep > first ? en[base + ENTRY * ((rep - 1) & (CHAIN_CAP - 1)) + E_F] : ch[c + CH_PREV_F];
      }
    }
    ch[c + CH_ON] = -1;
    // Down the ring: what was chained from x's repetitions still to arrive.
    for (let y = this.chainNext[x], rep = firstOpen + 1; y >= 0 && this.chained(y); y = this.chainNext[y]) {
      if (this.undoFrom(y, rep) === 0) break;
      rep++;
    }
    // Up the ring: the stepDep's arrivals handed on to x and not there yet are queued again, uncounted.
    const p = this.chainPrev[x];
    if (p >= 0 && this.chained(p)) {
      const pc = this.chainAt[p];
      this.flushFinishes(p);
      const pb = pc + CH;
      const bp = ch[pc + CH_BYTES];
      for (let rep = ch[pc + CH_FIRST]; rep < ch[pc + CH_NEXT]; rep++) {
        const e = pb + ENTRY * (rep & (CHAIN_CAP - 1));
        if (en[e + E_F] <= now || en[e + E_ITEM] !== ITEM_DONE) continue;
        ti[TI * p + I_FIN]--;
        this.deliveredBytes -= bp;
        en[e + E_ITEM] = this.addItem(EV_FINISH, en[e + E_F], p, rep + 1);
      }
    }
    // The wake the repetition-by-repetition run has pending when the next repetition only waits to be sent.
    const sentAt = tf[o + F_LAST] + tf[o + F_AUX];
    if (next < ti[r + I_REPEAT] && ti[r + I_BUSY] && now < sentAt && this.stepDepsMet(x, next)) this.wake(x, sentAt);
  }

  private taskDone(t: number): void {
    this.endAt[t] = this.now;
    this.doneTasks++;
    for (let k = this.depOutStart[t], e = this.depOutStart[t + 1]; k < e; k++) {
      const d = this.depOut[k];
      if (--this.ti[TI * d + I_DEPS] === 0) this.tryStart(d);
    }
  }

  // ---- rates -------------------------------------------------------------------------------------------

  /** Brings a flow's remaining bytes to `now` at its current rate. */
  private advance(t: number): void {
    const tf = this.tf;
    const o = TF * t;
    const dt = this.now - tf[o + F_LAST];
    let rm = tf[o + F_REM];
    const rate = tf[o + F_RATE];
    if (dt > 0 && rate > 0) {
      let sent = rate * dt;
      if (sent > rm) sent = rm;
      rm -= sent;
      tf[o + F_PBYTES] += sent;
    }
    if (rm < SNAP_BYTES) {
      tf[o + F_PBYTES] += rm;
      rm = 0;
    }
    tf[o + F_REM] = rm;
    tf[o + F_LAST] = this.now;
  }

  /** Gives a flow a new rate (one that started or moved in this batch always gets one) and schedules its drain. */
  private setRate(t: number, rate: number): void {
    const o = TF * t;
    const r = TI * t;
    if (rate === this.tf[o + F_RATE] && this.ti[r + I_STAMP] !== this.batch) return;
    this.advance(t);
    this.tf[o + F_RATE] = rate;
    const v = ++this.ti[r + I_VER];
    const rm = this.tf[o + F_REM];
    if (rm === 0) this.addItem(EV_DRAIN, this.now, t, v);
    else if (rate > 0) this.addItem(EV_DRAIN, this.now + Math.max(Math.ceil(rm / rate - 1e-6), 0), t, v);
  }

  /**
   * Max-min fair rates for everything that changed in this batch, solved locally. The region starts as every
   * flow on a link where something changed (a flow joined a shared link or left one, or the capacity changed);
   * it is solved with the flows outside it held at their rates, and grown until every flow around it still has
   * a bottleneck. A flow that started alone on its links just takes their bottleneck.
   */
  private recompute(): void {
    if (this.nSingles === 0 && this.nShared === 0 && this.nSeedLinks === 0) return;
    this.recomputes++;
    const stamp = ++this.visitEpoch;
    const { ti, tf, sl, li, cap } = this;
    for (let i = 0; i < this.nShared; i++) {
      const t = this.shared[i];
      if (!ti[TI * t + I_BUSY]) continue;
      for (let s = ti[TI * t + I_PATH0], e = ti[TI * t + I_PATH1]; s < e; s++) this.seedLink(sl[4 * s + S_LINK]);
    }
    this.nR = 0;
    for (let i = 0; i < this.nSeedLinks; i++)
      for (let x = li[4 * this.seedLinks[i] + L_HEAD]; x >= 0; x = sl[4 * x + S_NEXT])
        this.addToRegion(sl[4 * x + S_FLOW], stamp);
    if (this.nR > 0) this.solveRegion(stamp);
    // Flows that started alone and that nothing joined since: the bottleneck of their path.
    for (let i = 0; i < this.nSingles; i++) {
      const t = this.singles[i];
      const r = TI * t;
      if (!ti[r + I_BUSY] || ti[r + I_VISIT] === stamp) continue;
      ti[r + I_VISIT] = stamp;
      const rate = tf[TF * t + F_AUX];
      if (this.solos) {
        // Its drain time is known until another flow joins one of its links (endSolo): no drain event.
        tf[TF * t + F_RATE] = rate;
        tf[TF * t + F_AUX] = Math.max(Math.ceil(tf[TF * t + F_BYTES] / rate - 1e-6), 0);
        ti[r + I_LAZY] = LZ_SOLO;
        this.sendAlone(t);
      } else this.setRate(t, rate);
      // Capacity check, counted on its own: this flow's rate against each link it is alone on.
      for (let s = ti[r + I_PATH0], e = ti[r + I_PATH1]; s < e; s++) {
        const l = sl[4 * s + S_LINK];
        const load = li[4 * l + L_COUNT] === 1 ? this.load(rate, cap[l]) : Number.POSITIVE_INFINITY;
        if (load > this.maxLoad) this.maxLoad = load;
      }
    }
    this.nSingles = 0;
    this.nShared = 0;
    this.nSeedLinks = 0;
  }

  private addToRegion(g: number, stamp: number): void {
    if (this.ti[TI * g + I_VISIT] === stamp) return;
    this.ti[TI * g + I_VISIT] = stamp;
    this.compFlows[this.nR++] = g;
  }

  private load(sum: number, c: number): number {
    return c > 0 ? sum / c : sum > 0 ? Number.POSITIVE_INFINITY : 0;
  }

  /**
   * Solves the region (compFlows[0 .. nR), marked with `stamp`) and applies its rates. A region that no outside
   * flow touches is a union of whole components: its solution depends on its flow set alone and is cached.
   */
  private solveRegion(stamp: number): void {
    const { ti, tf, sl, li, cap, wRem, wRate } = this;
    const { zob1, zob2 } = this.cache;
    const region = this.compFlows;
    const links = this.compLinks;
    let nl = 0;
    let closed = true;
    let fromCache = false;
    for (let passes = 1; ; passes++) {
      // A region that keeps growing ring by ring is solved as its whole component(s) at once.
      if (passes === MAX_REGION_PASSES) this.closeRegion(stamp);
      // The region's links, each with the capacity the flows outside it leave.
      const pass = ++this.passEpoch;
      const n = this.nR;
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
        const cached = n >= CACHE_MIN_FLOWS ? this.cache.find(h1, h2, n) : -1;
        if (cached >= 0) {
          this.cache.apply(cached, wRate);
          fromCache = true;
        } else {
          this.waterFill(nl, stamp, pass);
          if (n >= CACHE_MIN_FLOWS) this.cache.store(h1, h2, n, region, wRate);
        }
        break;
      }
      this.waterFill(nl, stamp, pass);
      if (this.regionHolds(nl, stamp, pass)) break;
    }
    for (let i = 0; i < this.nR; i++) this.setRate(region[i], wRate[region[i]]);
    // The same flows on the same links get the same rates, which were checked against capacity when solved.
    if (fromCache) return;
    // Capacity check, counted on its own: the rates now on each link of the region against its capacity.
    for (let i = 0; i < nl; i++) {
      const l = links[i];
      let sum = 0;
      for (let x = li[4 * l + L_HEAD]; x >= 0; x = sl[4 * x + S_NEXT]) sum += tf[TF * sl[4 * x + S_FLOW] + F_RATE];
      const load = this.load(sum, cap[l]);
      if (load > this.maxLoad) this.maxLoad = load;
    }
  }

  /** Adds every flow linked to the region through shared links (its whole connected components). */
  private closeRegion(stamp: number): void {
    const { ti, sl, li } = this;
    const pass = ++this.passEpoch;
    for (let i = 0; i < this.nR; i++) {
      const t = this.compFlows[i];
      for (let s = ti[TI * t + I_PATH0], e = ti[TI * t + I_PATH1]; s < e; s++) {
        const l = sl[4 * s + S_LINK];
        if (li[4 * l + L_VISIT] === pass) continue;
        li[4 * l + L_VISIT] = pass;
        for (let x = li[4 * l + L_HEAD]; x >= 0; x = sl[4 * x + S_NEXT]) this.addToRegion(sl[4 * x + S_FLOW], stamp);
      }
    }
  }

  /**
   * Max-min fair rates (core/maxmin.ts, progressive filling) of the region's flows over the capacities the flows
   * outside leave (wRem), into wRate. One problem per connected piece of the region (flows linked by shared
   * links): a region is often many small independent pieces (the channels of one rank pair), and a heap over all
   * of them costs a log factor.
   */
  private waterFill(nl: number, stamp: number, pass: number): void {
    const { ti, sl, li, wRem, wRate } = this;
    const mm = this.maxmin;
    const queue = this.pieceFlows;
    let k = 0;
    for (let i = 0; i < this.nR; i++) {
      const f = this.compFlows[i];
      if (this.pieceMark[f] === pass) continue;
      this.pieceMark[f] = pass;
      mm.reset();
      let head = 0;
      let tail = 0;
      queue[tail++] = f;
      mm.addFlow(f, Number.POSITIVE_INFINITY);
      while (head < tail) {
        const g = queue[head];
        mm.flowLinks(head++);
        for (let s = ti[TI * g + I_PATH0], e = ti[TI * g + I_PATH1]; s < e; s++) {
          const l = sl[4 * s + S_LINK];
          mm.flowLink(l);
          if (this.pieceLinkMark[l] === pass) continue;
          this.pieceLinkMark[l] = pass;
          k++;
          mm.addLink(l, wRem[l]);
          for (let x = li[4 * l + L_HEAD]; x >= 0; x = sl[4 * x + S_NEXT]) {
            const h = sl[4 * x + S_FLOW];
            if (ti[TI * h + I_VISIT] !== stamp) continue;
            if (this.pieceMark[h] !== pass) {
              this.pieceMark[h] = pass;
              queue[tail++] = h;
              mm.linkFlow(mm.addFlow(h, Number.POSITIVE_INFINITY));
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
  private regionHolds(nl: number, stamp: number, pass: number): boolean {
    const { ti, tf, sl, li, wRate, vLoad, vMax } = this;
    const links = this.compLinks;
    const region = this.compFlows;
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
    const n0 = this.nR;
    for (let i = 0; i < nl; i++)
      for (let x = li[4 * links[i] + L_HEAD]; x >= 0; x = sl[4 * x + S_NEXT]) {
        const g = sl[4 * x + S_FLOW];
        if (ti[TI * g + I_VISIT] === stamp || this.checked[g] === pass) continue;
        this.checked[g] = pass;
        if (!this.hasBottleneck(g, stamp, pass)) this.addToRegion(g, stamp);
      }
    for (let i = 0; i < n0; i++) {
      const f = region[i];
      if (this.hasBottleneck(f, stamp, pass)) continue;
      const rf = wRate[f];
      for (let s = ti[TI * f + I_PATH0], e = ti[TI * f + I_PATH1]; s < e; s++) {
        const l = sl[4 * s + S_LINK];
        if (!this.saturated(vLoad[l], this.cap[l])) continue;
        for (let x = li[4 * l + L_HEAD]; x >= 0; x = sl[4 * x + S_NEXT]) {
          const g = sl[4 * x + S_FLOW];
          if (ti[TI * g + I_VISIT] !== stamp && tf[TF * g + F_RATE] > rf) this.addToRegion(g, stamp);
        }
      }
    }
    return this.nR === n0;
  }

  private saturated(load: number, c: number): boolean {
    return load >= c * (1 - SAT_SLACK);
  }

  /** Does the flow have a saturated link on which no flow gets more (rates: the region's new ones)? */
  private hasBottleneck(g: number, stamp: number, pass: number): boolean {
    const { ti, tf, sl, li } = this;
    const rg = ti[TI * g + I_VISIT] === stamp ? this.wRate[g] : tf[TF * g + F_RATE];
    for (let s = ti[TI * g + I_PATH0], e = ti[TI * g + I_PATH1]; s < e; s++) {
      const l = sl[4 * s + S_LINK];
      let load = 0;
      let max = 0;
      if (li[4 * l + L_VISIT] === pass) {
        load = this.vLoad[l];
        max = this.vMax[l];
      } else
        for (let x = li[4 * l + L_HEAD]; x >= 0; x = sl[4 * x + S_NEXT]) {
          const r = tf[TF * sl[4 * x + S_FLOW] + F_RATE];
          load += r;
          if (r > max) max = r;
        }
      if (this.saturated(load, this.cap[l]) && rg >= max * (1 - SAT_SLACK)) return true;
    }
    return false;
  }

  // ---- failures -------------------------------------------------------------------------------------

  /** A link goes down (capacity 0: its flows stop) or comes back; routing learns after the detection delay. */
  private linkState(link: number, down: boolean): void {
    if ((this.cap[2 * link] === 0) === down) return;
    this.cache.clear();
    for (const d of [2 * link, 2 * link + 1]) {
      this.cap[d] = down ? 0 : this.capFull[d];
      if (this.li[4 * d + L_COUNT] > 0) this.seedLink(d);
    }
    this.q.push(this.now + this.net.detectionDelayPs, EV_ROUTE, link, down ? 1 : 0);
  }

  /** The routing view changes: every sending flow is re-pathed now, the others when they next start. */
  private routeState(link: number, down: boolean): void {
    this.view.set(link, down);
    this.routeEpoch++;
    this.cache.clear();
    for (let t = 0; t < this.T; t++) {
      if (!this.ti[TI * t + I_XFER] || !this.ti[TI * t + I_BUSY] || !this.pathMoved(t)) continue;
      this.advance(t);
      this.removeFlow(t);
      this.setPath(t);
      this.insertFlow(t);
    }
  }

  // ---- run -------------------------------------------------------------------------------------------

  run(wall0: number): Result {
    let peakRss = process.memoryUsage.rss();
    const maxT = this.opts.maxTimePs ?? Number.POSITIVE_INFINITY;
    for (const fl of this.net.failures)
      for (const l of fl.links) {
        this.q.push(fl.atPs, EV_LINK, l, 1);
        if (fl.untilPs !== null) this.q.push(fl.untilPs, EV_LINK, l, 0);
      }
    for (let t = 0; t < this.T; t++) if (this.ti[TI * t + I_DEPS] === 0) this.tryStart(t);
    this.recompute();
    const q = this.q;
    let batches = 0;
    while (q.size > 0) {
      const t = q.peekTime();
      if (t > maxT) break;
      if (t < this.now) this.timeBackwards++;
      this.now = t;
      this.batch++;
      while (q.size > 0 && q.peekTime() === t) {
        q.pop();
        const kind = q.kind;
        if (kind < GROUP_KINDS) this.runGroup(kind, q.a);
        else if (kind === EV_LINK) this.linkState(q.a, q.b === 1);
        else this.routeState(q.a, q.b === 1);
      }
      this.recompute();
      if ((++batches & 4095) === 0) {
        const rss = process.memoryUsage.rss();
        if (rss > peakRss) peakRss = rss;
        this.opts.onProgress?.(this.doneTasks, this.T, this.now);
      }
    }
    if (this.ch.length > 0) for (let t = 0; t < this.T; t++) if (this.chained(t)) this.unchainTask(t);
    if (this.opts.diagnostics) this.opts.diagnostics.chainedRepetitions = this.chainedReps;
    this.opts.onProgress?.(this.doneTasks, this.T, this.now);
    const rss = process.memoryUsage.rss();
    if (rss > peakRss) peakRss = rss;
    return this.result(performance.now() - wall0, peakRss);
  }

  // ---- results -----------------------------------------------------------------------------------------

  private result(wallMs: number, peakRss: number): Result {
    const f = this.f;
    const T = this.now;
    const { ti, tf } = this;
    const tasks = this.program.transfers;
    for (let t = 0; t < this.T; t++) {
      if (this.sending(t)) {
        if (ti[TI * t + I_LAZY]) {
          // Counted whole at its start: take back what it had not sent yet.
          const o = TF * t;
          tf[o + F_PBYTES] -= Math.max(tf[o + F_REM] - tf[o + F_RATE] * (this.now - tf[o + F_LAST]), 0);
        } else this.advance(t);
      }
      this.flushPathBytes(t);
    }
    const flows: FlowResult[] = [];
    for (let t = 0; t < this.T; t++) {
      const task = tasks[t];
      if (task.kind !== 'transfer' || task.op !== -1) continue;
      const start = this.firstStart[t];
      const end = this.endAt[t];
      const fct = end >= 0 && start >= 0 ? end - start : -1;
      const total = tf[TF * t + F_BYTES] * ti[TI * t + I_REPEAT];
      const ideal = this.idealLatPs[t] + (total > 0 ? total / this.idealCap[t] : 0);
      flows.push({
        id: t,
        src: f.nodes[this.src[t]].name,
        dst: f.nodes[this.dst[t]].name,
        bytes: total,
        startPs: start,
        endPs: end,
        fctPs: fct,
        idealFctPs: ideal,
        slowdown: fct >= 0 && ideal > 0 ? Math.max(1, fct / ideal) : -1,
        retransmittedBytes: 0,
      });
    }
    const links = linkStatsFromBytes(f, this.linkBytes, T);
    let eastWest = 0;
    let northSouth = 0;
    for (let t = 0; t < this.T; t++) {
      if (!ti[TI * t + I_XFER]) continue;
      const b = tf[TF * t + F_BYTES] * ti[TI * t + I_FIN];
      if (this.src[t] === f.border || this.dst[t] === f.border) northSouth += b;
      else eastWest += b;
    }
    const { startPs, endPs } = opTimesFromTasks(this.program, this.firstStart, this.endAt);
    const { ops, iterations } = summarizeOps(this.program, startPs, endPs);
    // Task events: repetitions started, drained (transfers that sent bytes) and finished.
    let taskEvents = 0;
    for (let t = 0; t < this.T; t++) {
      const r = TI * t;
      const drained = ti[r + I_XFER] && tf[TF * t + F_BYTES] > 0 ? ti[r + I_NEXT] - (this.sending(t) ? 1 : 0) : 0;
      taskEvents += ti[r + I_NEXT] + drained + ti[r + I_FIN];
    }
    const events = this.recomputes + taskEvents;
    return {
      version: RESULT_VERSION,
      engine: 'flow',
      scenario: this.opts.name ?? 'scenario',
      seed: this.opts.seed,
      simulatedPs: T,
      completed: this.doneTasks === this.T,
      flows,
      ...(this.program.ops.length > 0 ? { ops, iterations } : {}),
      links,
      traffic: {
        eastWestBytes: eastWest,
        northSouthBytes: northSouth,
        eastWestShare: eastWest + northSouth > 0 ? eastWest / (eastWest + northSouth) : 0,
      },
      counters: { ...zeroCounters(), deliveredBytes: this.deliveredBytes },
      ports: [],
      invariants: this.invariants(),
      stats: {
        events,
        wallMs: Math.round(wallMs),
        eventsPerSec: wallMs > 0 ? Math.round(events / (wallMs / 1000)) : 0,
        peakRssMB: Math.round(peakRss / 1e6),
      },
    };
  }

  /** Each invariant is counted on its own, not derived from the others. */
  private invariants(): InvariantCheck[] {
    const { ti, tf } = this;
    // In flight: repetitions started and not delivered yet (still sending, or drained and on the wire).
    let inFlight = 0;
    let unfinished = 0;
    for (let t = 0; t < this.T; t++) {
      const r = TI * t;
      if (ti[r + I_XFER]) inFlight += tf[TF * t + F_BYTES] * (ti[r + I_NEXT] - ti[r + I_FIN]);
      if (ti[r + I_FIN] < ti[r + I_REPEAT]) unfinished++;
    }
    const balance = this.injectedBytes - this.deliveredBytes - inFlight;
    return [
      {
        name: 'bytes conserved',
        ok: Math.abs(balance) <= 1e-9 * Math.max(1, this.injectedBytes),
        detail: `injected ${this.injectedBytes} = delivered ${this.deliveredBytes} + in flight ${inFlight}`,
      },
      {
        name: 'no link above its capacity',
        ok: this.maxLoad <= 1 + CAP_SLACK,
        detail: `highest load over every rate recomputation: ${this.maxLoad} of capacity`,
      },
      {
        name: 'time never runs backwards',
        ok: this.timeBackwards === 0,
        detail: `${this.timeBackwards} events earlier than the clock`,
      },
      {
        name: 'every task completed',
        ok: unfinished === 0,
        detail: `${this.T - unfinished} of ${this.T} tasks finished by t=${this.now} ps`,
      },
    ];
  }
}
