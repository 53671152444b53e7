// The packet-level engine: discrete events on an integer picosecond clock.
//
//   host NIC (QPs, DCQCN pacing) ─► egress port (3 classes, strict priority) ─► link (serialization,
//   propagation) ─► switch (ECMP, shared buffer, PFC ingress accounting, ECN at dequeue) ─► ... ─► host NIC
//   (go-back-N receiver, ACK/NAK, CNP pacing) ─► ACKs back the same way in the control class.
//
// Per-packet state lives in typed arrays (a pool addressed by packet id); events carry (kind, a, b) integers.
// Numbers in the comments cite the validation cases (validation/README.md).
import type { Catalog } from '../../catalog/index.ts';
import type { Fabric, NodeId } from '../../fabric/types.ts';
import type {
  Counters,
  FlowResult,
  InvariantCheck,
  LinkStats,
  PortStats,
  Result,
  TrafficShare,
} from '../../result/types.ts';
import { RESULT_VERSION, zeroCounters } from '../../result/types.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { TrafficProgram } from '../../workload/program.ts';
import { ecmpIndex, flowHashes, mixHash } from '../core/ecmp.ts';
import { createEventQueue } from '../core/index.ts';
import { type NetworkConfig, resolveNetwork } from '../core/network.ts';
import { opTimesFromTasks, summarizeOps } from '../core/ops.ts';
import { createRandom } from '../core/random.ts';
import { RouteView } from '../core/route-view.ts';
import { buildTaskGraph, K_DELAY, K_TRANSFER, TaskDriver } from '../core/task-graph.ts';
import type { RandomStream } from '../core/types.ts';
import { DcqcnNp, type DcqcnParams, DcqcnRp, ecnMarkProbability } from './dcqcn.ts';

// Event kinds.
const EV_TX_DONE = 1;
const EV_ARRIVE = 2;
const EV_HOST_WAKE = 3;
const EV_PFC_RX = 4;
const EV_PAUSE_EXPIRE = 5;
const EV_FLOW_START = 6;
const EV_ALPHA_TIMER = 7;
const EV_RATE_TIMER = 8;
const EV_RTO = 9;
const EV_PFC_REFRESH = 10;
const EV_SAMPLE = 11;
const EV_LINK_STATE = 12;
const EV_ROUTE_STATE = 13;
const EV_DELAY_DONE = 14;

// Packet types and traffic classes.
const T_DATA = 0;
const T_ACK = 1;
const T_NAK = 2;
const T_CNP = 3;
const C_CTRL = 0;
const C_ROCE = 1;
const C_LOSSY = 2;
const NC = 3;

// Packet record: int32 fields at these offsets; PK_BITS holds the type (2 bits), class (2 bits) and flags.
const PK = 8;
const PK_FLOW = 0;
const PK_SEQ = 1;
const PK_PAYLOAD = 2;
const PK_FRAME = 3;
/** Ingress port at the current switch (PFC accounting), or -1. */
const PK_INGRESS = 4;
/** Next packet in its queue, or in the free list. */
const PK_NEXT = 5;
const PK_DST = 6;
const PK_BITS = 7;
/** CE-marked; held in PFC headroom at the current switch; allocated. */
const B_ECN = 16;
const B_HDRM = 32;
const B_LIVE = 64;
/** Switches passed so far, in PK_BITS above the flags. */
const HOP_SHIFT = 8;
const HOP_ONE = 1 << HOP_SHIFT;
/** ECMP path memo: switches per path it holds (up/down paths pass at most 5), and its largest size (entries). */
const PATH_HOPS = 8;
const PATH_MEMO_MAX = 1 << 22;

/** PFC pause quanta are 512 bit times; the field is 16 bits (PFC-01). */
const PAUSE_QUANTA_MAX = 65535;
/** A PFC frame is a 64-byte MAC control frame (PFC-01). */
const PFC_FRAME_BYTES = 64;
/** ACK: headers + AETH (4 B); CNP: headers + 16 reserved bytes (RoCEv2 annex). */
const ACK_EXTRA = 4;
const CNP_EXTRA = 16;
/** Livelock guard: this many events at one simulated time is a bug. */
const MAX_SAME_TIME_EVENTS = 5_000_000;

export interface PacketRunOptions {
  seed: number;
  /** Stop after this much simulated time even if flows are unfinished. */
  maxTimePs?: number;
  onProgress?: (doneFlows: number, totalFlows: number, nowPs: number) => void;
  name?: string;
}

export function runPacket(
  fabric: Fabric,
  program: TrafficProgram,
  scenario: Pick<Scenario, 'network' | 'seed'>,
  catalog: Catalog,
  opts: PacketRunOptions,
): Result {
  const sim = new PacketSim(fabric, program, resolveNetwork(scenario.network, fabric, catalog), opts);
  return sim.run();
}

class PacketSim {
  private readonly q = createEventQueue();
  private now = 0;
  private events = 0;

  // Topology.
  private readonly N: number;
  private readonly P: number;
  private readonly isHost: Uint8Array;
  private readonly portFrom: Int32Array;
  private readonly portTo: Int32Array;
  private readonly psPerByte: Float64Array;
  private readonly propPs: Float64Array;
  private readonly latencyPs: Float64Array;
  private readonly hostPort: Int32Array;

  // Egress queues, per port x class.
  private readonly qHead: Int32Array;
  private readonly qTail: Int32Array;
  private readonly qBytes: Float64Array;
  private readonly portQBytes: Float64Array;
  private readonly busy: Uint8Array;
  private readonly txPkt: Int32Array;
  private readonly pausedUntil: Float64Array;
  private readonly pauseBegin: Float64Array;
  private readonly expireArmed: Float64Array;
  // Port statistics.
  private readonly maxQ: Float64Array;
  // DWRR between the RoCE and lossy classes (control always first): deficit per port x class, the class
  // being served, and each class's quantum in bytes.
  private readonly deficit: Float64Array;
  private readonly drrCur: Uint8Array;
  private readonly quantum: Float64Array;
  private readonly qIntegral: Float64Array;
  private readonly qLastT: Float64Array;
  private readonly busyPs: Float64Array;
  /** Bytes on the wire per port (frames with preamble and gap), for per-link load. */
  private readonly portBytes: Float64Array;

  // Switch buffers and PFC.
  private readonly bufferBytes: Float64Array;
  private readonly sharedUsed: Float64Array;
  private readonly maxShared: Float64Array;
  private readonly hdrmReserved: Float64Array;
  private readonly ingBytes: Float64Array;
  private readonly hdrmBytes: Float64Array;
  private readonly hdrmCap: Float64Array;
  private readonly maxHdrm: Float64Array;
  private readonly pauseSent: Uint8Array;
  /** ECN thresholds per link (`net.ecn` allocates per call; it is read on every switch dequeue). */
  private readonly ecnKmin: Float64Array;
  private readonly ecnKmax: Float64Array;
  private readonly ecnPmax: Float64Array;

  // Packet pool: one record of PK int32 fields per packet (PK_* offsets), so the fields a hop reads share a
  // cache line. (Separate arrays per field cost a cache miss per field once a large fabric holds 10^5-10^6
  // packets in its queues.)
  private cap = 0;
  private pk = new Int32Array(0);
  private freeHead = -1;

