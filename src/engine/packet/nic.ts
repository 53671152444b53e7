// RoCEv2 NICs: one queue pair per transfer task, sending from the source host and receiving at the destination.
// Sender: round robin over the host's QPs that may send, each paced at its DCQCN rate (dcqcn.ts), behind a
// send gate that the task driver opens one repetition at a time (a QP's repetitions are one byte stream, each
// packetized on its own, its last packet possibly short); go-back-N on a NAK or a retransmission timeout.
// Receiver: in-order delivery, an ACK every `ackEvery` packets and at every repetition's end, one NAK per gap,
// and CNPs (at most one per interval, per QP or per receiving port) for CE-marked data. With HPCC instead
// (hpcc.ts) a QP is paced at HPCC's rate and held to its window, every packet carries INT bytes, and each ACK
// echoes the INT of its data packet.
// Retransmission timer as a ConnectX QP has it: a first timeout (4.096 us x 2^n, network.ts), doubled after each
// timeout without progress, and the QP's error state after `retryCount` of them. Leaves out QP connection setup,
// read and atomic verbs, selective repeat, RNR retries, and the NIC's own buffers and PCIe (packets are made when
// the port can send them).
import type { Fabric } from '../../fabric/types.ts';
import type { Counters } from '../../result/types.ts';
import type { TrafficProgram } from '../../workload/program.ts';
import type { NetworkConfig } from '../core/network.ts';
import type { TaskDriver } from '../core/task-graph.ts';
import { DcqcnNp, type DcqcnParams, DcqcnRp } from './dcqcn.ts';
import { type Clock, EVENT_KINDS } from './events.ts';
import { HpccSender } from './hpcc.ts';
import { PACKET_LAYOUT, type PacketPool } from './packets.ts';
import { ACK_EXTRA, CNP_EXTRA, type Ports } from './port.ts';
import { dcqcnPerQp, hostQps, hpccWire, sizeQps, spreadQpPorts } from './qp-setup.ts';
import { TCP_RETRIES, TcpFlows } from './tcp.ts';
import { TcpNic } from './tcp-nic.ts';
import type { Topology } from './topology.ts';

const { EV_ALPHA_TIMER, EV_HOST_WAKE, EV_RATE_TIMER, EV_RTO } = EVENT_KINDS;
const { B_ECN, C_CTRL, INT_REC, PK, PK_BITS, PK_FLOW, T_ACK, T_CNP, T_DATA, T_NAK } = PACKET_LAYOUT;

