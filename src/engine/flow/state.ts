// The flow engine's state (FlowSim): topology, task records, dependency lists, link lists, the batch's change lists,
// the item groups of the queue and the counters, all in typed arrays, with the run's options, built from the fabric
// and the traffic program. Left out: what happens to it, in the files named in engine.ts.
import { type Fabric, hasNic } from '../../fabric/types.ts';
import type { TrafficProgram } from '../../workload/program.ts';
import { CalendarQueue } from '../core/calendar.ts';
import { flowHashes } from '../core/ecmp.ts';
import { MaxMinSolver } from '../core/maxmin.ts';
import type { NetworkConfig } from '../core/network.ts';
import { EcmpGroups, RouteView } from '../core/route-view.ts';
import { buildTaskGraph } from '../core/task-graph.ts';
import * as layout from './layout.ts';
import { RegionCache } from './region-cache.ts';
import { type LinkSeriesOptions, SeriesRecorder } from './series.ts';

// The layout's offsets and kinds (layout.ts) as module constants: one load each in the hot loops, where an
// imported binding costs a load and a check at every use (25% of the ring benchmark).
const {
  F_AUX,
  F_BYTES,
  GROUP_KINDS,
  I_DEPS,
  I_LAZY,
  I_OUT0,
  I_OUT1,
  I_REPEAT,
  I_STEP0,
  I_STEP1,
  I_XFER,
  L_HEAD,
  LZ_EXCL,
  OPEN_SLOTS,
  TF,
  TI,
} = layout;

export interface FlowRunOptions {
  seed: number;
  /** Stop after this much simulated time even if tasks are unfinished. */
  maxTimePs?: number;
  onProgress?: (doneTasks: number, totalTasks: number, nowPs: number) => void;
  name?: string;
  /**
   * Chain the repetitions of solo ring-like flows (see chain.ts) and run exclusive ring hops and delays in
   * the ring solver (ring.ts; default true). false runs every repetition as its own events, with the same
   * results: the differential tests compare the two.
   */
  chain?: boolean;
  /** Record per-link byte series (series.ts). */
  linkSeries?: LinkSeriesOptions;
  /** Filled in by the run when given (tests: the chain took part). */
  diagnostics?: FlowDiagnostics;
}

export interface FlowDiagnostics {
  /** Repetitions computed by a chain pass rather than started by an event. */
  chainedRepetitions: number;
  /** Repetitions computed by the ring solver's passes (ring.ts). */
  ringRepetitions?: number;
  /** Steps of a run of hops the ring solver took at once (ring.ts collapse). */
  ringCollapsed?: number;
}

/**
 * The state of one flow-engine run: every typed array and counter, laid out as layout.ts says. The engine's files
 * are functions over it (one idea each); the arrays are built here, the paths by buildPaths and the chain slots
 * by initChains.
 */
export class FlowSim {
  readonly f: Fabric;
  readonly program: TrafficProgram;
  readonly net: NetworkConfig;
  readonly opts: FlowRunOptions;
  readonly q = new CalendarQueue(256);
  now = 0;
  /** One per distinct event time processed (stamps "started in this batch"). */
  batch = 1;
  recomputes = 0;
  timeBackwards = 0;

  // Topology.
  readonly D: number;
  readonly isHost: Uint8Array;
  readonly linkA: Int32Array;
  readonly linkB: Int32Array;
  readonly capFull: Float64Array;
  /** Current capacity (0 while the link is down), payload bytes per ps. */
  readonly cap: Float64Array;
  /** Per hop of a path: one full frame serialized plus propagation. */
  readonly hopPs: Float64Array;
  readonly switchPs: Float64Array;
  readonly routing: Fabric['routing'];

