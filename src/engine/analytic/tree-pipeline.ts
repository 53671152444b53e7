// NCCL's double binary tree (workload/training/collectives.ts doubleBinaryTree) as the flow engine runs it, for
// the analytic engine: each tree edge is a task of `chunks` repetitions, up (child to parent, the reduce) and
// down (parent to child, the broadcast), both trees at once. Repetition c of a task starts when its previous
// repetition has left the sender (a QP sends its chunks in order) and chunk c has arrived from every task it
// waits for (lag-0 step deps: up from r waits for the ups of r's children; down to r for the down to r's
// parent, or at the root's children for the ups into the root). An edge between ranks of one server is an
// intra-server copy: a delay of `copyS` that holds nothing. An edge between servers is a fluid stream on the
// sender's NIC uplink and the receiver's NIC downlink at its max-min fair share of the two (progressive filling,
// as the flow engine's core/maxmin.ts), and arrives `alphaS` after its last byte left.
//
// Why a simulation and not a max-plus recurrence: fair sharing is not serialisation. Two children sending to one
// parent at once both finish at 2 chunk times (serialised, one would arrive at 1 and move on), and a NIC's uplink
// carries up-chunks of one tree and down-chunks of both at rates set by other NICs' downlinks, so when a chunk
// leaves depends on every stream it shares a link with. The closed form this replaces (the many-chunk pipeline
// clamped to the first chunk's trip) was 0.84-1.50x off the flow engine with 2 to 8 chunks (3 ranks, 2 chunks:
// 1.50). The fluid system is small (4 (p - 1) tasks, 2p links): an event loop over arrays whose shares are solved
// again only around what changed (TreeRun.solve), every chunk up to a budget of ranks x chunks
// (simulatedChunks), a period per chunk beyond.
//
// Left out: the fabric beyond the NICs (no ECMP collision, as the analytic engine's hose bound everywhere),
// NICs of different rates, per-packet effects. Exact on a non-blocking fabric without ECMP choices.
import { doubleTreeParents } from '../../workload/training/collectives.ts';
import { BinaryHeapQueue } from '../core/heap2.ts';

/** One double binary tree over p ranks, as the analytic engine costs it. */
export interface TreePipeline {
  p: number;
  /** Chunks per tree per channel (the schedule's repetitions of each task). */
  chunks: number;
  /** Server of each rank index: an edge inside a server is a copy. Omitted: one rank per server. */
  server?: ArrayLike<number>;
  /** One chunk at a NIC's full rate (s). */
  netS: number;
  /** One intra-server copy of a chunk, latency included (s). */
  copyS: number;
  /** A fabric path's latency (s): a chunk arrives this long after its last byte left. */
  alphaS: number;
  /**
   * The latency (s) of each tree edge between servers, by tree t and child rank r at t x p + r (both ways:
   * fabric paths are symmetric). Omitted: alphaS on every edge.
   */
  edgeS?: Float64Array;
  /**
   * nvls-tree (workload/training/nvls-tree.ts): the NVLS phase (s) inside each rank's NVLink domain. Chunk c of a
   * rank's slice is reduced there at (c + 1) x phaseS (back to back, waiting for nothing) before it may go up,
   * and all-gathered in one more phase, chunk after chunk, once both trees brought it back. Omitted: none.
   */
  phaseS?: number;
  /**
   * nvls-tree's credit window (nvls-tree.ts windowDeps, NCCL_STEPS): chunk c of an up waits until the parent has
   * passed chunk c - window on (its own up, or at the root its downs), of a down until the rank has passed chunk
   * c - window down to its children. Omitted: none.
   */
  window?: number;
}

/** The tasks of both trees and who waits for whom (lag-0 step deps, as the schedule compiles them). */
interface TreeTasks {
  n: number;
  src: Int32Array;
  dst: Int32Array;
  /** 1: a copy inside a server (a delay), 0: a stream on two NIC links; 2: a root's unused id. */
  kind: Uint8Array;
  /** The tree edge (t x p + child rank) of each task. */
  edge: Int32Array;
  /** 1: waits for its sender's own chunk (nvls-tree's reduce-scatter): ups, and downs to the root's children. */
  gated: Uint8Array;
  /** CSR by rank of the tasks whose arrival completes its chunk (downs to it; at a root, its children's ups). */
  resultStart: Int32Array;
  results: Int32Array;
  /** CSR of the tasks each task waits for, and of the tasks that wait for each. */
  depStart: Int32Array;
  deps: Int32Array;
  /** CSR of the tasks whose chunk c - window each task waits for (empty without a window). */
  winStart: Int32Array;
  wins: Int32Array;
  outStart: Int32Array;
  outs: Int32Array;
  /** CSR of the streams on each NIC link (uplink r, downlink p + r). */
  linkStart: Int32Array;
  linkTasks: Int32Array;
}

