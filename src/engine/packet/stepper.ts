// The packet engine's elements wired as engine.ts wires them, run to a given time instead of to the end: what a
// caller that starts transfers as its own events happen needs (request-network.ts). The loop is engine.ts's
// dispatch without the queue samples, the progress calls and the livelock guard. Leaves out the result (the
// caller builds its own) and failures' QP failover (hosts of one link only).
import { createRandom } from '../../base/random.ts';
import type { Fabric } from '../../fabric/types.ts';
import type { Counters } from '../../result/types.ts';
import { zeroCounters } from '../../result/types.ts';
import type { TrafficProgram } from '../../workload/program.ts';
import { flowHashes } from '../core/ecmp.ts';
import type { NetworkConfig } from '../core/network.ts';
import { buildTaskGraph, TaskDriver } from '../core/task-graph.ts';
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
import { Links } from './link.ts';
import { Mmu } from './mmu.ts';
import { Nics } from './nic.ts';
import { PacketPool } from './packets.ts';
import { Pfc } from './pfc.ts';
import { Ports } from './port.ts';
import { Switches } from './switch.ts';
import { Tasks } from './tasks.ts';
import { Topology } from './topology.ts';

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
    const topo = this.topo;
    this.pool = new PacketPool(c, 4096);
    this.ports = new Ports(clock, topo, this.pool, net, c, createRandom(seed, 'packet', 'ecn'), transports);
    this.pfc = new Pfc(clock, topo, net, c);
    const mmu = new Mmu(topo, net, this.pool, this.ports, this.pfc);
    const driver = new TaskDriver(buildTaskGraph(program.transfers));
    this.nics = new Nics(clock, topo, this.pool, this.ports, driver, net, c, program, transports);
    this.ports.nic = this.nics;
    this.tasks = new Tasks(clock, driver, this.nics, program);
    this.hashes = flowHashes(seed, program.transfers.length);
    this.nics.spreadPorts(f, this.hashes);
    const rngLb = createRandom(seed, 'packet', 'lb');
    this.switches = new Switches(f, topo, this.pool, this.ports, mmu, net, this.hashes, rngLb, false);
    const rngLoss = createRandom(seed, 'packet', 'loss');
    this.links = new Links(
      clock,
      topo,
      this.pool,
      this.ports,
      mmu,
      this.switches,
      this.nics,
      this.tasks,
      net,
      c,
      rngLoss,
    );
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
