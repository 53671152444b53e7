// The packet engine as an inference service's network (engine/inference/network.ts RequestNetwork; issue 18):
// transfers start at any time, as packets on the engine's own elements, and are handed back when their last
// byte reaches the receiver. Alongside, a program's tasks (a training job) may run on the same elements.
//
//   start(now) ─► a free slot QP of the sender (its stream moved on: streamQp) ─► packets ─► ... ─► receiver has
//   the last byte (tasks.ts slotDelivered: the delivery, reported at the next whole ns) ─► sender has the last
//   ACK (the NIC's fEnd: the slot is free again at the next reclaim; a transfer waiting for one starts)
//
// Slots: each sending node (border0, the service's hosts, storage nodes) has a fixed pool of QPs, appended to
// the program's tasks; a slot carries one transfer at a time, its stream continuing across transfers
// (request-slots.ts streamQp), its window and rate kept (a pooled, warm connection: Linux with tcp_slow_start_after_idle = 0).
// A transfer that finds every slot of its sender busy waits for the first to free (counted in `waited`).
// Transport: north-south transfers (to or from border0: requests, responses) are TCP with DCTCP on the lossy
// class (ECN at network.tcp.k, the DCTCP paper's marking; NewReno without ECN if the service asks); east-west ones (KV caches between hosts, storage) are
// RoCE QPs on the lossless class with the network's congestion control (DCQCN by default). Streamed tokens are
// not packets: messageDelayNs reads the queues on their path now (request-probe.ts), which a token of a few
// bytes does not change; their jitter is the queues' at the microsecond.
// Time: the engine (stepper.ts) runs in ps; the service in whole ns: advance(t) runs every packet event up to
// t ns and reports what was delivered in (t - 1, t] at t.
// Failures (network.failures, queued by stepper.ts): packets on a failed link are lost and the transport resends
// them (TCP's RTO and fast retransmit, RoCE's go-back-N and timer), on the path the switches take once routing has
// learned of it. A transfer whose destination the routing view can no longer reach fails when routing learns of
// it (the fluid network's rule, flow/fluid.ts), a new one at once, and one whose QP gives up (retry exceeded) then:
// the service retries it and ejects the replica (outcome.ts). Its slot's QP is halted (no more sending, its
// receiver takes no more) and is reused past every sequence number it sent.
// Leaves out the packet engine's per-port samples and FCT rows (the service reports its requests).
import type { Fabric, NodeId } from '../../fabric/types.ts';
import type { Counters } from '../../result/types.ts';
import type { TrafficProgram } from '../../workload/program.ts';
import { LogHistogram } from '../core/histogram.ts';
import type { NetworkConfig } from '../core/network.ts';
import type { Nics } from './nic.ts';
import { spreadQpPorts } from './qp-setup.ts';
import { PathProbe } from './request-probe.ts';
import { haltQp, streamQp, withSlots } from './request-slots.ts';
import { PacketStepper } from './stepper.ts';
import type { Tasks } from './tasks.ts';
import { TR_DCTCP, TR_ROCE } from './tcp.ts';

/**
 * Slots per sending node and transport: transfers in flight at once from one node before the next waits (a real-
 * time replica has at most 8 frames in service; border0 has twice this many).
 */
export const SLOTS_PER_SENDER = 64;

export interface PacketRequestOptions {
  seed: number;
  /** The nodes that send transfers (border0, the replicas' hosts, storage nodes). */
  senders: readonly number[];
  /** border0's node id, or -1: transfers to or from it are north-south (TCP). */
  border: number;
  /** Tasks to run beside the transfers (a training job), and their transports (tcp.ts transportsOf). */
  program?: TrafficProgram;
  transports?: Uint8Array;
  slotsPerSender?: number;
  /** TCP of the north-south slots: tcp.ts TR_DCTCP (default) or TR_NEWRENO. */
  northSouth?: number;
  /** With network.classes: the service's traffic class, every slot's queue at the ports (else by transport). */
  serviceClass?: string;
}

/** Counts of the request network (bytes: the transfers' payload). */
export interface PacketRequestStats {
  transfersStarted: number;
  transfersDelivered: number;
  transfersFailed: number;
  bytesStarted: number;
  bytesDelivered: number;
  bytesFailed: number;
  bytesInFlight: number;
  /**
   * Payload the slots' receivers took in order (the NICs' count, plus transfers to self): delivered + what failed
   * transfers got before they failed (failedPartBytes) + what live transfers got so far.
   */
  slotPayloadDelivered: number;
  failedPartBytes: number;
  messageBytes: number;
  /** Transfers that waited for a free slot of their sender. */
  waited: number;
  events: number;
  counters: Counters;
}