  // Tasks of the traffic program, indexed by task id. A transfer is one RoCE QP: its repetitions are one
  // byte stream, each repetition packetized on its own (its last packet may be short), and a send gate lets
  // the sender go only as far as the repetitions whose dependencies are met. A delay is a timer per repetition.
  private readonly program: TrafficProgram;
  private readonly F: number;
  /** The dependency driver (engine/core/task-graph.ts): which repetitions may start. */
  private readonly tasks: TaskDriver;
  private readonly tKind: Uint8Array;
  private readonly fSrc: Int32Array;
  private readonly fDst: Int32Array;
  /** Bytes over all repetitions. */
  private readonly fBytes: Float64Array;
  private readonly fStart: Float64Array;
  /** Packets over all repetitions, packets per repetition, and the payload of a repetition's last packet. */
  private readonly fPkts: Int32Array;
  private readonly fPpr: Int32Array;
  private readonly fLastPayload: Int32Array;
  private readonly tDurationPs: Float64Array;
  /** Send gate: the sender may send packets with seq < gate (0 until repetition 0 may start). */
  private readonly gate: Int32Array;
  private readonly fHash: Uint32Array;
  /** Traffic class of each flow's data packets. */
  private readonly fClass: Uint8Array;
  private readonly sndNxt: Int32Array;
  private readonly sndUna: Int32Array;
  private readonly highSent: Int32Array;
  private readonly nextSend: Float64Array;
  private readonly fEnd: Float64Array;
  private readonly fRetx: Float64Array;
  private readonly fDelivered: Float64Array;
  /** Delivered bytes per flow at each sample time (small runs only: at most 64 flows). */
  private readonly progress: [number, number][][] | null;
  /**
   * Retransmission timer, lazily: each ACK that makes progress moves the deadline, but a QP keeps at most one
   * timer event in the queue, which re-arms itself at the deadline when it finds it moved. (One event per ACK
   * left hundreds of thousands of dead timers in the queue and made every queue operation miss the cache.)
   */
  private readonly rtoArmed: Uint8Array;
  private readonly rtoAt: Float64Array;
  private readonly rtoQueued: Uint8Array;
  private readonly expected: Int32Array;
  private readonly nakSent: Uint8Array;
  private readonly ackCount: Int32Array;
  private readonly hostFlowsStart: Int32Array;
  private readonly hostFlows: Int32Array;
  private readonly rr: Int32Array;
  private readonly wakeAt: Float64Array;
  private doneFlows = 0;

  private readonly rp: DcqcnRp;
  private readonly np: DcqcnNp;
  private readonly rngLoss: RandomStream;
  private readonly rngEcn: RandomStream;
  private readonly rngLb: RandomStream;
  // Hot-path copies of the network config and the routing tables (one load instead of two per use).
  private readonly routing: Fabric['routing'];
  private readonly wireOverhead: number;
  private readonly loss: number;
  private readonly ecnOn: boolean;
  private readonly lbEcmp: boolean;
  /**
   * ECMP is a function of (flow, packet type, switch), and a packet's switches follow from its hop count, so
   * each (flow, type, hop) egress port is resolved once: port + 1, 0 = not yet. Used while no failure has
   * changed the routing view; null for spray and adaptive balancing or too many flows.
   */
  private readonly pathMemo: Int32Array | null;

  // Counters, each counted where it happens.
  private readonly c: Counters = zeroCounters();
  // Failures: the physical state (packets on a down link are lost at once) and the routing view, which
  // learns of a change only after the detection delay.
  private readonly linkDown: Uint8Array;
  /** Gilbert-Elliott state per link direction (1 = bad: every data packet is lost). */
  private readonly burstBad: Uint8Array;
  private readonly view: RouteView;
  private routeEpoch = 0;
  private sentPayload = 0;
  private droppedPayload = 0;
  private losslessOverflowDrops = 0;
  private timeBackwards = 0;

  // Sampled queue series (sparse): port, time, bytes.
  private sPort = new Int32Array(1024);
  private sT = new Float64Array(1024);
  private sB = new Float64Array(1024);
  private sN = 0;
  private readonly sampleCap = 400_000;

  constructor(
    private readonly f: Fabric,
    program: TrafficProgram,
    private readonly net: NetworkConfig,
    private readonly opts: PacketRunOptions,
  ) {
    const nodes = f.nodes;
    this.N = nodes.length;
    this.P = 2 * f.links.length;
    const P = this.P;
    this.isHost = new Uint8Array(this.N);
    for (const n of nodes) this.isHost[n.id] = n.role === 'host' ? 1 : 0;
    this.portFrom = new Int32Array(P);
    this.portTo = new Int32Array(P);
    this.psPerByte = new Float64Array(P);
    this.propPs = new Float64Array(P);
    this.hostPort = new Int32Array(this.N).fill(-1);
    for (const l of f.links) {
      const up = 2 * l.id;
      const down = up + 1;
      this.portFrom[up] = l.a;
      this.portTo[up] = l.b;
      this.portFrom[down] = l.b;
      this.portTo[down] = l.a;
      const ppb = 8e12 / l.rateBps;
      const prop = net.propPs(l.id);
      this.psPerByte[up] = ppb;
      this.psPerByte[down] = ppb;
      this.propPs[up] = prop;
      this.propPs[down] = prop;
      if (this.isHost[l.a] && this.hostPort[l.a] < 0) this.hostPort[l.a] = up;
    }
    this.latencyPs = new Float64Array(this.N);
    this.bufferBytes = new Float64Array(this.N);
    for (const n of nodes) {
      this.latencyPs[n.id] = this.isHost[n.id] ? 0 : net.switchLatencyPs(n.id);
      this.bufferBytes[n.id] = this.isHost[n.id] ? 0 : net.bufferBytes(n.id);
    }
    this.qHead = new Int32Array(P * NC).fill(-1);
    this.qTail = new Int32Array(P * NC).fill(-1);
    this.qBytes = new Float64Array(P * NC);
    this.portQBytes = new Float64Array(P);
    this.busy = new Uint8Array(P);
    this.txPkt = new Int32Array(P).fill(-1);
    this.pausedUntil = new Float64Array(P * NC);
    this.pauseBegin = new Float64Array(P * NC).fill(-1);
    this.expireArmed = new Float64Array(P).fill(-1);
    this.maxQ = new Float64Array(P);
    this.deficit = new Float64Array(P * NC);
    this.drrCur = new Uint8Array(P).fill(C_ROCE);
    // A quantum of at least one largest frame lets every visit send something.
    const frameMax = net.mtu + net.headerBytes + CNP_EXTRA;
    const wmin = Math.min(net.dwrrWeights.roce, net.dwrrWeights.lossy);
    this.quantum = Float64Array.of(
      0,
      (frameMax * net.dwrrWeights.roce) / wmin,
      (frameMax * net.dwrrWeights.lossy) / wmin,
    );
    this.qIntegral = new Float64Array(P);
    this.qLastT = new Float64Array(P);
    this.busyPs = new Float64Array(P);
    this.portBytes = new Float64Array(P);
    this.sharedUsed = new Float64Array(this.N);
    this.maxShared = new Float64Array(this.N);
    this.hdrmReserved = new Float64Array(this.N);
    this.ingBytes = new Float64Array(P * NC);
    this.hdrmBytes = new Float64Array(P * NC);
    this.hdrmCap = new Float64Array(P);
    this.maxHdrm = new Float64Array(P * NC);
    this.pauseSent = new Uint8Array(P * NC);
    if (net.pfc) {
      // Headroom is reserved at the switch the port feeds into (its ingress).
      for (let p = 0; p < P; p++) {
        const to = this.portTo[p];
        if (this.isHost[to]) continue;
        this.hdrmCap[p] = net.headroomBytes(p >> 1);
        this.hdrmReserved[to] += this.hdrmCap[p];
      }
    }
    const L = f.links.length;
    this.ecnKmin = new Float64Array(L);
    this.ecnKmax = new Float64Array(L);
    this.ecnPmax = new Float64Array(L);
    if (net.ecnOn)
      for (let l = 0; l < L; l++) {
        const e = net.ecn(l);
        this.ecnKmin[l] = e.kmin;
        this.ecnKmax[l] = e.kmax;
        this.ecnPmax[l] = e.pmax;
      }
    this.growPool(4096);
    this.linkDown = new Uint8Array(f.links.length);
    this.burstBad = new Uint8Array(P);
    this.view = new RouteView(f);

    // Tasks.
    this.program = program;
    const T = program.transfers;
    this.F = T.length;
    const F = this.F;
    this.tasks = new TaskDriver(buildTaskGraph(T));
    this.tKind = this.tasks.g.kind;
    this.fSrc = new Int32Array(F);
    this.fDst = new Int32Array(F);
    this.fBytes = new Float64Array(F);
    this.fStart = new Float64Array(F);
    this.fPkts = new Int32Array(F);
    this.fPpr = new Int32Array(F);
    this.fLastPayload = new Int32Array(F);
    this.tDurationPs = new Float64Array(F);
    this.gate = new Int32Array(F);
    this.fHash = new Uint32Array(F);
    this.fClass = new Uint8Array(F);
    this.sndNxt = new Int32Array(F);
    this.sndUna = new Int32Array(F);
    this.highSent = new Int32Array(F);
    this.nextSend = new Float64Array(F);
    this.fEnd = new Float64Array(F).fill(-1);
    this.fRetx = new Float64Array(F);
    this.fDelivered = new Float64Array(F);
    this.progress = F <= 64 ? Array.from({ length: F }, () => []) : null;
    this.rtoArmed = new Uint8Array(F);
    this.rtoAt = new Float64Array(F);
    this.rtoQueued = new Uint8Array(F);
    this.expected = new Int32Array(F);
    this.nakSent = new Uint8Array(F);
    this.ackCount = new Int32Array(F);
    const hashes = flowHashes(opts.seed, T.length);
    const perHost = new Int32Array(this.N + 1);
    for (let i = 0; i < F; i++) {
      const t = T[i];
      if (t.id !== i) throw new Error(`internal: task ${i} has id ${t.id}`);
      const delay = t.kind === 'delay';
      for (const h of delay ? [t.src] : [t.src, t.dst])
        if (!this.isHost[h])
          throw new Error(`internal: the packet engine runs tasks between hosts (task ${i} uses ${nodes[h].name})`);
      this.fSrc[i] = t.src;
      this.fDst[i] = t.dst;
      const repeat = Math.max(1, t.repeat);
      this.tDurationPs[i] = t.durationPs;
      this.fStart[i] = t.startPs;
      if (!delay) {
        const ppr = Math.max(1, Math.ceil(t.bytes / net.mtu));
        this.fPpr[i] = ppr;
        this.fLastPayload[i] = t.bytes - (ppr - 1) * net.mtu;
        this.fPkts[i] = ppr * repeat;
        this.fBytes[i] = t.bytes * repeat;
        perHost[t.src + 1]++;
      }
      // The 5-tuple's UDP source port is random per QP; its hash picks the ECMP member at each switch.
      this.fHash[i] = hashes[i];
      this.fClass[i] = t.cls === 'lossy' ? C_LOSSY : C_ROCE;
    }
    for (let i = 0; i < this.N; i++) perHost[i + 1] += perHost[i];
    this.hostFlowsStart = perHost;
    this.hostFlows = new Int32Array(perHost[this.N]);
    const fill = perHost.slice(0, this.N);
    for (let i = 0; i < F; i++) if (this.tKind[i] === K_TRANSFER) this.hostFlows[fill[T[i].src]++] = i;
    this.rr = new Int32Array(this.N);
    this.wakeAt = new Float64Array(this.N).fill(-1);

    // DcqcnRp asks for a QP's parameters on every byte-counter step, increase and cut; `net.dcqcn` builds a
    // fresh object each call, so resolve them once per QP (one shared object per line rate).
    const byRate = new Map<number, DcqcnParams>();
    const qpParams: DcqcnParams[] = new Array(F);
    for (let i = 0; i < F; i++) {
      const rate = this.hostLineRate(this.fSrc[i]);
      let prm = byRate.get(rate);
      if (prm === undefined) {
        prm = net.dcqcn(rate);
        byRate.set(rate, prm);
      }
      qpParams[i] = prm;
    }
    this.rp = new DcqcnRp(F, (qp) => qpParams[qp]);
    this.np = new DcqcnNp(F, net.cnpIntervalPs);
    this.rngLoss = createRandom(opts.seed, 'packet', 'loss');
    this.rngEcn = createRandom(opts.seed, 'packet', 'ecn');
    this.rngLb = createRandom(opts.seed, 'packet', 'lb');
    this.routing = f.routing;
    this.wireOverhead = net.wireOverheadBytes;
    this.loss = net.loss;
    this.ecnOn = net.ecnOn;
    this.lbEcmp = net.loadBalancing === 'ecmp';
    this.pathMemo = this.lbEcmp && F * 4 * PATH_HOPS <= PATH_MEMO_MAX ? new Int32Array(F * 4 * PATH_HOPS) : null;
  }

