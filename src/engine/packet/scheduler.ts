// The egress scheduler of a port (port.ts): which class queue sends next. Strict priority over the classes that
// are not paused (control, then RoCE, then lossy), or at switches control first then deficit weighted round robin
// between RoCE and lossy (network.scheduler). It decides and keeps its own state (the DWRR turn and deficits in
// the port's records); the port takes the packet off the queue. Leaves out the queues themselves, ECN and the
// statistics (port.ts) and the NIC's choice among its QPs when nothing is queued at a host's port (nic.ts).
import { C_CTRL, C_LOSSY, C_ROCE, NC, type PacketPool } from './packets.ts';
import { PORT_LAYOUT } from './port-layout.ts';

const { RI, I_FLAGS, I_HEAD, DRR_SHIFT, DRR_MASK, RD, F_PAUSED_UNTIL, CD, C_DEFICIT } = PORT_LAYOUT;

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
