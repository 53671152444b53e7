// What the request simulator needs from a network model (src/engine/flow/fluid.ts implements it with and without
// contention), and the zero-delay model of queueing checks (Q-01..Q-03: "network delay set to zero").

export interface RequestNetwork {
  /** Start a transfer at `nowNs` (non-decreasing); `tag` comes back on delivery. */
  start(nowNs: number, src: number, dst: number, bytes: number, flowHash: number, tag: number): number;
  /** Earliest time something is due, or +Infinity. */
  nextTime(): number;
  /** Deliver what is due at or before t: onDone(tag, ok) (ok false: the destination could not be reached). */
  advance(t: number, onDone: (tag: number, ok: boolean) => void): void;
  /** Delay of a message too small to change any rate (a streamed token); +Infinity if unreachable. */
  messageDelayNs(nowNs: number, src: number, dst: number, bytes: number, flowHash: number): number;
  /** The delay of the same transfer on an idle network. */
  unloadedDelayNs(src: number, dst: number, bytes: number, flowHash: number): number;
}

/** Every transfer and message arrives the instant it is sent. */
export class ZeroNetwork implements RequestNetwork {
  private tags: number[] = [];
  private times: number[] = [];
  private head = 0;

  start(nowNs: number, _src: number, _dst: number, _bytes: number, _hash: number, tag: number): number {
    this.tags.push(tag);
    this.times.push(nowNs);
    return this.tags.length - 1;
  }

  nextTime(): number {
    return this.head < this.times.length ? this.times[this.head] : Number.POSITIVE_INFINITY;
  }

  advance(t: number, onDone: (tag: number, ok: boolean) => void): void {
    while (this.head < this.times.length && this.times[this.head] <= t) onDone(this.tags[this.head++], true);
    if (this.head > 4096 && this.head * 2 > this.tags.length) {
      this.tags = this.tags.slice(this.head);
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }

  messageDelayNs(): number {
    return 0;
  }

  unloadedDelayNs(): number {
    return 0;
  }
}