  private hostLineRate(h: number): number {
    return 8e12 / this.psPerByte[this.hostPort[h]];
  }

  // ---- packet pool -------------------------------------------------------------------------------

  private growPool(n: number): void {
    const pk = new Int32Array(n * PK);
    pk.set(this.pk);
    this.pk = pk;
    for (let i = n - 1; i >= this.cap; i--) {
      pk[i * PK + PK_NEXT] = this.freeHead;
      this.freeHead = i;
    }
    this.cap = n;
  }

  private alloc(flow: number, type: number, seq: number, payload: number, extra: number, dst: number): number {
    if (this.freeHead < 0) this.growPool(this.cap * 2);
    const id = this.freeHead;
    const pk = this.pk;
    const o = id * PK;
    this.freeHead = pk[o + PK_NEXT];
    pk[o + PK_FLOW] = flow;
    pk[o + PK_SEQ] = seq;
    pk[o + PK_PAYLOAD] = payload;
    pk[o + PK_FRAME] = payload + extra + this.net.headerBytes;
    pk[o + PK_INGRESS] = -1;
    pk[o + PK_NEXT] = -1;
    pk[o + PK_DST] = dst;
    pk[o + PK_BITS] = type | ((type === T_DATA ? this.fClass[flow] : C_CTRL) << 2) | B_LIVE;
    return id;
  }

  private pType(id: number): number {
    return this.pk[id * PK + PK_BITS] & 3;
  }

  private pClass(id: number): number {
    return (this.pk[id * PK + PK_BITS] >> 2) & 3;
  }

  private pFrame(id: number): number {
    return this.pk[id * PK + PK_FRAME];
  }

  private free(id: number): void {
    const o = id * PK;
    this.pk[o + PK_BITS] &= ~B_LIVE;
    this.pk[o + PK_NEXT] = this.freeHead;
    this.freeHead = id;
  }

  private drop(id: number, cause: 'buffer' | 'loss' | 'failure'): void {
    if (cause === 'buffer') this.c.bufferDrops++;
    else if (cause === 'loss') this.c.lossDrops++;
    else this.c.failureDrops++;
    if (this.pType(id) === T_DATA) this.droppedPayload += this.pk[id * PK + PK_PAYLOAD];
    this.free(id);
  }

  // ---- run ---------------------------------------------------------------------------------------

