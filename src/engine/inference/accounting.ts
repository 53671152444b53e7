// The running counts of a service (counted as events happen, for the result and its invariants): requests in the
// system and its time integral (Little's law), completions, failures, retries, token gaps, the largest batch and
// KV use seen. Per-request times stay in the RequestTable; summary.ts turns both into the result.
import { LogHistogram } from '../core/histogram.ts';

export class Accounting {
  inSystem = 0;
  /** Integral of inSystem over time, up to lastT (ns). */
  area = 0;
  lastT = 0;
  firstArrival = -1;
  lastArrival = 0;
  lastDepart = 0;
  completed = 0;
  failed = 0;
  retries = 0;
  events = 0;
  maxBatchSeen = 0;
  maxKvSeen = 0;
  sumIn = 0;
  sumOut = 0;
  /** Disaggregation: KV-cache bytes sent from prefill to decode servers. */
  kvBytes = 0;
  /** Gaps between successive streamed tokens at the client (ns). */
  readonly gaps = new LogHistogram();

  /** Extend the integral of the number in system to t. */
  countTo(t: number): void {
    this.area += this.inSystem * (t - this.lastT);
    this.lastT = t;
  }

  arrived(t: number, input: number, output: number): void {
    this.sumIn += input;
    this.sumOut += output;
    if (this.firstArrival < 0) {
      this.firstArrival = t;
      this.lastT = t;
    }
    this.lastArrival = t;
    this.countTo(t);
    this.inSystem++;
  }

  departed(t: number, done: boolean): void {
    this.countTo(t);
    this.inSystem--;
    if (t > this.lastDepart) this.lastDepart = t;
    if (done) this.completed++;
    else this.failed++;
  }
}