export class Nics {
  /** Per QP (indexed by task id; delays have none): endpoints, traffic class of its data, sizes. The stream's
   * state is readable: request-network.ts moves a slot QP's on to its next transfer. */
  readonly fSrc: Int32Array;
  readonly fDst: Int32Array;
  readonly fClass: Uint8Array;
  /** Bytes over all repetitions. */
  readonly fBytes: Float64Array;
  /** Packets over all repetitions, packets per repetition, and the payload of a repetition's last packet. */
  readonly fPkts: Int32Array;
  readonly fPpr: Int32Array;
  readonly fLastPayload: Int32Array;
  /** Send gate: the sender may send packets with seq < gate (0 until repetition 0 may start). */
  readonly gate: Int32Array;
  readonly sndNxt: Int32Array;
  readonly sndUna: Int32Array;
  readonly highSent: Int32Array;
  readonly nextSend: Float64Array;
  /** When the sender had every byte acknowledged, or -1. */
  readonly fEnd: Float64Array;
  readonly fRetx: Float64Array;
  readonly fDelivered: Float64Array;
  /** Retransmission timer, lazily: an ACK that makes progress moves the deadline; a QP keeps one timer event
   * queued, which re-arms at the deadline if it moved (one event per ACK left dead timers that missed the cache). */
  readonly rtoArmed: Uint8Array;
  private readonly rtoAt: Float64Array;
  private readonly rtoQueued: Uint8Array;
  /** Timeouts in a row without progress (the back-off exponent and the retry count). */
  readonly retries: Int32Array;
  /** The QP's packets lost (pool.lostByFlow) at its last progress: none lost since means a spurious timeout. */
  private readonly lostAtProgress: Int32Array;
  /** The QP gave up after `retryCount` timeouts (IBTA retry exceeded; then onQpError): it sends nothing more. */
  readonly failed: Uint8Array;
  onQpError: ((fl: number) => void) | null = null;
  // Receiver state per QP: the next packet expected in order (reduce.ts streams what arrived below it).
  readonly expected: Int32Array;
  readonly nakSent: Uint8Array;
  readonly ackCount: Int32Array;
  /** Each host's QPs (CSR), the round-robin position of each of its ports, and its pending wake-up (or -1). */
  private readonly hostFlowsStart: Int32Array;
  private readonly hostFlows: Int32Array;
  private readonly rr: Int32Array;
  private readonly wakeAt: Float64Array;
  /** Each QP's send and answer port: the host's only one, or on a host of several (planes, dual-homing) the flow
   * hash's (spreadPorts; failover.ts moves it off a dead port). `multiPort` hosts' ports ask only for their own
   * QPs; `adj` is the fabric's adjacency, to wake every port of one. */
  readonly qpPort: Int32Array;
  readonly ackPort: Int32Array;
  readonly multiPort: Uint8Array;
  private adjStart: Int32Array = new Int32Array(0);
  private adjLinks: Int32Array = new Int32Array(0);
  /** Payload of data packets sent (the bytes-conserved invariant). */
  sentPayload = 0;
  readonly rp: DcqcnRp;
  private readonly np: DcqcnNp;
  /** The NP's pacing key is the receiving host (ConnectX: per port), else the QP (DCQCN-04: per flow). */
  private readonly cnpPerPort: boolean;
  private readonly qpParams: DcqcnParams[];
  /** HPCC senders (empty unless HPCC is on), and the INT bytes each QP's packets carry. */
  readonly hp: HpccSender;
  private readonly hpccOn: boolean;
  private readonly fInt: Int32Array;
  /** Its largest frame on the wire (HPCC re-times the packet in pacing when its rate changes). */
  private readonly fWire: Float64Array;
  /** Pacing: each QP's rate (DCQCN's R_C or HPCC's W / T) when a congestion control is on. */
  private readonly paced: boolean;
  private readonly rate: Float64Array;
  /** TCP tasks (tcp.ts): their window and recovery; `tcpOn` is false when every task runs RoCE. */
  readonly tcp: TcpFlows;
  private readonly tcpOn: boolean;
  private readonly tcpNic: TcpNic;
  /** Repetitions a TCP receiver completed beyond the one receive() returned (an ACK may jump over several). */
  moreReps = 0;

  constructor(
    private readonly clock: Clock,
    private readonly topo: Topology,
    private readonly pool: PacketPool,
    private readonly ports: Ports,
    private readonly tasks: TaskDriver,
    private readonly net: NetworkConfig,
    private readonly c: Counters,
    program: TrafficProgram,
    transports: Uint8Array = new Uint8Array(program.transfers.length),
  ) {
    const T = program.transfers;
    const F = T.length;
    const N = topo.N;
    this.fSrc = new Int32Array(F);
    this.fDst = new Int32Array(F);
    this.fClass = new Uint8Array(F);
    this.fBytes = new Float64Array(F);
    this.fPkts = new Int32Array(F);
    this.fPpr = new Int32Array(F);
    this.fLastPayload = new Int32Array(F);
    this.gate = new Int32Array(F);
    this.sndNxt = new Int32Array(F);
    this.sndUna = new Int32Array(F);
    this.highSent = new Int32Array(F);
    this.nextSend = new Float64Array(F);
    this.fEnd = new Float64Array(F).fill(-1);
    this.fRetx = new Float64Array(F);
    this.fDelivered = new Float64Array(F);
    this.rtoArmed = new Uint8Array(F);
    this.rtoAt = new Float64Array(F);
    this.rtoQueued = new Uint8Array(F);
    this.retries = new Int32Array(F);
    this.lostAtProgress = new Int32Array(F);
    this.failed = new Uint8Array(F);
    pool.lostByFlow = new Int32Array(F);
    this.expected = new Int32Array(F);
    this.nakSent = new Uint8Array(F);
    this.ackCount = new Int32Array(F);
    const { fSrc, fDst, fClass, fPkts, fBytes, fPpr, fLastPayload } = this;
    const perHost = sizeQps(T, tasks.g, net.mtu, N, { fSrc, fDst, fClass, fPkts, fBytes, fPpr, fLastPayload });
    this.hostFlowsStart = perHost;
    this.hostFlows = hostQps(perHost, T, tasks.g.kind);
    this.rr = new Int32Array(topo.P);
    this.wakeAt = new Float64Array(N).fill(-1);
    this.qpPort = Int32Array.from(this.fSrc, (h) => topo.hostPort[h]);
    this.ackPort = Int32Array.from(this.fDst, (h) => topo.hostPort[h]);
    this.multiPort = new Uint8Array(N);
    const qpParams = dcqcnPerQp(this.fSrc, this.fDst, topo, net);
    this.qpParams = qpParams;
    this.rp = new DcqcnRp(F, (qp) => qpParams[qp]);
    this.cnpPerPort = net.cnpPerPort;
    this.np = new DcqcnNp(net.cnpPerPort ? N : F, net.cnpIntervalPs);
    this.hpccOn = net.hpccOn;
    this.hp = new HpccSender(net.hpccOn ? F : 0, (qp) => net.hpcc(topo.hostLineRate(this.fSrc[qp])));
    this.fInt = new Int32Array(F);
    this.fWire = new Float64Array(F);
    if (net.hpccOn) {
      pool.enableInt();
      hpccWire(net, tasks.g.kind, this.fSrc, this.fDst, this.fInt, this.fWire);
    }
    this.paced = net.ccOn || net.hpccOn;
    this.rate = net.hpccOn ? this.hp.rate : this.rp.rc;
    this.tcp = new TcpFlows(transports, net.tcp, net.mtu, this.sndNxt, this.sndUna, this.highSent);
    this.tcpOn = this.tcp.on;
    const { sndNxt, sndUna, highSent, expected, retries, lostAtProgress, rtoArmed } = this;
    this.tcpNic = new TcpNic(
      { clock, pool, c, topo, ports, net, tasks, tcp: this.tcp, nic: this },
      {
        ...{ sndNxt, sndUna, highSent, expected, retries, lostAtProgress, rtoArmed, fPpr, fLastPayload },
        ...{ fSrc: this.fSrc, fDst: this.fDst, fClass: this.fClass, fPkts: this.fPkts, fRetx: this.fRetx },
        ...{ fDelivered: this.fDelivered, fEnd: this.fEnd },
      },
    );
  }