  run(): Result {
    const wall0 = performance.now();
    let peakRss = process.memoryUsage().rss;
    for (let i = 0; i < this.F; i++) this.q.push(this.fStart[i], EV_FLOW_START, i, 0);
    for (const fl of this.net.failures)
      for (const l of fl.links) {
        this.q.push(fl.atPs, EV_LINK_STATE, l, 1);
        if (fl.untilPs !== null) this.q.push(fl.untilPs, EV_LINK_STATE, l, 0);
      }
    if (this.F > 0) this.q.push(0, EV_SAMPLE, 0, 0);
    const maxT = this.opts.maxTimePs ?? 10e12;
    const q = this.q;
    let sameTime = 0;
    let lastProgress = 0;
    while (this.doneFlows < this.F && q.pop()) {
      const t = q.t;
      if (t < this.now) this.timeBackwards++;
      if (t === this.now) {
        if (++sameTime > MAX_SAME_TIME_EVENTS)
          throw new Error(`internal: livelock, ${MAX_SAME_TIME_EVENTS} events at t=${t} ps without time advancing`);
      } else sameTime = 0;
      if (t > maxT) break;
      this.now = t;
      this.events++;
      const a = q.a;
      const b = q.b;
      switch (q.kind) {
        case EV_TX_DONE:
          this.txDone(a);
          break;
        case EV_ARRIVE:
          this.arrive(a, b);
          break;
        case EV_HOST_WAKE:
          if (this.wakeAt[a] === t) {
            this.wakeAt[a] = -1;
            this.tryStart(this.hostPort[a]);
          }
          break;
        case EV_PFC_RX:
          this.pfcRx(a, b);
          break;
        case EV_PAUSE_EXPIRE:
          this.pauseExpire(a);
          break;
        case EV_FLOW_START:
          this.reach(a);
          break;
        case EV_DELAY_DONE:
          this.delayDone(a);
          break;
        case EV_ALPHA_TIMER:
          if (b === this.rp.alphaGen[a] && this.fEnd[a] < 0) {
            this.rp.onAlphaTimer(a);
            q.push(t + this.net.alphaIntervalPs, EV_ALPHA_TIMER, a, b);
          }
          break;
        case EV_RATE_TIMER:
          if (b === this.rp.rateGen[a] && this.fEnd[a] < 0) {
            this.rp.onRateTimer(a);
            q.push(t + this.net.rateTimerPs, EV_RATE_TIMER, a, b);
          }
          break;
        case EV_RTO:
          this.rto(a);
          break;
        case EV_PFC_REFRESH:
          this.pfcRefresh(a, b);
          break;
        case EV_SAMPLE:
          this.sample();
          break;
        case EV_LINK_STATE:
          this.linkState(a, b === 1);
          break;
        case EV_ROUTE_STATE:
          this.view.set(a, b === 1);
          this.routeEpoch++;
          break;
      }
      if ((this.events & 0xffff) === 0) {
        const rss = process.memoryUsage().rss;
        if (rss > peakRss) peakRss = rss;
        if (this.opts.onProgress && this.doneFlows !== lastProgress) {
          lastProgress = this.doneFlows;
          this.opts.onProgress(this.doneFlows, this.F, t);
        }
      }
    }
    this.opts.onProgress?.(this.doneFlows, this.F, this.now);
    const rss = process.memoryUsage().rss;
    if (rss > peakRss) peakRss = rss;
    const wallMs = performance.now() - wall0;
    return this.result(wallMs, peakRss);
  }

  // ---- ports ---------------------------------------------------------------------------------------

  private touchQueue(p: number): void {
    const dt = this.now - this.qLastT[p];
    if (dt > 0) this.qIntegral[p] += dt * this.portQBytes[p];
    this.qLastT[p] = this.now;
  }

  private enqueue(p: number, id: number): void {
    if (this.linkDown[p >> 1]) {
      // Sent into a failed link (the routing view has not learned yet, or a host's own link): lost.
      const from = this.portFrom[p];
      if (!this.isHost[from]) this.release(from, id);
      this.drop(id, 'failure');
      return;
    }
    const k = p * NC + this.pClass(id);
    this.touchQueue(p);
    if (this.qTail[k] < 0) this.qHead[k] = id;
    else this.pk[this.qTail[k] * PK + PK_NEXT] = id;
    this.qTail[k] = id;
    this.pk[id * PK + PK_NEXT] = -1;
    const fr = this.pFrame(id);
    this.qBytes[k] += fr;
    this.portQBytes[p] += fr;
    if (this.portQBytes[p] > this.maxQ[p]) this.maxQ[p] = this.portQBytes[p];
    this.tryStart(p);
  }

  /** Starts the next transmission on a port: strict priority over classes that are not paused. */
  private tryStart(p: number): void {
    if (this.busy[p] || this.linkDown[p >> 1]) return;
    const now = this.now;
    // Runs several times per packet (every enqueue and every transmission end): the arrays live in locals.
    // (Not the packet pool's: nextDataPacket below may grow, i.e. replace, them.)
    const qHead = this.qHead;
    const pausedUntil = this.pausedUntil;
    let id = -1;
    let blockedUntil = Number.POSITIVE_INFINITY;
    const from = this.portFrom[p];
    if (this.net.scheduler === 'dwrr' && !this.isHost[from]) {
      id = this.dwrrPick(p, now);
      const k = p * NC + C_ROCE;
      if (id < 0 && qHead[k] >= 0 && pausedUntil[k] > now) blockedUntil = pausedUntil[k];
    } else
      for (let c = 0, k = p * NC; c < NC; c++, k++) {
        const head = qHead[k];
        if (head < 0) continue;
        const pu = pausedUntil[k];
        if (pu > now) {
          if (pu < blockedUntil) blockedUntil = pu;
          continue;
        }
        id = head;
        this.popHead(p, k);
        break;
      }
    if (id < 0 && this.isHost[from]) {
      // The NIC makes data packets on demand; while the RoCE class is paused, only lossy flows may send.
      const k = p * NC + C_ROCE;
      if (this.pausedUntil[k] > now) {
        if (this.pausedUntil[k] < blockedUntil) blockedUntil = this.pausedUntil[k];
        id = this.nextDataPacket(from, C_LOSSY);
      } else id = this.nextDataPacket(from, 0);
    }
    if (id < 0) {
      if (blockedUntil < Number.POSITIVE_INFINITY && this.expireArmed[p] !== blockedUntil) {
        this.expireArmed[p] = blockedUntil;
        this.q.push(blockedUntil, EV_PAUSE_EXPIRE, p, 0);
      }
      return;
    }
    // ECN marking when a data packet departs a switch queue (ECN-01: egress bytes of its class at dequeue).
    if (!this.isHost[from] && this.pClass(id) !== C_CTRL && this.ecnOn) {
      const l = p >> 1;
      const prob = ecnMarkProbability(
        this.qBytes[p * NC + this.pClass(id)],
        this.ecnKmin[l],
        this.ecnKmax[l],
        this.ecnPmax[l],
      );
      if (prob > 0 && (prob >= 1 || this.rngEcn.uniform() < prob)) {
        const o = id * PK + PK_BITS;
        if (!(this.pk[o] & B_ECN)) this.c.ecnMarks++;
        this.pk[o] |= B_ECN;
      }
    }
    this.busy[p] = 1;
    this.txPkt[p] = id;
    const ser = Math.round((this.pFrame(id) + this.wireOverhead) * this.psPerByte[p]);
    this.busyPs[p] += ser;
    this.portBytes[p] += this.pFrame(id) + this.wireOverhead;
    this.q.push(now + ser, EV_TX_DONE, p, 0);
  }

  /** Removes the head of queue k (port p, class k % NC). */
  private popHead(p: number, k: number): void {
    const id = this.qHead[k];
    const next = this.pk[id * PK + PK_NEXT];
    this.qHead[k] = next;
    if (next < 0) this.qTail[k] = -1;
    this.touchQueue(p);
    const fr = this.pFrame(id);
    this.qBytes[k] -= fr;
    this.portQBytes[p] -= fr;
  }

  /**
   * Deficit weighted round robin (Shreedhar and Varghese 1995) between the RoCE and lossy classes; control
   * packets go first. A class keeps the port while its deficit covers its head packet; then the other
   * class gets its quantum. Returns the packet to send, or -1.
   */
  private dwrrPick(p: number, now: number): number {
    const k0 = p * NC;
    if (this.qHead[k0] >= 0 && this.pausedUntil[k0] <= now) {
      const id = this.qHead[k0];
      this.popHead(p, k0);
      return id;
    }
    let cur = this.drrCur[p];
    for (let i = 0; i < 4; i++) {
      const k = k0 + cur;
      const head = this.qHead[k];
      const eligible = head >= 0 && this.pausedUntil[k] <= now;
      if (eligible && this.deficit[k] >= this.pFrame(head)) {
        this.deficit[k] -= this.pFrame(head);
        this.drrCur[p] = cur;
        this.popHead(p, k);
        return head;
      }
      if (head < 0) this.deficit[k] = 0;
      const other = cur === C_ROCE ? C_LOSSY : C_ROCE;
      const ko = k0 + other;
      if (this.qHead[ko] >= 0 && this.pausedUntil[ko] <= now) {
        this.deficit[ko] += this.quantum[other];
        cur = other;
      } else if (eligible) this.deficit[k] += this.quantum[cur];
      else break;
    }
    this.drrCur[p] = cur;
    return -1;
  }

