// Which element an event of each kind goes to: the one switch of the packet engine's event loops (engine.ts runs
// to the end, stepper.ts to a given time). Kept small and monomorphic: one class, one method the loops call per
// event. Leaves out the loops themselves (their stop conditions, guards and progress differ), and any reading ahead:
// touching the record an event 4 places behind on its delay line would need (issue 12) only moved the wait for
// memory into the loop (k=16 permutation, perf: the loads stalled there), and the run took 2% less CPU without it.
import { EVENT_KINDS } from './events.ts';
import type { HostFailover } from './failover.ts';
import type { Links } from './link.ts';
import type { Nics } from './nic.ts';
import type { Pfc } from './pfc.ts';
import type { Ports } from './port.ts';
import type { Reducers } from './reduce.ts';
import type { Stats } from './stats.ts';
import type { Switches } from './switch.ts';
import type { Tasks } from './tasks.ts';
import type { Elements } from './wiring.ts';

const { EV_ALPHA_TIMER, EV_ARRIVE, EV_DELAY_DONE, EV_FLOW_START, EV_HOST_WAKE, EV_LINK_STATE } = EVENT_KINDS;
const { EV_PAUSE_EXPIRE, EV_PFC_REFRESH, EV_PFC_RX, EV_RATE_TIMER, EV_REDUCED, EV_ROUTE_STATE } = EVENT_KINDS;
const { EV_RTO, EV_SAMPLE, EV_TX_DONE } = EVENT_KINDS;

export class Dispatcher {
  private readonly links: Links;
  private readonly ports: Ports;
  private readonly nics: Nics;
  private readonly tasks: Tasks;
  private readonly pfc: Pfc;
  private readonly switches: Switches;

  /** `reduce`, `stats`, `failover`: null where the loop queues no such event (the stepped engine). */
  constructor(
    e: Elements,
    private readonly reduce: Reducers | null,
    private readonly stats: Stats | null,
    private readonly failover: HostFailover | null,
  ) {
    this.links = e.links;
    this.ports = e.ports;
    this.nics = e.nics;
    this.tasks = e.tasks;
    this.pfc = e.pfc;
    this.switches = e.switches;
  }

  /** Hands an event of `kind` with arguments a, b to its element. */
  run(kind: number, a: number, b: number): void {
    switch (kind) {
      case EV_TX_DONE:
        this.links.txDone(a, b);
        break;
      case EV_ARRIVE:
        this.links.deliver(a, b);
        break;
      case EV_HOST_WAKE:
        this.nics.wake(a);
        break;
      case EV_PFC_RX:
        this.ports.pfcFrame(a, b);
        break;
      case EV_PAUSE_EXPIRE:
        this.ports.pauseExpire(a);
        break;
      case EV_FLOW_START:
        this.tasks.reach(a);
        break;
      case EV_DELAY_DONE:
        this.tasks.delayDone(a);
        break;
      case EV_REDUCED:
        this.reduce!.reduced(a, b);
        break;
      case EV_ALPHA_TIMER:
        this.nics.alphaTimer(a, b);
        break;
      case EV_RATE_TIMER:
        this.nics.rateTimer(a, b);
        break;
      case EV_RTO:
        this.nics.rto(a);
        break;
      case EV_PFC_REFRESH:
        this.pfc.refresh(a, b);
        break;
      case EV_SAMPLE:
        this.stats!.sample();
        break;
      case EV_LINK_STATE:
        this.links.setState(a, b === 1);
        break;
      case EV_ROUTE_STATE:
        this.switches.routeState(a, b === 1);
        this.failover?.repath();
        break;
    }
  }
}