  /** Each QP's send and answer port on hosts of several links (qp-setup.ts spreadQpPorts). */
  spreadPorts(f: Fabric, hashes: Uint32Array): void {
    this.adjStart = f.adjStart;
    this.adjLinks = f.adjLinks;
    spreadQpPorts(f, this.topo, this.fSrc, this.fDst, hashes, {
      qp: this.qpPort,
      ack: this.ackPort,
      multi: this.multiPort,
    });
  }

  /** The driver allowed QP t repetitions up to `reps` (from `before`): open its gate and let the host send. */
  open(t: number, before: number, reps: number): void {
    this.gate[t] = reps * this.fPpr[t];
    if (before === 0) this.nextSend[t] = this.clock.now;
    this.ports.tryStart(this.qpPort[t]);
  }

  /** A switch's reduction element lets its QP t send its packets below `pkts` (reduce.ts). */
  openTo(t: number, pkts: number): void {
    if (this.gate[t] === 0) this.nextSend[t] = this.clock.now;
    if (pkts > this.gate[t]) this.gate[t] = pkts;
    this.ports.tryStart(this.qpPort[t]);
  }

  /** A paced QP of host h may send now (EV_HOST_WAKE): on every port of a host of several. */
  wake(h: number): void {
    if (this.wakeAt[h] === this.clock.now) {
      this.wakeAt[h] = -1;
      if (!this.multiPort[h]) this.ports.tryStart(this.topo.hostPort[h]);
      else
        for (let i = this.adjStart[h]; i < this.adjStart[h + 1]; i++)
          this.ports.tryStart(this.topo.outPort(this.adjLinks[i], h));
    }
  }