  private txDone(p: number): void {
    const id = this.txPkt[p];
    this.busy[p] = 0;
    this.txPkt[p] = -1;
    const from = this.portFrom[p];
    if (!this.isHost[from]) this.release(from, id);
    const to = this.portTo[p];
    if (this.linkDown[p >> 1]) this.drop(id, 'failure');
    // Injected random loss on the link (bit errors): PFC cannot prevent it.
    else if (this.loss > 0 && this.pType(id) === T_DATA && this.rngLoss.uniform() < this.loss) {
      this.drop(id, 'loss');
    } else if (this.net.burst && this.pType(id) === T_DATA && this.burstLost(p)) {
      this.drop(id, 'loss');
    } else {
      this.q.push(this.now + this.propPs[p] + this.latencyPs[to], EV_ARRIVE, id, p);
    }
    this.tryStart(p);
  }

  /** Gilbert-Elliott step for one data packet on port p: true when it is lost. */
  private burstLost(p: number): boolean {
    const b = this.net.burst!;
    if (this.burstBad[p]) {
      if (this.rngLoss.uniform() < b.leave) this.burstBad[p] = 0;
      else return true;
      return false;
    }
    if (this.rngLoss.uniform() < b.enter) {
      this.burstBad[p] = 1;
      this.c.lossBursts++;
      return true;
    }
    return false;
  }

  // ---- switches --------------------------------------------------------------------------------

  private arrive(id: number, inPort: number): void {
    if (this.linkDown[inPort >> 1]) {
      // The link failed while the packet was on it.
      this.drop(id, 'failure');
      return;
    }
    const node = this.portTo[inPort];
    if (this.isHost[node]) {
      this.receive(node, id);
      return;
    }
    const pk = this.pk;
    const o = id * PK;
    const bits = pk[o + PK_BITS];
    pk[o + PK_BITS] = bits + HOP_ONE;
    const hop = bits >>> HOP_SHIFT;
    const memo = this.pathMemo;
    if (memo !== null && this.routeEpoch === 0 && hop < PATH_HOPS) {
      const key = (pk[o + PK_FLOW] * 4 + (bits & 3)) * PATH_HOPS + hop;
      let out = memo[key] - 1;
      if (out < 0) {
        out = this.route(node, id);
        memo[key] = out + 1;
      }
      if (this.admit(node, id, inPort, out)) this.enqueue(out, id);
      return;
    }
    const out = this.route(node, id);
    if (out < 0) {
      this.drop(id, 'failure');
      return;
    }
    if (!this.admit(node, id, inPort, out)) return;
    this.enqueue(out, id);
  }

  /** The egress port of packet `id` at switch `node`, or -1 when no live path reaches its destination. */
  private route(node: number, id: number): number {
    const dst = this.pk[id * PK + PK_DST];
    const cnt = this.routing.count(node as NodeId, dst as NodeId);
    let i = 0;
    if (this.routeEpoch > 0) {
      i = this.pickAlive(node, dst, cnt, id);
      if (i < 0) return -1;
    } else if (cnt > 1) i = this.pickIndex(node, dst, cnt, id, -1);
    const link = this.routing.pick(node as NodeId, dst as NodeId, i);
    return 2 * link + (this.portFrom[2 * link] === node ? 0 : 1);
  }

  /** ECMP, spray or adaptive choice among `cnt` candidates; with `alive` >= 0 only among the live ones. */
  private pickIndex(node: number, dst: number, cnt: number, id: number, alive: number): number {
    const n = alive >= 0 ? alive : cnt;
    let want: number;
    if (this.lbEcmp) want = ecmpIndex(this.fHash[this.pk[id * PK + PK_FLOW]], this.pType(id), node, n);
    else if (this.net.loadBalancing === 'spray') want = this.rngLb.int(n);
    else {
      // Adaptive: the least-loaded egress among the candidates (ties: the hash's choice).
      const start = mixHash(this.fHash[this.pk[id * PK + PK_FLOW]], node) % cnt;
      let best = Number.POSITIVE_INFINITY;
      let bestI = -1;
      for (let j = 0; j < cnt; j++) {
        const cand = (start + j) % cnt;
        const l = this.routing.pick(node as NodeId, dst as NodeId, cand);
        if (alive >= 0 && !this.view.usable(node, l, dst)) continue;
        const op = 2 * l + (this.portFrom[2 * l] === node ? 0 : 1);
        const load = this.portQBytes[op] + (this.busy[op] ? this.pFrame(this.txPkt[op]) : 0);
        if (load < best) {
          best = load;
          bestI = cand;
        }
      }
      return bestI;
    }
    return alive < 0 ? want : this.view.nthAlive(node, dst, cnt, want);
  }

  /** After a detected failure: choose among candidates whose link is up and whose far end still reaches dst. */
  private pickAlive(node: number, dst: number, cnt: number, id: number): number {
    const alive = this.view.aliveCount(node, dst, cnt);
    return alive === 0 ? -1 : this.pickIndex(node, dst, cnt, id, alive);
  }

  /** A link fails (or recovers) now; routing learns of it after the detection delay. */
  private linkState(link: number, down: boolean): void {
    if (this.linkDown[link] === (down ? 1 : 0)) return;
    this.linkDown[link] = down ? 1 : 0;
    this.q.push(this.now + this.net.detectionDelayPs, EV_ROUTE_STATE, link, down ? 1 : 0);
    for (const p of [2 * link, 2 * link + 1]) {
      if (down) {
        // Everything queued at either end of the failed link is lost.
        const from = this.portFrom[p];
        for (let c = 0; c < NC; c++) {
          const k = p * NC + c;
          let id = this.qHead[k];
          this.touchQueue(p);
          while (id >= 0) {
            const next = this.pk[id * PK + PK_NEXT];
            this.qBytes[k] -= this.pFrame(id);
            this.portQBytes[p] -= this.pFrame(id);
            if (!this.isHost[from]) this.release(from, id);
            this.drop(id, 'failure');
            id = next;
          }
          this.qHead[k] = -1;
          this.qTail[k] = -1;
        }
      } else this.tryStart(p);
    }
  }

  /**
   * Buffer admission. Lossless class with PFC: per-ingress accounting against a dynamic XOFF threshold
   * (alpha x free shared buffer, PFC-04); above it the packet goes to the ingress port's headroom and a
   * PAUSE goes upstream; past the headroom it is dropped (counted: this is the negative control).
   * Other classes: dynamic threshold on the egress queue (alpha x free buffer), tail drop.
   */
  private admit(sw: number, id: number, inPort: number, out: number): boolean {
    const fr = this.pFrame(id);
    const cls = this.pClass(id);
    const B = this.bufferBytes[sw];
    if (this.net.pfc && cls === C_ROCE) {
      const k = inPort * NC + cls;
      const xoff = this.xoff(sw);
      const shared = B - this.hdrmReserved[sw];
      if (this.hdrmBytes[k] === 0 && this.ingBytes[k] + fr <= xoff && this.sharedUsed[sw] + fr <= shared) {
        this.ingBytes[k] += fr;
        this.sharedUsed[sw] += fr;
        if (this.sharedUsed[sw] > this.maxShared[sw]) this.maxShared[sw] = this.sharedUsed[sw];
        this.pk[id * PK + PK_BITS] &= ~B_HDRM;
      } else if (this.hdrmBytes[k] + fr <= this.hdrmCap[inPort]) {
        this.hdrmBytes[k] += fr;
        if (this.hdrmBytes[k] > this.maxHdrm[k]) this.maxHdrm[k] = this.hdrmBytes[k];
        this.pk[id * PK + PK_BITS] |= B_HDRM;
      } else {
        this.losslessOverflowDrops++;
        this.drop(id, 'buffer');
        this.sendPause(inPort, cls);
        return false;
      }
      this.pk[id * PK + PK_INGRESS] = inPort;
      if (this.pk[id * PK + PK_BITS] & B_HDRM || this.ingBytes[k] >= xoff) this.sendPause(inPort, cls);
      return true;
    }
    const k = out * NC + cls;
    if (this.sharedUsed[sw] + fr > B || this.qBytes[k] + fr > this.net.bufferAlpha * (B - this.sharedUsed[sw])) {
      this.drop(id, 'buffer');
      return false;
    }
    this.sharedUsed[sw] += fr;
    if (this.sharedUsed[sw] > this.maxShared[sw]) this.maxShared[sw] = this.sharedUsed[sw];
    this.pk[id * PK + PK_INGRESS] = -1;
    return true;
  }

