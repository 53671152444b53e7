// The simulator's clock and event queue, and the kinds of event it holds. Time is integer nanoseconds; ties are
// broken by insertion order (the queue's sequence numbers). The network's deliveries are not events here: the
// RequestNetwork keeps its own times, and the loop (run.ts) takes whichever is earlier, the network first on a tie.
import { BinaryHeapQueue } from '../core/heap2.ts';

/** A request arrives at border0 (the next one from the arrival source). */
export const EV_ARRIVE = 0;
/** A plain service ends: a = replica, b = the request's list entry. */
export const EV_SERVICE = 1;
/** An LLM iteration ends: a = replica, b = the replica's epoch when it started. */
export const EV_STEP = 2;
/** A request's last token reaches the client: a = request. */
export const EV_DEPART = 3;
/** A replica fails, or is repaired: a = fault index. */
export const EV_FAULT = 4;
export const EV_REPAIR = 5;
/** A replica's ejection from the balancer ends: a = replica. */
export const EV_UNEJECT = 6;

export class Clock {
  /** The time of the event being handled (ns). */
  now = 0;
  readonly q = new BinaryHeapQueue(1024);
}