/** A link within this share of its capacity is saturated (the bottleneck test, as flow/rates.ts SAT_SLACK). */
const SAT_SLACK = 1e-9;
/** Local solves of one region before it is closed to its whole group (as flow/rates.ts MAX_REGION_PASSES). */
const MAX_REGION_PASSES = 4;

const STREAM = 0;
const COPY = 1;
const NONE = 2;

function csr(lists: number[][]): [Int32Array, Int32Array] {
  const start = new Int32Array(lists.length + 1);
  for (let i = 0; i < lists.length; i++) start[i + 1] = start[i] + lists[i].length;
  const all = new Int32Array(start[lists.length]);
  for (let i = 0; i < lists.length; i++) all.set(lists[i], start[i]);
  return [start, all];
}

function treeTasks(p: number, server: ArrayLike<number> | undefined, window: boolean): TreeTasks {
  const src: number[] = [];
  const dst: number[] = [];
  const edge: number[] = [];
  const gated: number[] = [];
  const depLists: number[][] = [];
  const winLists: number[][] = [];
  const resultLists: number[][] = Array.from({ length: p }, () => []);
  for (const [tree, parent] of doubleTreeParents(p).entries()) {
    const base = src.length;
    const children: number[][] = Array.from({ length: p }, () => []);
    let root = -1;
    for (let r = 0; r < p; r++) {
      if (parent[r] < 0) root = r;
      else children[parent[r]].push(r);
    }
    // Task ids: base + r for up from r, base + p + r for down to r (the root's two ids stay unused, no deps).
    for (let r = 0; r < 2 * p; r++) edge.push(tree * p + (r % p));
    for (let r = 0; r < p; r++) {
      src.push(r);
      dst.push(parent[r] < 0 ? r : parent[r]);
      gated.push(parent[r] < 0 ? 0 : 1);
      depLists.push(parent[r] < 0 ? [] : children[r].map((ch) => base + ch));
      // Up from r: passed on by its parent's up, or at the root by its downs.
      const parentPasses =
        parent[r] < 0 ? [] : parent[r] === root ? children[root].map((ch) => base + p + ch) : [base + parent[r]];
      winLists.push(window ? parentPasses : []);
      resultLists[r].push(...(parent[r] < 0 ? children[r].map((ch) => base + ch) : [base + p + r]));
    }
    for (let r = 0; r < p; r++) {
      src.push(parent[r] < 0 ? r : parent[r]);
      dst.push(r);
      gated.push(parent[r] === root ? 1 : 0);
      if (parent[r] < 0) depLists.push([]);
      else if (parent[r] === root) depLists.push(children[root].map((ch) => base + ch));
      else depLists.push([base + p + parent[r]]);
      // Down to r: passed on by r's downs to its children (a leaf's all-gather frees its slot at once).
      winLists.push(window && parent[r] >= 0 ? children[r].map((ch) => base + p + ch) : []);
    }
  }
  const n = src.length;
  const on = (r: number) => (server ? server[r] : r);
  const kind = Uint8Array.from(src, (s, i) => (s === dst[i] ? NONE : on(s) === on(dst[i]) ? COPY : STREAM));
  const outLists: number[][] = Array.from({ length: n }, () => []);
  depLists.forEach((ds, i) => {
    for (const d of ds) outLists[d].push(i);
  });
  winLists.forEach((ds, i) => {
    for (const d of ds) outLists[d].push(i);
  });
  const onLink: number[][] = Array.from({ length: 2 * p }, () => []);
  for (let i = 0; i < n; i++)
    if (kind[i] === STREAM) {
      onLink[src[i]].push(i);
      onLink[p + dst[i]].push(i);
    }
  const [depStart, deps] = csr(depLists);
  const [winStart, wins] = csr(winLists);
  const [outStart, outs] = csr(outLists);
  const [linkStart, linkTasks] = csr(onLink);
  const [resultStart, results] = csr(resultLists);
  return {
    n,
    src: Int32Array.from(src),
    dst: Int32Array.from(dst),
    kind,
    edge: Int32Array.from(edge),
    gated: Uint8Array.from(gated),
    resultStart,
    results,
    depStart,
    deps,
    winStart,
    wins,
    outStart,
    outs,
    linkStart,
    linkTasks,
  };
}

