import type { Fabric } from '../../fabric/types.ts';
import type { Counters } from '../../result/types.ts';
import { zeroCounters } from '../../result/types.ts';
import type { TrafficProgram } from '../../workload/program.ts';
import { flowHashes } from '../core/ecmp.ts';
import type { NetworkConfig } from '../core/network.ts';
import {
  Clock,
  EV_ALPHA_TIMER,
  EV_ARRIVE,
  EV_DELAY_DONE,
  EV_FLOW_START,
  EV_HOST_WAKE,
  EV_LINK_STATE,
  EV_PAUSE_EXPIRE,
  EV_PFC_REFRESH,
  EV_PFC_RX,
  EV_RATE_TIMER,
  EV_ROUTE_STATE,
  EV_RTO,
  EV_TX_DONE,
} from './events.ts';
import type { Links } from './link.ts';
import type { Nics } from './nic.ts';
import type { PacketPool } from './packets.ts';
import type { Pfc } from './pfc.ts';
import type { Ports } from './port.ts';
import type { Switches } from './switch.ts';
import type { Tasks } from './tasks.ts';
import { Topology } from './topology.ts';
import { wireElements } from './wiring.ts';

export class PacketStepper {
  readonly clock = new Clock();
  readonly counters: Counters = zeroCounters();
  readonly topo: Topology;
  readonly pool: PacketPool;
  readonly ports: Ports;
  readonly nics: Nics;
  readonly tasks: Tasks;
  /** Each QP's 5-tuple hash (switch.ts ECMP); a caller may change a QP's between its transfers. */
  readonly hashes: Uint32Array;
  private readonly pfc: Pfc;
  private readonly links: Links;
  private readonly switches: Switches;
  events = 0;

  /**
   * `nicNodes`: nodes other than hosts with a NIC (topology.ts). The switches keep no path memo (switch.ts): a
   * caller may give a QP a new destination and hash. The program's tasks start at their start times.
   */
  constructor(
    f: Fabric,
    net: NetworkConfig,
    program: TrafficProgram,
    transports: Uint8Array,
    seed: number,
    nicNodes: readonly number[],
  ) {
    const { clock, counters: c } = this;
    this.topo = new Topology(f, net, nicNodes);
    this.hashes = flowHashes(seed, program.transfers.length);
    const e = wireElements(clock, c, f, this.topo, net, program, {
      seed,
      hashes: this.hashes,
      transports,
      memoize: false,
    });
    this.pool = e.pool;
    this.ports = e.ports;
    this.nics = e.nics;
    this.tasks = e.tasks;
    this.pfc = e.pfc;
    this.links = e.links;
    this.switches = e.switches;
  }

  /** Queues the start of tasks [0, n) at their start times (a caller's own QPs past them never start here). */
  startTasks(n: number): void {
    for (let i = 0; i < n; i++) this.clock.q.push(this.tasks.startPs[i], EV_FLOW_START, i, 0);
  }

  /** Runs every event due at or before tPs; the clock ends at tPs (or later, if it was already). */
  runTo(tPs: number): void {
    const { clock, links, ports, nics, tasks, pfc, switches } = this;
    const q = clock.q;
    while (q.peekTime() <= tPs && q.pop()) {
      clock.now = q.t;
      this.events++;
      const a = q.a;
      const b = q.b;
      switch (q.kind) {
        case EV_TX_DONE:
          links.txDone(a);
          break;
        case EV_ARRIVE:
          links.deliver(a, b);
          break;
        case EV_HOST_WAKE:
          nics.wake(a);
          break;
        case EV_PFC_RX:
          ports.pfcFrame(a, b);
          break;
        case EV_PAUSE_EXPIRE:
          ports.pauseExpire(a);
          break;
        case EV_FLOW_START:
          tasks.reach(a);
          break;
        case EV_DELAY_DONE:
          tasks.delayDone(a);
          break;
        case EV_ALPHA_TIMER:
          nics.alphaTimer(a, b);
          break;
        case EV_RATE_TIMER:
          nics.rateTimer(a, b);
          break;
        case EV_RTO:
          nics.rto(a);
          break;
        case EV_PFC_REFRESH:
          pfc.refresh(a, b);
          break;
        case EV_LINK_STATE:
          links.setState(a, b === 1);
          break;
        case EV_ROUTE_STATE:
          switches.routeState(a, b === 1);
          break;
      }
    }
    if (tPs > clock.now) clock.now = tPs;
  }
}
