// The packet engine's elements (wiring.ts, as engine.ts wires them), run to a given time instead of to the end:
// what a caller that starts transfers as its own events happen needs (request-network.ts). The loop hands each event
// to dispatch.ts as engine.ts's does, without the queue samples, the progress calls and the livelock guard. The
// network's link and switch failures are queued as engine.ts queues them, with the QP port failover of hosts of
// several links (failover.ts). Leaves out the result (the caller builds its own).

import type { Fabric } from '../../fabric/types.ts';
import type { Counters } from '../../result/types.ts';
import { zeroCounters } from '../../result/types.ts';
import type { TrafficProgram } from '../../workload/program.ts';
import { flowHashes } from '../core/ecmp.ts';
import type { NetworkConfig } from '../core/network.ts';
import { Dispatcher } from './dispatch.ts';
import { Clock, EV_FLOW_START, EV_LINK_STATE } from './events.ts';
import { HostFailover } from './failover.ts';
import type { Nics } from './nic.ts';
import type { PacketPool } from './packets.ts';
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
  /** The switches: their routing view says what a caller's transfer can still reach (request-network.ts). */
  readonly switches: Switches;
  /** QP port failover on hosts of several links, or null when every host has one. */
  readonly failover: HostFailover | null;
  /** Each QP's 5-tuple hash (switch.ts ECMP); a caller may change a QP's between its transfers. */
  readonly hashes: Uint32Array;
  private readonly dispatch: Dispatcher;
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
    this.switches = e.switches;
    this.failover = HostFailover.needed(f, this.topo)
      ? new HostFailover(f, this.topo, e.nics, e.ports, this.hashes, e.switches.view)
      : null;
    this.dispatch = new Dispatcher(e, null, null, this.failover);
    this.failures = net.failures;
  }

  private readonly failures: NetworkConfig['failures'];

  /**
   * Queues the start of tasks [0, n) at their start times (a caller's own QPs past them never start here), then
   * the failures, in engine.ts's order (equal times run in the order queued).
   */
  startTasks(n: number): void {
    const q = this.clock.q;
    for (let i = 0; i < n; i++) q.push(this.tasks.startPs[i], EV_FLOW_START, i, 0);
    for (const fl of this.failures)
      for (const l of fl.links) {
        q.push(fl.atPs, EV_LINK_STATE, l, 1);
        if (fl.untilPs !== null) q.push(fl.untilPs, EV_LINK_STATE, l, 0);
      }
  }

  /** Runs every event due at or before tPs; the clock ends at tPs (or later, if it was already). */
  runTo(tPs: number): void {
    const { clock, dispatch } = this;
    const q = clock.q;
    while (q.peekTime() <= tPs && q.pop()) {
      clock.now = q.t;
      this.events++;
      dispatch.run(q.kind, q.a, q.b);
    }
    if (tPs > clock.now) clock.now = tPs;
  }
}