export class PacketRequestNetwork {
  /** The engine's elements, stepped to the service's times. */
  readonly sim: PacketStepper;
  readonly nics: Nics;
  readonly tasks: Tasks;
  private readonly probe: PathProbe;
  private readonly hashes: Uint32Array;
  private readonly border: number;
  /** First slot QP; per node: its first slot, or -1 (not a sender); S slots per transport from there. */
  readonly slotBase: number;
  private readonly S: number;
  private readonly firstSlot: Int32Array;
  /** Free slots per (sender, transport): a stack each, at [2 (sender index) + tcp] * S. */
  private readonly freeStack: Int32Array;
  private readonly freeTop: Int32Array;
  private readonly senderIndex: Int32Array;
  private readonly senders: readonly number[];
  /** Transfers waiting for a slot, per (sender, transport): flattened [dst, bytes, hash, tag]; and their count. */
  private readonly waiting: number[][];
  private nWaiting = 0;
  /** Slots delivered whose sender may still wait for the last ACK (reclaim frees them once it has it). */
  private readonly unacked: number[] = [];
  private readonly mtu: number;
  private readonly minRtoPs: number;
  // Per slot (index fl - slotBase): the transfer it carries.
  private readonly sTag: Float64Array;
  private readonly sBytes: Float64Array;
  private readonly sLive: Uint8Array;
  /** The NIC's delivered count of the slot when it was loaded (fDelivered grows over the slot's transfers). */
  private readonly sDelivered0: Float64Array;
  /** Tags delivered since the last advance (reported at its end), and transfers to self (delivered at once). */
  private doneTags: number[] = [];
  /** Tags of transfers failed since the last advance (reported at its end, ok false). */
  private failTags: number[] = [];
  /** When routing learns of a failure or recovery (ps, ascending), and the next one not yet passed. */
  private readonly routeAt: number[];
  private nextRoute = 0;
  private failed = 0;
  private bytesFailed = 0;
  private failedPart = 0;
  private readonly one = { qp: new Int32Array(1), ack: new Int32Array(1), multi: new Uint8Array(0) };
  private nowNs = 0;
  private started = 0;
  private delivered = 0;
  private bytesStarted = 0;
  private bytesDelivered = 0;
  private messageBytes = 0;
  private waited = 0;
  /** Each message's (streamed token's) delay, ns. */
  private readonly tokenDelays = new LogHistogram();
  private selfBytes = 0;

  constructor(
    private readonly f: Fabric,
    net: NetworkConfig,
    opts: PacketRequestOptions,
  ) {
    this.border = opts.border;
    this.mtu = net.mtu;
    this.minRtoPs = net.tcp.minRtoPs;
    const S = opts.slotsPerSender ?? SLOTS_PER_SENDER;
    this.S = S;
    const senders = [...new Set(opts.senders)];
    this.senders = senders;
    const base = opts.program?.transfers ?? [];
    this.slotBase = base.length;
    const { transfers, transports } = withSlots(
      f,
      base,
      opts.transports,
      senders,
      opts.border,
      S,
      opts.northSouth ?? TR_DCTCP,
    );
    this.transports = transports;
    const program: TrafficProgram = { transfers, ops: opts.program?.ops ?? [], itemClass: opts.program?.itemClass };
    const sim = new PacketStepper(f, net, program, transports, opts.seed, opts.border >= 0 ? [opts.border] : []);
    this.sim = sim;
    this.nics = sim.nics;
    const q = net.portClasses?.queueOf(opts.serviceClass ?? 'lossy') ?? -1;
    if (q > 0) this.nics.fClass.fill(q, this.slotBase);
    this.tasks = sim.tasks;
    this.hashes = sim.hashes;
    this.probe = new PathProbe(f, sim.topo, sim.ports, sim.pool, net);
    this.one.multi = new Uint8Array(sim.topo.N);

    // Slot tables, and the hooks by which the NICs and tasks hand a slot's delivery and last ACK back here.
    this.firstSlot = new Int32Array(f.nodes.length).fill(-1);
    this.senderIndex = new Int32Array(f.nodes.length).fill(-1);
    senders.forEach((n, i) => {
      this.firstSlot[n] = this.slotBase + 2 * S * i;
      this.senderIndex[n] = i;
    });
    const nS = 2 * S * senders.length;
    this.freeStack = new Int32Array(nS);
    this.freeTop = new Int32Array(2 * senders.length);
    for (let k = 0; k < 2 * senders.length; k++) {
      for (let j = 0; j < S; j++) this.freeStack[k * S + j] = this.slotBase + k * S + (S - 1 - j);
      this.freeTop[k] = S;
    }
    this.waiting = Array.from({ length: 2 * senders.length }, () => []);
    this.sTag = new Float64Array(nS);
    this.sBytes = new Float64Array(nS);
    this.sLive = new Uint8Array(nS);
    this.sDelivered0 = new Float64Array(nS);
    this.tasks.slotBase = this.slotBase;
    this.tasks.slotDelivered = (fl) => this.deliveredSlot(fl);
    this.nics.onQpError = (fl) => {
      if (fl >= this.slotBase) this.failSlot(fl);
    };
    this.routeAt = net.failures
      .flatMap((x) => (x.untilPs === null ? [x.atPs] : [x.atPs, x.untilPs]))
      .map((t) => t + net.detectionDelayPs)
      .sort((a, b) => a - b);
    sim.startTasks(this.slotBase);
  }

