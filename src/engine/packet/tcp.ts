// TCP transports beside the NIC's RoCE queue pairs (nic.ts), for traffic items with `transport: dctcp` or
// `newreno`: the sender's congestion window and loss recovery, and the receiver's out-of-order buffer. The NIC
// keeps the byte stream (send gate, next and first unacknowledged segment, the retransmission timer's event);
// this file decides how much may be in flight, what to resend and how long the timer runs.
//
// - NewReno (RFC 5681, RFC 6582): slow start (cwnd grows by the segments each ACK covers, RFC 3465's byte
//   counting with L = 2), congestion avoidance (1/cwnd per segment), fast retransmit on the third duplicate ACK,
//   fast recovery with window inflation and partial ACKs (one hole retransmitted per partial ACK), and after a
//   timeout cwnd = 1 segment and go-back from the first unacknowledged segment.
// - DCTCP (Alizadeh et al., SIGCOMM 2010, Sec. 3.1; RFC 8257 Sec. 3.3): the receiver echoes each segment's CE mark
//   in its ACK (ECE); the sender keeps alpha, an EWMA with gain g of the fraction of acknowledged segments that
//   were marked, updated once per window of data, and on an ECE cuts cwnd to cwnd (1 - alpha / 2), at most once
//   per window. Switches mark the lossy class at K on the instantaneous queue (port.ts). Loss is handled as
//   NewReno does (RFC 8257 Sec. 3.5: a DCTCP sender reacts to loss as conventional TCP).
// - Retransmission timer (RFC 6298): SRTT and RTTVAR from one timed segment at a time (Karn's rule: never a
//   retransmitted one), RTO = max(minRto, SRTT + 4 RTTVAR), 1 s before the first sample; the NIC doubles it
//   after each timeout in a row.
// - Receiver: buffers out-of-order segments within its window, ACKs every segment at once (so DCTCP's delayed-ACK
//   state machine is not needed: m = 1) with the cumulative ACK and the segment's CE as ECE.
// Leaves out the handshake and teardown, SACK, delayed ACKs, Nagle, pacing, the receive window's
// flow control (the window is a fixed buffer larger than any path's bandwidth-delay product), and TCP's own ACK
// class (ACKs travel in the control class, as the RoCE model's do).
import type { TrafficProgram, Transfer } from '../../workload/program.ts';
import type { TcpParams } from '../core/network.ts';

export const TR_ROCE = 0;
export const TR_DCTCP = 1;
export const TR_NEWRENO = 2;

/** TCP/IP headers of a segment: Ethernet 14 + IPv4 20 + TCP 20 + timestamps 12 (RFC 7323, on in Linux) + FCS 4. */
export const TCP_HEADER_BYTES = 70;
/** Receive buffer: Linux's default tcp_rmem maximum, 6 MiB (Documentation/networking/ip-sysctl.rst). */
const RCV_BUFFER_BYTES = 6 * 1024 * 1024;
/** RFC 6298 rule 2.1: the RTO before the first RTT sample. */
const INITIAL_RTO_PS = 1e12;
/** Duplicate ACKs that trigger fast retransmit (RFC 5681 Sec. 3.2). */
const DUP_THRESH = 3;
/** Slow start's appropriate byte counting limit L, in segments per ACK (RFC 3465 Sec. 2.3). */
const ABC_LIMIT = 2;
/** The back-off's ceiling: Linux TCP_RTO_MAX, 120 s (include/net/tcp.h; RFC 6298 2.5 allows any above 60 s). */
const RTO_MAX_PS = 120e12;
/** Timeouts in a row before the connection is dropped: Linux tcp_retries2 default 15. */
export const TCP_RETRIES = 15;

/** Each task's transport, from its traffic item's `transport` (items without one run RoCE). */
export function transportsOf(program: TrafficProgram, traffic: readonly object[] | undefined): Uint8Array {
  const T = program.transfers;
  const out = new Uint8Array(T.length);
  for (let i = 0; i < T.length; i++) {
    const item = traffic?.[T[i].item];
    const tr: Transfer['transport'] =
      T[i].transport ?? (item && 'transport' in item ? (item.transport as Transfer['transport']) : undefined);
    out[i] = tr === 'dctcp' ? TR_DCTCP : tr === 'newreno' ? TR_NEWRENO : TR_ROCE;
  }
  return out;
}

