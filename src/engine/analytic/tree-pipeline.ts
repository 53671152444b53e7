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
// 1.50). The fluid system is small (4 (p - 1) tasks, 2p links): an event loop over arrays, O(tasks) an event,
// with a period per chunk past the first few (simulatedChunks), once the pipeline is in full flow.
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

const STREAM = 0;
const COPY = 1;
const NONE = 2;

function csr(lists: number[][]): [Int32Array, Int32Array] {
  const start = new Int32Array(lists.length + 1);
  for (let i = 0; i < lists.length; i++) start[i + 1] = start[i] + lists[i].length;
  return [start, Int32Array.from(lists.flat())];
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
  /** Stream: work left in NIC-seconds at full rate; copy: its end time. */
  readonly left: Float64Array;
  readonly rate: Float64Array;
  /** Tasks sending or copying now (unordered), and each one's place there (-1: idle). */
  readonly active: Int32Array;
  readonly slot: Int32Array;
  nActive = 0;
  /** Arrivals in flight by time (task in `a`): at thousands of ranks thousands are in flight at once. */
  readonly arrivals = new BinaryHeapQueue(64);
  /** Tasks to look at for a start: their input or their own send just ended. */
  readonly check: Int32Array;
  readonly checking: Uint8Array;
  nCheck = 0;
  // Max-min scratch: per link, capacity left and unfrozen streams; the links in use.
  readonly cap: Float64Array;
  readonly count: Int32Array;
  readonly frozen: Uint8Array;
  readonly links: Int32Array;
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
    this.rate = new Float64Array(t.n);
    this.active = new Int32Array(t.n);
    this.slot = new Int32Array(t.n).fill(-1);
    this.check = new Int32Array(t.n);
    this.checking = new Uint8Array(t.n);
    this.cap = new Float64Array(2 * x.p);
    this.count = new Int32Array(2 * x.p);
    this.frozen = new Uint8Array(t.n);
    this.links = new Int32Array(2 * x.p);
    for (let i = 0; i < t.n; i++) this.look(i);
  }

  look(i: number): void {
    if (this.checking[i] || this.t.kind[i] === NONE) return;
    this.checking[i] = 1;
    this.check[this.nCheck++] = i;
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

  /** Starts every repetition that may start now; true if a stream started (rates change). */
  startReady(): boolean {
    let streams = false;
    for (let k = 0; k < this.nCheck; k++) {
      const i = this.check[k];
      this.checking[i] = 0;
      if (!this.ready(i)) continue;
      this.started[i]++;
      this.slot[i] = this.nActive;
      this.active[this.nActive++] = i;
      if (this.t.kind[i] === COPY) this.left[i] = this.now + this.x.copyS;
      else {
        this.left[i] = this.x.netS;
        streams = true;
      }
    }
    this.nCheck = 0;
    return streams;
  }

  idle(i: number): void {
    const k = this.slot[i];
    const last = this.active[--this.nActive];
    this.active[k] = last;
    this.slot[last] = k;
    this.slot[i] = -1;
    this.look(i);
  }

  /**
   * Max-min fair rates of the streams sending now: progressive filling over the NIC links (capacity 1). Each
   * round every link at the least fair share saturates, its open streams take that share, and the others' links
   * lose it; rounds are the distinct rates (a handful: 1, 1/2, 1/3, 1/4, 2/3...).
   */
  solve(): void {
    const { cap, count, frozen, rate, links, active } = this;
    const { src, dst, kind, linkStart, linkTasks } = this.t;
    const p = this.x.p;
    let nLinks = 0;
    let open = 0;
    for (let k = 0; k < this.nActive; k++) {
      const i = active[k];
      if (kind[i] !== STREAM) continue;
      frozen[i] = 0;
      open++;
      const up = src[i];
      const down = p + dst[i];
      if (count[up]++ === 0) links[nLinks++] = up;
      if (count[down]++ === 0) links[nLinks++] = down;
    }
    for (let k = 0; k < nLinks; k++) cap[links[k]] = 1;
    while (open > 0) {
      let least = Number.POSITIVE_INFINITY;
      for (let k = 0; k < nLinks; k++) {
        const l = links[k];
        if (count[l] === 0) {
          links[k--] = links[--nLinks];
          continue;
        }
        least = Math.min(least, cap[l] / count[l]);
      }
      // Links within rounding of the least share saturate with it.
      const cut = least * (1 + 1e-12);
      for (let k = 0; k < nLinks; k++) {
        const l = links[k];
        if (count[l] === 0 || cap[l] / count[l] > cut) continue;
        for (let j = linkStart[l]; j < linkStart[l + 1]; j++) {
          const i = linkTasks[j];
          if (frozen[i] || this.slot[i] < 0) continue;
          frozen[i] = 1;
          rate[i] = least;
          open--;
          cap[src[i]] -= least;
          count[src[i]]--;
          cap[p + dst[i]] -= least;
          count[p + dst[i]]--;
        }
      }
    }
  }

  /** The next event's time: a stream's last byte leaves, a copy ends or a chunk arrives. */
  next(): number {
    let at = Number.POSITIVE_INFINITY;
    for (let k = 0; k < this.nActive; k++) {
      const i = this.active[k];
      at = Math.min(at, this.t.kind[i] === COPY ? this.left[i] : this.now + this.left[i] / this.rate[i]);
    }
    at = Math.min(at, this.arrivals.peekTime());
    // nvls-tree: the next chunk reduced inside the domains.
    const phase = this.x.phaseS ?? 0;
    if (phase > 0) {
      const m = Math.floor((this.now / phase) * (1 + 1e-12)) + 1;
      if (m <= this.x.chunks) at = Math.min(at, m * phase);
    }
    return at;
  }

  /** Moves the clock to `at` and handles what happens then; true if a stream ended (rates change). */
  advance(at: number): boolean {
    const { t, x } = this;
    const dt = at - this.now;
    this.now = at;
    // Whatever ends within a femtosecond of `at` ends at `at` (sums of shares carry rounding).
    const eps = 1e-15 + 1e-12 * x.netS;
    let streams = false;
    for (let k = this.nActive - 1; k >= 0; k--) {
      const i = this.active[k];
      if (t.kind[i] === COPY) {
        if (this.left[i] > at + eps) continue;
        this.idle(i);
        this.arrive(i, at);
        continue;
      }
      this.left[i] -= this.rate[i] * dt;
      if (this.left[i] > eps * this.rate[i]) continue;
      this.idle(i);
      streams = true;
      this.arrivals.push(at + (x.edgeS ? x.edgeS[t.edge[i]] : x.alphaS), 0, i, 0);
    }
    const phase = x.phaseS ?? 0;
    if (phase > 0 && Math.abs(at / phase - Math.round(at / phase)) < 1e-9)
      for (let i = 0; i < t.n; i++) if (t.gated[i]) this.look(i);
    const q = this.arrivals;
    while (q.peekTime() <= at + eps) {
      q.pop();
      this.arrive(q.a, q.t);
    }
    return streams;
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
 * Chunks simulated at most; each further chunk adds one period (the busiest resource's work per chunk index: its
 * NIC link's streams x netS, or one copy). Measured against whole runs of 128 chunks (2 to 64 ranks, servers of
 * 1, 4 and 8 GPUs): 16 simulated chunks come within 0.2%, 8 within 0.5%. Past 64 ranks 8 (the events grow
 * about 8-fold from 8 to 16 chunks as the edges' latencies spread the fair shares' end times): within 0.55% of
 * 16 up to 1,024 ranks.
 */
export function simulatedChunks(p: number, chunks: number): number {
  return Math.min(chunks, p <= 64 ? 16 : 8);
}

/**
 * Most ranks simulated; beyond, the caller's many-chunk closed form. The run is 8 chunks at full rank count, a few
 * hundred events of O(p) each (every stream's share is solved again): measured 0.1 s at 2,048 ranks, 0.35 s at
 * 8,192 and 1.4 s at 32,768 (CPU, load 20 on 2 cores), once per op shape (memo).
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
    const ended = run.advance(at);
    const started = run.startReady();
    if (ended || started) run.solve();
  }
  const end = x.phaseS ? run.allGatherEnd() : run.end;
  const time = end + (x.chunks - simulated) * periodS(tasks, x);
  if (memo.size >= 1024) memo.clear();
  memo.set(key.join('|'), time);
  return time;
}