  /**
   * The NIC's next data packet for port `port`: round robin over its QPs that may send now (DCQCN pacing), none of
   * a class whose bit is set in `blocked` (paused, or below the level the port serves: scheduler.ts).
   */
  nextDataPacket(h: number, blocked: number, port: number): number {
    const s = this.hostFlowsStart[h];
    const n = this.hostFlowsStart[h + 1] - s;
    if (n === 0) return -1;
    const now = this.clock.now;
    const onPort = this.multiPort[h] ? port : -1;
    let soonest = Number.POSITIVE_INFINITY;
    for (let j = 0; j < n; j++) {
      const slot = (this.rr[port] + j) % n;
      const fl = this.hostFlows[s + slot];
      if (this.tcpOn && this.tcp.kind[fl] !== 0) {
        if (this.failed[fl] || (blocked && (blocked >> this.fClass[fl]) & 1) || !this.tcp.canSend(fl, this.gate[fl]))
          continue;
        // On a host of several ports, a connection's segments leave by its own port only (no reordering).
        if (onPort >= 0 && this.qpPort[fl] !== onPort) continue;
        this.rr[port] = (slot + 1) % n;
        return this.tcpNic.send(fl);
      }
      // Past the gate: not started, waiting for a dependency, or everything sent (gate <= packets).
      if (this.sndNxt[fl] >= this.gate[fl] || this.failed[fl]) continue;
      if (onPort >= 0 && this.qpPort[fl] !== onPort) continue;
      if (blocked && (blocked >> this.fClass[fl]) & 1) continue;
      // HPCC's window: payload in flight stays below W (rdma-queue-pair.cc IsWinBound); an ACK reopens it.
      if (this.hpccOn && (this.sndNxt[fl] - this.sndUna[fl]) * this.net.mtu >= this.hp.win[fl]) continue;
      if (this.nextSend[fl] > now) {
        if (this.nextSend[fl] < soonest) soonest = this.nextSend[fl];
        continue;
      }
      this.rr[port] = (slot + 1) % n;
      return this.sendData(fl);
    }
    if (soonest < Number.POSITIVE_INFINITY) {
      const t = Math.ceil(soonest);
      if (this.wakeAt[h] < 0 || this.wakeAt[h] > t) {
        this.wakeAt[h] = t;
        this.clock.q.push(t, EV_HOST_WAKE, h, 0);
      }
    }
    return -1;
  }

  private sendData(fl: number): number {
    const now = this.clock.now;
    const net = this.net;
    const seq = this.sndNxt[fl];
    // Each repetition is packetized on its own: its last packet carries the remainder.
    const payload = (seq + 1) % this.fPpr[fl] === 0 ? this.fLastPayload[fl] : net.mtu;
    if (seq === 0 && this.tasks.taskStartPs[fl] < 0) this.tasks.taskStartPs[fl] = now;
    const frame = payload + net.headerBytes + this.fInt[fl];
    const id = this.pool.alloc(fl, T_DATA, this.fClass[fl], seq, payload, frame, this.fDst[fl]);
    if (this.hpccOn) this.pool.int[id * INT_REC] = 0;
    this.sndNxt[fl] = seq + 1;
    if (seq < this.highSent[fl]) {
      this.c.retransmittedBytes += payload;
      this.fRetx[fl] += payload;
    } else this.highSent[fl] = seq + 1;
    this.c.dataPacketsSent++;
    this.sentPayload += payload;
    const wire = this.pool.frame(id) + net.wireOverheadBytes;
    // Pacing at the QP's current rate; at line rate this equals the serialization time.
    const gap = this.paced ? (wire * 8e12) / this.rate[fl] : 0;
    this.nextSend[fl] = Math.max(this.nextSend[fl], now) + gap;
    if (net.ccOn) this.rp.onBytesSent(fl, wire);
    if (!this.rtoArmed[fl]) this.armRto(fl);
    return id;
  }

  /** Arms the retransmission timer of QP fl (tcp-nic.ts calls it too). */
  armRto(fl: number): void {
    this.rtoArmed[fl] = 1;
    // Exponential back-off: each timeout in a row without progress doubles the next one.
    const tcp = this.tcpOn && this.tcp.kind[fl] !== 0;
    const r = this.retries[fl];
    const at = this.clock.now + (tcp ? this.tcp.backedOffPs(fl, r) : this.net.rtoPs * 2 ** r);
    this.rtoAt[fl] = at;
    if (!this.rtoQueued[fl]) this.pushRto(fl, at);
    // A TCP RTO may shrink (1 s before the first RTT sample, RFC 6298): queue the earlier deadline too.
    else if (tcp && at < this.tcp.timerAt[fl]) this.pushRto(fl, at);
  }

  private pushRto(fl: number, at: number): void {
    this.rtoQueued[fl] = 1;
    if (this.tcpOn && this.tcp.kind[fl] !== 0) this.tcp.timerAt[fl] = at;
    this.clock.q.push(at, EV_RTO, fl, 0);
  }