  private readonly transports: Uint8Array;

  // ---- RequestNetwork ------------------------------------------------------------------------------

  start(nowNs: number, src: number, dst: number, bytes: number, flowHash: number, tag: number): number {
    this.moveTo(nowNs);
    this.started++;
    this.bytesStarted += bytes;
    if (this.routeAt.length > 0 && !this.reachable(src, dst)) {
      this.failed++;
      this.bytesFailed += bytes;
      this.failTags.push(tag);
      return this.started - 1;
    }
    if (src === dst) {
      this.selfBytes += bytes;
      this.bytesDelivered += bytes;
      this.delivered++;
      this.doneTags.push(tag);
      return this.started - 1;
    }
    const i = this.senderIndex[src];
    if (i < 0) throw new Error(`internal: ${this.f.nodes[src].name} sends, but was not given slots`);
    // Slots acknowledged since go back first, on top of their stacks: a warm connection is reused before a cold one.
    if (this.unacked.length > 0) this.reclaim();
    let k = 2 * i + (this.northSouth(src, dst) ? 1 : 0);
    // border0's two halves are both TCP (withSlots): the second when the first is taken.
    if (src === this.border && this.freeTop[k] === 0) k = 2 * i;
    if (this.freeTop[k] === 0) {
      this.waited++;
      this.nWaiting++;
      this.waiting[k].push(dst, bytes, flowHash >>> 0, tag);
    } else this.load(this.freeStack[k * this.S + --this.freeTop[k]], dst, bytes, flowHash >>> 0, tag);
    return this.started - 1;
  }

  /** The service's time (ns): the last time advanced to or started at. */
  get timeNs(): number {
    return this.nowNs;
  }

  /** The next packet event's time, rounded up to a whole ns (now when a transfer to self is due). */
  nextTime(): number {
    if (this.doneTags.length > 0 || this.failTags.length > 0) return this.nowNs;
    const t = this.sim.clock.q.peekTime();
    return t === Number.POSITIVE_INFINITY ? t : Math.max(Math.ceil(t / 1000), this.nowNs);
  }

  advance(t: number, onDone: (tag: number, ok: boolean) => void): void {
    if (t < this.nowNs) throw new RangeError(`advance(${t}): time is already ${this.nowNs} ns`);
    this.sim.runTo(t * 1000);
    this.nowNs = t;
    if (this.nextRoute < this.routeAt.length && this.routeAt[this.nextRoute] <= t * 1000) {
      while (this.nextRoute < this.routeAt.length && this.routeAt[this.nextRoute] <= t * 1000) this.nextRoute++;
      this.failUnreachable();
    }
    if (this.nWaiting > 0) this.reclaim();
    const done = this.doneTags;
    this.doneTags = [];
    for (let i = 0; i < done.length; i++) onDone(done[i], true);
    const failed = this.failTags;
    this.failTags = [];
    for (let i = 0; i < failed.length; i++) onDone(failed[i], false);
  }