  // Tasks: hot fields in records, the rest in plain arrays.
  readonly T: number;
  readonly ti: Int32Array;
  readonly tf: Float64Array;
  readonly stepDL: Int32Array;
  readonly stepOut: Int32Array;
  readonly depOutStart: Int32Array;
  readonly depOut: Int32Array;
  readonly startAt: Float64Array;
  readonly src: Int32Array;
  readonly dst: Int32Array;
  readonly hash: Uint32Array;
  readonly startArmed: Uint8Array;
  readonly firstStart: Float64Array;
  readonly endAt: Float64Array;
  readonly idealLatPs: Float64Array;
  readonly idealCap: Float64Array;
  readonly wRate: Float64Array;
  /** Solved closed regions by their flow set. */
  readonly cache: RegionCache;
  /** Routing epoch of each task's path. */
  readonly pathEpoch: Int32Array;
  readonly wakeArmed: Uint8Array;
  /** Solo flows (LZ_SOLO) are off while failures can change capacities and paths (as exclusive ones are). */
  readonly solos: boolean;
  /** Per-link byte series, when asked for (series.ts). */
  readonly series: SeriesRecorder | null;
  /** A solo repetition's arrival item, and the F_LASTFIN and F_PBYTES it had before (to undo if it ends early). */
  readonly soloItem: Int32Array;
  readonly soloLastFin: Float64Array;
  readonly soloPBytes: Float64Array;
  doneTasks = 0;
  /**
   * Chained repetitions. chainable[x]: x has a single stepDep p (lag 1), a transfer whose only stepOut is x,
   * so x's repetition r + 1 starts at max(x's repetition r sent, p's repetition r arrived) unless a flow joins
   * x's links. chainNext[x]: x's only stepOut if that one is chainable, else -1.
   */
  readonly chainable: Uint8Array;
  readonly chainNext: Int32Array;
  readonly chainPrev: Int32Array;
  /** Slots of the chainable tasks (chain.ts), or empty with the chain off; built by initChains. */
  ch: Float64Array = new Float64Array(0);
  /** A chainable task's slot offset in ch (CS x its rank among chainable tasks), else -1. */
  readonly chainAt: Int32Array;
  chainedReps = 0;
  ringReps = 0;
  ringCollapsed = 0;
  /** A ring hop's slot in rf, ri (two views of one buffer) and rc (ring.ts), else -1; built by initRing. */
  readonly ringAt: Int32Array;
  rf: Float64Array = new Float64Array(0);
  ri: Int32Array = new Int32Array(0);
  rc: Int32Array = new Int32Array(0);
  /** Queued arrivals a ring hop keeps to hand on early (times and items), and a pass's arrivals in flight. */
  rPendT: Float64Array = new Float64Array(0);
  rPendIt: Int32Array = new Int32Array(0);
  rBuf: Float64Array = new Float64Array(0);
  /** No repetition starting after this is computed ahead by the ring solver (maxTimePs). */
  ringMaxT = Number.POSITIVE_INFINITY;

  // Paths and links.
  /** Path slots of every transfer (see S_*), built by buildPaths (paths.ts). */
  sl: Int32Array = new Int32Array(0);
  readonly li: Int32Array;
  readonly linkBytes: Float64Array;
  readonly wRem: Float64Array;
  maxLoad = 0;

  // Per batch: flows that started alone on their links, flows that started (or moved) onto shared links, and
  // links a flow left while others stay on them.
  readonly singles: Int32Array;
  nSingles = 0;
  readonly shared: Int32Array;
  nShared = 0;
  readonly seedLinks: Int32Array;
  nSeedLinks = 0;
  visitEpoch = 0;
  /** Stamps of the local solve's passes (link marks, pieces, flows checked). */
  passEpoch = 0;
  nR = 0;
  readonly checked: Int32Array;
  readonly pieceMark: Int32Array;
  readonly pieceFlows: Int32Array;
  readonly pieceLinkMark: Int32Array;
  readonly vLoad: Float64Array;
  readonly vMax: Float64Array;
  // The region being solved (its flows and links) and the max-min solver.
  readonly compFlows: Int32Array;
  readonly compLinks: Int32Array;
  readonly maxmin: MaxMinSolver;
  /**
   * Traffic classes (workload/classes.ts) when they differ: each task's priority level and weight for the
   * solver, and regions are then solved as whole components (the local optimality test is the unweighted one).
   */
  readonly classed: boolean;
  readonly tLevel: Int32Array;
  readonly tWeight: Float64Array;

  // Groups of items (task, version) sharing one queue event: pooled singly linked lists.
  /** Items as records of 4: task, version, next item, unused. */
  items = new Int32Array(4 * 1024);
  itFree = -1;
  itUsed = 0;
  grHead = new Int32Array(256);
  grTail = new Int32Array(256);
  grFree = -1;
  grUsed = 0;
  /**
   * Per group kind, the last few groups opened and not yet popped, (time, group) in OPEN_SLOTS slots: items
   * due at one of those times join its group. More distinct times in flight than slots only means several
   * groups (queue events) at one time, which run in the same batch.
   */
  readonly openT = new Float64Array(GROUP_KINDS * OPEN_SLOTS).fill(-1);
  readonly openG = new Int32Array(GROUP_KINDS * OPEN_SLOTS);
  readonly openNext = new Int32Array(GROUP_KINDS);