/** The run's state: per task, repetitions started and arrived, and the one in progress. */
class TreeRun {
  readonly started: Int32Array;
  readonly arrived: Int32Array;
  /** When each task's chunk c arrived, at i x chunks + c (nvls-tree's all-gathers read it). */
  readonly arrivedAt: Float64Array;
  /** Stream: work left in NIC-seconds at full rate as of `since`; copy: its end time. */
  readonly left: Float64Array;
  readonly since: Float64Array;
  readonly rate: Float64Array;
  /** 1 while a task is sending or copying, else -1 (nothing scans the busy tasks: their ends are in `ends`). */
  readonly slot: Int32Array;
  /**
   * Ends of the streams and copies in progress by time (task in `a`, its stamp in `b`): a stream whose share
   * changed is pushed again with a new stamp, and its older entries are dropped when they come up.
   */
  readonly ends = new BinaryHeapQueue(64);
  readonly stamp: Int32Array;
  /** Arrivals in flight by time (task in `a`): at thousands of ranks thousands are in flight at once. */
  readonly arrivals = new BinaryHeapQueue(64);
  /** Tasks to look at for a start: their input or their own send just ended. */
  readonly check: Int32Array;
  readonly checking: Uint8Array;
  nCheck = 0;
  /** NIC links whose streams changed since the last solve (a stream started or ended on them). */
  readonly touched: Int32Array;
  readonly marked: Uint8Array;
  nTouched = 0;
  // Max-min scratch: the region's streams and their new shares; per link, capacity left and unfrozen streams;
  // the region's links.
  readonly region: Int32Array;
  readonly inRegion: Uint8Array;
  nRegion = 0;
  readonly newRate: Float64Array;
  readonly frozen: Uint8Array;
  readonly cap: Float64Array;
  readonly count: Int32Array;
  readonly links: Int32Array;
  readonly inLinks: Uint8Array;
  nLinks = 0;
  readonly liveLinks: Int32Array;
  /** Per link of the region, its load and largest share at the new shares (holds). */
  readonly linkLoad: Float64Array;
  readonly linkMost: Float64Array;
  readonly linkStart: Int32Array;
  readonly linkTasks: Int32Array;
  /** loadOf's answer: a link's load and largest share. */
  load = 0;
  most = 0;
  now = 0;
  end = 0;

  constructor(
    readonly t: TreeTasks,
    readonly x: TreePipeline,
  ) {
    this.started = new Int32Array(t.n);
    this.arrived = new Int32Array(t.n);
    this.arrivedAt = new Float64Array(x.phaseS ? t.n * x.chunks : 0);
    this.left = new Float64Array(t.n);
    this.since = new Float64Array(t.n);
    this.rate = new Float64Array(t.n);
    this.slot = new Int32Array(t.n).fill(-1);
    this.stamp = new Int32Array(t.n);
    this.check = new Int32Array(t.n);
    this.checking = new Uint8Array(t.n);
    this.touched = new Int32Array(2 * x.p);
    this.marked = new Uint8Array(2 * x.p);
    this.cap = new Float64Array(2 * x.p);
    this.count = new Int32Array(2 * x.p);
    this.region = new Int32Array(t.n);
    this.inRegion = new Uint8Array(t.n);
    this.newRate = new Float64Array(t.n);
    this.frozen = new Uint8Array(t.n);
    this.links = new Int32Array(2 * x.p);
    this.inLinks = new Uint8Array(2 * x.p);
    this.liveLinks = new Int32Array(2 * x.p);
    this.linkLoad = new Float64Array(2 * x.p);
    this.linkMost = new Float64Array(2 * x.p);
    this.linkStart = t.linkStart;
    this.linkTasks = t.linkTasks;
    for (let i = 0; i < t.n; i++) this.look(i);
  }

  look(i: number): void {
    if (this.checking[i] || this.t.kind[i] === NONE) return;
    this.checking[i] = 1;
    this.check[this.nCheck++] = i;
  }