  messageDelayNs(_nowNs: number, src: number, dst: number, bytes: number, flowHash: number): number {
    if (src === dst) return 0;
    const view = this.sim.switches.view;
    if (!this.probe.walk(src, dst, flowHash >>> 0, view)) return Number.POSITIVE_INFINITY;
    // Lost on a failed link: its connection resends it after the RTO (RFC 6298: max(minRto, SRTT + 4 RTTVAR), the
    // minimum at microsecond RTTs), around the link.
    let resend = 0;
    if (this.probe.crossesDown()) {
      if (!this.probe.walk(src, dst, flowHash >>> 0, view, true)) return Number.POSITIVE_INFINITY;
      resend = this.minRtoPs;
    }
    this.messageBytes += bytes;
    const d = Math.ceil((resend + this.probe.messagePs(bytes)) / 1000);
    this.tokenDelays.add(d);
    return d;
  }

  unloadedDelayNs(src: number, dst: number, bytes: number, flowHash: number): number {
    if (src === dst) return 0;
    if (!this.probe.walk(src, dst, flowHash >>> 0, this.sim.switches.view)) return Number.POSITIVE_INFINITY;
    return Math.ceil(this.probe.unloadedPs(bytes, this.northSouth(src, dst)) / 1000);
  }

  /** Idle-path time (ps) of task t's `bytes` on its own path (its hash), for a job's flow rows. */
  idealFctPs(src: number, dst: number, bytes: number, t: number): number {
    if (!this.probe.walk(src, dst, this.hashes[t])) return -1;
    return this.probe.unloadedPs(bytes, this.transports[t] !== TR_ROCE);
  }

  // ---- the engine ----------------------------------------------------------------------------------

  /** The engine's time (ns) moves to t: nothing may be due before it. */
  private moveTo(nowNs: number): void {
    if (nowNs < this.nowNs) throw new RangeError(`time ${nowNs} ns is before the current ${this.nowNs} ns`);
    if (this.sim.clock.q.peekTime() < nowNs * 1000)
      throw new Error(`packet events are due before ${nowNs} ns: advance() to ${nowNs} first`);
    this.nowNs = nowNs;
    this.sim.clock.now = nowNs * 1000;
  }

  // ---- slots ---------------------------------------------------------------------------------------

  private northSouth(src: number, dst: number): boolean {
    return src === this.border || dst === this.border;
  }

  /** Slot fl carries the transfer now: its hash (the switches' ECMP input), ports, and the NIC's stream. */
  private load(fl: number, dst: number, bytes: number, hash: number, tag: number): void {
    const s = fl - this.slotBase;
    this.hashes[fl] = hash;
    const nics = this.nics;
    nics.fDst[fl] = dst;
    // The ends' own ports (spreadQpPorts changes them on hosts of several links): not the last destination's.
    this.one.qp[0] = this.sim.topo.hostPort[nics.fSrc[fl]];
    this.one.ack[0] = this.sim.topo.hostPort[dst];
    const sub = (a: Int32Array) => a.subarray(fl, fl + 1);
    spreadQpPorts(this.f, this.sim.topo, sub(nics.fSrc), sub(nics.fDst), this.hashes.subarray(fl, fl + 1), this.one);
    nics.qpPort[fl] = this.one.qp[0];
    nics.ackPort[fl] = this.one.ack[0];
    // After a detected failure, among the live ports (failover.ts), as the QPs in flight were moved.
    if (this.sim.failover !== null && this.sim.switches.view.anyDown) this.sim.failover.repathQp(fl);
    this.sTag[s] = tag;
    this.sBytes[s] = bytes;
    this.sLive[s] = 1;
    this.sDelivered0[s] = nics.fDelivered[fl];
    streamQp(nics, fl, dst, bytes, this.mtu, this.sim.clock.now);
    this.sim.ports.tryStart(nics.qpPort[fl]);
  }

  /** The receiver has slot fl's last byte: the transfer is delivered (reported at the end of this advance). */
  private deliveredSlot(fl: number): void {
    const s = fl - this.slotBase;
    if (!this.sLive[s]) return;
    this.sLive[s] = 0;
    this.delivered++;
    this.bytesDelivered += this.sBytes[s];
    this.doneTags.push(this.sTag[s]);
    this.unacked.push(fl);
  }

  // ---- failures ------------------------------------------------------------------------------------

  /** Can src still reach dst in the switches' routing view (over one of its own links)? */
  private reachable(src: number, dst: number): boolean {
    const view = this.sim.switches.view;
    if (src === dst || !view.anyDown) return true;
    return view.aliveCount(src, dst, this.f.routing.count(src as NodeId, dst as NodeId)) > 0;
  }