  // Failures: the physical state is `cap`; the routing view follows after the detection delay.
  readonly view: RouteView;
  routeEpoch = 0;
  readonly tmpPath = new Int32Array(64);
  /** ECMP groups by (switch, destination) while paths are built. */
  readonly groups: EcmpGroups;

  // Byte accounting, each counted where it happens.
  injectedBytes = 0;
  deliveredBytes = 0;

  constructor(f: Fabric, program: TrafficProgram, net: NetworkConfig, opts: FlowRunOptions) {
    this.f = f;
    this.program = program;
    this.net = net;
    this.opts = opts;
    const N = f.nodes.length;
    const L = f.links.length;
    const D = 2 * L;
    this.D = D;
    this.routing = f.routing;
    this.isHost = new Uint8Array(N);
    this.switchPs = new Float64Array(N);
    for (const n of f.nodes) {
      this.isHost[n.id] = hasNic(n.role) ? 1 : 0;
      this.switchPs[n.id] = hasNic(n.role) || n.role === 'border' ? 0 : net.switchLatencyPs(n.id);
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
    const itemClass = program.itemClass;
    this.classed = !net.classesUniform && itemClass !== undefined;
    this.tLevel = new Int32Array(this.classed ? T : 0);
    this.tWeight = new Float64Array(this.classed ? T : 0);
    if (this.classed && itemClass)
      for (let i = 0; i < T; i++) {
        const name = itemClass[tasks[i].item];
        this.tLevel[i] = net.classLevel(name);
        this.tWeight[i] = net.classWeight(name);
      }
    this.series = opts.linkSeries ? new SeriesRecorder(f, opts.linkSeries) : null;
    this.soloItem = new Int32Array(T);
    this.soloLastFin = new Float64Array(T);
    this.soloPBytes = new Float64Array(T);
    this.chainable = new Uint8Array(T);
    this.chainNext = new Int32Array(T).fill(-1);
    this.chainPrev = new Int32Array(T).fill(-1);
    this.chainAt = new Int32Array(T).fill(-1);
    this.ringAt = new Int32Array(T).fill(-1);
    this.singles = new Int32Array(Math.max(16, T));
    this.shared = new Int32Array(Math.max(16, T));
    this.compFlows = new Int32Array(Math.max(16, T));
    // One seeded 5-tuple hash per QP, the packet engine's: both engines put a flow on the same path.
    this.hash = flowHashes(opts.seed, T);

    // The dependency graph is the core one the packet engine uses (engine/core/task-graph.ts); the flow engine
    // keeps its step lists in its task records and the [dep, lag] pairs side by side for locality.
    const g = buildTaskGraph(tasks);
    for (let i = 0; i < T; i++) {
      const t = tasks[i];
      if (t.id !== i) throw new Error(`internal: task ${i} has id ${t.id}`);
      const r = TI * i;
      ti[r + I_REPEAT] = t.repeat;
      ti[r + I_XFER] = t.kind === 'transfer' ? 1 : 0;
      ti[r + I_DEPS] = t.deps.length;
      ti[r + I_STEP0] = g.stepInStart[i];
      ti[r + I_STEP1] = g.stepInStart[i + 1];
      ti[r + I_OUT0] = g.stepOutStart[i];
      ti[r + I_OUT1] = g.stepOutStart[i + 1];
      tf[TF * i + F_BYTES] = t.kind === 'transfer' ? t.bytes : 0;
      // A delay is an exclusive task on no links (layout.ts, LZ_EXCL): done, "sent" and "arrived" alike, F_AUX ps
      // after its start, so it runs (and chains, chain.ts) as an exclusive transfer with no path latency does.
      if (t.kind === 'delay') {
        ti[r + I_LAZY] = LZ_EXCL;
        tf[TF * i + F_AUX] = Math.ceil(t.durationPs);
      }
      this.startAt[i] = Math.ceil(t.startPs);
      this.src[i] = t.src;
      this.dst[i] = t.dst;
    }
    this.depOutStart = g.depOutStart;
    this.depOut = g.depOut;
    this.stepOut = g.stepOut;
    this.stepDL = new Int32Array(2 * g.stepIn.length);
    for (let p = 0; p < g.stepIn.length; p++) {
      this.stepDL[2 * p] = g.stepIn[p];
      this.stepDL[2 * p + 1] = g.stepInLag[p];
    }
  }
}
