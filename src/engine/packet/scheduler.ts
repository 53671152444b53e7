// The egress scheduler of a port (port.ts): which class queue sends next. Without `network.classes`: strict
// priority over the classes that are not paused (control, then RoCE, then lossy), or at switches control first then
// deficit weighted round robin between RoCE and lossy (network.scheduler). With it, one queue per class: control
// first, then strict priority across the classes' priority levels (IEEE 802.1Q-2018 8.6.8) and DWRR by weight
// within a level (Shreedhar and Varghese 1995; ETS, IEEE 802.1Qaz), a paused class skipped. It decides and keeps its
// own state (DWRR turns and deficits); the port takes the packet off the queue. Leaves out the queues themselves,
// ECN and the statistics (port.ts, class-queues.ts) and, at a host's port, the NIC's choice among its QPs of the
// level it serves (nic.ts: round robin, not by weight).
import type { PortQueues } from '../../workload/classes.ts';
import type { ClassQueues } from './class-queues.ts';
import { PACKET_LAYOUT, type PacketPool } from './packets.ts';
import { PORT_LAYOUT } from './port-layout.ts';

const { C_CTRL, C_LOSSY, C_ROCE, NC } = PACKET_LAYOUT;
const { RI, I_FLAGS, I_HEAD, DRR_SHIFT, DRR_MASK, RD, F_PAUSED_UNTIL, CD, C_DEFICIT } = PORT_LAYOUT;

/** What a host's port needs from its NIC (nic.ts's Nics, the one implementation). */
export interface DataSource {
  /** The host's next data packet for `port`, of no class whose bit is set in `blocked`, or -1. */
  nextDataPacket(h: number, blocked: number, port: number): number;
}

export class Scheduler {
  /** After a pick that found nothing: the soonest end of a pause holding back a queue with packets (else +inf). */
  blockedUntil = Number.POSITIVE_INFINITY;

  constructor(
    private readonly r32: Int32Array,
    private readonly r64: Float64Array,
    private readonly cold: Float64Array,
    private readonly pool: PacketPool,
    /** DWRR: each class's quantum in bytes. */
    private readonly quantum: Float64Array,
  ) {}

  // ---- one queue per class (network.classes) ----------------------------------------------------------------

  private xq: ClassQueues | null = null;
  private nq = NC;
  /** Levels (0: control alone); the queues by level in `order`, level L's at [lvStart[L], lvStart[L + 1]). */
  private nLevels = 0;
  private order = new Int32Array(0);
  private lvStart = new Int32Array(0);
  /** Per level, its queues as a bit mask; per queue, its DWRR quantum in bytes. */
  readonly levelMask: Int32Array = new Int32Array(0);
  private quantumQ = new Float64Array(0);
  /** Per port and queue the DWRR deficit; per port and level the position whose turn it is. */
  private deficit = new Float64Array(0);
  private turn = new Int32Array(0);
  /** Per queue, a bit: lossless (PFC) classes. */
  private lossless = 0;

  /** Serves one queue per class: `frameMax` is the largest frame (a quantum of one lets every visit send). */
  serveClasses(xq: ClassQueues, pc: PortQueues, P: number, frameMax: number, pfc: boolean): void {
    const nq = pc.names.length;
    this.lossless = pfc ? pc.lossless.reduce((m, x, q) => (x ? m | (1 << q) : m), 0) : 0;
    this.xq = xq;
    this.nq = nq;
    const L = Math.max(...pc.level) + 1;
    this.nLevels = L;
    const qs = Array.from({ length: nq }, (_, q) => q).sort((a, b) => pc.level[a] - pc.level[b] || a - b);
    this.order = Int32Array.from(qs);
    this.lvStart = new Int32Array(L + 1);
    for (const q of qs) this.lvStart[pc.level[q] + 1]++;
    for (let l = 0; l < L; l++) this.lvStart[l + 1] += this.lvStart[l];
    (this as { levelMask: Int32Array }).levelMask = new Int32Array(L);
    for (const q of qs) this.levelMask[pc.level[q]] |= 1 << q;
    this.quantumQ = new Float64Array(nq);
    for (let q = 1; q < nq; q++) {
      const wmin = Math.min(...qs.filter((r) => pc.level[r] === pc.level[q]).map((r) => pc.weight[r]));
      this.quantumQ[q] = (frameMax * pc.weight[q]) / wmin;
    }
    this.deficit = new Float64Array(P * nq);
    this.turn = new Int32Array(P * L);
  }

  /** The first packet of port p's queue c, or -1. */
  head(p: number, c: number): number {
    return c < NC ? this.r32[p * RI + I_HEAD + c] : (this.xq as ClassQueues).head[(this.xq as ClassQueues).at(p, c)];
  }

  /** Until when port p's queue c is paused (PFC). */
  pausedUntil(p: number, c: number): number {
    if (c < NC) return this.r64[p * RD + F_PAUSED_UNTIL + c];
    const xq = this.xq as ClassQueues;
    return xq.pausedUntil[xq.at(p, c)];
  }

  /** One queue per class: control, then the levels from the highest priority, DWRR within each; or -1. */
  classed(p: number, now: number): number {
    if (this.ready(p, C_CTRL, now)) {
      this.blockedUntil = Number.POSITIVE_INFINITY;
      return C_CTRL;
    }
    for (let l = 1; l < this.nLevels; l++) {
      const c = this.drrLevel(p, l, now);
      if (c >= 0) {
        this.blockedUntil = Number.POSITIVE_INFINITY;
        return c;
      }
    }
    let bu = Number.POSITIVE_INFINITY;
    for (let c = 0; c < this.nq; c++) {
      const pu = this.pausedUntil(p, c);
      if (pu > now && pu < bu && this.head(p, c) >= 0) bu = pu;
    }
    this.blockedUntil = bu;
    return -1;
  }