  /**
   * Routing learned of a failure or recovery: transfers (live, waiting, or delivered and waiting for their last
   * ACK) whose destination it can no longer reach are given up.
   */
  private failUnreachable(): void {
    const n = this.nics;
    for (let s = 0; s < this.sLive.length; s++) {
      const fl = this.slotBase + s;
      if (this.sLive[s] && !this.reachable(n.fSrc[fl], n.fDst[fl])) this.failSlot(fl);
    }
    for (const fl of this.unacked) if (n.fEnd[fl] < 0 && !this.reachable(n.fSrc[fl], n.fDst[fl])) this.halt(fl);
    if (this.nWaiting === 0) return;
    for (let k = 0; k < this.waiting.length; k++) {
      const w = this.waiting[k];
      const src = this.senders[k >> 1];
      let keep = 0;
      for (let j = 0; j < w.length; j += 4) {
        if (this.reachable(src, w[j])) {
          for (let x = 0; x < 4; x++) w[keep + x] = w[j + x];
          keep += 4;
          continue;
        }
        this.nWaiting--;
        this.failed++;
        this.bytesFailed += w[j + 1];
        this.failTags.push(w[j + 3]);
      }
      w.length = keep;
    }
  }

  /** Slot fl's transfer fails now (reported at the end of this advance); its QP is halted. */
  private failSlot(fl: number): void {
    const s = fl - this.slotBase;
    if (this.sLive[s]) {
      this.sLive[s] = 0;
      this.failed++;
      this.bytesFailed += this.sBytes[s];
      this.failedPart += this.nics.fDelivered[fl] - this.sDelivered0[s];
      this.failTags.push(this.sTag[s]);
      this.unacked.push(fl);
    }
    this.halt(fl);
  }

  /** Halts slot fl's QP (request-slots.ts haltQp), unless it already ended. */
  private halt(fl: number): void {
    if (this.nics.fEnd[fl] < 0) haltQp(this.nics, fl, this.sim.clock.now);
  }

  /**
   * Slots whose sender has since had every byte acknowledged (the NIC's fEnd) are free again; transfers waiting
   * take them. Asked for at each start (so a warm slot is reused first), and after each advance while any
   * transfer waits.
   */
  private reclaim(): void {
    const nics = this.nics;
    let keep = 0;
    for (const fl of this.unacked) {
      if (nics.fEnd[fl] < 0) {
        this.unacked[keep++] = fl;
        continue;
      }
      const src = nics.fSrc[fl];
      const k = 2 * this.senderIndex[src] + (fl - this.firstSlot[src] >= this.S ? 1 : 0);
      this.freeStack[k * this.S + this.freeTop[k]++] = fl;
    }
    this.unacked.length = keep;
    if (this.nWaiting === 0) return;
    for (let k = 0; k < this.waiting.length; k++) {
      const w = this.waiting[k];
      while (w.length > 0 && this.freeTop[k] > 0) {
        const [dst, bytes, hash, tag] = w.splice(0, 4);
        this.nWaiting--;
        this.load(this.freeStack[k * this.S + --this.freeTop[k]], dst, bytes, hash, tag);
      }
    }
  }

  /** The streamed tokens' network delays (us): percentiles and the jitter p99 - p50; null when none was sent. */
  tokenNetworkUs(): { count: number; p50: number; p99: number; p999: number; jitter: number } | null {
    const h = this.tokenDelays;
    if (h.count === 0) return null;
    const [p50, p99, p999] = [0.5, 0.99, 0.999].map((q) => h.quantile(q) / 1000);
    return { count: h.count, p50, p99, p999, jitter: p99 - p50 };
  }

  stats(): PacketRequestStats {
    let inFlight = 0;
    for (let s = 0; s < this.sLive.length; s++) if (this.sLive[s]) inFlight += this.sBytes[s];
    for (const w of this.waiting) for (let j = 1; j < w.length; j += 4) inFlight += w[j];
    let slotPayload = 0;
    for (let s = 0; s < this.sLive.length; s++) slotPayload += this.nics.fDelivered[this.slotBase + s];
    return {
      transfersStarted: this.started,
      transfersDelivered: this.delivered,
      transfersFailed: this.failed,
      bytesStarted: this.bytesStarted,
      bytesDelivered: this.bytesDelivered,
      bytesFailed: this.bytesFailed,
      bytesInFlight: inFlight,
      slotPayloadDelivered: slotPayload + this.selfBytes,
      failedPartBytes: this.failedPart,
      messageBytes: this.messageBytes,
      waited: this.waited,
      events: this.sim.events,
      counters: this.sim.counters,
    };
  }
}