  private xoff(sw: number): number {
    const free = this.bufferBytes[sw] - this.hdrmReserved[sw] - this.sharedUsed[sw];
    return free > 0 ? free * this.net.pfcAlpha : 0;
  }

  /** A packet leaves a switch: its buffer (shared or headroom) is freed; PFC may resume the ingress. */
  private release(sw: number, id: number): void {
    const fr = this.pFrame(id);
    const inPort = this.pk[id * PK + PK_INGRESS];
    if (inPort < 0) {
      this.sharedUsed[sw] -= fr;
      return;
    }
    const k = inPort * NC + this.pClass(id);
    if (this.pk[id * PK + PK_BITS] & B_HDRM) this.hdrmBytes[k] -= fr;
    else {
      this.ingBytes[k] -= fr;
      this.sharedUsed[sw] -= fr;
    }
    if (this.pauseSent[k] && this.hdrmBytes[k] <= 0 && this.ingBytes[k] + this.net.resumeOffset <= this.xoff(sw)) {
      this.pauseSent[k] = 0;
      this.sendPfcFrame(inPort, this.pClass(id), 0);
    }
  }

  private sendPause(inPort: number, cls: number): void {
    const k = inPort * NC + cls;
    if (this.pauseSent[k]) return;
    this.pauseSent[k] = 1;
    this.sendPfcFrame(inPort, cls, PAUSE_QUANTA_MAX);
    // Refresh before the pause expires while the queue stays above XON (802.1Qbb practice: half the time).
    this.q.push(this.now + Math.round(this.maxPausePs(inPort) / 2), EV_PFC_REFRESH, inPort, cls);
  }

  private maxPausePs(port: number): number {
    return pauseDurationPs(PAUSE_QUANTA_MAX, 8e12 / this.psPerByte[port]);
  }

  private pfcRefresh(inPort: number, cls: number): void {
    const k = inPort * NC + cls;
    if (!this.pauseSent[k]) return;
    this.sendPfcFrame(inPort, cls, PAUSE_QUANTA_MAX);
    this.q.push(this.now + Math.round(this.maxPausePs(inPort) / 2), EV_PFC_REFRESH, inPort, cls);
  }

  /**
   * A PFC frame from the switch at the far end of `port` back to its sender: 64 bytes on the reverse
   * direction, then propagation. MAC control frames go ahead of queued data (at most behind one frame,
   * not modelled). b encodes class and quanta.
   */
  private sendPfcFrame(port: number, cls: number, quanta: number): void {
    this.c.pauseFrames++;
    const back = port ^ 1;
    const t =
      this.now + Math.round((PFC_FRAME_BYTES + this.net.wireOverheadBytes) * this.psPerByte[back]) + this.propPs[back];
    this.q.push(t, EV_PFC_RX, port, cls * 65536 + quanta);
  }

  private pfcRx(port: number, b: number): void {
    const cls = Math.floor(b / 65536);
    const quanta = b % 65536;
    const k = port * NC + cls;
    if (quanta === 0) {
      if (this.pauseBegin[k] >= 0) {
        this.c.pausedPs += this.now - this.pauseBegin[k];
        this.pauseBegin[k] = -1;
      }
      this.pausedUntil[k] = this.now;
      this.tryStart(port);
      return;
    }
    const pausePs = pauseDurationPs(quanta, 8e12 / this.psPerByte[port]);
    if (this.pauseBegin[k] < 0) this.pauseBegin[k] = this.now;
    this.pausedUntil[k] = this.now + pausePs;
    this.q.push(this.pausedUntil[k], EV_PAUSE_EXPIRE, port, 0);
  }

  private pauseExpire(port: number): void {
    const now = this.now;
    if (this.expireArmed[port] === now) this.expireArmed[port] = -1;
    for (let c = 0; c < NC; c++) {
      const k = port * NC + c;
      if (this.pauseBegin[k] >= 0 && this.pausedUntil[k] <= now) {
        this.c.pausedPs += this.pausedUntil[k] - this.pauseBegin[k];
        this.pauseBegin[k] = -1;
      }
    }
    this.tryStart(port);
  }

  // ---- tasks: dependencies and the send gate --------------------------------------------------------

  /** Task t's start time has come. */
  private reach(t: number): void {
    this.tasks.reach(t, this.now);
    this.startReleased();
  }

  /** A repetition of task t finished (engine/core/task-graph.ts releases what waits for it). */
  private repFinished(t: number): void {
    this.tasks.repFinished(t, this.now);
    this.startReleased();
  }

  /**
   * Starts what the driver released, in release order. A transfer's gate opens to the end of the allowed
   * repetitions (repetition r's bytes queue behind r-1's in the QP's stream); a delay runs its allowed
   * repetitions one after another.
   */
  private startReleased(): void {
    const tasks = this.tasks;
    for (let t = tasks.nextReleased(); t >= 0; t = tasks.nextReleased()) {
      if (this.tKind[t] === K_DELAY) {
        if (tasks.startedReps[t] === tasks.finishedReps[t]) this.startDelayRep(t);
        continue;
      }
      this.gate[t] = tasks.releasedTo * this.fPpr[t];
      if (tasks.releasedFrom === 0) this.nextSend[t] = this.now;
      this.tryStart(this.hostPort[this.fSrc[t]]);
    }
  }

  private startDelayRep(t: number): void {
    if (this.tasks.startedReps[t]++ === 0) this.tasks.taskStartPs[t] = this.now;
    this.q.push(this.now + this.tDurationPs[t], EV_DELAY_DONE, t, 0);
  }

  private delayDone(t: number): void {
    this.repFinished(t);
    const tasks = this.tasks;
    if (tasks.finishedReps[t] === tasks.g.repeat[t]) this.doneFlows++;
    else if (tasks.startedReps[t] < tasks.allowedReps[t]) this.startDelayRep(t);
  }

  // ---- hosts -------------------------------------------------------------------------------------

  /** The NIC's next data packet: round robin over its QPs that may send now (DCQCN pacing). */
  private nextDataPacket(h: number, onlyClass: number): number {
    const s = this.hostFlowsStart[h];
    const n = this.hostFlowsStart[h + 1] - s;
    if (n === 0) return -1;
    const now = this.now;
    let soonest = Number.POSITIVE_INFINITY;
    for (let j = 0; j < n; j++) {
      const slot = (this.rr[h] + j) % n;
      const fl = this.hostFlows[s + slot];
      // Past the gate: not started, waiting for a dependency, or everything sent (gate <= packets).
      if (this.sndNxt[fl] >= this.gate[fl]) continue;
      if (onlyClass && this.fClass[fl] !== onlyClass) continue;
      if (this.nextSend[fl] > now) {
        if (this.nextSend[fl] < soonest) soonest = this.nextSend[fl];
        continue;
      }
      this.rr[h] = (slot + 1) % n;
      return this.sendData(fl);
    }
    if (soonest < Number.POSITIVE_INFINITY) {
      const t = Math.ceil(soonest);
      if (this.wakeAt[h] < 0 || this.wakeAt[h] > t) {
        this.wakeAt[h] = t;
        this.q.push(t, EV_HOST_WAKE, h, 0);
      }
    }
    return -1;
  }

