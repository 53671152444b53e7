// The packet-level engine: discrete events on an integer picosecond clock, over elements in the manner of
// htsim (one small class per kind of network element, each owning its state in typed arrays):
//
//   host NIC (nic.ts: QPs, DCQCN pacing) ─► egress port (port.ts: 3 classes, scheduler, ECN) ─► link (link.ts:
//   serialization done, loss, propagation) ─► switch (switch.ts: ECMP; mmu.ts: shared buffer and PFC ingress
//   accounting; pfc.ts: PAUSE upstream) ─► ... ─► host NIC (go-back-N receiver, ACK/NAK, CNP pacing) ─► ACKs
//   back the same way in the control class.
//
// Packets live in one pool (packets.ts) addressed by id; the task driver (engine/core/task-graph.ts, with
// tasks.ts) starts the program's transfers and delays; stats.ts samples and builds the Result. This file keeps
// the clock, the event queue and the loop; wiring.ts builds the elements and dispatch.ts hands each event to its
// element. Numbers in the comments cite the validation cases (validation/README.md).

import type { Catalog } from '../../catalog/index.ts';
import type { Fabric } from '../../fabric/types.ts';
import type { Counters, Result } from '../../result/types.ts';
import { zeroCounters } from '../../result/types.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { TrafficProgram } from '../../workload/program.ts';
import { flowHashes } from '../core/ecmp.ts';
import { type NetworkConfig, resolveNetwork } from '../core/network.ts';
import { Dispatcher } from './dispatch.ts';
import { Clock, EV_FLOW_START, EV_LINK_STATE, EV_SAMPLE } from './events.ts';
import { HostFailover } from './failover.ts';
import type { Links } from './link.ts';
import type { Mmu } from './mmu.ts';
import type { Nics } from './nic.ts';
import type { PacketPool } from './packets.ts';
import type { Pfc } from './pfc.ts';
import type { Ports } from './port.ts';
import { Reducers } from './reduce.ts';
import { Stats } from './stats.ts';
import type { Switches } from './switch.ts';
import type { Tasks } from './tasks.ts';
import { transportsOf } from './tcp.ts';
import { Topology } from './topology.ts';
import { wireElements } from './wiring.ts';

export { pauseDurationPs } from './pfc.ts';

/** Livelock guard: this many events at one simulated time is a bug. */
const MAX_SAME_TIME_EVENTS = 5_000_000;

export interface PacketRunOptions {
  seed: number;
  /** Stop after this much simulated time even if flows are unfinished. */
  maxTimePs?: number;
  /** `events`: events run so far (the count stats.events reports at the end). */
  onProgress?: (doneFlows: number, totalFlows: number, nowPs: number, events: number) => void;
  name?: string;
}

export function runPacket(
  fabric: Fabric,
  program: TrafficProgram,
  scenario: Pick<Scenario, 'network' | 'seed'> & Partial<Pick<Scenario, 'traffic'>>,
  catalog: Catalog,
  opts: PacketRunOptions,
): Result {
  const net = resolveNetwork(scenario.network, fabric, catalog);
  const sim = new PacketSim(fabric, program, net, opts, transportsOf(program, scenario.traffic));
  return sim.run();
}

/** The packet engine runs tasks numbered in order; delays on hosts (a switch ends transfers only: reduce.ts). */
function checkProgram(f: Fabric, program: TrafficProgram, topo: Topology): void {
  program.transfers.forEach((t, i) => {
    if (t.id !== i) throw new Error(`internal: task ${i} has id ${t.id}`);
    if (t.kind === 'delay' && !topo.isHost[t.src])
      throw new Error(`internal: the packet engine runs delays on hosts (task ${i} uses ${f.nodes[t.src].name})`);
  });
}

