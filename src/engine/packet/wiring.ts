// The packet engine's elements wired together over one topology and clock: the packet pool, the egress ports, PFC,
// the shared buffer, the NICs with the task driver, the switches and the links. engine.ts (a run to the end) and
// stepper.ts (a run to a given time, for request-network.ts) both start from it; what only one of them needs (the
// switches' reduction elements, QP failover, statistics) it adds itself. Leaves out the event loop and the queue of
// first events.
import { createRandom } from '../../base/random.ts';
import type { Fabric } from '../../fabric/types.ts';
import type { Counters } from '../../result/types.ts';
import type { TrafficProgram } from '../../workload/program.ts';
import type { NetworkConfig } from '../core/network.ts';
import { buildTaskGraph, TaskDriver } from '../core/task-graph.ts';
import type { Clock } from './events.ts';
import { Links } from './link.ts';
import { Mmu } from './mmu.ts';
import { Nics } from './nic.ts';
import { PacketPool } from './packets.ts';
import { Pfc } from './pfc.ts';
import { Ports } from './port.ts';
import { classQueues } from './qp-setup.ts';
import { Switches } from './switch.ts';
import { Tasks } from './tasks.ts';
import type { Topology } from './topology.ts';

export interface Elements {
  pool: PacketPool;
  ports: Ports;
  pfc: Pfc;
  mmu: Mmu;
  nics: Nics;
  tasks: Tasks;
  switches: Switches;
  links: Links;
}

/** How the elements are wired: the run's seed (its ECN, load-balancing and loss streams), each QP's 5-tuple hash,
 * and whether the switches memoize paths (false when QP ids are reused for new destinations). */
export interface WiringOptions {
  seed: number;
  hashes: Uint32Array;
  transports: Uint8Array;
  memoize: boolean;
}

/** Builds the elements in the order they need each other (the topology is complete: reduce.ts marks it first). */
export function wireElements(
  clock: Clock,
  c: Counters,
  f: Fabric,
  topo: Topology,
  net: NetworkConfig,
  program: TrafficProgram,
  o: WiringOptions,
): Elements {
  const pool = new PacketPool(c, 4096);
  const ports = new Ports(clock, topo, pool, net, c, createRandom(o.seed, 'packet', 'ecn'), o.transports);
  const pfc = new Pfc(clock, topo, net, c);
  const mmu = new Mmu(topo, net, pool, ports, pfc);
  const driver = new TaskDriver(buildTaskGraph(program.transfers));
  const nics = new Nics(clock, topo, pool, ports, driver, net, c, program, o.transports);
  ports.nic = nics;
  if (net.portClasses) classQueues(nics.fClass, program, net.portClasses);
  const tasks = new Tasks(clock, driver, nics, program);
  nics.spreadPorts(f, o.hashes);
  const rngLb = createRandom(o.seed, 'packet', 'lb');
  const switches = new Switches(f, topo, pool, ports, mmu, net, o.hashes, rngLb, o.memoize);
  const rngLoss = createRandom(o.seed, 'packet', 'loss');
  const links = new Links(clock, topo, pool, ports, mmu, switches, nics, tasks, net, c, rngLoss);
  return { pool, ports, pfc, mmu, nics, tasks, switches, links };
}