export class TcpFlows {
  /** Transport per task (TR_*); empty arrays below when no task uses TCP. */
  readonly kind: Uint8Array;
  readonly on: boolean;
  /** Congestion window and slow-start threshold, in segments. */
  readonly cwnd: Float64Array;
  private readonly ssthresh: Float64Array;
  private readonly dupAcks: Int32Array;
  /** NewReno's recover point (RFC 6582): the highest segment sent when recovery began. */
  private readonly recover: Int32Array;
  private readonly inRecovery: Uint8Array;
  /** Partial ACKs so far in the current recovery. */
  private readonly partials: Int32Array;
  /** A segment to retransmit before new data, or -1. */
  private readonly retx: Int32Array;
  /** DCTCP: alpha, the end of its observation window, segments acknowledged and marked in it, and the end of
   * the window in which the last cut happened (no second cut before an ACK passes it). */
  readonly alpha: Float64Array;
  private readonly winEnd: Int32Array;
  private readonly ackedInWin: Int32Array;
  private readonly markedInWin: Int32Array;
  private readonly cwrEnd: Int32Array;
  /** RFC 6298 estimator, the RTO in force, and the segment being timed (-1: none) with its send time. */
  private readonly srtt: Float64Array;
  private readonly rttvar: Float64Array;
  readonly rtoPs: Float64Array;
  /** The time of the latest timer event the NIC queued (older ones are stale). */
  readonly timerAt: Float64Array;
  private readonly rttSeq: Int32Array;
  private readonly rttAt: Float64Array;
  /** Receiver: each TCP task's slot in the out-of-order bitmap (rwnd bytes per task), or -1. */
  private readonly rcvSlot: Int32Array;
  private readonly rcvBits: Uint8Array;
  /** The receive window in segments: cwnd never exceeds it, so a segment in flight always has a bit. */
  readonly rwnd: number;
  /** Events a validation test reads. */
  fastRetransmits = 0;
  ecnCuts = 0;

  constructor(
    kind: Uint8Array,
    private readonly p: TcpParams,
    mtu: number,
    private readonly sndNxt: Int32Array,
    private readonly sndUna: Int32Array,
    private readonly highSent: Int32Array,
  ) {
    this.kind = kind;
    let n = 0;
    for (let i = 0; i < kind.length; i++) if (kind[i] !== TR_ROCE) n++;
    this.on = n > 0;
    const F = n > 0 ? kind.length : 0;
    this.rwnd = Math.max(2 * DUP_THRESH, Math.floor(RCV_BUFFER_BYTES / mtu));
    this.cwnd = new Float64Array(F).fill(p.initialWindow);
    this.ssthresh = new Float64Array(F).fill(this.rwnd);
    this.dupAcks = new Int32Array(F);
    this.recover = new Int32Array(F).fill(-2);
    this.inRecovery = new Uint8Array(F);
    this.partials = new Int32Array(F);
    this.retx = new Int32Array(F).fill(-1);
    // Linux tcp_dctcp.c dctcp_alpha_on_init: alpha starts at 1 (the first marks cut by half, as TCP would).
    this.alpha = new Float64Array(F).fill(1);
    this.winEnd = new Int32Array(F);
    this.ackedInWin = new Int32Array(F);
    this.markedInWin = new Int32Array(F);
    this.cwrEnd = new Int32Array(F).fill(-1);
    this.srtt = new Float64Array(F).fill(-1);
    this.rttvar = new Float64Array(F);
    this.rtoPs = new Float64Array(F).fill(INITIAL_RTO_PS);
    this.timerAt = new Float64Array(F);
    this.rttSeq = new Int32Array(F).fill(-1);
    this.rttAt = new Float64Array(F);
    this.rcvSlot = new Int32Array(F).fill(-1);
    let slot = 0;
    for (let i = 0; i < F; i++) if (kind[i] !== TR_ROCE) this.rcvSlot[i] = slot++;
    this.rcvBits = new Uint8Array(slot * this.rwnd);
  }

  // ---- sender ------------------------------------------------------------------------------------