  /**
   * At a host's port (or a reduction element's) with nothing queued: the NIC's next data packet, of the classes of
   * the highest priority level that has one, paused classes left out (the NIC's round robin among its QPs within
   * the level, not DWRR by weight); or -1, `blockedUntil` then the soonest end of a pause.
   */
  demand(nic: DataSource, p: number, from: number, now: number): number {
    let paused = 0;
    let until = Number.POSITIVE_INFINITY;
    for (let c = 1; c < this.nq; c++) {
      if (((this.lossless >> c) & 1) === 0) continue;
      const pu = this.pausedUntil(p, c);
      if (pu > now) {
        paused |= 1 << c;
        if (pu < until) until = pu;
      }
    }
    this.blockedUntil = until;
    const masks = this.levelMask;
    for (let l = 1; l < masks.length; l++) {
      if ((masks[l] & ~paused) === 0) continue;
      const id = nic.nextDataPacket(from, ~masks[l] | paused, p);
      if (id >= 0) return id;
    }
    return -1;
  }

  /** A queue at port p may send now: it has a packet and no pause holds it. */
  private ready(p: number, c: number, now: number): boolean {
    return this.head(p, c) >= 0 && this.pausedUntil(p, c) <= now;
  }

  /**
   * DWRR among the queues of level l (as `dwrr` above, over any number of queues): the one whose turn it is keeps
   * the port while its deficit covers its head packet; then the next ready one in turn gets its quantum.
   */
  private drrLevel(p: number, l: number, now: number): number {
    const s = this.lvStart[l];
    const n = this.lvStart[l + 1] - s;
    const t = p * this.nLevels + l;
    const D = this.deficit;
    let k = this.turn[t];
    for (let step = 0; step <= 2 * n; step++) {
      const c = this.order[s + k];
      const dc = p * this.nq + c;
      const head = this.head(p, c);
      const eligible = head >= 0 && this.pausedUntil(p, c) <= now;
      if (eligible && D[dc] >= this.pool.frame(head)) {
        D[dc] -= this.pool.frame(head);
        this.turn[t] = k;
        return c;
      }
      if (head < 0) D[dc] = 0;
      let next = -1;
      for (let j = 1; j < n && next < 0; j++) if (this.ready(p, this.order[s + ((k + j) % n)], now)) next = (k + j) % n;
      if (next >= 0) {
        k = next;
        const c2 = this.order[s + k];
        D[p * this.nq + c2] += this.quantumQ[c2];
      } else if (eligible) D[dc] += this.quantumQ[c];
      else break;
    }
    this.turn[t] = k;
    return -1;
  }

  /** Strict priority over classes that are not paused: the class to send from, or -1. */
  strict(p: number, now: number): number {
    const r32 = this.r32;
    const r64 = this.r64;
    const i = p * RI;
    const d = p * RD;
    let blockedUntil = Number.POSITIVE_INFINITY;
    for (let c = 0; c < NC; c++) {
      if (r32[i + I_HEAD + c] < 0) continue;
      const pu = r64[d + F_PAUSED_UNTIL + c];
      if (pu > now) {
        if (pu < blockedUntil) blockedUntil = pu;
        continue;
      }
      this.blockedUntil = blockedUntil;
      return c;
    }
    this.blockedUntil = blockedUntil;
    return -1;
  }

  /**
   * Deficit weighted round robin (Shreedhar and Varghese 1995) between the RoCE and lossy classes; control
   * packets go first. A class keeps the port while its deficit covers its head packet; then the other
   * class gets its quantum. Returns the class to send from, or -1.
   */
  dwrr(p: number, now: number): number {
    const r32 = this.r32;
    const r64 = this.r64;
    const i = p * RI;
    const d = p * RD;
    const cold = this.cold;
    const e = p * CD;
    this.blockedUntil = Number.POSITIVE_INFINITY;
    if (r32[i + I_HEAD + C_CTRL] >= 0 && r64[d + F_PAUSED_UNTIL + C_CTRL] <= now) return C_CTRL;
    let cur = (r32[i + I_FLAGS] & DRR_MASK) >> DRR_SHIFT;
    for (let n = 0; n < 4; n++) {
      const head = r32[i + I_HEAD + cur];
      const eligible = head >= 0 && r64[d + F_PAUSED_UNTIL + cur] <= now;
      if (eligible && cold[e + C_DEFICIT + cur] >= this.pool.frame(head)) {
        cold[e + C_DEFICIT + cur] -= this.pool.frame(head);
        r32[i + I_FLAGS] = (r32[i + I_FLAGS] & ~DRR_MASK) | (cur << DRR_SHIFT);
        return cur;
      }
      if (head < 0) cold[e + C_DEFICIT + cur] = 0;
      const other = cur === C_ROCE ? C_LOSSY : C_ROCE;
      if (r32[i + I_HEAD + other] >= 0 && r64[d + F_PAUSED_UNTIL + other] <= now) {
        cold[e + C_DEFICIT + other] += this.quantum[other];
        cur = other;
      } else if (eligible) cold[e + C_DEFICIT + cur] += this.quantum[cur];
      else break;
    }
    r32[i + I_FLAGS] = (r32[i + I_FLAGS] & ~DRR_MASK) | (cur << DRR_SHIFT);
    const pu = r64[d + F_PAUSED_UNTIL + C_ROCE];
    if (r32[i + I_HEAD + C_ROCE] >= 0 && pu > now) this.blockedUntil = pu;
    return -1;
  }
}
