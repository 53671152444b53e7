// The packet engine's clock and its event kinds. Every element holds the one Clock: it reads the time of the
// event being handled and pushes the events it causes. An event is (time, kind, a, b) with integer payloads
// (a port, packet, QP or task id), so nothing is allocated per event. Leaves out the dispatch (dispatch.ts).
import { asDouble } from '../core/heap2.ts';
import { EventSet } from './event-set.ts';

/** Serialization of a frame on a port ends: a = port, b = the packet it sent. */
export const EV_TX_DONE = 1;
/** A frame reaches the far end of a link: a = packet, b = the port it was sent on. */
export const EV_ARRIVE = 2;
/** A host's paced QP may send again: a = host. */
export const EV_HOST_WAKE = 3;
/** A PFC frame reaches the port it pauses or resumes: a = port, b = class x 65536 + quanta. */
export const EV_PFC_RX = 4;
/** A pause on a port may have run out: a = port. */
export const EV_PAUSE_EXPIRE = 5;
/** A task's start time: a = task. */
export const EV_FLOW_START = 6;
/** DCQCN timers of a QP: a = QP, b = the generation they were armed in. */
export const EV_ALPHA_TIMER = 7;
export const EV_RATE_TIMER = 8;
/** A QP's retransmission timeout: a = QP. */
export const EV_RTO = 9;
/** Refresh a pause still needed: a = ingress port, b = class. */
export const EV_PFC_REFRESH = 10;
/** Sample the queues. */
export const EV_SAMPLE = 11;
/** A link fails (b = 1) or recovers (b = 0): a = link. */
export const EV_LINK_STATE = 12;
/** Routing learns of a link's state, after the detection delay: a = link, b as above. */
export const EV_ROUTE_STATE = 13;
/** A delay task's repetition ends: a = task. */
export const EV_DELAY_DONE = 14;
/** A switch's reduction element has reduced its inputs' packets up to b for its QP a (reduce.ts). */
export const EV_REDUCED = 15;

/** The kinds in one object, to destructure once (an imported binding costs a check at every use: packets.ts). */
export const EVENT_KINDS = {
  ...{ EV_TX_DONE, EV_ARRIVE, EV_HOST_WAKE, EV_PFC_RX, EV_PAUSE_EXPIRE, EV_FLOW_START, EV_ALPHA_TIMER },
  ...{ EV_RATE_TIMER, EV_RTO, EV_PFC_REFRESH, EV_SAMPLE, EV_LINK_STATE, EV_ROUTE_STATE, EV_DELAY_DONE, EV_REDUCED },
} as const;

export class Clock {
  /** The time of the event being handled, in picoseconds (a double from the start: core/heap2.ts asDouble). */
  now = asDouble(0);
  /** The calendar, and delay lines for the frames' arrivals (event-set.ts). */
  readonly q = new EventSet();
}