  /** Task fl may send a segment now: one to retransmit, or new data below the gate within the window. */
  canSend(fl: number, gate: number): boolean {
    if (this.retx[fl] >= 0) return true;
    const nxt = this.sndNxt[fl];
    return nxt < gate && nxt - this.sndUna[fl] < Math.min(this.cwnd[fl], this.rwnd);
  }

  /** The segment to retransmit first (clearing it), or -1 for new data at sndNxt. */
  takeRetx(fl: number): number {
    const s = this.retx[fl];
    this.retx[fl] = -1;
    return s;
  }

  /** Segment seq left now: time it when nothing is being timed and it was never sent before (Karn). */
  onSent(fl: number, seq: number, fresh: boolean, now: number): void {
    if (!fresh) {
      if (this.rttSeq[fl] >= seq) this.rttSeq[fl] = -1;
    } else if (this.rttSeq[fl] < 0) {
      this.rttSeq[fl] = seq;
      this.rttAt[fl] = now;
    }
  }

  /**
   * An ACK moved the first unacknowledged segment from `una` to `ack` (already stored by the NIC). Returns
   * false when the retransmission timer must keep its deadline: a partial ACK after the first one in a recovery
   * (RFC 6582 Sec. 4's Impatient variant, which the RFC recommends: many holes end in a timeout and slow
   * start instead of one hole per RTT).
   */
  onNewAck(fl: number, ack: number, una: number, ece: boolean, now: number): boolean {
    if (this.rttSeq[fl] >= 0 && ack > this.rttSeq[fl]) {
      this.rttSample(fl, now - this.rttAt[fl]);
      this.rttSeq[fl] = -1;
    }
    const acked = ack - una;
    this.dupAcks[fl] = 0;
    if (this.kind[fl] === TR_DCTCP) this.dctcpAck(fl, ack, acked, ece);
    if (this.inRecovery[fl]) {
      if (ack <= this.recover[fl]) {
        // RFC 6582 Sec. 3.2 step 5, partial ACK: resend the next hole, deflate by what it covered, add one back.
        this.retx[fl] = ack;
        this.cwnd[fl] = Math.max(this.cwnd[fl] - acked + 1, 1);
        return this.partials[fl]++ === 0;
      }
      // Full ACK: leave recovery with cwnd = min(ssthresh, FlightSize + 1 segment) (RFC 6582 Sec. 3.2 step 3).
      this.inRecovery[fl] = 0;
      this.cwnd[fl] = Math.min(this.ssthresh[fl], Math.max(this.sndNxt[fl] - ack, 0) + 1);
      return true;
    }
    const w = this.cwnd[fl];
    // RFC 5681 Sec. 3.1: slow start below ssthresh (eq. 2, with RFC 3465's limit), else ~1 segment per RTT.
    const grown = w < this.ssthresh[fl] ? w + Math.min(acked, ABC_LIMIT) : w + acked / w;
    this.cwnd[fl] = Math.min(grown, this.rwnd);
    return true;
  }

  /**
   * DCTCP's sender (SIGCOMM 2010 Sec. 3.1; RFC 8257 Sec. 3.3): count acknowledged and marked segments; at the
   * end of each window of data alpha <- (1 - g) alpha + g F; an ECE cuts cwnd by alpha / 2 once per window.
   */
  private dctcpAck(fl: number, ack: number, acked: number, ece: boolean): void {
    this.ackedInWin[fl] += acked;
    if (ece) this.markedInWin[fl] += acked;
    if (ack > this.winEnd[fl]) {
      const F = this.ackedInWin[fl] > 0 ? this.markedInWin[fl] / this.ackedInWin[fl] : 0;
      this.alpha[fl] = (1 - this.p.g) * this.alpha[fl] + this.p.g * F;
      this.ackedInWin[fl] = 0;
      this.markedInWin[fl] = 0;
      this.winEnd[fl] = this.sndNxt[fl];
    }
    if (ece && ack > this.cwrEnd[fl] && !this.inRecovery[fl]) {
      const w = Math.max(this.cwnd[fl] * (1 - this.alpha[fl] / 2), 1);
      this.cwnd[fl] = w;
      this.ssthresh[fl] = Math.max(w, 2);
      this.cwrEnd[fl] = this.sndNxt[fl];
      this.ecnCuts++;
    }
  }