  /** The retransmission timer of QP fl fires (EV_RTO). */
  rto(fl: number): void {
    // A TCP timer event an earlier deadline superseded.
    if (this.tcpOn && this.tcp.kind[fl] !== 0 && this.clock.now !== this.tcp.timerAt[fl]) return;
    this.rtoQueued[fl] = 0;
    if (!this.rtoArmed[fl] || this.fEnd[fl] >= 0) return;
    if (this.rtoAt[fl] > this.clock.now) {
      // Progress since this event was queued: wait for the current deadline.
      this.pushRto(fl, this.rtoAt[fl]);
      return;
    }
    this.rtoArmed[fl] = 0;
    if (this.sndUna[fl] >= this.fPkts[fl]) return;
    // No progress for a whole timeout. Nothing of this QP lost since its last progress: its packets are
    // only queued (behind pauses), and resending them is waste the NIC cannot tell from recovery.
    this.c.timeouts++;
    if (this.pool.lostByFlow[fl] === this.lostAtProgress[fl]) this.c.spuriousTimeouts++;
    const tcp = this.tcpOn && this.tcp.kind[fl] !== 0;
    if (this.retries[fl] >= (tcp ? TCP_RETRIES : this.net.retryCount)) {
      // IBTA "retry exceeded": the QP moves to the error state and the transfer fails.
      this.failed[fl] = 1;
      this.c.qpErrors++;
      this.onQpError?.(fl);
      return;
    }
    this.retries[fl]++;
    if (tcp) this.tcp.onTimeout(fl);
    this.sndNxt[fl] = this.sndUna[fl];
    this.armRto(fl);
    this.ports.tryStart(this.qpPort[fl]);
  }

  /**
   * The reaction point's own timer of QP a, armed in generation b (stale generations are ignored): the paper's
   * alpha timer, or connectx's rate-decrease check (whose alpha ticks are applied lazily, dcqcn.ts).
   */
  alphaTimer(a: number, b: number): void {
    if (this.fEnd[a] >= 0) return;
    const p = this.qpParams[a];
    if (p.algorithm === 'connectx') {
      if (this.rp.onDecreaseCheck(a, this.clock.now))
        this.clock.q.push(this.clock.now + p.rateTimerPs, EV_RATE_TIMER, a, this.rp.rateGen[a]);
      return;
    }
    if (b === this.rp.alphaGen[a]) {
      this.rp.onAlphaTimer(a);
      this.clock.q.push(this.clock.now + p.alphaIntervalPs, EV_ALPHA_TIMER, a, b);
    }
  }

  /** DCQCN rate timer of QP a, armed in generation b. */
  rateTimer(a: number, b: number): void {
    if (b === this.rp.rateGen[a] && this.fEnd[a] < 0) {
      this.rp.onRateTimer(a);
      this.clock.q.push(this.clock.now + this.qpParams[a].rateTimerPs, EV_RATE_TIMER, a, b);
    }
  }

  /** HPCC reads the ACK's INT; a new rate re-times the packet in pacing (rdma-hw.cc ChangeRate). */
  private hpccAck(fl: number, id: number, seq: number): void {
    const hp = this.hp;
    const old = hp.rate[fl];
    hp.onAck(fl, this.pool.int, id, seq, this.sndNxt[fl]);
    const r = hp.rate[fl];
    if (r !== old) this.nextSend[fl] += this.fWire[fl] * 8e12 * (1 / r - 1 / old);
  }

  /** A control packet of QP fl from host `from`; an ACK or NAK echoes the INT of data packet `data` (HPCC). */
  private sendControl(from: number, fl: number, type: number, seq: number, dst: number, data: number): void {
    const extra = type === T_CNP ? CNP_EXTRA : ACK_EXTRA + this.fInt[fl];
    const id = this.pool.alloc(fl, type, C_CTRL, seq, 0, extra + this.net.headerBytes, dst);
    if (this.hpccOn && type !== T_CNP) this.pool.copyInt(data, id);
    const p = from === this.fDst[fl] ? this.ackPort[fl] : this.topo.hostPort[from];
    // Sent into the host's own failed link: lost.
    if (this.topo.linkDown[p >> 1]) this.pool.drop(id, 'failure');
    else this.ports.enqueue(p, id);
  }

  /**
   * Packet id arrives at host h. Returns its QP when it completed a repetition (the caller tells the task
   * driver), else -1.
   */
  receive(h: number, id: number): number {
    const fl = this.pool.pk[id * PK + PK_FLOW];
    if (this.pool.type(id) === T_DATA) return this.receiveData(h, fl, id);
    this.receiveControl(fl, id);
    return -1;
  }