  private sendData(fl: number): number {
    const seq = this.sndNxt[fl];
    // Each repetition is packetized on its own: its last packet carries the remainder.
    const payload = (seq + 1) % this.fPpr[fl] === 0 ? this.fLastPayload[fl] : this.net.mtu;
    if (seq === 0 && this.tasks.taskStartPs[fl] < 0) this.tasks.taskStartPs[fl] = this.now;
    const id = this.alloc(fl, T_DATA, seq, payload, 0, this.fDst[fl]);
    this.sndNxt[fl] = seq + 1;
    if (seq < this.highSent[fl]) {
      this.c.retransmittedBytes += payload;
      this.fRetx[fl] += payload;
    } else this.highSent[fl] = seq + 1;
    this.c.dataPacketsSent++;
    this.sentPayload += payload;
    const wire = this.pFrame(id) + this.net.wireOverheadBytes;
    // Pacing at the QP's current DCQCN rate; at line rate this equals the serialization time.
    const gap = this.net.ccOn ? (wire * 8e12) / this.rp.rc[fl] : 0;
    this.nextSend[fl] = Math.max(this.nextSend[fl], this.now) + gap;
    if (this.net.ccOn) this.rp.onBytesSent(fl, wire);
    if (!this.rtoArmed[fl]) this.armRto(fl);
    return id;
  }

  private armRto(fl: number): void {
    this.rtoArmed[fl] = 1;
    const at = this.now + this.net.rtoPs;
    this.rtoAt[fl] = at;
    if (!this.rtoQueued[fl]) {
      this.rtoQueued[fl] = 1;
      this.q.push(at, EV_RTO, fl, 0);
    }
  }

  private rto(fl: number): void {
    this.rtoQueued[fl] = 0;
    if (!this.rtoArmed[fl] || this.fEnd[fl] >= 0) return;
    if (this.rtoAt[fl] > this.now) {
      // Progress since this event was queued: wait for the current deadline.
      this.rtoQueued[fl] = 1;
      this.q.push(this.rtoAt[fl], EV_RTO, fl, 0);
      return;
    }
    this.rtoArmed[fl] = 0;
    if (this.sndUna[fl] < this.fPkts[fl]) {
      // No progress for a whole timeout: go back to the first unacknowledged packet.
      this.c.timeouts++;
      this.sndNxt[fl] = this.sndUna[fl];
      this.armRto(fl);
      this.tryStart(this.hostPort[this.fSrc[fl]]);
    }
  }

  private sendControl(from: number, fl: number, type: number, seq: number, dst: number): void {
    const extra = type === T_CNP ? CNP_EXTRA : ACK_EXTRA;
    const id = this.alloc(fl, type, seq, 0, extra, dst);
    this.enqueue(this.hostPort[from], id);
  }

  private receive(h: number, id: number): void {
    const fl = this.pk[id * PK + PK_FLOW];
    const type = this.pType(id);
    if (type === T_DATA) {
      const seq = this.pk[id * PK + PK_SEQ];
      if (this.pk[id * PK + PK_BITS] & B_ECN && this.net.ccOn && this.np.shouldSend(fl, this.now)) {
        this.c.cnps++;
        this.sendControl(h, fl, T_CNP, 0, this.fSrc[fl]);
      }
      if (seq === this.expected[fl]) {
        this.expected[fl] = seq + 1;
        this.c.deliveredBytes += this.pk[id * PK + PK_PAYLOAD];
        this.fDelivered[fl] += this.pk[id * PK + PK_PAYLOAD];
        this.nakSent[fl] = 0;
        // The last packet of a repetition is always acknowledged (a gated sender waits for it) and releases
        // the repetition's dependents at once.
        const repEnd = (seq + 1) % this.fPpr[fl] === 0;
        if (++this.ackCount[fl] >= this.net.ackEvery || repEnd) {
          this.ackCount[fl] = 0;
          this.sendControl(h, fl, T_ACK, seq + 1, this.fSrc[fl]);
        }
        if (repEnd) {
          this.free(id);
          this.repFinished(fl);
          return;
        }
      } else {
        // Go-back-N receiver: out-of-order data is discarded; one NAK per gap asks for a rewind.
        this.c.receiverDiscards++;
        this.droppedPayload += this.pk[id * PK + PK_PAYLOAD];
        if (seq > this.expected[fl]) {
          if (!this.nakSent[fl]) {
            this.nakSent[fl] = 1;
            this.c.naks++;
            this.sendControl(h, fl, T_NAK, this.expected[fl], this.fSrc[fl]);
          }
        } else if (++this.ackCount[fl] >= this.net.ackEvery) {
          // A duplicate: the sender went back because ACKs were lost; acknowledge again so it moves on.
          this.ackCount[fl] = 0;
          this.sendControl(h, fl, T_ACK, this.expected[fl], this.fSrc[fl]);
        }
      }
      this.free(id);
      return;
    }
    const seq = this.pk[id * PK + PK_SEQ];
    this.free(id);
    if (this.fEnd[fl] >= 0) return;
    if (type === T_CNP) {
      if (!this.net.ccOn) return;
      this.rp.onCnp(fl);
      // Both timers restart from the cut (DCQCN-02/03).
      this.q.push(this.now + this.net.alphaIntervalPs, EV_ALPHA_TIMER, fl, ++this.rp.alphaGen[fl]);
      this.q.push(this.now + this.net.rateTimerPs, EV_RATE_TIMER, fl, this.rp.rateGen[fl]);
      return;
    }
    if (seq > this.sndUna[fl]) {
      this.sndUna[fl] = seq;
      if (this.sndNxt[fl] < seq) this.sndNxt[fl] = seq;
      this.rtoArmed[fl] = 0;
      if (seq >= this.fPkts[fl]) {
        this.fEnd[fl] = this.now;
        this.doneFlows++;
        return;
      }
      if (this.sndNxt[fl] > this.sndUna[fl]) this.armRto(fl);
    }
    if (type === T_NAK) {
      this.sndNxt[fl] = seq;
      this.tryStart(this.hostPort[this.fSrc[fl]]);
    }
  }

  // ---- sampling and results --------------------------------------------------------------------

  private sample(): void {
    if (this.progress) for (let i = 0; i < this.F; i++) this.progress[i].push([this.now, this.fDelivered[i]]);
    for (let p = 0; p < this.P; p++) {
      const b = this.portQBytes[p];
      if (b <= 0 || this.isHost[this.portFrom[p]]) continue;
      if (this.sN >= this.sampleCap) break;
      if (this.sN >= this.sPort.length) {
        const n = this.sPort.length * 2;
        const np = new Int32Array(n);
        np.set(this.sPort);
        this.sPort = np;
        const nt = new Float64Array(n);
        nt.set(this.sT);
        this.sT = nt;
        const nb = new Float64Array(n);
        nb.set(this.sB);
        this.sB = nb;
      }
      this.sPort[this.sN] = p;
      this.sT[this.sN] = this.now;
      this.sB[this.sN] = b;
      this.sN++;
    }
    if (this.doneFlows < this.F) this.q.push(this.now + this.net.sampleIntervalPs, EV_SAMPLE, 0, 0);
  }