  /** Marks a stream's two NIC links for the next solve. */
  touch(i: number): void {
    const up = this.t.src[i];
    const down = this.x.p + this.t.dst[i];
    if (!this.marked[up]) {
      this.marked[up] = 1;
      this.touched[this.nTouched++] = up;
    }
    if (!this.marked[down]) {
      this.marked[down] = 1;
      this.touched[this.nTouched++] = down;
    }
  }

  /** Has task i repetitions left whose inputs have arrived, and is it idle? */
  ready(i: number): boolean {
    const t = this.t;
    const c = this.started[i];
    if (this.slot[i] >= 0 || c >= this.x.chunks) return false;
    const phase = this.x.phaseS ?? 0;
    if (phase > 0 && t.gated[i] && this.now < (c + 1) * phase * (1 - 1e-12)) return false;
    for (let k = t.depStart[i]; k < t.depStart[i + 1]; k++) if (this.arrived[t.deps[k]] <= c) return false;
    const w = c - (this.x.window ?? 0);
    if (w >= 0) for (let k = t.winStart[i]; k < t.winStart[i + 1]; k++) if (this.arrived[t.wins[k]] <= w) return false;
    return true;
  }

  /** Starts every repetition that may start now (a stream's share is set by the next solve). */
  startReady(): void {
    for (let k = 0; k < this.nCheck; k++) {
      const i = this.check[k];
      this.checking[i] = 0;
      if (!this.ready(i)) continue;
      this.started[i]++;
      this.slot[i] = 1;
      if (this.t.kind[i] === COPY) {
        this.left[i] = this.now + this.x.copyS;
        this.ends.push(this.left[i], 0, i, ++this.stamp[i]);
      } else {
        this.left[i] = this.x.netS;
        this.since[i] = this.now;
        this.rate[i] = 0;
        this.touch(i);
      }
    }
    this.nCheck = 0;
  }

  idle(i: number): void {
    this.slot[i] = -1;
    this.look(i);
  }

  /** Adds an active stream to the solve's region, its progress at its old share counted up to now. */
  private join(i: number): void {
    if (this.inRegion[i] || this.slot[i] < 0) return;
    this.inRegion[i] = 1;
    this.region[this.nRegion++] = i;
    // Until the region's next filling it holds its share (the bottleneck tests read it).
    this.newRate[i] = this.rate[i];
    this.left[i] -= this.rate[i] * (this.now - this.since[i]);
    this.since[i] = this.now;
  }

  /**
   * Max-min fair rates after streams started or ended, solved locally as the flow engine does
   * (flow/rates.ts recompute): the region starts as the streams on the links where something changed, is
   * solved with the streams outside it held at their shares, and grows until every stream around it still has a
   * bottleneck (regionHolds); after MAX_REGION_PASSES it is closed to its whole connected group of streams
   * (max-min fairness splits exactly into such groups). In full flow at thousands of ranks every stream is in
   * one group, so solving it whole at every event cost O(p) an event.
   */
  solve(): void {
    const { touched, marked, region, linkTasks, linkStart } = this;
    this.nRegion = 0;
    for (let k = 0; k < this.nTouched; k++) {
      const l = touched[k];
      marked[l] = 0;
      for (let j = linkStart[l]; j < linkStart[l + 1]; j++) this.join(linkTasks[j]);
    }
    this.nTouched = 0;
    for (let pass = 1; ; pass++) {
      if (pass === MAX_REGION_PASSES)
        for (let k = 0; k < 2 * this.nRegion; k++) {
          const i = region[k >> 1];
          const l = k & 1 ? this.x.p + this.t.dst[i] : this.t.src[i];
          for (let j = linkStart[l]; j < linkStart[l + 1]; j++) this.join(linkTasks[j]);
        }
      if (this.fill() || this.holds()) break;
    }
    const { rate, newRate, inRegion } = this;
    for (let k = 0; k < this.nRegion; k++) {
      const i = region[k];
      inRegion[i] = 0;
      if (rate[i] === newRate[i]) continue;
      rate[i] = newRate[i];
      this.stamp[i]++;
      if (rate[i] > 0) this.ends.push(this.now + this.left[i] / rate[i], 0, i, this.stamp[i]);
    }
    for (let k = 0; k < this.nLinks; k++) this.inLinks[this.links[k]] = 0;
    this.nLinks = 0;
  }