  /** A duplicate ACK (no progress while data is outstanding, RFC 5681 Sec. 2). */
  onDupAck(fl: number): void {
    const n = ++this.dupAcks[fl];
    if (this.inRecovery[fl]) {
      // Each further duplicate means a segment left the network: inflate (RFC 6582 Sec. 3.2 step 4).
      this.cwnd[fl] += 1;
      return;
    }
    // RFC 6582 Sec. 3.2 step 2: no new recovery while the ACK does not cover the last one's recover point.
    if (n !== DUP_THRESH || this.sndUna[fl] - 1 <= this.recover[fl]) return;
    const flight = this.sndNxt[fl] - this.sndUna[fl];
    this.ssthresh[fl] = Math.max(flight / 2, 2);
    this.recover[fl] = this.highSent[fl] - 1;
    this.inRecovery[fl] = 1;
    this.partials[fl] = 0;
    this.retx[fl] = this.sndUna[fl];
    this.cwnd[fl] = this.ssthresh[fl] + DUP_THRESH;
    this.fastRetransmits++;
  }

  /** The retransmission timer fired (RFC 5681 Sec. 3.1 eq. 4; RFC 6582 Sec. 3.2 step 1 for recover). */
  onTimeout(fl: number): void {
    const flight = this.sndNxt[fl] - this.sndUna[fl];
    this.ssthresh[fl] = Math.max(flight / 2, 2);
    this.cwnd[fl] = 1;
    this.inRecovery[fl] = 0;
    this.dupAcks[fl] = 0;
    this.retx[fl] = -1;
    this.recover[fl] = this.highSent[fl] - 1;
    this.rttSeq[fl] = -1;
  }

  /** The timer of task fl after `retries` timeouts in a row: RTO doubled each time (RFC 6298 5.5), to RTO_MAX. */
  backedOffPs(fl: number, retries: number): number {
    return Math.min(this.rtoPs[fl] * 2 ** retries, RTO_MAX_PS);
  }

  /**
   * Task fl's stream starts over past everything it sent (request-network.ts reuses an abandoned connection): no
   * recovery, no segment to resend or timed, and an empty out-of-order buffer. Window, alpha and RTO are kept.
   */
  restart(fl: number): void {
    this.inRecovery[fl] = 0;
    this.dupAcks[fl] = 0;
    this.retx[fl] = -1;
    this.rttSeq[fl] = -1;
    const R = this.rwnd;
    this.rcvBits.fill(0, this.rcvSlot[fl] * R, (this.rcvSlot[fl] + 1) * R);
  }

  /** RFC 6298 Sec. 2.2-2.4 (alpha 1/8, beta 1/4, K 4; no clock granularity term: the clock is exact). */
  private rttSample(fl: number, r: number): void {
    if (this.srtt[fl] < 0) {
      this.srtt[fl] = r;
      this.rttvar[fl] = r / 2;
    } else {
      this.rttvar[fl] = 0.75 * this.rttvar[fl] + 0.25 * Math.abs(this.srtt[fl] - r);
      this.srtt[fl] = 0.875 * this.srtt[fl] + 0.125 * r;
    }
    this.rtoPs[fl] = Math.max(this.p.minRtoPs, this.srtt[fl] + 4 * this.rttvar[fl]);
  }

  // ---- receiver ----------------------------------------------------------------------------------

  /**
   * Segment seq of task fl arrives while `expected` is the next in-order one. Returns the new next expected
   * segment (the cumulative ACK), `expected` itself when seq is out of order, or -1 when seq was already held
   * (a duplicate, discarded).
   */
  receive(fl: number, seq: number, expected: number): number {
    const R = this.rwnd;
    const base = this.rcvSlot[fl] * R;
    const bits = this.rcvBits;
    if (seq < expected || seq >= expected + R || bits[base + (seq % R)]) return -1;
    if (seq > expected) {
      bits[base + (seq % R)] = 1;
      return expected;
    }
    let e = expected + 1;
    while (bits[base + (e % R)]) {
      bits[base + (e % R)] = 0;
      e++;
    }
    return e;
  }
}