  private result(wallMs: number, peakRss: number): Result {
    const f = this.f;
    const T = this.now;
    // Close open pause intervals at the end of the run.
    for (let k = 0; k < this.P * NC; k++)
      if (this.pauseBegin[k] >= 0) this.c.pausedPs += Math.min(T, this.pausedUntil[k]) - this.pauseBegin[k];
    this.c.drops = this.c.bufferDrops + this.c.lossDrops + this.c.failureDrops;
    const flows: FlowResult[] = [];
    const tasks = this.program.transfers;
    for (let i = 0; i < this.F; i++) {
      // Plain flows only: the tasks of collectives, jobs and services are summarized in `ops`.
      if (tasks[i].op !== -1 || this.tKind[i] !== K_TRANSFER) continue;
      const end = this.fEnd[i];
      const start = this.tasks.readyPs[i] >= 0 ? this.tasks.readyPs[i] : this.fStart[i];
      const fct = end >= 0 ? end - start : -1;
      const ideal = this.standaloneFct(i);
      flows.push({
        id: i,
        src: f.nodes[this.fSrc[i]].name,
        dst: f.nodes[this.fDst[i]].name,
        bytes: this.fBytes[i],
        startPs: start,
        endPs: end,
        fctPs: fct,
        idealFctPs: ideal,
        slowdown: fct >= 0 ? Math.max(1, fct / ideal) : -1,
        retransmittedBytes: this.fRetx[i],
        ...(this.progress ? { progress: this.progress[i] } : {}),
      });
    }
    // Ports: every switch egress port that queued anything, plus the busiest host ports.
    for (let p = 0; p < this.P; p++) this.touchQueue(p);
    const series = new Map<number, [number, number][]>();
    for (let i = 0; i < this.sN; i++) {
      const p = this.sPort[i];
      let s = series.get(p);
      if (!s) {
        s = [];
        series.set(p, s);
      }
      s.push([this.sT[i], this.sB[i]]);
    }
    const order = Array.from({ length: this.P }, (_, p) => p)
      .filter((p) => this.maxQ[p] > 0 || this.busyPs[p] > 0)
      .sort((a, b) => this.maxQ[b] - this.maxQ[a] || this.busyPs[b] - this.busyPs[a] || a - b)
      .slice(0, 64);
    const ports: PortStats[] = order.map((p) => {
      const link = f.links[p >> 1];
      const from = f.nodes[this.portFrom[p]];
      const to = f.nodes[this.portTo[p]];
      const port = p & 1 ? link.bPort : link.aPort;
      return {
        port: `${from.name}:${port}`,
        node: from.name,
        peer: to.name,
        rateGbps: link.rateBps / 1e9,
        maxQueueBytes: this.maxQ[p],
        meanQueueBytes: T > 0 ? this.qIntegral[p] / T : 0,
        utilization: T > 0 ? Math.min(1, this.busyPs[p] / T) : 0,
        series: series.get(p) ?? [],
      };
    });
    const invariants = this.invariants();
    const opSummary =
      this.program.ops.length > 0
        ? (() => {
            const t = opTimesFromTasks(this.program, this.tasks.taskStartPs, this.tasks.taskEndPs);
            return summarizeOps(this.program, t.startPs, t.endPs);
          })()
        : null;
    return {
      version: RESULT_VERSION,
      engine: 'packet',
      scenario: this.opts.name ?? 'scenario',
      seed: this.opts.seed,
      simulatedPs: T,
      completed: this.doneFlows === this.F,
      flows,
      ...(opSummary ? { ops: opSummary.ops, iterations: opSummary.iterations } : {}),
      links: this.linkStats(T),
      traffic: this.trafficShare(),
      counters: { ...this.c },
      ports,
      invariants,
      stats: {
        events: this.events,
        wallMs: Math.round(wallMs),
        eventsPerSec: wallMs > 0 ? Math.round(this.events / (wallMs / 1000)) : 0,
        peakRssMB: Math.round(peakRss / 1e6),
      },
    };
  }

  /** Load per directed link that carried anything: wire bytes (frames, preamble and gap) of every packet. */
  private linkStats(runPs: number): LinkStats[] {
    const f = this.f;
    const out: LinkStats[] = [];
    for (let p = 0; p < this.P; p++) {
      const bytes = this.portBytes[p];
      if (bytes <= 0) continue;
      const link = f.links[p >> 1];
      const from = f.nodes[this.portFrom[p]];
      const to = f.nodes[this.portTo[p]];
      out.push({
        link: `${from.name} -> ${to.name}`,
        tiers: `${f.nodes[link.a].role}-${f.nodes[link.b].role}`,
        rateGbps: link.rateBps / 1e9,
        bytes,
        utilization: runPs > 0 ? (bytes * 8e12) / (link.rateBps * runPs) : 0,
      });
    }
    return out;
  }

  /** Delivered payload between hosts (east-west) and to or from the border (north-south). */
  private trafficShare(): TrafficShare {
    const border = this.f.border;
    let ew = 0;
    let ns = 0;
    for (let i = 0; i < this.F; i++) {
      if (this.tKind[i] !== K_TRANSFER) continue;
      if (this.fSrc[i] === border || this.fDst[i] === border) ns += this.fDelivered[i];
      else ew += this.fDelivered[i];
    }
    return { eastWestBytes: ew, northSouthBytes: ns, eastWestShare: ew + ns > 0 ? ew / (ew + ns) : 0 };
  }

  /**
   * Standalone FCT on an idle fabric, FCT-01's definition (HPCC third.cc): base RTT (propagation both ways,
   * one packet's payload serialized at every hop, switch latency both ways) plus every byte with its headers
   * at the bottleneck rate.
   */
  private standaloneFct(i: number): number {
    const path = this.routing.paths(this.fSrc[i] as NodeId, this.fDst[i] as NodeId, 1)[0] ?? [];
    let rtt = 0;
    let minRate = Number.POSITIVE_INFINITY;
    let at = this.fSrc[i];
    const packet = Math.min(this.net.mtu, this.fBytes[i]);
    for (const l of path) {
      const link = this.f.links[l];
      const next = link.a === at ? link.b : link.a;
      rtt += 2 * this.net.propPs(l) + (packet * 8e12) / link.rateBps;
      if (!this.isHost[next]) rtt += 2 * this.latencyPs[next];
      if (link.rateBps < minRate) minRate = link.rateBps;
      at = next;
    }
    const total = this.fBytes[i] + this.fPkts[i] * (this.net.headerBytes + this.net.wireOverheadBytes);
    return rtt + (total * 8e12) / minRate;
  }

  /** Each invariant is counted on its own, not derived from the others. */
  private invariants(): InvariantCheck[] {
    let inFlight = 0;
    for (let i = 0; i < this.cap; i++) {
      const bits = this.pk[i * PK + PK_BITS];
      if (bits & B_LIVE && (bits & 3) === T_DATA) inFlight += this.pk[i * PK + PK_PAYLOAD];
    }
    const conserved = this.sentPayload === this.c.deliveredBytes + this.droppedPayload + inFlight;
    let overShared = 0;
    let overHdrm = 0;
    for (let n = 0; n < this.N; n++)
      if (!this.isHost[n] && this.maxShared[n] > this.bufferBytes[n] - this.hdrmReserved[n] + 1e-6) overShared++;
    for (let k = 0; k < this.P * NC; k++) if (this.maxHdrm[k] > this.hdrmCap[Math.floor(k / NC)] + 1e-6) overHdrm++;
    // A transfer is finished when its sender has every byte acknowledged, a delay when its last repetition ends.
    let unfinished = 0;
    for (let i = 0; i < this.F; i++)
      if (this.tKind[i] === K_TRANSFER ? this.fEnd[i] < 0 : this.tasks.finishedReps[i] < this.tasks.g.repeat[i])
        unfinished++;
    return [
      {
        name: 'bytes conserved',
        ok: conserved,
        detail: `sent ${this.sentPayload} = delivered ${this.c.deliveredBytes} + dropped ${this.droppedPayload} + in flight ${inFlight}`,
      },
      {
        name: 'no queue above its buffer',
        ok: overShared === 0 && overHdrm === 0,
        detail: `${overShared} switches over their shared buffer, ${overHdrm} ingress queues over their headroom`,
      },
      {
        name: 'lossless class never drops from overflow',
        ok: !this.net.pfc || this.losslessOverflowDrops === 0,
        detail: this.net.pfc
          ? `${this.losslessOverflowDrops} overflow drops in the PFC-protected class`
          : 'PFC off: the RoCE class is lossy',
      },
      {
        name: 'time never runs backwards',
        ok: this.timeBackwards === 0,
        detail: `${this.timeBackwards} events earlier than the clock`,
      },
      {
        name: 'every flow completed',
        ok: unfinished === 0,
        detail: `${this.F - unfinished} of ${this.F} tasks finished by t=${this.now} ps`,
      },
    ];
  }
}

/** How long a PFC pause of `quanta` lasts at a port speed: one quantum is 512 bit times (PFC-01). */
export function pauseDurationPs(quanta: number, rateBps: number): number {
  return Math.round((quanta * 512 * 1e12) / rateBps);
}