  /**
   * Progressive filling of the region's streams over its links (capacity 1 less the shares of the streams
   * outside), into newRate: each round every link at the least fair share saturates, its open streams take that
   * share, and the others' links lose it; rounds are the distinct rates (a handful: 1, 1/2, 1/3, 2/3...). True if
   * no stream outside shares a link with the region (nothing to check). Why not the engines' solver
   * (core/maxmin.ts), tried for issue 12: the same time to the bit at 2,048 ranks x 64 chunks, but 23-37% more CPU
   * for the whole run (1.27 s against 1.56 s, medians of 5 interleaved pairs, load 12), also with the region split
   * into its connected pieces: its heap costs a log factor on every freeze, (streams + links) log links a solve,
   * where these regions (15,102 solves of 129 streams on average) hold a handful of distinct shares and a round
   * is one pass over the links.
   */
  private fill(): boolean {
    const { cap, count, frozen, newRate, links, inLinks, inRegion, region, rate, slot } = this;
    const { src, dst, linkStart, linkTasks } = this.t;
    const p = this.x.p;
    for (let k = 0; k < this.nLinks; k++) inLinks[links[k]] = 0;
    let nLinks = 0;
    for (let k = 0; k < this.nRegion; k++) {
      const i = region[k];
      frozen[i] = 0;
      const up = src[i];
      const down = p + dst[i];
      if (!inLinks[up]) {
        inLinks[up] = 1;
        links[nLinks++] = up;
        count[up] = 0;
      }
      if (!inLinks[down]) {
        inLinks[down] = 1;
        links[nLinks++] = down;
        count[down] = 0;
      }
      count[up]++;
      count[down]++;
    }
    this.nLinks = nLinks;
    let closed = true;
    for (let k = 0; k < nLinks; k++) {
      const l = links[k];
      let c = 1;
      for (let j = linkStart[l]; j < linkStart[l + 1]; j++) {
        const i = linkTasks[j];
        if (slot[i] < 0 || inRegion[i]) continue;
        c -= rate[i];
        closed = false;
      }
      cap[l] = Math.max(c, 0);
    }
    // The rounds run on a copy of the links' list (saturated links leave it).
    const live = this.liveLinks;
    live.set(links.subarray(0, nLinks));
    let nLive = nLinks;
    let open = this.nRegion;
    while (open > 0) {
      let least = Number.POSITIVE_INFINITY;
      for (let k = 0; k < nLive; k++) {
        const l = live[k];
        if (count[l] === 0) {
          live[k--] = live[--nLive];
          continue;
        }
        least = Math.min(least, cap[l] / count[l]);
      }
      // Links within rounding of the least share saturate with it.
      const cut = least * (1 + 1e-12);
      for (let k = 0; k < nLive; k++) {
        const l = live[k];
        if (count[l] === 0 || cap[l] / count[l] > cut) continue;
        for (let j = linkStart[l]; j < linkStart[l + 1]; j++) {
          const i = linkTasks[j];
          if (!inRegion[i] || frozen[i]) continue;
          frozen[i] = 1;
          newRate[i] = least;
          open--;
          cap[src[i]] -= least;
          count[src[i]]--;
          cap[p + dst[i]] -= least;
          count[p + dst[i]]--;
        }
      }
    }
    return closed;
  }

  /** A stream's share: the region's new one, or the one it holds. */
  private share(i: number): number {
    return this.inRegion[i] ? this.newRate[i] : this.rate[i];
  }

  /** A link's load and largest share at the region's new shares, into `load` and `most`. */
  private loadOf(l: number): void {
    if (this.inLinks[l]) {
      this.load = this.linkLoad[l];
      this.most = this.linkMost[l];
      return;
    }
    let load = 0;
    let most = 0;
    for (let j = this.t.linkStart[l]; j < this.t.linkStart[l + 1]; j++) {
      const i = this.t.linkTasks[j];
      if (this.slot[i] < 0) continue;
      const r = this.share(i);
      load += r;
      if (r > most) most = r;
    }
    this.load = load;
    this.most = most;
  }

  /** Has the stream a saturated link on which no stream gets more (Bertsekas and Gallager 6.5.2)? */
  private hasBottleneck(i: number): boolean {
    const r = this.share(i);
    this.loadOf(this.t.src[i]);
    if (this.load >= 1 - SAT_SLACK && r >= this.most * (1 - SAT_SLACK)) return true;
    this.loadOf(this.x.p + this.t.dst[i]);
    return this.load >= 1 - SAT_SLACK && r >= this.most * (1 - SAT_SLACK);
  }