class PacketSim {
  private readonly clock = new Clock();
  private readonly c: Counters = zeroCounters();
  private readonly F: number;
  private readonly pool: PacketPool;
  private readonly ports: Ports;
  private readonly mmu: Mmu;
  private readonly pfc: Pfc;
  private readonly switches: Switches;
  private readonly links: Links;
  private readonly nics: Nics;
  private readonly tasks: Tasks;
  private readonly stats: Stats;
  private readonly dispatch: Dispatcher;
  /** QP port failover on hosts of several links (failover.ts), or null when every host has one. */
  readonly failover: HostFailover | null;
  private events = 0;
  private timeBackwards = 0;

  constructor(
    f: Fabric,
    program: TrafficProgram,
    private readonly net: NetworkConfig,
    private readonly opts: PacketRunOptions,
    transports: Uint8Array,
  ) {
    const { clock, c } = this;
    const seed = opts.seed;
    this.F = program.transfers.length;
    const topo = new Topology(f, net);
    checkProgram(f, program, topo);
    const hashes = flowHashes(seed, this.F);
    const reduce = Reducers.needed(program, topo) ? new Reducers(f, topo, program, net, hashes) : null;
    const e = wireElements(clock, c, f, topo, net, program, { seed, hashes, transports, memoize: true });
    this.pool = e.pool;
    this.ports = e.ports;
    this.pfc = e.pfc;
    this.mmu = e.mmu;
    this.nics = e.nics;
    this.tasks = e.tasks;
    this.switches = e.switches;
    this.links = e.links;
    this.failover = HostFailover.needed(f, topo)
      ? new HostFailover(f, topo, this.nics, this.ports, hashes, this.switches.view)
      : null;
    const { pool, ports, mmu, nics, tasks } = this;
    if (reduce !== null) {
      reduce.attach({ clock, pool, mmu, nics, tasks });
      this.links.reduce = reduce;
      tasks.streams = reduce;
    }
    this.stats = new Stats({ f, net, program, clock, topo, pool, ports, mmu, nics, tasks, c });
    this.dispatch = new Dispatcher(e, reduce, this.stats, this.failover);
  }

  run(): Result {
    const wall0 = performance.now();
    let peakRss = process.memoryUsage.rss();
    const { clock, F, tasks, dispatch } = this;
    const q = clock.q;
    const driver = tasks.driver;
    for (let i = 0; i < F; i++) q.push(tasks.startPs[i], EV_FLOW_START, i, 0);
    for (const fl of this.net.failures)
      for (const l of fl.links) {
        q.push(fl.atPs, EV_LINK_STATE, l, 1);
        if (fl.untilPs !== null) q.push(fl.untilPs, EV_LINK_STATE, l, 0);
      }
    if (F > 0) q.push(0, EV_SAMPLE, 0, 0);
    const maxT = this.opts.maxTimePs ?? 10e12;
    let sameTime = 0;
    while (driver.done < F && q.pop()) {
      const t = q.t;
      if (t < clock.now) this.timeBackwards++;
      if (t === clock.now) {
        if (++sameTime > MAX_SAME_TIME_EVENTS)
          throw new Error(`internal: livelock, ${MAX_SAME_TIME_EVENTS} events at t=${t} ps without time advancing`);
      } else sameTime = 0;
      if (t > maxT) break;
      clock.now = t;
      this.events++;
      dispatch.run(q.kind, q.a, q.b);
      if ((this.events & 0xffff) === 0) {
        const rss = process.memoryUsage.rss();
        if (rss > peakRss) peakRss = rss;
        // Every 65,536 events, finished flows or not: simulated time and the event count move while a long flow
        // runs (the CLI's bar and the server's worker pace what they show; the worker at most every 200 ms).
        this.opts.onProgress?.(driver.done, F, t, this.events);
      }
    }
    this.opts.onProgress?.(driver.done, F, clock.now, this.events);
    const rss = process.memoryUsage.rss();
    if (rss > peakRss) peakRss = rss;
    const wallMs = performance.now() - wall0;
    return this.stats.result({
      name: this.opts.name ?? 'scenario',
      seed: this.opts.seed,
      events: this.events,
      timeBackwards: this.timeBackwards,
      wallMs,
      peakRss,
    });
  }
}