  private receiveData(h: number, fl: number, id: number): number {
    const pool = this.pool;
    const o = id * PK;
    const seq = pool.seq(id);
    if (this.tcpOn && this.tcp.kind[fl] !== 0) return this.tcpNic.receive(h, fl, id, seq);
    if (pool.pk[o + PK_BITS] & B_ECN && this.net.ccOn && this.np.shouldSend(this.cnpPerPort ? h : fl, this.clock.now)) {
      this.c.cnps++;
      this.sendControl(h, fl, T_CNP, 0, this.fSrc[fl], id);
    }
    if (seq === this.expected[fl]) {
      const payload = pool.payload(id);
      this.expected[fl] = seq + 1;
      this.c.deliveredBytes += payload;
      this.fDelivered[fl] += payload;
      this.nakSent[fl] = 0;
      // The last packet of a repetition is always acknowledged (a gated sender waits for it) and releases
      // the repetition's dependents at once.
      const repEnd = (seq + 1) % this.fPpr[fl] === 0;
      if (++this.ackCount[fl] >= this.net.ackEvery || repEnd) {
        this.ackCount[fl] = 0;
        this.sendControl(h, fl, T_ACK, seq + 1, this.fSrc[fl], id);
      }
      pool.free(id);
      return repEnd ? fl : -1;
    }
    // Go-back-N receiver: out-of-order data is discarded; one NAK per gap asks for a rewind.
    this.c.receiverDiscards++;
    pool.droppedPayload += pool.payload(id);
    if (seq > this.expected[fl]) {
      if (!this.nakSent[fl]) {
        this.nakSent[fl] = 1;
        this.c.naks++;
        this.sendControl(h, fl, T_NAK, this.expected[fl], this.fSrc[fl], id);
      }
    } else if (++this.ackCount[fl] >= this.net.ackEvery) {
      // A duplicate: the sender went back because ACKs were lost; acknowledge again so it moves on.
      this.ackCount[fl] = 0;
      this.sendControl(h, fl, T_ACK, this.expected[fl], this.fSrc[fl], id);
    }
    pool.free(id);
    return -1;
  }

  private cnpArrived(fl: number, now: number): void {
    const p = this.qpParams[fl];
    if (p.algorithm === 'connectx') {
      const at = this.rp.onCnpConnectx(fl, now);
      if (at >= 0) this.clock.q.push(at, EV_ALPHA_TIMER, fl, 0);
      return;
    }
    this.rp.onCnp(fl);
    // Both timers restart from the cut (DCQCN-02/03).
    this.clock.q.push(now + p.alphaIntervalPs, EV_ALPHA_TIMER, fl, ++this.rp.alphaGen[fl]);
    this.clock.q.push(now + p.rateTimerPs, EV_RATE_TIMER, fl, this.rp.rateGen[fl]);
  }

  /** An ACK, NAK or CNP reaches the sender of QP fl. */
  private receiveControl(fl: number, id: number): void {
    const type = this.pool.type(id);
    const seq = this.pool.seq(id);
    if (this.tcpOn && this.tcp.kind[fl] !== 0) {
      const ece = (this.pool.pk[id * PK + PK_BITS] & B_ECN) !== 0;
      this.pool.free(id);
      if (this.fEnd[fl] < 0) this.tcpNic.ack(fl, seq, ece);
      return;
    }
    if (this.hpccOn && type !== T_CNP && this.fEnd[fl] < 0) this.hpccAck(fl, id, seq);
    this.pool.free(id);
    if (this.fEnd[fl] >= 0) return;
    const now = this.clock.now;
    if (type === T_CNP) {
      if (this.net.ccOn) this.cnpArrived(fl, now);
      return;
    }
    if (seq > this.sndUna[fl]) {
      this.sndUna[fl] = seq;
      this.retries[fl] = 0;
      this.lostAtProgress[fl] = this.pool.lostByFlow[fl];
      if (this.sndNxt[fl] < seq) this.sndNxt[fl] = seq;
      this.rtoArmed[fl] = 0;
      if (seq >= this.fPkts[fl]) {
        this.fEnd[fl] = now;
        this.tasks.done++;
        return;
      }
      if (this.sndNxt[fl] > this.sndUna[fl]) this.armRto(fl);
      if (this.hpccOn) this.ports.tryStart(this.qpPort[fl]);
    }
    if (type === T_NAK) {
      this.sndNxt[fl] = seq;
      this.ports.tryStart(this.qpPort[fl]);
    }
  }
}