  /**
   * Max-min fairness holds iff every stream has a bottleneck (Bertsekas and Gallager 6.5.2). Streams away from
   * the region's links keep theirs; this checks the streams on them with the region's new shares and adds to the
   * region each one that lost its bottleneck, and each outside stream that gets more than a region stream on that
   * stream's saturated links (flow/rates.ts regionHolds). True if none was added.
   */
  private holds(): boolean {
    const { links, region, inRegion, slot, rate, newRate } = this;
    const { src, dst, linkStart, linkTasks } = this.t;
    const p = this.x.p;
    const n0 = this.nRegion;
    // The region's links' loads and largest shares, once (inLinks marks them for loadOf).
    for (let k = 0; k < this.nLinks; k++) {
      const l = links[k];
      this.inLinks[l] = 0;
      this.loadOf(l);
      this.linkLoad[l] = this.load;
      this.linkMost[l] = this.most;
      this.inLinks[l] = 1;
    }
    for (let k = 0; k < this.nLinks; k++) {
      const l = links[k];
      for (let j = linkStart[l]; j < linkStart[l + 1]; j++) {
        const i = linkTasks[j];
        if (slot[i] < 0 || inRegion[i]) continue;
        if (!this.hasBottleneck(i)) this.join(i);
      }
    }
    for (let k = 0; k < n0; k++) {
      const f = region[k];
      if (this.hasBottleneck(f)) continue;
      for (let side = 0; side < 2; side++) {
        const l = side === 0 ? src[f] : p + dst[f];
        this.loadOf(l);
        if (this.load < 1 - SAT_SLACK) continue;
        for (let j = linkStart[l]; j < linkStart[l + 1]; j++) {
          const i = linkTasks[j];
          if (slot[i] >= 0 && !inRegion[i] && rate[i] > newRate[f]) this.join(i);
        }
      }
    }
    return this.nRegion === n0;
  }

  /** Drops the ends of streams whose share has changed since (an older stamp). */
  private nextEnd(): number {
    const q = this.ends;
    while (q.size > 0 && q.peekB() !== this.stamp[q.peekA()]) q.pop();
    return q.peekTime();
  }

  /** The next event's time: a stream's last byte leaves, a copy ends or a chunk arrives. */
  next(): number {
    let at = Math.min(this.nextEnd(), this.arrivals.peekTime());
    // nvls-tree: the next chunk reduced inside the domains.
    const phase = this.x.phaseS ?? 0;
    if (phase > 0) {
      const m = Math.floor((this.now / phase) * (1 + 1e-12)) + 1;
      if (m <= this.x.chunks) at = Math.min(at, m * phase);
    }
    return at;
  }

  /** Moves the clock to `at` and handles what happens then. */
  advance(at: number): void {
    const { t, x } = this;
    this.now = at;
    // Whatever ends within a femtosecond of `at` ends at `at` (sums of shares carry rounding).
    const eps = 1e-15 + 1e-12 * x.netS;
    const q = this.ends;
    while (this.nextEnd() <= at + eps) {
      q.pop();
      const i = q.a;
      this.idle(i);
      if (t.kind[i] === COPY) {
        this.arrive(i, at);
        continue;
      }
      this.touch(i);
      this.arrivals.push(at + (x.edgeS ? x.edgeS[t.edge[i]] : x.alphaS), 0, i, 0);
    }
    const phase = x.phaseS ?? 0;
    if (phase > 0 && Math.abs(at / phase - Math.round(at / phase)) < 1e-9)
      for (let i = 0; i < t.n; i++) if (t.gated[i]) this.look(i);
    const r = this.arrivals;
    while (r.peekTime() <= at + eps) {
      r.pop();
      this.arrive(r.a, r.t);
    }
  }

  /** nvls-tree: each rank all-gathers chunk after chunk once it is back (and its own slice was reduced). */
  allGatherEnd(): number {
    const { t, x } = this;
    const phase = x.phaseS ?? 0;
    let end = 0;
    for (let r = 0; r < x.p; r++) {
      let ag = 0;
      for (let c = 0; c < x.chunks; c++) {
        let back = (c + 1) * phase;
        for (let k = t.resultStart[r]; k < t.resultStart[r + 1]; k++)
          back = Math.max(back, this.arrivedAt[t.results[k] * x.chunks + c]);
        ag = Math.max(ag, back) + phase;
      }
      end = Math.max(end, ag);
    }
    return end;
  }

  arrive(i: number, at: number): void {
    if (this.arrivedAt.length > 0) this.arrivedAt[i * this.x.chunks + this.arrived[i]] = at;
    this.arrived[i]++;
    this.end = Math.max(this.end, at);
    for (let k = this.t.outStart[i]; k < this.t.outStart[i + 1]; k++) this.look(this.t.outs[k]);
  }
}

/**
 * Chunks simulated at most: every chunk while ranks x chunks stays within this budget (2,048 ranks x 64 chunks,
 * 1,024 x 128, 64 x 2,048), and at least 8; each further chunk adds one period (the busiest resource's work per
 * chunk index: its NIC link's streams x netS, or one copy). Simulated whole, the run is the flow engine's to the
 * picosecond (contract-trees.test.ts, issue 14). The period alone is not exact while a deep tree's pipeline still
 * fills (latency-bound chunks, measured at 8,192 ranks with 64 KiB chunks against whole runs: 16 of 32 chunks
 * +0.34%, 16 of 64 -2.6%; 8 of 16 at 2,048 ranks was +6.2%). Cost: a whole run at the budget takes about 1.3 s
 * (2,048 ranks, 64 chunks of 64 KiB; docs/simulate.md), as the flow engine's own run.
 */
export const TREE_SIM_BUDGET = 131072;

/** Chunks of the run simulated (see TREE_SIM_BUDGET). */
export function simulatedChunks(p: number, chunks: number): number {
  return Math.min(chunks, Math.max(8, Math.floor(TREE_SIM_BUDGET / p)));
}

/**
 * Most ranks simulated; beyond, the caller's many-chunk closed form. At full rank count the run is 8 chunks past
 * the budget (TREE_SIM_BUDGET): measured 0.3 s CPU at 2,048 ranks, 0.75 s at 8,192 and 2.3 s at 32,768 (load 11 to
 * 19 on 2 cores; docs/simulate.md), once per op shape (memo).
 */
export const TREE_SIM_RANKS = 32768;

/** The period of the pipeline in full flow (s): the busiest NIC link's streams per chunk index, or one copy. */
function periodS(t: TreeTasks, x: TreePipeline): number {
  let most = 0;
  for (let l = 0; l < 2 * x.p; l++) most = Math.max(most, t.linkStart[l + 1] - t.linkStart[l]);
  let copies = false;
  for (let i = 0; i < t.n; i++) if (t.kind[i] === COPY) copies = true;
  // A credit window of w chunks turns over once per round trip (the chunk out, the next rank's onward chunk back).
  let slowest = x.alphaS;
  if (x.edgeS) for (const s of x.edgeS) slowest = Math.max(slowest, s);
  const windowS = x.window ? (2 * (slowest + x.netS)) / x.window : 0;
  return Math.max(most * x.netS, copies ? x.copyS : 0, x.phaseS ?? 0, windowS);
}

/** Times already simulated, by their input (the analytic engine costs each op shape once a run; sweeps repeat). */
const memo = new Map<string, number>();

/**
 * The schedule's time (s) from its start to its last chunk's arrival: simulated up to simulatedChunks, one period
 * per chunk beyond. Up to TREE_SIM_RANKS ranks.
 */
export function treePipelineS(x: TreePipeline): number {
  if (x.p < 2 || x.chunks < 1) return 0;
  if (x.p > TREE_SIM_RANKS) throw new Error(`internal: tree pipeline of ${x.p} ranks (at most ${TREE_SIM_RANKS})`);
  const key = [x.p, x.chunks, x.netS, x.copyS, x.alphaS, x.phaseS ?? 0, x.window ?? 0, x.server ?? '', x.edgeS ?? ''];
  const known = memo.get(key.join('|'));
  if (known !== undefined) return known;
  const tasks = treeTasks(x.p, x.server, (x.window ?? 0) > 0);
  const simulated = simulatedChunks(x.p, x.chunks);
  const run = new TreeRun(tasks, { ...x, chunks: simulated });
  run.startReady();
  run.solve();
  for (;;) {
    const at = run.next();
    if (!Number.isFinite(at)) break;
    run.advance(at);
    run.startReady();
    if (run.nTouched > 0) run.solve();
  }
  const end = x.phaseS ? run.allGatherEnd() : run.end;
  const time = end + (x.chunks - simulated) * periodS(tasks, x);
  if (memo.size >= 1024) memo.clear();
  memo.set(key.join('|'), time);
  return time;
}
